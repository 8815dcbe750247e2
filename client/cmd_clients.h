/* cmd_clients.h - the client, contact, log, activity and agenda commands: CLIENT words (ids or
   names in any script), USER and TEAM names, date words, the record view of a client with its
   contacts and recent activities, the agenda, the duplicate candidates, and client import. */
#ifndef AGENCY_CMD_CLIENTS_H
#define AGENCY_CMD_CLIENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <msgpack.h>

#include "app.h"

/* Runs w[0..n) when it is one of these commands (*handled = true); otherwise leaves it to the
   generic mapping (*handled = false). */
enum cmd_status cmd_clients_run(struct app *a, char *const *w, size_t n, bool *handled);

/* Prints the "candidates" of a duplicate error map (id, name, owner, similarity %) as a table
   on stdout; nothing when there are none. */
void cmd_clients_print_candidates(const struct app *a, const msgpack_object *error);

/* client show: the record, its contacts and (except for finance) its recent activities; one
   JSON object {client, contacts, activities} with --format json. */
enum cmd_status cmd_clients_show(struct app *a, uint64_t id);

/* agenda: the overdue and upcoming follow-ups of the answer, as two titled tables (one table
   with a "section" column in CSV, the answer itself in JSON). */
enum cmd_status cmd_clients_agenda(struct app *a, const msgpack_object *result);

#endif
