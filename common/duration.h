/* Durations in configuration files and flags: "30" or "30s", "5m", "12h" (whole seconds). */
#ifndef AGENCY_DURATION_H
#define AGENCY_DURATION_H

#include <stdint.h>

/* Parses a non-negative duration into *seconds: digits, then optionally one of s, m, h.
   Returns 0, or -1 (malformed, negative or over 10 years; *seconds untouched). */
int duration_parse(const char *s, int64_t *seconds);
/* Formats seconds the shortest exact way ("90s" → "90s", 300 → "5m", 43200 → "12h") into buf;
   returns buf. */
const char *duration_format(int64_t seconds, char *buf, unsigned buflen);

#endif
