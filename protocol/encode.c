/*
 * encode.c - packing MessagePack-RPC requests, responses, errors and notifications.
 */
#include <string.h>

#include "proto.h"

void proto_pack_request_head(msgpack_packer *pk, uint32_t msgid, const char *method)
{
    msgpack_pack_array(pk, 4);
    msgpack_pack_uint8(pk, PROTO_REQUEST);
    msgpack_pack_uint32(pk, msgid);
    proto_pack_cstr(pk, method);
    msgpack_pack_array(pk, 1);
}

void proto_pack_result_head(msgpack_packer *pk, uint32_t msgid)
{
    msgpack_pack_array(pk, 4);
    msgpack_pack_uint8(pk, PROTO_RESPONSE);
    msgpack_pack_uint32(pk, msgid);
    msgpack_pack_nil(pk);
}

void proto_pack_error_head(msgpack_packer *pk, uint32_t msgid, enum proto_err code,
                           const char *message, uint32_t extra_pairs)
{
    msgpack_pack_array(pk, 4);
    msgpack_pack_uint8(pk, PROTO_RESPONSE);
    msgpack_pack_uint32(pk, msgid);
    msgpack_pack_map(pk, 2 + extra_pairs);
    proto_kv_str(pk, "code", proto_err_name(code));
    proto_kv_str(pk, "message", message != NULL ? message : proto_err_name(code));
    if (extra_pairs == 0)
        proto_pack_error_end(pk);
}

void proto_pack_error_end(msgpack_packer *pk)
{
    msgpack_pack_nil(pk);
}

void proto_pack_notify_head(msgpack_packer *pk)
{
    msgpack_pack_array(pk, 3);
    msgpack_pack_uint8(pk, PROTO_NOTIFY);
    proto_pack_cstr(pk, "event");
    msgpack_pack_array(pk, 1);
}

void proto_pack_cstr(msgpack_packer *pk, const char *s)
{
    if (s == NULL) {
        msgpack_pack_nil(pk);
        return;
    }
    proto_pack_strn(pk, s, strlen(s));
}

void proto_pack_strn(msgpack_packer *pk, const char *s, size_t len)
{
    if (s == NULL) {
        msgpack_pack_nil(pk);
        return;
    }
    msgpack_pack_str(pk, len);
    msgpack_pack_str_body(pk, s, len);
}

void proto_kv_str(msgpack_packer *pk, const char *key, const char *val)
{
    proto_pack_cstr(pk, key);
    proto_pack_cstr(pk, val);
}

void proto_kv_strn(msgpack_packer *pk, const char *key, const char *val, size_t len)
{
    proto_pack_cstr(pk, key);
    proto_pack_strn(pk, val, len);
}

void proto_kv_u64(msgpack_packer *pk, const char *key, uint64_t val)
{
    proto_pack_cstr(pk, key);
    msgpack_pack_uint64(pk, val);
}

void proto_kv_i64(msgpack_packer *pk, const char *key, int64_t val)
{
    proto_pack_cstr(pk, key);
    msgpack_pack_int64(pk, val);
}

void proto_kv_bool(msgpack_packer *pk, const char *key, bool val)
{
    proto_pack_cstr(pk, key);
    if (val)
        msgpack_pack_true(pk);
    else
        msgpack_pack_false(pk);
}

void proto_kv_nil(msgpack_packer *pk, const char *key)
{
    proto_pack_cstr(pk, key);
    msgpack_pack_nil(pk);
}
