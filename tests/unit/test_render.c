/* test_render.c - the table printer: aligned layout with Chinese, Arabic, Turkish and combining
   marks, expanded view and its automatic switch, CSV quoting, JSON escaping and typing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "render.h"

/* Prints t with opts into a fresh string (caller frees). */
static char *print_to_string(const struct render_table *t, const struct render_opts *o)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    assert_int_equal(render_table_print(t, o, f), 0);
    fclose(f);
    return buf;
}

/* id | name | city with Chinese, Arabic, Turkish and a decomposed "Café". */
static struct render_table *staff_table(void)
{
    struct render_table *t = render_table_new(3);
    assert_non_null(t);
    render_table_header(t, 0, "id");
    render_table_header(t, 1, "name");
    render_table_header(t, 2, "city");
    const char *rows[][3] = {{"1", "李伟", "İstanbul Şubesi"},
                             {"2", "ليلى منصور", "Dubai"},
                             {"3", "Cafe\xCC\x81", "Milano"}};
    for (size_t r = 0; r < 3; r++) {
        render_table_add(t, RK_NUMBER, rows[r][0]);
        render_table_add(t, RK_TEXT, rows[r][1]);
        render_table_add(t, RK_TEXT, rows[r][2]);
    }
    return t;
}

static void test_aligned(void **state)
{
    (void)state;
    struct render_table *t = staff_table();
    struct render_opts o = {.format = RENDER_TABLE, .term_width = 80};
    char *out = print_to_string(t, &o);
    assert_string_equal(out, " id |    name    |      city\n"
                             "----+------------+-----------------\n"
                             "  1 | 李伟       | İstanbul Şubesi\n"
                             "  2 | ليلى منصور | Dubai\n"
                             "  3 | Cafe\xCC\x81       | Milano\n"
                             "(3 rows)\n");
    assert_int_equal(render_table_width(t), 35);
    free(out);
    render_table_free(t);
}

static const char expanded_staff[] = "-[ RECORD 1 ]---------\n"
                                     "id   | 1\n"
                                     "name | 李伟\n"
                                     "city | İstanbul Şubesi\n"
                                     "-[ RECORD 2 ]---------\n"
                                     "id   | 2\n"
                                     "name | ليلى منصور\n"
                                     "city | Dubai\n"
                                     "-[ RECORD 3 ]---------\n"
                                     "id   | 3\n"
                                     "name | Cafe\xCC\x81\n"
                                     "city | Milano\n";

static void test_expanded_switch(void **state)
{
    (void)state;
    struct render_table *t = staff_table();
    struct render_opts o = {.format = RENDER_TABLE, .term_width = 35};
    char *out = print_to_string(t, &o);
    assert_non_null(strstr(out, "----+----")); /* fits exactly: aligned */
    assert_non_null(strstr(out, "| İstanbul Şubesi\n"));
    free(out);
    o.term_width = 34; /* one column short: the widest text is cut, between characters */
    out = print_to_string(t, &o);
    assert_string_equal(out, " id |    name    |      city\n"
                             "----+------------+----------------\n"
                             "  1 | 李伟       | İstanbul Şube…\n"
                             "  2 | ليلى منصور | Dubai\n"
                             "  3 | Cafe\xCC\x81       | Milano\n"
                             "(3 rows)\n");
    free(out);
    o.term_width = 30; /* every text column at its narrowest (10) still fits */
    out = print_to_string(t, &o);
    assert_non_null(strstr(out, "| İstanbul…\n"));
    free(out);
    o.term_width = 29; /* a record would not fit in a row: one block per record */
    out = print_to_string(t, &o);
    assert_string_equal(out, expanded_staff);
    free(out);
    o.term_width = 0; /* unknown width (not a terminal): never switches, nothing cut */
    out = print_to_string(t, &o);
    assert_non_null(strstr(out, "(3 rows)"));
    assert_non_null(strstr(out, "İstanbul Şubesi"));
    free(out);
    o.expand = RENDER_EXPAND_ON;
    out = print_to_string(t, &o);
    assert_string_equal(out, expanded_staff);
    free(out);
    o.expand = RENDER_EXPAND_OFF; /* never records, even where they would fit better */
    o.term_width = 20;
    out = print_to_string(t, &o);
    assert_non_null(strstr(out, "----+----"));
    free(out);
    render_table_free(t);
}

/* Priorities: the highest number goes first, before any text is cut; 1 is never hidden. */
static void test_priorities(void **state)
{
    (void)state;
    struct render_table *t = staff_table();
    render_table_priority(t, 0, 1);
    render_table_priority(t, 1, 1);
    render_table_priority(t, 2, 3);
    struct render_opts o = {.format = RENDER_TABLE, .term_width = 34};
    char *out = print_to_string(t, &o);
    assert_string_equal(out, " id |    name\n"
                             "----+------------\n"
                             "  1 | 李伟\n"
                             "  2 | ليلى منصور\n"
                             "  3 | Cafe\xCC\x81\n"
                             "(3 rows)\n"
                             "(not shown: city; \\x shows them)\n");
    free(out);
    render_table_free(t);
}

/* A cut never splits a wide character or leaves a combining mark behind its letter. */
static void test_cut_characters(void **state)
{
    (void)state;
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    const char *zh = "北京广告有限公司", *cafe = "Cafe\xCC\x81 Cafe\xCC\x81";
    assert_int_equal(render_text_cut(f, zh, strlen(zh), 8), 7); /* a 4th would need 9 */
    fputc('|', f);
    assert_int_equal(render_text_cut(f, zh, strlen(zh), 9), 9);
    fputc('|', f);
    assert_int_equal(render_text_cut(f, cafe, strlen(cafe), 5), 5);
    fputc('|', f);
    assert_int_equal(render_text_cut(f, zh, strlen(zh), 16), 16); /* fits: whole */
    fclose(f);
    assert_string_equal(buf, "北京广…|北京广告…|Cafe\xCC\x81…|北京广告有限公司");
    free(buf);
}

static void test_single_record(void **state)
{
    (void)state;
    struct render_table *t = render_table_new(2);
    render_table_header(t, 0, "username");
    render_table_header(t, 1, "team_id");
    render_table_single(t, true);
    render_table_add(t, RK_TEXT, "zhang.min");
    render_table_add(t, RK_NULL, NULL);
    struct render_opts o = {.format = RENDER_TABLE, .term_width = 80};
    char *out = print_to_string(t, &o);
    assert_string_equal(out, "username | zhang.min\n"
                             "team_id  |\n"); /* no blank at the end of a line */
    free(out);
    o.format = RENDER_JSON;
    out = print_to_string(t, &o);
    assert_string_equal(out, "{\"username\":\"zhang.min\",\"team_id\":null}\n");
    free(out);
    render_table_free(t);
}

static void test_controls_escaped(void **state)
{
    (void)state;
    struct render_table *t = render_table_new(1);
    render_table_header(t, 0, "note");
    render_table_add(t, RK_TEXT, "a\x1b[2Jb\nc");
    struct render_opts o = {.format = RENDER_TABLE};
    char *out = print_to_string(t, &o);
    assert_null(strchr(out, 0x1b)); /* no terminal escape reaches the screen */
    assert_string_equal(out, "     note\n"
                             "--------------\n"
                             " a\\x1b[2Jb\\nc\n"
                             "(1 row)\n");
    free(out);
    render_table_free(t);
}

static void test_colour(void **state)
{
    (void)state;
    struct render_table *t = render_table_new(1);
    render_table_header(t, 0, "id");
    render_table_add(t, RK_NUMBER, "7");
    struct render_opts o = {.format = RENDER_TABLE, .colour = true};
    char *out = print_to_string(t, &o);
    assert_string_equal(out, " \033[1mid\033[0m\n----\n  7\n(1 row)\n");
    free(out);
    render_table_free(t);
}

static void test_csv(void **state)
{
    (void)state;
    struct render_table *t = render_table_new(3);
    render_table_header(t, 0, "id");
    render_table_header(t, 1, "name");
    render_table_header(t, 2, "note");
    render_table_add(t, RK_NUMBER, "1");
    render_table_add(t, RK_TEXT, "Rossi, Giulia");
    render_table_add(t, RK_TEXT, "said \"ciao\"");
    render_table_add(t, RK_NUMBER, "2");
    render_table_add(t, RK_TEXT, "张敏");
    render_table_add(t, RK_TEXT, "two\nlines");
    render_table_add(t, RK_NUMBER, "3");
    render_table_add(t, RK_NULL, NULL);
    render_table_add(t, RK_TEXT, "plain");
    struct render_opts o = {.format = RENDER_CSV};
    char *out = print_to_string(t, &o);
    assert_string_equal(out, "id,name,note\n"
                             "1,\"Rossi, Giulia\",\"said \"\"ciao\"\"\"\n"
                             "2,张敏,\"two\nlines\"\n"
                             "3,,plain\n");
    free(out);
    render_table_free(t);
}

static void test_json(void **state)
{
    (void)state;
    struct render_table *t = render_table_new(4);
    render_table_header(t, 0, "id");
    render_table_header(t, 1, "name");
    render_table_header(t, 2, "active");
    render_table_header(t, 3, "team_id");
    render_table_add(t, RK_NUMBER, "12");
    render_table_add(t, RK_TEXT, "q\"b\\s\n\t\x01 ليلى 李");
    render_table_add(t, RK_BOOL, "true");
    render_table_add(t, RK_NULL, NULL);
    render_table_add(t, RK_NUMBER, "13");
    render_table_add(t, RK_TEXT, "bad \xFF byte");
    render_table_add(t, RK_BOOL, "false");
    render_table_add(t, RK_JSON, "[1,2]");
    struct render_opts o = {.format = RENDER_JSON};
    char *out = print_to_string(t, &o);
    assert_string_equal(out, "[{\"id\":12,\"name\":\"q\\\"b\\\\s\\n\\t\\u0001 ليلى 李\","
                             "\"active\":true,\"team_id\":null},"
                             "{\"id\":13,\"name\":\"bad \\ufffd byte\",\"active\":false,"
                             "\"team_id\":[1,2]}]\n");
    free(out);
    render_table_free(t);
}

static void test_empty(void **state)
{
    (void)state;
    struct render_table *t = render_table_new(2);
    render_table_header(t, 0, "id");
    render_table_header(t, 1, "name");
    struct render_opts o = {.format = RENDER_TABLE};
    char *out = print_to_string(t, &o);
    assert_string_equal(out, " id | name\n----+------\n(0 rows)\n");
    free(out);
    o.format = RENDER_JSON;
    out = print_to_string(t, &o);
    assert_string_equal(out, "[]\n");
    free(out);
    render_table_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_aligned),       cmocka_unit_test(test_expanded_switch),
        cmocka_unit_test(test_priorities),    cmocka_unit_test(test_cut_characters),
        cmocka_unit_test(test_single_record), cmocka_unit_test(test_controls_escaped),
        cmocka_unit_test(test_colour),        cmocka_unit_test(test_csv),
        cmocka_unit_test(test_json),          cmocka_unit_test(test_empty),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
