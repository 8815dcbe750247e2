/*
 * test_password.c - password changes end the user's other sessions, the password policy, and
 * a director's reset with its forced change at the next login.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "itest.h"

#define P1 "Copper-kettle-2291"
#define P2 "Willow-signal-5830"

/* Logs user in on a new stack connection; fails unless it works. */
static it_conn *login_ok(const char *user, const char *pw, bool *must_change)
{
    it_conn *c = it_connect_stack();
    it_hello(c);
    it_resp *r = it_login(c, user, pw);
    if (r->status != IT_OK)
        it_fail("login %s: %s", user, it_resp_str(r));
    bool must = true;
    assert_true(it_bool(r->result, "must_change_password", &must));
    if (must_change != NULL)
        *must_change = must;
    it_resp_free(r);
    return c;
}

/* Asserts that logging in with this password is refused as unauthenticated. */
static void login_refused(const char *user, const char *pw, const char *what)
{
    it_conn *c = it_connect_stack();
    it_hello(c);
    it_resp *r = it_login(c, user, pw);
    it_assert_err(r, "unauthenticated", what);
    it_resp_free(r);
    it_close(c);
}

static void test_change_ends_other_sessions(void **state)
{
    char user[64];
    it_conn *dir = it_session("AGENCY_DEMO_DIRECTOR", NULL);
    it_create_user(dir, "pw", "ae", P1, user, sizeof user);
    it_close(dir);

    it_conn *c1 = login_ok(user, P1, NULL);
    it_conn *c2 = login_ok(user, P1, NULL);
    it_resp *r = IT_CALL_OK(c2, "the second session works", "auth.whoami", "");
    it_resp_free(r);

    /* a wrong old password changes nothing */
    r = it_call(c1, "auth.password", "old_password:s new_password:s", "not-my-password", P2);
    if (r->status == IT_OK)
        it_fail("auth.password with a wrong old password succeeded");
    it_resp_free(r);
    r = IT_CALL_OK(c2, "still logged in after a refused change", "auth.whoami", "");
    it_resp_free(r);

    r = IT_CALL_OK(c1, "change the password", "auth.password", "old_password:s new_password:s", P1,
                   P2);
    it_resp_free(r);
    IT_CALL_ERR(c2, "unauthenticated", "the other session after the change", "auth.whoami", "");
    r = IT_CALL_OK(c1, "the changing session goes on", "auth.whoami", "");
    it_resp_free(r);
    r = IT_CALL_OK(c1, "and can work", "user.list", "");
    it_resp_free(r);

    it_conn *c3 = login_ok(user, P2, NULL);
    login_refused(user, P1, "the old password");
    it_close(c3);
    it_close(c2);
    it_close(c1);
}

static void expect_policy_refusal(it_conn *c, const char *old, const char *new_pw, const char *what)
{
    it_resp *r = it_call(c, "auth.password", "old_password:s new_password:s", old, new_pw);
    it_assert_err(r, "invalid", what);
    if (strcmp(r->field, "new_password") != 0)
        it_fail("%s: field is \"%s\", expected new_password", what, r->field);
    it_resp_free(r);
}

static void test_policy(void **state)
{
    char user[64], long_pw[200];
    it_conn *dir = it_session("AGENCY_DEMO_DIRECTOR", NULL);
    it_create_user(dir, "pol", "ae", P1, user, sizeof user);
    it_close(dir);
    it_conn *c = login_ok(user, P1, NULL);

    expect_policy_refusal(c, P1, "Qz7!mk2", "7 characters");
    expect_policy_refusal(c, P1, "\xe5\xaf\x86\xe7\xa0\x81\xe6\x98\xaf\xe4\xb8\x83\xe4\xb8\xaa",
                          "5 Chinese characters (15 bytes)");
    expect_policy_refusal(c, P1, "password123", "a common password");
    expect_policy_refusal(c, P1, "Password123", "a common password, other case");
    expect_policy_refusal(c, P1, user, "the user name");
    memset(long_pw, 'k', 129);
    long_pw[129] = '\0';
    expect_policy_refusal(c, P1, long_pw, "129 characters");
    /* nothing changed: the old password still logs in */
    it_conn *check = login_ok(user, P1, NULL);
    it_close(check);

    /* 8 Chinese characters are 8 characters: accepted */
    static const char cjk8[] = "\xe8\x80\x81\xe8\x99\x8e\xe5\x96\x9c\xe6\xac\xa2\xe7\x9c\x8b\xe4"
                               "\xb9\xa6\xe5\x86\x99\xe5\xad\x97";
    it_resp *r = IT_CALL_OK(c, "8 Chinese characters", "auth.password",
                            "old_password:s new_password:s", P1, cjk8);
    it_resp_free(r);
    check = login_ok(user, cjk8, NULL);
    it_close(check);
    /* 128 characters: accepted */
    memset(long_pw, 'q', 120);
    memcpy(long_pw + 120, "-7x3Lp9z", 8);
    long_pw[128] = '\0';
    r = IT_CALL_OK(c, "128 characters", "auth.password", "old_password:s new_password:s", cjk8,
                   long_pw);
    it_resp_free(r);
    check = login_ok(user, long_pw, NULL);
    it_close(check);
    it_close(c);
}

static void test_reset_forces_a_change(void **state)
{
    char user[64], temp[160], buf[64];
    it_conn *dir = it_session("AGENCY_DEMO_DIRECTOR", NULL);
    uint64_t id = it_create_user(dir, "rst", "ae", P1, user, sizeof user);
    it_conn *before = login_ok(user, P1, NULL);

    it_resp *r = IT_CALL_OK(dir, "reset", "user.reset_password", "id:u", (unsigned long long)id);
    assert_non_null(it_str(r->result, "temporary_password", temp, sizeof temp));
    assert_true(strlen(temp) >= 8);
    it_resp_free(r);

    IT_CALL_ERR(before, "unauthenticated", "a session from before the reset", "auth.whoami", "");
    it_close(before);
    login_refused(user, P1, "the password from before the reset");

    bool must = false;
    it_conn *c = login_ok(user, temp, &must);
    assert_true(must);
    static const char *const blocked[] = {"user.list",   "branch.list",   "team.list",
                                          "auth.reauth", "auth.sessions", "user.get"};
    for (size_t i = 0; i < sizeof blocked / sizeof blocked[0]; i++) {
        r = it_call(c, blocked[i], "");
        if (r->status != IT_ERROR || strcmp(r->code, "forbidden") != 0)
            it_fail("%s while a password change is pending: expected forbidden, got %s", blocked[i],
                    it_resp_str(r));
        it_resp_free(r);
    }
    r = IT_CALL_OK(c, "whoami while a change is pending", "auth.whoami", "");
    assert_non_null(it_str(r->result, "user.username", buf, sizeof buf));
    it_resp_free(r);
    r = IT_CALL_OK(c, "ping while a change is pending", "ping", "");
    it_resp_free(r);

    r = IT_CALL_OK(c, "the forced change", "auth.password", "old_password:s new_password:s", temp,
                   P2);
    it_resp_free(r);
    r = IT_CALL_OK(c, "normal work after the change", "user.list", "");
    it_resp_free(r);
    it_close(c);

    login_refused(user, temp, "the temporary password a second time");
    c = login_ok(user, P2, &must);
    assert_false(must);
    it_close(c);
    it_close(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_change_ends_other_sessions),
        cmocka_unit_test(test_policy),
        cmocka_unit_test(test_reset_forces_a_change),
    };
    return cmocka_run_group_tests(tests, NULL, it_teardown);
}
