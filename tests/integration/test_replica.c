/*
 * test_replica.c - the read replica: a streaming standby of the stack's database (test-stack
 * standby-start) behind two extra agencyd, one that tolerates a day of lag and one a minute.
 * Reports answer from the standby (stale data proves it) with the caller's RLS scope, fall back
 * to the primary with a logged warning when replay is paused and the standby's data is older
 * than the bound (the movable clock makes it old without waiting), come back when it catches
 * up, and fall back again when the standby is stopped.
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
    struct it_server tolerant, strict; /* replica_max_lag 24h and 60s */
    it_conn *dir_tolerant, *dir_strict, *ae_tolerant, *dir_primary, *ae_primary;
    PGconn *standby; /* owner role on the standby */
    uint64_t ae_client;
    char conninfo[512], owner_conninfo[512], tag[48], fresh[96], late[96];
} fx;

/* Runs `test-stack standby-<what> DIR` (through the stack's helper); fails the test on error. */
static void standby_cmd(const char *what)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "bash '%s/standby' %s", it_env("AGENCY_STACK_DIR"), what);
    if (system(cmd) != 0)
        it_fail("%s failed", cmd);
}

/* The value of key in DIR/standby.env (KEY=value or KEY='value') into buf. */
static void standby_env(const char *key, char *buf, size_t size)
{
    char path[512], line[1024];
    snprintf(path, sizeof path, "%s/standby.env", it_env("AGENCY_STACK_DIR"));
    FILE *f = fopen(path, "r");
    if (!f)
        it_fail("no %s", path);
    buf[0] = '\0';
    size_t klen = strlen(key);
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, key, klen) != 0 || line[klen] != '=')
            continue;
        char *v = line + klen + 1;
        v[strcspn(v, "\n")] = '\0';
        size_t n = strlen(v);
        if (n >= 2 && v[0] == '\'' && v[n - 1] == '\'') {
            v[n - 1] = '\0';
            v++;
        }
        snprintf(buf, size, "%s", v);
    }
    fclose(f);
    if (!buf[0])
        it_fail("no %s in %s", key, path);
}

static long long standby_ll(const char *sql, const char *param)
{
    const char *params[1] = {param};
    PGresult *r = PQexecParams(fx.standby, sql, param ? 1 : 0, NULL, params, NULL, NULL, 0);
    if (PQresultStatus(r) != PGRES_TUPLES_OK)
        it_fail("standby: %s: %s", sql, PQerrorMessage(fx.standby));
    long long v = PQntuples(r) && !PQgetisnull(r, 0, 0) ? atoll(PQgetvalue(r, 0, 0)) : 0;
    PQclear(r);
    return v;
}

/* Waits (bounded) until the standby has received (or replayed) everything the primary wrote. */
static void wait_standby(bool replayed)
{
    char lsn[64];
    it_db_text(lsn, sizeof lsn, "SELECT pg_current_wal_insert_lsn()::text", 0);
    const char *sql = replayed ? "SELECT (pg_last_wal_replay_lsn() >= $1::pg_lsn)::int"
                               : "SELECT (pg_last_wal_receive_lsn() >= $1::pg_lsn)::int";
    int64_t until = it_now_ms() + 20000;
    while (standby_ll(sql, lsn) != 1) {
        if (it_now_ms() > until)
            it_fail("the standby did not reach %s", lsn);
        it_sleep_ms(20);
    }
}

static it_conn *login_on(int port, const char *cred)
{
    it_conn *c = it_connect_port(port);
    it_hello(c);
    it_login_as(c, cred);
    return c;
}

static int setup(void **state)
{
    (void)state;
    standby_cmd("start");
    standby_env("AGENCY_STANDBY_CONNINFO", fx.conninfo, sizeof fx.conninfo);
    standby_env("AGENCY_STANDBY_OWNER_CONNINFO", fx.owner_conninfo, sizeof fx.owner_conninfo);
    fx.standby = PQconnectdb(fx.owner_conninfo);
    if (PQstatus(fx.standby) != CONNECTION_OK)
        it_fail("standby: %s", PQerrorMessage(fx.standby));
    char set_replica[600];
    snprintf(set_replica, sizeof set_replica, "database.replica=%s", fx.conninfo);
    const char *const tolerant[] = {set_replica, "database.replica_max_lag=24h", NULL};
    const char *const strict[] = {set_replica, "database.replica_max_lag=60s", NULL};
    it_server_start(&fx.tolerant, tolerant);
    it_server_start(&fx.strict, strict);

    /* a contract of the demo AE's and one of giulia.rossi's (another team), both ending soon */
    uint64_t dir_id, ae = rf_user_id("mehmet.yilmaz"), giulia = rf_user_id("giulia.rossi");
    fx.dir_primary = it_session("AGENCY_DEMO_DIRECTOR", &dir_id);
    fx.ae_primary = it_session("AGENCY_DEMO_AE", NULL);
    it_uniq("RP", fx.tag, sizeof fx.tag);
    char name[128], number[96];
    snprintf(name, sizeof name, "مؤسسة النور %s", fx.tag);
    uint64_t mine = it_client_create_forced(fx.dir_primary, name, ae);
    fx.ae_client = mine;
    snprintf(name, sizeof name, "Trattoria Verdi %s", fx.tag);
    uint64_t other = it_client_create_forced(fx.dir_primary, name, giulia);
    snprintf(fx.fresh, sizeof fx.fresh, "%s-AE", fx.tag);
    rf_contract(mine, fx.fresh, 15, 120000, "EUR", "active", 0, dir_id);
    snprintf(number, sizeof number, "%s-GIULIA", fx.tag);
    rf_contract(other, number, 20, 130000, "TRY", "active", 0, dir_id);

    fx.dir_tolerant = login_on(fx.tolerant.port, "AGENCY_DEMO_DIRECTOR");
    fx.ae_tolerant = login_on(fx.tolerant.port, "AGENCY_DEMO_AE");
    fx.dir_strict = login_on(fx.strict.port, "AGENCY_DEMO_DIRECTOR");
    wait_standby(true);
    return 0;
}

static int teardown(void **state)
{
    it_clock_reset();
    it_close(fx.dir_tolerant);
    it_close(fx.ae_tolerant);
    it_close(fx.dir_strict);
    it_close(fx.dir_primary);
    it_close(fx.ae_primary);
    PQfinish(fx.standby);
    standby_cmd("stop");
    return it_teardown(state);
}

/* report.renewals on c: its source, age_ms, item count and whether it lists contract number. */
struct renewals {
    char source[16];
    uint64_t age_ms;
    uint32_t items;
    bool lists;
};

static struct renewals renewals_on(it_conn *c, const char *number)
{
    struct renewals out = {"", 0, 0, false};
    it_resp *r = IT_CALL_OK(c, "renewals", "report.renewals", NULL);
    if (!it_str(r->result, "source", out.source, sizeof out.source) ||
        !it_u64(r->result, "age_ms", &out.age_ms))
        it_fail("no source or age_ms");
    const msgpack_object *items = it_get(r->result, "items");
    assert_non_null(items);
    out.items = items->via.array.size;
    for (uint32_t i = 0; number && i < out.items; i++) {
        char buf[96];
        if (it_str(&items->via.array.ptr[i], "number", buf, sizeof buf) && strcmp(buf, number) == 0)
            out.lists = true;
    }
    it_resp_free(r);
    return out;
}

static bool log_has(const struct it_server *s, const char *a, const char *b)
{
    FILE *f = fopen(s->log, "r");
    char line[2048];
    bool found = false;
    while (f && !found && fgets(line, sizeof line, f))
        found = strstr(line, a) && (!b || strstr(line, b));
    if (f)
        fclose(f);
    return found;
}

/* Caught up: both answer from the standby, with the same rows as the primary, each caller
   within their own scope (the AE does not see giulia's contract there either). */
static void test_served_by_standby(void **state)
{
    (void)state;
    struct renewals d = renewals_on(fx.dir_tolerant, fx.fresh);
    assert_string_equal(d.source, "replica");
    assert_true(d.lists);
    assert_int_equal(d.items, renewals_on(fx.dir_primary, NULL).items);
    struct renewals a = renewals_on(fx.ae_tolerant, fx.fresh);
    assert_string_equal(a.source, "replica");
    assert_true(a.lists);
    assert_int_equal(a.items, renewals_on(fx.ae_primary, NULL).items);
    assert_true(a.items < d.items);
    char giulia[96];
    snprintf(giulia, sizeof giulia, "%s-GIULIA", fx.tag);
    assert_false(renewals_on(fx.ae_tolerant, giulia).lists);
    assert_true(renewals_on(fx.dir_tolerant, giulia).lists);
    assert_string_equal(renewals_on(fx.dir_strict, NULL).source, "replica");
    it_resp *r = IT_CALL_OK(fx.dir_tolerant, "pipeline", "report.pipeline", NULL);
    char src[16];
    assert_string_equal(it_str(r->result, "source", src, sizeof src), "replica");
    it_resp_free(r);
    /* operations not flagged replica-readable stay on the primary: a write works */
    char name[96];
    snprintf(name, sizeof name, "Replica write check %s", fx.tag);
    assert_true(it_client_create_forced(fx.dir_tolerant, name, rf_user_id("mehmet.yilmaz")) > 0);
}

/* Replay paused with the clock ten minutes on: the standby's data is ten minutes old. The
   tolerant server still answers from it (without the contract written since: stale), the strict
   one falls back to the primary (with it) and says so in its log. */
static void test_lag_falls_back(void **state)
{
    (void)state;
    it_clock_shift("10 min");
    wait_standby(true);
    assert_int_equal(standby_ll("SELECT count(*) FROM (SELECT pg_wal_replay_pause()) p", NULL), 1);
    snprintf(fx.late, sizeof fx.late, "%s-LATE", fx.tag);
    rf_contract(fx.ae_client, fx.late, 25, 5000, "USD", "active", 0, rf_user_id("li.wei"));
    wait_standby(false);

    struct renewals t = renewals_on(fx.dir_tolerant, fx.late);
    assert_string_equal(t.source, "replica");
    assert_false(t.lists);
    if (t.age_ms < 590000)
        it_fail("age_ms %llu", (unsigned long long)t.age_ms);
    struct renewals s = renewals_on(fx.dir_strict, fx.late);
    assert_string_equal(s.source, "primary");
    assert_true(s.lists);
    assert_int_equal(s.age_ms, 0);
    assert_true(log_has(&fx.strict, "event=replica_fallback", "reason=lag"));
}

/* Replay resumed and the clock back: the strict server reads the standby again. */
static void test_caught_up_again(void **state)
{
    (void)state;
    assert_int_equal(standby_ll("SELECT count(*) FROM (SELECT pg_wal_replay_resume()) p", NULL), 1);
    it_clock_reset();
    wait_standby(true);
    struct renewals s = renewals_on(fx.dir_strict, fx.late);
    assert_string_equal(s.source, "replica");
    assert_true(s.lists);
    assert_true(s.age_ms < 60000);
    assert_true(log_has(&fx.strict, "event=replica_ok", NULL));
}

/* The standby stopped: both answer from the primary, with everything, and log it. */
static void test_standby_down(void **state)
{
    (void)state;
    PQfinish(fx.standby);
    fx.standby = NULL;
    standby_cmd("stop");
    for (int i = 0; i < 3; i++) {
        struct renewals s = renewals_on(fx.dir_strict, fx.late);
        assert_string_equal(s.source, "primary");
        assert_true(s.lists);
    }
    assert_string_equal(renewals_on(fx.dir_tolerant, fx.late).source, "primary");
    assert_true(log_has(&fx.strict, "event=replica_fallback", "reason=down"));
}

/* Both extra servers drain and exit 0 (their standby connections closed with the workers). */
static void test_servers_drain(void **state)
{
    (void)state;
    assert_int_equal(it_server_stop(&fx.tolerant), 0);
    assert_int_equal(it_server_stop(&fx.strict), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_served_by_standby), cmocka_unit_test(test_lag_falls_back),
        cmocka_unit_test(test_caught_up_again),   cmocka_unit_test(test_standby_down),
        cmocka_unit_test(test_servers_drain),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
