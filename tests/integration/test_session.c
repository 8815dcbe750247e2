/*
 * test_session.c - connection phases and sessions against the real stack: hello first,
 * versions, login answers, identical failures, nothing before login, logout, resume, revoke.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "itest.h"

/* Every issue-2 operation that needs a logged-in session. */
static const char *const auth_ops[] = {
    "auth.logout",         "auth.whoami",     "auth.password",   "auth.reauth",
    "auth.sessions",       "auth.revoke",     "branch.list",     "branch.create",
    "team.list",           "team.create",     "user.list",       "user.get",
    "user.create",         "user.update",     "user.deactivate", "user.unlock",
    "user.reset_password", "meta.operations",
};

static bool is_hex(const char *s)
{
    for (; *s; s++)
        if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f') || (*s >= 'A' && *s <= 'F')))
            return false;
    return true;
}

static bool is_b64url(const char *s)
{
    for (; *s; s++)
        if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
              *s == '-' || *s == '_' || *s == '='))
            return false;
    return true;
}

/* Bits of randomness a token can carry as encoded: hex 4 per char, base64url 6 per char. */
static size_t token_bits(const char *t)
{
    size_t n = strlen(t);
    if (is_hex(t))
        return n * 4;
    if (is_b64url(t))
        return n * 6;
    return 0;
}

/* The session id of the connection's session, from auth.whoami. */
static uint64_t current_session_id(it_conn *c)
{
    it_resp *r = IT_CALL_OK(c, "whoami", "auth.whoami", "");
    uint64_t id = 0;
    if (!it_u64(r->result, "session_id", &id) && !it_u64(r->result, "session.id", &id) &&
        !it_u64(r->result, "session.session_id", &id)) {
        it_resp_free(r);
        it_fail("auth.whoami answers no session_id");
    }
    it_resp_free(r);
    return id;
}

static void test_request_before_hello(void **state)
{
    it_conn *c = it_connect_stack();
    it_resp *r = it_call(c, "ping", "");
    it_assert_err(r, "bad_request", "ping before hello");
    it_resp_free(r);
    it_close(c);

    c = it_connect_stack();
    r = it_call(c, "auth.login", "username:s password:s", "li.wei", "x");
    it_assert_err(r, "bad_request", "auth.login before hello");
    it_resp_free(r);
    it_close(c);
}

static void test_hello_versions(void **state)
{
    it_conn *c = it_connect_stack();
    it_resp *r = it_call(c, "hello", "version:u client:s", 2ULL, "itest/2.0");
    it_assert_err(r, "unsupported_version", "hello version 2");
    it_resp_free(r);
    it_close(c);

    c = it_connect_stack();
    r = it_call(c, "hello", "version:u client:s", 1ULL, "itest/1.0");
    it_assert_ok(r, "hello version 1");
    uint64_t v = 0, max_frame = 0;
    char server[64];
    assert_true(it_u64(r->result, "version", &v));
    assert_int_equal(v, 1);
    assert_non_null(it_str(r->result, "server", server, sizeof server));
    assert_int_equal(strncmp(server, "agencyd/", 8), 0);
    assert_true(it_u64(r->result, "max_frame", &max_frame));
    assert_int_equal(max_frame, 4096); /* the pre-login limit */
    const msgpack_object *features = it_get(r->result, "features");
    assert_non_null(features);
    assert_int_equal(features->type, MSGPACK_OBJECT_ARRAY);
    it_resp_free(r);

    r = it_call(c, "ping", "");
    it_assert_ok(r, "ping after hello");
    bool pong = false;
    assert_true(it_bool(r->result, "pong", &pong));
    assert_true(pong);
    it_resp_free(r);
    it_close(c);
}

static void test_login_success(void **state)
{
    char user[64], pw[160], token1[256], token2[256], buf[256];
    it_cred("AGENCY_DEMO_DIRECTOR", user, pw);
    it_conn *c = it_connect_stack();
    it_hello(c);
    it_resp *r = it_login(c, user, pw);
    it_assert_ok(r, "login as the demo director");
    uint64_t id = 0;
    bool must = true;
    assert_true(it_u64(r->result, "user.id", &id));
    assert_true(id > 0);
    assert_string_equal(it_str(r->result, "user.username", buf, sizeof buf), user);
    assert_non_null(it_str(r->result, "user.full_name", buf, sizeof buf));
    assert_true(strlen(buf) > 0);
    assert_string_equal(it_str(r->result, "user.role", buf, sizeof buf), "director");
    assert_non_null(it_str(r->result, "token", token1, sizeof token1));
    assert_true(token_bits(token1) >= 256);
    assert_non_null(it_str(r->result, "expires_at", buf, sizeof buf));
    assert_true(strlen(buf) >= 20 && buf[4] == '-' && buf[10] == 'T' &&
                buf[strlen(buf) - 1] == 'Z');
    assert_true(it_bool(r->result, "must_change_password", &must));
    assert_false(must);
    it_resp_free(r);

    /* after login the frame limit is the large one */
    r = it_call(c, "hello", "version:u", 1ULL);
    if (r->status == IT_OK) {
        uint64_t max_frame = 0;
        assert_true(it_u64(r->result, "max_frame", &max_frame));
        assert_true(max_frame > 4096);
    }
    it_resp_free(r);
    it_close(c);

    /* every login attempt is audited: a success as ok, a failure with its code, from where */
    long long ok_before = it_audit_count("auth.login", "ok", user, id);
    long long bad_before = it_audit_count("auth.login", "unauthenticated", user, id);
    c = it_connect_stack();
    it_hello(c);
    r = it_login(c, user, "not-the-password-2");
    it_assert_err(r, "unauthenticated", "a wrong password");
    it_resp_free(r);
    assert_int_equal(it_audit_count("auth.login", "unauthenticated", user, id), bad_before + 1);
    r = it_login(c, user, pw);
    it_assert_ok(r, "second login");
    assert_int_equal(it_audit_count("auth.login", "ok", user, id), ok_before + 1);
    char idtext[32];
    snprintf(idtext, sizeof idtext, "%llu", (unsigned long long)id);
    assert_true(it_db_ll("SELECT count(*) FROM agency.audit_log WHERE op = 'auth.login'"
                         " AND outcome = 'ok' AND target = 'user:' || $1"
                         " AND host(peer) = '127.0.0.1' AND at > now() - interval '1 minute'",
                         1, idtext) >= 1);
    assert_non_null(it_str(r->result, "token", token2, sizeof token2));
    assert_string_not_equal(token1, token2);
    it_resp_free(r);
    it_close(c);
}

/* Median of three login times (ms) for user/password, asserting the error code. */
static int64_t failed_login_ms(it_conn *c, const char *user, const char *pw, char msg[256])
{
    int64_t t[3];
    for (int i = 0; i < 3; i++) {
        int64_t t0 = it_now_ms();
        it_resp *r = it_login(c, user, pw);
        t[i] = it_now_ms() - t0;
        it_assert_err(r, "unauthenticated", "failed login");
        snprintf(msg, 256, "%s", r->message);
        it_resp_free(r);
    }
    int64_t lo = t[0] < t[1] ? t[0] : t[1], hi = t[0] < t[1] ? t[1] : t[0];
    return t[2] < lo ? lo : (t[2] > hi ? hi : t[2]);
}

static void test_login_failures_look_alike(void **state)
{
    char user[64], pw[160], msg_wrong[256], msg_unknown[256], ghost[64];
    /* the manager's account: the failures here stay below the lockout threshold (3 < 5) and a
     * successful login at the end resets the counter */
    it_cred("AGENCY_DEMO_MANAGER", user, pw);
    it_uniq("ghost", ghost, sizeof ghost);
    it_conn *c = it_connect_stack();
    it_hello(c);
    int64_t known = failed_login_ms(c, user, "not-the-password-1", msg_wrong);
    int64_t unknown = failed_login_ms(c, ghost, "not-the-password-1", msg_unknown);
    assert_string_equal(msg_wrong, msg_unknown);
    print_message("failed login: known user %lld ms, unknown user %lld ms\n", (long long)known,
                  (long long)unknown);
    /* an unknown user must cost a password hash too */
    assert_true(unknown * 3 >= known);
    it_resp *r = it_login(c, user, pw);
    it_assert_ok(r, "login after failures");
    it_resp_free(r);
    it_close(c);
}

static void test_nothing_before_login(void **state)
{
    it_conn *c = it_connect_stack();
    it_hello(c);
    for (size_t i = 0; i < sizeof auth_ops / sizeof auth_ops[0]; i++) {
        it_resp *r = it_call(c, auth_ops[i], "");
        if (r->status != IT_ERROR || strcmp(r->code, "unauthenticated") != 0)
            it_fail("%s before login: expected unauthenticated, got %s", auth_ops[i],
                    it_resp_str(r));
        it_resp_free(r);
    }
    /* the same with arguments, so no argument check answers first */
    IT_CALL_ERR(c, "unauthenticated", "user.get before login", "user.get", "id:u", 1ULL);
    IT_CALL_ERR(c, "unauthenticated", "branch.create before login", "branch.create",
                "name:s city:s timezone:s", "X", "Y", "UTC");
    it_resp *r = IT_CALL_OK(c, "ping before login", "ping", "");
    it_resp_free(r);
    it_close(c);
}

static void test_whoami_and_logout(void **state)
{
    char user[64], pw[160], buf[128];
    it_cred("AGENCY_DEMO_AE", user, pw);
    it_conn *c = it_session("AGENCY_DEMO_AE", NULL);
    it_resp *r = IT_CALL_OK(c, "whoami", "auth.whoami", "");
    const char *name = it_str(r->result, "user.username", buf, sizeof buf);
    if (name == NULL)
        name = it_str(r->result, "username", buf, sizeof buf);
    assert_non_null(name);
    assert_string_equal(name, user);
    it_resp_free(r);
    r = IT_CALL_OK(c, "logout", "auth.logout", "");
    it_resp_free(r);
    IT_CALL_ERR(c, "unauthenticated", "whoami after logout", "auth.whoami", "");
    IT_CALL_ERR(c, "unauthenticated", "user.list after logout", "user.list", "");
    it_close(c);
}

static void test_resume(void **state)
{
    char user[64], pw[160], token[256], buf[128];
    it_cred("AGENCY_DEMO_FINANCE", user, pw);
    it_conn *c1 = it_connect_stack();
    it_hello(c1);
    it_resp *r = it_login(c1, user, pw);
    it_assert_ok(r, "login");
    assert_non_null(it_str(r->result, "token", token, sizeof token));
    it_resp_free(r);

    it_conn *c2 = it_connect_stack();
    it_hello(c2);
    r = IT_CALL_OK(c2, "resume on a new connection", "auth.resume", "token:s", token);
    assert_string_equal(it_str(r->result, "user.username", buf, sizeof buf), user);
    it_resp_free(r);
    r = IT_CALL_OK(c2, "whoami after resume", "auth.whoami", "");
    it_resp_free(r);

    /* a made-up token does not resume anything */
    it_conn *c3 = it_connect_stack();
    it_hello(c3);
    char fake[65];
    memset(fake, 'a', 64);
    fake[64] = '\0';
    IT_CALL_ERR(c3, "unauthenticated", "resume with a made-up token", "auth.resume", "token:s",
                fake);
    it_close(c3);

    r = IT_CALL_OK(c1, "logout", "auth.logout", "");
    it_resp_free(r);
    IT_CALL_ERR(c2, "unauthenticated", "the resumed connection after logout", "auth.whoami", "");
    c3 = it_connect_stack();
    it_hello(c3);
    IT_CALL_ERR(c3, "unauthenticated", "resume after logout", "auth.resume", "token:s", token);
    it_close(c3);
    it_close(c2);
    it_close(c1);
}

/* Sessions live in PostgreSQL: a token from one agencyd resumes on another. */
static void test_resume_on_another_instance(void **state)
{
    char user[64], pw[160], token[256], buf[64];
    it_cred("AGENCY_DEMO_AE_OTHER", user, pw);
    it_conn *a = it_connect_stack();
    it_hello(a);
    it_resp *r = it_login(a, user, pw);
    it_assert_ok(r, "login on the stack server");
    assert_non_null(it_str(r->result, "token", token, sizeof token));
    it_resp_free(r);

    struct it_server s;
    it_server_start(&s, NULL);
    it_conn *b = it_connect_port(s.port);
    it_hello(b);
    r = IT_CALL_OK(b, "resume on a second instance", "auth.resume", "token:s", token);
    assert_string_equal(it_str(r->result, "user.username", buf, sizeof buf), user);
    it_resp_free(r);
    r = IT_CALL_OK(b, "work on the second instance", "user.list", "");
    it_resp_free(r);
    r = IT_CALL_OK(b, "logout on the second instance", "auth.logout", "");
    it_resp_free(r);
    IT_CALL_ERR(a, "unauthenticated", "the first instance after logout on the second",
                "auth.whoami", "");
    it_close(b);
    it_close(a);
    assert_int_equal(it_server_stop(&s), 0);
}

static void test_sessions_and_revoke(void **state)
{
    it_conn *c1 = it_session("AGENCY_DEMO_MANAGER", NULL);
    it_conn *c2 = it_session("AGENCY_DEMO_MANAGER", NULL);
    uint64_t s1 = current_session_id(c1), s2 = current_session_id(c2);
    assert_true(s1 != s2);

    it_resp *r = IT_CALL_OK(c1, "list sessions", "auth.sessions", "");
    uint32_t n;
    const msgpack_object *items = it_items(r->result, &n);
    assert_non_null(items);
    bool seen1 = false, seen2 = false, current1 = false;
    for (uint32_t i = 0; i < n; i++) {
        uint64_t id = 0;
        bool cur = false;
        assert_true(it_u64(&items[i], "id", &id));
        if (id == s1) {
            seen1 = true;
            current1 = it_bool(&items[i], "current", &cur) && cur;
        }
        if (id == s2)
            seen2 = true;
    }
    assert_true(seen1 && seen2);
    assert_true(current1);
    it_resp_free(r);

    r = IT_CALL_OK(c1, "revoke the other session", "auth.revoke", "session_id:u",
                   (unsigned long long)s2);
    it_resp_free(r);
    IT_CALL_ERR(c2, "unauthenticated", "the revoked session", "auth.whoami", "");
    r = IT_CALL_OK(c1, "the revoking session goes on", "auth.whoami", "");
    it_resp_free(r);
    it_close(c2);
    it_close(c1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_request_before_hello),
        cmocka_unit_test(test_hello_versions),
        cmocka_unit_test(test_login_success),
        cmocka_unit_test(test_login_failures_look_alike),
        cmocka_unit_test(test_nothing_before_login),
        cmocka_unit_test(test_whoami_and_logout),
        cmocka_unit_test(test_resume),
        cmocka_unit_test_teardown(test_resume_on_another_instance, it_teardown),
        cmocka_unit_test(test_sessions_and_revoke),
    };
    return cmocka_run_group_tests(tests, NULL, it_teardown);
}
