/*
 * test_matrix_audit.c - the permission matrix of the audit trail and its reports: every
 * operation x role (AE, manager, director, finance), through the protocol; each refusal is
 * forbidden and written to the audit trail as a denial.
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

enum caller { CA_AE, CA_MANAGER, CA_DIRECTOR, CA_FINANCE, CA_N };

static const char *const caller_keys[CA_N] = {"AGENCY_DEMO_AE", "AGENCY_DEMO_MANAGER",
                                              "AGENCY_DEMO_DIRECTOR", "AGENCY_DEMO_FINANCE"};

/* One operation with arguments that are valid for a director; the answer per caller. */
struct row {
    const char *op;
    const char *cell[CA_N]; /* ae, manager, director, finance */
};

static const struct row matrix[] = {
    /* op               ae           manager      director finance */
    {"audit.search", {"forbidden", "forbidden", "ok", "forbidden"}},
    {"audit.verify", {"forbidden", "forbidden", "ok", "forbidden"}},
    {"audit.access", {"forbidden", "forbidden", "ok", "forbidden"}},
    {"report.activity", {"forbidden", "ok", "ok", "forbidden"}},
    {"server.stats", {"forbidden", "forbidden", "ok", "forbidden"}},
};

static uint64_t client_id;
static char now_at[40];

/* Calls op on c with arguments a director may use. */
static it_resp *call(it_conn *c, const char *op)
{
    if (strcmp(op, "audit.access") == 0)
        return it_call(c, op, "client_id:u at:s", (unsigned long long)client_id, now_at);
    if (strcmp(op, "report.activity") == 0)
        return it_call(c, op, "since:s until:s", "2026-01-01", "2026-01-31");
    if (strcmp(op, "audit.search") == 0)
        return it_call(c, op, "op:s limit:u", "auth.login", 5ULL);
    return it_call(c, op, NULL);
}

static void test_matrix(void **state)
{
    (void)state;
    it_conn *c[CA_N];
    uint64_t id[CA_N];
    char user[CA_N][64], pw[160];
    for (int i = 0; i < CA_N; i++) {
        c[i] = it_session(caller_keys[i], &id[i]);
        it_cred(caller_keys[i], user[i], pw);
    }
    client_id = (uint64_t)it_db_ll("SELECT min(id) FROM agency.clients", 0);
    it_db_text(now_at, sizeof now_at,
               "SELECT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')", 0);
    assert_true(client_id != 0);
    int failures = 0;
    for (size_t k = 0; k < sizeof matrix / sizeof matrix[0]; k++) {
        for (int i = 0; i < CA_N; i++) {
            const char *want = matrix[k].cell[i];
            long long denials = it_audit_count(matrix[k].op, "denied", user[i], id[i]);
            it_resp *r = call(c[i], matrix[k].op);
            bool ok = strcmp(want, "ok") == 0 ? r->status == IT_OK
                                              : r->status == IT_ERROR && strcmp(r->code, want) == 0;
            if (!ok) {
                fprintf(stderr, "%s as %s: want %s, got %s\n", matrix[k].op, user[i], want,
                        it_resp_str(r));
                failures++;
            }
            it_resp_free(r);
            if (strcmp(want, "forbidden") == 0 &&
                it_audit_count(matrix[k].op, "denied", user[i], id[i]) != denials + 1) {
                fprintf(stderr, "%s as %s: the denial is not audited\n", matrix[k].op, user[i]);
                failures++;
            }
        }
    }
    for (int i = 0; i < CA_N; i++)
        it_close(c[i]);
    assert_int_equal(failures, 0);
}

/* The second lock: the database shows the trail and the histories to directors only, whatever
 * the application asks. */
static void test_rls(void **state)
{
    (void)state;
    PGconn *app = PQconnectdb(it_env("AGENCY_APP_DB_URL"));
    assert_int_equal(PQstatus(app), CONNECTION_OK);
    static const char *const roles[] = {"ae", "manager", "finance", "director"};
    for (size_t i = 0; i < 4; i++) {
        char sql[700];
        long long uid = it_db_ll("SELECT min(id) FROM agency.users WHERE role = $1", 1, roles[i]);
        snprintf(sql, sizeof sql,
                 "BEGIN; SELECT set_config('agency.user_id', '%lld', true),"
                 " set_config('agency.role', '%s', true);",
                 uid, roles[i]);
        PQclear(PQexec(app, sql));
        PGresult *r = PQexec(app, "SELECT (SELECT count(*) FROM agency.audit_log)"
                                  " + (SELECT count(*) FROM agency.team_managers)"
                                  " + (SELECT checked FROM agency.audit_verify_range(NULL, 100))");
        assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
        long n = atol(PQgetvalue(r, 0, 0));
        PQclear(r);
        PQclear(PQexec(app, "ROLLBACK"));
        if (strcmp(roles[i], "director") == 0)
            assert_true(n > 0);
        else if (n != 0)
            it_fail("%s sees %ld rows of the audit trail and the manager history", roles[i], n);
    }
    PQfinish(app);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_matrix),
        cmocka_unit_test(test_rls),
    };
    return cmocka_run_group_tests(tests, NULL, it_teardown);
}
