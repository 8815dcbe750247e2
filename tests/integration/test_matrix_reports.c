/*
 * test_matrix_reports.c - the permission matrix of the reports: every report x role (AE, manager,
 * director, finance) x whose client the data belongs to (own, same team, other team), through
 * the protocol, each cell's answer written down below; every refusal is audited.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "itest.h"
#include "reports_fixture.h"

/*
 * Callers: the demo AE mehmet.yilmaz and his manager fatima.haddad (Istanbul Brands), the
 * director li.wei and finance sam.carter. Each target is a client with one contract ending in
 * 20 days and one campaign in review, owned by:
 *   AE:       own = mehmet,  team = layla.mansour, other = giulia.rossi (Milano Retail)
 *   manager:  own = fatima,  team = mehmet,        other = giulia.rossi
 *   director and finance: the AE's row's owners.
 * Expected: "ok" the report shows the target's contract (renewals) or its campaign's budget in a
 * currency only that campaign uses (pipeline); "hidden" it does not; "forbidden" the role may not
 * call the report (and the refusal is audited).
 */
struct row {
    const char *op;
    const char *role;
    const char *cell[3]; /* own, team, other */
};

static const struct row matrix[] = {
    {"report.renewals", "ae", {"ok", "hidden", "hidden"}},
    {"report.renewals", "manager", {"ok", "ok", "hidden"}},
    {"report.renewals", "director", {"ok", "ok", "ok"}},
    {"report.renewals", "finance", {"forbidden", "forbidden", "forbidden"}},
    {"report.pipeline", "ae", {"ok", "hidden", "hidden"}},
    {"report.pipeline", "manager", {"ok", "ok", "hidden"}},
    {"report.pipeline", "director", {"ok", "ok", "ok"}},
    {"report.pipeline", "finance", {"forbidden", "forbidden", "forbidden"}},
};

enum { T_MEHMET, T_LAYLA, T_FATIMA, T_GIULIA, T_COUNT };
static const char *const owners[T_COUNT] = {"mehmet.yilmaz", "layla.mansour", "fatima.haddad",
                                            "giulia.rossi"};
/* target of (caller role, scope) */
static int target_of(const char *role, int scope)
{
    static const int ae[3] = {T_MEHMET, T_LAYLA, T_GIULIA}, mgr[3] = {T_FATIMA, T_MEHMET, T_GIULIA};
    return strcmp(role, "manager") == 0 ? mgr[scope] : ae[scope];
}

static struct {
    char number[T_COUNT][96];
    char currency[T_COUNT][4]; /* a code no other campaign uses */
} fx;

static const char *cred_of(const char *role)
{
    if (strcmp(role, "ae") == 0)
        return "AGENCY_DEMO_AE";
    if (strcmp(role, "manager") == 0)
        return "AGENCY_DEMO_MANAGER";
    if (strcmp(role, "director") == 0)
        return "AGENCY_DEMO_DIRECTOR";
    return "AGENCY_DEMO_FINANCE";
}

static int setup(void **state)
{
    (void)state;
    uint64_t dir_id;
    it_conn *dir = it_session("AGENCY_DEMO_DIRECTOR", &dir_id);
    char tag[48];
    it_uniq("MX", tag, sizeof tag);
    unsigned seed = (unsigned)getpid();
    for (int t = 0; t < T_COUNT; t++) {
        char name[128];
        snprintf(name, sizeof name, "İstanbul Reklam %s %d", tag, t);
        uint64_t client = it_client_create_forced(dir, name, rf_user_id(owners[t]));
        snprintf(fx.number[t], sizeof fx.number[t], "%s-%d", tag, t);
        rf_contract(client, fx.number[t], 20, 1000 + t, "EUR", "active", 0, dir_id);
        snprintf(fx.currency[t], sizeof fx.currency[t], "Q%c%c", 'A' + (seed / 26) % 26,
                 'A' + (seed + (unsigned)t * 7) % 26);
        rf_campaign(client, name, "review", 3, 777, fx.currency[t], dir_id);
    }
    it_close(dir);
    return 0;
}

/* Whether the answer r of op shows target t. */
static bool shows(const char *op, const it_resp *r, int t)
{
    const msgpack_object *list =
        it_get(r->result, strcmp(op, "report.renewals") == 0 ? "items" : "stages");
    assert_non_null(list);
    for (uint32_t i = 0; i < list->via.array.size; i++) {
        const msgpack_object *e = &list->via.array.ptr[i];
        char buf[96];
        if (strcmp(op, "report.renewals") == 0) {
            if (it_str(e, "number", buf, sizeof buf) && strcmp(buf, fx.number[t]) == 0)
                return true;
            continue;
        }
        const msgpack_object *b = it_get(e, "budgets");
        for (uint32_t j = 0; b && j < b->via.array.size; j++)
            if (it_str(&b->via.array.ptr[j], "currency", buf, sizeof buf) &&
                strcmp(buf, fx.currency[t]) == 0)
                return true;
    }
    return false;
}

static void test_permission_matrix(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof matrix / sizeof matrix[0]; i++) {
        const struct row *m = &matrix[i];
        char user[64], password[160];
        it_cred(cred_of(m->role), user, password);
        it_conn *c = it_session(cred_of(m->role), NULL);
        for (int scope = 0; scope < 3; scope++) {
            const char *want = m->cell[scope];
            long long denied = it_audit_count(m->op, "denied|forbidden", user, 0);
            it_resp *r = it_call(c, m->op, NULL);
            const char *got;
            if (r->status == IT_ERROR)
                got = r->code;
            else if (r->status == IT_OK)
                got = shows(m->op, r, target_of(m->role, scope)) ? "ok" : "hidden";
            else
                got = it_resp_str(r);
            if (strcmp(got, want) != 0)
                it_fail("%s as %s, %s: expected %s, got %s", m->op, m->role,
                        scope == 0   ? "own"
                        : scope == 1 ? "team"
                                     : "other",
                        want, got);
            if (strcmp(want, "forbidden") == 0 &&
                it_audit_count(m->op, "denied|forbidden", user, 0) <= denied)
                it_fail("%s as %s: the refusal was not audited", m->op, m->role);
            it_resp_free(r);
        }
        it_close(c);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_permission_matrix),
    };
    return cmocka_run_group_tests(tests, setup, it_teardown);
}
