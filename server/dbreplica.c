/* The read replica: each worker keeps its own connection to the standby beside its primary one,
   opens a READ ONLY snapshot there with the request's context (agency.replica_begin, sql/080),
   and falls back to the primary when the standby is down or too far behind. */
#include "dbreplica.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "log.h"

#define RETRY_MIN_MS 1000
#define RETRY_MAX_MS 30000

static const char sql_replica_begin[] =
    "SELECT standby, age_ms FROM agency.replica_begin($1::bigint, $2::bigint, $3, $4::bigint,"
    " $5::bigint, $6)";

/* Why the last request did not run on the standby ("" when it did): logged when it changes. */
enum replica_state { RS_UNUSED = 0, RS_OK, RS_DOWN, RS_LAG, RS_BEHIND, RS_NOT_STANDBY };

/* This worker thread's standby connection and its retry schedule. */
static _Thread_local struct {
    PGconn *db;
    struct timespec next_try; /* CLOCK_MONOTONIC; no connection attempt before it */
    unsigned retry_ms;
    enum replica_state state;
} rep;

static const char *state_name(enum replica_state s)
{
    static const char *const names[] = {"unused", "ok", "down", "lag", "behind", "not_standby"};
    return names[s];
}

/* Logs a change of state: a warning when reads leave the standby, info when they come back. */
static void replica_note(enum replica_state s, long long age_ms)
{
    if (s == rep.state)
        return;
    if (s == RS_OK)
        log_info("event=replica_ok age_ms=%lld", age_ms);
    else
        log_warn("event=replica_fallback reason=%s age_ms=%lld max_lag_ms=%lld", state_name(s),
                 age_ms, (long long)config_get()->db_replica_max_lag * 1000);
    rep.state = s;
}

static bool retry_due(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return now.tv_sec > rep.next_try.tv_sec ||
           (now.tv_sec == rep.next_try.tv_sec && now.tv_nsec >= rep.next_try.tv_nsec);
}

/* Drops the connection; the next attempt waits retry_ms (doubling up to RETRY_MAX_MS). */
static void replica_drop(void)
{
    PQfinish(rep.db);
    rep.db = NULL;
    if (rep.retry_ms < RETRY_MIN_MS)
        rep.retry_ms = RETRY_MIN_MS;
    clock_gettime(CLOCK_MONOTONIC, &rep.next_try);
    rep.next_try.tv_sec += rep.retry_ms / 1000;
    rep.next_try.tv_nsec += (long)(rep.retry_ms % 1000) * 1000000L;
    if (rep.next_try.tv_nsec >= 1000000000L) {
        rep.next_try.tv_sec++;
        rep.next_try.tv_nsec -= 1000000000L;
    }
    rep.retry_ms = rep.retry_ms * 2 > RETRY_MAX_MS ? RETRY_MAX_MS : rep.retry_ms * 2;
}

static bool replica_connect(dbreplica_connect_fn *connect)
{
    if (rep.db)
        return true;
    if (!retry_due())
        return false;
    char err[256], q[300];
    rep.db = connect(config_get()->db_replica, err, sizeof err);
    if (!rep.db) {
        if (rep.state != RS_DOWN)
            log_warn("event=replica_connect_failed error=%s", log_quote(q, sizeof q, err));
        replica_drop();
        return false;
    }
    rep.retry_ms = RETRY_MIN_MS;
    return true;
}

/* Ends the standby transaction (rolled back when the connection is still usable). */
static void replica_end(void)
{
    if (!rep.db)
        return;
    if (PQstatus(rep.db) == CONNECTION_OK && PQtransactionStatus(rep.db) != PQTRANS_IDLE)
        PQclear(PQexec(rep.db, "ROLLBACK"));
    if (PQstatus(rep.db) != CONNECTION_OK || PQtransactionStatus(rep.db) != PQTRANS_IDLE)
        replica_drop();
}

/* Opens the standby transaction with ctx's context: RS_OK with *age_ms set, or the reason it
   cannot serve this request (the transaction is then closed). */
static enum replica_state replica_open(const struct op_ctx *ctx, dbreplica_connect_fn *connect,
                                       long long *age_ms)
{
    *age_ms = -1;
    if (!replica_connect(connect))
        return RS_DOWN;
    PGresult *b = PQexec(rep.db, "BEGIN READ ONLY ISOLATION LEVEL REPEATABLE READ");
    bool begun = PQresultStatus(b) == PGRES_COMMAND_OK;
    PQclear(b);
    if (!begun) {
        replica_end(); /* a lost connection is retried after RETRY_MIN_MS */
        return RS_DOWN;
    }
    char sid[24], uid[24], team[24], branch[24];
    snprintf(sid, sizeof sid, "%llu", (unsigned long long)ctx->sess.session_id);
    snprintf(uid, sizeof uid, "%llu", (unsigned long long)ctx->sess.user_id);
    snprintf(team, sizeof team, "%llu", (unsigned long long)ctx->sess.team_id);
    snprintf(branch, sizeof branch, "%llu", (unsigned long long)ctx->sess.branch_id);
    const char *params[6] = {
        sid,    uid,           role_name(ctx->sess.role), ctx->sess.team_id ? team : NULL,
        branch, ctx->peer_addr};
    PGresult *r = PQexecParams(rep.db, sql_replica_begin, 6, NULL, params, NULL, NULL, 0);
    enum replica_state s = RS_DOWN;
    if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1) {
        bool standby = PQgetvalue(r, 0, 0)[0] == 't';
        bool known = !PQgetisnull(r, 0, 1);
        *age_ms = known ? strtoll(PQgetvalue(r, 0, 1), NULL, 10) : -1;
        if (!standby)
            s = RS_NOT_STANDBY;
        else if (!known || *age_ms > config_get()->db_replica_max_lag * 1000)
            s = RS_LAG;
        else
            s = RS_OK;
    } else if (PQstatus(rep.db) == CONNECTION_OK) {
        const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
        s = state && strcmp(state, "AGRP0") == 0 ? RS_BEHIND : RS_DOWN;
    }
    PQclear(r);
    if (s != RS_OK)
        replica_end();
    return s;
}

/* Clears what a failed handler left in ctx and result before it runs again. */
static void handler_reset(struct op_ctx *ctx, msgpack_sbuffer *result)
{
    msgpack_sbuffer_clear(result);
    ctx->err = PE_OK;
    ctx->err_message[0] = ctx->err_field[0] = ctx->err_reason[0] = ctx->err_until[0] = '\0';
    ctx->err_extra_len = 0;
    ctx->err_extra_pairs = 0;
    ctx->audit_target[0] = ctx->audit_detail[0] = '\0';
}

int dbreplica_run_handler(struct op_ctx *ctx, msgpack_sbuffer *result,
                          dbreplica_connect_fn *connect)
{
    ctx->served.source = "primary";
    ctx->served.age_ms = 0;
    const struct config *cfg = config_get();
    if (!(ctx->op->flags & OPF_REPLICA) || !cfg->db_replica || !cfg->db_replica[0] ||
        ctx->sess.session_id == 0)
        return ctx->op->handler(ctx);
    long long age_ms;
    enum replica_state s = replica_open(ctx, connect, &age_ms);
    replica_note(s, age_ms);
    if (s != RS_OK)
        return ctx->op->handler(ctx);
    PGconn *primary = ctx->db;
    ctx->db = rep.db;
    ctx->served.source = "replica";
    ctx->served.age_ms = age_ms;
    int rc = ctx->op->handler(ctx);
    ctx->db = primary;
    bool lost = PQstatus(rep.db) != CONNECTION_OK;
    replica_end();
    if (rc == 0 && ctx->err == PE_OK)
        return 0;
    if (!lost)
        return rc; /* the handler's own answer (not found, invalid, a timeout: retry) */
    replica_note(RS_DOWN, -1);
    handler_reset(ctx, result);
    ctx->served.source = "primary";
    ctx->served.age_ms = 0;
    return ctx->op->handler(ctx);
}

void dbreplica_close(void)
{
    PQfinish(rep.db);
    rep.db = NULL;
}
