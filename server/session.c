/*
 * session.c - opening each request's context from its session (agency.begin_request),
 * refreshing last-seen times, and session tokens.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/rand.h>

#include "config.h"
#include "db.h"
#include "dbpool.h"
#include "session.h"
#include "sqlapi.h"

static const char sql_begin_request[] =
    "SELECT b.user_id, b.role, b.team_id, b.branch_id, b.must_change_password, b.username,"
    " coalesce(b.reauth_at > now() - make_interval(secs => $4::int), false) AS reauth_ok,"
    " b.touch FROM agency.begin_request($1::bigint, $2::int, $3) b";
static const char sql_begin_anonymous[] = "SELECT agency.begin_anonymous($1)";
static const char sql_touch[] = "SELECT agency.touch_session($1::bigint)";

struct auth_settings session_auth_settings(void)
{
    struct auth_settings s = {1800, 43200, 5, 900, 60, 20, 300};
    const struct config *c = config_get();
    if (c) {
        s.idle_s = (int)c->session_idle_timeout;
        s.absolute_s = (int)c->session_absolute_timeout;
        s.lockout_failures = (int)c->lockout_failures;
        s.lockout_s = (int)c->lockout_duration;
        s.rate_per_minute = (int)c->login_rate_per_minute;
        s.rate_burst = (int)c->login_rate_burst;
        s.reauth_s = (int)c->reauth_window;
    }
    return s;
}

static void hex_encode(const unsigned char *in, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[in[i] >> 4];
        out[2 * i + 1] = digits[in[i] & 15];
    }
    out[2 * n] = '\0';
}

/* SHA-256 of the raw token bytes as the bytea parameter "\x<hex>". */
static int hash_param_of(const unsigned char raw[SESSION_TOKEN_BYTES],
                         char hash_param[SESSION_HASH_PARAM])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    if (EVP_Digest(raw, SESSION_TOKEN_BYTES, md, &mdlen, EVP_sha256(), NULL) != 1 || mdlen != 32)
        return -1;
    hash_param[0] = '\\';
    hash_param[1] = 'x';
    hex_encode(md, mdlen, hash_param + 2);
    return 0;
}

int session_token_new(char token[SESSION_TOKEN_HEX], char hash_param[SESSION_HASH_PARAM])
{
    unsigned char raw[SESSION_TOKEN_BYTES];
    if (RAND_bytes(raw, sizeof raw) != 1)
        return -1;
    hex_encode(raw, sizeof raw, token);
    return hash_param_of(raw, hash_param);
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

int session_token_hash(const char *token, char hash_param[SESSION_HASH_PARAM])
{
    unsigned char raw[SESSION_TOKEN_BYTES];
    if (!token || strlen(token) != SESSION_TOKEN_BYTES * 2)
        return -1;
    for (size_t i = 0; i < SESSION_TOKEN_BYTES; i++) {
        int hi = hex_value(token[2 * i]), lo = hex_value(token[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return -1;
        raw[i] = (unsigned char)(hi << 4 | lo);
    }
    return hash_param_of(raw, hash_param);
}

/* Whether this request opens as nobody: logging in or resuming does not depend on whatever
   session the connection had. */
static bool session_anonymous(const struct op_ctx *ctx)
{
    return ctx->sess.session_id == 0 || (ctx->op && (ctx->op->flags & OPF_NO_AUTH));
}

int session_send_begin(struct op_ctx *ctx, int idle_timeout_s)
{
    if (session_anonymous(ctx)) {
        const char *params[1] = {ctx->peer_addr};
        return dbpool_pipe_send(ctx, sql_begin_anonymous, 1, params, NULL, NULL, 0);
    }
    char sid[24], idle[16], reauth[16];
    const struct config *c = config_get();
    snprintf(sid, sizeof sid, "%llu", (unsigned long long)ctx->sess.session_id);
    snprintf(idle, sizeof idle, "%d", idle_timeout_s > 0 ? idle_timeout_s : 0);
    snprintf(reauth, sizeof reauth, "%lld", (long long)c->reauth_window);
    const char *params[4] = {sid, idle, ctx->peer_addr, reauth};
    return dbpool_pipe_send(ctx, sql_begin_request, 4, params, NULL, NULL, 0);
}

int session_read_begin(struct op_ctx *ctx, bool *touch)
{
    *touch = false;
    PGresult *r = dbpool_pipe_result(ctx);
    if (session_anonymous(ctx)) {
        PQclear(r);
        return r ? 0 : -1;
    }
    if (r && PQntuples(r) == 0) {
        PQclear(r);
        r = NULL;
        op_fail(ctx, PE_NOT_FOUND, "your session has ended");
    }
    if (!r) {
        if (ctx->err == PE_UNAUTHENTICATED || ctx->err == PE_NOT_FOUND) {
            ctx->err = PE_UNAUTHENTICATED;
            ctx->sess_action = SESS_CLEAR;
        }
        return -1;
    }
    /* the columns of sql_begin_request, by position */
    ctx->sess.user_id = strtoull(PQgetvalue(r, 0, 0), NULL, 10);
    ctx->sess.role = role_from_name(PQgetvalue(r, 0, 1));
    ctx->sess.team_id = PQgetisnull(r, 0, 2) ? 0 : strtoull(PQgetvalue(r, 0, 2), NULL, 10);
    ctx->sess.branch_id = strtoull(PQgetvalue(r, 0, 3), NULL, 10);
    ctx->sess.must_change_password = PQgetvalue(r, 0, 4)[0] == 't';
    const char *username = PQgetvalue(r, 0, 5);
    size_t ulen = (size_t)PQgetlength(r, 0, 5);
    if (ulen >= sizeof ctx->sess.username)
        ulen = sizeof ctx->sess.username - 1;
    memcpy(ctx->sess.username, username, ulen);
    ctx->sess.username[ulen] = '\0';
    bool recent = PQgetvalue(r, 0, 6)[0] == 't';
    *touch = PQgetvalue(r, 0, 7)[0] == 't';
    PQclear(r);
    if (ctx->op && (ctx->op->flags & OPF_REAUTH) && !recent)
        return op_fail(ctx, PE_FORBIDDEN,
                       "confirm your password first (auth.reauth): %s needs a recent login",
                       ctx->op->name);
    return 0;
}

int session_begin(struct op_ctx *ctx, int idle_timeout_s, bool *touch)
{
    *touch = false;
    int rc = -1;
    if (session_send_begin(ctx, idle_timeout_s) == 0 && dbpool_pipe_sync(ctx) == 0)
        rc = session_read_begin(ctx, touch);
    if (dbpool_pipe_finish(ctx) < 0)
        rc = -1;
    return rc;
}

int session_send_touch(struct op_ctx *ctx)
{
    char sid[24];
    snprintf(sid, sizeof sid, "%llu", (unsigned long long)ctx->sess.session_id);
    const char *params[1] = {sid};
    return dbpool_pipe_send(ctx, sql_touch, 1, params, NULL, NULL, 0);
}

int session_touch(PGconn *db, uint64_t session_id)
{
    char sid[24];
    snprintf(sid, sizeof sid, "%llu", (unsigned long long)session_id);
    const char *params[1] = {sid};
    PGresult *r = PQexecParams(db, sql_touch, 1, NULL, params, NULL, NULL, 0);
    int rc = PQresultStatus(r) == PGRES_TUPLES_OK ? 0 : -1;
    PQclear(r);
    return rc;
}
