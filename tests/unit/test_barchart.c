/* test_barchart.c - bar charts: labels in Chinese, Arabic and Latin line up by display width,
   bars are proportional in eighths, notes start at one column, long labels are cut. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "barchart.h"
#include "width.h"

/* The chart as text, lines split into lines[] (at most 8). */
static int chart(const struct barchart_bar *b, size_t n, unsigned width, char lines[8][512])
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    barchart_print(f, b, n, width);
    fclose(f);
    int count = 0;
    for (char *save = NULL, *l = strtok_r(buf, "\n", &save); l && count < 8;
         l = strtok_r(NULL, "\n", &save))
        snprintf(lines[count++], 512, "%s", l);
    free(buf);
    return count;
}

static size_t cols(const char *s, size_t bytes)
{
    return width_str(s, bytes);
}

/* Display column where needle starts in line. */
static size_t col_of(const char *line, const char *needle)
{
    const char *p = strstr(line, needle);
    assert_non_null(p);
    return cols(line, (size_t)(p - line));
}

static size_t blocks(const char *line)
{
    size_t n = 0;
    for (const char *p = line; (p = strstr(p, "\u2588")) != NULL; p += 3)
        n++;
    return n;
}

static void test_scripts_align(void **state)
{
    (void)state;
    const struct barchart_bar b[] = {{"上海晨光文具", 40, "n1 40"},
                                     {"مؤسسة النور", 20, "n2 20"},
                                     {"Rossi", 10, "n3 10"},
                                     {"İstanbul", 0, "n4 0"}};
    char l[8][512];
    assert_int_equal(chart(b, 4, 60, l), 4);
    /* the bars start one column after the widest label (12 columns: six Chinese characters) */
    size_t bar = col_of(l[0], "\u2588");
    assert_int_equal(bar, 13);
    assert_int_equal(col_of(l[1], "\u2588"), bar);
    assert_int_equal(col_of(l[2], "\u2588"), bar);
    /* the largest fills the bar column, the others in proportion */
    size_t full = blocks(l[0]);
    assert_int_equal(full, 60 - 12 - 5 - 2);
    /* 20 of 40 in 41 columns: 20 and a half (164 eighths); 10 of 40: 10 and two eighths */
    assert_int_equal(blocks(l[1]), 20);
    assert_non_null(strstr(l[1], "\u258c"));
    assert_int_equal(blocks(l[2]), 10);
    assert_non_null(strstr(l[2], "\u258e"));
    assert_int_equal(blocks(l[3]), 0);
    /* every note starts at the same display column; Arabic is written as it came */
    size_t note = col_of(l[0], "n1 ");
    assert_int_equal(col_of(l[1], "n2 "), note);
    assert_int_equal(col_of(l[2], "n3 "), note);
    assert_int_equal(col_of(l[3], "n4 "), note);
    assert_non_null(strstr(l[1], "مؤسسة النور"));
    for (int i = 0; i < 4; i++)
        assert_true(cols(l[i], strlen(l[i])) <= 60);
}

static void test_small_and_long(void **state)
{
    (void)state;
    const struct barchart_bar b[] = {
        {"a", UINT64_MAX, NULL}, {"b", 1, NULL}, {"一个非常非常非常非常非常长的客户名称", 5, "x"}};
    char l[8][512];
    assert_int_equal(chart(b, 3, 30, l), 3);
    /* a tiny non-zero value still shows an eighth; huge values do not overflow */
    assert_non_null(strstr(l[1], "\u258f"));
    assert_true(blocks(l[0]) > 0);
    /* the long label is cut to a third of the width, with an ellipsis */
    assert_non_null(strstr(l[2], "…"));
    assert_int_equal(col_of(l[2], "\u258f"), 11);
    /* no line ends in a blank */
    for (int i = 0; i < 3; i++)
        assert_true(l[i][strlen(l[i]) - 1] != ' ');
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scripts_align),
        cmocka_unit_test(test_small_and_long),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
