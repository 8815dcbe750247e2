/* render.c - the table printer: aligned, expanded, CSV and JSON output of one table API. */
#include "render.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "width.h"

struct render_cell {
    enum render_kind kind;
    char *text; /* NULL for RK_NULL */
    size_t width;
};

struct render_table {
    size_t ncols;
    char **headers;
    struct render_cell *cells;
    size_t ncells, cap;
    char *footer;
    bool footer_set; /* footer replaced (possibly by none) */
    bool single;
};

#define BOLD  "\033[1m"
#define RESET "\033[0m"

struct render_table *render_table_new(size_t ncols)
{
    if (ncols == 0)
        return NULL;
    struct render_table *t = calloc(1, sizeof(*t));
    if (!t)
        return NULL;
    t->ncols = ncols;
    t->headers = calloc(ncols, sizeof(char *));
    if (!t->headers) {
        free(t);
        return NULL;
    }
    return t;
}

void render_table_free(struct render_table *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->ncols; i++)
        free(t->headers[i]);
    for (size_t i = 0; i < t->ncells; i++)
        free(t->cells[i].text);
    free(t->headers);
    free(t->cells);
    free(t->footer);
    free(t);
}

int render_table_header(struct render_table *t, size_t col, const char *name)
{
    if (col >= t->ncols)
        return -1;
    char *copy = strdup(name ? name : "");
    if (!copy)
        return -1;
    free(t->headers[col]);
    t->headers[col] = copy;
    return 0;
}

int render_table_add(struct render_table *t, enum render_kind kind, const char *text)
{
    if (t->ncells == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 64;
        struct render_cell *c = realloc(t->cells, cap * sizeof(*c));
        if (!c)
            return -1;
        t->cells = c;
        t->cap = cap;
    }
    struct render_cell *c = &t->cells[t->ncells];
    c->kind = text ? kind : RK_NULL;
    c->text = NULL;
    c->width = 0;
    if (text) {
        c->text = strdup(text);
        if (!c->text)
            return -1;
        c->width = width_str(text, strlen(text));
    }
    t->ncells++;
    return 0;
}

int render_table_footer(struct render_table *t, const char *footer)
{
    char *copy = NULL;
    if (footer && !(copy = strdup(footer)))
        return -1;
    free(t->footer);
    t->footer = copy;
    t->footer_set = true;
    return 0;
}

void render_table_single(struct render_table *t, bool single)
{
    t->single = single;
}

size_t render_table_rows(const struct render_table *t)
{
    return (t->ncells + t->ncols - 1) / t->ncols;
}

static const char *header_of(const struct render_table *t, size_t col)
{
    return t->headers[col] ? t->headers[col] : "";
}

static const struct render_cell *cell_at(const struct render_table *t, size_t row, size_t col)
{
    static const struct render_cell empty = {RK_NULL, NULL, 0};
    size_t i = row * t->ncols + col;
    return i < t->ncells ? &t->cells[i] : &empty;
}

/* Widest of the header and every cell of column col. */
static size_t column_width(const struct render_table *t, size_t col)
{
    const char *h = header_of(t, col);
    size_t w = width_str(h, strlen(h));
    for (size_t r = 0, n = render_table_rows(t); r < n; r++) {
        const struct render_cell *c = cell_at(t, r, col);
        if (c->width > w)
            w = c->width;
    }
    return w;
}

/* A column is numeric (right-aligned) when it has values and all of them are numbers. */
static bool column_numeric(const struct render_table *t, size_t col)
{
    bool any = false;
    for (size_t r = 0, n = render_table_rows(t); r < n; r++) {
        const struct render_cell *c = cell_at(t, r, col);
        if (c->kind == RK_NULL)
            continue;
        if (c->kind != RK_NUMBER)
            return false;
        any = true;
    }
    return any;
}

size_t render_table_width(const struct render_table *t)
{
    size_t w = 0;
    for (size_t c = 0; c < t->ncols; c++)
        w += column_width(t, c) + 3;
    return w - 1; /* " a | b " minus the last separator's place, no trailing space */
}

size_t render_text(FILE *out, const char *s, size_t len)
{
    size_t i = 0, cols = 0;
    while (i < len) {
        uint32_t cp;
        size_t n = width_decode(s + i, len - i, &cp);
        int w = width_cp(cp);
        if (w < 0) {
            char esc[8];
            cols += width_escape(cp, esc);
            fputs(esc, out);
        } else if (cp == WIDTH_INVALID && n == 1) {
            fputs("\xEF\xBF\xBD", out);
            cols += 1;
        } else {
            fwrite(s + i, 1, n, out);
            cols += (size_t)w;
        }
        i += n;
    }
    return cols;
}

static void pad(FILE *out, size_t n)
{
    while (n--)
        fputc(' ', out);
}

static void dashes(FILE *out, size_t n)
{
    while (n--)
        fputc('-', out);
}

static void put_cell_text(FILE *out, const struct render_cell *c)
{
    if (c->text)
        render_text(out, c->text, strlen(c->text));
}

/* One aligned row: " a | b | c" with the last column not padded on the right. */
static void print_aligned_row(const struct render_table *t, const size_t *w, const bool *num,
                              size_t row, FILE *out)
{
    for (size_t col = 0; col < t->ncols; col++) {
        const struct render_cell *c = cell_at(t, row, col);
        bool last = col + 1 == t->ncols;
        fputc(' ', out);
        if (num[col]) {
            pad(out, w[col] - c->width);
            put_cell_text(out, c);
        } else {
            put_cell_text(out, c);
            if (!last)
                pad(out, w[col] - c->width);
        }
        fputs(last ? "\n" : " |", out);
    }
}

static void print_aligned_header(const struct render_table *t, const size_t *w, bool colour,
                                 FILE *out)
{
    for (size_t col = 0; col < t->ncols; col++) {
        const char *h = header_of(t, col);
        size_t hw = width_str(h, strlen(h));
        size_t left = (w[col] - hw) / 2, right = w[col] - hw - left;
        bool last = col + 1 == t->ncols;
        fputc(' ', out);
        pad(out, left);
        if (colour)
            fputs(BOLD, out);
        render_text(out, h, strlen(h));
        if (colour)
            fputs(RESET, out);
        if (!last)
            pad(out, right);
        fputs(last ? "\n" : " |", out);
    }
    for (size_t col = 0; col < t->ncols; col++) {
        dashes(out, w[col] + 2);
        if (col + 1 < t->ncols)
            fputc('+', out);
    }
    fputc('\n', out);
}

static void print_footer(const struct render_table *t, FILE *out)
{
    if (t->footer_set) {
        if (t->footer)
            fprintf(out, "%s\n", t->footer);
        return;
    }
    size_t n = render_table_rows(t);
    fprintf(out, "(%zu row%s)\n", n, n == 1 ? "" : "s");
}

static int print_aligned(const struct render_table *t, bool colour, FILE *out)
{
    size_t *w = calloc(t->ncols, sizeof(size_t));
    bool *num = calloc(t->ncols, sizeof(bool));
    if (!w || !num) {
        free(w);
        free(num);
        return -1;
    }
    for (size_t c = 0; c < t->ncols; c++) {
        w[c] = column_width(t, c);
        num[c] = column_numeric(t, c);
    }
    print_aligned_header(t, w, colour, out);
    for (size_t r = 0, n = render_table_rows(t); r < n; r++)
        print_aligned_row(t, w, num, r, out);
    print_footer(t, out);
    free(w);
    free(num);
    return 0;
}

/* "-[ RECORD n ]" then dashes, with '+' above the column separator when it falls after. */
static void print_record_line(size_t n, size_t keyw, size_t valw, unsigned term_width, FILE *out)
{
    char head[48];
    int len = snprintf(head, sizeof(head), "-[ RECORD %zu ]", n);
    size_t used = (size_t)len;
    fputs(head, out);
    if (used < keyw + 1) {
        dashes(out, keyw + 1 - used);
        used = keyw + 1;
    }
    fputc(used == keyw + 1 ? '+' : '-', out);
    used++;
    size_t end = keyw + 3 + valw;
    if (term_width > 0 && end > term_width)
        end = term_width; /* a line that wraps would look like two */
    if (used < end)
        dashes(out, end - used);
    fputc('\n', out);
}

static void print_expanded(const struct render_table *t, bool colour, unsigned term_width,
                           FILE *out)
{
    size_t keyw = 0, valw = 0, rows = render_table_rows(t);
    for (size_t c = 0; c < t->ncols; c++) {
        const char *h = header_of(t, c);
        size_t hw = width_str(h, strlen(h));
        if (hw > keyw)
            keyw = hw;
    }
    for (size_t i = 0; i < t->ncells; i++)
        if (t->cells[i].width > valw)
            valw = t->cells[i].width;
    if (rows == 0 && !t->single) {
        print_footer(t, out);
        return;
    }
    for (size_t r = 0; r < rows; r++) {
        if (!t->single)
            print_record_line(r + 1, keyw, valw, term_width, out);
        for (size_t c = 0; c < t->ncols; c++) {
            const char *h = header_of(t, c);
            if (colour)
                fputs(BOLD, out);
            size_t hw = render_text(out, h, strlen(h));
            if (colour)
                fputs(RESET, out);
            pad(out, keyw - hw);
            fputs(" | ", out);
            put_cell_text(out, cell_at(t, r, c));
            fputc('\n', out);
        }
    }
}

void render_csv_field(FILE *out, const char *s, size_t len)
{
    if (!memchr(s, ',', len) && !memchr(s, '"', len) && !memchr(s, '\n', len) &&
        !memchr(s, '\r', len)) {
        fwrite(s, 1, len, out);
        return;
    }
    fputc('"', out);
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '"')
            fputc('"', out);
        fputc(s[i], out);
    }
    fputc('"', out);
}

static void print_csv(const struct render_table *t, FILE *out)
{
    for (size_t c = 0; c < t->ncols; c++) {
        const char *h = header_of(t, c);
        if (c)
            fputc(',', out);
        render_csv_field(out, h, strlen(h));
    }
    fputc('\n', out);
    for (size_t r = 0, n = render_table_rows(t); r < n; r++) {
        for (size_t c = 0; c < t->ncols; c++) {
            const struct render_cell *cell = cell_at(t, r, c);
            if (c)
                fputc(',', out);
            if (cell->text)
                render_csv_field(out, cell->text, strlen(cell->text));
        }
        fputc('\n', out);
    }
}

void render_json_string(FILE *out, const char *s, size_t len)
{
    size_t i = 0;
    fputc('"', out);
    while (i < len) {
        uint32_t cp;
        size_t n = width_decode(s + i, len - i, &cp);
        if (cp == '"' || cp == '\\') {
            fputc('\\', out);
            fputc((int)cp, out);
        } else if (cp == '\n') {
            fputs("\\n", out);
        } else if (cp == '\t') {
            fputs("\\t", out);
        } else if (cp == '\r') {
            fputs("\\r", out);
        } else if (cp == '\b') {
            fputs("\\b", out);
        } else if (cp == '\f') {
            fputs("\\f", out);
        } else if (cp < 0x20 || cp == 0x7F || cp == 0x2028 || cp == 0x2029) {
            fprintf(out, "\\u%04x", (unsigned)cp);
        } else if (cp == WIDTH_INVALID && n == 1) {
            fputs("\\ufffd", out);
        } else {
            fwrite(s + i, 1, n, out);
        }
        i += n;
    }
    fputc('"', out);
}

static void print_json_value(const struct render_cell *c, FILE *out)
{
    switch (c->kind) {
    case RK_NULL:
        fputs("null", out);
        break;
    case RK_NUMBER:
    case RK_BOOL:
    case RK_JSON:
        fputs(c->text, out);
        break;
    case RK_TEXT:
        render_json_string(out, c->text, strlen(c->text));
        break;
    }
}

static void print_json_object(const struct render_table *t, size_t row, FILE *out)
{
    fputc('{', out);
    for (size_t c = 0; c < t->ncols; c++) {
        const char *h = header_of(t, c);
        if (c)
            fputc(',', out);
        render_json_string(out, h, strlen(h));
        fputc(':', out);
        print_json_value(cell_at(t, row, c), out);
    }
    fputc('}', out);
}

static void print_json(const struct render_table *t, FILE *out)
{
    size_t rows = render_table_rows(t);
    if (t->single && rows == 1) {
        print_json_object(t, 0, out);
        fputc('\n', out);
        return;
    }
    fputc('[', out);
    for (size_t r = 0; r < rows; r++) {
        if (r)
            fputc(',', out);
        print_json_object(t, r, out);
    }
    fputs("]\n", out);
}

int render_table_print(const struct render_table *t, const struct render_opts *opts, FILE *out)
{
    switch (opts->format) {
    case RENDER_CSV:
        print_csv(t, out);
        break;
    case RENDER_JSON:
        print_json(t, out);
        break;
    case RENDER_TABLE: {
        bool expanded = t->single || opts->expand == RENDER_EXPAND_ON ||
                        (opts->expand == RENDER_EXPAND_AUTO && opts->term_width > 0 &&
                         render_table_width(t) > opts->term_width);
        if (expanded)
            print_expanded(t, opts->colour, opts->term_width, out);
        else if (print_aligned(t, opts->colour, out) < 0)
            return -1;
        break;
    }
    }
    return ferror(out) ? -1 : 0;
}
