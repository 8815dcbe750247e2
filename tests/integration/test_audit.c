/*
 * test_audit.c - the audit trail as a director's tool, through the protocol: audit.search's
 * filters, paging and cursors, bad input per argument; audit.verify against an edited and a
 * removed row and under concurrent writers; audit.access across a rotation, a team move, a
 * promotion and a deactivation, at instants before, between and after.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "itest.h"

#define PASSWORD "audit-test-pass-2026"

/* ---- helpers ---- */

/* The current database time as an RFC 3339 UTC instant with microseconds into buf[40]. */
static const char *instant(char *buf)
{
    return it_db_text(buf, 40,
                      "SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC',"
                      " 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')",
                      0);
}

static uint64_t user_id_of(const char *username)
{
    return (uint64_t)it_db_ll("SELECT id FROM agency.users WHERE username = $1", 1, username);
}

/* Runs SQL statements as the owner; fails the test on an error. */
static void owner_exec(const char *sql)
{
    PGresult *r = PQexec(it_db(), sql);
    ExecStatusType st = PQresultStatus(r);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
        char msg[300];
        snprintf(msg, sizeof msg, "%s", PQresultErrorMessage(r));
        PQclear(r);
        it_fail("owner SQL failed: %s", msg);
    }
    PQclear(r);
}

/* ---- audit.search ---- */

/* Every id audit.search answers for the filters (user_id and op), page by page with limit 2;
 * fails unless ids strictly decrease. Returns the count. */
static long search_all(it_conn *d, uint64_t user, const char *op)
{
    char cursor[256] = "";
    uint64_t last = UINT64_MAX;
    long n = 0;
    for (int page = 0; page < 500; page++) {
        it_resp *r = cursor[0] ? it_call(d, "audit.search", "user_id:u op:s limit:u cursor:s",
                                         (unsigned long long)user, op, 2ULL, cursor)
                               : it_call(d, "audit.search", "user_id:u op:s limit:u",
                                         (unsigned long long)user, op, 2ULL);
        it_assert_ok(r, "audit.search page");
        uint32_t count;
        const msgpack_object *items = it_items(r->result, &count);
        assert_true(count <= 2);
        for (uint32_t i = 0; i < count; i++) {
            uint64_t id = 0, who = 0;
            char got_op[64];
            assert_true(it_u64(&items[i], "id", &id));
            assert_true(it_u64(&items[i], "user.id", &who));
            assert_non_null(it_str(&items[i], "op", got_op, sizeof got_op));
            if (id >= last || who != user || strcmp(got_op, op) != 0)
                it_fail("page %d: row %llu (user %llu, op %s) out of order or outside the filter",
                        page, (unsigned long long)id, (unsigned long long)who, got_op);
            last = id;
            n++;
        }
        bool more = it_str(r->result, "next_cursor", cursor, sizeof cursor) != NULL;
        it_resp_free(r);
        if (!more)
            return n;
    }
    it_fail("audit.search did not end within 500 pages");
    return n;
}

static void test_search(void **state)
{
    (void)state;
    uint64_t director = 0, ae = 0;
    it_conn *d = it_session("AGENCY_DEMO_DIRECTOR", &director);
    it_conn *a = it_session("AGENCY_DEMO_AE", &ae);

    /* a refusal, then the director finds it by user, operation and outcome */
    IT_CALL_ERR(a, "forbidden", "AE audit.search", "audit.search", NULL);
    it_resp *r = IT_CALL_OK(d, "search denials", "audit.search", "user_id:u op:s outcome:s",
                            (unsigned long long)ae, "audit.search", "denied");
    uint32_t count;
    const msgpack_object *items = it_items(r->result, &count);
    assert_true(count >= 1);
    char buf[64];
    assert_string_equal(it_str(&items[0], "outcome", buf, sizeof buf), "denied");
    assert_string_equal(it_str(&items[0], "role", buf, sizeof buf), "ae");
    assert_non_null(it_str(&items[0], "user.name", buf, sizeof buf));
    assert_non_null(it_str(&items[0], "at", buf, sizeof buf));
    it_resp_free(r);
    r = IT_CALL_OK(d, "no ok rows", "audit.search", "user_id:u op:s outcome:s",
                   (unsigned long long)ae, "audit.search", "ok");
    it_items(r->result, &count);
    assert_int_equal(count, 0);
    it_resp_free(r);

    /* a client's rows name the client; paging answers every row once, newest first */
    char name[96], uniq[48];
    snprintf(name, sizeof name, "Audit Target %s", it_uniq("", uniq, sizeof uniq));
    uint64_t client = it_client_create_forced(d, name, ae);
    for (int i = 0; i < 4; i++) {
        char notes[32];
        snprintf(notes, sizeof notes, "note %d", i);
        it_resp *u = IT_CALL_OK(d, "client.get", "client.get", "id:u", (unsigned long long)client);
        uint64_t version = 0;
        assert_true(it_u64(u->result, "version", &version));
        it_resp_free(u);
        it_resp_free(IT_CALL_OK(d, "client.update", "client.update", "id:u version:u notes:s",
                                (unsigned long long)client, (unsigned long long)version, notes));
    }
    r = IT_CALL_OK(d, "by client", "audit.search", "client_id:u", (unsigned long long)client);
    items = it_items(r->result, &count);
    assert_int_equal(count, 5); /* the create and four updates */
    assert_string_equal(it_str(&items[0], "target.kind", buf, sizeof buf), "client");
    assert_string_equal(it_str(&items[0], "target.name", buf, sizeof buf), name);
    assert_string_equal(it_str(&items[0], "op", buf, sizeof buf), "client.update");
    assert_string_equal(it_str(&items[4], "op", buf, sizeof buf), "client.create");
    it_resp_free(r);
    long paged = search_all(d, director, "client.update");
    char id[24];
    snprintf(id, sizeof id, "%llu", (unsigned long long)director);
    assert_int_equal(paged, it_db_ll("SELECT count(*) FROM agency.audit_log WHERE user_id = "
                                     "$1::bigint AND op = 'client.update'",
                                     1, id));

    /* reading the trail is audited */
    long long before = it_audit_count("audit.search", "ok", NULL, director);
    it_resp_free(IT_CALL_OK(d, "search", "audit.search", "op:s", "client.assign"));
    assert_int_equal(it_audit_count("audit.search", "ok", NULL, director), before + 1);

    /* a period: until before since is refused; a period in the past holds nothing of now */
    it_expect_invalid(d, "until < since", "until", "audit.search", "since:s until:s",
                      "2026-10-02T00:00:00Z", "2026-10-01T00:00:00Z");
    r = IT_CALL_OK(d, "old period", "audit.search", "client_id:u until:s",
                   (unsigned long long)client, "2001-01-01T00:00:00Z");
    it_items(r->result, &count);
    assert_int_equal(count, 0);
    it_resp_free(r);
    it_close(a);
    it_close(d);
}

static void test_search_bad_input(void **state)
{
    (void)state;
    it_conn *d = it_session("AGENCY_DEMO_DIRECTOR", NULL);
    it_expect_invalid(d, "user 0", "user_id", "audit.search", "user_id:u", 0ULL);
    it_expect_invalid(d, "user text", "user_id", "audit.search", "user_id:s", "alice");
    it_expect_invalid(d, "unknown user", "user_id", "audit.search", "user_id:u", 999999999ULL);
    it_expect_invalid(d, "unknown client", "client_id", "audit.search", "client_id:u",
                      999999999ULL);
    it_expect_invalid(d, "client out of range", "client_id", "audit.search", "client_id:i", -1LL);
    it_expect_invalid(d, "unknown branch", "branch_id", "audit.search", "branch_id:u",
                      999999999ULL);
    it_expect_invalid(d, "unknown op", "op", "audit.search", "op:s", "client.explode");
    char longop[80];
    memset(longop, 'x', 70);
    longop[70] = '\0';
    it_expect_invalid(d, "oversized op", "op", "audit.search", "op:s", longop);
    it_expect_invalid(d, "outcome", "outcome", "audit.search", "outcome:s", "maybe");
    it_expect_invalid(d, "since", "since", "audit.search", "since:s", "7d");
    it_expect_invalid(d, "until", "until", "audit.search", "until:s", "2026-13-01T00:00:00Z");
    it_expect_invalid(d, "limit 0", "limit", "audit.search", "limit:u", 0ULL);
    it_expect_invalid(d, "limit 501", "limit", "audit.search", "limit:u", 501ULL);
    it_expect_invalid(d, "forged cursor", "cursor", "audit.search", "cursor:s", "!!not-base64");
    it_expect_invalid(d, "forged cursor of the kind", "cursor", "audit.search", "cursor:s",
                      "QSw1"); /* "A,5": no fingerprint */

    /* a cursor of another list, and one of another query of this list */
    it_resp *r = IT_CALL_OK(d, "client.list", "client.list", "limit:u", 1ULL);
    char cursor[256];
    assert_non_null(it_str(r->result, "next_cursor", cursor, sizeof cursor));
    it_resp_free(r);
    it_expect_invalid(d, "client.list's cursor", "cursor", "audit.search", "cursor:s", cursor);
    r = IT_CALL_OK(d, "search page", "audit.search", "op:s limit:u", "auth.login", 1ULL);
    assert_non_null(it_str(r->result, "next_cursor", cursor, sizeof cursor));
    it_resp_free(r);
    it_resp_free(IT_CALL_OK(d, "same query, next page", "audit.search", "op:s limit:u cursor:s",
                            "auth.login", 1ULL, cursor));
    it_expect_invalid(d, "cursor of other filters", "cursor", "audit.search",
                      "op:s outcome:s cursor:s", "auth.login", "ok", cursor);
    it_expect_invalid(d, "cursor without its filters", "cursor", "audit.search", "cursor:s",
                      cursor);

    it_expect_invalid(d, "verify since 0", "since_id", "audit.verify", "since_id:u", 0ULL);
    it_expect_invalid(d, "verify unknown row", "since_id", "audit.verify", "since_id:u",
                      999999999ULL);
    it_expect_invalid(d, "verify limit 0", "limit", "audit.verify", "limit:u", 0ULL);
    it_expect_invalid(d, "verify limit too long", "limit", "audit.verify", "limit:u", 50001ULL);
    it_expect_invalid(d, "access without client", "client_id", "audit.access", "at:s",
                      "2026-10-01T00:00:00Z");
    it_expect_invalid(d, "access without at", "at", "audit.access", "client_id:u", 1ULL);
    it_expect_invalid(d, "access unknown client", "client_id", "audit.access", "client_id:u at:s",
                      999999999ULL, "2026-10-01T00:00:00Z");
    it_expect_invalid(d, "access at a date", "at", "audit.access", "client_id:u at:s", 1ULL,
                      "2026-10-01");
    uint64_t some_client = (uint64_t)it_db_ll("SELECT min(id) FROM agency.clients", 0);
    it_expect_invalid(d, "access in the future", "at", "audit.access", "client_id:u at:s",
                      (unsigned long long)some_client, "2999-01-01T00:00:00Z");
    it_close(d);
}

/* ---- audit.verify ---- */

/* audit.verify {since_id?} on d: ok, and first_bad_id (0 when nil). */
static bool verify(it_conn *d, uint64_t since, uint64_t *bad, uint64_t *checked)
{
    it_resp *r = since ? it_call(d, "audit.verify", "since_id:u", (unsigned long long)since)
                       : it_call(d, "audit.verify", NULL);
    it_assert_ok(r, "audit.verify");
    bool ok = false;
    *bad = 0;
    assert_true(it_bool(r->result, "ok", &ok));
    it_u64(r->result, "first_bad_id", bad);
    if (checked)
        assert_true(it_u64(r->result, "checked", checked));
    it_resp_free(r);
    return ok;
}

static void seal_all(void)
{
    it_db_ll("SELECT agency.audit_seal(1000000)", 0);
}

static void test_verify_tamper(void **state)
{
    (void)state;
    it_conn *d = it_session("AGENCY_DEMO_DIRECTOR", NULL);
    seal_all();
    uint64_t bad = 0, checked = 0;
    assert_true(verify(d, 0, &bad, &checked));
    assert_true(checked > 10);
    assert_int_equal(bad, 0);

    /* in steps: a limit stops the walk and next_id goes on from there */
    it_resp *r = IT_CALL_OK(d, "a step", "audit.verify", "limit:u", 3ULL);
    uint64_t next = 0, step = 0, sealed = 0;
    assert_true(it_u64(r->result, "checked", &step) && step == 3);
    assert_true(it_u64(r->result, "next_id", &next) && next > 0);
    assert_true(it_u64(r->result, "sealed", &sealed) && sealed >= checked);
    it_resp_free(r);
    r = IT_CALL_OK(d, "the next step", "audit.verify", "since_id:u limit:u",
                   (unsigned long long)next, 3ULL);
    bool ok = false;
    assert_true(it_bool(r->result, "ok", &ok) && ok);
    assert_true(it_u64(r->result, "checked", &step) && step == 3);
    it_resp_free(r);

    /* an edited row is named */
    long long victim = it_db_ll("SELECT id FROM agency.audit_log WHERE seal_seq ="
                                " (SELECT max(seal_seq) - 5 FROM agency.audit_log)",
                                0);
    char sql[1024];
    snprintf(sql, sizeof sql,
             "CREATE TEMP TABLE audit_saved AS SELECT * FROM agency.audit_log WHERE id = %lld;"
             "BEGIN; ALTER TABLE agency.audit_log DISABLE TRIGGER audit_log_guard;"
             "UPDATE agency.audit_log SET detail = coalesce(detail, '') || ' (edited)'"
             " WHERE id = %lld;"
             "ALTER TABLE agency.audit_log ENABLE TRIGGER audit_log_guard; COMMIT;",
             victim, victim);
    owner_exec(sql);
    assert_false(verify(d, 0, &bad, NULL));
    assert_int_equal(bad, (uint64_t)victim);
    snprintf(sql, sizeof sql,
             "BEGIN; ALTER TABLE agency.audit_log DISABLE TRIGGER audit_log_guard;"
             "UPDATE agency.audit_log a SET detail = s.detail FROM audit_saved s WHERE a.id = s.id;"
             "ALTER TABLE agency.audit_log ENABLE TRIGGER audit_log_guard; COMMIT;");
    owner_exec(sql);
    assert_true(verify(d, 0, &bad, NULL));

    /* a removed row: the row after the gap is named; putting it back mends the chain */
    char vid[24];
    snprintf(vid, sizeof vid, "%lld", victim);
    long long after = it_db_ll("SELECT id FROM agency.audit_log WHERE seal_seq ="
                               " (SELECT seal_seq + 1 FROM agency.audit_log WHERE id = $1::bigint)",
                               1, vid);
    snprintf(sql, sizeof sql,
             "BEGIN; ALTER TABLE agency.audit_log DISABLE TRIGGER audit_log_guard;"
             "DELETE FROM agency.audit_log WHERE id = %lld;"
             "ALTER TABLE agency.audit_log ENABLE TRIGGER audit_log_guard; COMMIT;",
             victim);
    owner_exec(sql);
    assert_false(verify(d, 0, &bad, NULL));
    assert_int_equal(bad, (uint64_t)after);
    /* verifying from the row after the gap on checks the rest and finds it whole */
    assert_true(verify(d, (uint64_t)after, &bad, &checked));
    owner_exec("INSERT INTO agency.audit_log OVERRIDING SYSTEM VALUE SELECT * FROM audit_saved;"
               "DROP TABLE audit_saved;");
    assert_true(verify(d, 0, &bad, NULL));
    it_close(d);
}

/* Writers on several connections at once: sealing links every row once, in order. */
static void test_verify_concurrent(void **state)
{
    (void)state;
    enum { WRITERS = 4, EACH = 25 };
    uint64_t ae = 0;
    it_conn *d = it_session("AGENCY_DEMO_DIRECTOR", NULL);
    it_conn *w[WRITERS];
    for (int i = 0; i < WRITERS; i++)
        w[i] = it_session("AGENCY_DEMO_AE", &ae);
    char name[96], uniq[48];
    snprintf(name, sizeof name, "Audit Chain %s", it_uniq("", uniq, sizeof uniq));
    uint64_t client = it_client_create_forced(d, name, ae);
    long long rows_before = it_db_ll("SELECT count(*) FROM agency.audit_log", 0);
    for (int k = 0; k < EACH; k++)
        for (int i = 0; i < WRITERS; i++)
            assert_true(it_send(w[i], "activity.log", "client_id:u kind:s summary:s",
                                (unsigned long long)client, "note", "chain under load") != 0);
    for (int k = 0; k < EACH; k++)
        for (int i = 0; i < WRITERS; i++) {
            it_resp *r = it_recv(w[i], IT_TIMEOUT_MS);
            it_assert_ok(r, "concurrent activity.log");
            it_resp_free(r);
        }
    assert_true(it_db_ll("SELECT count(*) FROM agency.audit_log", 0) >=
                rows_before + WRITERS * EACH);
    /* the server's janitor seals them (bounded wait): no gaps, no forks */
    int64_t until = it_now_ms() + 10000;
    while (
        it_db_ll("SELECT count(*) FROM agency.audit_log WHERE seal_seq IS NULL"
                 " AND id <= (SELECT max(id) FROM agency.audit_log a WHERE a.op = 'activity.log')",
                 0) > 0 &&
        it_now_ms() < until)
        it_sleep_ms(50);
    assert_int_equal(it_db_ll("SELECT count(*) FROM agency.audit_log WHERE seal_seq IS NULL"
                              " AND id <= (SELECT max(id) FROM agency.audit_log a"
                              "            WHERE a.op = 'activity.log')",
                              0),
                     0);
    assert_int_equal(it_db_ll("SELECT max(seal_seq) - count(*) FROM agency.audit_log"
                              " WHERE seal_seq IS NOT NULL",
                              0),
                     0);
    uint64_t bad = 0, checked = 0;
    assert_true(verify(d, 0, &bad, &checked));
    assert_true(checked >= (uint64_t)(WRITERS * EACH));
    for (int i = 0; i < WRITERS; i++)
        it_close(w[i]);
    it_close(d);
}

/* ---- audit.access ---- */

/* The rule by which audit.access says username could see client at `at` ("" when absent)
 * into rule[32]; fails the test when the call fails. */
static const char *access_rule(it_conn *d, uint64_t client, const char *at, const char *username,
                               char rule[32])
{
    it_resp *r = IT_CALL_OK(d, "audit.access", "audit.access", "client_id:u at:s",
                            (unsigned long long)client, at);
    uint32_t count;
    const msgpack_object *items = it_items(r->result, &count);
    rule[0] = '\0';
    for (uint32_t i = 0; i < count; i++) {
        char who[64], from[40];
        if (it_str(&items[i], "user.username", who, sizeof who) && strcmp(who, username) == 0) {
            it_str(&items[i], "rule", rule, 32);
            assert_non_null(it_str(&items[i], "valid_from", from, sizeof from));
            assert_true(strcmp(from, at) <= 0); /* the period holds the instant */
            break;
        }
    }
    it_resp_free(r);
    return rule;
}

static uint64_t user_version(it_conn *d, uint64_t id)
{
    it_resp *r = IT_CALL_OK(d, "user.get", "user.get", "id:u", (unsigned long long)id);
    uint64_t v = 0;
    if (!it_u64(r->result, "version", &v) && !it_u64(r->result, "user.version", &v))
        it_fail("user.get has no version");
    it_resp_free(r);
    return v;
}

#define EXPECT_RULE(at, who, want)                                                                 \
    do {                                                                                           \
        char rule_[32];                                                                            \
        access_rule(d, client, (at), (who), rule_);                                                \
        if (strcmp(rule_, (want)) != 0)                                                            \
            it_fail("at %s %s: rule '%s', want '%s'", (at), (who), rule_, (want));                 \
    } while (0)

static void test_access_history(void **state)
{
    (void)state;
    it_conn *d = it_session("AGENCY_DEMO_DIRECTOR", NULL);
    char a1[64], a2[64], a3[64];
    uint64_t id1 = it_create_user(d, "acc1", "ae", PASSWORD, a1, sizeof a1);
    uint64_t id2 = it_create_user(d, "acc2", "ae", PASSWORD, a2, sizeof a2);
    uint64_t id3 = it_create_user(d, "acc3", "ae", PASSWORD, a3, sizeof a3);
    char m1[64], m2[64], team_name[96], uniq0[48];
    uint64_t mid1 = it_create_user(d, "accm1", "manager", PASSWORD, m1, sizeof m1);
    uint64_t mid2 = it_create_user(d, "accm2", "manager", PASSWORD, m2, sizeof m2);
    uint64_t istanbul = it_find_id(d, "branch.list", "name", "Istanbul");
    snprintf(team_name, sizeof team_name, "Audit Team %s", it_uniq("", uniq0, sizeof uniq0));
    it_resp *tr = IT_CALL_OK(d, "team.create", "team.create", "name:s branch_id:u manager_id:u",
                             team_name, (unsigned long long)istanbul, (unsigned long long)mid1);
    uint64_t team = 0;
    if (!it_u64(tr->result, "id", &team))
        it_u64(tr->result, "team.id", &team);
    it_resp_free(tr);
    assert_true(user_id_of("fatima.haddad") != 0 && team != 0);

    char t0[40], t1[40], t2[40], t3[40], t3b[40], t4[40], t5[40], name[96], uniq[48];
    instant(t0);
    snprintf(name, sizeof name, "Audit Access %s", it_uniq("", uniq, sizeof uniq));
    uint64_t client = it_client_create_forced(d, name, id1);
    instant(t1);
    /* rotation: a1 -> a2 */
    it_resp_free(IT_CALL_OK(d, "rotation", "client.assign", "ids:I owner_id:u reason:s",
                            (const uint64_t[]){client}, (size_t)1, (unsigned long long)id2,
                            "rotation"));
    instant(t2);
    /* team move: a2 to the new team */
    it_resp_free(IT_CALL_OK(d, "team move", "user.update", "id:u version:u team_id:u",
                            (unsigned long long)id2, (unsigned long long)user_version(d, id2),
                            (unsigned long long)team));
    instant(t3);
    /* the team changes hands (no operation does this yet: as the owner) */
    char sql[200];
    snprintf(sql, sizeof sql, "UPDATE agency.teams SET manager_id = %llu WHERE id = %llu",
             (unsigned long long)mid2, (unsigned long long)team);
    owner_exec(sql);
    instant(t3b);
    /* promotion: a1 becomes a director */
    it_resp_free(IT_CALL_OK(d, "promotion", "user.update", "id:u version:u role:s team_id:n",
                            (unsigned long long)id1, (unsigned long long)user_version(d, id1),
                            "director"));
    instant(t4);
    /* deactivation: a2 leaves, the client goes to a3 */
    it_resp_free(IT_CALL_OK(d, "deactivation", "user.deactivate", "id:u reassign_to:u",
                            (unsigned long long)id2, (unsigned long long)id3));
    instant(t5);

    it_resp *r = IT_CALL_OK(d, "before the client", "audit.access", "client_id:u at:s",
                            (unsigned long long)client, t0);
    uint32_t count;
    it_items(r->result, &count);
    assert_int_equal(count, 0);
    it_resp_free(r);

    EXPECT_RULE(t1, a1, "owner");
    EXPECT_RULE(t1, "fatima.haddad", "team_manager");
    EXPECT_RULE(t1, "li.wei", "director");
    EXPECT_RULE(t1, "sam.carter", "finance");
    EXPECT_RULE(t1, a2, "");
    EXPECT_RULE(t1, "marco.bianchi", "");

    EXPECT_RULE(t2, a2, "owner");
    EXPECT_RULE(t2, a1, "");
    EXPECT_RULE(t2, "fatima.haddad", "team_manager");

    EXPECT_RULE(t3, a2, "owner");
    EXPECT_RULE(t3, m1, "team_manager");
    EXPECT_RULE(t3, m2, "");
    EXPECT_RULE(t3, "fatima.haddad", "");
    EXPECT_RULE(t3, a1, "");

    EXPECT_RULE(t3b, m2, "team_manager");
    EXPECT_RULE(t3b, m1, "");

    EXPECT_RULE(t4, a1, "director");
    EXPECT_RULE(t4, a2, "owner");
    EXPECT_RULE(t4, m2, "team_manager");

    EXPECT_RULE(t5, a2, "");
    EXPECT_RULE(t5, a3, "owner");
    EXPECT_RULE(t5, "fatima.haddad", "team_manager");
    EXPECT_RULE(t5, m2, "");
    EXPECT_RULE(t5, a1, "director");

    /* finance sees the basics only */
    r = IT_CALL_OK(d, "finance basics", "audit.access", "client_id:u at:s",
                   (unsigned long long)client, t5);
    const msgpack_object *items = it_items(r->result, &count);
    bool seen = false;
    for (uint32_t i = 0; i < count; i++) {
        char rule[32], sees[32];
        if (it_str(&items[i], "rule", rule, sizeof rule) && strcmp(rule, "finance") == 0) {
            assert_string_equal(it_str(&items[i], "sees", sees, sizeof sees), "basics");
            seen = true;
        }
    }
    assert_true(seen);
    it_resp_free(r);
    it_close(d);
}

/* ---- report.activity and server.stats ---- */

/* A time `secs` from now (negative: ago) as RFC 3339 UTC into buf[24], or its date into
 * buf[11] when date_only. */
static const char *when(char *buf, long secs, bool date_only)
{
    time_t t = time(NULL) + secs;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, 24, date_only ? "%Y-%m-%d" : "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

/* The item of report.activity's answer r for user id, or NULL. */
static const msgpack_object *report_item(const it_resp *r, uint64_t id)
{
    uint32_t count;
    const msgpack_object *items = it_items(r->result, &count);
    for (uint32_t i = 0; i < count; i++) {
        uint64_t who = 0;
        if (it_u64(&items[i], "user.id", &who) && who == id)
            return &items[i];
    }
    return NULL;
}

static uint64_t field(const msgpack_object *item, const char *name)
{
    uint64_t v = UINT64_MAX;
    if (!it_u64(item, name, &v))
        it_fail("report item without %s", name);
    return v;
}

static void test_report_activity(void **state)
{
    (void)state;
    it_conn *d = it_session("AGENCY_DEMO_DIRECTOR", NULL);
    it_conn *m = it_session("AGENCY_DEMO_MANAGER", NULL);
    char user[64], name[96], uniq[48], b1[24], b2[24], b3[24], since[24], until[24];
    uint64_t ae = it_create_user(d, "rep", "ae", PASSWORD, user, sizeof user);
    it_conn *a = it_session_user(user, PASSWORD, NULL);
    /* a new account changes its first password before anything else */
    it_resp_free(IT_CALL_OK(a, "first password change", "auth.password",
                            "old_password:s new_password:s", PASSWORD, "Granite-harbor-8842"));
    snprintf(name, sizeof name, "Report Client %s", it_uniq("", uniq, sizeof uniq));
    uint64_t client = it_client_create_forced(d, name, ae);
    unsigned long long cl = (unsigned long long)client;
    it_resp_free(IT_CALL_OK(a, "call", "activity.log", "client_id:u kind:s summary:s", cl, "call",
                            "Rang about the plan"));
    it_resp_free(IT_CALL_OK(a, "late minutes", "activity.log",
                            "client_id:u kind:s summary:s occurred_at:s", cl, "meeting",
                            "Kick-off, minutes typed up late", when(b1, -3 * 86400, false)));
    it_resp_free(IT_CALL_OK(a, "meeting", "activity.log", "client_id:u kind:s summary:s", cl,
                            "meeting", "Review"));
    it_resp_free(IT_CALL_OK(a, "missed follow-up", "activity.log",
                            "client_id:u kind:s summary:s occurred_at:s next_action:s next_due:s",
                            cl, "email", "Sent the deck", when(b2, -2 * 86400, false),
                            "chase the answer", when(b3, -86400, true)));
    it_resp *r = IT_CALL_OK(a, "follow-up", "activity.log",
                            "client_id:u kind:s summary:s next_action:s next_due:s", cl, "note",
                            "Budget noted", "confirm budget", when(b3, 86400, true));
    uint64_t fu = it_result_id(r, "activity.log");
    it_resp_free(r);
    it_resp_free(IT_CALL_OK(a, "done", "activity.done", "id:u", (unsigned long long)fu));

    when(since, -7 * 86400, true);
    when(until, 86400, true);
    r = IT_CALL_OK(d, "director's report", "report.activity", "since:s until:s user_id:u", since,
                   until, (unsigned long long)ae);
    const msgpack_object *it = report_item(r, ae);
    assert_non_null(it);
    assert_int_equal(field(it, "calls"), 1);
    assert_int_equal(field(it, "meetings"), 2);
    assert_int_equal(field(it, "emails"), 1);
    assert_int_equal(field(it, "notes"), 1);
    assert_int_equal(field(it, "visits"), 0);
    assert_int_equal(field(it, "followups_done"), 1);
    assert_int_equal(field(it, "followups_overdue"), 1);
    assert_int_equal(field(it, "clients_touched"), 1);
    assert_int_equal(field(it, "minutes_late"), 1);
    it_resp_free(r);

    /* the manager sees her team, not another one */
    uint64_t brands = it_find_id(d, "team.list", "name", "Istanbul Brands");
    uint64_t retail = it_find_id(d, "team.list", "name", "Milano Retail");
    uint64_t giulia = user_id_of("giulia.rossi");
    r = IT_CALL_OK(m, "manager's team", "report.activity", "since:s until:s team_id:u", since,
                   until, (unsigned long long)brands);
    assert_non_null(report_item(r, ae));
    it_resp_free(r);
    r = IT_CALL_OK(m, "manager's report", "report.activity", "since:s until:s", since, until);
    assert_non_null(report_item(r, ae));
    assert_null(report_item(r, giulia));
    it_resp_free(r);
    IT_CALL_ERR(m, "not_found", "another team", "report.activity", "since:s until:s team_id:u",
                since, until, (unsigned long long)retail);
    IT_CALL_ERR(m, "not_found", "another team's AE", "report.activity", "since:s until:s user_id:u",
                since, until, (unsigned long long)giulia);

    /* bad input */
    it_expect_invalid(d, "until < since", "until", "report.activity", "since:s until:s", until,
                      since);
    it_expect_invalid(d, "a year and more", "until", "report.activity", "since:s until:s",
                      "2025-01-01", "2026-06-01");
    it_expect_invalid(d, "since as a duration", "since", "report.activity", "since:s until:s",
                      "30d", until);
    it_expect_invalid(d, "no until", "until", "report.activity", "since:s", since);
    it_expect_invalid(d, "unknown team", "team_id", "report.activity", "since:s until:s team_id:u",
                      since, until, 999999999ULL);
    it_expect_invalid(d, "unknown user", "user_id", "report.activity", "since:s until:s user_id:u",
                      since, until, 999999999ULL);
    it_expect_invalid(d, "user 0", "user_id", "report.activity", "since:s until:s user_id:u", since,
                      until, 0ULL);
    it_close(a);
    it_close(m);
    it_close(d);
}

static void test_server_stats(void **state)
{
    (void)state;
    it_conn *d = it_session("AGENCY_DEMO_DIRECTOR", NULL);
    it_conn *a = it_session("AGENCY_DEMO_AE", NULL);
    IT_CALL_ERR(a, "forbidden", "AE server.stats", "server.stats", NULL);
    for (int i = 0; i < 3; i++)
        it_resp_free(IT_CALL_OK(d, "whoami", "auth.whoami", NULL));
    it_resp *r = IT_CALL_OK(d, "server.stats", "server.stats", NULL);
    uint64_t v = 0;
    assert_true(it_u64(r->result, "connections", &v) && v >= 2);
    assert_true(it_u64(r->result, "pool.workers", &v) && v >= 1);
    assert_true(it_u64(r->result, "uptime_s", &v));
    assert_true(it_u64(r->result, "errors.forbidden", &v) && v >= 1);
    assert_true(it_u64(r->result, "audit.unsealed", &v));
    assert_true(it_u64(r->result, "audit.lag_ms", &v));
    const msgpack_object *reqs = it_get(r->result, "requests");
    assert_non_null(reqs);
    assert_int_equal(reqs->type, MSGPACK_OBJECT_ARRAY);
    bool seen = false;
    for (uint32_t i = 0; i < reqs->via.array.size; i++) {
        char op[64];
        uint64_t count = 0, p50 = 0, p99 = 0;
        it_str(&reqs->via.array.ptr[i], "op", op, sizeof op);
        if (strcmp(op, "auth.whoami") != 0)
            continue;
        seen = true;
        assert_true(it_u64(&reqs->via.array.ptr[i], "count", &count) && count >= 3);
        assert_true(it_u64(&reqs->via.array.ptr[i], "p50_us", &p50) && p50 > 0);
        assert_true(it_u64(&reqs->via.array.ptr[i], "p99_us", &p99) && p99 >= p50);
    }
    assert_true(seen);
    it_resp_free(r);
    it_close(a);
    it_close(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_search),         cmocka_unit_test(test_search_bad_input),
        cmocka_unit_test(test_verify_tamper),  cmocka_unit_test(test_verify_concurrent),
        cmocka_unit_test(test_access_history), cmocka_unit_test(test_report_activity),
        cmocka_unit_test(test_server_stats),
    };
    return cmocka_run_group_tests(tests, NULL, it_teardown);
}
