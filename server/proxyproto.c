/* The PROXY protocol v2 header (the client's address from a load balancer) and the list of
   addresses allowed to send it. */
#include "proxyproto.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const uint8_t signature[12] = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D,
                                      0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};

enum proxy_verdict proxy_v2_parse(const uint8_t *buf, size_t len, size_t *need, char *ip,
                                  char *peer)
{
    *need = PROXY_V2_HEAD;
    size_t cmp = len < sizeof signature ? len : sizeof signature;
    if (memcmp(buf, signature, cmp) != 0)
        return PROXY_NONE;
    if (len < PROXY_V2_HEAD)
        return PROXY_NEED_MORE;
    uint8_t ver_cmd = buf[12], fam = buf[13];
    size_t body = (size_t)buf[14] << 8 | buf[15];
    if ((ver_cmd >> 4) != 2 || (ver_cmd & 0x0F) > 1 || PROXY_V2_HEAD + body > PROXY_V2_MAX)
        return PROXY_INVALID;
    *need = PROXY_V2_HEAD + body;
    if (len < *need)
        return PROXY_NEED_MORE;
    if ((ver_cmd & 0x0F) == 0) /* LOCAL: the balancer's own connection */
        return PROXY_LOCAL;
    const uint8_t *a = buf + PROXY_V2_HEAD;
    char text[INET6_ADDRSTRLEN];
    if (fam == 0x11) { /* TCP over IPv4: src, dst, src port, dst port */
        if (body < 12 || !inet_ntop(AF_INET, a, text, sizeof text))
            return PROXY_INVALID;
        snprintf(ip, 48, "%s", text);
        snprintf(peer, 72, "%s:%u", text, (unsigned)(a[8] << 8 | a[9]));
        return PROXY_ADDRESS;
    }
    if (fam == 0x21) { /* TCP over IPv6 */
        if (body < 36 || !inet_ntop(AF_INET6, a, text, sizeof text))
            return PROXY_INVALID;
        snprintf(ip, 48, "%s", text);
        snprintf(peer, 72, "[%s]:%u", text, (unsigned)(a[32] << 8 | a[33]));
        return PROXY_ADDRESS;
    }
    return fam == 0x00 ? PROXY_LOCAL : PROXY_INVALID; /* UNSPEC, or a family we do not serve */
}

/* One CIDR block "addr[/bits]" of len bytes: its family (AF_INET/AF_INET6), address and bits;
   -1 when it does not parse. */
static int block_parse(const char *s, size_t len, unsigned char addr[16], int *bits)
{
    char text[64];
    if (len == 0 || len >= sizeof text)
        return -1;
    memcpy(text, s, len);
    text[len] = '\0';
    char *slash = strchr(text, '/');
    long b = -1;
    if (slash) {
        char *end;
        *slash = '\0';
        b = strtol(slash + 1, &end, 10);
        if (end == slash + 1 || *end)
            return -1;
    }
    if (inet_pton(AF_INET, text, addr) == 1) {
        *bits = b < 0 ? 32 : (int)b;
        return b > 32 ? -1 : AF_INET;
    }
    if (inet_pton(AF_INET6, text, addr) == 1) {
        *bits = b < 0 ? 128 : (int)b;
        return b > 128 ? -1 : AF_INET6;
    }
    return -1;
}

static bool prefix_equal(const unsigned char *x, const unsigned char *y, int bits)
{
    int whole = bits / 8, rest = bits % 8;
    if (memcmp(x, y, (size_t)whole) != 0)
        return false;
    if (rest == 0)
        return true;
    unsigned char mask = (unsigned char)(0xFF << (8 - rest));
    return (x[whole] & mask) == (y[whole] & mask);
}

/* The next block of a comma-separated list at *p, spaces trimmed, into *s and *len; false at the
   end. */
static bool next_block(const char **p, const char **s, size_t *len)
{
    if (!**p)
        return false;
    size_t n = strcspn(*p, ",");
    *s = *p;
    *len = n;
    while (*len && **s == ' ')
        (*s)++, (*len)--;
    while (*len && (*s)[*len - 1] == ' ')
        (*len)--;
    *p += n;
    if (**p == ',')
        (*p)++;
    return true;
}

bool proxy_trusted(const char *list, const char *ip)
{
    unsigned char want[16], addr[16];
    int fam = inet_pton(AF_INET, ip, want) == 1    ? AF_INET
              : inet_pton(AF_INET6, ip, want) == 1 ? AF_INET6
                                                   : -1;
    const char *p = list ? list : "", *s;
    size_t len;
    int bits;
    while (fam > 0 && next_block(&p, &s, &len)) {
        if (block_parse(s, len, addr, &bits) == fam && prefix_equal(want, addr, bits))
            return true;
    }
    return false;
}

int proxy_check_list(const char *list, char *err, size_t errlen)
{
    unsigned char addr[16];
    const char *p = list, *s;
    size_t len;
    int bits;
    while (next_block(&p, &s, &len)) {
        if (block_parse(s, len, addr, &bits) < 0) {
            snprintf(err, errlen, "\"%.*s\" is not an address or CIDR block",
                     (int)(len > 60 ? 60 : len), s);
            return -1;
        }
    }
    return 0;
}
