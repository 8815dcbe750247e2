/* Unit tests for the PROXY v2 header reader and the trusted-sender list (server/proxyproto.c):
   IPv4 and IPv6 sources, LOCAL and UNSPEC, every prefix asks for more, bad versions, commands,
   families and lengths, TLS bytes are no header; CIDR matching and list checking. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "proxyproto.h"

static const uint8_t sig[12] = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D,
                                0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};

/* A header: version/command, family, then body of blen bytes. Its whole length. */
static size_t header(uint8_t *out, uint8_t ver_cmd, uint8_t fam, const uint8_t *body, size_t blen)
{
    memcpy(out, sig, 12);
    out[12] = ver_cmd;
    out[13] = fam;
    out[14] = (uint8_t)(blen >> 8);
    out[15] = (uint8_t)blen;
    if (blen > 0)
        memcpy(out + 16, body, blen);
    return 16 + blen;
}

static void test_ipv4_and_every_prefix(void **state)
{
    (void)state;
    /* 203.0.113.7:4242 -> 127.0.0.1:7420, then a TLV (skipped) */
    const uint8_t body[] = {203, 0, 113, 7, 127, 0, 0, 1, 0x10, 0x92, 0x1C, 0xFC, 0x03, 0, 1, 0};
    uint8_t h[64];
    size_t n = header(h, 0x21, 0x11, body, sizeof body);
    h[n] = 0x16; /* the TLS record behind it is never read */
    char ip[48], peer[72];
    size_t need;
    assert_int_equal(proxy_v2_parse(h, n + 1, &need, ip, peer), PROXY_ADDRESS);
    assert_int_equal(need, n);
    assert_string_equal(ip, "203.0.113.7");
    assert_string_equal(peer, "203.0.113.7:4242");
    for (size_t k = 0; k < n; k++) {
        assert_int_equal(proxy_v2_parse(h, k, &need, ip, peer), PROXY_NEED_MORE);
        assert_true(need > k && need <= n);
    }
}

static void test_ipv6_local_unspec(void **state)
{
    (void)state;
    uint8_t body[36] = {0x20, 0x01, 0x0d, 0xb8};
    body[15] = 0x09;
    body[32] = 0x01;
    body[33] = 0xBB;
    uint8_t h[64];
    char ip[48], peer[72];
    size_t need, n = header(h, 0x21, 0x21, body, sizeof body);
    assert_int_equal(proxy_v2_parse(h, n, &need, ip, peer), PROXY_ADDRESS);
    assert_string_equal(ip, "2001:db8::9");
    assert_string_equal(peer, "[2001:db8::9]:443");
    n = header(h, 0x20, 0x00, NULL, 0); /* LOCAL: a balancer's own check */
    assert_int_equal(proxy_v2_parse(h, n, &need, ip, peer), PROXY_LOCAL);
    n = header(h, 0x21, 0x00, NULL, 0); /* PROXY with UNSPEC */
    assert_int_equal(proxy_v2_parse(h, n, &need, ip, peer), PROXY_LOCAL);
}

static void test_refused(void **state)
{
    (void)state;
    const uint8_t v4[12] = {10, 0, 0, 1, 10, 0, 0, 2, 0, 1, 0, 2};
    uint8_t h[600];
    char ip[48], peer[72];
    size_t need, n;
    n = header(h, 0x11, 0x11, v4, sizeof v4); /* version 1 in the binary form */
    assert_int_equal(proxy_v2_parse(h, n, &need, ip, peer), PROXY_INVALID);
    n = header(h, 0x22, 0x11, v4, sizeof v4); /* command 2 */
    assert_int_equal(proxy_v2_parse(h, n, &need, ip, peer), PROXY_INVALID);
    n = header(h, 0x21, 0x11, v4, 8); /* IPv4 body too short */
    assert_int_equal(proxy_v2_parse(h, n, &need, ip, peer), PROXY_INVALID);
    n = header(h, 0x21, 0x21, v4, sizeof v4); /* IPv6 body too short */
    assert_int_equal(proxy_v2_parse(h, n, &need, ip, peer), PROXY_INVALID);
    n = header(h, 0x21, 0x31, v4, sizeof v4); /* unix sockets: not served */
    assert_int_equal(proxy_v2_parse(h, n, &need, ip, peer), PROXY_INVALID);
    n = header(h, 0x21, 0x12, v4, sizeof v4); /* UDP */
    assert_int_equal(proxy_v2_parse(h, n, &need, ip, peer), PROXY_INVALID);
    uint8_t big[520] = {0};
    n = header(h, 0x21, 0x11, big, sizeof big); /* longer than PROXY_V2_MAX */
    assert_int_equal(proxy_v2_parse(h, 16, &need, ip, peer), PROXY_INVALID);
    /* TLS, the text form of version 1, and a near-signature are no header */
    const uint8_t tls[] = {0x16, 0x03, 0x01, 0x02, 0x00};
    assert_int_equal(proxy_v2_parse(tls, sizeof tls, &need, ip, peer), PROXY_NONE);
    const uint8_t v1[] = "PROXY TCP4 1.2.3.4 5.6.7.8 1 2\r\n";
    assert_int_equal(proxy_v2_parse(v1, sizeof v1 - 1, &need, ip, peer), PROXY_NONE);
    memcpy(h, sig, 12);
    h[11] = 0x0B;
    assert_int_equal(proxy_v2_parse(h, 12, &need, ip, peer), PROXY_NONE);
}

static void test_trusted_lists(void **state)
{
    (void)state;
    const char *list = "127.0.0.1/32, 10.0.0.0/8,192.168.1.128/25 ,::1,2001:db8::/32";
    assert_true(proxy_trusted(list, "127.0.0.1"));
    assert_false(proxy_trusted(list, "127.0.0.2"));
    assert_true(proxy_trusted(list, "10.200.3.4"));
    assert_false(proxy_trusted(list, "11.0.0.1"));
    assert_true(proxy_trusted(list, "192.168.1.200"));
    assert_false(proxy_trusted(list, "192.168.1.100"));
    assert_true(proxy_trusted(list, "::1"));
    assert_true(proxy_trusted(list, "2001:db8:ffff::1"));
    assert_false(proxy_trusted(list, "2001:db9::1"));
    assert_false(proxy_trusted(list, "not an address"));
    assert_false(proxy_trusted("", "127.0.0.1"));
    assert_true(proxy_trusted("0.0.0.0/0", "8.8.8.8"));
    assert_false(proxy_trusted("0.0.0.0/0", "::1")); /* families do not mix */
    char err[128];
    assert_int_equal(proxy_check_list(list, err, sizeof err), 0);
    assert_int_equal(proxy_check_list("", err, sizeof err), 0);
    static const char *const bad[] = {"10.0.0.0/33",    "::/129",    "10.0.0.0/",  "10.0.0/8",
                                      "127.0.0.1,,::1", "localhost", "10.0.0.0/8x"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err[0] = '\0';
        assert_int_equal(proxy_check_list(bad[i], err, sizeof err), -1);
        assert_true(strstr(err, "is not an address") != NULL);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ipv4_and_every_prefix),
        cmocka_unit_test(test_ipv6_local_unspec),
        cmocka_unit_test(test_refused),
        cmocka_unit_test(test_trusted_lists),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
