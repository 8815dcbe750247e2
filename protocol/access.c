/*
 * access.c - bounds-checked readers over decoded MessagePack objects: type, presence, limits.
 */
#include <stdlib.h>
#include <string.h>

#include "proto.h"

const msgpack_object *proto_map_get(const msgpack_object *map, const char *key)
{
    if (map == NULL || key == NULL || map->type != MSGPACK_OBJECT_MAP)
        return NULL;
    size_t klen = strlen(key);
    for (uint32_t i = 0; i < map->via.map.size; i++) {
        const msgpack_object *k = &map->via.map.ptr[i].key;
        if (k->type == MSGPACK_OBJECT_STR && k->via.str.size == klen &&
            (klen == 0 || memcmp(k->via.str.ptr, key, klen) == 0))
            return &map->via.map.ptr[i].val;
    }
    return NULL;
}

/* Finds key; PG_MISSING when absent or nil, PG_TYPE when not of type t, else PG_OK. */
static enum proto_get lookup(const msgpack_object *map, const char *key, msgpack_object_type t,
                             const msgpack_object **out)
{
    const msgpack_object *o = proto_map_get(map, key);
    *out = o;
    if (o == NULL || o->type == MSGPACK_OBJECT_NIL)
        return PG_MISSING;
    return o->type == t ? PG_OK : PG_TYPE;
}

enum proto_get proto_get_str(const msgpack_object *map, const char *key, const char **s,
                             size_t *len, size_t max_len)
{
    const msgpack_object *o;
    enum proto_get g = lookup(map, key, MSGPACK_OBJECT_STR, &o);
    if (g != PG_OK)
        return g;
    if (max_len != 0 && o->via.str.size > max_len)
        return PG_RANGE;
    *s = o->via.str.ptr;
    *len = o->via.str.size;
    return PG_OK;
}

enum proto_get proto_get_u64(const msgpack_object *map, const char *key, uint64_t *v, uint64_t min,
                             uint64_t max)
{
    const msgpack_object *o = proto_map_get(map, key);
    if (o == NULL || o->type == MSGPACK_OBJECT_NIL)
        return PG_MISSING;
    if (o->type == MSGPACK_OBJECT_NEGATIVE_INTEGER)
        return PG_RANGE;
    if (o->type != MSGPACK_OBJECT_POSITIVE_INTEGER)
        return PG_TYPE;
    if (o->via.u64 < min || o->via.u64 > max)
        return PG_RANGE;
    *v = o->via.u64;
    return PG_OK;
}

enum proto_get proto_get_i64(const msgpack_object *map, const char *key, int64_t *v, int64_t min,
                             int64_t max)
{
    const msgpack_object *o = proto_map_get(map, key);
    if (o == NULL || o->type == MSGPACK_OBJECT_NIL)
        return PG_MISSING;
    int64_t x;
    if (o->type == MSGPACK_OBJECT_NEGATIVE_INTEGER) {
        x = o->via.i64;
    } else if (o->type == MSGPACK_OBJECT_POSITIVE_INTEGER) {
        if (o->via.u64 > (uint64_t)INT64_MAX)
            return PG_RANGE;
        x = (int64_t)o->via.u64;
    } else {
        return PG_TYPE;
    }
    if (x < min || x > max)
        return PG_RANGE;
    *v = x;
    return PG_OK;
}

enum proto_get proto_get_bool(const msgpack_object *map, const char *key, bool *v)
{
    const msgpack_object *o;
    enum proto_get g = lookup(map, key, MSGPACK_OBJECT_BOOLEAN, &o);
    if (g == PG_OK)
        *v = o->via.boolean;
    return g;
}

enum proto_get proto_get_array(const msgpack_object *map, const char *key,
                               const msgpack_object **arr, uint32_t max_items)
{
    const msgpack_object *o;
    enum proto_get g = lookup(map, key, MSGPACK_OBJECT_ARRAY, &o);
    if (g != PG_OK)
        return g;
    if (max_items != 0 && o->via.array.size > max_items)
        return PG_RANGE;
    *arr = o;
    return PG_OK;
}

enum proto_get proto_get_map(const msgpack_object *map, const char *key, const msgpack_object **out)
{
    const msgpack_object *o;
    enum proto_get g = lookup(map, key, MSGPACK_OBJECT_MAP, &o);
    if (g == PG_OK)
        *out = o;
    return g;
}

char *proto_strdup_obj(const msgpack_object *o)
{
    if (o == NULL || o->type != MSGPACK_OBJECT_STR)
        return NULL;
    char *s = malloc((size_t)o->via.str.size + 1);
    if (s == NULL)
        return NULL;
    if (o->via.str.size > 0)
        memcpy(s, o->via.str.ptr, o->via.str.size);
    s[o->via.str.size] = '\0';
    return s;
}
