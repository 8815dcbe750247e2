/*
 * test_reports.c - report.renewals and report.pipeline against fixtures whose totals are worked
 * out by hand below (not by the report's SQL): buckets and their edges, renewal started or not,
 * amounts per currency and never across currencies, ageing bands, bad arguments.
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
#include "reports_fixture.h"

static struct {
    it_conn *director, *ae;
    uint64_t ae_id, director_id, client, other_client;
    char tag[48], today[16];
} fx;

static const char *num(const char *suffix)
{
    static char buf[8][96];
    static int next;
    char *b = buf[next++ % 8];
    snprintf(b, 96, "%s-%s", fx.tag, suffix);
    return b;
}

/* A fresh AE of Istanbul Brands owning one client (a Chinese name) with every fixture below,
   and a contract of giulia.rossi's (Milano Retail) that the AE must never see. */
static int setup(void **state)
{
    (void)state;
    fx.director = it_session("AGENCY_DEMO_DIRECTOR", &fx.director_id);
    fx.ae = rf_new_session(fx.director, "rep.ae", "ae", &fx.ae_id);
    it_uniq("RN", fx.tag, sizeof fx.tag);
    char name[128];
    snprintf(name, sizeof name, "上海晨光文具 %s", fx.tag);
    fx.client = it_client_create_forced(fx.director, name, fx.ae_id);
    snprintf(name, sizeof name, "Pasticceria Rossi %s", fx.tag);
    fx.other_client = it_client_create_forced(fx.director, name, rf_user_id("giulia.rossi"));
    rf_istanbul_today(fx.today);

    uint64_t d = fx.director_id, c = fx.client;
    rf_contract(c, num("K0"), 0, 100000, "EUR", "active", 0, d);
    uint64_t k1 = rf_contract(c, num("K1"), 30, 250000, "TRY", "active", 0, d);
    uint64_t k2 = rf_contract(c, num("K2"), 30, 50000, "EUR", "active", 0, d);
    rf_contract(c, num("K3"), 31, 70000, "EUR", "active", 0, d);
    rf_contract(c, num("K4"), 90, 12345, "USD", "active", 0, d);
    rf_contract(c, num("K5"), 91, 9000, "EUR", "active", 0, d);
    rf_contract(c, num("K6"), -1, 8000, "EUR", "active", 0, d);
    rf_contract(c, num("K7"), 10, 7000, "EUR", "completed", 0, d);
    rf_contract(c, num("S1"), 395, 260000, "TRY", "draft", k1, d); /* K1's renewal: started */
    rf_contract(c, num("V2"), 395, 55000, "EUR", "void", k2, d);   /* voided: K2 not started */
    rf_contract(fx.other_client, num("G1"), 20, 99999, "EUR", "active", 0, d);

    rf_campaign(c, num("brief-a"), "brief", 2, 1000, "EUR", d);
    rf_campaign(c, num("brief-b"), "brief", 10, 2500, "EUR", d);
    rf_campaign(c, num("brief-c"), "brief", 40, 7000, "TRY", d);
    rf_campaign(c, num("prod"), "production", 100, 500, "USD", d);
    rf_campaign(c, num("live"), "live", 0, 3000, "EUR", d);
    rf_campaign(c, num("closed"), "closed", 5, 9999, "EUR", d);
    rf_campaign(c, num("cancelled"), "cancelled", 5, 1, "TRY", d);
    rf_campaign(fx.other_client, num("other"), "brief", 1, 424242, "EUR", d);
    return 0;
}

static int teardown(void **state)
{
    it_close(fx.ae);
    it_close(fx.director);
    return it_teardown(state);
}

static uint64_t u64_at(const msgpack_object *o, const char *path)
{
    uint64_t v = UINT64_MAX;
    if (!it_u64(o, path, &v))
        it_fail("no number at %s", path);
    return v;
}

static const char *str_at(const msgpack_object *o, const char *path, char *buf, size_t size)
{
    if (!it_str(o, path, buf, size))
        it_fail("no string at %s", path);
    return buf;
}

/* The amount of currency in an "amounts"/"budgets" array, and how many entries it has. */
static long long amount_of(const msgpack_object *arr, const char *currency, uint32_t *entries)
{
    assert_non_null(arr);
    assert_int_equal(arr->type, MSGPACK_OBJECT_ARRAY);
    *entries = arr->via.array.size;
    long long found = -1;
    for (uint32_t i = 0; i < arr->via.array.size; i++) {
        char cur[8];
        if (strcmp(str_at(&arr->via.array.ptr[i], "currency", cur, sizeof cur), currency) == 0) {
            if (found >= 0)
                it_fail("currency %s listed twice", currency);
            found = (long long)u64_at(&arr->via.array.ptr[i], "amount");
        }
    }
    return found;
}

static const msgpack_object *array_at(const msgpack_object *o, const char *key)
{
    const msgpack_object *a = it_get(o, key);
    if (!a || a->type != MSGPACK_OBJECT_ARRAY)
        it_fail("no array %s", key);
    return a;
}

static void test_renewals_totals_by_hand(void **state)
{
    (void)state;
    it_resp *r = IT_CALL_OK(fx.ae, "renewals", "report.renewals", NULL);
    char buf[128];
    assert_string_equal(str_at(r->result, "source", buf, sizeof buf), "primary");
    assert_int_equal(u64_at(r->result, "age_ms"), 0);
    assert_string_equal(str_at(r->result, "as_of", buf, sizeof buf), fx.today);
    assert_int_equal(u64_at(r->result, "within_days"), 90);
    /* items: K0 (today), K1 and K2 (day 30, by id), K3 (day 31), K4 (day 90), nothing else */
    const msgpack_object *items = array_at(r->result, "items");
    static const char *const want[] = {"K0", "K1", "K2", "K3", "K4"};
    static const int days[] = {0, 30, 30, 31, 90}, bucket[] = {30, 30, 30, 60, 90};
    assert_int_equal(items->via.array.size, 5);
    for (int i = 0; i < 5; i++) {
        const msgpack_object *it = &items->via.array.ptr[i];
        assert_string_equal(str_at(it, "number", buf, sizeof buf), num(want[i]));
        assert_int_equal(u64_at(it, "days_left"), days[i]);
        assert_int_equal(u64_at(it, "bucket"), bucket[i]);
        assert_int_equal(u64_at(it, "owner.id"), fx.ae_id);
        assert_int_equal(u64_at(it, "client.id"), fx.client);
        bool started = false;
        assert_true(it_bool(it, "renewal.started", &started));
        assert_int_equal(started, i == 1); /* K1 has a draft successor; K2's was voided */
    }
    assert_string_equal(str_at(&items->via.array.ptr[1], "renewal.number", buf, sizeof buf),
                        num("S1"));
    assert_string_equal(str_at(&items->via.array.ptr[1], "renewal.status", buf, sizeof buf),
                        "draft");
    /* buckets: 30 = K0 + K1 + K2 (EUR 100000 + 50000, TRY 250000, one started), 60 = K3,
       90 = K4; EUR and TRY are never added together */
    const msgpack_object *b = array_at(r->result, "buckets");
    assert_int_equal(b->via.array.size, 3);
    uint32_t n;
    assert_int_equal(u64_at(&b->via.array.ptr[0], "within_days"), 30);
    assert_int_equal(u64_at(&b->via.array.ptr[0], "contracts"), 3);
    assert_int_equal(u64_at(&b->via.array.ptr[0], "renewal_started"), 1);
    assert_int_equal(amount_of(it_get(&b->via.array.ptr[0], "amounts"), "EUR", &n), 150000);
    assert_int_equal(amount_of(it_get(&b->via.array.ptr[0], "amounts"), "TRY", &n), 250000);
    assert_int_equal(n, 2);
    assert_int_equal(u64_at(&b->via.array.ptr[1], "within_days"), 60);
    assert_int_equal(u64_at(&b->via.array.ptr[1], "contracts"), 1);
    assert_int_equal(amount_of(it_get(&b->via.array.ptr[1], "amounts"), "EUR", &n), 70000);
    assert_int_equal(n, 1);
    assert_int_equal(u64_at(&b->via.array.ptr[2], "within_days"), 90);
    assert_int_equal(amount_of(it_get(&b->via.array.ptr[2], "amounts"), "USD", &n), 12345);
    assert_int_equal(n, 1);
    bool truncated = true;
    assert_true(it_bool(r->result, "truncated", &truncated));
    assert_false(truncated);
    it_resp_free(r);
}

static void test_renewals_windows(void **state)
{
    (void)state;
    /* within 30: K0, K1, K2 in one bucket; within 45: the second bucket ends at 45 (K3);
       within 120: a fourth bucket "120" holds K5 (day 91) */
    it_resp *r = IT_CALL_OK(fx.ae, "30", "report.renewals", "within_days:u", 30ull);
    assert_int_equal(array_at(r->result, "items")->via.array.size, 3);
    assert_int_equal(array_at(r->result, "buckets")->via.array.size, 1);
    it_resp_free(r);
    r = IT_CALL_OK(fx.ae, "45", "report.renewals", "within_days:u", 45ull);
    const msgpack_object *b = array_at(r->result, "buckets");
    assert_int_equal(b->via.array.size, 2);
    assert_int_equal(u64_at(&b->via.array.ptr[1], "within_days"), 45);
    assert_int_equal(u64_at(&b->via.array.ptr[1], "contracts"), 1);
    it_resp_free(r);
    r = IT_CALL_OK(fx.ae, "120", "report.renewals", "within_days:u", 120ull);
    b = array_at(r->result, "buckets");
    assert_int_equal(b->via.array.size, 4);
    uint32_t n;
    assert_int_equal(u64_at(&b->via.array.ptr[3], "within_days"), 120);
    assert_int_equal(amount_of(it_get(&b->via.array.ptr[3], "amounts"), "EUR", &n), 9000);
    assert_int_equal(array_at(r->result, "items")->via.array.size, 6);
    it_resp_free(r);
}

/* Finds the stage entry called name in a pipeline answer. */
static const msgpack_object *stage_of(const msgpack_object *result, const char *name)
{
    const msgpack_object *s = array_at(result, "stages");
    for (uint32_t i = 0; i < s->via.array.size; i++) {
        char buf[32];
        if (strcmp(str_at(&s->via.array.ptr[i], "stage", buf, sizeof buf), name) == 0)
            return &s->via.array.ptr[i];
    }
    it_fail("no stage %s", name);
    return NULL;
}

static void test_pipeline_totals_by_hand(void **state)
{
    (void)state;
    it_resp *r = IT_CALL_OK(fx.ae, "pipeline", "report.pipeline", NULL);
    char buf[32];
    assert_string_equal(str_at(r->result, "source", buf, sizeof buf), "primary");
    /* six open stages in order, closed and cancelled left out */
    const msgpack_object *s = array_at(r->result, "stages");
    static const char *const order[] = {"brief",      "proposal", "approved",
                                        "production", "live",     "review"};
    assert_int_equal(s->via.array.size, 6);
    for (int i = 0; i < 6; i++)
        assert_string_equal(str_at(&s->via.array.ptr[i], "stage", buf, sizeof buf), order[i]);
    /* brief: EUR 1000 + 2500 (2 and 10 days), TRY 7000 (40 days) */
    const msgpack_object *brief = stage_of(r->result, "brief");
    uint32_t n;
    assert_int_equal(u64_at(brief, "campaigns"), 3);
    assert_int_equal(amount_of(it_get(brief, "budgets"), "EUR", &n), 3500);
    assert_int_equal(amount_of(it_get(brief, "budgets"), "TRY", &n), 7000);
    assert_int_equal(n, 2);
    assert_int_equal(u64_at(brief, "ageing.d0_7"), 1);
    assert_int_equal(u64_at(brief, "ageing.d8_30"), 1);
    assert_int_equal(u64_at(brief, "ageing.d31_90"), 1);
    assert_int_equal(u64_at(brief, "ageing.d91_plus"), 0);
    assert_int_equal(u64_at(brief, "oldest_days"), 40);
    const msgpack_object *prod = stage_of(r->result, "production");
    assert_int_equal(u64_at(prod, "campaigns"), 1);
    assert_int_equal(amount_of(it_get(prod, "budgets"), "USD", &n), 500);
    assert_int_equal(u64_at(prod, "ageing.d91_plus"), 1);
    assert_int_equal(u64_at(prod, "oldest_days"), 100);
    const msgpack_object *live = stage_of(r->result, "live");
    assert_int_equal(amount_of(it_get(live, "budgets"), "EUR", &n), 3000);
    assert_int_equal(u64_at(live, "ageing.d0_7"), 1);
    const msgpack_object *prop = stage_of(r->result, "proposal");
    assert_int_equal(u64_at(prop, "campaigns"), 0);
    assert_int_equal(it_get(prop, "budgets")->via.array.size, 0);
    assert_int_equal(u64_at(prop, "oldest_days"), 0);
    it_resp_free(r);
}

/* The director sees the other team's contract and campaign too; nothing of them reaches the
   AE (checked against the AE's exact totals above). */
static void test_director_sees_all(void **state)
{
    (void)state;
    it_resp *r = IT_CALL_OK(fx.director, "renewals", "report.renewals", NULL);
    const msgpack_object *items = array_at(r->result, "items");
    int mine = 0, other = 0;
    for (uint32_t i = 0; i < items->via.array.size; i++) {
        char buf[96];
        if (!it_str(&items->via.array.ptr[i], "number", buf, sizeof buf))
            continue;
        mine += strncmp(buf, fx.tag, strlen(fx.tag)) == 0 && strcmp(buf, num("G1")) != 0;
        other += strcmp(buf, num("G1")) == 0;
    }
    assert_int_equal(mine, 5);
    assert_int_equal(other, 1);
    it_resp_free(r);
}

static void test_bad_arguments(void **state)
{
    (void)state;
    it_expect_invalid(fx.ae, "zero days", "within_days", "report.renewals", "within_days:u", 0ull);
    it_expect_invalid(fx.ae, "over a year", "within_days", "report.renewals", "within_days:u",
                      367ull);
    it_expect_invalid(fx.ae, "negative", "within_days", "report.renewals", "within_days:i", -5ll);
    it_expect_invalid(fx.ae, "text", "within_days", "report.renewals", "within_days:s", "90");
    it_expect_invalid(fx.ae, "huge", "within_days", "report.renewals", "within_days:u", UINT64_MAX);
    it_expect_invalid(fx.ae, "unknown", "currency", "report.pipeline", "currency:s", "EUR");
    char big[5000];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    it_expect_invalid(fx.ae, "oversized unknown", "q", "report.renewals", "q:s", big);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_renewals_totals_by_hand), cmocka_unit_test(test_renewals_windows),
        cmocka_unit_test(test_pipeline_totals_by_hand), cmocka_unit_test(test_director_sees_all),
        cmocka_unit_test(test_bad_arguments),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
