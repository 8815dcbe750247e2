/*
 * test_matrix_issues.c - the permission matrix of client issues: every issue operation x role
 * (AE, manager, director, finance) x the client's scope (own, same team, other team), each
 * cell's answer written down below, the database state checked, and every denial audited.
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
#include "matrix_scope.h"

/*
 * Callers: the demo AE mehmet.yilmaz (Istanbul Brands), the demo manager fatima.haddad (manages
 * Istanbul Brands), the director li.wei and finance sam.carter. Every cell gets a fresh client
 * and a fresh issue on it (opened by the director), owned by:
 *   AE:       own = the AE,      team = his teammate layla.mansour, other = giulia.rossi (Milano)
 *   manager:  own = the manager, team = the AE,                     other = giulia.rossi
 *   director and finance: the AE's row's owners.
 * issue.list is filtered by the target's client: out of scope it answers not_found, like a
 * client that does not exist. issue.assign hands the issue to the director (always someone who
 * works on a client).
 */
struct row {
    const char *op;
    const char *role;
    const char *cell[3]; /* own, team, other */
};

#define SCOPED_ROWS(op)                                                                            \
    {op, "ae", {"ok", "not_found", "not_found"}}, {op, "manager", {"ok", "ok", "not_found"}},      \
        {op, "director", {"ok", "ok", "ok"}},                                                      \
    {                                                                                              \
        op, "finance",                                                                             \
        {                                                                                          \
            "forbidden", "forbidden", "forbidden"                                                  \
        }                                                                                          \
    }

static const struct row matrix[] = {
    SCOPED_ROWS("issue.open"),   SCOPED_ROWS("issue.get"),        SCOPED_ROWS("issue.list"),
    SCOPED_ROWS("issue.assign"), SCOPED_ROWS("issue.transition"), SCOPED_ROWS("issue.escalate"),
};

static it_conn *caller[CA_N];
static uint64_t caller_id[CA_N], owner_id[OW_N];

static long long db_n(const char *sql, uint64_t id)
{
    char s[32];
    snprintf(s, sizeof s, "%llu", (unsigned long long)id);
    return it_db_ll(sql, 1, s);
}

/* The state a mutating cell changes: issues of the client, or one issue's status, assignee or
 * escalation level. */
static long long state_of(const char *op, uint64_t client, uint64_t issue)
{
    if (strcmp(op, "issue.open") == 0)
        return db_n("SELECT count(*) FROM agency.issues WHERE client_id = $1::bigint", client);
    if (strcmp(op, "issue.assign") == 0)
        return db_n("SELECT assignee_id FROM agency.issues WHERE id = $1::bigint", issue);
    if (strcmp(op, "issue.transition") == 0)
        return db_n("SELECT (status = 'triaged')::int FROM agency.issues WHERE id = $1::bigint",
                    issue);
    if (strcmp(op, "issue.escalate") == 0)
        return db_n("SELECT escalation_level FROM agency.issues WHERE id = $1::bigint", issue);
    return 0;
}

static it_resp *cell_call(const char *op, it_conn *c, uint64_t client, uint64_t issue)
{
    unsigned long long cid = client, iid = issue;
    if (strcmp(op, "issue.open") == 0)
        return it_call(c, op, "client_id:u category:s severity:s summary:s", cid, "inquiry",
                       "normal", "Matrix issue");
    if (strcmp(op, "issue.get") == 0)
        return it_call(c, op, "id:u", iid);
    if (strcmp(op, "issue.list") == 0)
        return it_call(c, op, "client_id:u", cid);
    if (strcmp(op, "issue.assign") == 0)
        return it_call(c, op, "id:u assignee_id:u", iid,
                       (unsigned long long)caller_id[CA_DIRECTOR]);
    if (strcmp(op, "issue.transition") == 0)
        return it_call(c, op, "id:u to:s", iid, "triaged");
    return it_call(c, op, "id:u reason:s", iid, "Matrix escalation");
}

/* True when an OK answer shows the target: the issue (get, list) or a new one (open). */
static bool answer_shows(const char *op, const it_resp *r, uint64_t issue)
{
    if (strcmp(op, "issue.list") != 0) {
        uint64_t id = 0;
        return it_u64(r->result, "id", &id) && (id == issue || strcmp(op, "issue.open") == 0);
    }
    uint32_t n = 0;
    const msgpack_object *items = it_items(r->result, &n);
    for (uint32_t i = 0; items && i < n; i++) {
        uint64_t id = 0;
        if (it_u64(&items[i], "id", &id) && id == issue)
            return true;
    }
    return false;
}

/* Runs one cell; false (printed) when the answer differs from the one written down. */
static bool run_cell(const struct row *row, enum caller ca, int scope)
{
    const char *expect = row->cell[scope];
    it_conn *d = caller[CA_DIRECTOR];
    char name[96], uniq[64];
    snprintf(name, sizeof name, "Matrix Issue Client %s", it_uniq("", uniq, sizeof uniq));
    uint64_t client = it_client_create_forced(d, name, owner_id[scope_owner[ca][scope]]);
    it_resp *r =
        IT_CALL_OK(d, "fixture issue", "issue.open", "client_id:u category:s severity:s summary:s",
                   (unsigned long long)client, "complaint", "high", "Matrix target");
    uint64_t issue = it_result_id(r, "fixture issue.open");
    it_resp_free(r);

    char uid[32];
    snprintf(uid, sizeof uid, "%llu", (unsigned long long)caller_id[ca]);
    const char *count_denials = "SELECT count(*) FROM agency.audit_log WHERE op = $1"
                                " AND outcome IN ('denied', 'forbidden', 'not_found')"
                                " AND user_id = $2::bigint";
    long long denied_before = it_db_ll(count_denials, 2, row->op, uid);
    long long state_before = state_of(row->op, client, issue);
    r = cell_call(row->op, caller[ca], client, issue);
    char got[48];
    if (r->status == IT_OK)
        snprintf(got, sizeof got, "%s", answer_shows(row->op, r, issue) ? "ok" : "hidden");
    else
        snprintf(got, sizeof got, "%s", r->status == IT_ERROR ? r->code : it_resp_str(r));
    bool ok = strcmp(got, expect) == 0;
    if (!ok)
        fprintf(stderr, "MISMATCH %-17s %-8s %-5s expected %-10s got %s\n", row->op,
                caller_roles[ca], scope_names[scope], expect, it_resp_str(r));
    it_resp_free(r);
    if (!ok)
        return false;
    long long denied_after = it_db_ll(count_denials, 2, row->op, uid);
    if (strcmp(got, "ok") != 0 && denied_after != denied_before + 1)
        it_fail("%s denied to %s (%s): %lld denial rows before, %lld after", row->op,
                caller_roles[ca], scope_names[scope], denied_before, denied_after);
    bool changed = state_of(row->op, client, issue) != state_before;
    bool mutating = strcmp(row->op, "issue.get") != 0 && strcmp(row->op, "issue.list") != 0;
    if (mutating && changed != (strcmp(got, "ok") == 0))
        it_fail("%s as %s (%s) answered %s but the database %s", row->op, caller_roles[ca],
                scope_names[scope], got, changed ? "changed" : "did not change");
    return true;
}

static void test_issue_permission_matrix(void **state)
{
    (void)state;
    static const char *const keys[CA_N] = {"AGENCY_DEMO_AE", "AGENCY_DEMO_MANAGER",
                                           "AGENCY_DEMO_DIRECTOR", "AGENCY_DEMO_FINANCE"};
    for (int i = 0; i < CA_N; i++)
        caller[i] = it_session(keys[i], &caller_id[i]);
    owner_id[OW_AE] = caller_id[CA_AE];
    owner_id[OW_MANAGER] = caller_id[CA_MANAGER];
    owner_id[OW_TEAMMATE] =
        it_find_id(caller[CA_DIRECTOR], "user.list", "username", "layla.mansour");
    owner_id[OW_OTHER] = it_find_id(caller[CA_DIRECTOR], "user.list", "username", "giulia.rossi");
    assert_true(owner_id[OW_TEAMMATE] > 0 && owner_id[OW_OTHER] > 0);

    /* every issue operation the server declares has its rows here */
    it_resp *r = IT_CALL_OK(caller[CA_DIRECTOR], "meta.operations", "meta.operations", "");
    const msgpack_object *ops = it_get(r->result, "operations");
    assert_non_null(ops);
    int declared = 0;
    for (uint32_t i = 0; i < ops->via.array.size; i++) {
        char name[64];
        if (!it_str(&ops->via.array.ptr[i], "name", name, sizeof name) ||
            strncmp(name, "issue.", 6) != 0)
            continue;
        declared++;
        int rows = 0;
        for (size_t k = 0; k < sizeof matrix / sizeof matrix[0]; k++)
            rows += strcmp(matrix[k].op, name) == 0;
        if (rows != CA_N)
            it_fail("the matrix has %d rows for %s, not one per role", rows, name);
    }
    it_resp_free(r);
    assert_int_equal(declared, 6);

    int cells = 0, bad = 0;
    for (size_t k = 0; k < sizeof matrix / sizeof matrix[0]; k++) {
        enum caller ca = CA_AE;
        while (strcmp(caller_roles[ca], matrix[k].role) != 0)
            ca++;
        for (int s = 0; s < 3; s++, cells++)
            bad += !run_cell(&matrix[k], ca, s);
    }
    printf("issue permission matrix: %d cells, %d mismatched\n", cells, bad);
    for (int i = 0; i < CA_N; i++)
        it_close(caller[i]);
    if (bad)
        it_fail("%d of %d cells answered otherwise than written down", bad, cells);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_issue_permission_matrix),
    };
    return cmocka_run_group_tests(tests, NULL, it_teardown);
}
