/* show.c - server answers to tables, and tables to the screen. */
#include "show.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pager.h"

#define SHOW_MAX_COLUMNS 128

void show_json(FILE *out, const msgpack_object *o)
{
    switch (o->type) {
    case MSGPACK_OBJECT_NIL:
        fputs("null", out);
        break;
    case MSGPACK_OBJECT_BOOLEAN:
        fputs(o->via.boolean ? "true" : "false", out);
        break;
    case MSGPACK_OBJECT_POSITIVE_INTEGER:
        fprintf(out, "%" PRIu64, o->via.u64);
        break;
    case MSGPACK_OBJECT_NEGATIVE_INTEGER:
        fprintf(out, "%" PRId64, o->via.i64);
        break;
    case MSGPACK_OBJECT_FLOAT32:
    case MSGPACK_OBJECT_FLOAT64:
        fprintf(out, "%.17g", o->via.f64);
        break;
    case MSGPACK_OBJECT_STR:
        render_json_string(out, o->via.str.ptr, o->via.str.size);
        break;
    case MSGPACK_OBJECT_ARRAY:
        fputc('[', out);
        for (uint32_t i = 0; i < o->via.array.size; i++) {
            if (i)
                fputc(',', out);
            show_json(out, &o->via.array.ptr[i]);
        }
        fputc(']', out);
        break;
    case MSGPACK_OBJECT_MAP:
        fputc('{', out);
        for (uint32_t i = 0; i < o->via.map.size; i++) {
            const msgpack_object_kv *kv = &o->via.map.ptr[i];
            if (i)
                fputc(',', out);
            if (kv->key.type == MSGPACK_OBJECT_STR)
                show_json(out, &kv->key);
            else {
                fputc('"', out);
                show_json(out, &kv->key);
                fputc('"', out);
            }
            fputc(':', out);
            show_json(out, &kv->val);
        }
        fputc('}', out);
        break;
    default:
        fputs("null", out);
        break;
    }
}

char *show_value(const msgpack_object *o, enum render_kind *kind)
{
    char *buf = NULL;
    size_t len = 0;
    switch (o->type) {
    case MSGPACK_OBJECT_NIL:
        *kind = RK_NULL;
        return NULL;
    case MSGPACK_OBJECT_BOOLEAN:
        *kind = RK_BOOL;
        return strdup(o->via.boolean ? "true" : "false");
    case MSGPACK_OBJECT_STR:
        *kind = RK_TEXT;
        return strndup(o->via.str.ptr, o->via.str.size);
    case MSGPACK_OBJECT_BIN:
    case MSGPACK_OBJECT_EXT:
        *kind = RK_TEXT;
        if (asprintf(&buf, "<%u bytes>", (unsigned)o->via.bin.size) < 0)
            return NULL;
        return buf;
    case MSGPACK_OBJECT_ARRAY:
    case MSGPACK_OBJECT_MAP:
        *kind = RK_JSON;
        break;
    default:
        *kind = RK_NUMBER;
        break;
    }
    FILE *m = open_memstream(&buf, &len);
    if (!m)
        return NULL;
    show_json(m, o);
    fclose(m);
    return buf;
}

static int add_value(struct render_table *t, const msgpack_object *o)
{
    enum render_kind kind;
    if (!o)
        return render_table_add(t, RK_NULL, NULL);
    char *text = show_value(o, &kind);
    int rc = render_table_add(t, kind, text);
    free(text);
    return rc;
}

/* ---- lists ---- */

struct columns {
    const msgpack_object *key[SHOW_MAX_COLUMNS];
    size_t n;
};

static bool same_key(const msgpack_object *a, const msgpack_object *b)
{
    return a->via.str.size == b->via.str.size &&
           memcmp(a->via.str.ptr, b->via.str.ptr, a->via.str.size) == 0;
}

static void collect_columns(const msgpack_object *items, struct columns *cols)
{
    cols->n = 0;
    for (uint32_t i = 0; i < items->via.array.size; i++) {
        const msgpack_object *it = &items->via.array.ptr[i];
        if (it->type != MSGPACK_OBJECT_MAP)
            continue;
        for (uint32_t k = 0; k < it->via.map.size; k++) {
            const msgpack_object *key = &it->via.map.ptr[k].key;
            bool seen = key->type != MSGPACK_OBJECT_STR;
            for (size_t c = 0; c < cols->n && !seen; c++)
                seen = same_key(cols->key[c], key);
            if (!seen && cols->n < SHOW_MAX_COLUMNS)
                cols->key[cols->n++] = key;
        }
    }
}

static const msgpack_object *lookup(const msgpack_object *map, const msgpack_object *key)
{
    if (map->type != MSGPACK_OBJECT_MAP)
        return NULL;
    for (uint32_t k = 0; k < map->via.map.size; k++)
        if (map->via.map.ptr[k].key.type == MSGPACK_OBJECT_STR &&
            same_key(&map->via.map.ptr[k].key, key))
            return &map->via.map.ptr[k].val;
    return NULL;
}

/* A list cell: a nested record that names someone or something ({id, full_name} or {id,
   name}) shows just the name in tables and CSV; JSON keeps the whole value. */
static int add_list_value(struct render_table *t, const msgpack_object *o, bool json_nested)
{
    if (!json_nested && o && o->type == MSGPACK_OBJECT_MAP) {
        const msgpack_object *name = proto_map_get(o, "full_name");
        if (!name)
            name = proto_map_get(o, "name");
        if (name && name->type == MSGPACK_OBJECT_STR)
            return add_value(t, name);
    }
    return add_value(t, o);
}

static struct render_table *build_list(const msgpack_object *items, const msgpack_object *cursor,
                                       bool json_nested)
{
    struct columns cols;
    struct render_table *t;
    collect_columns(items, &cols);
    if (cols.n == 0) { /* a list of scalars, or an empty list */
        t = render_table_new(1);
        if (!t)
            return NULL;
        render_table_header(t, 0, items->via.array.size ? "value" : "(none)");
        for (uint32_t i = 0; i < items->via.array.size; i++)
            add_value(t, &items->via.array.ptr[i]);
    } else {
        t = render_table_new(cols.n);
        if (!t)
            return NULL;
        for (size_t c = 0; c < cols.n; c++) {
            char *h = strndup(cols.key[c]->via.str.ptr, cols.key[c]->via.str.size);
            render_table_header(t, c, h ? h : "?");
            free(h);
        }
        for (uint32_t i = 0; i < items->via.array.size; i++)
            for (size_t c = 0; c < cols.n; c++)
                add_list_value(t, lookup(&items->via.array.ptr[i], cols.key[c]), json_nested);
    }
    if (cursor && cursor->type == MSGPACK_OBJECT_STR) {
        char footer[300];
        size_t n = items->via.array.size;
        snprintf(footer, sizeof(footer), "(%zu row%s; more with --cursor %.*s)", n,
                 n == 1 ? "" : "s", (int)(cursor->via.str.size > 200 ? 200 : cursor->via.str.size),
                 cursor->via.str.ptr);
        render_table_footer(t, footer);
    }
    return t;
}

/* ---- records ---- */

static size_t record_width(const msgpack_object *map, bool json_nested)
{
    size_t n = 0;
    for (uint32_t k = 0; k < map->via.map.size; k++) {
        const msgpack_object *v = &map->via.map.ptr[k].val;
        n += (!json_nested && v->type == MSGPACK_OBJECT_MAP && v->via.map.size) ? v->via.map.size
                                                                                : 1;
    }
    return n;
}

static void add_header(struct render_table *t, size_t col, const msgpack_object *key,
                       const msgpack_object *sub)
{
    char name[256];
    int kl = key->type == MSGPACK_OBJECT_STR ? (int)key->via.str.size : 1;
    const char *kp = key->type == MSGPACK_OBJECT_STR ? key->via.str.ptr : "?";
    if (sub && sub->type == MSGPACK_OBJECT_STR)
        snprintf(name, sizeof(name), "%.*s.%.*s", kl, kp, (int)sub->via.str.size, sub->via.str.ptr);
    else
        snprintf(name, sizeof(name), "%.*s", kl, kp);
    render_table_header(t, col, name);
}

static struct render_table *build_record(const msgpack_object *map, bool json_nested)
{
    size_t ncols = record_width(map, json_nested), col = 0;
    struct render_table *t = render_table_new(ncols);
    if (!t)
        return NULL;
    render_table_single(t, true);
    for (uint32_t k = 0; k < map->via.map.size; k++) {
        const msgpack_object_kv *kv = &map->via.map.ptr[k];
        if (!json_nested && kv->val.type == MSGPACK_OBJECT_MAP && kv->val.via.map.size) {
            for (uint32_t s = 0; s < kv->val.via.map.size; s++) {
                add_header(t, col++, &kv->key, &kv->val.via.map.ptr[s].key);
                add_value(t, &kv->val.via.map.ptr[s].val);
            }
        } else {
            add_header(t, col++, &kv->key, NULL);
            add_value(t, &kv->val);
        }
    }
    return t;
}

struct render_table *show_build(const msgpack_object *result, bool json_nested)
{
    if (!result || result->type == MSGPACK_OBJECT_NIL)
        return NULL;
    if (result->type == MSGPACK_OBJECT_ARRAY)
        return build_list(result, NULL, json_nested);
    if (result->type == MSGPACK_OBJECT_MAP) {
        if (result->via.map.size == 0)
            return NULL;
        const msgpack_object *items = proto_map_get(result, "items");
        if (items && items->type == MSGPACK_OBJECT_ARRAY)
            return build_list(items, proto_map_get(result, "next_cursor"), json_nested);
        return build_record(result, json_nested);
    }
    struct render_table *t = render_table_new(1);
    if (!t)
        return NULL;
    render_table_single(t, true);
    render_table_header(t, 0, "result");
    add_value(t, result);
    return t;
}

enum cmd_status show_table(const struct app *a, const struct render_table *t)
{
    unsigned cols, rows;
    char *buf = NULL;
    size_t len = 0;
    pager_term_size(&cols, &rows);
    struct render_opts o = {.format = a->set.format,
                            .expand = RENDER_EXPAND_AUTO,
                            .term_width = cols,
                            .colour = a->colour};
    FILE *m = open_memstream(&buf, &len);
    if (!m)
        return CMD_FAILED;
    render_table_print(t, &o, m);
    fclose(m);
    int rc = pager_emit(buf, len, a->set.pager);
    free(buf);
    return rc < 0 ? CMD_FAILED : CMD_OK;
}

/* Scripts get clean CSV/JSON on stdout; the cursor of the next page goes to stderr. */
static void cursor_hint(const struct app *a, const msgpack_object *result)
{
    const msgpack_object *cur = proto_map_get(result, "next_cursor");
    if (a->set.format == RENDER_TABLE || !cur || cur->type != MSGPACK_OBJECT_STR)
        return;
    fflush(stdout);
    fputs("agency: more rows: --cursor ", stderr);
    render_text(stderr, cur->via.str.ptr, cur->via.str.size);
    fputc('\n', stderr);
}

enum cmd_status show_result(const struct app *a, const msgpack_object *result)
{
    cursor_hint(a, result);
    struct render_table *t = show_build(result, a->set.format == RENDER_JSON);
    if (!t) {
        if (a->set.format == RENDER_JSON)
            puts("{}");
        else if (a->set.format == RENDER_TABLE)
            puts("done.");
        fflush(stdout);
        return CMD_OK;
    }
    enum cmd_status s = show_table(a, t);
    render_table_free(t);
    return s;
}
