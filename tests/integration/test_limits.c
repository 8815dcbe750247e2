/*
 * test_limits.c - connection limits on extra agencyd instances: the maximum number of
 * connections and the idle timeout, each without disturbing the clients within the limits.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cmocka.h>

#include "itest.h"

/* True when the server closed the plain TCP connection fd within timeout_ms. */
static bool closed_within(int fd, int timeout_ms)
{
    int64_t deadline = it_now_ms() + timeout_ms;
    struct timeval tv = {0, 100000};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    char buf[256];
    while (it_now_ms() < deadline) {
        ssize_t n = recv(fd, buf, sizeof buf, 0);
        if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR))
            return true;
    }
    return false;
}

static void test_max_connections(void **state)
{
    static const char *const sets[] = {"server.max_connections=3", NULL};
    struct it_server s;
    it_server_start(&s, sets);
    it_sleep_ms(200); /* the start-up probe's connection is gone */
    it_conn *c[3];
    for (int i = 0; i < 3; i++) {
        c[i] = it_connect_port(s.port);
        it_hello(c[i]);
    }
    /* a fourth is accepted and closed at once, without a handshake */
    int fd = it_tcp_connect("127.0.0.1", s.port);
    assert_true(fd >= 0);
    bool closed = closed_within(fd, 3000);
    close(fd);
    if (!closed)
        it_fail("a connection over max_connections=3 was kept open");
    it_conn *extra = it_connect("127.0.0.1", s.port, it_env("AGENCY_CA"));
    if (extra != NULL) {
        it_close(extra);
        it_fail("a TLS connection over max_connections=3 was accepted");
    }
    /* the three are still served */
    for (int i = 0; i < 3; i++) {
        it_resp *r = IT_CALL_OK(c[i], "a connection within the limit", "ping", "");
        it_resp_free(r);
    }
    /* one leaves, another may come */
    it_close(c[2]);
    it_conn *again = NULL;
    for (int i = 0; i < 20 && again == NULL; i++) {
        it_sleep_ms(100);
        again = it_connect("127.0.0.1", s.port, it_env("AGENCY_CA"));
    }
    assert_non_null(again);
    it_hello(again);
    it_close(again);
    it_close(c[0]);
    it_close(c[1]);
    assert_int_equal(it_server_stop(&s), 0);
}

static void test_idle_connection_timeout(void **state)
{
    static const char *const sets[] = {"server.idle_timeout=1s", NULL};
    struct it_server s;
    it_server_start(&s, sets);
    it_conn *idle = it_connect_port(s.port);
    it_hello(idle);
    it_conn *busy = it_connect_port(s.port);
    it_hello(busy);
    int64_t t0 = it_now_ms();
    for (int i = 0; i < 6; i++) {
        it_sleep_ms(400);
        it_resp *r = IT_CALL_OK(busy, "a connection in use", "ping", "");
        it_resp_free(r);
    }
    /* 2.4 s without a word: the idle connection has been closed */
    bool closed = it_wait_closed(idle, 2000);
    print_message("idle connection closed: %s after %lld ms\n", closed ? "yes" : "no",
                  (long long)(it_now_ms() - t0));
    if (!closed)
        it_fail("a connection idle for more than server.idle_timeout=1s was kept open");
    it_close(idle);
    it_close(busy);
    assert_int_equal(it_server_stop(&s), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_max_connections, it_teardown),
        cmocka_unit_test_teardown(test_idle_connection_timeout, it_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, it_teardown);
}
