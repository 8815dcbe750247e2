/* test_period.c - the reports' period grammar: named periods against a given today (across
   year ends), quarters, months, years, days, ranges, leap years, and what it refuses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "period.h"

/* Parses text against today and checks "FROM TO". */
static void expect(const char *text, struct period_day today, const char *want)
{
    struct period p;
    char err[256], a[11], b[11], got[32];
    assert_int_equal(period_parse(text, today, &p, err, sizeof err), 0);
    snprintf(got, sizeof got, "%s %s", period_day_text(p.from, a), period_day_text(p.to, b));
    assert_string_equal(got, want);
}

static void refused(const char *text)
{
    struct period p;
    char err[256] = "";
    struct period_day today = {2026, 12, 4};
    assert_int_equal(period_parse(text, today, &p, err, sizeof err), -1);
    assert_true(strlen(err) > 0);
}

static void test_named(void **state)
{
    (void)state;
    struct period_day dec = {2026, 12, 4}, jan = {2027, 1, 31}, may = {2024, 5, 2};
    expect("this-month", dec, "2026-12-01 2026-12-31");
    expect("last-month", dec, "2026-11-01 2026-11-30");
    expect("next-month", dec, "2027-01-01 2027-01-31");
    expect("last-month", jan, "2026-12-01 2026-12-31");
    expect("this-quarter", dec, "2026-10-01 2026-12-31");
    expect("last-quarter", jan, "2026-10-01 2026-12-31");
    expect("next-quarter", dec, "2027-01-01 2027-03-31");
    expect("this-quarter", may, "2024-04-01 2024-06-30");
    expect("this-year", may, "2024-01-01 2024-12-31");
    expect("last-year", jan, "2026-01-01 2026-12-31");
    expect("last-month", (struct period_day){2024, 3, 31}, "2024-02-01 2024-02-29");
}

static void test_literal(void **state)
{
    (void)state;
    struct period_day t = {2026, 12, 4};
    expect("2026-Q3", t, "2026-07-01 2026-09-30");
    expect("2026-q1", t, "2026-01-01 2026-03-31");
    expect("2025-02", t, "2025-02-01 2025-02-28");
    expect("2028-02", t, "2028-02-01 2028-02-29");
    expect("2026", t, "2026-01-01 2026-12-31");
    expect("2026-09-15", t, "2026-09-15 2026-09-15");
    expect("2026-Q1..2026-Q2", t, "2026-01-01 2026-06-30");
    expect("2026-03-10..this-month", t, "2026-03-10 2026-12-31");
}

static void test_month(void **state)
{
    (void)state;
    struct period p;
    char err[128];
    struct period_day t = {2026, 12, 4};
    assert_int_equal(period_parse("2026-02", t, &p, err, sizeof err), 0);
    assert_true(period_is_month(&p));
    assert_int_equal(period_parse("this-quarter", t, &p, err, sizeof err), 0);
    assert_false(period_is_month(&p));
    assert_int_equal(period_parse("2026-02-01..2026-02-28", t, &p, err, sizeof err), 0);
    assert_true(period_is_month(&p));
}

static void test_refused(void **state)
{
    (void)state;
    refused("");
    refused("last-week");
    refused("2026-Q5");
    refused("2026-Q0");
    refused("2026-13");
    refused("2026-00");
    refused("2025-02-29");
    refused("2026-04-31");
    refused("1999");
    refused("26-01");
    refused("2026-1");
    refused("2026-01-1");
    refused("2026-01-01x");
    refused("2026-12..2026-01");
    refused("2026..");
    refused("..2026");
    refused("this-month ");
    refused("２０２６");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_named),
        cmocka_unit_test(test_literal),
        cmocka_unit_test(test_month),
        cmocka_unit_test(test_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
