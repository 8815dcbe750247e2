/*
 * audit.c - writing each request's audit row and sealing rows into the hash chain
 * (sql/003_audit.sql holds the table, its guards and the chain functions).
 */
#include <stdio.h>
#include <stdlib.h>

#include "dbpool.h"
#include "log.h"
#include "sqlapi.h"

/* user_id comes from the request context the database holds (never from the caller), so a
 * row is attributed to whoever begin_request or session_create proved; the rest describes
 * the request as the server saw it. */
static const char sql_audit_insert[] =
    "INSERT INTO agency.audit_log (user_id, username, role, branch_id, session_id, peer, op,"
    " target, outcome, detail) VALUES (agency.current_user_id(), nullif($1, ''),"
    " nullif($2, ''), nullif($3, '0')::bigint, nullif($4, '0')::bigint, agency.peer_inet($5),"
    " $6, nullif($7, ''), $8, nullif($9, ''))";

#define STR_(x) #x
#define STR(x)  STR_(x)
static const char sql_audit_seal[] = "SELECT agency.audit_seal(" STR(AUDIT_SEAL_BATCH) ")";

/* The nine parameters of sql_audit_insert; branch and session are the caller's buffers. */
static void audit_params(struct op_ctx *ctx, const char *outcome, const char *params[9],
                         char branch[24], char session[24])
{
    static const struct session_info nobody;
    bool no_auth = ctx->op && (ctx->op->flags & OPF_NO_AUTH);
    /* the new session after a login; nobody after a failed login or resume */
    const struct session_info *s = ctx->sess_action == SESS_SET ? &ctx->sess_new
                                   : no_auth                    ? &nobody
                                                                : &ctx->sess;
    const char *role = role_name(s->role);
    /* a failed login: the name someone tried to log in as */
    const char *username = s->username;
    if (!username[0] && no_auth && ctx->args && op_text(ctx, "username"))
        username = op_text(ctx, "username");
    snprintf(branch, 24, "%llu", (unsigned long long)s->branch_id);
    snprintf(session, 24, "%llu", (unsigned long long)s->session_id);
    params[0] = username;
    params[1] = role ? role : "";
    params[2] = branch;
    params[3] = session;
    params[4] = ctx->peer_addr;
    params[5] = ctx->op ? ctx->op->name : "-";
    params[6] = ctx->audit_target;
    params[7] = outcome ? outcome : "ok";
    params[8] = ctx->audit_detail;
}

static void audit_log_failure(const struct op_ctx *ctx, const PGresult *r)
{
    char q[300];
    log_warn("event=audit_insert_failed op=%s error=%s", ctx->op ? ctx->op->name : "-",
             log_quote(q, sizeof q, r ? PQresultErrorMessage(r) : "connection lost"));
}

int audit_write(struct op_ctx *ctx, const char *outcome)
{
    const char *params[9];
    char branch[24], session[24];
    audit_params(ctx, outcome, params, branch, session);
    PGresult *r = PQexecParams(ctx->db, sql_audit_insert, 9, NULL, params, NULL, NULL, 0);
    int rc = PQresultStatus(r) == PGRES_COMMAND_OK ? 0 : -1;
    if (rc < 0)
        audit_log_failure(ctx, r);
    PQclear(r);
    return rc;
}

int audit_send(struct op_ctx *ctx, const char *outcome)
{
    const char *params[9];
    char branch[24], session[24];
    audit_params(ctx, outcome, params, branch, session);
    return dbpool_pipe_send(ctx, sql_audit_insert, 9, params, NULL, NULL, 0);
}

int audit_check(struct op_ctx *ctx)
{
    PGresult *r = dbpool_pipe_next(ctx);
    int rc = r && PQresultStatus(r) == PGRES_COMMAND_OK ? 0 : -1;
    if (rc < 0 && (!r || PQresultStatus(r) != PGRES_PIPELINE_ABORTED))
        audit_log_failure(ctx, r);
    PQclear(r);
    return rc;
}

long audit_seal(PGconn *db)
{
    PGresult *r = PQexec(db, sql_audit_seal);
    long n = -1;
    if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1)
        n = atol(PQgetvalue(r, 0, 0));
    PQclear(r);
    return n;
}
