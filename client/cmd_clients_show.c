/* cmd_clients_show.c - the views of the client commands that are more than one answer: a
   client with its contacts and recent activities, the agenda, duplicate candidates. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd_clients.h"
#include "show.h"

#define RECENT_ACTIVITIES 10

struct column {
    const char *key;    /* field of the item */
    const char *header; /* column title */
};

/* One cell: nested maps show their full_name (or name), other values as show_value does. */
static void add_cell(struct render_table *t, const msgpack_object *v)
{
    enum render_kind kind;
    if (v && v->type == MSGPACK_OBJECT_MAP) {
        const msgpack_object *name = proto_map_get(v, "full_name");
        if (!name)
            name = proto_map_get(v, "name");
        if (name)
            v = name;
    }
    char *text = v ? show_value(v, &kind) : NULL;
    if (!v)
        kind = RK_NULL;
    render_table_add(t, kind, text);
    free(text);
}

/* A table of the chosen columns of items (an array of maps); lead, when not NULL, is a first
   column "section" holding that text in every row. Appends to t when t is given. */
static struct render_table *items_table(struct render_table *t, const msgpack_object *items,
                                        const struct column *cols, size_t ncols, const char *lead)
{
    size_t off = lead ? 1 : 0;
    if (!t) {
        t = render_table_new(ncols + off);
        if (!t)
            return NULL;
        if (lead)
            render_table_header(t, 0, "section");
        for (size_t c = 0; c < ncols; c++)
            render_table_header(t, c + off, cols[c].header);
    }
    for (uint32_t i = 0; items && i < items->via.array.size; i++) {
        const msgpack_object *it = &items->via.array.ptr[i];
        if (lead)
            render_table_add(t, RK_TEXT, lead);
        for (size_t c = 0; c < ncols; c++)
            add_cell(t, proto_map_get(it, cols[c].key));
    }
    return t;
}

static const msgpack_object *items_of(const msgpack_object *result)
{
    if (result && result->type == MSGPACK_OBJECT_ARRAY)
        return result;
    const msgpack_object *items = proto_map_get(result, "items");
    return items && items->type == MSGPACK_OBJECT_ARRAY ? items : NULL;
}

void cmd_clients_print_candidates(const struct app *a, const msgpack_object *error)
{
    const msgpack_object *c = proto_map_get(error, "candidates");
    if (!c || c->type != MSGPACK_OBJECT_ARRAY || c->via.array.size == 0)
        return;
    struct render_table *t = render_table_new(4);
    if (!t)
        return;
    render_table_header(t, 0, "id");
    render_table_header(t, 1, "name");
    render_table_header(t, 2, "owner");
    render_table_header(t, 3, "similarity");
    for (uint32_t i = 0; i < c->via.array.size; i++) {
        const msgpack_object *it = &c->via.array.ptr[i];
        uint64_t pct = 0;
        char text[16];
        add_cell(t, proto_map_get(it, "id"));
        add_cell(t, proto_map_get(it, "name"));
        add_cell(t, proto_map_get(it, "owner_name"));
        if (proto_get_u64(it, "similarity", &pct, 0, 100) == PG_OK) {
            snprintf(text, sizeof(text), "%llu%%", (unsigned long long)pct);
            render_table_add(t, RK_TEXT, text);
        } else {
            render_table_add(t, RK_NULL, NULL);
        }
    }
    render_table_footer(t, "Similar clients already exist (you may not see all of them).");
    struct app plain = *a;
    plain.set.format = RENDER_TABLE;
    plain.set.pager = false;
    show_table(&plain, t);
    render_table_free(t);
}

/* Calls method {key: id (, limit)}; CMD_OK with *r. Errors are printed. */
static enum cmd_status call_by_id(struct app *a, const char *method, const char *key, uint64_t id,
                                  uint64_t limit, struct conn_reply *r)
{
    msgpack_sbuffer sb;
    msgpack_packer pk;
    char err[256];
    msgpack_sbuffer_init(&sb);
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    msgpack_pack_map(&pk, limit ? 2 : 1);
    proto_kv_u64(&pk, key, id);
    if (limit)
        proto_kv_u64(&pk, "limit", limit);
    enum conn_status s = conn_call(a->conn, method, sb.data, sb.size, true, r, err, sizeof(err));
    msgpack_sbuffer_destroy(&sb);
    return app_call_status(a, s, r, err);
}

static const struct column contact_cols[] = {
    {"id", "id"},       {"name", "name"},   {"title", "title"},
    {"phone", "phone"}, {"email", "email"}, {"decision_maker", "decision maker"}};
static const struct column activity_cols[] = {
    {"id", "id"},   {"occurred_at", "when"},        {"kind", "kind"},    {"summary", "summary"},
    {"user", "by"}, {"next_action", "next action"}, {"next_due", "due"}, {"done_at", "done"}};

/* Prints a titled section of a table-format client view. */
static enum cmd_status section(const struct app *a, const char *title, const msgpack_object *items,
                               const struct column *cols, size_t ncols)
{
    struct render_table *t = items_table(NULL, items, cols, ncols, NULL);
    if (!t)
        return CMD_FAILED;
    printf("\n%s\n", title);
    fflush(stdout);
    enum cmd_status st = render_table_rows(t) ? show_table(a, t) : CMD_OK;
    if (!render_table_rows(t))
        printf("  (none)\n");
    render_table_free(t);
    return st;
}

enum cmd_status cmd_clients_show(struct app *a, uint64_t id)
{
    struct conn_reply rc, rk, ra;
    conn_reply_init(&rk);
    conn_reply_init(&ra);
    enum cmd_status st = call_by_id(a, "client.get", "id", id, 0, &rc);
    if (st != CMD_OK) {
        conn_reply_free(&rc);
        return st;
    }
    bool finance = strcmp(a->role, "finance") == 0;
    const msgpack_object *contacts = NULL, *acts = NULL;
    if (meta_find(&a->meta, "contact.list") &&
        call_by_id(a, "contact.list", "client_id", id, 0, &rk) == CMD_OK)
        contacts = items_of(rk.result);
    if (!finance && meta_find(&a->meta, "activity.list") &&
        call_by_id(a, "activity.list", "client_id", id, RECENT_ACTIVITIES, &ra) == CMD_OK)
        acts = items_of(ra.result);
    if (a->set.format == RENDER_JSON) {
        fputs("{\"client\":", stdout);
        show_json(stdout, rc.result);
        fputs(",\"contacts\":", stdout);
        contacts ? show_json(stdout, contacts) : (void)fputs("[]", stdout);
        if (!finance) {
            fputs(",\"activities\":", stdout);
            acts ? show_json(stdout, acts) : (void)fputs("[]", stdout);
        }
        fputs("}\n", stdout);
        fflush(stdout);
    } else {
        st = show_result(a, rc.result);
        if (a->set.format == RENDER_TABLE && st == CMD_OK) {
            st = section(a, "Contacts", contacts, contact_cols,
                         sizeof(contact_cols) / sizeof(contact_cols[0]));
            if (!finance && st == CMD_OK)
                st = section(a, "Recent activities", acts, activity_cols,
                             sizeof(activity_cols) / sizeof(activity_cols[0]));
        }
    }
    conn_reply_free(&rc);
    conn_reply_free(&rk);
    conn_reply_free(&ra);
    return st;
}

static const struct column agenda_cols[] = {
    {"next_due", "due"},        {"next_action", "next action"}, {"client_name", "client"},
    {"client_id", "client id"}, {"activity_id", "activity"},    {"owner", "owner"}};

enum cmd_status cmd_clients_agenda(struct app *a, const msgpack_object *result)
{
    const msgpack_object *overdue = proto_map_get(result, "overdue");
    const msgpack_object *upcoming = proto_map_get(result, "upcoming");
    size_t ncols = sizeof(agenda_cols) / sizeof(agenda_cols[0]);
    if (overdue && overdue->type != MSGPACK_OBJECT_ARRAY)
        overdue = NULL;
    if (upcoming && upcoming->type != MSGPACK_OBJECT_ARRAY)
        upcoming = NULL;
    if (a->set.format == RENDER_JSON) {
        show_json(stdout, result);
        fputc('\n', stdout);
        fflush(stdout);
        return CMD_OK;
    }
    if (a->set.format == RENDER_CSV) {
        struct render_table *t = items_table(NULL, overdue, agenda_cols, ncols, "overdue");
        if (!t || !items_table(t, upcoming, agenda_cols, ncols, "upcoming")) {
            render_table_free(t);
            return CMD_FAILED;
        }
        enum cmd_status st = show_table(a, t);
        render_table_free(t);
        return st;
    }
    char title[64];
    snprintf(title, sizeof(title), "Overdue (%u)", overdue ? overdue->via.array.size : 0);
    enum cmd_status st = section(a, title, overdue, agenda_cols, ncols);
    snprintf(title, sizeof(title), "Upcoming (%u)", upcoming ? upcoming->via.array.size : 0);
    if (st == CMD_OK)
        st = section(a, title, upcoming, agenda_cols, ncols);
    return st;
}
