/*
 * test_scope_sql.c - the database's own lock on client data: as the application role, with
 * each demo user's request context set the way agency.begin_request sets it, every table of
 * client data shows exactly that user's scope (compared with the owner role's ground truth).
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

#define MAX_TABLES 32

/* One table holding client data and how its rows map to a scope. */
struct table {
    char name[64];
    char key[32];     /* a column identifying a row: id, else client_id */
    char creator[32]; /* import tables: the column naming who staged it ("" when none) */
    char batch[32];   /* import rows: the column naming their batch ("" when none) */
    bool has_client;  /* a client_id column */
    bool is_import;
    bool exact; /* the visible rows must equal the scope, not only lie within it */
};

static struct table tables[MAX_TABLES];
static int ntables;
static PGconn *app;

/* ---- owner-side discovery ---- */

static bool has_column(const char *table, const char *column)
{
    return it_db_ll("SELECT count(*) FROM information_schema.columns WHERE table_schema ="
                    " 'agency' AND table_name = $1 AND column_name = $2",
                    2, table, column) > 0;
}

/* First of the candidate columns that table has, into out ("" when none). */
static void first_column(const char *table, const char *const *cands, char *out, size_t size)
{
    out[0] = '\0';
    for (int i = 0; cands[i] != NULL; i++)
        if (has_column(table, cands[i])) {
            snprintf(out, size, "%s", cands[i]);
            return;
        }
}

/* Finds the tables of client data: clients, every table with a client_id, the import tables. */
static void discover_tables(void)
{
    static const char *const creators[] = {"user_id", "created_by", "owner_id", NULL};
    static const char *const batches[] = {"import_id", "batch_id", NULL};
    PGresult *res = PQexec(it_db(), "SELECT c.relname FROM pg_class c JOIN pg_namespace n"
                                    " ON n.oid = c.relnamespace WHERE n.nspname = 'agency'"
                                    " AND c.relkind IN ('r', 'p') ORDER BY 1");
    assert_int_equal(PQresultStatus(res), PGRES_TUPLES_OK);
    for (int i = 0; i < PQntuples(res) && ntables < MAX_TABLES; i++) {
        struct table t = {0};
        snprintf(t.name, sizeof t.name, "%s", PQgetvalue(res, i, 0));
        t.has_client = has_column(t.name, "client_id");
        t.is_import = strncmp(t.name, "import", 6) == 0;
        if (strcmp(t.name, "clients") != 0 && !t.has_client && !t.is_import)
            continue;
        snprintf(t.key, sizeof t.key, "%s", has_column(t.name, "id") ? "id" : "client_id");
        if (t.is_import) {
            first_column(t.name, creators, t.creator, sizeof t.creator);
            first_column(t.name, batches, t.batch, sizeof t.batch);
        }
        t.exact = strcmp(t.name, "clients") == 0 || strcmp(t.name, "contacts") == 0 ||
                  strcmp(t.name, "activities") == 0 || strcmp(t.name, "client_secrets") == 0;
        tables[ntables++] = t;
    }
    PQclear(res);
    static const char *const required[] = {"clients",    "client_secrets", "client_owners",
                                           "contacts",   "activities",     "import_batches",
                                           "import_rows"};
    for (size_t r = 0; r < sizeof required / sizeof required[0]; r++) {
        bool found = false;
        for (int i = 0; i < ntables; i++)
            found |= strcmp(tables[i].name, required[r]) == 0;
        if (!found)
            it_fail("agency.%s is missing (or holds no client_id)", required[r]);
    }
    for (int i = 0; i < ntables; i++)
        if (tables[i].is_import && !tables[i].creator[0] && !tables[i].batch[0])
            it_fail("agency.%s: no column says whose import it is", tables[i].name);
}

/* ---- the ground truth ---- */

/* SQL for the owners whose clients role/user $1 may see in table t, as an array. */
static const char *scope_owners(const char *role, const struct table *t)
{
    bool finance_blind = t->is_import || strcmp(t->name, "activities") == 0 ||
                         strcmp(t->name, "client_secrets") == 0;
    if (strcmp(role, "director") == 0)
        return "ARRAY(SELECT id FROM agency.users)";
    if (strcmp(role, "finance") == 0)
        return finance_blind ? "'{}'::bigint[]" : "ARRAY(SELECT id FROM agency.users)";
    if (strcmp(role, "manager") == 0)
        return "ARRAY[$1::bigint] || ARRAY(SELECT u.id FROM agency.users u JOIN agency.teams tm"
               " ON tm.id = u.team_id WHERE tm.manager_id = $1::bigint)";
    return "ARRAY[$1::bigint]";
}

/* The column of import_batches naming who staged a batch. */
static const char *batch_creator(void)
{
    for (int i = 0; i < ntables; i++)
        if (strcmp(tables[i].name, "import_batches") == 0)
            return tables[i].creator;
    return "";
}

/* The WHERE clause (owner side) of the rows of t that user $1 with role may see. */
static void scope_where(const char *role, const struct table *t, char *out, size_t size)
{
    const char *own = scope_owners(role, t);
    if (strcmp(t->name, "clients") == 0)
        snprintf(out, size, "owner_id = ANY (%s)", own);
    else if (t->is_import && t->creator[0])
        snprintf(out, size, "%s = ANY (%s)", t->creator, own);
    else if (t->is_import)
        snprintf(out, size,
                 "%s IN (SELECT b.id FROM agency.import_batches b WHERE b.%s = ANY (%s))", t->batch,
                 batch_creator(), own);
    else
        snprintf(out, size,
                 "client_id IN (SELECT id FROM agency.clients WHERE owner_id = ANY (%s))", own);
}

/* ---- the application role ---- */

/* Runs sql on the app connection; the first value of the first row into buf ("" if none).
 * false with the error message in buf when it failed. */
static bool app_text(const char *sql, int n, const char *const *params, char *buf, size_t size)
{
    PGresult *res = PQexecParams(app, sql, n, NULL, params, NULL, NULL, 0);
    ExecStatusType st = PQresultStatus(res);
    bool ok = st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK;
    buf[0] = '\0';
    if (!ok)
        snprintf(buf, size, "%s", PQresultErrorMessage(res));
    else if (st == PGRES_TUPLES_OK && PQntuples(res) > 0 && !PQgetisnull(res, 0, 0))
        snprintf(buf, size, "%s", PQgetvalue(res, 0, 0));
    PQclear(res);
    return ok;
}

static void app_exec(const char *sql)
{
    char err[512];
    if (!app_text(sql, 0, NULL, err, sizeof err))
        it_fail("app role: %s: %s", sql, err);
}

struct person {
    char username[64];
    char id[24], role[16], team[24], branch[24], session[24];
};

/* Sets the request context inside the app connection's open transaction: the same six
 * transaction-local settings, with the same values, that agency.begin_request sets. */
static void app_set_context(const struct person *p)
{
    const char *params[5] = {p->id, p->role, p->team, p->branch, p->session};
    char err[512];
    if (!app_text("SELECT set_config('agency.user_id', $1, true),"
                  " set_config('agency.role', $2, true), set_config('agency.team_id', $3, true),"
                  " set_config('agency.branch_id', $4, true),"
                  " set_config('agency.session_id', $5, true),"
                  " set_config('agency.peer', '127.0.0.1', true)",
                  5, params, err, sizeof err))
        it_fail("setting the request context of %s: %s", p->username, err);
}

/* The keys of t's rows the app role sees now, as a PostgreSQL array literal (sorted). */
static void app_visible(const struct table *t, char **out)
{
    char sql[256];
    snprintf(sql, sizeof sql,
             "SELECT coalesce(array_agg(%s ORDER BY %s), '{}')::text FROM agency.%s", t->key,
             t->key, t->name);
    PGresult *res = PQexec(app, sql);
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        char msg[512];
        snprintf(msg, sizeof msg, "%s", PQresultErrorMessage(res));
        PQclear(res);
        it_fail("app role reading agency.%s: %s", t->name, msg);
    }
    *out = strdup(PQgetvalue(res, 0, 0));
    PQclear(res);
}

/* ---- checks ---- */

/* Compares what p sees of t with the ground truth; returns the number of rows seen. */
static long check_table(const struct person *p, const struct table *t)
{
    char where[700], sql[1200];
    char *seen = NULL;
    app_visible(t, &seen);
    scope_where(p->role, t, where, sizeof where);
    /* rows seen outside the scope: the leak this test exists for */
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM unnest($2::bigint[]) v(k) WHERE NOT EXISTS"
             " (SELECT 1 FROM agency.%s x WHERE x.%s = v.k AND %s) AND $1::bigint > 0",
             t->name, t->key, where);
    long long leaked = it_db_ll(sql, 2, p->id, seen);
    if (leaked != 0)
        it_fail("%s (%s) sees %lld row(s) of agency.%s outside their scope", p->username, p->role,
                leaked, t->name);
    long long nseen = it_db_ll("SELECT cardinality($1::bigint[])", 1, seen);
    if (t->exact) {
        snprintf(sql, sizeof sql, "SELECT count(*) FROM agency.%s WHERE %s AND $1::bigint > 0",
                 t->name, where);
        long long want = it_db_ll(sql, 1, p->id);
        if (want != nseen)
            it_fail("%s (%s) sees %lld row(s) of agency.%s, the scope holds %lld", p->username,
                    p->role, nseen, t->name, want);
    }
    free(seen);
    return (long)nseen;
}

static void load_person(const char *username, struct person *p)
{
    snprintf(p->username, sizeof p->username, "%s", username);
    it_db_text(p->id, sizeof p->id, "SELECT id FROM agency.users WHERE username = $1", 1, username);
    if (p->id[0] == '\0')
        it_fail("demo user %s not found", username);
    it_db_text(p->role, sizeof p->role, "SELECT role FROM agency.users WHERE username = $1", 1,
               username);
    it_db_text(p->team, sizeof p->team, "SELECT team_id FROM agency.users WHERE username = $1", 1,
               username);
    it_db_text(p->branch, sizeof p->branch,
               "SELECT branch_id FROM agency.users WHERE username = $1", 1, username);
    /* the user's latest session, as begin_request would name it ("" when none) */
    it_db_text(p->session, sizeof p->session,
               "SELECT max(s.id) FROM agency.sessions s JOIN agency.users u ON u.id = s.user_id"
               " WHERE u.username = $1",
               1, username);
}

/* ---- fixture through the protocol ---- */

static uint64_t create_client(it_conn *d, uint64_t owner, const char *tag)
{
    char name[96], uniq[64];
    snprintf(name, sizeof name, "Scope %s %s", tag, it_uniq("", uniq, sizeof uniq));
    it_resp *r = IT_CALL_OK(d, "scope fixture client", "client.create",
                            "name:s owner_id:u confidential_notes:s force:b", name,
                            (unsigned long long)owner, "scope secret", 1);
    uint64_t id = 0;
    if (!it_u64(r->result, "id", &id))
        it_fail("client.create: no id");
    it_resp_free(r);
    r = IT_CALL_OK(d, "scope fixture contact", "contact.create", "client_id:u name:s",
                   (unsigned long long)id, "Scope Contact");
    it_resp_free(r);
    r = IT_CALL_OK(d, "scope fixture activity", "activity.log",
                   "client_id:u kind:s summary:s next_action:s next_due:s", (unsigned long long)id,
                   "meeting", "Scope meeting", "Follow up", "2030-01-15");
    it_resp_free(r);
    return id;
}

struct one_row {
    uint64_t import_id;
    const char *name;
};

static void pack_one_row(msgpack_packer *pk, void *ud)
{
    const struct one_row *u = ud;
    msgpack_pack_map(pk, 2);
    msgpack_pack_str(pk, 9);
    msgpack_pack_str_body(pk, "import_id", 9);
    msgpack_pack_uint64(pk, u->import_id);
    msgpack_pack_str(pk, 4);
    msgpack_pack_str_body(pk, "rows", 4);
    msgpack_pack_array(pk, 1);
    msgpack_pack_map(pk, 2);
    msgpack_pack_str(pk, 4);
    msgpack_pack_str_body(pk, "line", 4);
    msgpack_pack_uint64(pk, 2);
    msgpack_pack_str(pk, 4);
    msgpack_pack_str_body(pk, "name", 4);
    msgpack_pack_str(pk, strlen(u->name));
    msgpack_pack_str_body(pk, u->name, strlen(u->name));
}

/* Stages one import row (not committed) as c. */
static void stage_import(it_conn *c, const char *tag)
{
    char name[96], uniq[64];
    it_resp *r = IT_CALL_OK(c, "client.import_begin", "client.import_begin", "");
    struct one_row u = {0, name};
    if (!it_u64(r->result, "import_id", &u.import_id))
        it_fail("client.import_begin: no import_id");
    it_resp_free(r);
    snprintf(name, sizeof name, "Staged %s %s", tag, it_uniq("", uniq, sizeof uniq));
    r = it_call_pk(c, "client.import_rows", pack_one_row, &u);
    it_assert_ok(r, "client.import_rows");
    it_resp_free(r);
}

static void make_fixture(void)
{
    it_conn *d = it_session("AGENCY_DEMO_DIRECTOR", NULL);
    it_conn *ae = it_session("AGENCY_DEMO_AE", NULL);
    it_conn *other = it_session("AGENCY_DEMO_AE_OTHER", NULL);
    static const char *const owners[] = {"mehmet.yilmaz", "layla.mansour", "fatima.haddad",
                                         "giulia.rossi",  "zhang.min",     "marco.bianchi"};
    uint64_t mehmet = 0;
    for (size_t i = 0; i < sizeof owners / sizeof owners[0]; i++) {
        uint64_t owner = it_find_id(d, "user.list", "username", owners[i]);
        assert_true(owner > 0);
        create_client(d, owner, owners[i]);
        if (i == 0)
            mehmet = owner;
    }
    /* an owner history of more than one row: a second client of the AE moves to layla */
    uint64_t ids[1] = {create_client(d, mehmet, "moved")};
    uint64_t layla = it_find_id(d, "user.list", "username", "layla.mansour");
    it_resp *r = IT_CALL_OK(d, "assign for history", "client.assign", "ids:I owner_id:u reason:s",
                            ids, (size_t)1, (unsigned long long)layla, "scope test history");
    it_resp_free(r);
    stage_import(ae, "mehmet");
    stage_import(other, "giulia");
    it_close(other);
    it_close(ae);
    it_close(d);
}

static void test_rls_forced_everywhere(void **state)
{
    (void)state;
    char bad[1024];
    it_db_text(bad, sizeof bad,
               "SELECT string_agg(c.relname, ',') FROM pg_class c JOIN pg_namespace n"
               " ON n.oid = c.relnamespace WHERE n.nspname = 'agency' AND c.relkind IN ('r', 'p')"
               " AND NOT (c.relrowsecurity AND c.relforcerowsecurity)",
               0);
    if (bad[0] != '\0')
        it_fail("tables of schema agency without forced row-level security: %s", bad);
    discover_tables();
    for (int i = 0; i < ntables; i++)
        if (it_db_ll("SELECT count(*) FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid"
                     " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'agency'"
                     " AND c.relname = $1",
                     1, tables[i].name) == 0)
            it_fail("agency.%s has no policy", tables[i].name);
}

static void test_every_user_sees_only_their_scope(void **state)
{
    (void)state;
    static const char *const users[] = {"li.wei",       "fatima.haddad", "marco.bianchi",
                                        "chen.jing",    "mehmet.yilmaz", "layla.mansour",
                                        "giulia.rossi", "zhang.min",     "sam.carter"};
    if (ntables == 0)
        discover_tables();
    make_fixture();
    app = PQconnectdb(it_env("AGENCY_APP_DB_URL"));
    if (PQstatus(app) != CONNECTION_OK)
        it_fail("cannot connect as the application role: %s", PQerrorMessage(app));
    char who[64];
    app_text("SELECT current_user", 0, NULL, who, sizeof who);
    assert_string_equal(who, "agency_app");

    /* no request context: nothing anywhere */
    for (int i = 0; i < ntables; i++) {
        char sql[256], got[512];
        snprintf(sql, sizeof sql, "SELECT count(*) FROM agency.%.63s", tables[i].name);
        bool ok = app_text(sql, 0, NULL, got, sizeof got);
        if (ok && strcmp(got, "0") != 0)
            it_fail("without a request context the app role sees %s rows of agency.%s", got,
                    tables[i].name);
        if (!ok && strstr(got, "permission denied") == NULL)
            it_fail("without a request context, agency.%s: %s", tables[i].name, got);
    }

    long total = 0;
    for (size_t u = 0; u < sizeof users / sizeof users[0]; u++) {
        struct person p;
        load_person(users[u], &p);
        app_exec("BEGIN READ ONLY");
        app_set_context(&p);
        for (int i = 0; i < ntables; i++) {
            long n = check_table(&p, &tables[i]);
            total += n;
            bool blind = strcmp(tables[i].name, "activities") == 0 ||
                         strcmp(tables[i].name, "client_secrets") == 0 || tables[i].is_import;
            if (strcmp(p.role, "finance") == 0 && blind && n != 0)
                it_fail("finance sees %ld rows of agency.%s", n, tables[i].name);
            /* the fixture gives every AE rows in the core tables: the check is not vacuous */
            if (strcmp(p.role, "ae") == 0 && n == 0 &&
                (strcmp(tables[i].name, "clients") == 0 ||
                 strcmp(tables[i].name, "contacts") == 0 ||
                 strcmp(tables[i].name, "activities") == 0 ||
                 strcmp(tables[i].name, "client_secrets") == 0))
                it_fail("%s sees no rows of agency.%s although the fixture gave them some",
                        p.username, tables[i].name);
        }
        app_exec("COMMIT");
    }
    printf("scope: %zu users x %d tables checked, %ld visible rows compared\n",
           sizeof users / sizeof users[0], ntables, total);
    PQfinish(app);
    app = NULL;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rls_forced_everywhere),
        cmocka_unit_test(test_every_user_sees_only_their_scope),
    };
    return cmocka_run_group_tests(tests, NULL, it_teardown);
}
