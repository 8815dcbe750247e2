/*
 * test_memory.c - agencyd's resident memory stays flat under work that allocates big blocks:
 * Argon2id logins keeping every database worker busy (19 MiB each) and near-limit frames on
 * many connections at once. Each case runs on a fresh agencyd of its own, so what earlier
 * tests did to the stack's server cannot hide a block kept resident.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "itest.h"

#define CONNS        8     /* twice the workers: every worker takes a login */
#define ROUNDS       3     /* rounds of CONNS concurrent logins */
#define LOGIN_KIB    8192  /* bound for logins: less than one Argon2id block (19,456 KiB) */
#define FRAME_KIB    4096  /* bound for frames: half of what CONNS big read buffers hold */
#define BIG_FRAME_KB 1000u /* a request just under the 1 MiB frame limit */

/* Starts a fresh agencyd with four database workers and returns its pid. */
static pid_t fresh_server(struct it_server *srv)
{
    static const char *const sets[] = {"server.workers=4", NULL};
    it_server_start(srv, sets);
    return srv->pid;
}

/* Asserts that RSS grew by less than bound KiB from before to after, except under
 * AddressSanitizer, whose quarantine keeps freed memory resident (the plain build checks). */
static void assert_flat(pid_t pid, long before, long after, long bound, const char *what)
{
    print_message("%s: agencyd VmRSS %ld KiB -> %ld KiB\n", what, before, after);
    assert_true(before > 0 && after > 0);
    if (it_pid_sanitized(pid)) {
        print_message("(AddressSanitizer build: the bound is checked in the plain build)\n");
        return;
    }
    if (after - before >= bound)
        it_fail("%s: agencyd VmRSS grew by %ld KiB (bound %ld KiB)", what, after - before, bound);
}

/* Sends one login on each connection at once (half the demo director, half unknown users, so
 * both the real and the dummy hash run), then reads and checks every answer. */
static void login_round(it_conn *const *c)
{
    char user[64], pw[160], nobody[64];
    it_cred("AGENCY_DEMO_DIRECTOR", user, pw);
    for (int i = 0; i < CONNS; i++) {
        const char *u = i % 2 ? it_uniq("nobody", nobody, sizeof nobody) : user;
        if (it_send(c[i], "auth.login", "username:s password:s", u, pw) == 0)
            it_fail("login %d: could not send", i);
    }
    for (int i = 0; i < CONNS; i++) {
        it_resp *r = it_recv(c[i], IT_TIMEOUT_MS);
        if (i % 2)
            it_assert_err(r, "unauthenticated", "a login of an unknown user");
        else if (r->status != IT_OK)
            it_fail("login %d as the director: %s", i, it_resp_str(r));
        it_resp_free(r);
    }
}

/* Argon2id buffers are given back after each hash, whichever worker ran it. */
static void test_logins(void **state)
{
    struct it_server srv;
    pid_t pid = fresh_server(&srv);
    it_conn *c[CONNS];
    for (int i = 0; i < CONNS; i++) {
        c[i] = it_connect_port(srv.port);
        it_hello(c[i]);
    }
    long before = it_rss_kib(pid);
    for (int round = 0; round < ROUNDS; round++)
        login_round(c);
    long after = it_rss_kib(pid);
    for (int i = 0; i < CONNS; i++)
        it_close(c[i]);
    assert_flat(pid, before, after, LOGIN_KIB, "24 concurrent logins");
    assert_int_equal(it_server_stop(&srv), 0);
}

/* A connection's read buffer grown for a near-limit frame is given back. */
static void test_big_frames(void **state)
{
    struct it_server srv;
    pid_t pid = fresh_server(&srv);
    size_t len = BIG_FRAME_KB * 1024u;
    char *pad = malloc(len);
    assert_non_null(pad);
    memset(pad, 'x', len);
    it_conn *c[CONNS];
    for (int i = 0; i < CONNS; i++) {
        c[i] = it_connect_port(srv.port);
        it_hello(c[i]);
        it_login_as(c[i], "AGENCY_DEMO_DIRECTOR");
    }
    long before = it_rss_kib(pid);
    for (int round = 0; round < ROUNDS; round++) {
        for (int i = 0; i < CONNS; i++)
            if (it_send(c[i], "ping", "pad:S", pad, len) == 0)
                it_fail("a %u KiB request: could not send", BIG_FRAME_KB);
        for (int i = 0; i < CONNS; i++) {
            it_resp *r = it_recv(c[i], IT_TIMEOUT_MS);
            it_assert_err(r, "invalid", "ping with a 1000 KiB argument");
            it_resp_free(r);
        }
    }
    long during = it_rss_kib(pid); /* the connections are still open, their buffers idle */
    for (int i = 0; i < CONNS; i++)
        it_close(c[i]);
    it_sleep_ms(200); /* the server notices the closes */
    long after = it_rss_kib(pid);
    free(pad);
    assert_flat(pid, before, during, FRAME_KIB,
                "8 connections after 1000 KiB requests, still open");
    assert_flat(pid, before, after, FRAME_KIB, "8 connections after 1000 KiB requests, closed");
    assert_int_equal(it_server_stop(&srv), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_logins, it_teardown),
        cmocka_unit_test_teardown(test_big_frames, it_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
