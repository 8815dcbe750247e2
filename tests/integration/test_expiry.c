/*
 * test_expiry.c - session idle and absolute timeouts, on extra agencyd instances started with
 * timeouts of a few seconds.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "itest.h"

/* Connects to the extra server and logs in as the demo AE; the token goes to token[256]. */
static it_conn *login_on(const struct it_server *s, char token[256])
{
    char user[64], pw[160];
    it_cred("AGENCY_DEMO_AE", user, pw);
    it_conn *c = it_connect_port(s->port);
    it_hello(c);
    it_resp *r = it_login(c, user, pw);
    it_assert_ok(r, "login");
    if (token != NULL)
        assert_non_null(it_str(r->result, "token", token, 256));
    it_resp_free(r);
    return c;
}

static void test_idle_timeout(void **state)
{
    static const char *const sets[] = {"auth.session_idle_timeout=2s",
                                       "auth.session_absolute_timeout=1h", NULL};
    struct it_server s;
    char token[256];
    it_server_start(&s, sets);

    it_conn *idle = login_on(&s, token);
    it_conn *busy = login_on(&s, NULL);
    it_resp *r = IT_CALL_OK(idle, "whoami right after login", "auth.whoami", "");
    it_resp_free(r);

    /* the busy session is used every second and outlives the idle timeout */
    for (int i = 0; i < 4; i++) {
        it_sleep_ms(1000);
        r = IT_CALL_OK(busy, "whoami on a session in use", "auth.whoami", "");
        it_resp_free(r);
    }
    /* the idle one has been idle for more than 4 s */
    IT_CALL_ERR(idle, "unauthenticated", "a request after 4 s idle", "auth.whoami", "");
    IT_CALL_ERR(idle, "unauthenticated", "and the next one", "user.list", "");

    it_conn *c = it_connect_port(s.port);
    it_hello(c);
    IT_CALL_ERR(c, "unauthenticated", "resume of an idle-expired session", "auth.resume", "token:s",
                token);
    it_close(c);

    it_close(busy);
    it_close(idle);
    assert_int_equal(it_server_stop(&s), 0);
}

static void test_absolute_timeout(void **state)
{
    static const char *const sets[] = {"auth.session_idle_timeout=1h",
                                       "auth.session_absolute_timeout=3s", NULL};
    struct it_server s;
    it_server_start(&s, sets);

    /* the session starts before login answers, so it ends at most 3 s after t0 */
    it_conn *c = login_on(&s, NULL);
    int64_t t0 = it_now_ms();
    int64_t expired_at = -1;
    for (int i = 0; i < 8 && expired_at < 0; i++) {
        it_resp *r = it_call(c, "auth.whoami", "");
        int64_t t = it_now_ms() - t0;
        if (r->status == IT_ERROR && strcmp(r->code, "unauthenticated") == 0)
            expired_at = t;
        else if (r->status != IT_OK)
            it_fail("whoami at %lld ms: %s", (long long)t, it_resp_str(r));
        else if (t > 3500)
            it_fail("the session still works %lld ms after login (absolute timeout 3 s)",
                    (long long)t);
        it_resp_free(r);
        it_sleep_ms(1000);
    }
    print_message("absolute timeout: first refusal %lld ms after login\n", (long long)expired_at);
    assert_true(expired_at >= 2000); /* it did work for the first seconds, in use all along */
    assert_true(expired_at <= 5000);
    it_close(c);
    assert_int_equal(it_server_stop(&s), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_idle_timeout, it_teardown),
        cmocka_unit_test_teardown(test_absolute_timeout, it_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, it_teardown);
}
