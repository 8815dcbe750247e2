/* The PROXY protocol, version 2 (HAProxy's send-proxy-v2): a load balancer in TCP mode tells
   agencyd the client's real address in a binary header before the TLS bytes. Pure code. */
#ifndef AGENCY_PROXYPROTO_H
#define AGENCY_PROXYPROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The fixed part: 12-byte signature, version/command, family/protocol, 2-byte length. */
#define PROXY_V2_HEAD 16
/* Longest header accepted (addresses plus a few TLVs); a longer one is refused. */
#define PROXY_V2_MAX 512

enum proxy_verdict {
    PROXY_NONE = 0,  /* the bytes do not start with the signature: no header */
    PROXY_NEED_MORE, /* a prefix of a header: read more (at most *need bytes in all) */
    PROXY_ADDRESS,   /* a whole header with a TCP over IPv4/IPv6 source: ip and peer set */
    PROXY_LOCAL,     /* a whole header without an address (LOCAL, a health check): keep yours */
    PROXY_INVALID,   /* a broken header, or longer than PROXY_V2_MAX: close the connection */
};

/* Reads a PROXY v2 header from buf[0..len). *need is the header's whole length once the fixed
   part is there (PROXY_V2_HEAD before); ip (>= 48 bytes) gets "addr", peer (>= 72 bytes)
   "addr:port" or "[addr]:port" on PROXY_ADDRESS. Reads nothing beyond *need. */
enum proxy_verdict proxy_v2_parse(const uint8_t *buf, size_t len, size_t *need, char *ip,
                                  char *peer);

/* True when ip (text, IPv4 or IPv6) is inside one of the comma-separated CIDR blocks of list
   ("127.0.0.1/32,10.0.0.0/8,::1/128"; a block without "/n" is one address). */
bool proxy_trusted(const char *list, const char *ip);
/* 0 when every block of list parses, else -1 with the bad block in err. */
int proxy_check_list(const char *list, char *err, size_t errlen);

#endif
