/* render_table.c - the table being built, its measures, and text for a terminal. */
#include "render_table.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "width.h"

struct render_table *render_table_new(size_t ncols)
{
    if (ncols == 0)
        return NULL;
    struct render_table *t = calloc(1, sizeof(*t));
    if (!t)
        return NULL;
    t->ncols = ncols;
    t->headers = calloc(ncols, sizeof(char *));
    t->priority = calloc(ncols, sizeof(unsigned));
    t->whole = calloc(ncols, sizeof(bool));
    if (!t->headers || !t->priority || !t->whole) {
        free(t->headers);
        free(t->priority);
        free(t->whole);
        free(t);
        return NULL;
    }
    for (size_t c = 0; c < ncols; c++)
        t->priority[c] = 1;
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
    free(t->priority);
    free(t->whole);
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

int render_table_priority(struct render_table *t, size_t col, unsigned priority)
{
    if (col >= t->ncols)
        return -1;
    t->priority[col] = priority;
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

int render_table_whole(struct render_table *t, size_t col)
{
    if (col >= t->ncols)
        return -1;
    t->whole[col] = true;
    return 0;
}

const char *render_header(const struct render_table *t, size_t col)
{
    return col < t->ncols && t->headers[col] ? t->headers[col] : "";
}

const struct render_cell *render_cell_at(const struct render_table *t, size_t row, size_t col)
{
    static const struct render_cell empty = {RK_NULL, NULL, 0};
    size_t i = row * t->ncols + col;
    return i < t->ncells ? &t->cells[i] : &empty;
}

size_t render_column_width(const struct render_table *t, size_t col)
{
    const char *h = render_header(t, col);
    size_t w = width_str(h, strlen(h));
    for (size_t r = 0, n = render_table_rows(t); r < n; r++) {
        const struct render_cell *c = render_cell_at(t, r, col);
        if (c->width > w)
            w = c->width;
    }
    return w;
}

bool render_column_numeric(const struct render_table *t, size_t col)
{
    bool any = false;
    for (size_t r = 0, n = render_table_rows(t); r < n; r++) {
        const struct render_cell *c = render_cell_at(t, r, col);
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
        w += render_column_width(t, c) + 3;
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

void render_pad(FILE *out, size_t n)
{
    while (n--)
        fputc(' ', out);
}

void render_dashes(FILE *out, size_t n)
{
    while (n--)
        fputc('-', out);
}

/* Columns one code point at s takes when printed (its escape for a control); its bytes in *n. */
static size_t cp_columns(const char *s, size_t len, size_t *n)
{
    uint32_t cp;
    *n = width_decode(s, len, &cp);
    int w = width_cp(cp);
    if (w < 0) {
        char esc[8];
        return width_escape(cp, esc);
    }
    return cp == WIDTH_INVALID && *n == 1 ? 1 : (size_t)w;
}

size_t render_text_cut(FILE *out, const char *s, size_t len, size_t maxw)
{
    if (width_str(s, len) <= maxw)
        return render_text(out, s, len);
    if (maxw == 0)
        return 0;
    size_t end = 0, cols = 0, n;
    /* whole characters up to maxw - 1 columns, the marks that follow the last one included */
    while (end < len) {
        size_t w = cp_columns(s + end, len - end, &n);
        if (cols + w > maxw - 1 && w > 0)
            break;
        cols += w;
        end += n;
    }
    while (end > 0 && (s[end - 1] == ' ' || s[end - 1] == ',')) /* "Acme…", not "Acme, …" */
        end--;
    cols = render_text(out, s, end);
    fputs("\xE2\x80\xA6", out); /* U+2026 */
    return cols + 1;
}

void render_footer_print(const struct render_table *t, FILE *out)
{
    if (t->footer_set) {
        if (t->footer)
            fprintf(out, "%s\n", t->footer);
        return;
    }
    size_t n = render_table_rows(t);
    fprintf(out, "(%zu row%s)\n", n, n == 1 ? "" : "s");
}
