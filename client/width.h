/* width.h - display width of UTF-8 text in terminal columns, the same on every machine whatever
   the locale: East Asian Wide/Fullwidth 2, combining and format marks 0, controls unprintable. */
#ifndef AGENCY_WIDTH_H
#define AGENCY_WIDTH_H

#include <stddef.h>
#include <stdint.h>

struct width_range {
    uint32_t first, last;
};

/* Tables (width_tables.c), sorted and non-overlapping. */
extern const struct width_range width_zero_ranges[];
extern const size_t width_zero_ranges_len;
extern const struct width_range width_wide_ranges[];
extern const size_t width_wide_ranges_len;

#define WIDTH_INVALID 0xFFFDu /* what an undecodable byte stands for */

/* Columns one code point takes: 2 wide, 1 normal, 0 combining/format, -1 control
   (C0, DEL, C1, line/paragraph separators) that must be escaped before it reaches a terminal. */
int width_cp(uint32_t cp);

/* Decodes one code point from s[0..len) (len > 0) into *cp and returns the bytes it used (1..4).
   A byte that does not start a valid, shortest-form sequence uses 1 byte and gives
   WIDTH_INVALID; so text is never cut inside a character and never read past len. */
size_t width_decode(const char *s, size_t len, uint32_t *cp);

/* Display columns of s[0..len) as the renderer prints it: controls count as their escape
   (width_escape), invalid bytes as one column each. */
size_t width_str(const char *s, size_t len);

/* The printable replacement for control code point cp ("\\n", "\\t", "\\r", "\\x1b",
   "\\u2028"), written NUL-ended into out (at least 8 bytes); returns its length. */
size_t width_escape(uint32_t cp, char out[8]);

#endif
