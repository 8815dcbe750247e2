/*
 * test_hashlane.c - a burst of logins (each holding a database worker while Argon2id runs)
 * does not hold up everyone else's requests: they are queued in the pool's hashing lane, which
 * never takes every worker (DESIGN §4). Checked by order of arrival, not by time.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "itest.h"

/* Twice the stack's 4 workers: without the lane, a request sent after them waits behind 5. */
#define LOGINS 8

struct login {
    it_conn *c;
    pthread_t th;
    int64_t answered_ms; /* when the answer arrived (0: none) */
    bool ok;
};

/* Waits for the one answer of a login already sent; records when it came. */
static void *login_wait(void *arg)
{
    struct login *l = arg;
    it_resp *r = it_recv(l->c, 60000);
    l->answered_ms = it_now_ms();
    l->ok = r->status == IT_OK;
    it_resp_free(r);
    return NULL;
}

static void test_requests_pass_a_burst_of_logins(void **state)
{
    (void)state;
    char user[64], pw[160];
    it_cred("AGENCY_DEMO_DIRECTOR", user, pw);
    it_conn *d = it_session("AGENCY_DEMO_DIRECTOR", NULL);
    struct login logins[LOGINS];
    for (int i = 0; i < LOGINS; i++) {
        logins[i].c = it_connect_stack();
        it_hello(logins[i].c);
        logins[i].answered_ms = 0;
        logins[i].ok = false;
    }
    for (int i = 0; i < LOGINS; i++) {
        if (it_send(logins[i].c, "auth.login", "username:s password:s", user, pw) == 0)
            it_fail("could not send login %d", i + 1);
        assert_int_equal(pthread_create(&logins[i].th, NULL, login_wait, &logins[i]), 0);
    }
    it_sleep_ms(20); /* the logins reach the server first */
    it_resp *r = it_call(d, "auth.whoami", "");
    int64_t whoami_ms = it_now_ms();
    it_assert_ok(r, "auth.whoami during the logins");
    it_resp_free(r);
    int before = 0, ok = 0;
    for (int i = 0; i < LOGINS; i++) {
        pthread_join(logins[i].th, NULL);
        before += logins[i].answered_ms != 0 && logins[i].answered_ms < whoami_ms;
        ok += logins[i].ok;
        it_close(logins[i].c);
    }
    it_close(d);
    assert_int_equal(ok, LOGINS); /* held in the lane, not refused */
    /* Without the lane the four workers take logins 1-4 and whoami waits behind 5-8: at
       least 5 logins are answered first. With it, at most workers - 1 run logins and whoami
       takes the free one at once (on 2 cores: two, one hashing at a time). */
    if (before >= 4)
        it_fail("%d of %d logins were answered before a request sent after them", before, LOGINS);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_requests_pass_a_burst_of_logins),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
