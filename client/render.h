/* render.h - the one table printer of the client: build a table (headers, typed cells, footer),
   then print it aligned and fitted to the terminal, expanded (one record per block), as CSV
   (RFC 4180) or as JSON. */
#ifndef AGENCY_RENDER_H
#define AGENCY_RENDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "render_table.h"

enum render_format { RENDER_TABLE = 0, RENDER_CSV, RENDER_JSON };
enum render_expand { RENDER_EXPAND_AUTO = 0, RENDER_EXPAND_ON, RENDER_EXPAND_OFF };

struct render_opts {
    enum render_format format;
    enum render_expand expand;
    unsigned term_width; /* columns of the terminal; 0 = unknown (nothing hidden or cut) */
    bool colour;         /* bold headers (ANSI); only ever set for a terminal without NO_COLOR */
};

/* Prints t to out in the format of opts. Returns 0, or -1 on a write error. */
int render_table_print(const struct render_table *t, const struct render_opts *opts, FILE *out);

/* Writes s[0..len) as a JSON string literal (quotes included) to out. */
void render_json_string(FILE *out, const char *s, size_t len);
/* Writes s as one CSV field, quoted when it holds a comma, quote, CR or LF (RFC 4180). */
void render_csv_field(FILE *out, const char *s, size_t len);

#endif
