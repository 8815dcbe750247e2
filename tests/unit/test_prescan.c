/*
 * test_prescan.c - unit tests of the allocation-free MessagePack pre-scan (proto_prescan).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "proto.h"

/* Scans the bytes given as arguments. */
#define SCAN(...)                                                                                  \
    proto_prescan((const uint8_t[]){__VA_ARGS__}, sizeof((const uint8_t[]){__VA_ARGS__}), NULL)

static enum proto_scan_status scan(const uint8_t *b, size_t n)
{
    return proto_prescan(b, n, NULL);
}

static void test_scalars_accepted(void **state)
{
    assert_int_equal(SCAN(0xc0), PROTO_SCAN_OK);             /* nil */
    assert_int_equal(SCAN(0xc2), PROTO_SCAN_OK);             /* false */
    assert_int_equal(SCAN(0xc3), PROTO_SCAN_OK);             /* true */
    assert_int_equal(SCAN(0x7f), PROTO_SCAN_OK);             /* positive fixint */
    assert_int_equal(SCAN(0xe0), PROTO_SCAN_OK);             /* negative fixint */
    assert_int_equal(SCAN(0xcc, 0xff), PROTO_SCAN_OK);       /* uint8 */
    assert_int_equal(SCAN(0xcd, 1, 2), PROTO_SCAN_OK);       /* uint16 */
    assert_int_equal(SCAN(0xce, 1, 2, 3, 4), PROTO_SCAN_OK); /* uint32 */
    assert_int_equal(SCAN(0xcf, 1, 2, 3, 4, 5, 6, 7, 8), PROTO_SCAN_OK);
    assert_int_equal(SCAN(0xd0, 0x80), PROTO_SCAN_OK);
    assert_int_equal(SCAN(0xd1, 1, 2), PROTO_SCAN_OK);
    assert_int_equal(SCAN(0xd2, 1, 2, 3, 4), PROTO_SCAN_OK);
    assert_int_equal(SCAN(0xd3, 1, 2, 3, 4, 5, 6, 7, 8), PROTO_SCAN_OK);
    assert_int_equal(SCAN(0xca, 1, 2, 3, 4), PROTO_SCAN_OK);             /* float32 */
    assert_int_equal(SCAN(0xcb, 1, 2, 3, 4, 5, 6, 7, 8), PROTO_SCAN_OK); /* float64 */
}

static void test_strings_and_bins_accepted(void **state)
{
    assert_int_equal(SCAN(0xa0), PROTO_SCAN_OK);
    assert_int_equal(SCAN(0xa3, 'a', 'b', 'c'), PROTO_SCAN_OK);
    assert_int_equal(SCAN(0xd9, 2, 'a', 'b'), PROTO_SCAN_OK);
    assert_int_equal(SCAN(0xda, 0, 2, 'a', 'b'), PROTO_SCAN_OK);
    assert_int_equal(SCAN(0xdb, 0, 0, 0, 2, 'a', 'b'), PROTO_SCAN_OK);
    assert_int_equal(SCAN(0xc4, 1, 0xff), PROTO_SCAN_OK);
    assert_int_equal(SCAN(0xc5, 0, 1, 0xff), PROTO_SCAN_OK);
    assert_int_equal(SCAN(0xc6, 0, 0, 0, 1, 0xff), PROTO_SCAN_OK);
    assert_int_equal(SCAN(0xc4, 0), PROTO_SCAN_OK); /* empty bin */
}

static void test_ext_types(void **state)
{
    assert_int_equal(SCAN(0xd4, 1, 0xaa), PROTO_SCAN_OK);                   /* fixext 1 */
    assert_int_equal(SCAN(0xd5, 1, 0xaa, 0xbb), PROTO_SCAN_OK);             /* fixext 2 */
    assert_int_equal(SCAN(0xd6, 0xff, 1, 2, 3, 4), PROTO_SCAN_OK);          /* fixext 4 */
    assert_int_equal(SCAN(0xd7, 1, 1, 2, 3, 4, 5, 6, 7, 8), PROTO_SCAN_OK); /* fixext 8 */
    assert_int_equal(SCAN(0xd8, 1, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16),
                     PROTO_SCAN_OK);                                        /* fixext 16 */
    assert_int_equal(SCAN(0xc7, 2, 5, 0xaa, 0xbb), PROTO_SCAN_OK);          /* ext8 */
    assert_int_equal(SCAN(0xc8, 0, 2, 5, 0xaa, 0xbb), PROTO_SCAN_OK);       /* ext16 */
    assert_int_equal(SCAN(0xc9, 0, 0, 0, 2, 5, 0xaa, 0xbb), PROTO_SCAN_OK); /* ext32 */

    assert_int_equal(SCAN(0xd6, 0xff, 1, 2, 3), PROTO_SCAN_TRUNCATED); /* fixext 4, 3 bytes */
    assert_int_equal(SCAN(0xd8, 1, 1, 2), PROTO_SCAN_TRUNCATED);       /* fixext 16, 2 */
    assert_int_equal(SCAN(0xc7, 2), PROTO_SCAN_TRUNCATED);             /* ext8 without type */
    assert_int_equal(SCAN(0xc8, 0), PROTO_SCAN_TRUNCATED);             /* ext16 length cut */
    assert_int_equal(SCAN(0xc7, 5, 1, 0xaa), PROTO_SCAN_COUNT);        /* ext8 too long */
    assert_int_equal(SCAN(0xc9, 0xff, 0xff, 0xff, 0xff, 1), PROTO_SCAN_COUNT);
}

static void test_truncated_strings(void **state)
{
    /* the header itself cut short */
    assert_int_equal(SCAN(0xd9), PROTO_SCAN_TRUNCATED);
    assert_int_equal(SCAN(0xda, 0), PROTO_SCAN_TRUNCATED);
    assert_int_equal(SCAN(0xdb, 0, 0, 0), PROTO_SCAN_TRUNCATED);
    assert_int_equal(SCAN(0xc6, 0, 0), PROTO_SCAN_TRUNCATED);
    /* the declared length longer than the bytes left */
    assert_int_equal(SCAN(0xa5, 'a'), PROTO_SCAN_COUNT);
    assert_int_equal(SCAN(0xd9, 5, 'a', 'b'), PROTO_SCAN_COUNT);
    assert_int_equal(SCAN(0xda, 1, 0, 'a'), PROTO_SCAN_COUNT);
    assert_int_equal(SCAN(0xdb, 0xff, 0xff, 0xff, 0xff, 'a'), PROTO_SCAN_COUNT);
    assert_int_equal(SCAN(0xc4, 2, 0xff), PROTO_SCAN_COUNT);
    assert_int_equal(SCAN(0xc6, 0x7f, 0xff, 0xff, 0xff), PROTO_SCAN_COUNT);
}

static void test_truncated_scalars(void **state)
{
    assert_int_equal(proto_prescan((const uint8_t *)"", 0, NULL), PROTO_SCAN_TRUNCATED);
    assert_int_equal(SCAN(0xcc), PROTO_SCAN_TRUNCATED);
    assert_int_equal(SCAN(0xcd, 1), PROTO_SCAN_TRUNCATED);
    assert_int_equal(SCAN(0xcf, 1, 2, 3, 4, 5, 6, 7), PROTO_SCAN_TRUNCATED);
    assert_int_equal(SCAN(0xcb, 1, 2, 3), PROTO_SCAN_TRUNCATED);
    assert_int_equal(SCAN(0xdc, 0), PROTO_SCAN_TRUNCATED); /* array16 header cut */
    assert_int_equal(SCAN(0xdf, 0, 0), PROTO_SCAN_TRUNCATED);
}

static void test_bad_byte(void **state)
{
    assert_int_equal(SCAN(0xc1), PROTO_SCAN_BAD_BYTE);
    assert_int_equal(SCAN(0x92, 0xc0, 0xc1), PROTO_SCAN_BAD_BYTE);
    assert_int_equal(SCAN(0x81, 0xc1, 0xc0), PROTO_SCAN_BAD_BYTE);
}

static void test_trailing(void **state)
{
    assert_int_equal(SCAN(0xc0, 0xc0), PROTO_SCAN_TRAILING);
    assert_int_equal(SCAN(0x90, 0x00), PROTO_SCAN_TRAILING);
    assert_int_equal(SCAN(0x91, 0x01, 0x02), PROTO_SCAN_TRAILING);
    assert_int_equal(SCAN(0xa1, 'a', 'b'), PROTO_SCAN_TRAILING);
    assert_int_equal(SCAN(0x94, 0, 1, 0xa1, 'x', 0x90, 0xc1), PROTO_SCAN_TRAILING);
}

static void test_huge_array_header(void **state)
{
    /* five bytes asking msgpack-c for ~4 billion objects */
    assert_int_equal(SCAN(0xdd, 0xff, 0xff, 0xff, 0xff), PROTO_SCAN_COUNT);
    assert_int_equal(SCAN(0xdd, 0xff, 0xff, 0xff, 0xff, 0xc0, 0xc0, 0xc0), PROTO_SCAN_COUNT);
    assert_int_equal(SCAN(0xdc, 0xff, 0xff, 0xc0), PROTO_SCAN_COUNT);
    assert_int_equal(SCAN(0x94, 0x00, 0xdd, 0xff, 0xff, 0xff, 0xff, 0xc0), PROTO_SCAN_COUNT);
}

static void test_map_claiming_100000_entries(void **state)
{
    /* map32 of 100,000 entries with 1 KiB behind it */
    static uint8_t buf[5 + 1024];
    memset(buf, 0xc0, sizeof buf);
    buf[0] = 0xdf;
    buf[1] = 0x00;
    buf[2] = 0x01;
    buf[3] = 0x86;
    buf[4] = 0xa0;
    assert_int_equal(scan(buf, sizeof buf), PROTO_SCAN_COUNT);
    /* a map needs two values per entry: 3 entries in 5 bytes is still too many */
    assert_int_equal(SCAN(0x83, 0xa1, 'a', 0xc0, 0xc0, 0xc0), PROTO_SCAN_COUNT);
    assert_int_equal(SCAN(0xde, 0x00, 0x03, 0xc0, 0xc0, 0xc0, 0xc0, 0xc0), PROTO_SCAN_COUNT);
    assert_int_equal(SCAN(0xde, 0x00, 0x03, 0xc0, 0xc0, 0xc0, 0xc0, 0xc0, 0xc0), PROTO_SCAN_OK);
}

static void test_fixarray_claiming_more_than_left(void **state)
{
    assert_int_equal(SCAN(0x93, 0xc0, 0xc0), PROTO_SCAN_COUNT);
    assert_int_equal(SCAN(0x9f), PROTO_SCAN_COUNT);
    assert_int_equal(SCAN(0x8f, 0xc0), PROTO_SCAN_COUNT);
    /* outer containers' remaining values count too: [[nil, nil], <missing>] */
    assert_int_equal(SCAN(0x92, 0x92, 0xc0, 0xc0), PROTO_SCAN_COUNT);
    /* a string may not eat the bytes its siblings need: [ "ab" (3 bytes claimed), nil ] */
    assert_int_equal(SCAN(0x92, 0xa3, 'a', 'b', 0xc0), PROTO_SCAN_COUNT);
    assert_int_equal(SCAN(0x92, 0x92, 0xc0, 0xc0, 0xc0), PROTO_SCAN_OK);
}

/* Writes n nested one-element arrays around inner (1 byte) into buf; returns the length. */
static size_t nest(uint8_t *buf, unsigned n, int inner)
{
    for (unsigned i = 0; i < n; i++)
        buf[i] = 0x91;
    if (inner < 0) { /* innermost array is empty */
        buf[n - 1] = 0x90;
        return n;
    }
    buf[n] = (uint8_t)inner;
    return n + 1;
}

static void test_depth(void **state)
{
    uint8_t buf[64];
    assert_int_equal(scan(buf, nest(buf, 16, 0xc0)), PROTO_SCAN_OK);
    assert_int_equal(scan(buf, nest(buf, 16, -1)), PROTO_SCAN_OK);
    assert_int_equal(scan(buf, nest(buf, 17, 0xc0)), PROTO_SCAN_DEPTH);
    assert_int_equal(scan(buf, nest(buf, 17, -1)), PROTO_SCAN_DEPTH);
    assert_int_equal(scan(buf, nest(buf, 40, 0xc0)), PROTO_SCAN_DEPTH);
    /* maps count as levels too: {"a": {"a": ... }} 17 deep */
    size_t n = 0;
    for (int i = 0; i < 17; i++) {
        buf[n++] = 0x81;
        buf[n++] = 0xa1;
        buf[n++] = 'a';
    }
    buf[n++] = 0xc0;
    assert_int_equal(scan(buf, n), PROTO_SCAN_DEPTH);
    assert_int_equal(scan(buf + 3, n - 3), PROTO_SCAN_OK); /* 16 deep */

    /* a smaller limit from the caller */
    struct proto_limits lim = {.max_depth = 2, .max_values = PROTO_MAX_VALUES};
    assert_int_equal(proto_prescan(buf, nest(buf, 2, 0xc0), &lim), PROTO_SCAN_OK);
    assert_int_equal(proto_prescan(buf, nest(buf, 3, 0xc0), &lim), PROTO_SCAN_DEPTH);
}

/* An array holding items nils: header + items bytes, malloc'd. */
static uint8_t *nil_array(uint32_t items, size_t *len)
{
    uint8_t *b = malloc(5 + (size_t)items);
    assert_non_null(b);
    b[0] = 0xdd;
    proto_frame_put_header(b + 1, items); /* the same big-endian layout */
    memset(b + 5, 0xc0, items);
    *len = 5 + (size_t)items;
    return b;
}

static void test_value_count(void **state)
{
    size_t len;
    uint8_t *b = nil_array(65535, &len); /* the array plus 65,535 nils: 65,536 values */
    assert_int_equal(scan(b, len), PROTO_SCAN_OK);
    free(b);
    b = nil_array(65536, &len); /* 65,537 values */
    assert_int_equal(scan(b, len), PROTO_SCAN_TOO_MANY);
    free(b);

    struct proto_limits lim = {.max_depth = PROTO_MAX_DEPTH, .max_values = 3};
    assert_int_equal(proto_prescan((const uint8_t[]){0x92, 0xc0, 0xc0}, 3, &lim), PROTO_SCAN_OK);
    assert_int_equal(proto_prescan((const uint8_t[]){0x93, 0xc0, 0xc0, 0xc0}, 4, &lim),
                     PROTO_SCAN_TOO_MANY);
}

/* Every prefix of a well-formed value is refused; the value itself passes; one byte more
 * is trailing. */
static void test_every_prefix_refused(void **state)
{
    msgpack_sbuffer sb;
    msgpack_sbuffer_init(&sb);
    msgpack_packer pk;
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    proto_pack_request_head(&pk, 4000000000u, "user.create");
    msgpack_pack_map(&pk, 5);
    proto_kv_str(&pk, "username", "zhang.min");
    proto_kv_str(&pk, "full_name", "张敏 — Shanghai Digital, a name long enough for str8");
    proto_kv_i64(&pk, "approval_limit", -1234567890123);
    proto_kv_bool(&pk, "active", true);
    msgpack_pack_str(&pk, 4);
    msgpack_pack_str_body(&pk, "tags", 4);
    msgpack_pack_array(&pk, 3);
    msgpack_pack_double(&pk, 1.5);
    msgpack_pack_bin(&pk, 3);
    msgpack_pack_bin_body(&pk, "\x00\x01\x02", 3);
    msgpack_pack_ext(&pk, 2, 7);
    msgpack_pack_ext_body(&pk, "xy", 2);

    const uint8_t *b = (const uint8_t *)sb.data;
    assert_int_equal(scan(b, sb.size), PROTO_SCAN_OK);
    for (size_t n = 0; n < sb.size; n++) {
        enum proto_scan_status st = scan(b, n);
        if (st != PROTO_SCAN_TRUNCATED && st != PROTO_SCAN_COUNT)
            fail_msg("prefix of %zu bytes gave status %d", n, (int)st);
    }
    msgpack_sbuffer_write(&sb, "\xc0", 1);
    assert_int_equal(scan((const uint8_t *)sb.data, sb.size), PROTO_SCAN_TRAILING);
    msgpack_sbuffer_destroy(&sb);
}

static void test_reasons(void **state)
{
    const enum proto_scan_status all[] = {
        PROTO_SCAN_OK,    PROTO_SCAN_TRUNCATED, PROTO_SCAN_TRAILING, PROTO_SCAN_COUNT,
        PROTO_SCAN_DEPTH, PROTO_SCAN_TOO_MANY,  PROTO_SCAN_BAD_BYTE,
    };
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
        const char *r = proto_scan_reason(all[i]);
        assert_non_null(r);
        for (size_t j = 0; j < i; j++)
            assert_string_not_equal(r, proto_scan_reason(all[j]));
    }
    assert_string_equal(proto_scan_reason(PROTO_SCAN_TRAILING),
                        "trailing bytes after the MessagePack value");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scalars_accepted),
        cmocka_unit_test(test_strings_and_bins_accepted),
        cmocka_unit_test(test_ext_types),
        cmocka_unit_test(test_truncated_strings),
        cmocka_unit_test(test_truncated_scalars),
        cmocka_unit_test(test_bad_byte),
        cmocka_unit_test(test_trailing),
        cmocka_unit_test(test_huge_array_header),
        cmocka_unit_test(test_map_claiming_100000_entries),
        cmocka_unit_test(test_fixarray_claiming_more_than_left),
        cmocka_unit_test(test_depth),
        cmocka_unit_test(test_value_count),
        cmocka_unit_test(test_every_prefix_refused),
        cmocka_unit_test(test_reasons),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
