/* meta.c - the operation catalogue from meta.operations: names, summaries, argument schemas. */
#include "meta.h"

#include <stdlib.h>
#include <string.h>

#include "proto.h"

static const char *const type_names[] = {
    [MT_STR] = "str",         [MT_TEXT] = "text",
    [MT_SECRET] = "secret",   [MT_U64] = "u64",
    [MT_I64] = "i64",         [MT_BOOL] = "bool",
    [MT_ID] = "id",           [MT_ENUM] = "enum",
    [MT_DATE] = "date",       [MT_TIMESTAMP] = "timestamp",
    [MT_ID_LIST] = "id_list", [MT_CIDR_LIST] = "cidr_list",
    [MT_UUID] = "uuid",       [MT_UNKNOWN] = "str",
};

enum meta_type meta_type_from_name(const char *s, size_t len)
{
    for (int t = 0; t < MT_UNKNOWN; t++)
        if (strlen(type_names[t]) == len && memcmp(type_names[t], s, len) == 0)
            return (enum meta_type)t;
    return MT_UNKNOWN;
}

const char *meta_type_name(enum meta_type t)
{
    return t <= MT_UNKNOWN ? type_names[t] : "str";
}

bool meta_arg_hidden(const struct meta_arg *a)
{
    return strcmp(a->name, "idempotency_key") == 0;
}

static void free_arg(struct meta_arg *a)
{
    free(a->name);
    for (size_t i = 0; i < a->nchoices; i++)
        free(a->choices[i]);
    free(a->choices);
}

static void free_op(struct meta_op *op)
{
    free(op->name);
    free(op->summary);
    for (size_t i = 0; i < op->nargs; i++)
        free_arg(&op->args[i]);
    free(op->args);
}

void meta_free(struct meta *m)
{
    for (size_t i = 0; i < m->nops; i++)
        free_op(&m->ops[i]);
    free(m->ops);
    m->ops = NULL;
    m->nops = 0;
    for (size_t i = 0; i < m->ndenied; i++)
        free(m->denied[i]);
    free(m->denied);
    m->denied = NULL;
    m->ndenied = 0;
}

bool meta_denied(const struct meta *m, const char *name)
{
    for (size_t i = 0; i < m->ndenied; i++)
        if (strcmp(m->denied[i], name) == 0)
            return true;
    return false;
}

/* The names of not_permitted (older servers do not send it). */
static int load_denied(struct meta *m, const msgpack_object *result)
{
    const msgpack_object *arr;
    if (proto_get_array(result, "not_permitted", &arr, 4096) != PG_OK)
        return 0;
    m->denied = calloc(arr->via.array.size ? arr->via.array.size : 1, sizeof(char *));
    if (!m->denied)
        return -1;
    for (uint32_t i = 0; i < arr->via.array.size; i++) {
        char *name = arr->via.array.ptr[i].type == MSGPACK_OBJECT_STR
                         ? proto_strdup_obj(&arr->via.array.ptr[i])
                         : NULL;
        if (name)
            m->denied[m->ndenied++] = name;
    }
    return 0;
}

/* Reads an integer-valued key (positive or negative) into *v; false when absent or not int. */
static bool get_int(const msgpack_object *map, const char *key, int64_t *v)
{
    const msgpack_object *o = proto_map_get(map, key);
    if (!o)
        return false;
    if (o->type == MSGPACK_OBJECT_POSITIVE_INTEGER) {
        *v = o->via.u64 > INT64_MAX ? INT64_MAX : (int64_t)o->via.u64;
        return true;
    }
    if (o->type == MSGPACK_OBJECT_NEGATIVE_INTEGER) {
        *v = o->via.i64;
        return true;
    }
    return false;
}

static int load_choices(struct meta_arg *a, const msgpack_object *arr)
{
    a->choices = calloc(arr->via.array.size ? arr->via.array.size : 1, sizeof(char *));
    if (!a->choices)
        return -1;
    for (uint32_t i = 0; i < arr->via.array.size; i++) {
        char *c = proto_strdup_obj(&arr->via.array.ptr[i]);
        if (c)
            a->choices[a->nchoices++] = c;
    }
    return 0;
}

static int load_arg(struct meta_arg *a, const msgpack_object *map)
{
    const char *s;
    size_t len;
    const msgpack_object *arr;
    bool b;

    memset(a, 0, sizeof(*a));
    const msgpack_object *name = proto_map_get(map, "name");
    if (!name || !(a->name = proto_strdup_obj(name)))
        return -1;
    a->type = MT_UNKNOWN;
    if (proto_get_str(map, "type", &s, &len, 32) == PG_OK)
        a->type = meta_type_from_name(s, len);
    if (proto_get_bool(map, "required", &b) == PG_OK)
        a->required = b;
    a->has_min = get_int(map, "min", &a->min);
    a->has_max = get_int(map, "max", &a->max);
    if (a->has_min && a->has_max && a->min == 0 && a->max == 0)
        a->has_min = a->has_max = false; /* 0..0 means "no limits" */
    if (proto_get_array(map, "choices", &arr, 1024) == PG_OK && load_choices(a, arr) < 0)
        return -1;
    return 0;
}

static bool has_flag(const msgpack_object *map, const char *flag)
{
    const msgpack_object *arr;
    if (proto_get_array(map, "flags", &arr, 64) != PG_OK)
        return false;
    for (uint32_t i = 0; i < arr->via.array.size; i++) {
        const msgpack_object *f = &arr->via.array.ptr[i];
        if (f->type == MSGPACK_OBJECT_STR && f->via.str.size == strlen(flag) &&
            memcmp(f->via.str.ptr, flag, f->via.str.size) == 0)
            return true;
    }
    return false;
}

static int load_op(struct meta_op *op, const msgpack_object *map)
{
    const msgpack_object *arr;
    memset(op, 0, sizeof(*op));
    const msgpack_object *name = proto_map_get(map, "name");
    if (!name || !(op->name = proto_strdup_obj(name)))
        return -1;
    const msgpack_object *sum = proto_map_get(map, "summary");
    op->summary = sum ? proto_strdup_obj(sum) : NULL;
    if (!op->summary && !(op->summary = strdup("")))
        return -1;
    op->mutating = has_flag(map, "mutating");
    if (proto_get_array(map, "args", &arr, 256) != PG_OK)
        return 0;
    op->args = calloc(arr->via.array.size ? arr->via.array.size : 1, sizeof(*op->args));
    if (!op->args)
        return -1;
    for (uint32_t i = 0; i < arr->via.array.size; i++) {
        if (arr->via.array.ptr[i].type != MSGPACK_OBJECT_MAP)
            continue;
        if (load_arg(&op->args[op->nargs], &arr->via.array.ptr[i]) < 0) {
            free_arg(&op->args[op->nargs]);
            continue;
        }
        op->nargs++;
    }
    return 0;
}

int meta_load(struct meta *m, const msgpack_object *result)
{
    const msgpack_object *arr;
    meta_free(m);
    if (proto_get_array(result, "operations", &arr, 4096) != PG_OK)
        return -1;
    m->ops = calloc(arr->via.array.size ? arr->via.array.size : 1, sizeof(*m->ops));
    if (!m->ops)
        return -1;
    for (uint32_t i = 0; i < arr->via.array.size; i++) {
        if (arr->via.array.ptr[i].type != MSGPACK_OBJECT_MAP)
            continue;
        if (load_op(&m->ops[m->nops], &arr->via.array.ptr[i]) < 0) {
            free_op(&m->ops[m->nops]);
            continue;
        }
        m->nops++;
    }
    return load_denied(m, result);
}

const struct meta_op *meta_find(const struct meta *m, const char *name)
{
    for (size_t i = 0; i < m->nops; i++)
        if (strcmp(m->ops[i].name, name) == 0)
            return &m->ops[i];
    return NULL;
}

const struct meta_arg *meta_arg_find(const struct meta_op *op, const char *name)
{
    for (size_t i = 0; i < op->nargs; i++)
        if (strcmp(op->args[i].name, name) == 0)
            return &op->args[i];
    return NULL;
}

bool meta_has_noun(const struct meta *m, const char *noun)
{
    size_t n = strlen(noun);
    for (size_t i = 0; i < m->nops; i++) {
        const char *name = m->ops[i].name;
        if (strncmp(name, noun, n) == 0 && (name[n] == '.' || name[n] == '\0'))
            return true;
    }
    return false;
}

static int copy_arg(struct meta_arg *dst, const struct meta_arg *src)
{
    *dst = *src;
    dst->choices = NULL;
    dst->nchoices = 0;
    if (!(dst->name = strdup(src->name)))
        return -1;
    if (src->nchoices) {
        dst->choices = calloc(src->nchoices, sizeof(char *));
        if (!dst->choices)
            return -1;
        for (size_t i = 0; i < src->nchoices; i++) {
            if (!(dst->choices[i] = strdup(src->choices[i])))
                return -1;
            dst->nchoices++;
        }
    }
    return 0;
}

int meta_add(struct meta *m, const char *name, const char *summary, bool mutating,
             const struct meta_arg *args)
{
    struct meta_op *ops = realloc(m->ops, (m->nops + 1) * sizeof(*ops));
    if (!ops)
        return -1;
    m->ops = ops;
    struct meta_op *op = &ops[m->nops];
    memset(op, 0, sizeof(*op));
    size_t n = 0;
    while (args && args[n].name)
        n++;
    op->name = strdup(name);
    op->summary = strdup(summary ? summary : "");
    op->mutating = mutating;
    op->args = calloc(n ? n : 1, sizeof(*op->args));
    m->nops++;
    if (!op->name || !op->summary || !op->args)
        return -1;
    for (size_t i = 0; i < n; i++) {
        if (copy_arg(&op->args[i], &args[i]) < 0) {
            free_arg(&op->args[i]);
            return -1;
        }
        op->nargs++;
    }
    return 0;
}
