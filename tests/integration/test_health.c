/*
 * test_health.c - the readiness endpoint a load balancer checks (server.health_port): /ready,
 * /live, bad and oversized requests, silent and surplus checks, the instance name in hello, and
 * a drain as a balancer and a client see it (503, server.draining, exit 0); bad settings; the
 * PROXY v2 header of a trusted balancer (server.proxy_from) carries the client's address.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "itest.h"

#define SURPLUS 24 /* more silent checks at once than the endpoint keeps (16) */

static int health_port;
static char health_set[64];

/* Sends req (may be empty) to the endpoint and reads the whole answer into buf; the HTTP
   status, 0 when the connection closed without one, -1 when it could not connect. */
static int health_ask(const char *req, char *buf, size_t size)
{
    int fd = it_tcp_connect("127.0.0.1", health_port);
    if (fd < 0)
        return -1;
    size_t len = 0;
    if (send(fd, req, strlen(req), MSG_NOSIGNAL) == (ssize_t)strlen(req)) {
        ssize_t n;
        while (len < size - 1 && (n = read(fd, buf + len, size - 1 - len)) > 0)
            len += (size_t)n;
    }
    close(fd);
    buf[len] = '\0';
    int status = 0;
    return sscanf(buf, "HTTP/1.0 %d", &status) == 1 ? status : 0;
}

static const char *body(const char *answer)
{
    const char *b = strstr(answer, "\r\n\r\n");
    return b ? b + 4 : "";
}

static void start(struct it_server *s)
{
    health_port = it_free_port();
    snprintf(health_set, sizeof health_set, "server.health_port=%d", health_port);
    const char *sets[] = {health_set, "server.instance=it-health.1", "server.drain_timeout=10s",
                          NULL};
    it_server_start(s, sets);
}

static void test_ready_live_and_bad_requests(void **state)
{
    struct it_server s;
    start(&s);
    char a[1024];
    assert_int_equal(health_ask("GET /ready HTTP/1.0\r\n\r\n", a, sizeof a), 200);
    if (strncmp(body(a), "ready instance=it-health.1 connections=", 39) != 0)
        it_fail("/ready said: %s", body(a));
    assert_int_equal(health_ask("GET /live HTTP/1.1\r\nHost: x\r\n\r\n", a, sizeof a), 200);
    assert_string_equal(body(a), "alive\n");
    assert_int_equal(health_ask("HEAD /ready HTTP/1.0\r\n\r\n", a, sizeof a), 200);
    assert_string_equal(body(a), "");
    assert_int_equal(health_ask("GET /readyz HTTP/1.0\r\n\r\n", a, sizeof a), 404);
    assert_int_equal(health_ask("POST /ready HTTP/1.0\r\n\r\n", a, sizeof a), 404);
    assert_int_equal(health_ask("\x16\x03\x01\x02\x05\x01\r\n\r\n", a, sizeof a), 404);

    /* oversized: answered (not found) once its buffer is full, never read past it (the unread
       rest may turn the close into a reset, so the answer itself may be lost); it goes on */
    char big[4096];
    memset(big, 'A', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    memcpy(big, "GET /", 5);
    int st = health_ask(big, a, sizeof a);
    if (st != 404 && st != 0)
        it_fail("an oversized check answered %d", st);
    assert_int_equal(health_ask("GET /ready HTTP/1.0\r\n\r\n", a, sizeof a), 200);

    /* silent checks: the surplus is closed at once, the rest after a second; then it answers */
    int fds[SURPLUS];
    for (int i = 0; i < SURPLUS; i++)
        fds[i] = it_tcp_connect("127.0.0.1", health_port);
    int64_t t0 = it_now_ms();
    for (int i = 0; i < SURPLUS; i++) {
        assert_true(fds[i] >= 0);
        char c;
        ssize_t n = read(fds[i], &c, 1); /* 15 s receive timeout: bounded */
        assert_int_equal(n, 0);          /* closed, nothing said */
        close(fds[i]);
    }
    assert_true(it_now_ms() - t0 < 5000);
    assert_int_equal(health_ask("GET /ready HTTP/1.0\r\n\r\n", a, sizeof a), 200);

    /* the protocol port names the instance in hello */
    it_conn *c = it_connect_port(s.port);
    it_resp *r = IT_CALL_OK(c, "hello", "hello", "version:u", 1ull);
    char inst[64];
    if (it_str(r->result, "instance", inst, sizeof inst) == NULL)
        it_fail("hello named no instance");
    assert_string_equal(inst, "it-health.1");
    it_resp_free(r);
    it_close(c);
    assert_int_equal(it_server_stop(&s), 0);
}

/* SIGTERM: /ready turns 503 at once, the protocol port stops accepting, an open connection is
   told server.draining and still answered; the server exits 0 once it has gone quiet. */
static void test_drain_as_seen_outside(void **state)
{
    struct it_server s;
    start(&s);
    it_conn *c = it_connect_port(s.port);
    it_hello(c);
    it_login_as(c, "AGENCY_DEMO_AE");
    assert_int_equal(kill(s.pid, SIGTERM), 0);
    it_resp *ev = it_recv_event(c, "server.draining", 5000);
    if (ev->status != IT_OK)
        it_fail("no server.draining event: %s", it_resp_str(ev));
    it_resp_free(ev);
    char a[512];
    assert_int_equal(health_ask("GET /ready HTTP/1.0\r\n\r\n", a, sizeof a), 503);
    if (strncmp(body(a), "draining instance=it-health.1", 29) != 0)
        it_fail("/ready during the drain said: %s", body(a));
    assert_int_equal(health_ask("GET /live HTTP/1.0\r\n\r\n", a, sizeof a), 200);
    assert_true(it_tcp_connect("127.0.0.1", s.port) < 0); /* no new connection */
    it_resp *r = IT_CALL_OK(c, "a request after the announcement", "auth.whoami", NULL);
    it_resp_free(r);
    assert_true(it_wait_closed(c, 5000)); /* closed once quiet, well before drain_timeout */
    it_close(c);
    assert_int_equal(it_server_wait(&s, 10000), 0);
}

/* A PROXY v2 header for TCP over IPv4 from src:sport into out (28 bytes); version v (2). */
static size_t proxy_header(uint8_t *out, int v, const uint8_t src[4], unsigned sport)
{
    static const uint8_t sig[12] = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D,
                                    0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};
    memcpy(out, sig, 12);
    out[12] = (uint8_t)(v << 4 | 1);
    out[13] = 0x11;
    out[14] = 0;
    out[15] = 12;
    memcpy(out + 16, src, 4);
    memcpy(out + 20, (const uint8_t[]){127, 0, 0, 1}, 4);
    out[24] = (uint8_t)(sport >> 8);
    out[25] = (uint8_t)sport;
    out[26] = 0x1C;
    out[27] = 0xFC;
    return 28;
}

/* Logs in as the demo AE through a connection that starts with pre; the audit row of that login
   must name peer. */
static void login_via_proxy(int port, const uint8_t *pre, size_t len, const char *peer)
{
    it_conn *c = it_connect_preamble(it_env("AGENCY_HOST"), port, it_env("AGENCY_CA"), pre, len);
    if (c == NULL)
        it_fail("no TLS connection behind a trusted PROXY header");
    it_hello(c);
    uint64_t uid = it_login_as(c, "AGENCY_DEMO_AE");
    char u[24];
    snprintf(u, sizeof u, "%llu", (unsigned long long)uid);
    char got[64];
    it_db_text(got, sizeof got,
               "SELECT host(peer) FROM agency.audit_log WHERE op = 'auth.login' AND"
               " outcome = 'ok' AND user_id = $1::bigint ORDER BY id DESC LIMIT 1",
               1, u);
    assert_string_equal(got, peer);
    it_close(c);
}

/* server.proxy_from: a trusted sender's PROXY v2 header replaces its address with the client's
   (audited, rate-limited and checked against branch networks as such); a trusted sender may
   also speak TLS directly; a broken header, or a header from anyone else, gets no TLS. */
static void test_proxy_protocol(void **state)
{
    struct it_server s;
    int hp = it_free_port();
    char hset[64];
    snprintf(hset, sizeof hset, "server.health_port=%d", hp);
    const char *sets[] = {"server.proxy_from=10.9.0.0/16, 127.0.0.1/32", hset, NULL};
    it_server_start(&s, sets);
    uint8_t h[64];
    size_t n = proxy_header(h, 2, (const uint8_t[]){203, 0, 113, 7}, 4242);
    login_via_proxy(s.port, h, n, "203.0.113.7");
    login_via_proxy(s.port, NULL, 0, "127.0.0.1"); /* no header: the sender's own address */
    n = proxy_header(h, 1, (const uint8_t[]){203, 0, 113, 8}, 4242);
    assert_null(it_connect_preamble(it_env("AGENCY_HOST"), s.port, it_env("AGENCY_CA"), h, n));
    n = proxy_header(h, 2, (const uint8_t[]){203, 0, 113, 9}, 4242);
    assert_null(it_connect_preamble(it_env("AGENCY_HOST"), s.port, it_env("AGENCY_CA"), h, 20));
    assert_int_equal(it_server_stop(&s), 0);

    const char *untrusted[] = {"server.proxy_from=127.0.0.2/32", NULL};
    it_server_start(&s, untrusted);
    n = proxy_header(h, 2, (const uint8_t[]){203, 0, 113, 7}, 4242);
    assert_null(it_connect_preamble(it_env("AGENCY_HOST"), s.port, it_env("AGENCY_CA"), h, n));
    login_via_proxy(s.port, NULL, 0, "127.0.0.1");
    assert_int_equal(it_server_stop(&s), 0);
}

/* agencyd --check-config refuses a readiness port equal to the protocol port and a bad name. */
static void test_bad_settings(void **state)
{
    static const char *const bad[] = {"server.instance=two words", "server.instance=a/b",
                                      "server.health_port=70000", "server.proxy_from=10.0.0.0/33",
                                      "server.proxy_from=haproxy.local"};
    char line[1024];
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        snprintf(line, sizeof line, "'%s' -c '%s' --set '%s' --check-config >/dev/null 2>&1",
                 it_env("AGENCYD_BIN"), it_env("AGENCYD_CONF"), bad[i]);
        if (system(line) == 0)
            it_fail("--check-config accepted %s", bad[i]);
    }
    snprintf(line, sizeof line,
             "'%s' -c '%s' --set server.port=7421 --set server.health_port=7421 --check-config"
             " >/dev/null 2>&1",
             it_env("AGENCYD_BIN"), it_env("AGENCYD_CONF"));
    if (system(line) == 0)
        it_fail("--check-config accepted health_port == port");
    snprintf(line, sizeof line,
             "'%s' -c '%s' --set server.health_port=7422 --set server.instance=a1.ist-2"
             " --check-config >/dev/null 2>&1",
             it_env("AGENCYD_BIN"), it_env("AGENCYD_CONF"));
    if (system(line) != 0)
        it_fail("--check-config refused a good readiness port and name");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_ready_live_and_bad_requests, it_teardown),
        cmocka_unit_test_teardown(test_drain_as_seen_outside, it_teardown),
        cmocka_unit_test_teardown(test_proxy_protocol, it_teardown),
        cmocka_unit_test(test_bad_settings),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
