/* dates.h - the date and time conveniences of the command line: "today", "tomorrow",
   "yesterday", "+3d", "-2w" and plain YYYY-MM-DD dates; timestamps as RFC 3339, "now", or a
   local "YYYY-MM-DD[ HH:MM[:SS]]" converted to UTC; and timestamps and due dates shown in local
   time. Pure functions over a given "now" and the process time zone. */
#ifndef AGENCY_DATES_H
#define AGENCY_DATES_H

#include <stddef.h>
#include <time.h>

/* Turns text into a "YYYY-MM-DD" date (11 bytes with the NUL) in out, relative conveniences
   counted from the local calendar day of now. Accepts YYYY-MM-DD (a real calendar day),
   today, tomorrow, yesterday, +Nd, -Nd, +Nw, -Nw (N up to 3650 days). Returns 0, or -1. */
int dates_parse_date(const char *text, time_t now, char out[11]);

/* Turns text into an RFC 3339 UTC timestamp "YYYY-MM-DDTHH:MM:SSZ" (21 bytes with the NUL) in
   out. Accepts a full RFC 3339 timestamp with Z or an offset (converted to UTC), "now", any
   form dates_parse_date accepts (local midnight of that day), and "YYYY-MM-DD HH:MM[:SS]" or
   "YYYY-MM-DDTHH:MM[:SS]" without a zone (local time). Returns 0, or -1. */
int dates_parse_timestamp(const char *text, time_t now, char out[21]);

/* A timestamp for people: RFC 3339 text (Z or an offset) as local "YYYY-MM-DD HH:MM" in out
   (17 bytes with the NUL). Returns 0, or -1 when text is not such a timestamp. */
int dates_show_timestamp(const char *text, char out[17]);

/* A due date for people: "YYYY-MM-DD" followed by how it stands against the local calendar day
   of now: " (today)", " (tomorrow)", " (in 3 days)", " (2 days overdue)". 0, or -1 when text is
   not a date. */
int dates_show_due(const char *text, time_t now, char *out, size_t outlen);

#endif
