/* dates.c - date and timestamp conveniences of the command line, converted client-side. */
#include "dates.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DATES_MAX_DAYS 3650

static bool leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int month_days(int y, int m)
{
    static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && leap(y) ? 29 : d[m - 1];
}

/* Reads exactly n decimal digits from s into *v. */
static bool digits(const char *s, int n, int *v)
{
    int x = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        x = x * 10 + (s[i] - '0');
    }
    *v = x;
    return true;
}

/* "YYYY-MM-DD" at the start of s (a real calendar day); true with the parts. */
static bool ymd(const char *s, int *y, int *m, int *d)
{
    if (!digits(s, 4, y) || s[4] != '-' || !digits(s + 5, 2, m) || s[7] != '-' ||
        !digits(s + 8, 2, d))
        return false;
    return *y >= 1 && *m >= 1 && *m <= 12 && *d >= 1 && *d <= month_days(*y, *m);
}

/* Writes "YYYY-MM-DD" (years 1..9999) into out; -1 outside that range. */
static int put_ymd(char out[11], int y, int m, int d)
{
    char tmp[48];
    if (y < 1 || y > 9999)
        return -1;
    snprintf(tmp, sizeof(tmp), "%04d-%02d-%02d", y, m, d);
    memcpy(out, tmp, 11);
    return 0;
}

/* "+3d" / "-2w" / "today"... as a day offset; true when text is one of them. */
static bool relative_days(const char *text, long *days)
{
    if (strcmp(text, "today") == 0)
        return *days = 0, true;
    if (strcmp(text, "tomorrow") == 0)
        return *days = 1, true;
    if (strcmp(text, "yesterday") == 0)
        return *days = -1, true;
    if ((text[0] != '+' && text[0] != '-') || text[1] < '0' || text[1] > '9')
        return false;
    char *end;
    long n = strtol(text + 1, &end, 10);
    long unit = *end == 'd' ? 1 : *end == 'w' ? 7 : 0;
    if (!unit || end[1] != '\0' || n > DATES_MAX_DAYS / unit)
        return false;
    *days = (text[0] == '-' ? -n : n) * unit;
    return true;
}

int dates_parse_date(const char *text, time_t now, char out[11])
{
    int y, m, d;
    long days;
    if (strlen(text) == 10 && ymd(text, &y, &m, &d)) {
        return put_ymd(out, y, m, d);
    }
    if (!relative_days(text, &days))
        return -1;
    struct tm tm;
    localtime_r(&now, &tm);
    tm.tm_mday += (int)days;
    tm.tm_hour = 12; /* noon: a daylight-saving change never moves the day */
    tm.tm_min = tm.tm_sec = 0;
    tm.tm_isdst = -1;
    if (mktime(&tm) == (time_t)-1)
        return -1;
    return put_ymd(out, tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

/* Days since 1970-01-01 of a proleptic Gregorian date (no time zone involved). */
static long days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void put_utc(time_t t, char out[21])
{
    struct tm tm;
    char tmp[96];
    gmtime_r(&t, &tm);
    snprintf(tmp, sizeof(tmp), "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1,
             tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
    snprintf(out, 21, "%.20s", tmp);
}

/* "HH:MM[:SS]" at s; returns the characters read (5 or 8), 0 when not a time. */
static size_t hms(const char *s, int *h, int *mi, int *sec)
{
    *sec = 0;
    if (!digits(s, 2, h) || s[2] != ':' || !digits(s + 3, 2, mi) || *h > 23 || *mi > 59)
        return 0;
    if (s[5] != ':')
        return 5;
    if (!digits(s + 6, 2, sec) || *sec > 60)
        return 0;
    return 8;
}

/* "Z" or "+HH:MM"/"-HH:MM" ending a timestamp, as seconds east of UTC; false otherwise. */
static bool zone_offset(const char *zone, long *offset)
{
    int oh, om;
    if ((zone[0] == 'Z' || zone[0] == 'z') && zone[1] == '\0') {
        *offset = 0;
        return true;
    }
    if ((zone[0] != '+' && zone[0] != '-') || strlen(zone) != 6 || zone[3] != ':' ||
        !digits(zone + 1, 2, &oh) || !digits(zone + 4, 2, &om) || oh > 23 || om > 59)
        return false;
    *offset = (zone[0] == '-' ? -1 : 1) * (oh * 3600L + om * 60L);
    return true;
}

/* Local wall-clock time to time_t; -1 when it does not exist. */
static time_t local_time(int y, int m, int d, int h, int mi, int sec)
{
    struct tm tm = {.tm_year = y - 1900,
                    .tm_mon = m - 1,
                    .tm_mday = d,
                    .tm_hour = h,
                    .tm_min = mi,
                    .tm_sec = sec,
                    .tm_isdst = -1};
    return mktime(&tm);
}

int dates_parse_timestamp(const char *text, time_t now, char out[21])
{
    int y, m, d, h, mi, sec;
    char day[11];
    if (strcmp(text, "now") == 0) {
        put_utc(now, out);
        return 0;
    }
    if (dates_parse_date(text, now, day) == 0) {
        ymd(day, &y, &m, &d);
        time_t t = local_time(y, m, d, 0, 0, 0);
        if (t == (time_t)-1)
            return -1;
        put_utc(t, out);
        return 0;
    }
    if (strlen(text) < 16 || !ymd(text, &y, &m, &d) || (text[10] != 'T' && text[10] != ' '))
        return -1;
    size_t used = hms(text + 11, &h, &mi, &sec);
    if (!used)
        return -1;
    const char *zone = text + 11 + used;
    if (*zone == '.') /* fractions of a second are dropped */
        for (zone++; *zone >= '0' && *zone <= '9'; zone++)
            ;
    if (*zone == '\0') {
        time_t t = local_time(y, m, d, h, mi, sec);
        if (t == (time_t)-1)
            return -1;
        put_utc(t, out);
        return 0;
    }
    long offset = 0;
    if (!zone_offset(zone, &offset))
        return -1;
    long long t =
        (long long)days_from_civil(y, m, d) * 86400LL + h * 3600LL + mi * 60LL + sec - offset;
    put_utc((time_t)t, out);
    return 0;
}

/* ---- display ---- */

/* Reads an RFC 3339 timestamp (Z or an offset, fractions ignored) into *t; false if not one. */
static bool parse_rfc3339(const char *s, time_t *t)
{
    int y, m, d, h, mi, sec;
    size_t len = strlen(s);
    if (len < 20 || !ymd(s, &y, &m, &d) || (s[10] != 'T' && s[10] != 't'))
        return false;
    size_t used = hms(s + 11, &h, &mi, &sec);
    if (used != 8)
        return false;
    const char *zone = s + 19;
    if (*zone == '.')
        for (zone++; *zone >= '0' && *zone <= '9'; zone++)
            ;
    long offset = 0;
    if (!zone_offset(zone, &offset))
        return false;
    *t = (time_t)((long long)days_from_civil(y, m, d) * 86400LL + h * 3600LL + mi * 60LL + sec -
                  offset);
    return true;
}

int dates_show_timestamp(const char *text, char out[17])
{
    time_t t;
    struct tm tm;
    char tmp[64];
    if (!parse_rfc3339(text, &t) || !localtime_r(&t, &tm))
        return -1;
    snprintf(tmp, sizeof(tmp), "%04d-%02d-%02d %02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1,
             tm.tm_mday, tm.tm_hour, tm.tm_min);
    snprintf(out, 17, "%.16s", tmp);
    return 0;
}

int dates_show_due(const char *text, time_t now, char *out, size_t outlen)
{
    int y, m, d;
    struct tm tm;
    if (strlen(text) != 10 || !ymd(text, &y, &m, &d) || !localtime_r(&now, &tm))
        return -1;
    long days =
        days_from_civil(y, m, d) - days_from_civil(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
    if (days == 0)
        snprintf(out, outlen, "%s (today)", text);
    else if (days == 1)
        snprintf(out, outlen, "%s (tomorrow)", text);
    else if (days > 1)
        snprintf(out, outlen, "%s (in %ld days)", text, days);
    else
        snprintf(out, outlen, "%s (%ld day%s overdue)", text, -days, days == -1 ? "" : "s");
    return 0;
}
