/* page.c - "next" and --all over the cursor of list answers. */
#include "page.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "call.h"
#include "interrupt.h"
#include "show.h"

#define PAGE_MAX_PAGES 100000

/* The list "next" goes on with: its arguments, how it was shown, where it stands. */
struct page {
    struct grammar_args args;
    char *cursor;
    size_t shown;
    enum render_format format;
    bool expanded;
    char *columns;
    const struct show_col *cols;
    size_t ncols;
};

bool page_op_pages(const struct meta_op *op)
{
    return op && meta_arg_find(op, "cursor") != NULL;
}

void page_forget(struct app *a)
{
    struct page *p = a->page;
    if (!p)
        return;
    grammar_args_free(&p->args);
    free(p->cursor);
    free(p->columns);
    free(p);
    a->page = NULL;
}

/* The answer's next cursor (malloc'd), or NULL on the last page. */
static char *next_cursor(const msgpack_object *result)
{
    const msgpack_object *cur = proto_map_get(result, "next_cursor");
    return cur && cur->type == MSGPACK_OBJECT_STR ? proto_strdup_obj(cur) : NULL;
}

static size_t item_count(const msgpack_object *result)
{
    const msgpack_object *items = proto_map_get(result, "items");
    return items && items->type == MSGPACK_OBJECT_ARRAY ? items->via.array.size : 0;
}

/* Remembers args and how this command shows its answer, for next. */
static void remember(struct app *a, const struct grammar_args *args, char *cursor, size_t shown)
{
    struct page *p = calloc(1, sizeof(*p));
    page_forget(a);
    if (!p) {
        free(cursor);
        return;
    }
    p->args.op = args->op;
    for (size_t i = 0; i < args->n; i++)
        if (strcmp(args->v[i].arg->name, "cursor") != 0 &&
            strcmp(args->v[i].arg->name, "idempotency_key") != 0)
            grammar_set(&p->args, args->v[i].arg->name, args->v[i].text);
    p->cursor = cursor;
    p->shown = shown;
    p->format = a->set.format;
    p->expanded = a->cmd.expanded;
    p->columns = a->cmd.columns ? strdup(a->cmd.columns) : NULL;
    p->cols = a->cmd.cols;
    p->ncols = a->cmd.ncols;
    a->page = p;
}

/* Shows one page whose first row is number first (from 1). */
static enum cmd_status show_one(struct app *a, const struct grammar_args *args,
                                const msgpack_object *result, size_t first)
{
    char *cursor = next_cursor(result);
    size_t n = item_count(result);
    char footer[300];
    const char *f = NULL;
    if (a->interactive && (cursor || first > 1)) {
        if (first == 1)
            snprintf(footer, sizeof(footer), "(%zu rows shown \xE2\x80\x94 next for more)", n);
        else if (n == 0)
            snprintf(footer, sizeof(footer), "(no more rows)");
        else
            snprintf(footer, sizeof(footer), "(rows %zu-%zu%s)", first, first + n - 1,
                     cursor ? " shown \xE2\x80\x94 next for more" : "");
        f = footer;
    }
    enum cmd_status st = f || !cursor ? show_page(a, result, f) : show_result(a, result);
    if (a->interactive && cursor && st == CMD_OK)
        remember(a, args, cursor, first - 1 + n);
    else
        free(cursor);
    return st;
}

enum cmd_status page_show(struct app *a, const struct grammar_args *args,
                          const msgpack_object *result)
{
    page_forget(a);
    return show_one(a, args, result, 1);
}

enum cmd_status page_next(struct app *a)
{
    struct page *p = a->page;
    struct conn_reply r;
    char err[256];
    if (!p) {
        app_errorf(a, "no list to go on with: next follows a list that said \"next for more\"");
        return CMD_USAGE;
    }
    a->page = NULL; /* a new one is remembered if this page has a next */
    grammar_set(&p->args, "cursor", p->cursor);
    enum render_format keep = a->set.format;
    a->set.format = p->format;
    a->cmd.expanded = p->expanded;
    a->cmd.columns = p->columns;
    a->cmd.cols = p->cols;
    a->cmd.ncols = p->ncols;
    enum conn_status s = call_send(a, &p->args, &r, err, sizeof(err));
    enum cmd_status st = app_call_status(a, s, &r, err);
    if (st == CMD_OK)
        st = show_one(a, &p->args, r.result, p->shown + 1);
    conn_reply_free(&r);
    a->set.format = keep;
    a->cmd.columns = NULL;
    grammar_args_free(&p->args);
    free(p->cursor);
    free(p->columns);
    free(p);
    return st;
}

/* Writes buf (one page printed as CSV or a JSON array) for --all: CSV without its header after
   the first page, JSON items joined into one array. */
static void stream_page(enum render_format f, const char *buf, size_t len, bool first, bool last)
{
    if (f == RENDER_CSV) {
        const char *body = first ? buf : memchr(buf, '\n', len);
        body = body ? body + (first ? 0 : 1) : buf + len;
        fwrite(body, 1, len - (size_t)(body - buf), stdout);
        return;
    }
    /* "[...]\n": the items without the brackets */
    size_t from = len && buf[0] == '[' ? 1 : 0, to = len;
    while (to > from && (buf[to - 1] == '\n' || buf[to - 1] == ']'))
        to--;
    if (first)
        fputc('[', stdout);
    if (!first && to > from)
        fputc(',', stdout);
    fwrite(buf + from, 1, to - from, stdout);
    if (last)
        fputs("]\n", stdout);
}

/* Prints one page of --all in CSV or JSON. */
static void stream(struct app *a, const msgpack_object *items, bool first, bool last)
{
    struct show_opts o = show_opts_of(a);
    struct render_opts ro = {.format = a->set.format};
    struct render_table *t = show_list(NULL, items, &o);
    char *buf = NULL;
    size_t len = 0;
    FILE *m = t ? open_memstream(&buf, &len) : NULL;
    if (m) {
        render_table_print(t, &ro, m);
        fclose(m);
        stream_page(a->set.format, buf, len, first, last);
    }
    free(buf);
    render_table_free(t);
}

enum cmd_status page_all(struct app *a, struct grammar_args *args)
{
    const struct meta_arg *limit = meta_arg_find(args->op, "limit");
    struct render_table *t = NULL;
    struct show_opts o = show_opts_of(a);
    bool progress = isatty(STDERR_FILENO) == 1, stopped = false;
    size_t rows = 0;
    char num[24], err[256];
    enum cmd_status st = CMD_OK;
    page_forget(a);
    if (limit && limit->has_max && !grammar_get(args, "limit")) { /* fewer round trips */
        snprintf(num, sizeof(num), "%lld", (long long)limit->max);
        grammar_set(args, "limit", num);
    }
    for (int page = 0; page < PAGE_MAX_PAGES && st == CMD_OK; page++) {
        struct conn_reply r;
        enum conn_status s = call_send(a, args, &r, err, sizeof(err));
        st = app_call_status(a, s, &r, err);
        const msgpack_object *items = st == CMD_OK ? proto_map_get(r.result, "items") : NULL;
        char *cursor = st == CMD_OK ? next_cursor(r.result) : NULL;
        stopped = cursor && interrupt_pending();
        if (items && items->type == MSGPACK_OBJECT_ARRAY) {
            rows += items->via.array.size;
            if (a->set.format == RENDER_TABLE)
                t = show_list(t, items, &o);
            else
                stream(a, items, page == 0, !cursor || stopped);
        }
        conn_reply_free(&r);
        if (progress && cursor && !stopped) {
            fflush(stdout);
            fprintf(stderr, "\r%zu rows...", rows);
            fflush(stderr);
        }
        if (!cursor || stopped) {
            free(cursor);
            break;
        }
        grammar_set(args, "cursor", cursor);
        free(cursor);
    }
    if (progress)
        fputs("\r\033[K", stderr);
    if (t && st == CMD_OK) {
        char footer[120];
        snprintf(footer, sizeof(footer), "(%zu row%s%s)", rows, rows == 1 ? "" : "s",
                 stopped ? " so far; Ctrl-C stopped the rest" : "");
        render_table_footer(t, footer);
        st = show_table(a, t);
    } else if (stopped) {
        fprintf(stderr, "agency: Ctrl-C stopped --all after %zu rows\n", rows);
    }
    render_table_free(t);
    return st;
}
