/* render.c - the table printer: a table shown aligned (render_aligned.c) or expanded, as CSV or
   as JSON. */
#include "render.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "render_aligned.h"
#include "width.h"

#define BOLD  "\033[1m"
#define RESET "\033[0m"

/* "-[ RECORD n ]" then dashes, with '+' above the column separator when it falls after. */
static void print_record_line(size_t n, size_t keyw, size_t valw, unsigned term_width, FILE *out)
{
    char head[48];
    int len = snprintf(head, sizeof(head), "-[ RECORD %zu ]", n);
    size_t used = (size_t)len;
    fputs(head, out);
    if (used < keyw + 1) {
        render_dashes(out, keyw + 1 - used);
        used = keyw + 1;
    }
    fputc(used == keyw + 1 ? '+' : '-', out);
    used++;
    size_t end = keyw + 3 + valw;
    if (term_width > 0 && end > term_width)
        end = term_width; /* a line that wraps would look like two */
    if (used < end)
        render_dashes(out, end - used);
    fputc('\n', out);
}

static void print_expanded(const struct render_table *t, bool colour, unsigned term_width,
                           FILE *out)
{
    size_t keyw = 0, valw = 0, rows = render_table_rows(t);
    for (size_t c = 0; c < t->ncols; c++) {
        const char *h = render_header(t, c);
        size_t hw = width_str(h, strlen(h));
        if (hw > keyw)
            keyw = hw;
    }
    for (size_t i = 0; i < t->ncells; i++)
        if (t->cells[i].width > valw)
            valw = t->cells[i].width;
    if (rows == 0 && !t->single) {
        render_footer_print(t, out);
        return;
    }
    for (size_t r = 0; r < rows; r++) {
        if (!t->single)
            print_record_line(r + 1, keyw, valw, term_width, out);
        for (size_t c = 0; c < t->ncols; c++) {
            const char *h = render_header(t, c);
            if (colour)
                fputs(BOLD, out);
            size_t hw = render_text(out, h, strlen(h));
            if (colour)
                fputs(RESET, out);
            render_pad(out, keyw - hw);
            fputs(" | ", out);
            const struct render_cell *cell = render_cell_at(t, r, c);
            if (cell->text)
                render_text(out, cell->text, strlen(cell->text));
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
        const char *h = render_header(t, c);
        if (c)
            fputc(',', out);
        render_csv_field(out, h, strlen(h));
    }
    fputc('\n', out);
    for (size_t r = 0, n = render_table_rows(t); r < n; r++) {
        for (size_t c = 0; c < t->ncols; c++) {
            const struct render_cell *cell = render_cell_at(t, r, c);
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
        const char *h = render_header(t, c);
        if (c)
            fputc(',', out);
        render_json_string(out, h, strlen(h));
        fputc(':', out);
        print_json_value(render_cell_at(t, row, c), out);
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

/* Copies buf[0..len) to out without the blanks that end a line. */
static void put_trimmed(const char *buf, size_t len, FILE *out)
{
    size_t start = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i < len && buf[i] != '\n')
            continue;
        size_t end = i;
        while (end > start && buf[end - 1] == ' ')
            end--;
        fwrite(buf + start, 1, end - start, out);
        if (i < len)
            fputc('\n', out);
        start = i + 1;
    }
}

/* The table format: aligned when it fits (or expansion is off), else one block per record. */
static int print_table(const struct render_table *t, const struct render_opts *opts, FILE *out)
{
    int rc = 1;
    if (!t->single && opts->expand != RENDER_EXPAND_ON)
        rc = render_aligned_print(t, opts->term_width, opts->colour,
                                  opts->expand == RENDER_EXPAND_AUTO, out);
    if (rc == 1)
        print_expanded(t, opts->colour, opts->term_width, out);
    return rc < 0 ? -1 : 0;
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
        char *buf = NULL;
        size_t len = 0;
        FILE *m = open_memstream(&buf, &len);
        if (!m)
            return -1;
        int rc = print_table(t, opts, m);
        fclose(m);
        if (rc == 0)
            put_trimmed(buf, len, out);
        free(buf);
        if (rc < 0)
            return -1;
        break;
    }
    }
    return ferror(out) ? -1 : 0;
}
