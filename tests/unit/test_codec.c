/*
 * test_codec.c - unit tests of MessagePack-RPC encoding and decoding, error names and the
 * bounds-checked accessors.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "proto.h"

/* One message under construction and its decoded form. */
struct fx {
    msgpack_sbuffer sb;
    msgpack_packer pk;
    msgpack_zone zone;
    struct proto_msg msg;
    bool msgid_known;
    const char *why;
};

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    if (f == NULL)
        return -1;
    msgpack_sbuffer_init(&f->sb);
    msgpack_packer_init(&f->pk, &f->sb, msgpack_sbuffer_write);
    msgpack_zone_init(&f->zone, 1024);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    msgpack_sbuffer_destroy(&f->sb);
    msgpack_zone_destroy(&f->zone);
    free(f);
    return 0;
}

/* Decodes what has been packed so far (fresh zone each time). */
static enum proto_err dec(struct fx *f)
{
    msgpack_zone_clear(&f->zone);
    f->why = NULL;
    enum proto_err e = proto_decode((const uint8_t *)f->sb.data, f->sb.size, &f->zone, &f->msg,
                                    &f->msgid_known, &f->why);
    if (e != PE_OK)
        assert_non_null(f->why);
    return e;
}

static void reset(struct fx *f)
{
    msgpack_sbuffer_clear(&f->sb);
}

static void put(struct fx *f, const void *bytes, size_t n)
{
    msgpack_sbuffer_write(&f->sb, bytes, n);
}

#define PUT(f, ...) put(f, (const uint8_t[]){__VA_ARGS__}, sizeof((const uint8_t[]){__VA_ARGS__}))

static bool method_is(const struct proto_msg *m, const char *s)
{
    return m->method_len == strlen(s) && memcmp(m->method, s, m->method_len) == 0;
}

/* ---- round trips ---- */

static void test_request_round_trip(void **state)
{
    struct fx *f = *state;
    proto_pack_request_head(&f->pk, 42, "auth.login");
    msgpack_pack_map(&f->pk, 2);
    proto_kv_str(&f->pk, "username", "li.wei");
    proto_kv_str(&f->pk, "password", "agency-demo-2026");
    assert_int_equal(dec(f), PE_OK);
    assert_int_equal(f->msg.type, PROTO_REQUEST);
    assert_int_equal(f->msg.msgid, 42);
    assert_true(f->msgid_known);
    assert_true(method_is(&f->msg, "auth.login"));
    assert_non_null(f->msg.args);
    assert_int_equal(f->msg.args->type, MSGPACK_OBJECT_MAP);
    const char *s;
    size_t len;
    assert_int_equal(proto_get_str(f->msg.args, "username", &s, &len, 200), PG_OK);
    assert_int_equal(len, 6);
    assert_memory_equal(s, "li.wei", 6);
    assert_null(f->msg.error);
    assert_null(f->msg.result);
}

static void test_params_empty_or_map(void **state)
{
    struct fx *f = *state;
    PUT(f, 0x94, 0x00, 0x05, 0xa4, 'p', 'i', 'n', 'g', 0x90); /* params [] */
    assert_int_equal(dec(f), PE_OK);
    assert_null(f->msg.args);
    assert_int_equal(f->msg.msgid, 5);

    reset(f);
    PUT(f, 0x94, 0x00, 0x05, 0xa4, 'p', 'i', 'n', 'g', 0x91, 0x80); /* params [{}] */
    assert_int_equal(dec(f), PE_OK);
    assert_non_null(f->msg.args);
    assert_int_equal(f->msg.args->via.map.size, 0);
}

static void test_result_round_trip(void **state)
{
    struct fx *f = *state;
    proto_pack_result_head(&f->pk, UINT32_MAX);
    msgpack_pack_map(&f->pk, 4);
    proto_kv_u64(&f->pk, "version", 1);
    proto_kv_str(&f->pk, "server", "agencyd/0.1.0");
    proto_kv_u64(&f->pk, "max_frame", PROTO_MAX_FRAME_PRELOGIN);
    proto_pack_cstr(&f->pk, "features");
    msgpack_pack_array(&f->pk, 2);
    proto_pack_cstr(&f->pk, "pipelining");
    proto_pack_cstr(&f->pk, "notifications");
    assert_int_equal(dec(f), PE_OK);
    assert_int_equal(f->msg.type, PROTO_RESPONSE);
    assert_int_equal(f->msg.msgid, UINT32_MAX);
    assert_null(f->msg.error);
    assert_non_null(f->msg.result);
    uint64_t v = 0;
    assert_int_equal(proto_get_u64(f->msg.result, "max_frame", &v, 1, UINT32_MAX), PG_OK);
    assert_int_equal(v, 4096);
    const msgpack_object *arr;
    assert_int_equal(proto_get_array(f->msg.result, "features", &arr, 8), PG_OK);
    assert_int_equal(arr->via.array.size, 2);
}

static void test_nil_result_is_a_result(void **state)
{
    struct fx *f = *state;
    proto_pack_result_head(&f->pk, 3);
    msgpack_pack_nil(&f->pk);
    assert_int_equal(dec(f), PE_OK);
    assert_null(f->msg.error);
    assert_non_null(f->msg.result);
    assert_int_equal(f->msg.result->type, MSGPACK_OBJECT_NIL);
}

static void test_error_round_trip(void **state)
{
    struct fx *f = *state;
    proto_pack_error_head(&f->pk, 9, PE_LOCKED, "account locked", 0);
    assert_int_equal(dec(f), PE_OK);
    assert_int_equal(f->msg.type, PROTO_RESPONSE);
    assert_int_equal(f->msg.msgid, 9);
    assert_null(f->msg.result);
    assert_non_null(f->msg.error);
    const char *s;
    size_t len;
    assert_int_equal(proto_get_str(f->msg.error, "code", &s, &len, 0), PG_OK);
    bool known = false;
    assert_int_equal(proto_err_from_name(s, len, &known), PE_LOCKED);
    assert_true(known);
    assert_int_equal(proto_get_str(f->msg.error, "message", &s, &len, 0), PG_OK);
    assert_memory_equal(s, "account locked", len);
}

static void test_error_with_details(void **state)
{
    struct fx *f = *state;
    proto_pack_error_head(&f->pk, 10, PE_INVALID, "bad e-mail", 2);
    proto_kv_str(&f->pk, "field", "email");
    proto_kv_str(&f->pk, "reason", "not an address");
    proto_pack_error_end(&f->pk);
    assert_int_equal(dec(f), PE_OK);
    assert_non_null(f->msg.error);
    assert_int_equal(f->msg.error->via.map.size, 4);
    const char *s;
    size_t len;
    assert_int_equal(proto_get_str(f->msg.error, "field", &s, &len, 0), PG_OK);
    assert_memory_equal(s, "email", len);
    assert_int_equal(proto_get_str(f->msg.error, "code", &s, &len, 0), PG_OK);
    assert_memory_equal(s, "invalid", len);
}

static void test_notify_round_trip(void **state)
{
    struct fx *f = *state;
    proto_pack_notify_head(&f->pk);
    msgpack_pack_map(&f->pk, 2);
    proto_kv_str(&f->pk, "kind", "issue.escalated");
    proto_kv_u64(&f->pk, "issue_id", 77);
    assert_int_equal(dec(f), PE_OK);
    assert_int_equal(f->msg.type, PROTO_NOTIFY);
    assert_false(f->msgid_known);
    assert_true(method_is(&f->msg, "event"));
    const char *s;
    size_t len;
    assert_int_equal(proto_get_str(f->msg.args, "kind", &s, &len, 0), PG_OK);
    assert_memory_equal(s, "issue.escalated", len);
}

static void test_msgid_edges(void **state)
{
    struct fx *f = *state;
    const uint32_t ids[] = {0, 1, 127, 128, 255, 256, 65535, 65536, UINT32_MAX - 1, UINT32_MAX};
    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
        reset(f);
        proto_pack_request_head(&f->pk, ids[i], "ping");
        msgpack_pack_map(&f->pk, 0);
        assert_int_equal(dec(f), PE_OK);
        assert_int_equal(f->msg.msgid, ids[i]);
    }
    /* 2^32 does not fit */
    reset(f);
    PUT(f, 0x94, 0x00, 0xcf, 0, 0, 0, 1, 0, 0, 0, 0, 0xa4, 'p', 'i', 'n', 'g', 0x90);
    assert_int_equal(dec(f), PE_BAD_REQUEST);
    assert_false(f->msgid_known);
    /* negative */
    reset(f);
    PUT(f, 0x94, 0x00, 0xff, 0xa4, 'p', 'i', 'n', 'g', 0x90);
    assert_int_equal(dec(f), PE_BAD_REQUEST);
    assert_false(f->msgid_known);
    /* a string */
    reset(f);
    PUT(f, 0x94, 0x00, 0xa1, '1', 0xa4, 'p', 'i', 'n', 'g', 0x90);
    assert_int_equal(dec(f), PE_BAD_REQUEST);
    assert_false(f->msgid_known);
    /* a non-negative value sent as a signed int8 is still a msgid */
    reset(f);
    PUT(f, 0x94, 0x00, 0xd0, 0x05, 0xa4, 'p', 'i', 'n', 'g', 0x90);
    assert_int_equal(dec(f), PE_OK);
    assert_int_equal(f->msg.msgid, 5);
}

/* The hello exchange printed in PROTOCOL.md, byte for byte. */
static void test_hello_bytes_match_spec(void **state)
{
    struct fx *f = *state;
    static const uint8_t request[] = {
        0x00, 0x00, 0x00, 0x28, 0x94, 0x00, 0x01, 0xa5, 0x68, 0x65, 0x6c, 0x6c, 0x6f, 0x91, 0x82,
        0xa7, 0x76, 0x65, 0x72, 0x73, 0x69, 0x6f, 0x6e, 0x01, 0xa6, 0x63, 0x6c, 0x69, 0x65, 0x6e,
        0x74, 0xac, 0x61, 0x67, 0x65, 0x6e, 0x63, 0x79, 0x2f, 0x30, 0x2e, 0x31, 0x2e, 0x30};
    static const uint8_t response[] = {
        0x00, 0x00, 0x00, 0x53, 0x94, 0x01, 0x01, 0xc0, 0x84, 0xa7, 0x76, 0x65, 0x72, 0x73, 0x69,
        0x6f, 0x6e, 0x01, 0xa6, 0x73, 0x65, 0x72, 0x76, 0x65, 0x72, 0xad, 0x61, 0x67, 0x65, 0x6e,
        0x63, 0x79, 0x64, 0x2f, 0x30, 0x2e, 0x31, 0x2e, 0x30, 0xa9, 0x6d, 0x61, 0x78, 0x5f, 0x66,
        0x72, 0x61, 0x6d, 0x65, 0xcd, 0x10, 0x00, 0xa8, 0x66, 0x65, 0x61, 0x74, 0x75, 0x72, 0x65,
        0x73, 0x92, 0xaa, 0x70, 0x69, 0x70, 0x65, 0x6c, 0x69, 0x6e, 0x69, 0x6e, 0x67, 0xad, 0x6e,
        0x6f, 0x74, 0x69, 0x66, 0x69, 0x63, 0x61, 0x74, 0x69, 0x6f, 0x6e, 0x73};

    size_t start = proto_frame_begin(&f->sb);
    proto_pack_request_head(&f->pk, 1, "hello");
    msgpack_pack_map(&f->pk, 2);
    proto_kv_u64(&f->pk, "version", PROTO_VERSION);
    proto_kv_str(&f->pk, "client", "agency/0.1.0");
    proto_frame_end(&f->sb, start);
    assert_int_equal(f->sb.size, sizeof request);
    assert_memory_equal(f->sb.data, request, sizeof request);

    reset(f);
    start = proto_frame_begin(&f->sb);
    proto_pack_result_head(&f->pk, 1);
    msgpack_pack_map(&f->pk, 4);
    proto_kv_u64(&f->pk, "version", PROTO_VERSION);
    proto_kv_str(&f->pk, "server", "agencyd/0.1.0");
    proto_kv_u64(&f->pk, "max_frame", PROTO_MAX_FRAME_PRELOGIN);
    proto_pack_cstr(&f->pk, "features");
    msgpack_pack_array(&f->pk, 2);
    proto_pack_cstr(&f->pk, "pipelining");
    proto_pack_cstr(&f->pk, "notifications");
    proto_frame_end(&f->sb, start);
    assert_int_equal(f->sb.size, sizeof response);
    assert_memory_equal(f->sb.data, response, sizeof response);

    /* and the request decodes back to hello {version 1} */
    uint32_t n = 0;
    assert_int_equal(proto_frame_check(request, sizeof request, PROTO_MAX_FRAME_PRELOGIN, &n),
                     PROTO_FRAME_READY);
    msgpack_zone_clear(&f->zone);
    assert_int_equal(proto_decode(request + 4, n, &f->zone, &f->msg, &f->msgid_known, &f->why),
                     PE_OK);
    assert_true(method_is(&f->msg, "hello"));
    uint64_t v = 0;
    assert_int_equal(proto_get_u64(f->msg.args, "version", &v, 1, 1), PG_OK);
}

/* ---- wrong shapes ---- */

/* Expects bad_request; msgid_known and, when known, msgid 7. */
static void expect_bad(struct fx *f, bool known)
{
    assert_int_equal(dec(f), PE_BAD_REQUEST);
    assert_int_equal(f->msgid_known, known);
    if (known)
        assert_int_equal(f->msg.msgid, 7);
}

static void test_request_shapes(void **state)
{
    struct fx *f = *state;
    PUT(f, 0x93, 0x00, 0x07, 0xa4, 'p', 'i', 'n', 'g'); /* no params */
    expect_bad(f, true);
    reset(f);
    PUT(f, 0x95, 0x00, 0x07, 0xa4, 'p', 'i', 'n', 'g', 0x90, 0xc0); /* five elements */
    expect_bad(f, true);
    reset(f);
    PUT(f, 0x94, 0x00, 0x07, 0x01, 0x90); /* method not a string */
    expect_bad(f, true);
    reset(f);
    PUT(f, 0x94, 0x00, 0x07, 0xa0, 0x90); /* empty method */
    expect_bad(f, true);
    reset(f);
    PUT(f, 0x94, 0x00, 0x07, 0xa4, 'p', 'i', 'n', 'g', 0x80); /* params a bare map */
    expect_bad(f, true);
    reset(f);
    PUT(f, 0x94, 0x00, 0x07, 0xa4, 'p', 'i', 'n', 'g', 0x91, 0x01); /* [1] */
    expect_bad(f, true);
    reset(f);
    PUT(f, 0x94, 0x00, 0x07, 0xa4, 'p', 'i', 'n', 'g', 0x92, 0x80, 0x80); /* [{}, {}] */
    expect_bad(f, true);
    reset(f);
    PUT(f, 0x94, 0x00, 0x07, 0xa4, 'p', 'i', 'n', 'g', 0x91, 0x81, 0x01, 0xc0); /* int key */
    expect_bad(f, true);
    reset(f);
    PUT(f, 0x94, 0x00, 0x07, 0xa4, 'p', 'i', 'n', 'g', 0x91, 0x82, 0xa1, 'a', 0x01, 0xa1, 'a',
        0x02); /* duplicate key */
    expect_bad(f, true);
    reset(f);
    PUT(f, 0x92, 0x00, 0x07); /* too short, but the msgid is there */
    expect_bad(f, true);
}

static void test_method_length_limit(void **state)
{
    struct fx *f = *state;
    char name[66];
    memset(name, 'm', sizeof name - 1);
    name[65] = '\0';
    proto_pack_request_head(&f->pk, 7, name); /* 65 bytes */
    msgpack_pack_map(&f->pk, 0);
    expect_bad(f, true);
    reset(f);
    name[64] = '\0';
    proto_pack_request_head(&f->pk, 7, name); /* 64 bytes */
    msgpack_pack_map(&f->pk, 0);
    assert_int_equal(dec(f), PE_OK);
}

static void test_nested_keys_checked(void **state)
{
    struct fx *f = *state;
    proto_pack_request_head(&f->pk, 7, "user.create");
    msgpack_pack_map(&f->pk, 1);
    proto_pack_cstr(&f->pk, "outer");
    msgpack_pack_array(&f->pk, 1);
    msgpack_pack_map(&f->pk, 1);
    msgpack_pack_nil(&f->pk); /* nil key, two levels down */
    msgpack_pack_true(&f->pk);
    expect_bad(f, true);
}

static void test_duplicate_keys_large_map(void **state)
{
    struct fx *f = *state;
    char key[16];
    proto_pack_request_head(&f->pk, 7, "x");
    msgpack_pack_map(&f->pk, 100);
    for (int i = 0; i < 100; i++) {
        snprintf(key, sizeof key, "k%d", i);
        proto_kv_u64(&f->pk, key, (uint64_t)i);
    }
    assert_int_equal(dec(f), PE_OK);
    uint64_t v;
    assert_int_equal(proto_get_u64(f->msg.args, "k99", &v, 0, 1000), PG_OK);
    assert_int_equal(v, 99);

    reset(f);
    proto_pack_request_head(&f->pk, 7, "x");
    msgpack_pack_map(&f->pk, 100);
    for (int i = 0; i < 100; i++) {
        snprintf(key, sizeof key, "k%d", i == 99 ? 3 : i); /* k3 twice, far apart */
        proto_kv_u64(&f->pk, key, (uint64_t)i);
    }
    expect_bad(f, true);
}

static void test_message_type_and_root(void **state)
{
    struct fx *f = *state;
    PUT(f, 0x94, 0x03, 0x07, 0xa1, 'x', 0x90); /* type 3 */
    expect_bad(f, false);
    reset(f);
    PUT(f, 0x94, 0xff, 0x07, 0xa1, 'x', 0x90); /* type -1 */
    expect_bad(f, false);
    reset(f);
    PUT(f, 0x81, 0xa1, 'a', 0x00); /* a map, not an array */
    expect_bad(f, false);
    reset(f);
    PUT(f, 0xa4, 'p', 'i', 'n', 'g'); /* a string */
    expect_bad(f, false);
    reset(f);
    PUT(f, 0x91, 0x00); /* [0] */
    expect_bad(f, false);
}

static void test_response_shapes(void **state)
{
    struct fx *f = *state;
    PUT(f, 0x94, 0x01, 0x07, 0x81, 0xa4, 'c', 'o', 'd', 'e', 0xa1, 'x', 0x01); /* both set */
    expect_bad(f, true);
    reset(f);
    PUT(f, 0x94, 0x01, 0x07, 0x80, 0xc0); /* error without code */
    expect_bad(f, true);
    reset(f);
    PUT(f, 0x94, 0x01, 0x07, 0x81, 0xa4, 'c', 'o', 'd', 'e', 0x01, 0xc0); /* code not a str */
    expect_bad(f, true);
    reset(f);
    PUT(f, 0x94, 0x01, 0x07, 0xa3, 'b', 'a', 'd', 0xc0); /* error a string */
    expect_bad(f, true);
    reset(f);
    PUT(f, 0x93, 0x01, 0x07, 0xc0); /* three elements */
    expect_bad(f, true);
}

static void test_notify_shapes(void **state)
{
    struct fx *f = *state;
    PUT(f, 0x93, 0x02, 0xa5, 'e', 'v', 'e', 'n', 't', 0x90); /* [] params */
    expect_bad(f, false);
    reset(f);
    PUT(f, 0x93, 0x02, 0x01, 0x91, 0x80); /* name not a string */
    expect_bad(f, false);
    reset(f);
    PUT(f, 0x94, 0x02, 0xa5, 'e', 'v', 'e', 'n', 't', 0x91, 0x80, 0xc0); /* four elements */
    expect_bad(f, false);
}

static void test_malformed_bytes(void **state)
{
    struct fx *f = *state;
    PUT(f, 0x94, 0x00, 0x07, 0xa4, 'p', 'i', 'n', 'g', 0x90, 0x00); /* trailing byte */
    assert_int_equal(dec(f), PE_BAD_REQUEST);
    assert_false(f->msgid_known); /* nothing is read from a frame that fails the scan */
    assert_string_equal(f->why, "trailing bytes after the MessagePack value");
    reset(f);
    PUT(f, 0xdd, 0xff, 0xff, 0xff, 0xff);
    assert_int_equal(dec(f), PE_BAD_REQUEST);
    reset(f);
    PUT(f, 0x94, 0x00, 0x07, 0xc1, 0x90);
    assert_int_equal(dec(f), PE_BAD_REQUEST);
    reset(f);
    assert_int_equal(dec(f), PE_BAD_REQUEST); /* empty */
    /* 17 nested arrays inside the params */
    reset(f);
    proto_pack_request_head(&f->pk, 7, "x");
    msgpack_pack_map(&f->pk, 1);
    proto_pack_cstr(&f->pk, "a");
    for (int i = 0; i < 14; i++) /* root array, params array, map, then 14 more: 17 */
        msgpack_pack_array(&f->pk, 1);
    msgpack_pack_nil(&f->pk);
    assert_int_equal(dec(f), PE_BAD_REQUEST);
    assert_string_equal(f->why, "nesting too deep");
}

/* ---- error names ---- */

static void test_error_names(void **state)
{
    const char *names[PE__COUNT] = {
        "ok",
        "bad_request",
        "unsupported_version",
        "unauthenticated",
        "forbidden",
        "not_found",
        "invalid",
        "conflict",
        "duplicate",
        "locked",
        "rate_limited",
        "too_large",
        "unavailable",
        "internal",
    };
    for (int e = 0; e < PE__COUNT; e++) {
        assert_string_equal(proto_err_name((enum proto_err)e), names[e]);
        bool known = false;
        assert_int_equal(proto_err_from_name(names[e], strlen(names[e]), &known), e);
        assert_true(known);
    }
    assert_string_equal(proto_err_name(PE__COUNT), "internal");
    assert_string_equal(proto_err_name((enum proto_err) - 1), "internal");
    bool known = true;
    assert_int_equal(proto_err_from_name("no_such_code", 12, &known), PE_INTERNAL);
    assert_false(known);
    known = true;
    assert_int_equal(proto_err_from_name("locked_out", 6, &known), PE_LOCKED); /* len counts */
    assert_true(known);
    assert_int_equal(proto_err_from_name("lock", 4, &known), PE_INTERNAL);
    assert_false(known);
}

/* ---- accessors ---- */

/* Packs {"s": "héllo", "n": 5, "neg": -3, "big": 2^63, "b": true, "nil": nil,
 *        "a": [1, 2, 3], "m": {"x": 1}, "f": 1.5} as a request's params and decodes it. */
static const msgpack_object *sample(struct fx *f)
{
    proto_pack_request_head(&f->pk, 1, "t");
    msgpack_pack_map(&f->pk, 9);
    proto_kv_str(&f->pk, "s", "h\xc3\xa9llo");
    proto_kv_u64(&f->pk, "n", 5);
    proto_kv_i64(&f->pk, "neg", -3);
    proto_kv_u64(&f->pk, "big", (uint64_t)1 << 63);
    proto_kv_bool(&f->pk, "b", true);
    proto_kv_nil(&f->pk, "nil");
    proto_pack_cstr(&f->pk, "a");
    msgpack_pack_array(&f->pk, 3);
    for (int i = 1; i <= 3; i++)
        msgpack_pack_int(&f->pk, i);
    proto_pack_cstr(&f->pk, "m");
    msgpack_pack_map(&f->pk, 1);
    proto_kv_u64(&f->pk, "x", 1);
    proto_pack_cstr(&f->pk, "f");
    msgpack_pack_double(&f->pk, 1.5);
    assert_int_equal(dec(f), PE_OK);
    return f->msg.args;
}

static void test_get_str(void **state)
{
    const msgpack_object *m = sample(*state);
    const char *s = NULL;
    size_t len = 0;
    assert_int_equal(proto_get_str(m, "s", &s, &len, 0), PG_OK);
    assert_int_equal(len, 6);
    assert_int_equal(proto_get_str(m, "s", &s, &len, 6), PG_OK);
    assert_int_equal(proto_get_str(m, "s", &s, &len, 5), PG_RANGE);
    assert_int_equal(proto_get_str(m, "absent", &s, &len, 0), PG_MISSING);
    assert_int_equal(proto_get_str(m, "nil", &s, &len, 0), PG_MISSING);
    assert_int_equal(proto_get_str(m, "n", &s, &len, 0), PG_TYPE);
    assert_int_equal(proto_get_str(m, "a", &s, &len, 0), PG_TYPE);
    assert_int_equal(proto_get_str(NULL, "s", &s, &len, 0), PG_MISSING);
    /* a non-map container has no keys */
    const msgpack_object *arr;
    assert_int_equal(proto_get_array(m, "a", &arr, 0), PG_OK);
    assert_int_equal(proto_get_str(arr, "s", &s, &len, 0), PG_MISSING);
}

static void test_get_u64(void **state)
{
    const msgpack_object *m = sample(*state);
    uint64_t v = 0;
    assert_int_equal(proto_get_u64(m, "n", &v, 0, 10), PG_OK);
    assert_int_equal(v, 5);
    assert_int_equal(proto_get_u64(m, "n", &v, 5, 5), PG_OK);
    assert_int_equal(proto_get_u64(m, "n", &v, 6, 10), PG_RANGE);
    assert_int_equal(proto_get_u64(m, "n", &v, 0, 4), PG_RANGE);
    assert_int_equal(proto_get_u64(m, "neg", &v, 0, 10), PG_RANGE);
    assert_int_equal(proto_get_u64(m, "big", &v, 0, UINT64_MAX), PG_OK);
    assert_true(v == (uint64_t)1 << 63);
    assert_int_equal(proto_get_u64(m, "s", &v, 0, 10), PG_TYPE);
    assert_int_equal(proto_get_u64(m, "f", &v, 0, 10), PG_TYPE);
    assert_int_equal(proto_get_u64(m, "b", &v, 0, 10), PG_TYPE);
    assert_int_equal(proto_get_u64(m, "nil", &v, 0, 10), PG_MISSING);
    assert_int_equal(proto_get_u64(m, "zz", &v, 0, 10), PG_MISSING);
}

static void test_get_i64(void **state)
{
    const msgpack_object *m = sample(*state);
    int64_t v = 0;
    assert_int_equal(proto_get_i64(m, "neg", &v, -10, 10), PG_OK);
    assert_int_equal(v, -3);
    assert_int_equal(proto_get_i64(m, "neg", &v, 0, 10), PG_RANGE);
    assert_int_equal(proto_get_i64(m, "n", &v, -10, 10), PG_OK);
    assert_int_equal(v, 5);
    assert_int_equal(proto_get_i64(m, "n", &v, -10, 4), PG_RANGE);
    assert_int_equal(proto_get_i64(m, "big", &v, INT64_MIN, INT64_MAX), PG_RANGE);
    assert_int_equal(proto_get_i64(m, "s", &v, -10, 10), PG_TYPE);
    assert_int_equal(proto_get_i64(m, "nil", &v, -10, 10), PG_MISSING);
    assert_int_equal(proto_get_i64(m, "zz", &v, -10, 10), PG_MISSING);
}

static void test_get_bool_array_map(void **state)
{
    const msgpack_object *m = sample(*state);
    bool b = false;
    assert_int_equal(proto_get_bool(m, "b", &b), PG_OK);
    assert_true(b);
    assert_int_equal(proto_get_bool(m, "n", &b), PG_TYPE);
    assert_int_equal(proto_get_bool(m, "nil", &b), PG_MISSING);
    assert_int_equal(proto_get_bool(m, "zz", &b), PG_MISSING);

    const msgpack_object *o = NULL;
    assert_int_equal(proto_get_array(m, "a", &o, 3), PG_OK);
    assert_int_equal(o->via.array.size, 3);
    assert_int_equal(proto_get_array(m, "a", &o, 2), PG_RANGE);
    assert_int_equal(proto_get_array(m, "a", &o, 0), PG_OK);
    assert_int_equal(proto_get_array(m, "m", &o, 0), PG_TYPE);
    assert_int_equal(proto_get_array(m, "nil", &o, 0), PG_MISSING);

    assert_int_equal(proto_get_map(m, "m", &o), PG_OK);
    uint64_t x = 0;
    assert_int_equal(proto_get_u64(o, "x", &x, 0, 9), PG_OK);
    assert_int_equal(x, 1);
    assert_int_equal(proto_get_map(m, "a", &o), PG_TYPE);
    assert_int_equal(proto_get_map(m, "zz", &o), PG_MISSING);
}

static void test_map_get_and_strdup(void **state)
{
    const msgpack_object *m = sample(*state);
    assert_null(proto_map_get(m, "S")); /* keys are case-sensitive */
    assert_null(proto_map_get(m, ""));
    assert_null(proto_map_get(NULL, "s"));
    const msgpack_object *s = proto_map_get(m, "s");
    assert_non_null(s);
    char *copy = proto_strdup_obj(s);
    assert_non_null(copy);
    assert_string_equal(copy, "h\xc3\xa9llo");
    free(copy);
    assert_null(proto_strdup_obj(proto_map_get(m, "n")));
    assert_null(proto_strdup_obj(NULL));
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_request_round_trip),
        T(test_params_empty_or_map),
        T(test_result_round_trip),
        T(test_nil_result_is_a_result),
        T(test_error_round_trip),
        T(test_error_with_details),
        T(test_notify_round_trip),
        T(test_msgid_edges),
        T(test_hello_bytes_match_spec),
        T(test_request_shapes),
        T(test_method_length_limit),
        T(test_nested_keys_checked),
        T(test_duplicate_keys_large_map),
        T(test_message_type_and_root),
        T(test_response_shapes),
        T(test_notify_shapes),
        T(test_malformed_bytes),
        cmocka_unit_test(test_error_names),
        T(test_get_str),
        T(test_get_u64),
        T(test_get_i64),
        T(test_get_bool_array_map),
        T(test_map_get_and_strdup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
