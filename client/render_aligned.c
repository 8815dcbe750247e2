/* render_aligned.c - the aligned table, fitted to the terminal by column priority. */
#include "render_aligned.h"

#include <stdlib.h>
#include <string.h>

#include "width.h"

#define BOLD  "\033[1m"
#define RESET "\033[0m"

/* A text column is cut to no less than this many columns (or its header, when wider). */
#define MIN_TEXT_WIDTH 10

/* The layout chosen: which columns are shown and how wide. */
struct layout {
    bool *shown;
    size_t *w;   /* the width given (<= the column's full width) */
    size_t *min; /* the narrowest it may be cut to */
    bool *num;
};

static size_t layout_width(const struct render_table *t, const struct layout *l)
{
    size_t total = 0, n = 0;
    for (size_t c = 0; c < t->ncols; c++)
        if (l->shown[c]) {
            total += l->w[c] + 3;
            n++;
        }
    return n ? total - 1 : 0;
}

/* Cuts the widest text columns one column at a time until the table fits in width or none can
   give more. True when it fits. */
static bool cut_to_fit(const struct render_table *t, struct layout *l, size_t width)
{
    while (layout_width(t, l) > width) {
        size_t best = t->ncols;
        for (size_t c = 0; c < t->ncols; c++)
            if (l->shown[c] && l->w[c] > l->min[c] && (best == t->ncols || l->w[c] > l->w[best]))
                best = c;
        if (best == t->ncols)
            return false;
        l->w[best]--;
    }
    return true;
}

/* The shown column to hide next: the highest priority number above 1, the rightmost of them. */
static size_t next_to_hide(const struct render_table *t, const struct layout *l)
{
    size_t pick = t->ncols;
    for (size_t c = 0; c < t->ncols; c++)
        if (l->shown[c] && t->priority[c] > 1 &&
            (pick == t->ncols || t->priority[c] >= t->priority[pick]))
            pick = c;
    return pick;
}

/* Chooses the layout for width (0: everything at full width). Columns of priority 3 and above
   go before any text is cut; then text is cut, and priority-2 columns go only when cutting
   is not enough. True when the result fits. */
static bool fit(const struct render_table *t, struct layout *l, size_t width)
{
    for (size_t c = 0; c < t->ncols; c++) {
        const char *h = render_header(t, c);
        size_t hw = width_str(h, strlen(h));
        l->shown[c] = true;
        l->w[c] = render_column_width(t, c);
        l->num[c] = render_column_numeric(t, c);
        l->min[c] = l->num[c] || t->whole[c]
                        ? l->w[c]
                        : (l->w[c] < MIN_TEXT_WIDTH ? l->w[c] : MIN_TEXT_WIDTH);
        if (l->min[c] < hw)
            l->min[c] = hw;
    }
    if (width == 0)
        return true;
    for (;;) {
        if (layout_width(t, l) <= width)
            return true;
        size_t c = next_to_hide(t, l);
        if (c < t->ncols && t->priority[c] >= 3) {
            l->shown[c] = false;
            continue;
        }
        size_t *keep = malloc(t->ncols * sizeof(size_t));
        if (keep)
            memcpy(keep, l->w, t->ncols * sizeof(size_t));
        if (cut_to_fit(t, l, width)) {
            free(keep);
            return true;
        }
        if (keep) /* hiding one more may leave the others whole */
            memcpy(l->w, keep, t->ncols * sizeof(size_t));
        free(keep);
        if (c == t->ncols) {
            cut_to_fit(t, l, width);
            return false;
        }
        l->shown[c] = false;
    }
}

/* One cell in w columns: numbers right-aligned, text cut when wider; the last shown column is
   not padded on the right. */
static void put_cell(const struct render_cell *c, size_t w, bool num, bool last, FILE *out)
{
    size_t used = 0;
    if (num)
        render_pad(out, w - c->width);
    if (c->text)
        used = render_text_cut(out, c->text, strlen(c->text), w);
    if (!num && !last)
        render_pad(out, w - used);
}

static size_t last_shown(const struct render_table *t, const struct layout *l)
{
    size_t last = 0;
    for (size_t c = 0; c < t->ncols; c++)
        if (l->shown[c])
            last = c;
    return last;
}

static void print_header(const struct render_table *t, const struct layout *l, bool colour,
                         FILE *out)
{
    size_t last = last_shown(t, l);
    bool first = true;
    for (size_t col = 0; col < t->ncols; col++) {
        if (!l->shown[col])
            continue;
        const char *h = render_header(t, col);
        size_t hw = width_str(h, strlen(h));
        size_t left = (l->w[col] - hw) / 2, right = l->w[col] - hw - left;
        if (!first)
            fputs(" |", out);
        first = false;
        fputc(' ', out);
        render_pad(out, left);
        if (colour)
            fputs(BOLD, out);
        render_text(out, h, strlen(h));
        if (colour)
            fputs(RESET, out);
        if (col != last)
            render_pad(out, right);
    }
    fputc('\n', out);
    first = true;
    for (size_t col = 0; col < t->ncols; col++) {
        if (!l->shown[col])
            continue;
        if (!first)
            fputc('+', out);
        first = false;
        render_dashes(out, l->w[col] + 2);
    }
    fputc('\n', out);
}

static void print_row(const struct render_table *t, const struct layout *l, size_t row, FILE *out)
{
    size_t last = last_shown(t, l);
    bool first = true;
    for (size_t col = 0; col < t->ncols; col++) {
        if (!l->shown[col])
            continue;
        if (!first)
            fputs(" |", out);
        first = false;
        fputc(' ', out);
        put_cell(render_cell_at(t, row, col), l->w[col], l->num[col], col == last, out);
    }
    fputc('\n', out);
}

/* "(not shown: a, b; \x shows them)" after the footer when columns were hidden, the list cut to
   fit the terminal. */
static void print_hidden(const struct render_table *t, const struct layout *l, size_t width,
                         FILE *out)
{
    static const char head[] = "(not shown: ", tail[] = "; \\x shows them)";
    char *list = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&list, &len);
    if (!m)
        return;
    for (size_t c = 0, n = 0; c < t->ncols; c++)
        if (!l->shown[c])
            fprintf(m, "%s%s", n++ ? ", " : "", render_header(t, c));
    fclose(m);
    if (len) {
        size_t room =
            width > sizeof(head) + sizeof(tail) ? width - sizeof(head) - sizeof(tail) + 2 : 0;
        fputs(head, out);
        render_text_cut(out, list, len, width ? room : len + 1);
        fprintf(out, "%s\n", tail);
    }
    free(list);
}

int render_aligned_print(const struct render_table *t, unsigned term_width, bool colour,
                         bool may_refuse, FILE *out)
{
    struct layout l = {calloc(t->ncols, sizeof(bool)), calloc(t->ncols, sizeof(size_t)),
                       calloc(t->ncols, sizeof(size_t)), calloc(t->ncols, sizeof(bool))};
    int rc = -1;
    if (l.shown && l.w && l.min && l.num) {
        rc = 1;
        if (fit(t, &l, term_width) || !may_refuse) {
            print_header(t, &l, colour, out);
            for (size_t r = 0, n = render_table_rows(t); r < n; r++)
                print_row(t, &l, r, out);
            render_footer_print(t, out);
            print_hidden(t, &l, term_width, out);
            rc = 0;
        }
    }
    free(l.shown);
    free(l.w);
    free(l.min);
    free(l.num);
    return rc;
}
