/* Server push: a listener thread LISTENs on PostgreSQL's "agency_events" channel (so events
   raised by any agencyd instance reach every instance) and hands each event to the I/O thread,
   which sends it as a notification [2, "event", [{...}]] to the connections of its user. */
#ifndef AGENCY_NOTIFY_H
#define AGENCY_NOTIFY_H

#include <stddef.h>
#include <stdint.h>

#include <msgpack.h>

#include "config.h"

#define NOTIFY_CHANNEL "agency_events"

/* Starts the listener thread (it connects, and reconnects with backoff, by itself). 0 or -1. */
int notify_start(const struct config *cfg, char *err, size_t errlen);
/* Stops and joins the listener thread. */
void notify_stop(void);

/* Counts one event handed to `delivered` connections (0: nobody of that user is connected here). */
void notify_count(unsigned delivered);

/*
 * Converts an event payload, a JSON object such as {"user_id": 7, "kind": "client.assigned",
 * "client_ids": [1, 2]}, into one MessagePack map packed on pk, leaving out "user_id", which
 * is returned in *user_id (0 when absent). Integers stay integers, other numbers become
 * floats; nesting is limited to 16 levels. Returns 0, or -1 when the payload is not such an
 * object (nothing useful was packed then).
 */
int notify_json_to_msgpack(const char *json, size_t len, msgpack_packer *pk, uint64_t *user_id);

#endif
