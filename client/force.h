/* force.h - the "duplicate" answer of an operation that takes a force flag: the similar records
   as a table and, at a terminal, the question whether to create the record anyway. */
#ifndef AGENCY_FORCE_H
#define AGENCY_FORCE_H

#include <msgpack.h>

#include "app.h"
#include "grammar.h"

/* Prints the "candidates" of a duplicate error map (id, name, owner, similarity %) as a table
   on stdout; nothing when there are none. */
void force_print_candidates(const struct app *a, const msgpack_object *error);

/* Prints the candidates array c (id, name, owner, similarity %) as a table with footer. */
void force_show_candidates(const struct app *a, const msgpack_object *c, const char *footer);

/* Looks at the answer (s, *r) to args. When it is "duplicate" and args' operation takes a force
   flag that was not given: prints the error and the candidates, frees *r and asks "Create
   anyway?" at a terminal. Returns 1 when the person said yes (args now carry force: send them
   again), -1 when it stops here (said why; nothing was created), 0 when the answer is another
   one (*r untouched). */
int force_offer(struct app *a, struct grammar_args *args, enum conn_status s, struct conn_reply *r);

#endif
