/*
 * test_frame.c - unit tests of the length-prefixed framing (proto_frame_*).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "proto.h"

static void test_partial_header(void **state)
{
    const uint8_t buf[4] = {0x00, 0x00, 0x00, 0x05};
    uint32_t n = 77;
    for (size_t len = 0; len < PROTO_HEADER_SIZE; len++) {
        assert_int_equal(proto_frame_check(buf, len, 4096, &n), PROTO_FRAME_NEED_MORE);
        assert_int_equal(n, 0);
    }
}

static void test_partial_payload_reports_length(void **state)
{
    uint8_t buf[4 + 5] = {0x00, 0x00, 0x00, 0x05, 0x94, 0x00, 0x01, 0xa1, 'x'};
    uint32_t n = 0;
    for (size_t len = 4; len < sizeof buf; len++) {
        assert_int_equal(proto_frame_check(buf, len, 4096, &n), PROTO_FRAME_NEED_MORE);
        assert_int_equal(n, 5);
    }
    assert_int_equal(proto_frame_check(buf, sizeof buf, 4096, &n), PROTO_FRAME_READY);
    assert_int_equal(n, 5);
}

static void test_extra_bytes_after_frame(void **state)
{
    /* a second frame already buffered behind the first does not change the first */
    const uint8_t buf[] = {0, 0, 0, 1, 0xc0, 0, 0, 0, 1, 0xc0};
    uint32_t n = 0;
    assert_int_equal(proto_frame_check(buf, sizeof buf, 4096, &n), PROTO_FRAME_READY);
    assert_int_equal(n, 1);
}

static void test_zero_length(void **state)
{
    const uint8_t buf[] = {0, 0, 0, 0, 0xc0};
    uint32_t n = 9;
    assert_int_equal(proto_frame_check(buf, 4, 4096, &n), PROTO_FRAME_TOO_LARGE);
    assert_int_equal(proto_frame_check(buf, sizeof buf, 4096, &n), PROTO_FRAME_TOO_LARGE);
    assert_int_equal(n, 0);
}

static void test_max_and_over(void **state)
{
    uint8_t hdr[4];
    uint32_t n = 0;

    proto_frame_put_header(hdr, 4096);
    assert_int_equal(proto_frame_check(hdr, 4, 4096, &n), PROTO_FRAME_NEED_MORE);
    assert_int_equal(n, 4096);

    proto_frame_put_header(hdr, 4097);
    assert_int_equal(proto_frame_check(hdr, 4, 4096, &n), PROTO_FRAME_TOO_LARGE);
    assert_int_equal(n, 4097);

    proto_frame_put_header(hdr, PROTO_MAX_FRAME_DEFAULT);
    assert_int_equal(proto_frame_check(hdr, 4, PROTO_MAX_FRAME_DEFAULT, &n), PROTO_FRAME_NEED_MORE);
    proto_frame_put_header(hdr, PROTO_MAX_FRAME_DEFAULT + 1);
    assert_int_equal(proto_frame_check(hdr, 4, PROTO_MAX_FRAME_DEFAULT, &n), PROTO_FRAME_TOO_LARGE);

    /* the largest length the header can carry */
    const uint8_t big[4] = {0xff, 0xff, 0xff, 0xff};
    assert_int_equal(proto_frame_check(big, 4, PROTO_MAX_FRAME_DEFAULT, &n), PROTO_FRAME_TOO_LARGE);
    assert_int_equal(n, UINT32_MAX);
}

static void test_exact_size_ready(void **state)
{
    static uint8_t buf[4 + 4096];
    memset(buf, 0xc0, sizeof buf);
    proto_frame_put_header(buf, 4096);
    uint32_t n = 0;
    assert_int_equal(proto_frame_check(buf, sizeof buf, 4096, &n), PROTO_FRAME_READY);
    assert_int_equal(n, 4096);
    assert_int_equal(proto_frame_check(buf, sizeof buf - 1, 4096, &n), PROTO_FRAME_NEED_MORE);
}

static void test_header_is_big_endian(void **state)
{
    uint8_t hdr[4];
    proto_frame_put_header(hdr, 0x01020304u);
    assert_int_equal(hdr[0], 0x01);
    assert_int_equal(hdr[1], 0x02);
    assert_int_equal(hdr[2], 0x03);
    assert_int_equal(hdr[3], 0x04);
}

static void test_begin_end_writes_length(void **state)
{
    msgpack_sbuffer sb;
    msgpack_sbuffer_init(&sb);
    msgpack_sbuffer_write(&sb, "xy", 2); /* a frame may start mid-buffer */
    size_t start = proto_frame_begin(&sb);
    assert_int_equal(start, 2);
    msgpack_packer pk;
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    proto_pack_request_head(&pk, 7, "ping");
    msgpack_pack_map(&pk, 0);
    proto_frame_end(&sb, start);

    uint32_t n = 0;
    const uint8_t *frame = (const uint8_t *)sb.data + start;
    size_t len = sb.size - start;
    assert_int_equal(proto_frame_check(frame, len, 4096, &n), PROTO_FRAME_READY);
    assert_int_equal(n, len - PROTO_HEADER_SIZE);
    const uint8_t want[] = {0x94, 0x00, 0x07, 0xa4, 'p', 'i', 'n', 'g', 0x91, 0x80};
    assert_int_equal(n, sizeof want);
    assert_memory_equal(frame + PROTO_HEADER_SIZE, want, sizeof want);
    assert_memory_equal(sb.data, "xy", 2);
    msgpack_sbuffer_destroy(&sb);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_partial_header),
        cmocka_unit_test(test_partial_payload_reports_length),
        cmocka_unit_test(test_extra_bytes_after_frame),
        cmocka_unit_test(test_zero_length),
        cmocka_unit_test(test_max_and_over),
        cmocka_unit_test(test_exact_size_ready),
        cmocka_unit_test(test_header_is_big_endian),
        cmocka_unit_test(test_begin_end_writes_length),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
