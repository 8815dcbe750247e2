/* view.c - records with their lists, and titled lists, through the table printer. */
#include "view.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "call.h"
#include "show.h"

const msgpack_object *view_items_of(const msgpack_object *result)
{
    if (result && result->type == MSGPACK_OBJECT_ARRAY)
        return result;
    const msgpack_object *items = proto_map_get(result, "items");
    return items && items->type == MSGPACK_OBJECT_ARRAY ? items : NULL;
}

/* The section's table: exactly its columns (titles in tables, fields in CSV). */
static struct render_table *section_table(const struct app *a, struct render_table *t,
                                          const struct view_section *s, const msgpack_object *items,
                                          const char *lead)
{
    struct show_opts o = show_opts_of(a);
    o.cols = s->cols;
    o.ncols = s->ncols;
    o.only = true;
    o.select = NULL;
    o.lead = lead;
    return show_list(t, items, &o);
}

/* Prints one titled section of a table-format view: the title, then the table or "(none)". */
static enum cmd_status print_section(const struct app *a, const struct view_section *s,
                                     const msgpack_object *items)
{
    char title[160];
    struct render_table *t = section_table(a, NULL, s, items, NULL);
    if (!t)
        return CMD_FAILED;
    if (s->count)
        snprintf(title, sizeof(title), "%s (%u)", s->title, items ? items->via.array.size : 0);
    else
        snprintf(title, sizeof(title), "%s", s->title);
    printf("\n%s\n", title);
    fflush(stdout);
    enum cmd_status st = render_table_rows(t) ? show_table(a, t) : CMD_OK;
    if (!render_table_rows(t))
        printf("  (none)\n");
    render_table_free(t);
    return st;
}

#define VIEW_MAX_SECTIONS 16

enum cmd_status view_record(struct app *a, const struct view_record *v, uint64_t id)
{
    struct conn_reply rec, lists[VIEW_MAX_SECTIONS];
    const msgpack_object *items[VIEW_MAX_SECTIONS] = {NULL};
    bool offered[VIEW_MAX_SECTIONS] = {false};
    size_t n = v->nsections < VIEW_MAX_SECTIONS ? v->nsections : VIEW_MAX_SECTIONS;
    for (size_t i = 0; i < n; i++)
        conn_reply_init(&lists[i]);
    enum cmd_status st = call_id(a, v->get, "id", id, 0, &rec);
    if (st != CMD_OK) {
        conn_reply_free(&rec);
        return st;
    }
    for (size_t i = 0; i < n; i++) {
        const struct view_section *s = &v->sections[i];
        offered[i] = meta_find(&a->meta, s->op) != NULL;
        if (offered[i] && call_id(a, s->op, s->arg, id, s->limit, &lists[i]) == CMD_OK)
            items[i] = view_items_of(lists[i].result);
    }
    if (a->set.format == RENDER_JSON) {
        printf("{\"%s\":", v->key);
        show_json(stdout, rec.result);
        for (size_t i = 0; i < n; i++) {
            if (!offered[i])
                continue;
            printf(",\"%s\":", v->sections[i].key);
            items[i] ? show_json(stdout, items[i]) : (void)fputs("[]", stdout);
        }
        fputs("}\n", stdout);
        fflush(stdout);
    } else {
        st = show_result(a, rec.result);
        for (size_t i = 0; i < n && a->set.format == RENDER_TABLE && st == CMD_OK; i++)
            if (offered[i])
                st = print_section(a, &v->sections[i], items[i]);
    }
    conn_reply_free(&rec);
    for (size_t i = 0; i < n; i++)
        conn_reply_free(&lists[i]);
    return st;
}

enum cmd_status view_lists(struct app *a, const msgpack_object *result,
                           const struct view_section *sections, size_t n)
{
    enum cmd_status st = CMD_OK;
    if (a->set.format == RENDER_JSON) {
        show_json(stdout, result);
        fputc('\n', stdout);
        fflush(stdout);
        return CMD_OK;
    }
    struct render_table *csv = NULL;
    for (size_t i = 0; i < n && st == CMD_OK; i++) {
        const struct view_section *s = &sections[i];
        const msgpack_object *items = proto_map_get(result, s->key);
        if (items && items->type != MSGPACK_OBJECT_ARRAY)
            items = NULL;
        if (a->set.format == RENDER_CSV) {
            struct render_table *t = section_table(a, csv, s, items, s->key);
            if (!t)
                st = CMD_FAILED;
            else
                csv = t;
        } else {
            st = print_section(a, s, items);
        }
    }
    if (csv && st == CMD_OK)
        st = show_table(a, csv);
    render_table_free(csv);
    return st;
}
