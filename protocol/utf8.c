/*
 * utf8.c - strict UTF-8 validation (RFC 3629) and code point counting for wire strings.
 */
#include "proto.h"

/* Length of the sequence led by byte b and the allowed range of its second byte;
 * 0 if b cannot start a sequence (continuation, 0xc0/0xc1 overlongs, > 0xf4). */
static unsigned seq_len(uint8_t b, uint8_t *lo, uint8_t *hi)
{
    *lo = 0x80;
    *hi = 0xbf;
    if (b < 0x80)
        return 1;
    if (b >= 0xc2 && b <= 0xdf)
        return 2;
    if (b >= 0xe0 && b <= 0xef) {
        if (b == 0xe0)
            *lo = 0xa0; /* no overlong 3-byte forms */
        else if (b == 0xed)
            *hi = 0x9f; /* no surrogates U+D800..U+DFFF */
        return 3;
    }
    if (b >= 0xf0 && b <= 0xf4) {
        if (b == 0xf0)
            *lo = 0x90; /* no overlong 4-byte forms */
        else if (b == 0xf4)
            *hi = 0x8f; /* nothing above U+10FFFF */
        return 4;
    }
    return 0;
}

bool proto_utf8_valid(const char *s, size_t len)
{
    const uint8_t *p = (const uint8_t *)s;
    if (p == NULL)
        return len == 0;
    size_t i = 0;
    while (i < len) {
        uint8_t lo, hi;
        unsigned n = seq_len(p[i], &lo, &hi);
        if (n == 0 || p[i] == 0 || len - i < n)
            return false;
        for (unsigned k = 1; k < n; k++) {
            uint8_t c = p[i + k];
            if (c < (k == 1 ? lo : 0x80) || c > (k == 1 ? hi : 0xbf))
                return false;
        }
        i += n;
    }
    return true;
}

size_t proto_utf8_chars(const char *s, size_t len)
{
    const uint8_t *p = (const uint8_t *)s;
    size_t n = 0;
    if (p == NULL)
        return 0;
    for (size_t i = 0; i < len; i++)
        if ((p[i] & 0xc0) != 0x80)
            n++;
    return n;
}
