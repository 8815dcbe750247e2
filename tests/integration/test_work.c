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
        num, "Annual retainer 年度服务", it_day(a, from), it_day(b, to), amount, "TRY");
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
                      (ull)fx.client, num, "Again", it_day(a, 0), it_day(b, 10), 1ULL, "TRY");

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
                      "id:u version:u ends_on:s", (ull)id, (ull)v, it_day(a, 400));
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
    clock_back(); /* a test before may have left a sweep's last run on a moved clock */
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
    if (!it_str(e->result, "number", buf, sizeof buf) || strcmp(buf, num) != 0)
        it_fail("contract.renewal_due does not name contract %s", num);
    it_resp_free(e);

    /* a renewal takes it out of the queue; voiding the renewal puts it back */
    snprintf(succ, sizeof succ, "%s-R", num);
    it_resp *r = IT_CALL_OK(fx.ae, "renewal", "contract.create",
                            "client_id:u number:s title:s starts_on:s ends_on:s amount:u "
                            "currency:s renews_id:u",
                            (ull)fx.client, succ, "Renewal", it_day(a, 31), it_day(b, 396),
                            5500000ULL, "TRY", (ull)soon);
    uint64_t rid = it_result_id(r, "renewal");
    it_resp_free(r);
    assert_false(in_renewals(fx.ae, soon, 60));
    assert_false(in_agenda(fx.ae, "renewal", soon, 7));
    it_expect_invalid(fx.ae, "a second renewal", "renews_id", "contract.create",
                      "client_id:u number:s title:s starts_on:s ends_on:s amount:u currency:s "
                      "renews_id:u",
                      (ull)fx.client, "X-2", "Renewal", it_day(a, 31), it_day(b, 396), 1ULL, "TRY",
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
                      number(num, sizeof num), "T", it_day(a, 10), it_day(b, 9), 1ULL, "TRY");
    it_expect_invalid(fx.ae, "lower-case currency", "currency", "contract.create", f, cl,
                      number(num, sizeof num), "T", it_day(a, 0), it_day(b, 9), 1ULL, "try");
    it_expect_invalid(fx.ae, "long currency", "currency", "contract.create", f, cl,
                      number(num, sizeof num), "T", it_day(a, 0), it_day(b, 9), 1ULL, "TRYY");
    it_expect_invalid(fx.ae, "amount too large", "amount", "contract.create", f, cl,
                      number(num, sizeof num), "T", it_day(a, 0), it_day(b, 9), 1000000000000001ULL,
                      "TRY");
    it_expect_invalid(fx.ae, "not a date", "starts_on", "contract.create", f, cl,
                      number(num, sizeof num), "T", "2026-02-30", it_day(b, 9), 1ULL, "TRY");
    it_expect_invalid(fx.ae, "before 2000", "starts_on", "contract.create", f, cl,
                      number(num, sizeof num), "T", "1999-12-31", it_day(b, 9), 1ULL, "TRY");
    it_expect_invalid(fx.ae, "empty number", "number", "contract.create", f, cl, "", "T",
                      it_day(a, 0), it_day(b, 9), 1ULL, "TRY");
    it_expect_invalid(fx.ae, "padded number", "number", "contract.create", f, cl, " K-1 ", "T",
                      it_day(a, 0), it_day(b, 9), 1ULL, "TRY");
    it_expect_invalid(fx.ae, "empty title", "title", "contract.create", f, cl,
                      number(num, sizeof num), "", it_day(a, 0), it_day(b, 9), 1ULL, "TRY");
    it_expect_invalid(fx.ae, "client id 0", "client_id", "contract.create", f, 0ULL,
                      number(num, sizeof num), "T", it_day(a, 0), it_day(b, 9), 1ULL, "TRY");
    it_expect_invalid(fx.ae, "amount as text", "amount", "contract.create",
                      "client_id:u number:s title:s starts_on:s ends_on:s amount:s currency:s", cl,
                      number(num, sizeof num), "T", it_day(a, 0), it_day(b, 9), "12.50", "TRY");
    it_expect_invalid(fx.ae, "within_days too large", "within_days", "contract.renewals",
                      "within_days:u", 367ULL);
    it_expect_invalid(fx.ae, "unknown status", "status", "contract.list", "status:s", "open");
    it_expect_invalid(fx.ae, "unknown target", "to", "contract.transition", "id:u to:s", 1ULL,
                      "signed");
    IT_CALL_ERR(fx.ae, "not_found", "missing contract", "contract.get", "id:u", 900000000000ULL);
    IT_CALL_ERR(fx.fin, "forbidden", "finance creates", "contract.create", f, cl,
                number(num, sizeof num), "T", it_day(a, 0), it_day(b, 9), 1ULL, "TRY");
    assert_int_equal(it_db_ll("SELECT count(*) FROM agency.contracts", 0), before);
    teardown_fx();
}

/* ---- campaigns ---- */

static void pk_str(msgpack_packer *pk, const char *s)
{
    msgpack_pack_str(pk, strlen(s));
    msgpack_pack_str_body(pk, s, strlen(s));
}

/* campaign.create's map with the list argument `list_key` packed by list (NULL: none). */
struct campaign_ud {
    uint64_t client, contract;
    const char *name, *starts, *ends;
    const char *list_key;
    void (*list)(msgpack_packer *pk);
    uint64_t report_campaign; /* campaign.report instead, kind review */
};

static void pack_campaign_create(msgpack_packer *pk, void *vud)
{
    const struct campaign_ud *u = vud;
    if (u->report_campaign) {
        msgpack_pack_map(pk, 4);
        pk_str(pk, "campaign_id");
        msgpack_pack_uint64(pk, u->report_campaign);
        pk_str(pk, "kind");
        pk_str(pk, "review");
        pk_str(pk, "summary");
        pk_str(pk, "Results review with the client");
        pk_str(pk, u->list_key);
        u->list(pk);
        return;
    }
    msgpack_pack_map(pk, 7 + (u->contract != 0) + (u->list != NULL));
    pk_str(pk, "client_id");
    msgpack_pack_uint64(pk, u->client);
    pk_str(pk, "name");
    pk_str(pk, u->name);
    pk_str(pk, "objectives");
    pk_str(pk, "Launch the spring range; 春季新品上市");
    pk_str(pk, "budget_amount");
    msgpack_pack_uint64(pk, 25000000);
    pk_str(pk, "currency");
    pk_str(pk, "EUR");
    pk_str(pk, "starts_on");
    pk_str(pk, u->starts);
    pk_str(pk, "ends_on");
    pk_str(pk, u->ends);
    if (u->contract) {
        pk_str(pk, "contract_id");
        msgpack_pack_uint64(pk, u->contract);
    }
    if (u->list) {
        pk_str(pk, u->list_key);
        u->list(pk);
    }
}

static void kpis_good(msgpack_packer *pk)
{
    msgpack_pack_array(pk, 2);
    msgpack_pack_map(pk, 3);
    pk_str(pk, "name");
    pk_str(pk, "CTR");
    pk_str(pk, "target");
    pk_str(pk, "2.5");
    pk_str(pk, "unit");
    pk_str(pk, "%");
    msgpack_pack_map(pk, 2);
    pk_str(pk, "name");
    pk_str(pk, "Reach الوصول");
    pk_str(pk, "target");
    msgpack_pack_uint64(pk, 1000000);
}

static void kpis_not_map(msgpack_packer *pk)
{
    msgpack_pack_array(pk, 1);
    pk_str(pk, "CTR");
}

static void kpis_bad_target(msgpack_packer *pk)
{
    msgpack_pack_array(pk, 1);
    msgpack_pack_map(pk, 2);
    pk_str(pk, "name");
    pk_str(pk, "CTR");
    pk_str(pk, "target");
    pk_str(pk, "2,5");
}

static void kpis_float_target(msgpack_packer *pk)
{
    msgpack_pack_array(pk, 1);
    msgpack_pack_map(pk, 2);
    pk_str(pk, "name");
    pk_str(pk, "CTR");
    pk_str(pk, "target");
    msgpack_pack_double(pk, 2.5);
}

static void kpis_no_name(msgpack_packer *pk)
{
    msgpack_pack_array(pk, 1);
    msgpack_pack_map(pk, 1);
    pk_str(pk, "target");
    msgpack_pack_uint64(pk, 1);
}

static void kpis_unknown_key(msgpack_packer *pk)
{
    msgpack_pack_array(pk, 1);
    msgpack_pack_map(pk, 3);
    pk_str(pk, "name");
    pk_str(pk, "CTR");
    pk_str(pk, "target");
    msgpack_pack_uint64(pk, 1);
    pk_str(pk, "owner");
    pk_str(pk, "x");
}

static void kpis_same_name(msgpack_packer *pk)
{
    msgpack_pack_array(pk, 2);
    for (int i = 0; i < 2; i++) {
        msgpack_pack_map(pk, 2);
        pk_str(pk, "name");
        pk_str(pk, i ? "ctr" : "CTR");
        pk_str(pk, "target");
        msgpack_pack_uint64(pk, 1);
    }
}

static void kpis_too_many(msgpack_packer *pk)
{
    msgpack_pack_array(pk, 21);
    for (int i = 0; i < 21; i++) {
        char n[16];
        snprintf(n, sizeof n, "K%d", i);
        msgpack_pack_map(pk, 2);
        pk_str(pk, "name");
        pk_str(pk, n);
        pk_str(pk, "target");
        msgpack_pack_uint64(pk, 1);
    }
}

static void actuals_good(msgpack_packer *pk)
{
    msgpack_pack_array(pk, 2);
    msgpack_pack_map(pk, 2);
    pk_str(pk, "name");
    pk_str(pk, "ctr");
    pk_str(pk, "actual");
    pk_str(pk, "3.1");
    msgpack_pack_map(pk, 2);
    pk_str(pk, "name");
    pk_str(pk, "Reach الوصول");
    pk_str(pk, "actual");
    msgpack_pack_uint64(pk, 800000);
}

static void actuals_unknown(msgpack_packer *pk)
{
    msgpack_pack_array(pk, 1);
    msgpack_pack_map(pk, 2);
    pk_str(pk, "name");
    pk_str(pk, "Conversions");
    pk_str(pk, "actual");
    msgpack_pack_uint64(pk, 1);
}

static uint64_t campaign_create(uint64_t contract, void (*kpis)(msgpack_packer *))
{
    char a[16], b[16];
    struct campaign_ud u = {fx.client,
                            contract,
                            "Spring launch / Lancio primavera",
                            it_day(a, 0),
                            it_day(b, 90),
                            "kpis",
                            kpis,
                            0};
    it_resp *r = it_call_pk(fx.ae, "campaign.create", pack_campaign_create, &u);
    it_assert_ok(r, "campaign.create");
    uint64_t id = it_result_id(r, "campaign.create");
    it_resp_free(r);
    return id;
}

static void move(uint64_t id, const char *to)
{
    it_resp *r = it_call(fx.ae, "campaign.transition", "id:u to:s note:s", (ull)id, to, to);
    it_assert_ok(r, to);
    it_resp_free(r);
}

/* The KPI named name of a campaign answer. */
static const msgpack_object *kpi(const it_resp *r, const char *name)
{
    const msgpack_object *k = it_get(r->result, "kpis");
    char buf[64];
    for (uint32_t i = 0; k && k->type == MSGPACK_OBJECT_ARRAY && i < k->via.array.size; i++)
        if (it_str(&k->via.array.ptr[i], "name", buf, sizeof buf) && strcmp(buf, name) == 0)
            return &k->via.array.ptr[i];
    it_fail("the campaign has no KPI %s", name);
    return NULL;
}

static void test_campaign_stages(void **state)
{
    (void)state;
    setup();
    char num[80], buf[128];
    uint64_t contract = contract_draft(0, 365, 1000ULL, num, sizeof num);
    uint64_t id = campaign_create(contract, kpis_good);
    it_resp *r = IT_CALL_OK(fx.fin, "finance reads the budget", "campaign.get", "id:u", (ull)id);
    assert_int_equal(u64_of(r, "budget_amount"), 25000000ULL);
    assert_int_equal(u64_of(r, "contract_id"), contract);
    assert_string_equal(str_of(r, "status", buf, sizeof buf), "brief");
    assert_string_equal(it_str(kpi(r, "CTR"), "target", buf, sizeof buf), "2.5");
    assert_string_equal(it_str(kpi(r, "Reach الوصول"), "target", buf, sizeof buf), "1000000");
    it_resp_free(r);
    IT_CALL_ERR(fx.fin, "forbidden", "finance reads reports", "campaign.reports", "campaign_id:u",
                (ull)id);

    /* one stage at a time; the same stage is no move */
    it_expect_invalid(fx.ae, "brief -> approved", "to", "campaign.transition", "id:u to:s", (ull)id,
                      "approved");
    it_expect_invalid(fx.ae, "brief -> brief", "to", "campaign.transition", "id:u to:s", (ull)id,
                      "brief");
    static const char *const stages[] = {"proposal", "approved", "production", "live"};
    for (size_t i = 0; i < 4; i++)
        move(id, stages[i]);
    it_expect_invalid(fx.ae, "live -> approved", "to", "campaign.transition", "id:u to:s", (ull)id,
                      "approved");
    /* actuals only in review, by a review report */
    struct campaign_ud u = {.list_key = "actuals", .list = actuals_good, .report_campaign = id};
    r = it_call_pk(fx.ae, "campaign.report", pack_campaign_create, &u);
    if (r->status != IT_ERROR || strcmp(r->code, "invalid") || strcmp(r->field, "actuals"))
        it_fail("actuals before review: %s", it_resp_str(r));
    it_resp_free(r);
    r = IT_CALL_OK(fx.ae, "progress report", "campaign.report",
                   "campaign_id:u kind:s summary:s decisions:s", (ull)id, "progress",
                   "Week 2: reach on plan", "Shift 10% of the budget to video");
    it_resp_free(r);
    move(id, "review");
    u.list = actuals_unknown;
    r = it_call_pk(fx.ae, "campaign.report", pack_campaign_create, &u);
    if (r->status != IT_ERROR || strcmp(r->code, "invalid") || strcmp(r->field, "actuals"))
        it_fail("actual of an unknown KPI: %s", it_resp_str(r));
    it_resp_free(r);
    u.list = actuals_good;
    r = it_call_pk(fx.ae, "campaign.report", pack_campaign_create, &u);
    it_assert_ok(r, "review with actuals");
    bool met = false;
    assert_string_equal(it_str(kpi(r, "CTR"), "actual", buf, sizeof buf), "3.1");
    assert_true(it_bool(kpi(r, "CTR"), "met", &met) && met);
    assert_true(it_bool(kpi(r, "Reach الوصول"), "met", &met) && !met);
    it_resp_free(r);
    move(id, "closed");
    it_expect_invalid(fx.ae, "closed -> cancelled", "to", "campaign.transition", "id:u to:s",
                      (ull)id, "cancelled");
    char v[24];
    snprintf(v, sizeof v, "%llu", (ull)id);
    long long ver = it_db_ll("SELECT version FROM agency.campaigns WHERE id = $1::bigint", 1, v);
    it_expect_invalid(fx.ae, "update of a closed campaign", "id", "campaign.update",
                      "id:u version:u name:s", (ull)id, (ull)ver, "Later");

    /* the timeline: every move wrote its report, in order, with what was decided */
    r = IT_CALL_OK(fx.mgr, "campaign.reports", "campaign.reports", "campaign_id:u", (ull)id);
    uint32_t n = 0;
    const msgpack_object *items = it_items(r->result, &n);
    static const char *const kinds[] = {"progress", "approval", "progress", "progress",
                                        "progress", "review",   "review",   "review"};
    static const char *const tos[] = {"proposal", "approved", "production", "live",
                                      NULL,       "review",   NULL,         "closed"};
    assert_int_equal(n, 8);
    for (uint32_t i = 0; i < n; i++) {
        assert_string_equal(it_str(&items[i], "kind", buf, sizeof buf), kinds[i]);
        const char *to = it_str(&items[i], "to_status", buf, sizeof buf);
        if (tos[i] == NULL)
            assert_null(to);
        else
            assert_string_equal(to, tos[i]);
    }
    assert_string_equal(it_str(&items[4], "decisions", buf, sizeof buf),
                        "Shift 10% of the budget to video");
    it_resp_free(r);

    /* cancelled from any open stage */
    uint64_t c2 = campaign_create(0, NULL);
    move(c2, "proposal");
    r = IT_CALL_OK(fx.ae, "cancel", "campaign.transition", "id:u to:s note:s", (ull)c2, "cancelled",
                   "Client froze all spending");
    assert_string_equal(str_of(r, "status", buf, sizeof buf), "cancelled");
    it_resp_free(r);
    teardown_fx();
}

static void test_campaign_bad_input(void **state)
{
    (void)state;
    setup();
    char a[16], b[16];
    const char *counts = "SELECT (SELECT count(*) FROM agency.campaigns) * 1000 +"
                         " (SELECT count(*) FROM agency.campaign_kpis)";
    long long before = it_db_ll(counts, 0);
    static void (*const bad[])(msgpack_packer *) = {
        kpis_not_map,     kpis_bad_target, kpis_float_target, kpis_no_name,
        kpis_unknown_key, kpis_same_name,  kpis_too_many};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct campaign_ud u = {fx.client,    0,      "Bad KPIs", it_day(a, 0),
                                it_day(b, 9), "kpis", bad[i],     0};
        it_resp *r = it_call_pk(fx.ae, "campaign.create", pack_campaign_create, &u);
        if (r->status != IT_ERROR || strcmp(r->code, "invalid") || strcmp(r->field, "kpis"))
            it_fail("bad kpis case %zu: %s", i, it_resp_str(r));
        it_resp_free(r);
    }
    struct campaign_ud u = {fx.client, 0, "Backwards", it_day(a, 9), it_day(b, 0), NULL, NULL, 0};
    it_resp *r = it_call_pk(fx.ae, "campaign.create", pack_campaign_create, &u);
    if (r->status != IT_ERROR || strcmp(r->code, "invalid") || strcmp(r->field, "ends_on"))
        it_fail("campaign ending before it starts: %s", it_resp_str(r));
    it_resp_free(r);
    /* a contract of another client */
    char name[96], uq[64], num[80];
    snprintf(name, sizeof name, "Other Work Client %s", it_uniq("", uq, sizeof uq));
    uint64_t other = it_client_create_forced(fx.dir, name, fx.ae_id);
    uint64_t foreign = contract_draft(0, 10, 1ULL, num, sizeof num);
    u = (struct campaign_ud){other, foreign, "Wrong contract", it_day(a, 0), it_day(b, 9), NULL,
                             NULL,  0};
    r = it_call_pk(fx.ae, "campaign.create", pack_campaign_create, &u);
    if (r->status != IT_ERROR || strcmp(r->code, "invalid") || strcmp(r->field, "contract_id"))
        it_fail("a contract of another client: %s", it_resp_str(r));
    it_resp_free(r);
    it_expect_invalid(fx.ae, "unknown stage", "to", "campaign.transition", "id:u to:s", 1ULL,
                      "launched");
    it_expect_invalid(fx.ae, "unknown report kind", "kind", "campaign.report",
                      "campaign_id:u kind:s summary:s", 1ULL, "memo", "x");
    it_expect_invalid(fx.ae, "empty summary", "summary", "campaign.report",
                      "campaign_id:u kind:s summary:s", 1ULL, "progress", "");
    it_expect_invalid(fx.ae, "budget too large", "budget_amount", "campaign.update",
                      "id:u version:u budget_amount:u", 1ULL, 1ULL, 1000000000000001ULL);
    assert_int_equal(it_db_ll(counts, 0), before);
    IT_CALL_ERR(fx.ae, "not_found", "missing campaign", "campaign.reports", "campaign_id:u",
                900000000000ULL);
    teardown_fx();
}

/* ---- job cards ---- */

/* The UTC time `hours` from now as RFC 3339 into buf (21 bytes). */
static const char *at(char *buf, int hours)
{
    time_t t = time(NULL) + (time_t)hours * 3600;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

static uint64_t job_open(uint64_t campaign, const char *title, int meeting_hours_ago,
                         const char *minutes)
{
    char ts[24];
    it_resp *r = minutes
                     ? it_call(fx.ae, "job.open", "campaign_id:u title:s meeting_at:s minutes:s",
                               (ull)campaign, title, at(ts, -meeting_hours_ago), minutes)
                     : it_call(fx.ae, "job.open", "campaign_id:u title:s", (ull)campaign, title);
    it_assert_ok(r, "job.open");
    uint64_t id = it_result_id(r, "job.open");
    it_resp_free(r);
    return id;
}

static bool late_of(it_conn *c, uint64_t job)
{
    it_resp *r = IT_CALL_OK(c, "job.get", "job.get", "id:u", (ull)job);
    bool late = true;
    if (!it_bool(r->result, "minutes_late", &late))
        it_fail("job.get: no minutes_late");
    it_resp_free(r);
    return late;
}

/* Adds a task for assignee to job; the new task's id (the last task of the answer). */
static uint64_t task_add(uint64_t job, const char *title, uint64_t assignee, int due_days)
{
    char d[16];
    it_resp *r =
        IT_CALL_OK(fx.ae, "job.task", "job.task", "job_id:u title:s assignee_id:u due_on:s",
                   (ull)job, title, (ull)assignee, it_day(d, due_days));
    const msgpack_object *t = it_get(r->result, "tasks");
    uint64_t id = 0;
    for (uint32_t i = 0; t && t->type == MSGPACK_OBJECT_ARRAY && i < t->via.array.size; i++) {
        uint64_t v = 0;
        char buf[96];
        if (it_u64(&t->via.array.ptr[i], "id", &v) &&
            it_str(&t->via.array.ptr[i], "title", buf, sizeof buf) && strcmp(buf, title) == 0)
            id = v;
    }
    it_resp_free(r);
    if (id == 0)
        it_fail("job.task: the new task is not in the answer");
    return id;
}

static void test_jobs(void **state)
{
    (void)state;
    setup();
    char user[64], pw[160], buf[96];
    it_cred("AGENCY_DEMO_AE", user, pw);
    uint64_t layla_id = 0;
    it_conn *layla = it_session_user("layla.mansour", pw, &layla_id);
    uint64_t campaign = campaign_create(0, NULL);

    /* minutes: late when logged more than 24 hours after the meeting */
    uint64_t late = job_open(campaign, "Kick-off / Toplantı", 30, "Agreed the media plan");
    uint64_t timely = job_open(campaign, "Creative review", 2, "Two routes kept");
    assert_true(late_of(fx.ae, late));
    assert_false(late_of(fx.ae, timely));
    uint64_t later = job_open(campaign, "Status call", 0, NULL);
    char ts[24];
    it_resp *r = IT_CALL_OK(fx.ae, "job.minutes", "job.minutes", "id:u minutes:s meeting_at:s",
                            (ull)later, "Budget confirmed", at(ts, -26));
    it_resp_free(r);
    assert_true(late_of(fx.ae, later));

    /* a task waits in its assignee's agenda (and the manager's team view), pushed on assignment */
    uint64_t t1 = task_add(late, "Send the media plan 发送媒体计划", layla_id, 2);
    uint64_t t2 = task_add(late, "Book the shoot", fx.ae_id, -1);
    it_resp *e = it_recv_event(layla, "task.assigned", 10000);
    uint64_t got = 0;
    if (e->status != IT_OK || !it_u64(e->result, "task_id", &got) || got != t1)
        it_fail("layla got no task.assigned for task %llu: %s", (ull)t1, it_resp_str(e));
    it_resp_free(e);
    assert_true(in_agenda(layla, "task", t1, 7));
    assert_false(in_agenda(fx.ae, "task", t1, 7));
    assert_true(in_agenda(fx.ae, "task", t2, 0)); /* overdue */
    r = IT_CALL_OK(fx.mgr, "team agenda", "agenda", "days:u team:b", 7ULL, 1);
    it_resp_free(r);
    /* the assignee sees the job of her task, not the client's other jobs */
    r = IT_CALL_OK(layla, "assignee reads the job", "job.get", "id:u", (ull)late);
    it_resp_free(r);
    IT_CALL_ERR(layla, "not_found", "another job of the client", "job.get", "id:u", (ull)timely);
    it_expect_invalid(fx.ae, "finance as assignee", "assignee_id", "job.task",
                      "job_id:u title:s assignee_id:u due_on:s", (ull)late, "X", (ull)fx.fin_id,
                      "2030-01-01");
    it_expect_invalid(fx.ae, "no such assignee", "assignee_id", "job.task",
                      "job_id:u title:s assignee_id:u due_on:s", (ull)late, "X", 900000000000ULL,
                      "2030-01-01");

    /* closing: every task done, or a reason */
    it_expect_invalid(fx.ae, "close with open tasks", "reason", "job.close", "id:u", (ull)late);
    r = IT_CALL_OK(layla, "assignee marks done", "job.task_done", "task_id:u", (ull)t1);
    it_resp_free(r);
    assert_false(in_agenda(layla, "task", t1, 7));
    it_expect_invalid(layla, "done twice", "task_id", "job.task_done", "task_id:u", (ull)t1);
    it_expect_invalid(fx.ae, "still one open", "reason", "job.close", "id:u", (ull)late);
    r = IT_CALL_OK(fx.ae, "close with a reason", "job.close", "id:u reason:s", (ull)late,
                   "Shoot moved to the next job card");
    assert_string_equal(str_of(r, "status", buf, sizeof buf), "closed");
    it_resp_free(r);
    assert_false(in_agenda(fx.ae, "task", t2, 0));
    it_expect_invalid(fx.ae, "task of a closed job", "task_id", "job.task_done", "task_id:u",
                      (ull)t2);
    it_expect_invalid(fx.ae, "close twice", "id", "job.close", "id:u reason:s", (ull)late, "again");
    it_expect_invalid(fx.ae, "task on a closed job", "job_id", "job.task",
                      "job_id:u title:s assignee_id:u due_on:s", (ull)late, "X", (ull)fx.ae_id,
                      "2030-01-01");
    r = IT_CALL_OK(fx.ae, "close when all done", "job.close", "id:u", (ull)timely);
    it_resp_free(r);

    /* lists */
    r = IT_CALL_OK(fx.ae, "job.list", "job.list", "campaign_id:u status:s", (ull)campaign, "open");
    uint32_t n = 0;
    it_items(r->result, &n);
    assert_int_equal(n, 1);
    it_resp_free(r);

    /* a closed campaign takes no new job */
    static const char *const stages[] = {"proposal", "approved", "production",
                                         "live",     "review",   "closed"};
    for (size_t i = 0; i < 6; i++)
        move(campaign, stages[i]);
    it_expect_invalid(fx.ae, "job on a closed campaign", "campaign_id", "job.open",
                      "campaign_id:u title:s", (ull)campaign, "Late idea");
    IT_CALL_ERR(fx.fin, "forbidden", "finance and jobs", "job.list", "");
    it_expect_invalid(fx.ae, "bad meeting time", "meeting_at", "job.open",
                      "campaign_id:u title:s meeting_at:s", (ull)campaign, "X",
                      "2026-13-01T00:00:00Z");
    it_expect_invalid(fx.ae, "empty title", "title", "job.open", "campaign_id:u title:s",
                      (ull)campaign, "");
    it_close(layla);
    teardown_fx();
}

/* ---- reviews and health ---- */

static void review(ull score, int days_ago)
{
    char d[16];
    it_resp *r =
        IT_CALL_OK(fx.ae, "review.record", "review.record",
                   "client_id:u kind:s period:s score:u notes:s reviewed_on:s", (ull)fx.client,
                   "quarterly", "2026-Q3", score, "Soddisfatti del servizio", it_day(d, -days_ago));
    it_resp_free(r);
}

/* The client's health level (and score) as c sees it in client.get. */
static const char *health(it_conn *c, char *level, size_t size, char *score, size_t ssize)
{
    it_resp *r = IT_CALL_OK(c, "client.get", "client.get", "id:u", (ull)fx.client);
    const char *l = it_str(r->result, "health.level", level, size);
    if (score && !it_str(r->result, "health.score", score, ssize))
        score[0] = '\0';
    it_resp_free(r);
    return l;
}

static void test_reviews_health(void **state)
{
    (void)state;
    setup();
    char level[32], score[32];
    assert_string_equal(health(fx.ae, level, sizeof level, NULL, 0), "unknown");
    review(9, 400); /* older than a year: not counted */
    assert_string_equal(health(fx.ae, level, sizeof level, NULL, 0), "unknown");
    review(9, 10);
    assert_string_equal(health(fx.ae, level, sizeof level, score, sizeof score), "good");
    assert_string_equal(score, "9.0");
    review(3, 5);
    review(4, 1);
    assert_string_equal(health(fx.mgr, level, sizeof level, score, sizeof score), "watch");
    assert_string_equal(score, "5.3");
    review(2, 0);
    assert_string_equal(health(fx.dir, level, sizeof level, score, sizeof score), "at_risk");
    assert_string_equal(score, "3.0");
    /* finance reads client basics: no health */
    assert_null(health(fx.fin, level, sizeof level, NULL, 0));
    IT_CALL_ERR(fx.fin, "forbidden", "finance and reviews", "review.list", "client_id:u",
                (ull)fx.client);

    uint64_t other_campaign = campaign_create(0, NULL); /* of the first client */
    /* the last contact counts too: a call 40 days ago is a reason to watch */
    char name[96], uq[64], when[24];
    snprintf(name, sizeof name, "Health Client %s", it_uniq("", uq, sizeof uq));
    fx.client = it_client_create_forced(fx.dir, name, fx.ae_id);
    it_resp *r = IT_CALL_OK(fx.ae, "activity.log", "activity.log",
                            "client_id:u kind:s summary:s occurred_at:s", (ull)fx.client, "call",
                            "Quarterly check-in", at(when, -40 * 24));
    it_resp_free(r);
    review(8, 2);
    assert_string_equal(health(fx.ae, level, sizeof level, NULL, 0), "watch");
    r = IT_CALL_OK(fx.ae, "activity.log", "activity.log", "client_id:u kind:s summary:s",
                   (ull)fx.client, "visit", "Visited the plant");
    it_resp_free(r);
    assert_string_equal(health(fx.ae, level, sizeof level, NULL, 0), "good");

    r = IT_CALL_OK(fx.ae, "review.list", "review.list", "client_id:u", (ull)fx.client);
    uint32_t n = 0;
    it_items(r->result, &n);
    assert_int_equal(n, 1);
    it_resp_free(r);

    /* bad input */
    const char *f = "client_id:u kind:s score:u";
    it_expect_invalid(fx.ae, "score 0", "score", "review.record", f, (ull)fx.client, "survey",
                      0ULL);
    it_expect_invalid(fx.ae, "score 11", "score", "review.record", f, (ull)fx.client, "survey",
                      11ULL);
    it_expect_invalid(fx.ae, "unknown kind", "kind", "review.record", f, (ull)fx.client, "annual",
                      5ULL);
    it_expect_invalid(fx.ae, "campaign review without its campaign", "campaign_id", "review.record",
                      f, (ull)fx.client, "campaign", 5ULL);
    it_expect_invalid(fx.ae, "campaign of another client", "campaign_id", "review.record",
                      "client_id:u kind:s score:u campaign_id:u", (ull)fx.client, "campaign", 5ULL,
                      (ull)other_campaign);
    it_expect_invalid(fx.ae, "long period", "period", "review.record",
                      "client_id:u kind:s score:u period:s", (ull)fx.client, "survey", 5ULL,
                      "123456789012345678901234567890123");
    teardown_fx();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_contract_lifecycle), cmocka_unit_test(test_renewals),
        cmocka_unit_test(test_contract_bad_input), cmocka_unit_test(test_campaign_stages),
        cmocka_unit_test(test_campaign_bad_input), cmocka_unit_test(test_jobs),
        cmocka_unit_test(test_reviews_health),
    };
    return cmocka_run_group_tests(tests, NULL, it_teardown);
}
