/*
 * staff_users.c - changing staff accounts (directors): user.create, user.update,
 * user.deactivate (handing the leaver's clients over), user.unlock, user.reset_password.
 */
#include <stdio.h>
#include <string.h>

#include "auth.h"
#include "op_util.h"
#include "staff.h"

#define TEMP_PASSWORD_LEN 16

/* The live clients a user owns; the hand-over of all of them (sql/023). */
static const char sql_clients_owned[] = "SELECT count(*) AS n FROM agency.clients"
                                        " WHERE owner_id = $1::bigint AND archived_at IS NULL";
static const char sql_hand_over[] =
    "SELECT agency.clients_hand_over($1::bigint, $2::bigint, $3) AS n";
static const char sql_user_insert[] =
    "INSERT INTO agency.users (username, full_name, email, role, branch_id, team_id,"
    " approval_limit, approval_currency, must_change_password)"
    " VALUES ($1, $2, $3, $4, $5::bigint, $6::bigint, coalesce($7::bigint, 0),"
    " coalesce($8, 'EUR'), true) ON CONFLICT DO NOTHING RETURNING id";
static const char sql_set_password[] = "SELECT agency.set_password($1::bigint, $2, $3::boolean)";
static const char sql_user_state[] =
    "SELECT u.role, u.active, u.branch_id, u.team_id, u.version,"
    " (SELECT t.name FROM agency.teams t WHERE t.manager_id = u.id LIMIT 1) AS manages,"
    " (SELECT t.id FROM agency.teams t WHERE t.manager_id = u.id LIMIT 1) AS manages_id"
    " FROM agency.users u WHERE u.id = $1::bigint";
static const char sql_user_update[] =
    "UPDATE agency.users u SET full_name = coalesce($3, u.full_name),"
    " email = coalesce($4, u.email), role = coalesce($5, u.role),"
    " branch_id = coalesce($6::bigint, u.branch_id),"
    " team_id = CASE WHEN coalesce($5, u.role) IN ('director', 'finance') THEN NULL"
    "   WHEN $7::bigint IS NOT NULL THEN $7::bigint"
    "   WHEN $6::bigint IS NOT NULL AND $6::bigint <> u.branch_id THEN NULL"
    "   ELSE u.team_id END,"
    " approval_limit = coalesce($8::bigint, u.approval_limit),"
    " approval_currency = coalesce($9, u.approval_currency), version = u.version + 1"
    " WHERE u.id = $1::bigint AND u.version = $2::int RETURNING u.id";
static const char sql_user_deactivate[] =
    "UPDATE agency.users SET active = false, deactivated_at = now(), version = version + 1"
    " WHERE id = $1::bigint AND active RETURNING id";
static const char sql_revoke_all[] = "SELECT agency.session_revoke_others($1::bigint, 0, $2) AS n";
static const char sql_unlock[] = "SELECT agency.user_unlock($1::bigint) AS found";

/* Lower-case letters, digits, '.', '_' and '-' (length is checked by the schema). */
static bool username_chars_ok(const char *s)
{
    return s && strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789._-") == strlen(s);
}

static bool role_has_team(const char *role)
{
    return strcmp(role, "ae") == 0 || strcmp(role, "manager") == 0;
}

/* Reads the current state of user id (role, active, team managed...). NULL with not_found. */
static PGresult *user_state(struct op_ctx *ctx, const char *id)
{
    const char *params[1] = {id};
    return db_one(ctx, sql_user_state, 1, params, "no such user");
}

/* Ends every session of user id; the number ended, or -1. */
static long end_sessions(struct op_ctx *ctx, const char *id, const char *reason)
{
    const char *params[2] = {id, reason};
    return opu_one_n(ctx, sql_revoke_all, 2, params, "no such user");
}

int op_user_create(struct op_ctx *ctx)
{
    const char *username = op_text(ctx, "username");
    const char *role = op_text(ctx, "role");
    if (!username_chars_ok(username))
        return op_invalid(ctx, "username", "may only hold a-z, 0-9, '.', '_' and '-'");
    if (op_has(ctx, "team_id") && !role_has_team(role))
        return op_invalid(ctx, "team_id", "only AEs and managers belong to a team");
    const char *why = password_policy_check(op_text(ctx, "password"), username);
    if (why)
        return op_invalid(ctx, "password", why);
    char hash[PASSWORD_HASH_MAX];
    if (password_hash(op_text(ctx, "password"), hash) != 0)
        return op_fail(ctx, PE_INTERNAL, "internal error");
    const char *params[8] = {username,
                             op_text(ctx, "full_name"),
                             op_text(ctx, "email"),
                             role,
                             op_text(ctx, "branch_id"),
                             op_text(ctx, "team_id"),
                             op_text(ctx, "approval_limit"),
                             op_text(ctx, "approval_currency")};
    PGresult *r = opu_insert_one(ctx, sql_user_insert, 8, params, "username", "is already taken");
    if (!r)
        return -1;
    char id[24], target[40];
    snprintf(id, sizeof id, "%s", db_get(r, 0, "id"));
    PQclear(r);
    const char *pw[3] = {id, hash, "true"};
    if (opu_exec_count(ctx, sql_set_password, 3, pw) < 0)
        return -1;
    snprintf(target, sizeof target, "user:%s", id);
    op_audit(ctx, target, "username=%s role=%s branch=%s team=%s", username, role, params[4],
             params[5] ? params[5] : "-");
    return op_staff_pack_user(ctx, id);
}

/* The checks user.update needs beyond the schema, against the user's current state. */
static int update_check(struct op_ctx *ctx, const PGresult *cur)
{
    const char *role = op_text(ctx, "role");
    const char *cur_role = db_get(cur, 0, "role");
    const char *manages = db_get(cur, 0, "manages");
    bool role_changes = role && strcmp(role, cur_role) != 0;
    if (role_changes && op_u64(ctx, "id") == ctx->sess.user_id)
        return op_invalid(ctx, "role", "you cannot change your own role");
    if (manages && role_changes)
        return op_invalid(ctx, "role", "manages a team; give the team another manager first");
    if (manages && op_has(ctx, "branch_id") &&
        op_u64(ctx, "branch_id") != opu_parse_u64(db_get(cur, 0, "branch_id")))
        return op_invalid(ctx, "branch_id", "manages a team in the current branch");
    if (manages && op_has(ctx, "team_id") &&
        op_u64(ctx, "team_id") != opu_parse_u64(db_get(cur, 0, "manages_id")))
        return op_invalid(ctx, "team_id", "manages another team");
    if (op_has(ctx, "team_id") && !role_has_team(role ? role : cur_role))
        return op_invalid(ctx, "team_id", "only AEs and managers belong to a team");
    return 0;
}

/* Lists the fields user.update changes, for the audit detail. */
static void update_detail(struct op_ctx *ctx, char *out, size_t outlen)
{
    static const char *const fields[] = {"full_name",        "email",   "role",
                                         "branch_id",        "team_id", "approval_limit",
                                         "approval_currency"};
    size_t used = 0;
    out[0] = '\0';
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        if (!op_has(ctx, fields[i]))
            continue;
        bool show = i >= 2 && i <= 5; /* role, branch, team, limit values are not personal */
        int n = snprintf(out + used, outlen - used, "%s%s%s%s", used ? " " : "", fields[i],
                         show ? "=" : "", show ? op_text(ctx, fields[i]) : "");
        if (n < 0 || (size_t)n >= outlen - used)
            break;
        used += (size_t)n;
    }
}

int op_user_update(struct op_ctx *ctx)
{
    const char *id = op_text(ctx, "id");
    PGresult *cur = user_state(ctx, id);
    if (!cur)
        return -1;
    int rc = update_check(ctx, cur);
    PQclear(cur);
    if (rc < 0)
        return -1;
    const char *params[9] = {id,
                             op_text(ctx, "version"),
                             op_text(ctx, "full_name"),
                             op_text(ctx, "email"),
                             op_text(ctx, "role"),
                             op_text(ctx, "branch_id"),
                             op_text(ctx, "team_id"),
                             op_text(ctx, "approval_limit"),
                             op_text(ctx, "approval_currency")};
    long n = opu_exec_count(ctx, sql_user_update, 9, params);
    if (n < 0)
        return -1;
    if (n == 0)
        return op_fail(ctx, PE_CONFLICT,
                       "someone changed this user since you read it; read it again and retry");
    char target[40], detail[400];
    snprintf(target, sizeof target, "user:%s", id);
    update_detail(ctx, detail, sizeof detail);
    op_audit(ctx, target, "changed %s", detail[0] ? detail : "nothing");
    return op_staff_pack_user(ctx, id);
}

/* reassign_to must be another active user who can own clients. */
static int check_reassign(struct op_ctx *ctx, const char *id)
{
    const char *to = op_text(ctx, "reassign_to");
    if (!to)
        return 0;
    if (strcmp(to, id) == 0)
        return op_invalid(ctx, "reassign_to", "must be another user");
    PGresult *r = user_state(ctx, to);
    if (!r) {
        if (ctx->err != PE_NOT_FOUND)
            return -1;
        return op_invalid(ctx, "reassign_to", "no such user");
    }
    const char *why = !opu_true(r, 0, "active")                      ? "is deactivated"
                      : strcmp(db_get(r, 0, "role"), "finance") == 0 ? "cannot own clients"
                                                                     : NULL;
    PQclear(r);
    return why ? op_invalid(ctx, "reassign_to", why) : 0;
}

/* A leaver who owns live clients must name who takes them over (reassign_to). */
static int check_clients_taken_over(struct op_ctx *ctx, const char *id)
{
    if (op_has(ctx, "reassign_to"))
        return 0;
    const char *params[1] = {id};
    long n = opu_one_n(ctx, sql_clients_owned, 1, params, "no such user");
    if (n < 0)
        return -1;
    if (n == 0)
        return 0;
    char why[128];
    snprintf(why, sizeof why, "has %ld client%s; name who takes them over", n, n == 1 ? "" : "s");
    return op_invalid(ctx, "reassign_to", why);
}

int op_user_deactivate(struct op_ctx *ctx)
{
    const char *id = op_text(ctx, "id");
    if (op_u64(ctx, "id") == ctx->sess.user_id)
        return op_invalid(ctx, "id", "you cannot deactivate your own account");
    PGresult *cur = user_state(ctx, id);
    if (!cur)
        return -1;
    const char *why = !opu_true(cur, 0, "active") ? "is already deactivated"
                      : db_get(cur, 0, "manages")
                          ? "manages a team; give the team another manager first"
                          : NULL;
    PQclear(cur);
    if (why)
        return op_invalid(ctx, "id", why);
    if (check_reassign(ctx, id) < 0 || check_clients_taken_over(ctx, id) < 0)
        return -1;
    const char *params[1] = {id};
    long n = opu_exec_count(ctx, sql_user_deactivate, 1, params);
    if (n < 0)
        return -1;
    if (n == 0)
        return op_fail(ctx, PE_CONFLICT, "someone changed this user at the same time; retry");
    /* The user's live clients move to reassign_to in this same transaction. */
    const char *to = op_text(ctx, "reassign_to");
    char reason[64];
    snprintf(reason, sizeof reason, "hand-over: user %s deactivated", id);
    const char *p_hand[3] = {id, to, reason};
    long moved = to ? opu_one_n(ctx, sql_hand_over, 3, p_hand, "no such user") : 0;
    if (moved < 0)
        return -1;
    long ended = end_sessions(ctx, id, "deactivated");
    if (ended < 0)
        return -1;
    char target[40];
    snprintf(target, sizeof target, "user:%s", id);
    op_audit(ctx, target, "deactivated; sessions ended=%ld reassign_to=%s clients moved=%ld", ended,
             to ? to : "-", moved);
    msgpack_pack_map(ctx->pk, 4);
    proto_kv_bool(ctx->pk, "ok", true);
    proto_kv_u64(ctx->pk, "id", op_u64(ctx, "id"));
    proto_kv_u64(ctx->pk, "sessions_ended", (uint64_t)ended);
    proto_kv_u64(ctx->pk, "clients_reassigned", (uint64_t)moved);
    return 0;
}

int op_user_unlock(struct op_ctx *ctx)
{
    const char *id = op_text(ctx, "id");
    const char *params[1] = {id};
    PGresult *r = db_one(ctx, sql_unlock, 1, params, "no such user");
    if (!r)
        return -1;
    bool found = opu_true(r, 0, "found");
    PQclear(r);
    if (!found)
        return op_fail(ctx, PE_NOT_FOUND, "no such user");
    char target[40];
    snprintf(target, sizeof target, "user:%s", id);
    op_audit(ctx, target, "lockout cleared");
    msgpack_pack_map(ctx->pk, 1);
    proto_kv_bool(ctx->pk, "ok", true);
    return 0;
}

int op_user_reset_password(struct op_ctx *ctx)
{
    const char *id = op_text(ctx, "id");
    if (op_u64(ctx, "id") == ctx->sess.user_id)
        return op_invalid(ctx, "id", "use auth.password to change your own password");
    PGresult *cur = user_state(ctx, id);
    if (!cur)
        return -1;
    bool active = opu_true(cur, 0, "active");
    PQclear(cur);
    if (!active)
        return op_invalid(ctx, "id", "is deactivated");
    char temp[TEMP_PASSWORD_LEN + 1], hash[PASSWORD_HASH_MAX];
    if (password_generate(temp, sizeof temp, TEMP_PASSWORD_LEN) != 0 ||
        password_hash(temp, hash) != 0)
        return op_fail(ctx, PE_INTERNAL, "internal error");
    const char *pw[3] = {id, hash, "true"};
    if (opu_exec_count(ctx, sql_set_password, 3, pw) < 0)
        return -1;
    long ended = end_sessions(ctx, id, "password reset");
    if (ended < 0)
        return -1;
    char target[40];
    snprintf(target, sizeof target, "user:%s", id);
    op_audit(ctx, target, "one-time password issued; sessions ended=%ld", ended);
    msgpack_pack_map(ctx->pk, 3);
    proto_kv_str(ctx->pk, "temporary_password", temp);
    proto_kv_bool(ctx->pk, "must_change_password", true);
    proto_kv_u64(ctx->pk, "sessions_ended", (uint64_t)ended);
    return 0;
}
