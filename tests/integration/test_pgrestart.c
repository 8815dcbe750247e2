/*
 * test_pgrestart.c - PostgreSQL restarted under load: clients get answers throughout (only
 * `unavailable` while the database is away), and service resumes without restarting agencyd.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "itest.h"

#define THREADS      8
#define HANG_MS      10000 /* an answer slower than this is a hang */
#define RECOVERY_MS  15000 /* every client works again this long after the restart */
#define RUN_LIMIT_MS 45000 /* hard bound for the whole load */

struct client {
    pthread_t th;
    it_conn *c;
    int idx;
    long ok, unavailable, other;
    int64_t max_ms;
    atomic_llong first_ok_after; /* monotonic ms of the first OK after the restart finished */
    char first_other[256];
};

static atomic_llong restart_done; /* monotonic ms; 0 until the restart command returned */
static atomic_int stop;

static void *client_main(void *arg)
{
    struct client *cl = arg;
    for (int i = 0; !atomic_load(&stop); i++) {
        int64_t t0 = it_now_ms();
        it_resp *r = i % 2 ? it_call(cl->c, "user.list", "limit:u", 20ULL)
                           : it_call(cl->c, "auth.whoami", "");
        int64_t t1 = it_now_ms();
        if (t1 - t0 > cl->max_ms)
            cl->max_ms = t1 - t0;
        long long done = atomic_load(&restart_done);
        if (r->status == IT_OK) {
            cl->ok++;
            if (done > 0 && t0 > done && atomic_load(&cl->first_ok_after) == 0)
                atomic_store(&cl->first_ok_after, (long long)t1);
        } else if (r->status == IT_ERROR && strcmp(r->code, "unavailable") == 0) {
            cl->unavailable++;
        } else {
            if (cl->other++ == 0)
                snprintf(cl->first_other, sizeof cl->first_other, "%s", it_resp_str(r));
            if (r->status == IT_CLOSED || r->status == IT_TIMEOUT) {
                it_resp_free(r);
                break; /* the connection is gone: nothing more to learn from it */
            }
        }
        it_resp_free(r);
        if (i % 50 == 49)
            it_sleep_ms(1);
    }
    return NULL;
}

static void test_restart_under_load(void **state)
{
    struct client cl[THREADS];
    const char *restart = it_env("AGENCY_PGCTL_RESTART");
    memset(cl, 0, sizeof cl);
    for (int i = 0; i < THREADS; i++) {
        cl[i].idx = i;
        cl[i].c = it_session(i % 2 ? "AGENCY_DEMO_MANAGER" : "AGENCY_DEMO_DIRECTOR", NULL);
    }
    atomic_store(&restart_done, 0);
    atomic_store(&stop, 0);
    int64_t start = it_now_ms();
    for (int i = 0; i < THREADS; i++)
        assert_int_equal(pthread_create(&cl[i].th, NULL, client_main, &cl[i]), 0);

    it_sleep_ms(1500);
    int64_t t_restart = it_now_ms();
    int rc = system(restart);
    atomic_store(&restart_done, (long long)it_now_ms());
    int64_t outage_cmd_ms = it_now_ms() - t_restart;

    /* wait until every client has had an answer after the restart, within the bound */
    for (;;) {
        bool all = true;
        for (int i = 0; i < THREADS; i++)
            all = all && atomic_load(&cl[i].first_ok_after) != 0;
        int64_t now = it_now_ms();
        if (all || now - atomic_load(&restart_done) > RECOVERY_MS || now - start > RUN_LIMIT_MS)
            break;
        it_sleep_ms(100);
    }
    it_sleep_ms(500);
    atomic_store(&stop, 1);
    for (int i = 0; i < THREADS; i++)
        pthread_join(cl[i].th, NULL);

    long ok = 0, unavailable = 0;
    for (int i = 0; i < THREADS; i++) {
        ok += cl[i].ok;
        unavailable += cl[i].unavailable;
    }
    print_message("restart command took %lld ms (exit %d); answers: %ld ok, %ld unavailable\n",
                  (long long)outage_cmd_ms, rc, ok, unavailable);
    assert_int_equal(rc, 0);
    /* the outage was real and was answered as such (not waited out in silence) */
    if (unavailable == 0)
        it_fail("no request answered unavailable while PostgreSQL restarted");
    long long done = atomic_load(&restart_done);
    for (int i = 0; i < THREADS; i++) {
        struct client *x = &cl[i];
        long long back = atomic_load(&x->first_ok_after);
        print_message("client %d: %ld ok, %ld unavailable, slowest %lld ms, back after %lld ms\n",
                      i, x->ok, x->unavailable, (long long)x->max_ms, back ? back - done : -1LL);
        if (x->other > 0)
            it_fail("client %d got %ld answers other than ok/unavailable, first: %s", i, x->other,
                    x->first_other);
        if (x->max_ms > HANG_MS)
            it_fail("client %d waited %lld ms for one answer", i, (long long)x->max_ms);
        if (back == 0)
            it_fail("client %d got no OK answer within %d ms of the restart", i, RECOVERY_MS);
    }
    /* the sessions survived: no new login needed */
    for (int i = 0; i < THREADS; i++) {
        it_resp *r = IT_CALL_OK(cl[i].c, "whoami after the restart", "auth.whoami", "");
        it_resp_free(r);
        it_close(cl[i].c);
    }
    /* and new clients can log in */
    it_conn *c = it_session("AGENCY_DEMO_AE", NULL);
    it_close(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_restart_under_load),
    };
    return cmocka_run_group_tests(tests, NULL, it_teardown);
}
