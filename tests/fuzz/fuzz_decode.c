/*
 * fuzz_decode.c - libFuzzer target for the receive path: frame check, pre-scan, decode and
 * the accessors, exactly as a server or client meets bytes from the network.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto.h"

/* Stops the run with a message: a broken invariant of the protocol library. */
static void broken(const char *what)
{
    fprintf(stderr, "fuzz_decode: %s\n", what);
    abort();
}

/* Calls every accessor on one value of a decoded map. */
static void touch_value(const msgpack_object *map, const char *key)
{
    const char *s;
    size_t len;
    uint64_t u;
    int64_t i;
    bool b;
    const msgpack_object *o;

    if (proto_get_str(map, key, &s, &len, 200) == PG_OK) {
        if (proto_utf8_valid(s, len) && proto_utf8_chars(s, len) > len)
            broken("more code points than bytes");
    }
    if (proto_get_u64(map, key, &u, 1, UINT32_MAX) == PG_OK && (u < 1 || u > UINT32_MAX))
        broken("proto_get_u64 out of its range");
    if (proto_get_i64(map, key, &i, -1000, 1000) == PG_OK && (i < -1000 || i > 1000))
        broken("proto_get_i64 out of its range");
    (void)proto_get_bool(map, key, &b);
    if (proto_get_array(map, key, &o, 8) == PG_OK && o->via.array.size > 8)
        broken("proto_get_array over its limit");
    if (proto_get_map(map, key, &o) == PG_OK && o->type != MSGPACK_OBJECT_MAP)
        broken("proto_get_map gave a non-map");
    free(proto_strdup_obj(proto_map_get(map, key)));
}

/* Reads every key of a map through the accessors (keys are strings after decode). */
static void touch_map(const msgpack_object *map)
{
    char key[80];
    if (map == NULL || map->type != MSGPACK_OBJECT_MAP)
        return;
    for (uint32_t k = 0; k < map->via.map.size && k < 64; k++) {
        const msgpack_object *ko = &map->via.map.ptr[k].key;
        if (ko->type != MSGPACK_OBJECT_STR)
            broken("decode let a non-string key through");
        size_t n = ko->via.str.size < sizeof key - 1 ? ko->via.str.size : sizeof key - 1;
        memcpy(key, ko->via.str.ptr, n);
        key[n] = '\0';
        touch_value(map, key);
    }
}

/* Decodes one payload with a fresh zone and exercises the result. */
static void one_payload(const uint8_t *p, size_t len)
{
    enum proto_scan_status st = proto_prescan(p, len, NULL);
    (void)proto_scan_reason(st);

    if (st == PROTO_SCAN_OK) {
        /* the pre-scan and msgpack-c must agree on what one whole value is */
        msgpack_zone z;
        msgpack_zone_init(&z, 256);
        msgpack_object obj;
        size_t off = 0;
        msgpack_unpack_return r = msgpack_unpack((const char *)p, len, &off, &z, &obj);
        if (r != MSGPACK_UNPACK_SUCCESS && r != MSGPACK_UNPACK_NOMEM_ERROR)
            broken("pre-scan accepted what msgpack-c refuses");
        msgpack_zone_destroy(&z);
    }

    msgpack_zone zone;
    msgpack_zone_init(&zone, 1024);
    struct proto_msg msg;
    bool known = false;
    const char *why = NULL;
    enum proto_err e = proto_decode(p, len, &zone, &msg, &known, &why);
    if (e == PE_OK) {
        if (st != PROTO_SCAN_OK)
            broken("decode accepted a frame the pre-scan refused");
        if (msg.type != PROTO_NOTIFY && !known)
            broken("decoded request or response without a msgid");
        touch_map(msg.args);
        touch_map(msg.error);
        touch_map(msg.result);
        if (msg.error != NULL) {
            const char *code;
            size_t clen;
            if (proto_get_str(msg.error, "code", &code, &clen, 0) != PG_OK)
                broken("error without a code");
            (void)proto_err_from_name(code, clen, NULL);
        }
    } else if (why == NULL) {
        broken("decode failed without a reason");
    }
    msgpack_zone_destroy(&zone);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* as a stream of frames, the way the server reads them */
    size_t pos = 0;
    for (int frames = 0; frames < 64 && pos < size; frames++) {
        uint32_t n = 0;
        enum proto_frame_status fs =
            proto_frame_check(data + pos, size - pos, PROTO_MAX_FRAME_DEFAULT, &n);
        if (fs != PROTO_FRAME_READY)
            break;
        if (n == 0 || n > PROTO_MAX_FRAME_DEFAULT || n > size - pos - PROTO_HEADER_SIZE)
            broken("frame check said ready for a frame that is not there");
        one_payload(data + pos + PROTO_HEADER_SIZE, n);
        pos += PROTO_HEADER_SIZE + (size_t)n;
    }
    /* and the whole input as one payload, so unframed bytes reach the decoder too */
    if (size > 0)
        one_payload(data, size);
    return 0;
}
