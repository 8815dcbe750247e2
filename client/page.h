/* page.h - lists a page at a time: a footer that says more rows exist, "next" for the page
   after (the same command sent again with the answer's cursor), and --all for every page in
   one go (one table, or CSV and JSON streamed page by page; a progress line on a terminal). */
#ifndef AGENCY_PAGE_H
#define AGENCY_PAGE_H

#include <stdbool.h>

#include <msgpack.h>

#include "app.h"
#include "grammar.h"

/* True when op pages its answer (it takes a cursor). */
bool page_op_pages(const struct meta_op *op);

/* Prints result, the answer to args; when more rows exist, says so and (at a terminal)
   remembers args for page_next. */
enum cmd_status page_show(struct app *a, const struct grammar_args *args,
                          const msgpack_object *result);

/* "next": the page after the one shown last. */
enum cmd_status page_next(struct app *a);

/* --all: sends args for every page (Ctrl-C stops after the page in flight) and prints the
   rows as one list. */
enum cmd_status page_all(struct app *a, struct grammar_args *args);

/* Forgets the list "next" would go on with (after a new login or catalogue). */
void page_forget(struct app *a);

#endif
