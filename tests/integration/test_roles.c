/*
 * test_roles.c - who may change staff: role denials answer forbidden and leave an audit row,
 * directors succeed, stale versions conflict, bad arguments answer invalid with the field and
 * store nothing, and a branch's allowed networks are enforced at login.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "itest.h"

#define PW "Marble-canyon-4417"

/* A string of n copies of c (n < size). */
static char *repeat(char *buf, size_t size, char ch, size_t n)
{
    assert_true(n < size);
    memset(buf, ch, n);
    buf[n] = '\0';
    return buf;
}

struct denial {
    const char *cred;
    const char *op;
};

static void test_role_denials_are_audited(void **state)
{
    static const struct denial cases[] = {
        {"AGENCY_DEMO_AE", "branch.create"},        {"AGENCY_DEMO_AE", "user.create"},
        {"AGENCY_DEMO_AE", "team.create"},          {"AGENCY_DEMO_AE", "user.reset_password"},
        {"AGENCY_DEMO_AE", "user.update"},          {"AGENCY_DEMO_MANAGER", "user.create"},
        {"AGENCY_DEMO_MANAGER", "branch.create"},   {"AGENCY_DEMO_FINANCE", "user.create"},
        {"AGENCY_DEMO_FINANCE", "user.deactivate"},
    };
    char name[64], user[64], pw[160];
    it_conn *dir = it_session("AGENCY_DEMO_DIRECTOR", NULL);
    uint64_t branch = it_find_id(dir, "branch.list", "name", "Istanbul");
    uint64_t team = it_find_id(dir, "team.list", "name", "Istanbul Brands");
    uint64_t victim = it_find_id(dir, "user.list", "username", "zhang.min");
    assert_true(branch > 0 && team > 0 && victim > 0);
    long branches = it_count_items(dir, "branch.list");
    long users = it_count_items(dir, "user.list");

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        uint64_t uid = 0;
        it_cred(cases[i].cred, user, pw);
        it_conn *c = it_session(cases[i].cred, &uid);
        long long before = it_audit_count(cases[i].op, "denied|forbidden", user, uid);
        it_uniq("deny", name, sizeof name);
        it_resp *r;
        const char *op = cases[i].op;
        if (strcmp(op, "branch.create") == 0)
            r = it_call(c, op, "name:s city:s timezone:s", name, "Izmir", "Europe/Istanbul");
        else if (strcmp(op, "team.create") == 0)
            r = it_call(c, op, "name:s branch_id:u manager_id:u", name, (unsigned long long)branch,
                        (unsigned long long)uid);
        else if (strcmp(op, "user.create") == 0)
            r = it_call(c, op,
                        "username:s full_name:s email:s role:s branch_id:u team_id:u password:s",
                        name, "Denied Person", "denied@example.test", "ae",
                        (unsigned long long)branch, (unsigned long long)team, PW);
        else if (strcmp(op, "user.update") == 0)
            r = it_call(c, op, "id:u version:u full_name:s", (unsigned long long)victim, 1ULL,
                        "Renamed");
        else
            r = it_call(c, op, "id:u", (unsigned long long)victim);
        if (r->status != IT_ERROR || strcmp(r->code, "forbidden") != 0)
            it_fail("%s as %s: expected forbidden, got %s", op, user, it_resp_str(r));
        it_resp_free(r);
        long long after = it_audit_count(op, "denied|forbidden", user, uid);
        if (after != before + 1)
            it_fail("%s denied to %s: %lld audit rows before, %lld after (expected one more)", op,
                    user, before, after);
        it_close(c);
    }
    /* nothing was created */
    assert_int_equal(it_count_items(dir, "branch.list"), branches);
    assert_int_equal(it_count_items(dir, "user.list"), users);
    it_close(dir);
}

static void test_director_manages_staff(void **state)
{
    char bname[64], tname[64], mname[64], aname[64], buf[256];
    uint64_t dir_id = 0;
    it_conn *dir = it_session("AGENCY_DEMO_DIRECTOR", &dir_id);
    char dir_user[64], pw[160];
    it_cred("AGENCY_DEMO_DIRECTOR", dir_user, pw);

    it_uniq("Branch ", bname, sizeof bname);
    it_resp *r = IT_CALL_OK(dir, "director creates a branch", "branch.create",
                            "name:s city:s timezone:s", bname, "Izmir", "Europe/Istanbul");
    uint64_t branch = 0;
    assert_true(it_u64(r->result, "id", &branch));
    it_resp_free(r);
    assert_int_equal(it_find_id(dir, "branch.list", "name", bname), branch);
    assert_true(it_audit_count("branch.create", "ok", dir_user, dir_id) >= 1);

    it_uniq("mgr", mname, sizeof mname);
    r = IT_CALL_OK(dir, "a manager for the new branch", "user.create",
                   "username:s full_name:s email:s role:s branch_id:u password:s", mname,
                   "New Manager", "mgr@example.test", "manager", (unsigned long long)branch, PW);
    uint64_t mgr = 0;
    assert_true(it_u64(r->result, "id", &mgr));
    it_resp_free(r);

    it_uniq("Team ", tname, sizeof tname);
    r = IT_CALL_OK(dir, "director creates a team", "team.create", "name:s branch_id:u manager_id:u",
                   tname, (unsigned long long)branch, (unsigned long long)mgr);
    uint64_t team = 0;
    assert_true(it_u64(r->result, "id", &team));
    it_resp_free(r);
    assert_int_equal(it_find_id(dir, "team.list", "name", tname), team);

    it_uniq("ae", aname, sizeof aname);
    r = IT_CALL_OK(dir, "an AE in the new team", "user.create",
                   "username:s full_name:s email:s role:s branch_id:u team_id:u password:s", aname,
                   "\xe5\xbc\xa0\xe4\xbc\x9f", "ae@example.test", "ae", (unsigned long long)branch,
                   (unsigned long long)team, PW);
    uint64_t ae = 0;
    assert_true(it_u64(r->result, "id", &ae));
    it_resp_free(r);
    r = IT_CALL_OK(dir, "user.get of the new AE", "user.get", "id:u", (unsigned long long)ae);
    assert_string_equal(it_str(r->result, "username", buf, sizeof buf), aname);
    assert_string_equal(it_str(r->result, "full_name", buf, sizeof buf),
                        "\xe5\xbc\xa0\xe4\xbc\x9f");
    assert_string_equal(it_str(r->result, "role", buf, sizeof buf), "ae");
    it_resp_free(r);

    it_conn *c = it_connect_stack();
    it_hello(c);
    r = it_login(c, aname, PW);
    it_assert_ok(r, "the new AE logs in");
    it_resp_free(r);
    it_close(c);
    it_close(dir);
}

static void test_versions_and_missing_rows(void **state)
{
    char user[64], buf[256];
    uint64_t dir_id = 0;
    it_conn *dir = it_session("AGENCY_DEMO_DIRECTOR", &dir_id);
    uint64_t id = it_create_user(dir, "ver", "ae", PW, user, sizeof user);
    it_resp *r = IT_CALL_OK(dir, "user.get", "user.get", "id:u", (unsigned long long)id);
    uint64_t version = 0;
    assert_true(it_u64(r->result, "version", &version));
    it_resp_free(r);

    r = IT_CALL_OK(dir, "update with the version read", "user.update", "id:u version:u full_name:s",
                   (unsigned long long)id, (unsigned long long)version, "First Change");
    it_resp_free(r);
    IT_CALL_ERR(dir, "conflict", "update with the stale version", "user.update",
                "id:u version:u full_name:s", (unsigned long long)id, (unsigned long long)version,
                "Lost Update");
    r = IT_CALL_OK(dir, "user.get after the conflict", "user.get", "id:u", (unsigned long long)id);
    assert_string_equal(it_str(r->result, "full_name", buf, sizeof buf), "First Change");
    uint64_t v2 = 0;
    assert_true(it_u64(r->result, "version", &v2));
    assert_true(v2 > version);
    it_resp_free(r);

    /* the change is in the audit trail: who, from where, what, outcome */
    char idtext[32], dirtext[32];
    snprintf(idtext, sizeof idtext, "%llu", (unsigned long long)id);
    snprintf(dirtext, sizeof dirtext, "%llu", (unsigned long long)dir_id);
    assert_int_equal(it_db_ll("SELECT count(*) FROM agency.audit_log WHERE op = 'user.update'"
                              " AND outcome = 'ok' AND target = 'user:' || $1"
                              " AND user_id = $2::bigint AND role = 'director'"
                              " AND host(peer) = '127.0.0.1' AND session_id IS NOT NULL"
                              " AND at > now() - interval '1 minute'",
                              2, idtext, dirtext),
                     1);
    IT_CALL_ERR(dir, "not_found", "user.get of a missing id", "user.get", "id:u", 900000000000ULL);
    IT_CALL_ERR(dir, "not_found", "user.update of a missing id", "user.update",
                "id:u version:u full_name:s", 900000000000ULL, 1ULL, "Nobody");
    IT_CALL_ERR(dir, "not_found", "user.unlock of a missing id", "user.unlock", "id:u",
                900000000000ULL);
    it_close(dir);
}

static void test_deactivation_ends_sessions(void **state)
{
    char user[64];
    it_conn *dir = it_session("AGENCY_DEMO_DIRECTOR", NULL);
    uint64_t id = it_create_user(dir, "gone", "ae", PW, user, sizeof user);
    it_conn *c = it_connect_stack();
    it_hello(c);
    it_resp *r = it_login(c, user, PW);
    it_assert_ok(r, "login before deactivation");
    it_resp_free(r);

    r = IT_CALL_OK(dir, "deactivate", "user.deactivate", "id:u", (unsigned long long)id);
    it_resp_free(r);
    IT_CALL_ERR(c, "unauthenticated", "the session of a deactivated user", "auth.whoami", "");
    it_close(c);
    c = it_connect_stack();
    it_hello(c);
    r = it_login(c, user, PW);
    it_assert_err(r, "unauthenticated", "login of a deactivated user");
    it_resp_free(r);
    it_close(c);

    r = IT_CALL_OK(dir, "user.get of the deactivated user", "user.get", "id:u",
                   (unsigned long long)id);
    bool active = true;
    assert_true(it_bool(r->result, "active", &active));
    assert_false(active);
    it_resp_free(r);
    it_close(dir);
}

/* Invalid arguments to every staff operation, each answered with its field. */
static void invalid_cases(it_conn *d, uint64_t branch, uint64_t team, uint64_t other_team)
{
    char s201[256], big[400], name[64];
    static const char *const bad_prefix[] = {"10.0.0.0/33", NULL};
    static const char *const bad_net[] = {"not-a-network", NULL};
    unsigned long long b = branch, t = team;
    repeat(s201, sizeof s201, 'n', 201);
    it_uniq("Inv ", name, sizeof name);

    it_expect_invalid(d, "id of the wrong type", "id", "user.get", "id:s", "1");
    it_expect_invalid(d, "id 0", "id", "user.get", "id:u", 0ULL);
    it_expect_invalid(d, "negative id", "id", "user.get", "id:i", -1LL);
    it_expect_invalid(d, "missing id", "id", "user.get", "");
    it_expect_invalid(d, "limit 501", "limit", "user.list", "limit:u", 501ULL);
    it_expect_invalid(d, "limit 0", "limit", "user.list", "limit:u", 0ULL);
    it_expect_invalid(d, "a role that does not exist", "role", "user.list", "role:s", "emperor");
    it_expect_invalid(d, "active as a string", "active", "user.list", "active:s", "yes");
    it_expect_invalid(d, "an unknown argument", "colour", "user.list", "colour:s", "blue");

    it_expect_invalid(d, "branch name of 201 chars", "name", "branch.create",
                      "name:s city:s timezone:s", s201, "Izmir", "Europe/Istanbul");
    it_expect_invalid(d, "branch name not UTF-8", "name", "branch.create",
                      "name:S city:s timezone:s", "Bad\xc3\x28", (size_t)5, "Izmir",
                      "Europe/Istanbul");
    it_expect_invalid(d, "branch name overlong UTF-8", "name", "branch.create",
                      "name:S city:s timezone:s", "Bad\xc0\xaf", (size_t)5, "Izmir",
                      "Europe/Istanbul");
    it_expect_invalid(d, "city as a number", "city", "branch.create", "name:s city:u timezone:s",
                      name, 42ULL, "Europe/Istanbul");
    it_expect_invalid(d, "timezone missing", "timezone", "branch.create", "name:s city:s", name,
                      "Izmir");
    it_expect_invalid(d, "a timezone that does not exist", "timezone", "branch.create",
                      "name:s city:s timezone:s", name, "Izmir", "Mars/Olympus_Mons");
    it_expect_invalid(d, "a CIDR prefix of 33", "allowed_networks", "branch.create",
                      "name:s city:s timezone:s allowed_networks:a", name, "Izmir",
                      "Europe/Istanbul", bad_prefix);
    it_expect_invalid(d, "a CIDR that is not one", "allowed_networks", "branch.create",
                      "name:s city:s timezone:s allowed_networks:a", name, "Izmir",
                      "Europe/Istanbul", bad_net);

    it_expect_invalid(d, "team branch_id 0", "branch_id", "team.create",
                      "name:s branch_id:u manager_id:u", name, 0ULL, 1ULL);
    it_expect_invalid(d, "team name of 201 chars", "name", "team.create",
                      "name:s branch_id:u manager_id:u", s201, b, 1ULL);
    it_expect_invalid(d, "manager_id as a string", "manager_id", "team.create",
                      "name:s branch_id:u manager_id:s", name, b, "1");

    const char *ufmt = "username:s full_name:s email:s role:s branch_id:u team_id:u password:s";
    it_expect_invalid(d, "role not in the list", "role", "user.create", ufmt, "inv.role", "Role",
                      "r@example.test", "emperor", b, t, PW);
    it_expect_invalid(d, "user name with a space", "username", "user.create", ufmt, "Bad Name",
                      "Name", "n@example.test", "ae", b, t, PW);
    it_expect_invalid(d, "full name of 201 chars", "full_name", "user.create", ufmt, "inv.full",
                      s201, "f@example.test", "ae", b, t, PW);
    it_expect_invalid(d, "full name with a control char", "full_name", "user.create", ufmt,
                      "inv.ctrl", "Line\nBreak", "c@example.test", "ae", b, t, PW);
    repeat(big, sizeof big, 'e', 255);
    memcpy(big + 250, "@x.io", 6);
    it_expect_invalid(d, "email of 255 chars", "email", "user.create", ufmt, "inv.mail", "Mail",
                      big, "ae", b, t, PW);
    it_expect_invalid(d, "password of 7 chars", "password", "user.create", ufmt, "inv.pass", "Pass",
                      "p@example.test", "ae", b, t, "Qz7!mk2");
    it_expect_invalid(d, "a common password", "password", "user.create", ufmt, "inv.common",
                      "Common", "p@example.test", "ae", b, t, "password123");
    it_expect_invalid(d, "branch_id 0", "branch_id", "user.create", ufmt, "inv.branch", "Branch",
                      "b@example.test", "ae", 0ULL, t, PW);
    it_expect_invalid(d, "a team of another branch", "team_id", "user.create", ufmt, "inv.team",
                      "Team", "t@example.test", "ae", b, (unsigned long long)other_team, PW);

    it_expect_invalid(d, "version as a string", "version", "user.update", "id:u version:s", 1ULL,
                      "1");
    it_expect_invalid(d, "negative approval limit", "approval_limit", "user.update",
                      "id:u version:u approval_limit:i", 1ULL, 1ULL, -5LL);
    it_expect_invalid(d, "session_id 0", "session_id", "auth.revoke", "session_id:u", 0ULL);
    it_expect_invalid(d, "a malformed idempotency key", "idempotency_key", "user.unlock",
                      "id:u idempotency_key:s", 1ULL, "not-a-uuid");
}

static void test_invalid_arguments_store_nothing(void **state)
{
    char name[64];
    it_conn *d = it_session("AGENCY_DEMO_DIRECTOR", NULL);
    uint64_t branch = it_find_id(d, "branch.list", "name", "Istanbul");
    uint64_t team = it_find_id(d, "team.list", "name", "Istanbul Brands");
    uint64_t other = it_find_id(d, "team.list", "name", "Milano Retail");
    assert_true(branch > 0 && team > 0 && other > 0);
    long branches = it_count_items(d, "branch.list");
    long teams = it_count_items(d, "team.list");
    long users = it_count_items(d, "user.list");

    invalid_cases(d, branch, team, other);

    assert_int_equal(it_count_items(d, "branch.list"), branches);
    assert_int_equal(it_count_items(d, "team.list"), teams);
    assert_int_equal(it_count_items(d, "user.list"), users);

    /* the limits are limits, not off by one: 200 characters (Chinese ones) are a valid name */
    char n200[700];
    size_t off = (size_t)snprintf(n200, sizeof n200, "%s", it_uniq("B", name, sizeof name));
    size_t chars = strlen(name);
    while (chars < 200) {
        memcpy(n200 + off, "\xe5\x8c\x97", 3); /* one Chinese character, 3 bytes */
        off += 3;
        chars++;
    }
    n200[off] = '\0';
    it_resp *r = IT_CALL_OK(d, "a branch name of exactly 200 characters", "branch.create",
                            "name:s city:s timezone:s", n200, "Beijing", "Asia/Shanghai");
    it_resp_free(r);
    assert_true(it_find_id(d, "branch.list", "name", n200) > 0);
    it_close(d);
}

static void test_allowed_networks(void **state)
{
    static const char *const elsewhere[] = {"10.99.0.0/16", "2001:db8::/32", NULL};
    static const char *const loopback[] = {"127.0.0.0/8", NULL};
    char bname[64], uname[64], lname[64], lbranch[64];
    it_conn *d = it_session("AGENCY_DEMO_DIRECTOR", NULL);

    it_uniq("Remote ", bname, sizeof bname);
    it_resp *r = IT_CALL_OK(d, "branch with remote networks only", "branch.create",
                            "name:s city:s timezone:s allowed_networks:a", bname, "Roma",
                            "Europe/Rome", elsewhere);
    uint64_t branch = 0;
    assert_true(it_u64(r->result, "id", &branch));
    it_resp_free(r);
    it_uniq("net", uname, sizeof uname);
    r = IT_CALL_OK(d, "a user in that branch", "user.create",
                   "username:s full_name:s email:s role:s branch_id:u password:s", uname,
                   "Remote Worker", "remote@example.test", "finance", (unsigned long long)branch,
                   PW);
    uint64_t uid = 0;
    assert_true(it_u64(r->result, "id", &uid));
    it_resp_free(r);

    it_uniq("Local ", lbranch, sizeof lbranch);
    r = IT_CALL_OK(d, "branch allowing loopback", "branch.create",
                   "name:s city:s timezone:s allowed_networks:a", lbranch, "Roma", "Europe/Rome",
                   loopback);
    uint64_t lb = 0;
    assert_true(it_u64(r->result, "id", &lb));
    it_resp_free(r);
    it_uniq("loc", lname, sizeof lname);
    r = IT_CALL_OK(d, "a user in the loopback branch", "user.create",
                   "username:s full_name:s email:s role:s branch_id:u password:s", lname,
                   "Local Worker", "local@example.test", "finance", (unsigned long long)lb, PW);
    it_resp_free(r);

    long long before = it_audit_count("auth.login", "forbidden|denied", uname, uid);
    it_conn *c = it_connect_stack();
    it_hello(c);
    r = it_login(c, uname, PW);
    it_assert_err(r, "forbidden", "login from outside the branch's networks");
    it_resp_free(r);
    IT_CALL_ERR(c, "unauthenticated", "no session after the refused login", "auth.whoami", "");
    assert_int_equal(it_audit_count("auth.login", "forbidden|denied", uname, uid), before + 1);

    r = it_login(c, lname, PW);
    it_assert_ok(r, "login from inside the branch's networks");
    it_resp_free(r);
    it_close(c);
    it_close(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_role_denials_are_audited),
        cmocka_unit_test(test_director_manages_staff),
        cmocka_unit_test(test_versions_and_missing_rows),
        cmocka_unit_test(test_deactivation_ends_sessions),
        cmocka_unit_test(test_invalid_arguments_store_nothing),
        cmocka_unit_test(test_allowed_networks),
    };
    return cmocka_run_group_tests(tests, NULL, it_teardown);
}
