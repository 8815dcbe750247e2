/* period.h - the period grammar of the reports' --month, --from and --to: "this-month",
   "last-month", "next-month", "this-quarter", "last-quarter", "this-year", "last-year",
   "2026-Q3", "2026-09", "2026", "2026-09-15", and "A..B" (from the start of A to the end of B).
   Pure functions over a given today; no clock, no time zone. */
#ifndef AGENCY_PERIOD_H
#define AGENCY_PERIOD_H

#include <stdbool.h>
#include <stddef.h>

/* A calendar day. */
struct period_day {
    int y, m, d;
};

/* Inclusive first and last day. */
struct period {
    struct period_day from, to;
};

/* Parses text (NUL-ended) against today into *out. Returns 0, or -1 with a message for people
   in err (the forms it accepts). Years run 2000..9999; dates must be real calendar days; in
   "A..B" B may not end before A starts. */
int period_parse(const char *text, struct period_day today, struct period *out, char *err,
                 size_t errlen);

/* True when p is exactly one calendar month (what --month takes). */
bool period_is_month(const struct period *p);

/* "YYYY-MM-DD" of d into out (11 bytes with the NUL); returns out. */
const char *period_day_text(struct period_day d, char out[11]);

/* Days in month m (1..12) of year y. */
int period_days_in_month(int y, int m);

#endif
