/* show.h - turns server answers into tables for the renderer: a list ({items: [...]}) becomes
   a table of rows, a single record a field | value view; and prints any table the way the
   settings say (format, expansion, colour, pager). */
#ifndef AGENCY_SHOW_H
#define AGENCY_SHOW_H

#include <msgpack.h>

#include "app.h"
#include "render.h"

/* Builds the table for result (NULL when it is empty: nil or {}); caller frees. Nested maps
   of a record become "key.sub" columns unless json_nested, then they stay as JSON values. */
struct render_table *show_build(const msgpack_object *result, bool json_nested);

/* Prints table t with the app's output settings (pager, width, colour). */
enum cmd_status show_table(const struct app *a, const struct render_table *t);

/* Prints a server result; an empty one prints "done." in table format. */
enum cmd_status show_result(const struct app *a, const msgpack_object *result);

/* Writes o as JSON text to out (strings escaped, numbers bare, nil as null). */
void show_json(FILE *out, const msgpack_object *o);

/* Writes a one-line text form of a scalar or compact JSON of a container into out
   (malloc'd, caller frees) and says which kind of cell it is. */
char *show_value(const msgpack_object *o, enum render_kind *kind);

#endif
