/* render.h - the one table printer of the client: build a table (headers, typed cells, footer),
   then print it aligned, expanded (one record per block), as CSV (RFC 4180) or as JSON. */
#ifndef AGENCY_RENDER_H
#define AGENCY_RENDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum render_format { RENDER_TABLE = 0, RENDER_CSV, RENDER_JSON };
enum render_expand { RENDER_EXPAND_AUTO = 0, RENDER_EXPAND_ON, RENDER_EXPAND_OFF };

/* What a cell holds; decides JSON typing and alignment (numbers right-aligned). */
enum render_kind {
    RK_TEXT = 0, /* a string */
    RK_NUMBER,   /* decimal digits, printed bare in JSON */
    RK_BOOL,     /* "true" / "false" */
    RK_NULL,     /* no value: empty in tables and CSV, null in JSON */
    RK_JSON      /* a nested value already written as JSON text */
};

struct render_opts {
    enum render_format format;
    enum render_expand expand;
    unsigned term_width; /* columns of the terminal; 0 = unknown (never expands by itself) */
    bool colour;         /* bold headers (ANSI); only ever set for a terminal without NO_COLOR */
};

struct render_table;

/* A new empty table with ncols columns (>= 1); NULL when out of memory. */
struct render_table *render_table_new(size_t ncols);
/* Frees the table and every string it copied. */
void render_table_free(struct render_table *t);
/* Sets the name of column col (copied). Returns 0, or -1 for a bad column or no memory. */
int render_table_header(struct render_table *t, size_t col, const char *name);
/* Appends one cell; cells fill rows left to right. text is copied (may be NULL for RK_NULL).
   Returns 0, or -1 when out of memory. */
int render_table_add(struct render_table *t, enum render_kind kind, const char *text);
/* Replaces the "(N rows)" footer of aligned output (copied; NULL = no footer at all). */
int render_table_footer(struct render_table *t, const char *footer);
/* Marks the table as one record rather than a list: aligned output shows field | value lines
   without a record header or footer, JSON prints an object instead of an array. */
void render_table_single(struct render_table *t, bool single);
/* Number of complete or partial rows added so far. */
size_t render_table_rows(const struct render_table *t);
/* Width in display columns of the aligned (non-expanded) layout. */
size_t render_table_width(const struct render_table *t);

/* Prints t to out in the format of opts. Returns 0, or -1 on a write error. */
int render_table_print(const struct render_table *t, const struct render_opts *opts, FILE *out);

/* Writes s[0..len) as a JSON string literal (quotes included) to out. */
void render_json_string(FILE *out, const char *s, size_t len);
/* Writes s as one CSV field, quoted when it holds a comma, quote, CR or LF (RFC 4180). */
void render_csv_field(FILE *out, const char *s, size_t len);
/* Writes s[0..len) for a terminal: controls escaped (width_escape), invalid bytes as U+FFFD.
   Returns the display columns written. */
size_t render_text(FILE *out, const char *s, size_t len);

#endif
