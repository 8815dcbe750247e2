/*
 * test_issues.c - client issues: the flow and every illegal step refused, closing only with a
 * root cause and a prevention, response targets by severity (and their override), assignment,
 * escalation by hand, bad input per argument, and the automatic escalation by the database
 * clock exactly once per level with two agencyd on one database.
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

static const char *const statuses[] = {"received", "triaged",   "investigating",
                                       "resolved", "confirmed", "closed"};
#define NSTATUS 6

static void u64s(char *buf, size_t size, uint64_t v)
{
    snprintf(buf, size, "%llu", (unsigned long long)v);
}

static long long db_n(const char *sql, uint64_t id)
{
    char s[32];
    u64s(s, sizeof s, id);
    return it_db_ll(sql, 1, s);
}

/* A fresh client owned by the demo AE (created by the director). */
static uint64_t ae_client(it_conn *director, uint64_t ae)
{
    char name[96], uniq[64];
    snprintf(name, sizeof name, "Issue Client %s", it_uniq("", uniq, sizeof uniq));
    return it_client_create_forced(director, name, ae);
}

/* issue.open as c on client; the new id. */
static uint64_t open_issue(it_conn *c, uint64_t client, const char *severity, const char *summary)
{
    it_resp *r = IT_CALL_OK(c, "issue.open", "issue.open",
                            "client_id:u category:s severity:s channel:s summary:s",
                            (unsigned long long)client, "complaint", severity, "phone", summary);
    uint64_t id = it_result_id(r, "issue.open");
    char status[32];
    assert_string_equal(it_str(r->result, "status", status, sizeof status), "received");
    it_resp_free(r);
    return id;
}

/* health.open_issues of client in client.get as c. */
static uint64_t health_open_issues(it_conn *c, uint64_t client)
{
    it_resp *r = IT_CALL_OK(c, "client.get", "client.get", "id:u", (unsigned long long)client);
    uint64_t n = 999;
    if (!it_u64(r->result, "health.open_issues", &n))
        it_fail("client.get has no health.open_issues: %s", it_resp_str(r));
    it_resp_free(r);
    return n;
}

static it_resp *transition(it_conn *c, uint64_t id, const char *to)
{
    return it_call(c, "issue.transition", "id:u to:s", (unsigned long long)id, to);
}

/* Every pair of statuses: only the flow's steps are accepted; the rest answer invalid "to"
 * and change nothing. Walks one issue along the flow, trying every other target first. */
static void test_flow_and_illegal_steps(void **state)
{
    (void)state;
    uint64_t ae, director_id;
    it_conn *d = it_session("AGENCY_DEMO_DIRECTOR", &director_id);
    it_conn *c = it_session("AGENCY_DEMO_AE", &ae);
    uint64_t client = ae_client(d, ae);
    assert_int_equal(health_open_issues(c, client), 0);
    uint64_t id = open_issue(c, client, "normal", "Wrong logo on the poster");
    assert_int_equal(health_open_issues(c, client), 1); /* the client's health counts it */
    int refused = 0;
    for (int at = 0; at + 1 < NSTATUS; at++) {
        for (int to = 0; to < NSTATUS; to++) {
            bool legal = to == at + 1 || (at == 3 && to == 2); /* resolved may reopen */
            if (legal)
                continue;
            long long before = db_n("SELECT version FROM agency.issues WHERE id = $1::bigint", id);
            it_resp *r = transition(c, id, statuses[to]);
            it_assert_err(r, "invalid", statuses[to]);
            assert_string_equal(r->field, "to");
            it_resp_free(r);
            assert_int_equal(db_n("SELECT version FROM agency.issues WHERE id = $1::bigint", id),
                             before);
            refused++;
        }
        if (at == 4) { /* confirmed -> closed needs the summary: root cause, then prevention */
            it_resp *r = transition(c, id, "closed");
            it_assert_err(r, "invalid", "close without a root cause");
            assert_string_equal(r->field, "root_cause");
            it_resp_free(r);
            r = it_call(c, "issue.transition", "id:u to:s root_cause:s", (unsigned long long)id,
                        "closed", "The print shop used last year's file");
            it_assert_err(r, "invalid", "close without a prevention");
            assert_string_equal(r->field, "prevention");
            it_resp_free(r);
            r = IT_CALL_OK(c, "close", "issue.transition",
                           "id:u to:s root_cause:s prevention:s note:s", (unsigned long long)id,
                           "closed", "The print shop used last year's file",
                           "Files go to print only from the approved folder", "Client agreed");
            it_resp_free(r);
            continue;
        }
        if (at == 3) { /* resolved -> investigating -> resolved again: the client said no */
            it_resp_free(IT_CALL_OK(c, "reopen", "issue.transition", "id:u to:s note:s",
                                    (unsigned long long)id, "investigating",
                                    "The client still sees the old logo"));
            it_resp_free(IT_CALL_OK(c, "resolve again", "issue.transition", "id:u to:s",
                                    (unsigned long long)id, "resolved"));
        }
        it_resp *r = transition(c, id, statuses[at + 1]);
        it_assert_ok(r, statuses[at + 1]);
        it_resp_free(r);
    }
    assert_int_equal(health_open_issues(c, client), 0); /* closed: no longer open */
    /* a closed issue goes nowhere */
    for (int to = 0; to < NSTATUS; to++) {
        it_resp *r = transition(c, id, statuses[to]);
        it_assert_err(r, "invalid", "a step from closed");
        it_resp_free(r);
        refused++;
    }
    printf("illegal transitions refused: %d\n", refused);
    assert_true(refused >= 25);
    assert_int_equal(db_n("SELECT count(*) FROM agency.issues WHERE id = $1::bigint"
                          " AND status = 'closed' AND closed_at IS NOT NULL"
                          " AND root_cause IS NOT NULL AND prevention IS NOT NULL",
                          id),
                     1);
    /* the history is the record: opened, then eight steps; each step audited */
    it_resp *r = IT_CALL_OK(c, "issue.get", "issue.get", "id:u", (unsigned long long)id);
    const msgpack_object *h = it_get(r->result, "history");
    assert_non_null(h);
    assert_int_equal(h->via.array.size, 8);
    it_resp_free(r);
    char target[40];
    snprintf(target, sizeof target, "issue:%llu", (unsigned long long)id);
    assert_int_equal(it_db_ll("SELECT count(*) FROM agency.audit_log WHERE op = 'issue.transition'"
                              " AND outcome = 'ok' AND target = $1",
                              1, target),
                     7);
    /* the database refuses a closed issue without its summary whatever the caller */
    assert_int_equal(it_db_ll("SELECT count(*) FROM pg_constraint"
                              " WHERE conname = 'issues_summarised_check'",
                              0),
                     1);
    it_close(c);
    it_close(d);
}

/* respond_by - opened_at by severity, a working day over a weekend, and an override. */
static void test_response_targets(void **state)
{
    (void)state;
    uint64_t ae, director_id;
    it_conn *d = it_session("AGENCY_DEMO_DIRECTOR", &director_id);
    it_conn *c = it_session("AGENCY_DEMO_AE", &ae);
    uint64_t client = ae_client(d, ae);
    static const struct {
        const char *severity;
        long long seconds;
    } want[] = {{"critical", 3600}, {"high", 4 * 3600}, {"low", 3 * 86400}};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        uint64_t id = open_issue(c, client, want[i].severity, "Target check");
        assert_int_equal(db_n("SELECT extract(epoch FROM respond_by - opened_at)::bigint"
                              " FROM agency.issues WHERE id = $1::bigint",
                              id),
                         want[i].seconds);
    }
    /* normal: one working day; Friday 10:00 in Istanbul is due Monday 10:00 */
    assert_int_equal(it_db_ll("SELECT extract(epoch FROM agency.issue_due("
                              "'2026-12-04 10:00+03', '1 day', true, 'Europe/Istanbul')"
                              " - '2026-12-04 10:00+03'::timestamptz)::bigint",
                              0),
                     3 * 86400);
    assert_int_equal(it_db_ll("SELECT extract(epoch FROM agency.issue_due("
                              "'2026-12-02 10:00+03', '1 day', true, 'Europe/Istanbul')"
                              " - '2026-12-02 10:00+03'::timestamptz)::bigint",
                              0),
                     86400);
    uint64_t normal = open_issue(c, client, "normal", "Working-day target");
    assert_int_equal(db_n("SELECT count(*) FROM agency.issues WHERE id = $1::bigint AND"
                          " respond_by >= opened_at + interval '1 day'"
                          " AND respond_by <= opened_at + interval '3 days'",
                          normal),
                     1);
    /* the owner overrides a target: new issues follow it */
    it_db_ll("UPDATE agency.issue_targets SET response = interval '30 minutes'"
             " WHERE severity = 'critical' RETURNING 1",
             0);
    uint64_t id = open_issue(c, client, "critical", "Overridden target");
    it_db_ll("UPDATE agency.issue_targets SET response = interval '1 hour'"
             " WHERE severity = 'critical' RETURNING 1",
             0);
    assert_int_equal(db_n("SELECT extract(epoch FROM respond_by - opened_at)::bigint"
                          " FROM agency.issues WHERE id = $1::bigint",
                          id),
                     1800);
    it_close(c);
    it_close(d);
}

/* Waits for issue.escalated of issue id at level on c; false on timeout. */
static bool wait_escalated(it_conn *c, uint64_t id, uint64_t level, int ms)
{
    int64_t end = it_now_ms() + ms;
    while (it_now_ms() < end) {
        it_resp *r = it_recv_event(c, "issue.escalated", (int)(end - it_now_ms()));
        if (r->status != IT_OK) {
            it_resp_free(r);
            return false;
        }
        uint64_t got = 0, lvl = 0;
        bool mine = it_u64(r->result, "issue_id", &got) && got == id &&
                    it_u64(r->result, "level", &lvl) && lvl == level;
        it_resp_free(r);
        if (mine)
            return true;
    }
    return false;
}

/* Assignment to people who work on the client only; escalation by hand climbs and stops. */
static void test_assign_and_escalate_by_hand(void **state)
{
    (void)state;
    uint64_t ae, director_id, manager_id;
    it_conn *d = it_session("AGENCY_DEMO_DIRECTOR", &director_id);
    it_conn *c = it_session("AGENCY_DEMO_AE", &ae);
    it_conn *m = it_session("AGENCY_DEMO_MANAGER", &manager_id);
    uint64_t finance = it_find_id(d, "user.list", "username", "sam.carter");
    uint64_t giulia = it_find_id(d, "user.list", "username", "giulia.rossi");
    uint64_t id = open_issue(c, ae_client(d, ae), "high", "Invoice sent to the wrong address");
    unsigned long long uid = id;
    const uint64_t bad[] = {finance, giulia, 900000000000ULL};
    for (size_t i = 0; i < 3; i++) {
        it_resp *r =
            it_call(c, "issue.assign", "id:u assignee_id:u", uid, (unsigned long long)bad[i]);
        it_assert_err(r, "invalid", "assign to someone off the client");
        assert_string_equal(r->field, "assignee_id");
        it_resp_free(r);
    }
    it_resp_free(IT_CALL_OK(c, "assign to the manager", "issue.assign", "id:u assignee_id:u", uid,
                            (unsigned long long)manager_id));
    it_resp *ev = it_recv_event(m, "issue.assigned", 5000);
    it_assert_ok(ev, "issue.assigned pushed to the manager");
    it_resp_free(ev);
    assert_int_equal(db_n("SELECT assignee_id FROM agency.issues WHERE id = $1::bigint", id),
                     (long long)manager_id);

    it_resp_free(IT_CALL_OK(c, "escalate 1", "issue.escalate", "id:u reason:s", uid,
                            "The client called twice"));
    assert_true(wait_escalated(m, id, 1, 5000));
    it_resp_free(
        IT_CALL_OK(m, "escalate 2", "issue.escalate", "id:u reason:s", uid, "Needs a director"));
    assert_true(wait_escalated(d, id, 2, 5000));
    it_resp *r = it_call(c, "issue.escalate", "id:u reason:s", uid, "Once more");
    it_assert_err(r, "invalid", "escalate past the directors");
    assert_string_equal(r->field, "id");
    it_resp_free(r);
    assert_int_equal(db_n("SELECT count(*) FROM agency.issue_escalations WHERE issue_id ="
                          " $1::bigint AND by_user IS NOT NULL",
                          id),
                     2);
    r = IT_CALL_OK(d, "issue.get", "issue.get", "id:u", uid);
    const msgpack_object *e = it_get(r->result, "escalations");
    assert_non_null(e);
    assert_int_equal(e->via.array.size, 2);
    it_resp_free(r);
    /* the agenda of the director holds it: escalated to them */
    r = IT_CALL_OK(d, "agenda", "agenda", "days:u", 7ULL);
    bool found = false;
    for (int s = 0; s < 2; s++) {
        const msgpack_object *a = it_get(r->result, s ? "upcoming" : "overdue");
        for (uint32_t i = 0; a && i < a->via.array.size; i++) {
            uint64_t got = 0;
            char item[16];
            found |= it_u64(&a->via.array.ptr[i], "id", &got) && got == id &&
                     it_str(&a->via.array.ptr[i], "item", item, sizeof item) &&
                     strcmp(item, "issue") == 0;
        }
    }
    it_resp_free(r);
    assert_true(found);
    it_close(m);
    it_close(c);
    it_close(d);
}

/* A client its team's manager owns escalates straight to the directors (she would be telling
 * herself); an archived client takes no new issue. */
static void test_manager_owned_and_archived(void **state)
{
    (void)state;
    uint64_t director_id, manager_id;
    it_conn *d = it_session("AGENCY_DEMO_DIRECTOR", &director_id);
    it_conn *m = it_session("AGENCY_DEMO_MANAGER", &manager_id);
    uint64_t client = ae_client(d, manager_id);
    uint64_t id = open_issue(m, client, "normal", "Her own client's complaint");
    it_resp_free(IT_CALL_OK(m, "escalate", "issue.escalate", "id:u reason:s",
                            (unsigned long long)id, "Above my desk"));
    assert_true(wait_escalated(d, id, 2, 5000));
    assert_int_equal(db_n("SELECT escalation_level FROM agency.issues WHERE id = $1::bigint", id),
                     2);
    assert_int_equal(db_n("SELECT count(*) FROM agency.issue_escalations WHERE issue_id ="
                          " $1::bigint AND level = 1",
                          id),
                     0);
    it_resp_free(IT_CALL_OK(d, "archive", "client.archive", "id:u reason:s",
                            (unsigned long long)client, "Lost the account"));
    it_resp *r = it_call(m, "issue.open", "client_id:u category:s severity:s summary:s",
                         (unsigned long long)client, "inquiry", "low", "After the archive");
    it_assert_err(r, "invalid", "issue.open on an archived client");
    assert_string_equal(r->field, "client_id");
    it_resp_free(r);
    it_close(m);
    it_close(d);
}

/* Each argument of each operation: malformed, oversized, out of range; nothing stored. */
static void test_bad_input(void **state)
{
    (void)state;
    uint64_t ae, director_id;
    it_conn *d = it_session("AGENCY_DEMO_DIRECTOR", &director_id);
    it_conn *c = it_session("AGENCY_DEMO_AE", &ae);
    unsigned long long client = ae_client(d, ae);
    unsigned long long id = open_issue(c, client, "low", "Bad input target");
    char big[502], huge[20002];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    memset(huge, 'y', sizeof huge - 1);
    huge[sizeof huge - 1] = '\0';
    long long before = it_db_ll("SELECT count(*) FROM agency.issues", 0);
    const char *o = "issue.open";
    it_expect_invalid(c, "no client", "client_id", o, "category:s severity:s summary:s",
                      "complaint", "low", "x");
    it_expect_invalid(c, "client 0", "client_id", o, "client_id:u category:s severity:s summary:s",
                      0ULL, "complaint", "low", "x");
    it_expect_invalid(c, "client text", "client_id", o,
                      "client_id:s category:s severity:s summary:s", "one", "complaint", "low",
                      "x");
    it_expect_invalid(c, "category", "category", o, "client_id:u category:s severity:s summary:s",
                      client, "praise", "low", "x");
    it_expect_invalid(c, "severity", "severity", o, "client_id:u category:s severity:s summary:s",
                      client, "complaint", "urgent", "x");
    it_expect_invalid(c, "severity number", "severity", o,
                      "client_id:u category:s severity:u summary:s", client, "complaint", 3ULL,
                      "x");
    it_expect_invalid(c, "channel", "channel", o,
                      "client_id:u category:s severity:s channel:s summary:s", client, "complaint",
                      "low", "fax", "x");
    it_expect_invalid(c, "empty summary", "summary", o,
                      "client_id:u category:s severity:s summary:s", client, "complaint", "low",
                      "");
    it_expect_invalid(c, "long summary", "summary", o,
                      "client_id:u category:s severity:s summary:s", client, "complaint", "low",
                      big);
    it_expect_invalid(c, "bad utf-8 summary", "summary", o,
                      "client_id:u category:s severity:s summary:S", client, "complaint", "low",
                      "\xc3\x28", (size_t)2);
    it_expect_invalid(c, "long details", "details", o,
                      "client_id:u category:s severity:s summary:s details:s", client, "complaint",
                      "low", "x", huge);
    it_expect_invalid(c, "unknown argument", "priority", o,
                      "client_id:u category:s severity:s summary:s priority:s", client, "complaint",
                      "low", "x", "p1");
    it_expect_invalid(c, "get id 0", "id", "issue.get", "id:u", 0ULL);
    it_expect_invalid(c, "get id negative", "id", "issue.get", "id:i", -4LL);
    it_expect_invalid(c, "list status", "status", "issue.list", "status:s", "open");
    it_expect_invalid(c, "list overdue", "overdue", "issue.list", "overdue:s", "yes");
    it_expect_invalid(c, "list limit", "limit", "issue.list", "limit:u", 501ULL);
    it_expect_invalid(c, "list cursor", "cursor", "issue.list", "cursor:s", "bm90IGEgY3Vyc29y");
    it_expect_invalid(c, "list assignee", "assignee_id", "issue.list", "assignee_id:u", 0ULL);
    it_expect_invalid(c, "assign no assignee", "assignee_id", "issue.assign", "id:u", id);
    it_expect_invalid(c, "assign id", "id", "issue.assign", "id:s assignee_id:u", "x", 1ULL);
    it_expect_invalid(c, "transition to", "to", "issue.transition", "id:u to:s", id, "done");
    it_expect_invalid(c, "transition no to", "to", "issue.transition", "id:u", id);
    it_expect_invalid(c, "transition root cause", "root_cause", "issue.transition",
                      "id:u to:s root_cause:s", id, "triaged", huge);
    it_expect_invalid(c, "transition prevention", "prevention", "issue.transition",
                      "id:u to:s prevention:u", id, "triaged", 5ULL);
    it_expect_invalid(c, "transition note", "note", "issue.transition", "id:u to:s note:s", id,
                      "triaged", huge);
    it_expect_invalid(c, "escalate no reason", "reason", "issue.escalate", "id:u", id);
    it_expect_invalid(c, "escalate empty reason", "reason", "issue.escalate", "id:u reason:s", id,
                      "");
    it_expect_invalid(c, "escalate long reason", "reason", "issue.escalate", "id:u reason:s", id,
                      big);
    assert_int_equal(it_db_ll("SELECT count(*) FROM agency.issues", 0), before);
    assert_int_equal(db_n("SELECT version FROM agency.issues WHERE id = $1::bigint", id), 1);
    it_close(c);
    it_close(d);
}

/* The sweep: with two agencyd on the database and the clock moved past the target, the manager
 * is told once (level 1), then, a target period later, every director once (level 2); an
 * answered issue stays where it is; running the sweep again changes nothing. */
static void test_escalation_exactly_once_two_instances(void **state)
{
    (void)state;
    struct it_server second;
    it_server_start(&second, NULL);
    char user[64], pw[160];
    uint64_t ae, director_id, manager_id;
    it_conn *d = it_session("AGENCY_DEMO_DIRECTOR", &director_id);
    it_conn *c = it_session("AGENCY_DEMO_AE", &ae);
    it_cred("AGENCY_DEMO_MANAGER", user, pw);
    it_conn *m = it_connect_port(second.port); /* the manager hears it on the other instance */
    it_hello(m);
    it_resp *r = it_login(m, user, pw);
    it_assert_ok(r, "manager login on the second agencyd");
    it_resp_free(r);
    manager_id = it_find_id(d, "user.list", "username", user);
    long long directors =
        it_db_ll("SELECT count(*) FROM agency.users WHERE role = 'director' AND active", 0);

    uint64_t client = ae_client(d, ae);
    uint64_t id = open_issue(c, client, "critical", "The TV spot ran with the wrong price");
    uint64_t answered = open_issue(c, client, "critical", "Answered in time");
    it_resp_free(IT_CALL_OK(c, "triage", "issue.transition", "id:u to:s",
                            (unsigned long long)answered, "triaged"));
    char target[40];
    snprintf(target, sizeof target, "issue:%llu", (unsigned long long)id);

    it_clock_shift("59 min");
    it_sleep_ms(2500); /* two sweeps of each instance: nothing is due yet */
    assert_int_equal(db_n("SELECT escalation_level FROM agency.issues WHERE id = $1::bigint", id),
                     0);

    it_clock_shift("1 hour 1 min");
    assert_true(wait_escalated(m, id, 1, 10000));
    it_clock_shift("2 hours 1 min");
    assert_true(wait_escalated(d, id, 2, 10000));
    it_sleep_ms(2500); /* more sweeps of both instances: nothing more happens */
    assert_false(wait_escalated(m, id, 1, 200));
    assert_false(wait_escalated(d, id, 2, 200));

    /* and the sweep run by hand on the moved clock finds nothing left to do for it */
    it_db_ll("SELECT set_config('agency.movable_clock', 'on', false) IS NOT NULL", 0);
    it_db_ll("SELECT agency.issues_escalate()", 0);
    it_db_ll("SELECT agency.issues_escalate()", 0);
    it_db_ll("SELECT set_config('agency.movable_clock', 'off', false) IS NOT NULL", 0);
    it_clock_reset();

    assert_int_equal(db_n("SELECT count(*) FROM agency.issue_escalations WHERE issue_id ="
                          " $1::bigint AND level = 1 AND by_user IS NULL",
                          id),
                     1);
    char mid[32];
    u64s(mid, sizeof mid, manager_id);
    assert_int_equal(it_db_ll("SELECT count(*) FROM agency.issue_escalations e"
                              " JOIN agency.issues i ON i.id = e.issue_id WHERE i.id = $1::bigint"
                              " AND e.level = 1 AND e.reached = ARRAY[$2::bigint]",
                              2, target + 6, mid),
                     1);
    assert_int_equal(db_n("SELECT count(*) FROM agency.issue_escalations WHERE issue_id ="
                          " $1::bigint AND level = 2 AND cardinality(reached) = (SELECT count(*)"
                          " FROM agency.users WHERE role = 'director' AND active)",
                          id),
                     1);
    assert_true(directors >= 1);
    assert_int_equal(it_db_ll("SELECT count(*) FROM agency.audit_log WHERE op = 'issue.escalate'"
                              " AND target = $1 AND user_id IS NULL AND outcome = 'ok'",
                              1, target),
                     2);
    assert_int_equal(
        db_n("SELECT escalation_level FROM agency.issues WHERE id = $1::bigint", answered), 0);
    it_close(m);
    it_close(c);
    it_close(d);
    assert_int_equal(it_server_stop(&second), 0);
}

/* A PGconn of the owner role; fails the test when it cannot connect. */
static PGconn *owner_conn(void)
{
    PGconn *c = PQconnectdb(it_env("AGENCY_DB_URL"));
    if (PQstatus(c) != CONNECTION_OK)
        it_fail("owner connection: %s", PQerrorMessage(c));
    return c;
}

/* Runs sql on c, which must succeed; the first value as a number (0 when none). */
static long long run(PGconn *c, const char *sql)
{
    PGresult *r = PQexec(c, sql);
    if (PQresultStatus(r) != PGRES_TUPLES_OK && PQresultStatus(r) != PGRES_COMMAND_OK)
        it_fail("%s: %s", sql, PQerrorMessage(c));
    long long v = PQntuples(r) > 0 && !PQgetisnull(r, 0, 0) ? atoll(PQgetvalue(r, 0, 0)) : 0;
    PQclear(r);
    return v;
}

/* Two sweeps at once, without the advisory lock that usually keeps them apart: the second
 * skips the issue the first holds (it does not wait), and once the first has committed, finds
 * nothing left to raise. The agencyd sweeps are kept out meanwhile by holding their lock. */
static void test_sweep_skips_locked_rows(void **state)
{
    (void)state;
    uint64_t ae, director_id;
    it_conn *d = it_session("AGENCY_DEMO_DIRECTOR", &director_id);
    it_conn *c = it_session("AGENCY_DEMO_AE", &ae);
    uint64_t id = open_issue(c, ae_client(d, ae), "critical", "Two sweeps at once");
    PGconn *a = owner_conn(), *b = owner_conn();
    run(a, "SELECT pg_advisory_lock(hashtext('agency.sweep.issues_escalate'))");
    char sid[32];
    u64s(sid, sizeof sid, id);
    it_db_ll("UPDATE agency.issues SET opened_at = now() - interval '61 minutes',"
             " respond_by = now() - interval '1 minute' WHERE id = $1::bigint RETURNING 1",
             1, sid);
    run(a, "BEGIN");
    assert_true(run(a, "SELECT agency.issues_escalate()") >= 1);
    run(b, "BEGIN");
    if (!PQsendQuery(b, "SELECT agency.issues_escalate()"))
        it_fail("send: %s", PQerrorMessage(b));
    int64_t end = it_now_ms() + 3000;
    while (PQisBusy(b) && it_now_ms() < end) {
        it_sleep_ms(20);
        PQconsumeInput(b);
    }
    if (PQisBusy(b)) {
        PGcancel *k = PQgetCancel(b);
        char err[256];
        PQcancel(k, err, sizeof err);
        PQfreeCancel(k);
        it_fail("the second sweep waited for the row the first one holds");
    }
    for (PGresult *r; (r = PQgetResult(b)) != NULL;)
        PQclear(r);
    run(a, "COMMIT");
    run(b, "SELECT agency.issues_escalate()"); /* sees the first one's work now */
    run(b, "COMMIT");
    run(a, "SELECT pg_advisory_unlock(hashtext('agency.sweep.issues_escalate'))");
    PQfinish(a);
    PQfinish(b);
    assert_int_equal(db_n("SELECT count(*) FROM agency.issue_escalations WHERE issue_id ="
                          " $1::bigint",
                          id),
                     1);
    assert_int_equal(db_n("SELECT escalation_level FROM agency.issues WHERE id = $1::bigint", id),
                     1);
    it_close(c);
    it_close(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_flow_and_illegal_steps),
        cmocka_unit_test(test_response_targets),
        cmocka_unit_test(test_assign_and_escalate_by_hand),
        cmocka_unit_test(test_manager_owned_and_archived),
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_escalation_exactly_once_two_instances),
        cmocka_unit_test(test_sweep_skips_locked_rows),
    };
    int rc = cmocka_run_group_tests(tests, NULL, it_teardown);
    it_clock_reset();
    it_db_close();
    return rc;
}
