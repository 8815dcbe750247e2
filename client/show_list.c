/* show_list.c - a list answer's items as a table: which columns (the command's own, the
   answer's, or those of --columns) in which order, their titles and priorities, and each value
   as a person reads it (names of nested records, local times, due dates against today). */
#include "show.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dates.h"

#define SHOW_MAX_COLUMNS 128
#define SHOW_FIELD_MAX   64

/* One column of the table being built. */
struct plan_col {
    char field[SHOW_FIELD_MAX];
    const char *header; /* NULL: the field */
    unsigned priority;
};

struct plan {
    struct plan_col c[SHOW_MAX_COLUMNS];
    size_t n;
};

/* The priority of a field no command declared: names and ids stay, bookkeeping goes first. */
static unsigned default_priority(const char *f)
{
    static const char *const keep[] = {"id", "name", "full_name", "username", NULL};
    static const char *const extra[] = {
        "version", "created_at", "updated_at", "archived_at",     "archive_reason",
        "notes",   "details",    "legal_name", "registration_no", "allowed_networks",
        "address", "website",    NULL};
    size_t n = strlen(f);
    for (const char *const *k = keep; *k; k++)
        if (strcmp(f, *k) == 0)
            return 1;
    for (const char *const *k = extra; *k; k++)
        if (strcmp(f, *k) == 0)
            return 4;
    if (n > 3 && (strcmp(f + n - 3, "_at") == 0 || strcmp(f + n - 3, "_id") == 0))
        return 3;
    return 2;
}

static bool plan_has(const struct plan *p, const char *field)
{
    for (size_t i = 0; i < p->n; i++)
        if (strcmp(p->c[i].field, field) == 0)
            return true;
    return false;
}

static void plan_add(struct plan *p, const char *field, size_t len, const char *header,
                     unsigned priority)
{
    if (p->n >= SHOW_MAX_COLUMNS || len >= SHOW_FIELD_MAX)
        return;
    struct plan_col *c = &p->c[p->n];
    memcpy(c->field, field, len);
    c->field[len] = '\0';
    if (plan_has(p, c->field))
        return;
    c->header = header;
    c->priority = priority ? priority : default_priority(c->field);
    p->n++;
}

/* The fields of the items, in the order they first appear. */
static void answer_fields(const msgpack_object *items, struct plan *p)
{
    p->n = 0;
    for (uint32_t i = 0; items && i < items->via.array.size; i++) {
        const msgpack_object *it = &items->via.array.ptr[i];
        for (uint32_t k = 0; it->type == MSGPACK_OBJECT_MAP && k < it->via.map.size; k++) {
            const msgpack_object *key = &it->via.map.ptr[k].key;
            if (key->type == MSGPACK_OBJECT_STR)
                plan_add(p, key->via.str.ptr, key->via.str.size, NULL, 0);
        }
    }
}

/* The blank-free, comma-separated word of list at *p into out; false at the end. */
static bool next_name(const char **p, char *out, size_t outlen)
{
    while (**p == ',' || **p == ' ')
        (*p)++;
    if (!**p)
        return false;
    size_t n = strcspn(*p, ", ");
    snprintf(out, outlen, "%.*s", (int)(n < outlen ? n : outlen - 1), *p);
    *p += n;
    return true;
}

int show_check_columns(const msgpack_object *items, const struct show_opts *o, char *err,
                       size_t errlen)
{
    struct plan have;
    char name[SHOW_FIELD_MAX];
    answer_fields(items, &have);
    for (size_t i = 0; i < o->ncols; i++)
        plan_add(&have, o->cols[i].field, strlen(o->cols[i].field), NULL, 0);
    for (const char *p = o->select; p && next_name(&p, name, sizeof(name));) {
        if (plan_has(&have, name) || have.n == 0)
            continue;
        size_t off = (size_t)snprintf(err, errlen, "--columns: no column \"%s\" here (", name);
        for (size_t i = 0; i < have.n && off < errlen; i++)
            off +=
                (size_t)snprintf(err + off, errlen - off, "%s%s", i ? ", " : "", have.c[i].field);
        if (off < errlen)
            snprintf(err + off, errlen - off, ")");
        return -1;
    }
    return 0;
}

/* The columns of the table: --columns, or the command's own then the answer's others. */
static void make_plan(const msgpack_object *items, const struct show_opts *o, struct plan *p)
{
    struct plan fields;
    char name[SHOW_FIELD_MAX];
    answer_fields(items, &fields);
    p->n = 0;
    if (o->select) {
        for (const char *s = o->select; next_name(&s, name, sizeof(name));) {
            const struct show_col *d = NULL;
            for (size_t i = 0; i < o->ncols && !d; i++)
                d = strcmp(o->cols[i].field, name) == 0 ? &o->cols[i] : NULL;
            plan_add(p, name, strlen(name), d ? d->header : NULL, 1);
        }
        return;
    }
    /* CSV and JSON keep the answer's order unless the command names its columns exactly */
    for (size_t i = 0; i < o->ncols && (o->only || o->format == RENDER_TABLE); i++)
        if (o->only || plan_has(&fields, o->cols[i].field))
            plan_add(p, o->cols[i].field, strlen(o->cols[i].field), o->cols[i].header,
                     o->cols[i].priority);
    for (size_t i = 0; i < fields.n && !o->only; i++) {
        const struct show_col *d = NULL;
        for (size_t k = 0; k < o->ncols && !d; k++)
            d = strcmp(o->cols[k].field, fields.c[i].field) == 0 ? &o->cols[k] : NULL;
        plan_add(p, fields.c[i].field, strlen(fields.c[i].field), d ? d->header : NULL,
                 d ? d->priority : 0);
    }
}

/* True when the item's follow-up is done (a done_at that is not nil). */
static bool done(const msgpack_object *item)
{
    const msgpack_object *d = item ? proto_map_get(item, "done_at") : NULL;
    return d && d->type != MSGPACK_OBJECT_NIL;
}

bool show_cell(struct render_table *t, const msgpack_object *item, const char *field,
               const msgpack_object *v, const struct show_opts *o)
{
    bool when = false;
    enum render_kind kind;
    if (v && v->type == MSGPACK_OBJECT_MAP && o->format != RENDER_JSON) {
        const msgpack_object *name = proto_map_get(v, "full_name");
        if (!name)
            name = proto_map_get(v, "name");
        if (name && name->type == MSGPACK_OBJECT_STR)
            v = name;
    }
    char *text = v ? show_value(v, &kind) : NULL;
    if (!v)
        kind = RK_NULL;
    if (text && kind == RK_TEXT && o->format == RENDER_TABLE) {
        char shown[64];
        size_t fl = field ? strlen(field) : 0;
        bool due = fl >= 3 && strcmp(field + fl - 3, "due") == 0 && !done(item);
        if (dates_show_timestamp(text, shown) == 0 ||
            (due && dates_show_due(text, o->now, shown, sizeof(shown)) == 0)) {
            free(text);
            text = strdup(shown);
            when = true;
        }
    }
    render_table_add(t, text ? kind : RK_NULL, text);
    free(text);
    return when;
}

struct render_table *show_list(struct render_table *t, const msgpack_object *items,
                               const struct show_opts *o)
{
    struct plan p;
    size_t lead = o->lead ? 1 : 0;
    make_plan(items, o, &p);
    if (!t && p.n == 0) { /* a list of scalars, or an empty list */
        t = render_table_new(1);
        if (!t)
            return NULL;
        render_table_header(t, 0, items && items->via.array.size ? "value" : "(none)");
        for (uint32_t i = 0; items && i < items->via.array.size; i++)
            show_cell(t, NULL, NULL, &items->via.array.ptr[i], o);
        return t;
    }
    if (!t) {
        if (!(t = render_table_new(p.n + lead)))
            return NULL;
        if (lead)
            render_table_header(t, 0, "section");
        for (size_t c = 0; c < p.n; c++) {
            bool label = o->format == RENDER_TABLE && p.c[c].header;
            render_table_header(t, c + lead, label ? p.c[c].header : p.c[c].field);
            render_table_priority(t, c + lead, p.c[c].priority);
        }
    }
    for (uint32_t i = 0; items && i < items->via.array.size; i++) {
        const msgpack_object *it = &items->via.array.ptr[i];
        if (lead)
            render_table_add(t, RK_TEXT, o->lead);
        for (size_t c = 0; c < p.n; c++)
            if (show_cell(t, it, p.c[c].field,
                          it->type == MSGPACK_OBJECT_MAP ? proto_map_get(it, p.c[c].field) : NULL,
                          o))
                render_table_whole(t, c + lead); /* a time cut short says nothing */
    }
    return t;
}
