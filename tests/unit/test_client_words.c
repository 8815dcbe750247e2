/* test_client_words.c - the pure parts of the client commands' words: date conveniences
   (today, tomorrow, +3d, -2w, calendar checks), timestamps to UTC, and choosing a client among
   the names a search answered (normalised exact match, single result, none, ambiguous). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "dates.h"
#include "resolve.h"

/* 2026-03-10 12:00 local time (UTC in these tests). */
static time_t noon;

static int setup(void **state)
{
    (void)state;
    setenv("TZ", "UTC", 1);
    tzset();
    struct tm tm = {.tm_year = 126, .tm_mon = 2, .tm_mday = 10, .tm_hour = 12, .tm_isdst = -1};
    noon = mktime(&tm);
    return 0;
}

static void date_is(const char *text, const char *want)
{
    char out[11];
    assert_int_equal(dates_parse_date(text, noon, out), 0);
    assert_string_equal(out, want);
}

static void test_dates(void **state)
{
    (void)state;
    char out[11];
    date_is("2026-12-01", "2026-12-01");
    date_is("today", "2026-03-10");
    date_is("tomorrow", "2026-03-11");
    date_is("yesterday", "2026-03-09");
    date_is("+3d", "2026-03-13");
    date_is("+30d", "2026-04-09");
    date_is("-10d", "2026-02-28");
    date_is("+2w", "2026-03-24");
    date_is("2028-02-29", "2028-02-29");
    assert_int_equal(dates_parse_date("2026-02-29", noon, out), -1); /* not a leap year */
    assert_int_equal(dates_parse_date("2026-13-01", noon, out), -1);
    assert_int_equal(dates_parse_date("2026-1-01", noon, out), -1);
    assert_int_equal(dates_parse_date("+3", noon, out), -1);
    assert_int_equal(dates_parse_date("+3x", noon, out), -1);
    assert_int_equal(dates_parse_date("+99999d", noon, out), -1);
    assert_int_equal(dates_parse_date("soon", noon, out), -1);
    assert_int_equal(dates_parse_date("", noon, out), -1);
}

static void ts_is(const char *text, const char *want)
{
    char out[21];
    assert_int_equal(dates_parse_timestamp(text, noon, out), 0);
    assert_string_equal(out, want);
}

static void test_timestamps(void **state)
{
    (void)state;
    char out[21];
    ts_is("now", "2026-03-10T12:00:00Z");
    ts_is("today", "2026-03-10T00:00:00Z");
    ts_is("2026-03-01 09:30", "2026-03-01T09:30:00Z");
    ts_is("2026-03-01T09:30:15", "2026-03-01T09:30:15Z");
    ts_is("2026-03-01T09:30:15Z", "2026-03-01T09:30:15Z");
    ts_is("2026-03-01T09:30:15.250+03:00", "2026-03-01T06:30:15Z");
    ts_is("2026-03-01T23:30:00-02:00", "2026-03-02T01:30:00Z");
    assert_int_equal(dates_parse_timestamp("2026-03-01 25:00", noon, out), -1);
    assert_int_equal(dates_parse_timestamp("2026-03-01T09:30+3", noon, out), -1);
    assert_int_equal(dates_parse_timestamp("yesterdayish", noon, out), -1);
}

static void test_normalise(void **state)
{
    (void)state;
    char out[128];
    resolve_normalise("  Acme   GROUP\t", out, sizeof(out));
    assert_string_equal(out, "acme group");
    resolve_normalise("上海\xE3\x80\x80大华", out, sizeof(out)); /* ideographic space */
    assert_string_equal(out, "上海 大华");
    resolve_normalise("Ünlü A.Ş.", out, sizeof(out)); /* only ASCII letters fold */
    assert_string_equal(out, "Ünlü a.Ş.");
}

static void test_choose(void **state)
{
    (void)state;
    const char *several[] = {"Acme Group", "Acme", "Acme Holdings"};
    const char *one[] = {"上海大华广告有限公司"};
    const char *twins[] = {"Nova", "nova "};
    assert_int_equal(resolve_choose("acme", several, 3), 1); /* the exact one among several */
    assert_int_equal(resolve_choose("ACME  group", several, 3), 0);
    assert_int_equal(resolve_choose("Acm", several, 3), RESOLVE_AMBIGUOUS);
    assert_int_equal(resolve_choose("上海大华", one, 1), 0); /* a single result is taken */
    assert_int_equal(resolve_choose("x", NULL, 0), RESOLVE_NONE);
    assert_int_equal(resolve_choose("NOVA", twins, 2), RESOLVE_AMBIGUOUS);
}

static void test_is_id(void **state)
{
    (void)state;
    uint64_t id = 0;
    assert_int_equal(resolve_is_id("42", &id), 1);
    assert_int_equal(id, 42);
    assert_int_equal(resolve_is_id("0", &id), 0);
    assert_int_equal(resolve_is_id("42a", &id), 0);
    assert_int_equal(resolve_is_id("99999999999999999999999", &id), 0);
    assert_int_equal(resolve_is_id("3M", &id), 0);
    assert_int_equal(resolve_is_id("", &id), 0);
}

/* Times for people: local "YYYY-MM-DD HH:MM" (Istanbul is UTC+3), due dates against today. */
static void test_shown(void **state)
{
    (void)state;
    char out[64];
    assert_int_equal(dates_show_timestamp("2026-08-23T11:01:56.27419Z", out), 0);
    assert_string_equal(out, "2026-08-23 11:01");
    setenv("TZ", "Europe/Istanbul", 1);
    tzset();
    assert_int_equal(dates_show_timestamp("2026-08-23T11:01:56.27419Z", out), 0);
    assert_string_equal(out, "2026-08-23 14:01");
    assert_int_equal(dates_show_timestamp("2026-08-23T23:30:00+02:00", out), 0);
    assert_string_equal(out, "2026-08-24 00:30");
    setenv("TZ", "UTC", 1);
    tzset();
    assert_int_equal(dates_show_timestamp("2026-08-23", out), -1);
    assert_int_equal(dates_show_timestamp("Acme 2026-08-23T11:01:56Z", out), -1);
    assert_int_equal(dates_show_timestamp("2026-08-23T11:01:56+0300", out), -1);
    assert_int_equal(dates_show_due("2026-03-10", noon, out, sizeof(out)), 0);
    assert_string_equal(out, "2026-03-10 (today)");
    assert_int_equal(dates_show_due("2026-03-11", noon, out, sizeof(out)), 0);
    assert_string_equal(out, "2026-03-11 (tomorrow)");
    assert_int_equal(dates_show_due("2026-03-12", noon, out, sizeof(out)), 0);
    assert_string_equal(out, "2026-03-12 (in 2 days)");
    assert_int_equal(dates_show_due("2026-03-09", noon, out, sizeof(out)), 0);
    assert_string_equal(out, "2026-03-09 (1 day overdue)");
    assert_int_equal(dates_show_due("2026-03-07", noon, out, sizeof(out)), 0);
    assert_string_equal(out, "2026-03-07 (3 days overdue)");
    assert_int_equal(dates_show_due("2026-02-30", noon, out, sizeof(out)), -1);
    assert_int_equal(dates_show_due("soon", noon, out, sizeof(out)), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dates),     cmocka_unit_test(test_timestamps),
        cmocka_unit_test(test_normalise), cmocka_unit_test(test_choose),
        cmocka_unit_test(test_is_id),     cmocka_unit_test(test_shown),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
