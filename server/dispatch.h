/* The request dispatcher: decodes a frame and applies, for every operation in the same order,
   hello-first, exists, login, pending password change, role and argument checks, then answers
   loop operations itself and hands the rest to the database workers. I/O thread only. */
#ifndef AGENCY_DISPATCH_H
#define AGENCY_DISPATCH_H

#include <stddef.h>
#include <stdint.h>

#include "conn.h"
#include "dbpool.h"

/* Handles one frame payload of c. The caller has checked that the worker queue has room. */
enum conn_frame_verdict dispatch_frame(struct conn *c, const uint8_t *payload, size_t len,
                                       uint64_t now_ms);
/* Delivers a finished job to its connection (or drops it if the connection is gone);
   takes ownership of job. */
void dispatch_complete(struct dbjob *job, uint64_t now_ms);
/* Sends an event (DBJOB_NOTIFY) to every logged-in connection of its user; frees job. */
void dispatch_notify(struct dbjob *job);
/* Tells c that this server is draining ({"kind": "server.draining"}): the client should finish
   what it waits for and reconnect (to another instance) before its next request. */
void dispatch_announce_draining(struct conn *c);
/* Answers too_large to a frame over c's max_frame (conn_upcalls.too_large). */
void dispatch_too_large(struct conn *c);
/* Queues an error answer on c; field/reason only for invalid (may be NULL). */
void dispatch_send_error(struct conn *c, uint32_t msgid, enum proto_err code, const char *message,
                         const char *field, const char *reason);

#endif
