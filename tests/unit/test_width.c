/* test_width.c - display widths: ASCII, Chinese double, combining marks zero, Arabic intact,
   emoji, controls escaped, invalid bytes, and decoding that never cuts a character. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "width.h"

static size_t w(const char *s)
{
    return width_str(s, strlen(s));
}

static void test_ascii(void **state)
{
    (void)state;
    assert_int_equal(w(""), 0);
    assert_int_equal(w("li.wei"), 6);
    assert_int_equal(width_cp('A'), 1);
    assert_int_equal(width_cp(' '), 1);
}

static void test_chinese(void **state)
{
    (void)state;
    assert_int_equal(w("李伟"), 4);
    assert_int_equal(w("上海数字"), 8);
    assert_int_equal(w("张敏 Zhang"), 4 + 1 + 5);
    assert_int_equal(width_cp(0x4E2D), 2);  /* 中 */
    assert_int_equal(width_cp(0xFF21), 2);  /* fullwidth A */
    assert_int_equal(width_cp(0x20000), 2); /* CJK extension B */
    assert_int_equal(width_cp(0xAC00), 2);  /* Hangul syllable */
}

static void test_combining(void **state)
{
    (void)state;
    assert_int_equal(w("e\xCC\x81"), 1);    /* e + U+0301 */
    assert_int_equal(w("Cafe\xCC\x81"), 4); /* Café, decomposed */
    assert_int_equal(width_cp(0x0301), 0);  /* combining acute */
    assert_int_equal(width_cp(0x20DD), 0);  /* combining enclosing circle (Me) */
    assert_int_equal(width_cp(0x200D), 0);  /* zero width joiner */
    assert_int_equal(width_cp(0x200C), 0);  /* zero width non-joiner */
    assert_int_equal(width_cp(0xFE0F), 0);  /* variation selector 16 */
    assert_int_equal(width_cp(0xE0100), 0); /* variation selector 17 */
    assert_int_equal(width_cp(0x064E), 0);  /* Arabic fatha */
    assert_int_equal(w("\xE2\x80\x8B"), 0); /* zero width space */
}

static void test_arabic(void **state)
{
    (void)state;
    /* each Arabic letter one column, nothing reordered or dropped */
    assert_int_equal(w("مرحبا"), 5);
    assert_int_equal(w("ليلى منصور"), 10);
    assert_int_equal(w("دبي"), 3);
    /* with a vowel mark: still the letters' columns */
    assert_int_equal(w("مَرحبا"), 5);
}

static void test_turkish(void **state)
{
    (void)state;
    assert_int_equal(w("İstanbul Şubesi"), 15);
    assert_int_equal(w("ğüşıöç"), 6);
}

static void test_emoji(void **state)
{
    (void)state;
    assert_int_equal(width_cp(0x1F600), 2);
    assert_int_equal(w("\xF0\x9F\x98\x80"), 2);
    assert_int_equal(w("ok \xE2\x9C\x85"), 3 + 2); /* U+2705 white heavy check mark */
}

static void test_controls(void **state)
{
    (void)state;
    char esc[8];
    assert_int_equal(width_cp('\n'), -1);
    assert_int_equal(width_cp(0x1B), -1);
    assert_int_equal(width_cp(0x7F), -1);
    assert_int_equal(width_cp(0x9B), -1);
    assert_int_equal(width_escape('\n', esc), 2);
    assert_string_equal(esc, "\\n");
    assert_int_equal(width_escape(0x1B, esc), 4);
    assert_string_equal(esc, "\\x1b");
    assert_int_equal(w("a\nb"), 4);     /* a \n b */
    assert_int_equal(w("\x1b[31m"), 8); /* \x1b (4) [31m (4) */
}

static void test_decode(void **state)
{
    (void)state;
    uint32_t cp;
    assert_int_equal(width_decode("\xE4\xB8\xAD", 3, &cp), 3);
    assert_int_equal(cp, 0x4E2D);
    /* truncated sequence: one byte, replacement */
    assert_int_equal(width_decode("\xE4\xB8", 2, &cp), 1);
    assert_int_equal(cp, WIDTH_INVALID);
    /* overlong and surrogate refused */
    assert_int_equal(width_decode("\xC0\xAF", 2, &cp), 1);
    assert_int_equal(cp, WIDTH_INVALID);
    assert_int_equal(width_decode("\xED\xA0\x80", 3, &cp), 1);
    assert_int_equal(cp, WIDTH_INVALID);
    assert_int_equal(w("\xFF\xFE"), 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ascii),     cmocka_unit_test(test_chinese),
        cmocka_unit_test(test_combining), cmocka_unit_test(test_arabic),
        cmocka_unit_test(test_turkish),   cmocka_unit_test(test_emoji),
        cmocka_unit_test(test_controls),  cmocka_unit_test(test_decode),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
