/* One request on a database worker: transaction, session check, idempotency, handler, audit,
   commit, and the framed answer (DESIGN §4). */
#include <stdio.h>
#include <string.h>

#include "db.h"
#include "dbpool.h"
#include "dbreplica.h"
#include "log.h"
#include "session.h"
#include "sqlapi.h"

static const char sql_idem_get[] = "SELECT op, response FROM agency.idempotency_get($1::uuid)";
static const char sql_idem_put[] = "SELECT agency.idempotency_put($1::uuid, $2, $3::bytea)";
/* transaction control, prepared like every other statement (keyed by these arrays) */
static const char sql_begin[] = "BEGIN";
static const char sql_begin_read_only[] = "BEGIN READ ONLY";
static const char sql_commit[] = "COMMIT";

/* Runs a transaction-control statement; 0 or -1 with ctx->err set. */
static int job_simple(struct op_ctx *ctx, const char *sql)
{
    PGresult *r = PQexec(ctx->db, sql);
    int ok = r && PQresultStatus(r) == PGRES_COMMAND_OK;
    if (!ok)
        dbpool_map_error(ctx, ctx->db, r);
    PQclear(r);
    return ok ? 0 : -1;
}

static bool job_writes(const struct dbjob *job)
{
    return job->preset != PE_OK ||
           (job->op->flags & (OPF_MUTATING | OPF_AUDITED | OPF_FINANCE | OPF_NO_AUTH));
}

static bool job_is_denial(enum proto_err e)
{
    return e == PE_FORBIDDEN || e == PE_NOT_FOUND || e == PE_UNAUTHENTICATED || e == PE_LOCKED ||
           e == PE_RATE_LIMITED;
}

static const char *job_default_message(enum proto_err e)
{
    switch (e) {
    case PE_UNAUTHENTICATED:
        return "log in first";
    case PE_FORBIDDEN:
        return "you may not do that";
    case PE_NOT_FOUND:
        return "not found";
    case PE_UNAVAILABLE:
        return "the database is unavailable; try again";
    default:
        return "internal error";
    }
}

static void job_answer_error(struct dbjob *job, const struct op_ctx *ctx)
{
    msgpack_sbuffer_clear(&job->answer);
    msgpack_packer pk;
    msgpack_packer_init(&pk, &job->answer, msgpack_sbuffer_write);
    size_t start = proto_frame_begin(&job->answer);
    const char *msg = ctx->err_message[0] ? ctx->err_message : job_default_message(ctx->err);
    if (ctx->err == PE_INVALID) {
        proto_pack_error_head(&pk, job->msgid, ctx->err, msg, 2);
        proto_kv_str(&pk, "field", ctx->err_field[0] ? ctx->err_field : "argument");
        proto_kv_str(&pk, "reason", ctx->err_reason[0] ? ctx->err_reason : msg);
        proto_pack_error_end(&pk);
    } else if (ctx->err == PE_LOCKED && ctx->err_until[0]) {
        proto_pack_error_head(&pk, job->msgid, ctx->err, msg, 1);
        proto_kv_str(&pk, "until", ctx->err_until);
        proto_pack_error_end(&pk);
    } else if (ctx->err_extra_pairs > 0) {
        proto_pack_error_head(&pk, job->msgid, ctx->err, msg, ctx->err_extra_pairs);
        msgpack_sbuffer_write(&job->answer, ctx->err_extra, ctx->err_extra_len);
        proto_pack_error_end(&pk);
    } else {
        proto_pack_error_head(&pk, job->msgid, ctx->err, msg, 0);
    }
    proto_frame_end(&job->answer, start);
    job->err = ctx->err;
}

/* Opens the request's transaction: BEGIN [READ ONLY] and the session check (session.c) in one
   pipeline segment, one write and one wait (the previous job's deferred COMMIT is read on the
   way). 0, or -1 with ctx->err set (the transaction may be open and failed: roll it back). */
static int job_open(struct op_ctx *ctx, bool writes, int idle_timeout_s, bool *touch)
{
    *touch = false;
    int rc = -1;
    if (dbpool_pipe_send(ctx, writes ? sql_begin : sql_begin_read_only, 0, NULL, NULL, NULL, 0) ==
            0 &&
        session_send_begin(ctx, idle_timeout_s) == 0 && dbpool_pipe_sync(ctx) == 0) {
        PGresult *r = dbpool_pipe_result(ctx);
        if (r) {
            PQclear(r);
            rc = session_read_begin(ctx, touch);
        }
    }
    if (dbpool_pipe_finish(ctx) < 0)
        rc = -1;
    return rc;
}

static int job_idem_send(struct op_ctx *ctx, const char *key, const msgpack_sbuffer *result)
{
    const char *params[3] = {key, ctx->op->name, result->data};
    int lengths[3] = {0, 0, (int)result->size};
    int formats[3] = {0, 0, 1};
    return dbpool_pipe_send(ctx, sql_idem_put, 3, params, lengths, formats, 0);
}

/* Ends a writing transaction: the audit row (outcome non-NULL), the idempotency record (key
   non-NULL) and COMMIT in one segment, and waits for COMMIT (the answer depends on it).
   0, or -1 with ctx->err set when the commit failed. */
static int job_commit(struct op_ctx *ctx, const char *outcome, const char *key,
                      const msgpack_sbuffer *result)
{
    int rc = -1;
    if ((outcome && audit_send(ctx, outcome) < 0) || (key && job_idem_send(ctx, key, result) < 0) ||
        dbpool_pipe_send(ctx, sql_commit, 0, NULL, NULL, NULL, 0) < 0 || dbpool_pipe_sync(ctx) < 0)
        goto out;
    bool audited = !outcome || audit_check(ctx) == 0, stored = true;
    if (key) {
        PGresult *k = dbpool_pipe_result(ctx);
        stored = k != NULL;
        PQclear(k);
    }
    PGresult *r = dbpool_pipe_result(ctx);
    if (r && audited && stored)
        rc = 0;
    PQclear(r);
out:
    if (dbpool_pipe_finish(ctx) < 0)
        rc = -1;
    return rc;
}

static void job_answer_result(struct dbjob *job, const char *bytes, size_t len)
{
    msgpack_sbuffer_clear(&job->answer);
    msgpack_packer pk;
    msgpack_packer_init(&pk, &job->answer, msgpack_sbuffer_write);
    size_t start = proto_frame_begin(&job->answer);
    proto_pack_result_head(&pk, job->msgid);
    msgpack_sbuffer_write(&job->answer, bytes, len);
    proto_frame_end(&job->answer, start);
    job->err = PE_OK;
}

/* Writes the audit row of a request in a fresh short transaction (after a rollback, or after a
   read-only transaction whose handler asked for an audit row). */
static void job_audit_fresh(struct op_ctx *ctx, const char *outcome)
{
    struct op_ctx saved = *ctx;
    bool touch = false;
    if (job_open(ctx, true, (int)dbpool_self->cfg->session_idle_timeout, &touch) < 0) {
        if (dbpool_self->lost || PQstatus(ctx->db) != CONNECTION_OK)
            goto out;
        /* expired or revoked session: record the attempt as anonymous */
        job_simple(ctx, "ROLLBACK");
        ctx->sess.session_id = 0;
        if (job_open(ctx, true, 0, &touch) < 0)
            goto out;
    }
    if (job_commit(ctx, outcome, NULL, NULL) < 0)
        log_warn("event=audit_failed op=%s outcome=%s", ctx->op->name, outcome);
out:
    if (PQtransactionStatus(ctx->db) != PQTRANS_IDLE)
        PQclear(PQexec(ctx->db, "ROLLBACK"));
    /* the answer stays the original one; the session result too */
    memcpy(ctx->err_message, saved.err_message, sizeof(ctx->err_message));
    memcpy(ctx->err_field, saved.err_field, sizeof(ctx->err_field));
    memcpy(ctx->err_reason, saved.err_reason, sizeof(ctx->err_reason));
    memcpy(ctx->err_until, saved.err_until, sizeof(ctx->err_until));
    ctx->err = saved.err;
    ctx->sess = saved.sess;
    ctx->sess_action = saved.sess_action;
}

/* The failure path: roll back (or keep the writes when the handler asked), audit, answer. */
static void job_fail(struct dbjob *job, struct op_ctx *ctx)
{
    if (ctx->err == PE_OK)
        op_fail(ctx, PE_INTERNAL, "internal error");
    bool usable = !(dbpool_self && dbpool_self->lost) && PQstatus(ctx->db) == CONNECTION_OK;
    const char *outcome = job->preset != PE_OK ? "denied" : proto_err_name(ctx->err);
    if (usable && ctx->commit_on_error && PQtransactionStatus(ctx->db) == PQTRANS_INTRANS) {
        struct op_ctx saved = *ctx;
        if (job_commit(ctx, outcome, NULL, NULL) < 0) {
            log_warn("event=audit_failed op=%s outcome=%s", job->op->name, outcome);
        } else {
            ctx->err = saved.err;
            memcpy(ctx->err_message, saved.err_message, sizeof(ctx->err_message));
        }
        ctx->sess_action = saved.sess_action;
    } else if (usable) {
        if (PQtransactionStatus(ctx->db) != PQTRANS_IDLE)
            PQclear(PQexec(ctx->db, "ROLLBACK"));
        if (ctx->err != PE_UNAVAILABLE && ctx->err != PE_INTERNAL &&
            (job_is_denial(ctx->err) || (job->op->flags & OPF_MUTATING)))
            job_audit_fresh(ctx, outcome);
    }
    job_answer_error(job, ctx);
}

/* The dispatcher's checks again, with the session as the database sees it now. */
static int job_recheck(struct dbjob *job, struct op_ctx *ctx)
{
    if (ctx->sess.session_id == 0 || (job->op->flags & OPF_NO_AUTH))
        return 0;
    if (ctx->sess.must_change_password && !(job->op->flags & OPF_PW_PENDING))
        return op_fail(ctx, PE_FORBIDDEN, "change your password first (auth.password)");
    if (!(job->op->roles & ctx->sess.role))
        return op_fail(ctx, PE_FORBIDDEN, "your role may not call %s", job->op->name);
    return 0;
}

/* A stored answer for this idempotency key: 1 answered, 0 none, -1 error. */
static int job_idem_lookup(struct dbjob *job, struct op_ctx *ctx, const char *key)
{
    const char *params[1] = {key};
    PGresult *r = NULL;
    if (dbpool_pipe_send(ctx, sql_idem_get, 1, params, NULL, NULL, 1) == 0 &&
        dbpool_pipe_sync(ctx) == 0)
        r = dbpool_pipe_result(ctx); /* prepared once per connection, binary results */
    if (dbpool_pipe_finish(ctx) < 0 || !r) {
        PQclear(r);
        return -1;
    }
    int found = 0;
    if (PQntuples(r) > 0 && !PQgetisnull(r, 0, 1)) {
        const char *op = PQgetvalue(r, 0, 0);
        if ((size_t)PQgetlength(r, 0, 0) != strlen(job->op->name) ||
            memcmp(op, job->op->name, strlen(job->op->name)) != 0) {
            PQclear(r);
            return op_invalid(ctx, "idempotency_key", "was already used for another operation");
        }
        job_answer_result(job, PQgetvalue(r, 0, 1), (size_t)PQgetlength(r, 0, 1));
        found = 1;
    }
    PQclear(r);
    return found;
}

static bool job_audits_success(const struct op_ctx *ctx)
{
    return ctx->audit_target[0] != '\0' ||
           (ctx->op->flags & (OPF_MUTATING | OPF_AUDITED | OPF_FINANCE));
}

/* The success path after the handler: audit row, idempotency record, COMMIT, touch. A READ
   ONLY transaction's COMMIT (and a last-seen refresh) are queued and their results read before
   the worker's next statement: the answer does not depend on them. Without a refresh the
   COMMIT goes out with the worker's next segment (the server runs it first) or, when the worker
   runs out of work, on its own (dbpool.c). A writing transaction's answer waits for its
   COMMIT. */
static int job_finish(struct dbjob *job, struct op_ctx *ctx, const char *key,
                      const msgpack_sbuffer *result, bool touch)
{
    bool audit = job_audits_success(ctx);
    if (job_writes(job)) {
        if (job_commit(ctx, audit ? "ok" : NULL, key, result) < 0)
            return -1;
    } else {
        if (dbpool_pipe_send(ctx, sql_commit, 0, NULL, NULL, NULL, 0) < 0)
            return -1;
        dbpool_pipe_defer(dbpool_self);
        if (audit)
            job_audit_fresh(ctx, "ok"); /* the read ran READ ONLY; written before answering */
    }
    /* the refresh is a transaction of its own: a Sync must end it before the next BEGIN */
    if (touch && ctx->sess.session_id && session_send_touch(ctx) == 0)
        dbpool_pipe_sync(ctx);
    dbpool_pipe_defer(dbpool_self);
    job_answer_result(job, result->data, result->size);
    return 0;
}

/* A denial the dispatcher found (role, pending password change, login rate): audit, answer. */
static void job_preset(struct dbjob *job, struct op_ctx *ctx)
{
    const char *outcome = job->preset == PE_FORBIDDEN ? "denied" : proto_err_name(job->preset);
    const char *username = op_text(ctx, "username");
    if (username)
        op_audit(ctx, "user:unknown", "username=%s %s", username, job->preset_message);
    else
        op_audit(ctx, "", "%s", job->preset_message);
    op_fail(ctx, job->preset, "%s", job->preset_message);
    if (job_commit(ctx, outcome, NULL, NULL) < 0)
        log_warn("event=audit_failed op=%s outcome=%s", job->op->name, outcome);
    ctx->err = job->preset;
    snprintf(ctx->err_message, sizeof(ctx->err_message), "%s", job->preset_message);
    job_answer_error(job, ctx);
}

/* Opens this worker's connection to the standby (dbreplica.c). */
static PGconn *job_replica_connect(const char *conninfo, char *err, size_t errlen)
{
    return dbpool_connect_to(dbpool_self->cfg, conninfo, err, errlen);
}

static void job_request(struct dbworker *w, struct dbjob *job, struct op_ctx *ctx,
                        msgpack_sbuffer *result)
{
    bool touch = false;
    const char *key = (job->op->flags & OPF_MUTATING) ? op_text(ctx, "idempotency_key") : NULL;
    if (job_open(ctx, job_writes(job), (int)w->cfg->session_idle_timeout, &touch) < 0)
        goto fail;
    if (job->preset != PE_OK) {
        job_preset(job, ctx);
        return;
    }
    if (job_recheck(job, ctx) < 0)
        goto fail;
    if (key) {
        int found = job_idem_lookup(job, ctx, key);
        if (found < 0)
            goto fail;
        if (found) {
            job_simple(ctx, "COMMIT");
            return;
        }
    }
    if (!job->op->handler || dbreplica_run_handler(ctx, result, job_replica_connect) != 0 ||
        ctx->err != PE_OK)
        goto fail;
    if (result->size == 0)
        msgpack_pack_nil(ctx->pk); /* a handler that packed nothing answers nil */
    if (job_finish(job, ctx, key, result, touch) < 0)
        goto fail;
    return;
fail:
    job_fail(job, ctx);
}

void dbpool_run_job(struct dbworker *w, struct dbjob *job)
{
    if (job->kind == DBJOB_SEAL || job->kind == DBJOB_SWEEP) {
        if (w->db && dbpool_pipe_settle(w) == 0) {
            bool seal = job->kind == DBJOB_SEAL;
            long n = seal ? audit_seal(w->db) : sweep_run(w->db);
            job->rows = n;
            if (n < 0)
                w->lost = PQstatus(w->db) != CONNECTION_OK;
            else if (n > 0)
                log_debug("event=%s rows=%ld", seal ? "audit_sealed" : "swept", n);
        }
        return;
    }
    msgpack_sbuffer result;
    msgpack_sbuffer_init(&result);
    msgpack_packer pk;
    msgpack_packer_init(&pk, &result, msgpack_sbuffer_write);
    struct op_ctx ctx;
    memset(&ctx, 0, sizeof(ctx));
    ctx.db = w->db;
    ctx.op = job->op;
    ctx.args = &job->args;
    ctx.sess = job->sess;
    ctx.peer_addr = job->peer;
    ctx.request_id = job->request_id;
    ctx.pk = &pk;
    if (!w->db) {
        op_fail(&ctx, PE_UNAVAILABLE, "the database is unavailable; try again");
        job_answer_error(job, &ctx);
    } else {
        job_request(w, job, &ctx, &result);
    }
    job->sess_action = ctx.sess_action;
    job->sess_new = ctx.sess_new;
    msgpack_sbuffer_destroy(&result);
}
