/* show.h - turns server answers into tables for the renderer: a list ({items: [...]}) becomes
   a table of rows with the command's columns, a single record a field | value view; values as
   people read them in tables (local times, due dates against today), as sent in CSV and JSON;
   and prints any table the way this command's settings say (format, expansion, colour, pager). */
#ifndef AGENCY_SHOW_H
#define AGENCY_SHOW_H

#include <stdbool.h>
#include <time.h>

#include <msgpack.h>

#include "app.h"
#include "render.h"

/* A column a command declares for its lists: the item's field, its title in tables (NULL: the
   field; CSV and JSON always use the field), and how it gives way to a narrow terminal
   (render_table_priority: 1 never hidden, higher numbers hidden first; 0: the field's default,
   which keeps ids and names and hides bookkeeping first). */
struct show_col {
    const char *field;
    const char *header;
    unsigned priority;
};

/* How this command turns answers into tables. */
struct show_opts {
    enum render_format format;
    const struct show_col *cols; /* the command's columns, shown first in this order */
    size_t ncols;
    bool only;          /* those columns and none of the answer's others */
    const char *select; /* --columns a,b,c: exactly these, in this order (NULL: none given) */
    const char *lead;   /* a first column "section" holding this text in every row, or NULL */
    time_t now;         /* for due dates */
};

/* This command's options: its format, its row's columns, --columns; now is the clock. */
struct show_opts show_opts_of(const struct app *a);

/* The items (an array of maps, or NULL) as rows of a table planned from o; appended to t when
   t is given (it must come from the same options). NULL when out of memory. */
struct render_table *show_list(struct render_table *t, const msgpack_object *items,
                               const struct show_opts *o);

/* Checks that every name of o->select is a column of items or of o->cols: 0, or -1 with the
   message (naming the columns there are) in err. */
int show_check_columns(const msgpack_object *items, const struct show_opts *o, char *err,
                       size_t errlen);

/* Appends the cell for value v (NULL: none) of field in item: a nested record shows its
   full_name or name (JSON keeps it whole); in tables an RFC 3339 time is local "YYYY-MM-DD
   HH:MM" and a field ending in "due" says how it stands against today unless item is done.
   True when the value was shown as such a time or date. */
bool show_cell(struct render_table *t, const msgpack_object *item, const char *field,
               const msgpack_object *v, const struct show_opts *o);

/* Builds the table for result (NULL when it is empty: nil or {}); caller frees. Nested maps
   of a record become "key.sub" rows except in JSON. */
struct render_table *show_build(const msgpack_object *result, const struct show_opts *o);

/* Prints table t with the app's output settings (pager, width, colour, expansion). */
enum cmd_status show_table(const struct app *a, const struct render_table *t);

/* Prints a server result; an empty one prints "done." in table format. A list's footer says
   when more rows exist. */
enum cmd_status show_result(const struct app *a, const msgpack_object *result);

/* Prints a server result with footer for its table instead of the usual one (NULL: the usual
   "(N rows)"). Checks --columns against the answer first (a usage error otherwise). */
enum cmd_status show_page(const struct app *a, const msgpack_object *result, const char *footer);

/* In CSV and JSON, "agency: more rows: --cursor X" on stderr when the answer has a next page. */
void show_cursor_hint(const struct app *a, const msgpack_object *result);

/* Writes o as JSON text to out (strings escaped, numbers bare, nil as null). */
void show_json(FILE *out, const msgpack_object *o);

/* Writes a one-line text form of a scalar or compact JSON of a container into out
   (malloc'd, caller frees) and says which kind of cell it is. */
char *show_value(const msgpack_object *o, enum render_kind *kind);

#endif
