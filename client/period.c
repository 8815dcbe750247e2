/* period.c - the reports' period grammar (period.h): named periods relative to today, quarters,
   months, years and days, and ranges of them. */
#include "period.h"

#include <stdio.h>
#include <string.h>

#define YEAR_MIN 2000
#define YEAR_MAX 9999

static const char period_forms[] =
    "a period is this-month, last-month, next-month, this-quarter, last-quarter, this-year, "
    "last-year, YYYY-QN, YYYY-MM, YYYY, YYYY-MM-DD, or FROM..TO of those";

int period_days_in_month(int y, int m)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : days[m - 1];
}

/* The months [m0, m0 + n) of year y (m0 may be out of 1..12: the year moves). */
static struct period months(int y, int m0, int n)
{
    int first = y * 12 + (m0 - 1), last = first + n - 1;
    struct period p = {{first / 12, first % 12 + 1, 1}, {last / 12, last % 12 + 1, 0}};
    p.to.d = period_days_in_month(p.to.y, p.to.m);
    return p;
}

/* Exactly `digits` decimal digits at s; the value, or -1. */
static int number(const char *s, size_t len, size_t digits)
{
    if (len != digits)
        return -1;
    int v = 0;
    for (size_t i = 0; i < digits; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

/* One period without "..": 0, or -1. */
static int parse_one(const char *s, size_t len, struct period_day today, struct period *out)
{
    static const struct {
        const char *name;
        int month_offset; /* from the first month of this month/quarter/year */
        int unit;         /* months in the unit: 1, 3, 12 */
    } named[] = {{"this-month", 0, 1},   {"last-month", -1, 1},   {"next-month", 1, 1},
                 {"this-quarter", 0, 3}, {"last-quarter", -3, 3}, {"next-quarter", 3, 3},
                 {"this-year", 0, 12},   {"last-year", -12, 12}};
    for (size_t i = 0; i < sizeof named / sizeof named[0]; i++) {
        if (strlen(named[i].name) == len && memcmp(s, named[i].name, len) == 0) {
            int unit = named[i].unit, start = (today.m - 1) / unit * unit + 1;
            *out = months(today.y, start + named[i].month_offset, unit);
            return 0;
        }
    }
    int y = number(s, len < 4 ? len : 4, 4);
    if (y < YEAR_MIN || y > YEAR_MAX)
        return -1;
    if (len == 4) {
        *out = months(y, 1, 12);
        return 0;
    }
    if (s[4] != '-')
        return -1;
    if (len == 7 && (s[5] == 'Q' || s[5] == 'q') && s[6] >= '1' && s[6] <= '4') {
        *out = months(y, (s[6] - '1') * 3 + 1, 3);
        return 0;
    }
    int m = number(s + 5, len < 7 ? 0 : 2, 2);
    if (m < 1 || m > 12)
        return -1;
    if (len == 7) {
        *out = months(y, m, 1);
        return 0;
    }
    if (len != 10 || s[7] != '-')
        return -1;
    int d = number(s + 8, 2, 2);
    if (d < 1 || d > period_days_in_month(y, m))
        return -1;
    out->from = out->to = (struct period_day){y, m, d};
    return 0;
}

static long day_key(struct period_day d)
{
    return (long)d.y * 10000 + d.m * 100 + d.d;
}

int period_parse(const char *text, struct period_day today, struct period *out, char *err,
                 size_t errlen)
{
    size_t len = text ? strlen(text) : 0;
    const char *dots = text ? strstr(text, "..") : NULL;
    struct period a, b;
    int rc;
    if (dots) {
        rc = parse_one(text, (size_t)(dots - text), today, &a) |
             parse_one(dots + 2, len - (size_t)(dots - text) - 2, today, &b);
        if (rc == 0 && day_key(b.to) < day_key(a.from)) {
            snprintf(err, errlen, "\"%s\" ends before it starts", text);
            return -1;
        }
        a.to = b.to;
    } else {
        rc = len ? parse_one(text, len, today, &a) : -1;
    }
    if (rc != 0) {
        snprintf(err, errlen, "\"%.40s\" is not a period: %s", text ? text : "", period_forms);
        return -1;
    }
    *out = a;
    return 0;
}

bool period_is_month(const struct period *p)
{
    return p->from.y == p->to.y && p->from.m == p->to.m && p->from.d == 1 &&
           p->to.d == period_days_in_month(p->to.y, p->to.m);
}

const char *period_day_text(struct period_day d, char out[11])
{
    unsigned y = (unsigned)d.y % 10000u, m = (unsigned)d.m % 100u, day = (unsigned)d.d % 100u;
    const unsigned v[8] = {y / 1000, y / 100 % 10, y / 10 % 10, y % 10,
                           m / 10,   m % 10,       day / 10,    day % 10};
    static const int at[8] = {0, 1, 2, 3, 5, 6, 8, 9};
    memcpy(out, "0000-00-00", 11);
    for (int i = 0; i < 8; i++)
        out[at[i]] = (char)('0' + v[i]);
    return out;
}
