/* width.c - display width of UTF-8 text in terminal columns (locale-independent). */
#include "width.h"

#include <stdio.h>

static int width_in(const struct width_range *r, size_t n, uint32_t cp)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (cp < r[mid].first)
            hi = mid;
        else if (cp > r[mid].last)
            lo = mid + 1;
        else
            return 1;
    }
    return 0;
}

int width_cp(uint32_t cp)
{
    if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0) || cp == 0x2028 || cp == 0x2029)
        return -1;
    if (cp < 0x300)
        return 1;
    if (width_in(width_zero_ranges, width_zero_ranges_len, cp))
        return 0;
    if (cp >= 0x1100 && width_in(width_wide_ranges, width_wide_ranges_len, cp))
        return 2;
    return 1;
}

size_t width_decode(const char *s, size_t len, uint32_t *cp)
{
    const unsigned char *p = (const unsigned char *)s;
    unsigned char c = p[0];
    size_t need;
    uint32_t v, min;

    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if (c >= 0xC2 && c <= 0xDF) {
        need = 2, v = c & 0x1F, min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        need = 3, v = c & 0x0F, min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        need = 4, v = c & 0x07, min = 0x10000;
    } else {
        *cp = WIDTH_INVALID;
        return 1;
    }
    if (len < need) {
        *cp = WIDTH_INVALID;
        return 1;
    }
    for (size_t i = 1; i < need; i++) {
        if ((p[i] & 0xC0) != 0x80) {
            *cp = WIDTH_INVALID;
            return 1;
        }
        v = (v << 6) | (p[i] & 0x3F);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) {
        *cp = WIDTH_INVALID;
        return 1;
    }
    *cp = v;
    return need;
}

size_t width_escape(uint32_t cp, char out[8])
{
    switch (cp) {
    case '\n':
        return (size_t)snprintf(out, 8, "\\n");
    case '\t':
        return (size_t)snprintf(out, 8, "\\t");
    case '\r':
        return (size_t)snprintf(out, 8, "\\r");
    default:
        if (cp < 0x100)
            return (size_t)snprintf(out, 8, "\\x%02x", (unsigned)cp);
        return (size_t)snprintf(out, 8, "\\u%04x", (unsigned)(cp & 0xFFFF));
    }
}

size_t width_str(const char *s, size_t len)
{
    size_t cols = 0, i = 0;
    while (i < len) {
        uint32_t cp;
        i += width_decode(s + i, len - i, &cp);
        int w = width_cp(cp);
        if (w < 0) {
            char esc[8];
            cols += width_escape(cp, esc);
        } else {
            cols += (size_t)w;
        }
    }
    return cols;
}
