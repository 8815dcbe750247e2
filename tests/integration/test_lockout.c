/*
 * test_lockout.c - five wrong passwords lock an account (even against the right password),
 * a director unlocks it, the attempts are audited; logins are rate-limited per address.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "itest.h"

#define GOOD_PASSWORD "Lantern-orbit-7731"

/* Audit rows of op with outcome for the user. */
static long long audit_count(const char *op, const char *outcome, const char *username,
                             uint64_t user_id)
{
    return it_audit_count(op, outcome, username, user_id);
}

static void test_lockout_and_unlock(void **state)
{
    char user[64];
    it_conn *dir = it_session("AGENCY_DEMO_DIRECTOR", NULL);
    uint64_t id = it_create_user(dir, "lock", "ae", GOOD_PASSWORD, user, sizeof user);

    it_conn *c = it_connect_stack();
    it_hello(c);
    for (int i = 1; i <= 5; i++) {
        it_resp *r = it_login(c, user, "wrong-password-123");
        if (r->status != IT_ERROR || strcmp(r->code, "unauthenticated") != 0)
            it_fail("wrong password #%d: expected unauthenticated, got %s", i, it_resp_str(r));
        it_resp_free(r);
    }
    it_resp *r = it_login(c, user, GOOD_PASSWORD);
    it_assert_err(r, "locked", "the right password after five failures");
    /* the answer says until when: an RFC 3339 UTC time about 15 minutes ahead */
    const msgpack_object *until = it_get(r->error, "until");
    if (until == NULL || until->type != MSGPACK_OBJECT_STR || until->via.str.size < 20 ||
        until->via.str.ptr[10] != 'T' || until->via.str.ptr[until->via.str.size - 1] != 'Z')
        it_fail("a locked answer carries until as an RFC 3339 UTC time: %s", it_resp_str(r));
    it_resp_free(r);
    r = it_login(c, user, GOOD_PASSWORD);
    it_assert_err(r, "locked", "still locked");
    it_resp_free(r);

    /* the lockout is visible in the audit trail */
    assert_true(audit_count("auth.login", "unauthenticated", user, id) >= 5);
    assert_true(audit_count("auth.login", "locked", user, id) >= 2);

    r = IT_CALL_OK(dir, "director unlocks", "user.unlock", "id:u", (unsigned long long)id);
    it_resp_free(r);
    assert_true(audit_count("user.unlock", "ok", user, id) >= 1);

    r = it_login(c, user, GOOD_PASSWORD);
    it_assert_ok(r, "login after unlock");
    it_resp_free(r);
    it_close(c);
    it_close(dir);
}

static void test_unlock_needs_a_director(void **state)
{
    char user[64];
    it_conn *dir = it_session("AGENCY_DEMO_DIRECTOR", NULL);
    uint64_t id = it_create_user(dir, "lock", "ae", GOOD_PASSWORD, user, sizeof user);
    it_conn *mgr = it_session("AGENCY_DEMO_MANAGER", NULL);
    IT_CALL_ERR(mgr, "forbidden", "a manager unlocks", "user.unlock", "id:u",
                (unsigned long long)id);
    it_close(mgr);
    it_close(dir);
}

static void test_login_rate_limit(void **state)
{
    static const char *const sets[] = {"auth.login_rate_per_minute=5", "auth.login_rate_burst=5",
                                       NULL};
    struct it_server s;
    char ghost[64];
    it_uniq("ghost", ghost, sizeof ghost);
    it_server_start(&s, sets);
    it_conn *c = it_connect_port(s.port);
    it_hello(c);
    int limited = 0, first_limited = 0;
    for (int i = 1; i <= 9; i++) {
        it_resp *r = it_login(c, ghost, "wrong-password-123");
        if (r->status != IT_ERROR)
            it_fail("login #%d of an unknown user: %s", i, it_resp_str(r));
        if (strcmp(r->code, "rate_limited") == 0) {
            limited++;
            if (first_limited == 0)
                first_limited = i;
        } else if (strcmp(r->code, "unauthenticated") != 0) {
            it_fail("login #%d: unexpected %s", i, it_resp_str(r));
        }
        it_resp_free(r);
    }
    print_message("rate limit: first rate_limited answer at attempt %d, %d limited of 9\n",
                  first_limited, limited);
    assert_int_equal(first_limited, 6); /* a burst of 5 passes */
    assert_int_equal(limited, 4);
    /* the connection stays usable */
    it_resp *r = IT_CALL_OK(c, "ping after rate limiting", "ping", "");
    it_resp_free(r);
    it_close(c);
    /* the stack server (its own limiter) still lets the director in */
    it_conn *d = it_session("AGENCY_DEMO_DIRECTOR", NULL);
    it_close(d);
    assert_int_equal(it_server_stop(&s), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lockout_and_unlock),
        cmocka_unit_test(test_unlock_needs_a_director),
        cmocka_unit_test_teardown(test_login_rate_limit, it_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, it_teardown);
}
