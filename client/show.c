/* show.c - server answers to tables, and tables to the screen. */
#include "show.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pager.h"

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

static struct render_table *build_record(const msgpack_object *map, const struct show_opts *o)
{
    bool json_nested = o->format == RENDER_JSON;
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
                show_cell(t, &kv->val, NULL, &kv->val.via.map.ptr[s].val, o);
            }
        } else {
            char field[64];
            snprintf(field, sizeof(field), "%.*s",
                     kv->key.type == MSGPACK_OBJECT_STR ? (int)kv->key.via.str.size : 0,
                     kv->key.via.str.ptr);
            add_header(t, col++, &kv->key, NULL);
            show_cell(t, map, field, &kv->val, o);
        }
    }
    return t;
}

struct render_table *show_build(const msgpack_object *result, const struct show_opts *o)
{
    if (!result || result->type == MSGPACK_OBJECT_NIL)
        return NULL;
    if (result->type == MSGPACK_OBJECT_ARRAY)
        return show_list(NULL, result, o);
    if (result->type == MSGPACK_OBJECT_MAP) {
        if (result->via.map.size == 0)
            return NULL;
        const msgpack_object *items = proto_map_get(result, "items");
        if (items && items->type == MSGPACK_OBJECT_ARRAY)
            return show_list(NULL, items, o);
        return build_record(result, o);
    }
    struct render_table *t = render_table_new(1);
    if (!t)
        return NULL;
    render_table_single(t, true);
    render_table_header(t, 0, "result");
    show_cell(t, NULL, NULL, result, o);
    return t;
}

struct show_opts show_opts_of(const struct app *a)
{
    struct show_opts o = {.format = a->set.format,
                          .cols = a->cmd.cols,
                          .ncols = a->cmd.ncols,
                          .select = a->cmd.columns,
                          .now = time(NULL)};
    return o;
}

enum cmd_status show_table(const struct app *a, const struct render_table *t)
{
    unsigned cols, rows;
    char *buf = NULL;
    size_t len = 0;
    pager_term_size(&cols, &rows);
    struct render_opts o = {.format = a->set.format,
                            .expand = a->cmd.expanded ? RENDER_EXPAND_ON : a->expand,
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

void show_cursor_hint(const struct app *a, const msgpack_object *result)
{
    const msgpack_object *cur = proto_map_get(result, "next_cursor");
    if (a->set.format == RENDER_TABLE || !cur || cur->type != MSGPACK_OBJECT_STR)
        return;
    fflush(stdout);
    fputs("agency: more rows: --cursor ", stderr);
    render_text(stderr, cur->via.str.ptr, cur->via.str.size);
    fputc('\n', stderr);
}

enum cmd_status show_page(const struct app *a, const msgpack_object *result, const char *footer)
{
    char err[1024];
    struct show_opts o = show_opts_of(a);
    const msgpack_object *items = proto_map_get(result, "items");
    if (o.select && items && items->type == MSGPACK_OBJECT_ARRAY &&
        show_check_columns(items, &o, err, sizeof(err)) < 0) {
        app_errorf(a, "%s", err);
        return CMD_USAGE;
    }
    show_cursor_hint(a, result);
    struct render_table *t = show_build(result, &o);
    if (!t) {
        if (a->set.format == RENDER_JSON)
            puts("{}");
        else if (a->set.format == RENDER_TABLE)
            puts("done.");
        fflush(stdout);
        return CMD_OK;
    }
    if (footer)
        render_table_footer(t, footer);
    enum cmd_status s = show_table(a, t);
    render_table_free(t);
    return s;
}

enum cmd_status show_result(const struct app *a, const msgpack_object *result)
{
    const msgpack_object *cur = proto_map_get(result, "next_cursor");
    const msgpack_object *items = proto_map_get(result, "items");
    char footer[300];
    if (!cur || cur->type != MSGPACK_OBJECT_STR || !items || items->type != MSGPACK_OBJECT_ARRAY)
        return show_page(a, result, NULL);
    size_t n = items->via.array.size;
    snprintf(footer, sizeof(footer), "(%zu row%s; more with --cursor %.*s)", n, n == 1 ? "" : "s",
             (int)(cur->via.str.size > 200 ? 200 : cur->via.str.size), cur->via.str.ptr);
    return show_page(a, result, footer);
}
