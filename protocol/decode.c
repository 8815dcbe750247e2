/*
 * decode.c - turns one pre-scanned frame payload into a MessagePack-RPC message.
 *
 * Order: the pre-scan (no allocation), then msgpack-c into the caller's zone, then the
 * MessagePack-RPC shape: request [0, msgid, method, [] | [map]], response
 * [1, msgid, error|nil, result|nil], notification [2, name, [map]]. Every map key anywhere
 * in the message must be a string and unique within its map.
 */
#include <stdlib.h>
#include <string.h>

#include "proto.h"

/* Longest method or event name accepted. */
#define PROTO_MAX_METHOD 64
/* Maps up to this many entries are checked for duplicate keys pairwise; larger ones sorted. */
#define PAIRWISE_MAX 16

/* Orders string objects by length, then bytes. */
static int key_cmp(const void *a, const void *b)
{
    const msgpack_object_str *x = *(const msgpack_object_str *const *)a;
    const msgpack_object_str *y = *(const msgpack_object_str *const *)b;
    if (x->size != y->size)
        return x->size < y->size ? -1 : 1;
    return x->size ? memcmp(x->ptr, y->ptr, x->size) : 0; /* an empty key's ptr may be NULL */
}

static bool key_eq(const msgpack_object_str *x, const msgpack_object_str *y)
{
    return x->size == y->size && (x->size == 0 || memcmp(x->ptr, y->ptr, x->size) == 0);
}

/* True if the keys of map (all strings) are pairwise distinct. Scratch space comes from zone. */
static bool keys_unique(const msgpack_object_map *map, msgpack_zone *zone)
{
    uint32_t n = map->size;
    if (n <= PAIRWISE_MAX) {
        for (uint32_t i = 0; i < n; i++)
            for (uint32_t j = i + 1; j < n; j++)
                if (key_eq(&map->ptr[i].key.via.str, &map->ptr[j].key.via.str))
                    return false;
        return true;
    }
    const msgpack_object_str **keys = msgpack_zone_malloc(zone, (size_t)n * sizeof *keys);
    if (keys == NULL)
        return false;
    for (uint32_t i = 0; i < n; i++)
        keys[i] = &map->ptr[i].key.via.str;
    qsort(keys, n, sizeof *keys, key_cmp);
    for (uint32_t i = 1; i < n; i++)
        if (key_eq(keys[i - 1], keys[i]))
            return false;
    return true;
}

/* Checks every map inside o: string keys, no duplicates. depth is bounded by the pre-scan. */
static bool maps_ok(const msgpack_object *o, msgpack_zone *zone, unsigned depth)
{
    if (depth > PROTO_MAX_DEPTH + 1)
        return false;
    if (o->type == MSGPACK_OBJECT_ARRAY) {
        for (uint32_t i = 0; i < o->via.array.size; i++)
            if (!maps_ok(&o->via.array.ptr[i], zone, depth + 1))
                return false;
    } else if (o->type == MSGPACK_OBJECT_MAP) {
        for (uint32_t i = 0; i < o->via.map.size; i++) {
            if (o->via.map.ptr[i].key.type != MSGPACK_OBJECT_STR)
                return false;
            if (!maps_ok(&o->via.map.ptr[i].val, zone, depth + 1))
                return false;
        }
        return keys_unique(&o->via.map, zone);
    }
    return true;
}

/* Reads a msgid: a non-negative integer that fits in 32 bits. */
static bool read_msgid(const msgpack_object *o, uint32_t *msgid)
{
    if (o->type != MSGPACK_OBJECT_POSITIVE_INTEGER || o->via.u64 > UINT32_MAX)
        return false;
    *msgid = (uint32_t)o->via.u64;
    return true;
}

/* Reads a method or event name into out. */
static bool read_name(const msgpack_object *o, struct proto_msg *out)
{
    if (o->type != MSGPACK_OBJECT_STR || o->via.str.size == 0 || o->via.str.size > PROTO_MAX_METHOD)
        return false;
    out->method = o->via.str.ptr;
    out->method_len = o->via.str.size;
    return true;
}

static enum proto_err fail(const char **why, const char *reason)
{
    if (why != NULL)
        *why = reason;
    return PE_BAD_REQUEST;
}

static enum proto_err decode_request(const msgpack_object_array *a, struct proto_msg *out,
                                     const char **why)
{
    if (a->size != 4)
        return fail(why, "a request is [0, msgid, method, params]");
    if (!read_name(&a->ptr[2], out))
        return fail(why, "method must be a non-empty string of at most 64 bytes");
    const msgpack_object *params = &a->ptr[3];
    if (params->type != MSGPACK_OBJECT_ARRAY || params->via.array.size > 1)
        return fail(why, "params must be [] or [map]");
    if (params->via.array.size == 1) {
        if (params->via.array.ptr[0].type != MSGPACK_OBJECT_MAP)
            return fail(why, "params must be [] or [map]");
        out->args = &params->via.array.ptr[0];
    }
    return PE_OK;
}

static enum proto_err decode_response(const msgpack_object_array *a, struct proto_msg *out,
                                      const char **why)
{
    if (a->size != 4)
        return fail(why, "a response is [1, msgid, error, result]");
    const msgpack_object *err = &a->ptr[2];
    const msgpack_object *res = &a->ptr[3];
    if (err->type == MSGPACK_OBJECT_NIL) {
        out->result = res;
        return PE_OK;
    }
    if (err->type != MSGPACK_OBJECT_MAP)
        return fail(why, "error must be nil or a map");
    if (res->type != MSGPACK_OBJECT_NIL)
        return fail(why, "a response carries an error or a result, not both");
    const msgpack_object *code = proto_map_get(err, "code");
    if (code == NULL || code->type != MSGPACK_OBJECT_STR)
        return fail(why, "error map needs a string code");
    const msgpack_object *msg = proto_map_get(err, "message");
    if (msg != NULL && msg->type != MSGPACK_OBJECT_STR)
        return fail(why, "error message must be a string");
    out->error = err;
    return PE_OK;
}

static enum proto_err decode_notify(const msgpack_object_array *a, struct proto_msg *out,
                                    const char **why)
{
    if (a->size != 3)
        return fail(why, "a notification is [2, name, [map]]");
    if (!read_name(&a->ptr[1], out))
        return fail(why, "notification name must be a non-empty string of at most 64 bytes");
    const msgpack_object *params = &a->ptr[2];
    if (params->type != MSGPACK_OBJECT_ARRAY || params->via.array.size != 1 ||
        params->via.array.ptr[0].type != MSGPACK_OBJECT_MAP)
        return fail(why, "notification params must be [map]");
    out->args = &params->via.array.ptr[0];
    return PE_OK;
}

/* Validates the MessagePack-RPC shape of root and fills out. */
static enum proto_err decode_shape(const msgpack_object *root, msgpack_zone *zone,
                                   struct proto_msg *out, bool *msgid_known, const char **why)
{
    if (root->type != MSGPACK_OBJECT_ARRAY || root->via.array.size < 2)
        return fail(why, "a message is an array of 3 or 4 elements");
    const msgpack_object_array *a = &root->via.array;
    const msgpack_object *type = &a->ptr[0];
    if (type->type != MSGPACK_OBJECT_POSITIVE_INTEGER || type->via.u64 > PROTO_NOTIFY)
        return fail(why, "message type must be 0, 1 or 2");
    out->type = (enum proto_msg_type)type->via.u64;

    if (out->type != PROTO_NOTIFY) {
        if (!read_msgid(&a->ptr[1], &out->msgid))
            return fail(why, "msgid must be an unsigned 32-bit integer");
        *msgid_known = true;
    }
    if (!maps_ok(root, zone, 0))
        return fail(why, "map keys must be distinct strings");
    switch (out->type) {
    case PROTO_REQUEST:
        return decode_request(a, out, why);
    case PROTO_RESPONSE:
        return decode_response(a, out, why);
    case PROTO_NOTIFY:
        return decode_notify(a, out, why);
    }
    return fail(why, "message type must be 0, 1 or 2");
}

enum proto_err proto_decode(const uint8_t *payload, size_t len, msgpack_zone *zone,
                            struct proto_msg *out, bool *msgid_known, const char **why)
{
    bool known_scratch;
    if (msgid_known == NULL)
        msgid_known = &known_scratch;
    *msgid_known = false;
    *out = (struct proto_msg){0};
    if (why != NULL)
        *why = NULL;
    if (payload == NULL || len == 0)
        return fail(why, "empty frame");

    enum proto_scan_status st = proto_prescan(payload, len, NULL);
    if (st != PROTO_SCAN_OK)
        return fail(why, proto_scan_reason(st));

    msgpack_object root;
    size_t off = 0;
    msgpack_unpack_return ur = msgpack_unpack((const char *)payload, len, &off, zone, &root);
    if (ur == MSGPACK_UNPACK_NOMEM_ERROR) {
        if (why != NULL)
            *why = "out of memory";
        return PE_INTERNAL;
    }
    if (ur == MSGPACK_UNPACK_EXTRA_BYTES)
        return fail(why, proto_scan_reason(PROTO_SCAN_TRAILING));
    if (ur != MSGPACK_UNPACK_SUCCESS || off != len)
        return fail(why, "malformed MessagePack");
    return decode_shape(&root, zone, out, msgid_known, why);
}
