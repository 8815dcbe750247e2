/*
 * test_abuse.c - protocol abuse: each bad frame or bad client gets its error code (or its
 * connection closed) while another logged-in client keeps being served, and the server's
 * memory stays bounded.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>
#include <openssl/err.h>

#include "itest.h"

#define MIB (1024u * 1024u)

static it_conn *ctl;         /* a logged-in client that must keep getting answers */
static long rss_before = -1; /* stack agencyd's VmRSS in KiB before the abuse */

static int setup(void **state)
{
    ctl = it_session("AGENCY_DEMO_DIRECTOR", NULL);
    pid_t pid = it_stack_pid();
    rss_before = pid > 0 ? it_rss_kib(pid) : -1;
    return 0;
}

static int teardown(void **state)
{
    it_close(ctl);
    return it_teardown(state);
}

/* The control client still gets answers from a database operation and the loop. */
static void ctl_alive(const char *after)
{
    it_resp *r = it_call(ctl, "auth.whoami", "");
    if (r->status != IT_OK)
        it_fail("after %s the other client's whoami got %s", after, it_resp_str(r));
    it_resp_free(r);
    r = it_call(ctl, "ping", "");
    if (r->status != IT_OK)
        it_fail("after %s the other client's ping got %s", after, it_resp_str(r));
    it_resp_free(r);
}

/* A fresh stack connection after hello. */
static it_conn *fresh(void)
{
    it_conn *c = it_connect_stack();
    it_hello(c);
    return c;
}

/* Reads one answer, asserts the error code, then asserts the server closes the connection. */
static void expect_err_and_close(it_conn *c, const char *code, const char *what)
{
    it_resp *r = it_recv(c, IT_TIMEOUT_MS);
    it_assert_err(r, code, what);
    it_resp_free(r);
    if (!it_wait_closed(c, 5000))
        it_fail("%s: the server kept the connection open after %s", what, code);
    it_close(c);
    ctl_alive(what);
}

/* Sends one frame and expects code then a close. */
static void frame_case(const void *payload, size_t len, const char *code, const char *what)
{
    it_conn *c = fresh();
    if (!it_send_frame(c, payload, len))
        it_fail("%s: could not send", what);
    expect_err_and_close(c, code, what);
}

static void test_malformed_msgpack(void **state)
{
    static const uint8_t c1[] = {0xc1};
    frame_case(c1, sizeof c1, "bad_request", "the never-used byte 0xc1");
    /* a request whose method string claims more bytes than the frame has */
    static const uint8_t cut[] = {0x94, 0x00, 0x01, 0xa9, 'p', 'i', 'n', 'g', 0x90};
    frame_case(cut, sizeof cut, "bad_request", "a truncated string");
}

static void test_trailing_bytes(void **state)
{
    /* [0, 7, "ping", []] followed by one more value */
    static const uint8_t ping_plus[] = {0x94, 0x00, 0x07, 0xa4, 'p', 'i', 'n', 'g', 0x90, 0xc0};
    /* the same without the extra byte is fine */
    it_conn *c = fresh();
    assert_true(it_send_frame(c, ping_plus, sizeof ping_plus - 1));
    it_resp *r = it_recv(c, IT_TIMEOUT_MS);
    it_assert_ok(r, "a hand-made ping");
    assert_int_equal(r->msgid, 7);
    it_resp_free(r);
    it_close(c);
    frame_case(ping_plus, sizeof ping_plus, "bad_request", "trailing bytes after the request");
}

static void test_frame_length_zero(void **state)
{
    frame_case(NULL, 0, "too_large", "a frame of length 0");
}

/* Packs ping with a "pad" argument so that the whole payload is exactly size bytes into sb. */
static void pad_request(msgpack_sbuffer *sb, size_t size)
{
    size_t pad = size > 40 ? size - 40 : 1;
    for (int round = 0; round < 4; round++) {
        msgpack_packer pk;
        msgpack_sbuffer_clear(sb);
        msgpack_packer_init(&pk, sb, msgpack_sbuffer_write);
        msgpack_pack_array(&pk, 4);
        msgpack_pack_uint32(&pk, 0);
        msgpack_pack_uint32(&pk, 9);
        msgpack_pack_str_with_body(&pk, "ping", 4);
        msgpack_pack_array(&pk, 1);
        msgpack_pack_map(&pk, 1);
        msgpack_pack_str_with_body(&pk, "pad", 3);
        char *s = malloc(pad);
        assert_non_null(s);
        memset(s, 'x', pad);
        msgpack_pack_str_with_body(&pk, s, pad);
        free(s);
        if (sb->size == size)
            return;
        pad += size - sb->size; /* size_t wraps correctly for a decrease */
    }
    it_fail("could not build a payload of %zu bytes", size);
}

static void test_prelogin_limit(void **state)
{
    msgpack_sbuffer sb;
    msgpack_sbuffer_init(&sb);
    /* exactly 4096 bytes before login: read and answered (ping takes no "pad": invalid) */
    pad_request(&sb, 4096);
    it_conn *c = fresh();
    assert_true(it_send_frame(c, sb.data, sb.size));
    it_resp *r = it_recv(c, IT_TIMEOUT_MS);
    it_assert_err(r, "invalid", "a 4096-byte request before login");
    it_resp_free(r);
    r = IT_CALL_OK(c, "the connection stays open", "ping", "");
    it_resp_free(r);
    it_close(c);
    /* 4097 bytes before login */
    pad_request(&sb, 4097);
    frame_case(sb.data, sb.size, "too_large", "a 4097-byte frame before login");
    msgpack_sbuffer_destroy(&sb);
}

static void test_postlogin_limit(void **state)
{
    msgpack_sbuffer sb;
    msgpack_sbuffer_init(&sb);
    /* after login a 64 KiB request is within the limit */
    it_conn *c = fresh();
    it_login_as(c, "AGENCY_DEMO_DIRECTOR");
    pad_request(&sb, 64 * 1024);
    assert_true(it_send_frame(c, sb.data, sb.size));
    it_resp *r = it_recv(c, IT_TIMEOUT_MS);
    it_assert_err(r, "invalid", "a 64 KiB request after login");
    it_resp_free(r);
    msgpack_sbuffer_destroy(&sb);

    /* a header announcing 1 MiB + 1: answered at once, without the server waiting for it */
    uint32_t n = MIB + 1;
    uint8_t head[4] = {(uint8_t)(n >> 24), (uint8_t)(n >> 16), (uint8_t)(n >> 8), (uint8_t)n};
    static const uint8_t start[] = {0x94, 0x00, 0x01, 0xa4, 'p', 'i', 'n', 'g'};
    assert_true(it_send_raw(c, head, sizeof head));
    assert_true(it_send_raw(c, start, sizeof start));
    expect_err_and_close(c, "too_large", "a frame of 1 MiB + 1 after login");
}

static void test_huge_array_header(void **state)
{
    static const uint8_t huge[] = {0xdd, 0xff, 0xff, 0xff, 0xff};
    pid_t pid = it_stack_pid();
    long before = pid > 0 ? it_rss_kib(pid) : -1;
    for (int i = 0; i < 20; i++)
        frame_case(huge, sizeof huge, "bad_request", "an array header claiming 2^32-1 items");
    long after = pid > 0 ? it_rss_kib(pid) : -1;
    print_message("20 x dd ff ff ff ff: agencyd VmRSS %ld KiB -> %ld KiB\n", before, after);
    if (pid > 0 && !it_pid_sanitized(pid)) /* ASan keeps freed memory in quarantine */
        assert_true(after - before < 8 * 1024);
}

static void test_nesting(void **state)
{
    /* [0, id, "ping", [{"a": [[...[nil]...]]}]]: 3 levels, then k nested arrays */
    for (int k = 13; k <= 14; k++) {
        uint8_t buf[64];
        size_t n = 0;
        static const uint8_t head[] = {0x94, 0x00, 0x05, 0xa4, 'p',  'i',
                                       'n',  'g',  0x91, 0x81, 0xa1, 'a'};
        memcpy(buf, head, sizeof head);
        n = sizeof head;
        for (int i = 0; i < k; i++)
            buf[n++] = 0x91;
        buf[n++] = 0xc0;
        if (k == 13) { /* 16 levels: accepted by the framing, refused by ping's schema */
            it_conn *c = fresh();
            assert_true(it_send_frame(c, buf, n));
            it_resp *r = it_recv(c, IT_TIMEOUT_MS);
            it_assert_err(r, "invalid", "16 levels of nesting");
            it_resp_free(r);
            it_close(c);
        } else {
            frame_case(buf, n, "bad_request", "17 levels of nesting");
        }
    }
}

static void test_map_count_lie(void **state)
{
    /* a map claiming 100,000 entries with three bytes of content */
    static const uint8_t map[] = {0xde, 0x00, 0x01, 0x86, 0xa0, 0xa1, 'a', 0x01};
    frame_case(map, sizeof map, "bad_request", "a map claiming 100,000 entries");
    /* the same lie inside a request's params */
    static const uint8_t req[] = {0x94, 0x00, 0x03, 0xa4, 'p',  'i',  'n', 'g', 0x91,
                                  0xde, 0x00, 0x01, 0x86, 0xa0, 0xa1, 'a', 0x01};
    frame_case(req, sizeof req, "bad_request", "params claiming 100,000 entries");
}

static void test_not_requests(void **state)
{
    /* an array that is not a request, a response sent to the server, a bare string */
    static const uint8_t five[] = {0x93, 0x05, 0x01, 0xa1, 'x'};
    frame_case(five, sizeof five, "bad_request", "an array that is not a request");
    static const uint8_t resp[] = {0x94, 0x01, 0x01, 0xc0, 0xc0};
    frame_case(resp, sizeof resp, "bad_request", "a response sent to the server");
    static const uint8_t str[] = {0xa4, 'p', 'i', 'n', 'g'};
    frame_case(str, sizeof str, "bad_request", "a bare string");
    /* params that are not [map] */
    static const uint8_t params[] = {0x94, 0x00, 0x02, 0xa4, 'p', 'i', 'n', 'g', 0x91, 0x01};
    frame_case(params, sizeof params, "bad_request", "params [1]");

    /* an unknown method is answered and the connection stays open */
    it_conn *c = fresh();
    it_resp *r = it_call(c, "client.teleport", "");
    it_assert_err(r, "bad_request", "an unknown method");
    it_resp_free(r);
    r = IT_CALL_OK(c, "ping after an unknown method", "ping", "");
    it_resp_free(r);
    it_close(c);
    ctl_alive("an unknown method");
}

static void test_tls12_client(void **state)
{
    int fd = it_tcp_connect(it_env("AGENCY_HOST"), atoi(it_env("AGENCY_PORT")));
    assert_true(fd >= 0);
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    assert_non_null(ctx);
    SSL_CTX_set_min_proto_version(ctx, TLS1_VERSION);
    SSL_CTX_set_max_proto_version(ctx, TLS1_2_VERSION);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
    SSL *ssl = SSL_new(ctx);
    SSL_set_fd(ssl, fd);
    int64_t t0 = it_now_ms();
    int rc = SSL_connect(ssl);
    int64_t took = it_now_ms() - t0;
    ERR_clear_error();
    SSL_free(ssl);
    SSL_CTX_free(ctx);
    close(fd);
    if (rc == 1)
        it_fail("a TLS 1.2-only client completed a handshake");
    assert_true(took < 10000);
    ctl_alive("a TLS 1.2 client");
}

/* Reads until EOF or error; true when the peer closed within timeout_ms. */
static bool tcp_closed_within(int fd, int timeout_ms)
{
    int64_t deadline = it_now_ms() + timeout_ms;
    struct timeval tv = {0, 200000};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    char buf[4096];
    while (it_now_ms() < deadline) {
        ssize_t n = recv(fd, buf, sizeof buf, 0);
        if (n == 0)
            return true;
        if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
            return true;
    }
    return false;
}

static void test_plain_tcp(void **state)
{
    int fd = it_tcp_connect(it_env("AGENCY_HOST"), atoi(it_env("AGENCY_PORT")));
    assert_true(fd >= 0);
    static const char http[] = "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n";
    assert_int_equal(send(fd, http, sizeof http - 1, MSG_NOSIGNAL), (ssize_t)(sizeof http - 1));
    bool closed = tcp_closed_within(fd, 5000);
    close(fd);
    if (!closed)
        it_fail("plain HTTP bytes on the TLS port: the connection was not closed within 5 s");
    ctl_alive("plain TCP bytes");
}

static void test_slow_handshake(void **state)
{
    static const char *const sets[] = {"server.handshake_timeout=1s", NULL};
    struct it_server s;
    it_server_start(&s, sets);
    int fd = it_tcp_connect("127.0.0.1", s.port);
    assert_true(fd >= 0);
    int64_t t0 = it_now_ms();
    /* while one client says nothing, another is served */
    it_conn *c = it_connect_port(s.port);
    it_hello(c);
    it_close(c);
    bool closed = tcp_closed_within(fd, 6000);
    int64_t took = it_now_ms() - t0;
    close(fd);
    print_message("silent client closed after %lld ms (handshake timeout 1 s)\n", (long long)took);
    if (!closed)
        it_fail("a client that never starts the handshake is still connected after 6 s");
    assert_true(took >= 500);
    assert_int_equal(it_server_stop(&s), 0);
}

static void test_memory_bounded(void **state)
{
    pid_t pid = it_stack_pid();
    if (pid <= 0)
        it_fail("the stack agencyd's pid is unknown (AGENCY_STACK_DIR/agencyd.pid)");
    long after = it_rss_kib(pid);
    print_message("agencyd VmRSS before the abuse tests: %ld KiB, after: %ld KiB\n", rss_before,
                  after);
    assert_true(rss_before > 0 && after > 0);
    if (it_pid_sanitized(pid))
        print_message("(AddressSanitizer build: its quarantine of freed memory is resident, so "
                      "the bound is checked in the plain build)\n");
    else
        assert_true(after - rss_before < 16 * 1024);
    ctl_alive("all abuse cases");
}

/* Clients that vanish without a TLS close_notify (mid-session, and right after the handshake)
 * cost only their own connection: the others keep their sessions, several calls over. */
static void test_abrupt_close(void **state)
{
    for (int i = 0; i < 5; i++) {
        it_conn *c = it_session("AGENCY_DEMO_AE", NULL);
        it_resp *r = it_call(c, "ping", "");
        it_assert_ok(r, "ping before vanishing");
        it_resp_free(r);
        it_drop(c);
        it_drop(fresh());
        usleep(50 * 1000);
        for (int k = 0; k < 3; k++)
            ctl_alive("a client vanished without close_notify");
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_malformed_msgpack),
        cmocka_unit_test(test_trailing_bytes),
        cmocka_unit_test(test_frame_length_zero),
        cmocka_unit_test(test_prelogin_limit),
        cmocka_unit_test(test_postlogin_limit),
        cmocka_unit_test(test_huge_array_header),
        cmocka_unit_test(test_nesting),
        cmocka_unit_test(test_map_count_lie),
        cmocka_unit_test(test_not_requests),
        cmocka_unit_test(test_tls12_client),
        cmocka_unit_test(test_plain_tcp),
        cmocka_unit_test(test_abrupt_close),
        cmocka_unit_test_teardown(test_slow_handshake, it_teardown),
        cmocka_unit_test(test_memory_bounded),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
