/*
 * session.c - authentication and session operations (auth.*). Password hashing runs here,
 * on the database worker, never on the I/O thread.
 */
#include <stdio.h>
#include <string.h>

#include "auth.h"
#include "op_schema.h"
#include "op_util.h"

/* ---- SQL ---- */

static const char sql_rate_ok[] = "SELECT agency.login_rate_check($1, $2::int, $3::int, false)";
static const char sql_rate_take[] = "SELECT agency.login_rate_check($1, $2::int, $3::int, true)";
static const char sql_lookup[] =
    "SELECT user_id AS id, username, full_name, role, team_id, branch_id,"
    " password_hash AS _hash, active AS _active, must_change_password AS _must_change,"
    " network_ok AS _network_ok, CASE WHEN locked_until > now() THEN " OPU_TS(
        "locked_until") " END AS _locked_until FROM agency.login_lookup($1, $2)";
static const char sql_record[] =
    "SELECT failed_logins, locked_until FROM agency.login_record($1, $2::bigint, $3, $4,"
    " $5::int, $6::int)";
static const char sql_session_create[] =
    "SELECT id, " OPU_TS("expires_at") " AS expires_at"
                                       " FROM agency.session_create($1::bigint, $2::bytea, $3, "
                                       "$4, $5::int, $6::int)";
static const char sql_resume[] =
    "SELECT user_id AS id, username, full_name, role, team_id, branch_id,"
    " session_id AS _session_id, must_change_password AS _must_change,"
    " network_ok AS _network_ok, " OPU_TS("expires_at") " AS _expires_at"
                                                        " FROM agency.session_resume($1::bytea, "
                                                        "$2::int, $3)";
static const char sql_logout[] =
    "UPDATE agency.sessions SET revoked_at = now(), revoke_reason = 'logout'"
    " WHERE id = agency.current_session_id() AND revoked_at IS NULL";
static const char sql_whoami[] =
    "SELECT u.id, u.username, u.full_name, u.role, u.team_id, t.name AS team_name, u.branch_id,"
    " b.name AS branch_name, b.timezone AS branch_timezone, s.id AS _session_id, " OPU_TS(
        "s.created_at") " AS _created_at, " OPU_TS("s.expires_at") " AS _expires_at, "
                                                                   "u.must_change_password AS "
                                                                   "_must_change"
                                                                   " FROM agency.users u JOIN "
                                                                   "agency.sessions s ON s.user_id "
                                                                   "= u.id"
                                                                   " JOIN agency.branches b ON "
                                                                   "b.id = u.branch_id"
                                                                   " LEFT JOIN agency.teams t ON "
                                                                   "t.id = u.team_id"
                                                                   " WHERE u.id = "
                                                                   "agency.current_user_id() AND "
                                                                   "s.id = "
                                                                   "agency.current_session_id()";
static const char sql_my_hash[] = "SELECT agency.current_password_hash() AS hash";
static const char sql_set_password[] = "SELECT agency.set_password($1::bigint, $2, $3::boolean)";
static const char sql_revoke_others[] =
    "SELECT agency.session_revoke_others($1::bigint, $2::bigint, $3) AS n";
static const char sql_reauth[] =
    "UPDATE agency.sessions SET reauth_at = now() WHERE id = agency.current_session_id()"
    " AND revoked_at IS NULL RETURNING " OPU_TS("reauth_at") " AS reauth_at";
static const char sql_sessions[] =
    "SELECT id, created_at, last_seen_at, expires_at, host(peer) AS peer, client,"
    " id = agency.current_session_id() AS current FROM agency.sessions"
    " WHERE user_id = $1::bigint AND revoked_at IS NULL AND expires_at > now()"
    " AND last_seen_at + idle_timeout > now() ORDER BY id";
static const char sql_revoke[] = "UPDATE agency.sessions SET revoked_at = now(), revoke_reason = $2"
                                 " WHERE id = $1::bigint AND revoked_at IS NULL RETURNING user_id";

#define MSG_BAD_LOGIN "wrong user name or password"

/* ---- helpers ---- */

/* Fills a session_info from a row holding id, username, role, team_id, branch_id. */
static void sess_from_row(struct session_info *s, const PGresult *r, uint64_t session_id,
                          bool must_change)
{
    memset(s, 0, sizeof *s);
    s->session_id = session_id;
    s->user_id = opu_parse_u64(db_get(r, 0, "id"));
    s->role = role_from_name(db_get(r, 0, "role"));
    s->team_id = opu_parse_u64(db_get(r, 0, "team_id"));
    s->branch_id = opu_parse_u64(db_get(r, 0, "branch_id"));
    s->must_change_password = must_change;
    snprintf(s->username, sizeof s->username, "%s", db_get(r, 0, "username"));
}

/* Records one login outcome (attempt row, failure count, lockout). 0 or -1. */
static int record_attempt(struct op_ctx *ctx, const char *username, const char *user_id,
                          const char *outcome, const struct auth_settings *st)
{
    char fails[16], secs[16];
    snprintf(fails, sizeof fails, "%d", st->lockout_failures);
    snprintf(secs, sizeof secs, "%d", st->lockout_s);
    const char *params[6] = {username, user_id, ctx->peer_addr, outcome, fails, secs};
    return opu_exec_count(ctx, sql_record, 6, params) < 0 ? -1 : 0;
}

/* Asks the per-address limiter; take spends a token (a failure). 1 allowed, 0 not, -1 error. */
static int rate_check(struct op_ctx *ctx, const struct auth_settings *st, bool take)
{
    char per[16], burst[16];
    snprintf(per, sizeof per, "%d", st->rate_per_minute);
    snprintf(burst, sizeof burst, "%d", st->rate_burst);
    const char *params[3] = {ctx->peer_addr, per, burst};
    PGresult *r = db_exec(ctx, take ? sql_rate_take : sql_rate_ok, 3, params);
    if (!r)
        return -1;
    int ok = PQgetvalue(r, 0, 0)[0] == 't';
    PQclear(r);
    return ok;
}

/* A failed login: record it, spend a rate token, answer code with message. */
static int login_failed(struct op_ctx *ctx, const char *username, const char *user_id,
                        const char *outcome, const struct auth_settings *st, enum proto_err code,
                        const char *message)
{
    char target[40];
    snprintf(target, sizeof target, "user:%s", user_id ? user_id : "unknown");
    op_audit(ctx, target, "username=%s outcome=%s", username, outcome);
    if (record_attempt(ctx, username, user_id, outcome, st) < 0 || rate_check(ctx, st, true) < 0)
        return -1;
    return op_fail(ctx, code, "%s", message);
}

/* Packs {user: {...}, <extra pairs follow>}: the caller packs extra_pairs pairs after. */
static void pack_user_head(struct op_ctx *ctx, const PGresult *user, uint32_t extra_pairs)
{
    msgpack_pack_map(ctx->pk, 1 + extra_pairs);
    proto_pack_cstr(ctx->pk, "user");
    db_pack_row(ctx->pk, user, 0);
}

/* Creates the session of a user who just logged in and answers. */
static int login_succeeded(struct op_ctx *ctx, const PGresult *u, const struct auth_settings *st)
{
    const char *uid = db_get(u, 0, "id");
    char token[SESSION_TOKEN_HEX], hash[SESSION_HASH_PARAM], idle[16], absolute[16];
    if (session_token_new(token, hash) != 0)
        return op_fail(ctx, PE_INTERNAL, "internal error");
    snprintf(idle, sizeof idle, "%d", st->idle_s);
    snprintf(absolute, sizeof absolute, "%d", st->absolute_s);
    const char *client = op_text(ctx, "client");
    const char *params[6] = {uid, hash, ctx->peer_addr, client, idle, absolute};
    if (record_attempt(ctx, db_get(u, 0, "username"), uid, "ok", st) < 0)
        return -1;
    PGresult *s = db_one(ctx, sql_session_create, 6, params, "no such user");
    if (!s)
        return -1;
    bool must_change = opu_true(u, 0, "_must_change");
    sess_from_row(&ctx->sess_new, u, opu_parse_u64(db_get(s, 0, "id")), must_change);
    ctx->sess_action = SESS_SET;
    char target[40];
    snprintf(target, sizeof target, "user:%s", uid);
    op_audit(ctx, target, "session=%s client=%s", db_get(s, 0, "id"), client ? client : "-");
    pack_user_head(ctx, u, 3);
    proto_kv_str(ctx->pk, "token", token);
    proto_kv_str(ctx->pk, "expires_at", db_get(s, 0, "expires_at"));
    proto_kv_bool(ctx->pk, "must_change_password", must_change);
    PQclear(s);
    return 0;
}

/* The lookup row's verdict after the password check: the outcome name, and the error code
 * and message to answer (PE_OK for success). */
static const char *login_verdict(const PGresult *u, bool found, bool password_ok,
                                 enum proto_err *code, char *msg, size_t msglen)
{
    *code = PE_UNAUTHENTICATED;
    snprintf(msg, msglen, "%s", MSG_BAD_LOGIN);
    if (!found)
        return "unknown_user";
    const char *locked = db_get(u, 0, "_locked_until");
    if (locked) {
        *code = PE_LOCKED;
        snprintf(msg, msglen, "the account is locked after too many failed logins until %s",
                 locked);
        return "locked";
    }
    if (!password_ok)
        return "bad_password";
    if (!opu_true(u, 0, "_active"))
        return "inactive";
    if (!opu_true(u, 0, "_network_ok")) {
        *code = PE_FORBIDDEN;
        snprintf(msg, msglen, "login from this network is not allowed");
        return "network";
    }
    *code = PE_OK;
    return "ok";
}

static int op_auth_login(struct op_ctx *ctx)
{
    const char *username = op_text(ctx, "username");
    const char *password = op_text(ctx, "password");
    struct auth_settings st = session_auth_settings();
    ctx->commit_on_error = true; /* attempts, failure counts and lockouts must stay */

    int allowed = rate_check(ctx, &st, false);
    if (allowed < 0)
        return -1;
    if (!allowed) {
        op_audit(ctx, "user:unknown", "username=%s outcome=rate_limited", username);
        if (record_attempt(ctx, username, NULL, "rate_limited", &st) < 0)
            return -1;
        return op_fail(ctx, PE_RATE_LIMITED,
                       "too many failed logins from your address; try again in a minute");
    }
    const char *params[2] = {username, ctx->peer_addr};
    PGresult *u = db_exec(ctx, sql_lookup, 2, params);
    if (!u)
        return -1;
    bool found = PQntuples(u) == 1;
    /* Always one Argon2 verification: unknown names cost what known ones cost. */
    bool password_ok = password_verify(found ? db_get(u, 0, "_hash") : NULL, password);
    enum proto_err code;
    char msg[160];
    const char *outcome = login_verdict(u, found, password_ok, &code, msg, sizeof msg);
    if (code == PE_LOCKED)
        snprintf(ctx->err_until, sizeof ctx->err_until, "%s", db_get(u, 0, "_locked_until"));
    int rc;
    if (code == PE_OK)
        rc = login_succeeded(ctx, u, &st);
    else
        rc =
            login_failed(ctx, username, found ? db_get(u, 0, "id") : NULL, outcome, &st, code, msg);
    PQclear(u);
    return rc;
}

static int op_auth_resume(struct op_ctx *ctx)
{
    char hash[SESSION_HASH_PARAM], idle[16];
    struct auth_settings st = session_auth_settings();
    op_audit(ctx, "session:unknown", "resume");
    if (session_token_hash(op_text(ctx, "token"), hash) != 0)
        return op_invalid(ctx, "token", "must be 64 hexadecimal digits");
    snprintf(idle, sizeof idle, "%d", st.idle_s);
    const char *params[3] = {hash, idle, ctx->peer_addr};
    PGresult *r = db_exec(ctx, sql_resume, 3, params);
    if (!r)
        return -1;
    if (PQntuples(r) != 1) {
        PQclear(r);
        return op_fail(ctx, PE_UNAUTHENTICATED, "the session has ended; please log in again");
    }
    char target[40];
    snprintf(target, sizeof target, "session:%s", db_get(r, 0, "_session_id"));
    op_audit(ctx, target, "resume as user:%s", db_get(r, 0, "id"));
    if (!opu_true(r, 0, "_network_ok")) {
        PQclear(r);
        return op_fail(ctx, PE_FORBIDDEN, "login from this network is not allowed");
    }
    bool must_change = opu_true(r, 0, "_must_change");
    sess_from_row(&ctx->sess_new, r, opu_parse_u64(db_get(r, 0, "_session_id")), must_change);
    ctx->sess_action = SESS_SET;
    pack_user_head(ctx, r, 3);
    proto_kv_u64(ctx->pk, "session_id", ctx->sess_new.session_id);
    proto_kv_str(ctx->pk, "expires_at", db_get(r, 0, "_expires_at"));
    proto_kv_bool(ctx->pk, "must_change_password", must_change);
    PQclear(r);
    return 0;
}

static int op_auth_logout(struct op_ctx *ctx)
{
    char target[40];
    snprintf(target, sizeof target, "session:%llu", (unsigned long long)ctx->sess.session_id);
    op_audit(ctx, target, "logout");
    if (opu_exec_count(ctx, sql_logout, 0, NULL) < 0)
        return -1;
    ctx->sess_action = SESS_CLEAR;
    msgpack_pack_map(ctx->pk, 1);
    proto_kv_bool(ctx->pk, "ok", true);
    return 0;
}

static int op_auth_whoami(struct op_ctx *ctx)
{
    PGresult *r = db_one(ctx, sql_whoami, 0, NULL, "the session has ended");
    if (!r)
        return -1;
    pack_user_head(ctx, r, 4);
    proto_kv_u64(ctx->pk, "session_id", opu_parse_u64(db_get(r, 0, "_session_id")));
    proto_kv_str(ctx->pk, "created_at", db_get(r, 0, "_created_at"));
    proto_kv_str(ctx->pk, "expires_at", db_get(r, 0, "_expires_at"));
    proto_kv_bool(ctx->pk, "must_change_password", opu_true(r, 0, "_must_change"));
    PQclear(r);
    return 0;
}

/* Checks password against the caller's own hash. A mismatch counts as a failed login (it
 * can lock the account) and answers invalid for field. 0 match, -1 otherwise. */
static int check_own_password(struct op_ctx *ctx, const char *password, const char *field)
{
    PGresult *r = db_one(ctx, sql_my_hash, 0, NULL, "no such user");
    if (!r)
        return -1;
    bool ok = password_verify(db_get(r, 0, "hash"), password);
    PQclear(r);
    if (ok)
        return 0;
    char uid[24];
    struct auth_settings st = session_auth_settings();
    ctx->commit_on_error = true;
    if (record_attempt(ctx, ctx->sess.username, opu_u64(uid, ctx->sess.user_id), "bad_password",
                       &st) < 0)
        return -1;
    return op_invalid(ctx, field, "does not match your current password");
}

static int op_auth_password(struct op_ctx *ctx)
{
    const char *old_pw = op_text(ctx, "old_password");
    const char *new_pw = op_text(ctx, "new_password");
    char uid[24], sid[24], hash[PASSWORD_HASH_MAX], target[40];
    opu_u64(uid, ctx->sess.user_id);
    snprintf(target, sizeof target, "user:%s", uid);
    op_audit(ctx, target, "password change");
    if (check_own_password(ctx, old_pw, "old_password") < 0)
        return -1;
    const char *why = password_policy_check(new_pw, ctx->sess.username);
    if (why)
        return op_invalid(ctx, "new_password", why);
    if (strcmp(old_pw, new_pw) == 0)
        return op_invalid(ctx, "new_password", "must differ from the current password");
    if (password_hash(new_pw, hash) != 0)
        return op_fail(ctx, PE_INTERNAL, "internal error");
    const char *p_set[3] = {uid, hash, "false"};
    if (opu_exec_count(ctx, sql_set_password, 3, p_set) < 0)
        return -1;
    const char *p_rev[3] = {uid, opu_u64(sid, ctx->sess.session_id), "password changed"};
    long ended = opu_one_n(ctx, sql_revoke_others, 3, p_rev, "no such user");
    if (ended < 0)
        return -1;
    ctx->sess_new = ctx->sess;
    ctx->sess_new.must_change_password = false;
    ctx->sess_action = SESS_SET;
    op_audit(ctx, target, "password changed; other sessions ended=%ld", ended);
    msgpack_pack_map(ctx->pk, 2);
    proto_kv_bool(ctx->pk, "ok", true);
    proto_kv_u64(ctx->pk, "sessions_ended", (uint64_t)ended);
    return 0;
}

static int op_auth_reauth(struct op_ctx *ctx)
{
    char target[40];
    snprintf(target, sizeof target, "session:%llu", (unsigned long long)ctx->sess.session_id);
    op_audit(ctx, target, "re-authentication");
    if (check_own_password(ctx, op_text(ctx, "password"), "password") < 0)
        return -1;
    PGresult *r = db_one(ctx, sql_reauth, 0, NULL, "the session has ended");
    if (!r)
        return -1;
    msgpack_pack_map(ctx->pk, 2);
    proto_kv_bool(ctx->pk, "ok", true);
    proto_kv_str(ctx->pk, "reauth_at", db_get(r, 0, "reauth_at"));
    PQclear(r);
    return 0;
}

static int op_auth_sessions(struct op_ctx *ctx)
{
    uint64_t who = op_has(ctx, "user_id") ? op_u64(ctx, "user_id") : ctx->sess.user_id;
    if (who != ctx->sess.user_id && ctx->sess.role != ROLE_DIRECTOR)
        return op_fail(ctx, PE_FORBIDDEN, "only directors may list other users' sessions");
    char uid[24];
    const char *params[1] = {opu_u64(uid, who)};
    PGresult *r = db_exec(ctx, sql_sessions, 1, params);
    if (!r)
        return -1;
    db_pack_items(ctx->pk, r, NULL);
    PQclear(r);
    return 0;
}

static int op_auth_revoke(struct op_ctx *ctx)
{
    const char *sid = op_text(ctx, "session_id");
    char target[40];
    snprintf(target, sizeof target, "session:%s", sid);
    op_audit(ctx, target, "revoke");
    bool own_current = op_u64(ctx, "session_id") == ctx->sess.session_id;
    const char *params[2] = {sid, "revoked"};
    PGresult *r = db_one(ctx, sql_revoke, 2, params, "no such session");
    if (!r)
        return -1;
    op_audit(ctx, target, "session of user:%s ended", db_get(r, 0, "user_id"));
    PQclear(r);
    if (own_current)
        ctx->sess_action = SESS_CLEAR;
    msgpack_pack_map(ctx->pk, 1);
    proto_kv_bool(ctx->pk, "ok", true);
    return 0;
}

/* ---- the rows of this area in the operation table (optable.c) ---- */

static const struct arg_spec hello_args[] = {
    {"version", ARG_U64, true, 1, 1000, NULL},
    {"client", ARG_STR, false, 0, 100, NULL},
    END_ARGS,
};

/* Login takes any non-empty password up to the maximum: a short one is just wrong. */
static const struct arg_spec login_args[] = {
    {"username", ARG_STR, true, 1, USERNAME_MAX, NULL},
    {"password", ARG_SECRET, true, 1, PASSWORD_MAX, NULL},
    {"client", ARG_STR, false, 0, 100, NULL},
    END_ARGS,
};

static const struct arg_spec resume_args[] = {
    {"token", ARG_STR, true, 64, 64, NULL},
    {"client", ARG_STR, false, 0, 100, NULL},
    END_ARGS,
};

static const struct arg_spec password_args[] = {
    {"old_password", ARG_SECRET, true, 1, PASSWORD_MAX, NULL},
    {"new_password", ARG_SECRET, true, PASSWORD_MIN, PASSWORD_MAX, NULL},
    END_ARGS,
};

static const struct arg_spec reauth_args[] = {
    {"password", ARG_SECRET, true, 1, PASSWORD_MAX, NULL},
    END_ARGS,
};

static const struct arg_spec sessions_args[] = {
    {"user_id", ARG_ID, false, 1, ID_MAX, NULL},
    END_ARGS,
};

static const struct arg_spec revoke_args[] = {
    {"session_id", ARG_ID, true, 1, ID_MAX, NULL},
    END_ARGS,
};

/* The session: hello, ping and meta.operations (answered by the loop), logging in and out,
 * sessions. */
static const struct op rows[] = {
    {"hello", NULL, ROLES_ALL, LOOP_NO_AUTH, hello_args,
     "Start a connection: agree on the protocol version (first message)"},
    {"ping", NULL, ROLES_ALL, LOOP_NO_AUTH, op_args_none, "Check that the server answers"},
    {"meta.operations", NULL, ROLES_ALL, OPF_LOOP | OPF_PW_PENDING, op_args_none,
     "List the operations you may call, with their arguments"},
    {"auth.login", op_auth_login, ROLES_ALL,
     OPF_HASHES | OPF_NO_AUTH | OPF_PW_PENDING | OPF_AUDITED, login_args,
     "Log in with user name and password; answers a session token"},
    {"auth.resume", op_auth_resume, ROLES_ALL, OPF_NO_AUTH | OPF_PW_PENDING | OPF_AUDITED,
     resume_args, "Continue an existing session on a new connection"},
    {"auth.logout", op_auth_logout, ROLES_ALL, OPF_PW_PENDING | MUT, op_args_none,
     "End the current session"},
    {"auth.whoami", op_auth_whoami, ROLES_ALL, OPF_PW_PENDING, op_args_none,
     "Show who you are logged in as and the session"},
    {"auth.password", op_auth_password, ROLES_ALL, OPF_HASHES | OPF_PW_PENDING | MUT, password_args,
     "Change your password (ends your other sessions)"},
    {"auth.reauth", op_auth_reauth, ROLES_ALL, OPF_HASHES | MUT, reauth_args,
     "Confirm your password again before sensitive operations"},
    {"auth.sessions", op_auth_sessions, ROLES_ALL, 0, sessions_args,
     "List your sessions (directors: anyone's with user_id)"},
    {"auth.revoke", op_auth_revoke, ROLES_ALL, MUT, revoke_args,
     "End one of your sessions (directors: anyone's)"},
};

OP_AREA(ops_session, "session", rows);
