/*
 * test_utf8.c - unit tests of the strict UTF-8 validator and code point counter.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "proto.h"

static bool valid(const char *s)
{
    return proto_utf8_valid(s, strlen(s));
}

static bool valid_bytes(const uint8_t *b, size_t n)
{
    return proto_utf8_valid((const char *)b, n);
}

static void test_valid_scripts(void **state)
{
    assert_true(valid(""));
    assert_true(valid("plain ASCII, 0-9 ~"));
    assert_true(valid("上海数字营销"));                    /* Chinese */
    assert_true(valid("وكالة دبي للإعلان"));               /* Arabic */
    assert_true(valid("emoji \xf0\x9f\x98\x80 ok"));       /* U+1F600, four bytes */
    assert_true(valid("Cafe\xcc\x81 and e\xcc\x88"));      /* combining acute / diaeresis */
    assert_true(valid("\xef\xbb\xbf BOM is a character")); /* U+FEFF */
    assert_true(valid("\xc2\x80 \xdf\xbf \xe0\xa0\x80 \xef\xbf\xbf")); /* boundaries */
    assert_true(valid("\xf0\x90\x80\x80 \xf4\x8f\xbf\xbf"));           /* U+10000, U+10FFFF */
    assert_true(valid("\xed\x9f\xbf \xee\x80\x80")); /* U+D7FF, U+E000 around surrogates */
}

static void test_counts_code_points(void **state)
{
    const char *zh = "上海数字营销";
    assert_int_equal(proto_utf8_chars(zh, strlen(zh)), 6);
    const char *ar = "دبي";
    assert_int_equal(proto_utf8_chars(ar, strlen(ar)), 3);
    const char *comb = "e\xcc\x81";
    assert_int_equal(proto_utf8_chars(comb, strlen(comb)), 2);
    const char *emoji = "\xf0\x9f\x98\x80!";
    assert_int_equal(proto_utf8_chars(emoji, strlen(emoji)), 2);
    assert_int_equal(proto_utf8_chars("abc", 3), 3);
    assert_int_equal(proto_utf8_chars("", 0), 0);
}

static void test_nul_refused(void **state)
{
    const uint8_t b[] = {'a', 0x00, 'b'};
    assert_false(valid_bytes(b, sizeof b));
    const uint8_t nul_only[] = {0x00};
    assert_false(valid_bytes(nul_only, 1));
    /* overlong NUL (modified UTF-8) too */
    const uint8_t overlong_nul[] = {0xc0, 0x80};
    assert_false(valid_bytes(overlong_nul, 2));
}

static void test_overlongs_refused(void **state)
{
    const uint8_t two[] = {0xc1, 0xbf};              /* '\x7f' in two bytes */
    const uint8_t three[] = {0xe0, 0x9f, 0xbf};      /* U+07FF in three bytes */
    const uint8_t four[] = {0xf0, 0x8f, 0xbf, 0xbf}; /* U+FFFF in four bytes */
    const uint8_t slash[] = {0xe0, 0x80, 0xaf};      /* '/' in three bytes */
    assert_false(valid_bytes(two, sizeof two));
    assert_false(valid_bytes(three, sizeof three));
    assert_false(valid_bytes(four, sizeof four));
    assert_false(valid_bytes(slash, sizeof slash));
}

static void test_surrogates_refused(void **state)
{
    const uint8_t lo[] = {0xed, 0xa0, 0x80};                     /* U+D800 */
    const uint8_t hi[] = {0xed, 0xbf, 0xbf};                     /* U+DFFF */
    const uint8_t pair[] = {0xed, 0xa0, 0xbd, 0xed, 0xb8, 0x80}; /* CESU-8 emoji */
    assert_false(valid_bytes(lo, sizeof lo));
    assert_false(valid_bytes(hi, sizeof hi));
    assert_false(valid_bytes(pair, sizeof pair));
}

static void test_above_max_refused(void **state)
{
    const uint8_t above[] = {0xf4, 0x90, 0x80, 0x80}; /* U+110000 */
    const uint8_t f5[] = {0xf5, 0x80, 0x80, 0x80};
    const uint8_t f8[] = {0xf8, 0x88, 0x80, 0x80, 0x80}; /* old 5-byte form */
    const uint8_t ff[] = {0xff};
    assert_false(valid_bytes(above, sizeof above));
    assert_false(valid_bytes(f5, sizeof f5));
    assert_false(valid_bytes(f8, sizeof f8));
    assert_false(valid_bytes(ff, sizeof ff));
}

static void test_broken_sequences_refused(void **state)
{
    const uint8_t lone_cont[] = {'a', 0x80, 'b'};
    const uint8_t truncated2[] = {'a', 0xc3};
    const uint8_t truncated3[] = {0xe4, 0xb8};
    const uint8_t truncated4[] = {0xf0, 0x9f, 0x98};
    const uint8_t bad_cont[] = {0xe4, 0x41, 0x8a};  /* second byte not a continuation */
    const uint8_t bad_third[] = {0xe4, 0xb8, 0xc0}; /* third byte not a continuation */
    const uint8_t bad_fourth[] = {0xf0, 0x9f, 0x98, 0x20};
    assert_false(valid_bytes(lone_cont, sizeof lone_cont));
    assert_false(valid_bytes(truncated2, sizeof truncated2));
    assert_false(valid_bytes(truncated3, sizeof truncated3));
    assert_false(valid_bytes(truncated4, sizeof truncated4));
    assert_false(valid_bytes(bad_cont, sizeof bad_cont));
    assert_false(valid_bytes(bad_third, sizeof bad_third));
    assert_false(valid_bytes(bad_fourth, sizeof bad_fourth));
}

static void test_length_is_respected(void **state)
{
    /* only the first len bytes count: a valid prefix of a longer buffer is valid */
    const char *s = "ab\xff";
    assert_true(proto_utf8_valid(s, 2));
    assert_false(proto_utf8_valid(s, 3));
    /* cutting a multi-byte character in half makes it invalid */
    const char *zh = "上";
    assert_false(proto_utf8_valid(zh, 2));
    assert_true(proto_utf8_valid(zh, 3));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_scripts),
        cmocka_unit_test(test_counts_code_points),
        cmocka_unit_test(test_nul_refused),
        cmocka_unit_test(test_overlongs_refused),
        cmocka_unit_test(test_surrogates_refused),
        cmocka_unit_test(test_above_max_refused),
        cmocka_unit_test(test_broken_sequences_refused),
        cmocka_unit_test(test_length_is_respected),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
