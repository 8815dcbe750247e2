/* render_table.h - the table the printers read: headers, typed cells filled row by row, how
   each column gives way to a narrow terminal, a footer; and text as a terminal shows it. */
#ifndef AGENCY_RENDER_TABLE_H
#define AGENCY_RENDER_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* What a cell holds; decides JSON typing and alignment (numbers right-aligned). */
enum render_kind {
    RK_TEXT = 0, /* a string */
    RK_NUMBER,   /* decimal digits, printed bare in JSON */
    RK_BOOL,     /* "true" / "false" */
    RK_NULL,     /* no value: empty in tables and CSV, null in JSON */
    RK_JSON      /* a nested value already written as JSON text */
};

struct render_cell {
    enum render_kind kind;
    char *text;   /* NULL for RK_NULL */
    size_t width; /* display columns of text as render_text prints it */
};

/* Built through the functions below; the printers (render.c, render_aligned.c) read it. */
struct render_table {
    size_t ncols;
    char **headers;
    unsigned *priority; /* per column (render_table_priority) */
    bool *whole;        /* per column: never cut (render_table_whole) */
    struct render_cell *cells;
    size_t ncells, cap;
    char *footer;
    bool footer_set; /* footer replaced (possibly by none) */
    bool single;
};

/* A new empty table with ncols columns (>= 1); NULL when out of memory. */
struct render_table *render_table_new(size_t ncols);
/* Frees the table and every string it copied. */
void render_table_free(struct render_table *t);
/* Sets the name of column col (copied). Returns 0, or -1 for a bad column or no memory. */
int render_table_header(struct render_table *t, size_t col, const char *name);
/* How column col gives way when the table is wider than the terminal: the columns with the
   highest priority number are hidden first; 0 and 1 are never hidden. Every column starts at
   1. Returns 0, or -1 for a bad column. */
int render_table_priority(struct render_table *t, size_t col, unsigned priority);
/* Column col is never cut (times, dates, commands to type): shown whole or hidden. */
int render_table_whole(struct render_table *t, size_t col);
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
/* Width in display columns of the aligned layout with every column at full width. */
size_t render_table_width(const struct render_table *t);

/* The header of column col ("" when unset); the cell at row, col (an empty one past the end). */
const char *render_header(const struct render_table *t, size_t col);
const struct render_cell *render_cell_at(const struct render_table *t, size_t row, size_t col);
/* The widest of the header and every cell of column col. */
size_t render_column_width(const struct render_table *t, size_t col);
/* True when column col has values and every one is a number (right-aligned, never cut). */
bool render_column_numeric(const struct render_table *t, size_t col);
/* Prints the footer: the one set, or "(N rows)". */
void render_footer_print(const struct render_table *t, FILE *out);

/* Writes s[0..len) for a terminal: controls escaped (width_escape), invalid bytes as U+FFFD.
   Returns the display columns written. */
size_t render_text(FILE *out, const char *s, size_t len);
/* Like render_text, but at most maxw columns: text wider than that is cut between characters
   (a combining mark stays with its letter, a wide character is never split) and ends in "…".
   Returns the display columns written (<= maxw). */
size_t render_text_cut(FILE *out, const char *s, size_t len, size_t maxw);
/* n spaces; n dashes. */
void render_pad(FILE *out, size_t n);
void render_dashes(FILE *out, size_t n);

#endif
