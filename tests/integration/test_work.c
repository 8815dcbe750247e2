/*
 * test_work.c - the account work end to end through the protocol: contracts (state machine, who
 * signs, amendments, the renewal queue, the agenda and the once-only renewal_due push on the
 * movable clock), campaigns (stages, reports, KPI actuals), job cards (tasks in the assignee's
 * agenda, late minutes, closing), reviews and the client's health; bad input per argument.
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

typedef unsigned long long ull;

struct fx {
    it_conn *ae, *mgr, *dir, *fin;
    uint64_t ae_id, mgr_id, dir_id, fin_id;
    uint64_t client; /* owned by the AE */
};
static struct fx fx;

static void setup(void)
{
    fx.ae = it_session("AGENCY_DEMO_AE", &fx.ae_id);
    fx.mgr = it_session("AGENCY_DEMO_MANAGER", &fx.mgr_id);
    fx.dir = it_session("AGENCY_DEMO_DIRECTOR", &fx.dir_id);
    fx.fin = it_session("AGENCY_DEMO_FINANCE", &fx.fin_id);
    char name[96], u[64];
    snprintf(name, sizeof name, "Work Client %s", it_uniq("", u, sizeof u));
    fx.client = it_client_create_forced(fx.dir, name, fx.ae_id);
}

static void teardown_fx(void)
{
    it_close(fx.ae);
    it_close(fx.mgr);
    it_close(fx.dir);
    it_close(fx.fin);
    memset(&fx, 0, sizeof fx);
}

/* The UTC date `days` from today into buf (11 bytes). */
static const char *day(char *buf, int days)
{
    time_t t = time(NULL) + (time_t)days * 86400;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, 11, "%Y-%m-%d", &tm);
    return buf;
}

/* A contract number unique to this run. */
static const char *number(char *buf, size_t size)
{
    char u[64];
    snprintf(buf, size, "K-%s", it_uniq("", u, sizeof u));
    return buf;
}

static const char *str_of(const it_resp *r, const char *path, char *buf, size_t size)
{
    if (!it_str(r->result, path, buf, size))
        it_fail("the answer has no string %s", path);
    return buf;
}

static uint64_t u64_of(const it_resp *r, const char *path)
{
    uint64_t v = 0;
    if (!it_u64(r->result, path, &v))
        it_fail("the answer has no number %s", path);
    return v;
}

/* A draft contract of the fixture's client running from `from` to `to` days from today. */
static uint64_t contract_draft(int from, int to, ull amount, char *num, size_t size)
{
    char a[16], b[16];
    number(num, size);
    it_resp *r = IT_CALL_OK(
        fx.ae, "contract.create", "contract.create",
        "client_id:u number:s title:s starts_on:s ends_on:s amount:u currency:s", (ull)fx.client,
        num, "Annual retainer 年度服务", day(a, from), day(b, to), amount, "TRY");
    uint64_t id = it_result_id(r, "contract.create");
    it_resp_free(r);
    return id;
}

static void transition(it_conn *c, uint64_t id, const char *to, const char *reason)
{
    it_resp *r = reason
                     ? it_call(c, "contract.transition", "id:u to:s reason:s", (ull)id, to, reason)
                     : it_call(c, "contract.transition", "id:u to:s", (ull)id, to);
    it_assert_ok(r, to);
    it_resp_free(r);
}

static uint64_t contract_version(uint64_t id)
{
    char s[24];
    snprintf(s, sizeof s, "%llu", (ull)id);
    return (uint64_t)it_db_ll("SELECT version FROM agency.contracts WHERE id = $1::bigint", 1, s);
}

/* The contract's id is among the items of a contract.renewals answer. */
static bool in_renewals(it_conn *c, uint64_t id, ull within)
{
    it_resp *r = IT_CALL_OK(c, "contract.renewals", "contract.renewals", "within_days:u", within);
    uint32_t n = 0;
    const msgpack_object *items = it_items(r->result, &n);
    bool found = false;
    for (uint32_t i = 0; i < n; i++) {
        uint64_t v = 0;
        found |= it_u64(&items[i], "id", &v) && v == id;
    }
    it_resp_free(r);
    return found;
}

/* An agenda item of kind item about record id is in c's agenda (overdue or upcoming). */
static bool in_agenda(it_conn *c, const char *item, uint64_t id, ull days)
{
    it_resp *r = IT_CALL_OK(c, "agenda", "agenda", "days:u", days);
    bool found = false;
    static const char *const sections[] = {"overdue", "upcoming"};
    for (int s = 0; s < 2; s++) {
        const msgpack_object *a = it_get(r->result, sections[s]);
        for (uint32_t i = 0; a && a->type == MSGPACK_OBJECT_ARRAY && i < a->via.array.size; i++) {
            char kind[32];
            uint64_t v = 0;
            found |= it_str(&a->via.array.ptr[i], "item", kind, sizeof kind) &&
                     strcmp(kind, item) == 0 && it_u64(&a->via.array.ptr[i], "id", &v) && v == id;
        }
    }
    it_resp_free(r);
    return found;
}

/* ---- contracts ---- */

static void test_contract_lifecycle(void **state)
{
    (void)state;
    setup();
    char num[80], buf[256], a[16], b[16];
    uint64_t id = contract_draft(0, 365, 120000000ULL, num, sizeof num);

    /* the number is unique whatever its case */
    for (char *p = num; *p; p++)
        if (*p >= 'a' && *p <= 'z')
            *p = (char)(*p - 'a' + 'A');
    it_expect_invalid(fx.ae, "a taken number", "number", "contract.create",
                      "client_id:u number:s title:s starts_on:s ends_on:s amount:u currency:s",
                      (ull)fx.client, num, "Again", day(a, 0), day(b, 10), 1ULL, "TRY");

    /* a draft changes freely */
    it_resp *r = IT_CALL_OK(fx.ae, "draft update", "contract.update", "id:u version:u amount:u",
                            (ull)id, (ull)contract_version(id), 130000000ULL);
    assert_int_equal(u64_of(r, "amount"), 130000000ULL);
    assert_string_equal(str_of(r, "status", buf, sizeof buf), "draft");
    it_resp_free(r);

    /* an AE does not sign: forbidden, audited, nothing changed */
    long long denied = it_audit_count("contract.transition", "forbidden|denied", NULL, fx.ae_id);
    IT_CALL_ERR(fx.ae, "forbidden", "AE activates", "contract.transition", "id:u to:s", (ull)id,
                "active");
    assert_int_equal(it_audit_count("contract.transition", "forbidden|denied", NULL, fx.ae_id),
                     denied + 1);
    it_expect_invalid(fx.mgr, "draft -> completed", "to", "contract.transition", "id:u to:s",
                      (ull)id, "completed");
    it_expect_invalid(fx.mgr, "draft -> draft", "to", "contract.transition", "id:u to:s", (ull)id,
                      "draft");
    transition(fx.mgr, id, "active", NULL);
    r = IT_CALL_OK(fx.ae, "contract.get", "contract.get", "id:u", (ull)id);
    assert_string_equal(str_of(r, "status", buf, sizeof buf), "active");
    assert_int_equal(u64_of(r, "activated_by"), fx.mgr_id);
    it_resp_free(r);

    /* an active contract's value and period change only by an amendment with a reason */
    uint64_t v = contract_version(id);
    it_expect_invalid(fx.ae, "amendment without reason", "reason", "contract.update",
                      "id:u version:u amount:u", (ull)id, (ull)v, 150000000ULL);
    it_expect_invalid(fx.ae, "period without reason", "reason", "contract.update",
                      "id:u version:u ends_on:s", (ull)id, (ull)v, day(a, 400));
    IT_CALL_ERR(fx.ae, "conflict", "stale version", "contract.update", "id:u version:u title:s",
                (ull)id, (ull)(v - 1), "Stale");
    r = IT_CALL_OK(fx.ae, "title of an active contract", "contract.update",
                   "id:u version:u title:s", (ull)id, (ull)v, "Retainer, سنوي");
    it_resp_free(r);
    r = IT_CALL_OK(fx.ae, "amendment", "contract.update", "id:u version:u amount:u reason:s",
                   (ull)id, (ull)(v + 1), 150000000ULL, "Scope widened to social media");
    assert_int_equal(u64_of(r, "amount"), 150000000ULL);
    const msgpack_object *am = it_get(r->result, "amendments");
    if (am == NULL || am->type != MSGPACK_OBJECT_ARRAY || am->via.array.size != 1)
        it_fail("contract.get: one amendment expected");
    uint64_t oa = 0, na = 0;
    assert_true(it_u64(&am->via.array.ptr[0], "old_amount", &oa) && oa == 130000000ULL);
    assert_true(it_u64(&am->via.array.ptr[0], "new_amount", &na) && na == 150000000ULL);
    assert_non_null(it_str(&am->via.array.ptr[0], "reason", buf, sizeof buf));
    assert_string_equal(buf, "Scope widened to social media");
    it_resp_free(r);

    /* illegal moves of an active contract; terminated needs a reason */
    it_expect_invalid(fx.mgr, "active -> void", "to", "contract.transition", "id:u to:s", (ull)id,
                      "void");
    it_expect_invalid(fx.mgr, "active -> active", "to", "contract.transition", "id:u to:s", (ull)id,
                      "active");
    it_expect_invalid(fx.mgr, "terminated without reason", "reason", "contract.transition",
                      "id:u to:s", (ull)id, "terminated");
    IT_CALL_ERR(fx.ae, "forbidden", "AE terminates", "contract.transition", "id:u to:s reason:s",
                (ull)id, "terminated", "client left");
    transition(fx.dir, id, "terminated", "The client merged with another group");
    /* closed: nothing moves or changes any more */
    it_expect_invalid(fx.dir, "terminated -> completed", "to", "contract.transition", "id:u to:s",
                      (ull)id, "completed");
    it_expect_invalid(fx.ae, "update of a terminated contract", "id", "contract.update",
                      "id:u version:u title:s", (ull)id, (ull)contract_version(id), "Late");

    /* void: from draft only, with a reason; the AE may void a draft */
    uint64_t d = contract_draft(0, 30, 1000ULL, num, sizeof num);
    it_expect_invalid(fx.ae, "void without reason", "reason", "contract.transition", "id:u to:s",
                      (ull)d, "void");
    transition(fx.ae, d, "void", "Drafted twice");
    r = IT_CALL_OK(fx.fin, "finance reads contracts", "contract.get", "id:u", (ull)d);
    assert_string_equal(str_of(r, "close_reason", buf, sizeof buf), "Drafted twice");
    it_resp_free(r);

    /* list by client and status */
    r = IT_CALL_OK(fx.ae, "contract.list", "contract.list", "client_id:u status:s", (ull)fx.client,
                   "terminated");
    uint32_t n = 0;
    const msgpack_object *items = it_items(r->result, &n);
    assert_int_equal(n, 1);
    uint64_t got = 0;
    assert_true(it_u64(&items[0], "id", &got) && got == id);
    it_resp_free(r);
    teardown_fx();
}

/* Resets the movable clock and lets the renewal sweep run again at once (its last run was
 * recorded on the moved clock). */
static void clock_back(void)
{
    it_clock_reset();
    it_db_ll("UPDATE agency.sweeps SET last_run_at = NULL WHERE last_run_at > now() RETURNING 1",
             0);
}

static void test_renewals(void **state)
{
    (void)state;
    setup();
    char num[80], succ[96], a[16], b[16], buf[64];
    /* ends in 30 days: in the queue and the owner's agenda once active */
    uint64_t soon = contract_draft(-335, 30, 5000000ULL, num, sizeof num);
    assert_false(in_renewals(fx.ae, soon, 60));
    transition(fx.mgr, soon, "active", NULL);
    assert_true(in_renewals(fx.ae, soon, 60));
    assert_false(in_renewals(fx.ae, soon, 20));
    assert_true(in_renewals(fx.mgr, soon, 60));
    assert_true(in_renewals(fx.fin, soon, 60));
    assert_true(in_agenda(fx.ae, "renewal", soon, 7));
    assert_false(in_agenda(fx.dir, "renewal", soon, 7));
    /* the sweep tells the owner once */
    it_resp *e = it_recv_event(fx.ae, "contract.renewal_due", 10000);
    uint64_t cid = 0;
    while (e->status == IT_OK && it_u64(e->result, "contract_id", &cid) && cid != soon) {
        it_resp_free(e);
        e = it_recv_event(fx.ae, "contract.renewal_due", 10000);
    }
    if (e->status != IT_OK)
        it_fail("no contract.renewal_due for contract %llu: %s", (ull)soon, it_resp_str(e));
    assert_string_equal(it_str(e->result, "number", buf, sizeof buf), num);
    it_resp_free(e);

    /* a renewal takes it out of the queue; voiding the renewal puts it back */
    snprintf(succ, sizeof succ, "%s-R", num);
    it_resp *r = IT_CALL_OK(fx.ae, "renewal", "contract.create",
                            "client_id:u number:s title:s starts_on:s ends_on:s amount:u "
                            "currency:s renews_id:u",
                            (ull)fx.client, succ, "Renewal", day(a, 31), day(b, 396), 5500000ULL,
                            "TRY", (ull)soon);
    uint64_t rid = it_result_id(r, "renewal");
    it_resp_free(r);
    assert_false(in_renewals(fx.ae, soon, 60));
    assert_false(in_agenda(fx.ae, "renewal", soon, 7));
    it_expect_invalid(fx.ae, "a second renewal", "renews_id", "contract.create",
                      "client_id:u number:s title:s starts_on:s ends_on:s amount:u currency:s "
                      "renews_id:u",
                      (ull)fx.client, "X-2", "Renewal", day(a, 31), day(b, 396), 1ULL, "TRY",
                      (ull)soon);
    transition(fx.ae, rid, "void", "Wrong period");
    assert_true(in_renewals(fx.ae, soon, 60));

    /* ends in 70 days: no reminder until the clock reaches 60 days before its end, then one */
    uint64_t later = contract_draft(-295, 70, 7000000ULL, num, sizeof num);
    transition(fx.mgr, later, "active", NULL);
    char id[24];
    snprintf(id, sizeof id, "%llu", (ull)later);
    it_db_ll("SELECT agency.sweep_contract_renewals()", 0); /* a sweep at the real time */
    assert_int_equal(it_db_ll("SELECT count(*) FROM agency.contracts WHERE id = $1::bigint"
                              " AND renewal_notified_at IS NOT NULL",
                              1, id),
                     0);
    it_clock_shift("11 days");
    e = it_recv_event(fx.ae, "contract.renewal_due", 10000);
    while (e->status == IT_OK && it_u64(e->result, "contract_id", &cid) && cid != later) {
        it_resp_free(e);
        e = it_recv_event(fx.ae, "contract.renewal_due", 10000);
    }
    if (e->status != IT_OK) {
        clock_back();
        it_fail("no contract.renewal_due after the clock moved: %s", it_resp_str(e));
    }
    it_resp_free(e);
    /* later sweeps (the clock moves on) do not repeat it */
    it_clock_shift("12 days");
    e = it_recv_event(fx.ae, "contract.renewal_due", 3000);
    while (e->status == IT_OK && it_u64(e->result, "contract_id", &cid) && cid != later) {
        it_resp_free(e);
        e = it_recv_event(fx.ae, "contract.renewal_due", 3000);
    }
    bool repeated = e->status == IT_OK;
    it_resp_free(e);
    clock_back();
    if (repeated)
        it_fail("contract.renewal_due was pushed twice for one end date");
    assert_int_equal(it_db_ll("SELECT count(*) FROM agency.contracts WHERE id = $1::bigint"
                              " AND renewal_notified_for = ends_on",
                              1, id),
                     1);
    teardown_fx();
}

static void test_contract_bad_input(void **state)
{
    (void)state;
    setup();
    char a[16], b[16], num[80];
    const char *f = "client_id:u number:s title:s starts_on:s ends_on:s amount:u currency:s";
    ull cl = fx.client;
    long long before = it_db_ll("SELECT count(*) FROM agency.contracts", 0);
    it_expect_invalid(fx.ae, "ends before it starts", "ends_on", "contract.create", f, cl,
                      number(num, sizeof num), "T", day(a, 10), day(b, 9), 1ULL, "TRY");
    it_expect_invalid(fx.ae, "lower-case currency", "currency", "contract.create", f, cl,
                      number(num, sizeof num), "T", day(a, 0), day(b, 9), 1ULL, "try");
    it_expect_invalid(fx.ae, "long currency", "currency", "contract.create", f, cl,
                      number(num, sizeof num), "T", day(a, 0), day(b, 9), 1ULL, "TRYY");
    it_expect_invalid(fx.ae, "amount too large", "amount", "contract.create", f, cl,
                      number(num, sizeof num), "T", day(a, 0), day(b, 9), 1000000000000001ULL,
                      "TRY");
    it_expect_invalid(fx.ae, "not a date", "starts_on", "contract.create", f, cl,
                      number(num, sizeof num), "T", "2026-02-30", day(b, 9), 1ULL, "TRY");
    it_expect_invalid(fx.ae, "before 2000", "starts_on", "contract.create", f, cl,
                      number(num, sizeof num), "T", "1999-12-31", day(b, 9), 1ULL, "TRY");
    it_expect_invalid(fx.ae, "empty number", "number", "contract.create", f, cl, "", "T", day(a, 0),
                      day(b, 9), 1ULL, "TRY");
    it_expect_invalid(fx.ae, "padded number", "number", "contract.create", f, cl, " K-1 ", "T",
                      day(a, 0), day(b, 9), 1ULL, "TRY");
    it_expect_invalid(fx.ae, "empty title", "title", "contract.create", f, cl,
                      number(num, sizeof num), "", day(a, 0), day(b, 9), 1ULL, "TRY");
    it_expect_invalid(fx.ae, "client id 0", "client_id", "contract.create", f, 0ULL,
                      number(num, sizeof num), "T", day(a, 0), day(b, 9), 1ULL, "TRY");
    it_expect_invalid(fx.ae, "amount as text", "amount", "contract.create",
                      "client_id:u number:s title:s starts_on:s ends_on:s amount:s currency:s", cl,
                      number(num, sizeof num), "T", day(a, 0), day(b, 9), "12.50", "TRY");
    it_expect_invalid(fx.ae, "within_days too large", "within_days", "contract.renewals",
                      "within_days:u", 367ULL);
    it_expect_invalid(fx.ae, "unknown status", "status", "contract.list", "status:s", "open");
    it_expect_invalid(fx.ae, "unknown target", "to", "contract.transition", "id:u to:s", 1ULL,
                      "signed");
    IT_CALL_ERR(fx.ae, "not_found", "missing contract", "contract.get", "id:u", 900000000000ULL);
    IT_CALL_ERR(fx.fin, "forbidden", "finance creates", "contract.create", f, cl,
                number(num, sizeof num), "T", day(a, 0), day(b, 9), 1ULL, "TRY");
    assert_int_equal(it_db_ll("SELECT count(*) FROM agency.contracts", 0), before);
    teardown_fx();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_contract_lifecycle),
        cmocka_unit_test(test_renewals),
        cmocka_unit_test(test_contract_bad_input),
    };
    return cmocka_run_group_tests(tests, NULL, it_teardown);
}
