/*
 * activity.c - the activity log and follow-ups: activity.log, activity.list,
 * activity.done (the agenda, which gathers open follow-ups among other things: agenda.c).
 * Activities follow their client's scope and finance sees none (row-level security); an activity or
 * client outside the scope is not found.
 */
#include <stdio.h>
#include <string.h>

#include "op_schema.h"
#include "op_util.h"

#define ACTIVITY_COLUMNS                                                                           \
    " a.id, a.client_id, c.name AS client_name, a.kind, a.summary, a.details, a.occurred_at,"      \
    " u.id AS \"user.id\", u.full_name AS \"user.full_name\", a.next_action, a.next_due,"          \
    " a.done_at, a.version"
#define ACTIVITY_FROM                                                                              \
    " FROM agency.activities a JOIN agency.clients c ON c.id = a.client_id"                        \
    " JOIN agency.users u ON u.id = a.user_id"

static const char sql_activity_get[] =
    "SELECT" ACTIVITY_COLUMNS ACTIVITY_FROM " WHERE a.id = $1::bigint";
static const char sql_when_check[] =
    "SELECT $1::timestamptz > now() + interval '1 day' AS future,"
    " $1::timestamptz < TIMESTAMPTZ '2000-01-01 00:00:00+00' AS ancient";
/* Inserts nothing when the client is not visible. */
static const char sql_activity_insert[] =
    "INSERT INTO agency.activities (client_id, user_id, kind, summary, details, occurred_at,"
    " next_action, next_due)"
    " SELECT c.id, agency.current_user_id(), $2, $3, nullif($4, ''),"
    " coalesce($5::timestamptz, now()), nullif($6, ''), $7::date"
    " FROM agency.clients c WHERE c.id = $1::bigint RETURNING id";
/* Newest first; after the cursor's activity ($8) in (occurred_at, id) descending order. */
static const char sql_activity_list[] =
    "SELECT" ACTIVITY_COLUMNS ", 'a,' || a.id AS _cursor" ACTIVITY_FROM
    " WHERE ($1::bigint IS NULL OR a.client_id = $1::bigint)"
    " AND ($2::bigint IS NULL OR a.user_id = $2::bigint)"
    " AND ($3::date IS NULL OR a.occurred_at >= $3::date::timestamp AT TIME ZONE 'UTC')"
    " AND ($4::date IS NULL OR a.occurred_at < ($4::date + 1)::timestamp AT TIME ZONE 'UTC')"
    " AND ($5::text IS NULL OR a.kind = $5)"
    " AND ($6::boolean IS NULL OR (a.next_action IS NOT NULL AND a.done_at IS NULL) = $6::boolean)"
    " AND ($8::bigint IS NULL OR (a.occurred_at, a.id) < (SELECT x.occurred_at, x.id"
    "   FROM agency.activities x WHERE x.id = $8::bigint))"
    " ORDER BY a.occurred_at DESC, a.id DESC LIMIT $7::int";
static const char sql_activity_done[] =
    "UPDATE agency.activities SET done_at = now(), done_by = agency.current_user_id(),"
    " version = version + 1"
    " WHERE id = $1::bigint AND next_action IS NOT NULL AND done_at IS NULL RETURNING id";
static const char sql_activity_state[] =
    "SELECT next_action IS NOT NULL AS follow_up, done_at IS NOT NULL AS done"
    " FROM agency.activities WHERE id = $1::bigint";
/* Packs activity id as the activity operations answer it. */
static int pack_activity(struct op_ctx *ctx, const char *id)
{
    return opu_pack_one(ctx, sql_activity_get, "activity", id);
}

/* occurred_at, when given, lies between 2000 and a day from now; a due date needs an action. */
static int check_log_args(struct op_ctx *ctx)
{
    const char *next_action = op_text(ctx, "next_action");
    if (op_has(ctx, "next_due") && (!next_action || !next_action[0]))
        return op_invalid(ctx, "next_action", "is required with next_due (what is to be done)");
    const char *when = op_text(ctx, "occurred_at");
    if (!when)
        return 0;
    const char *params[1] = {when};
    PGresult *r = db_one(ctx, sql_when_check, 1, params, "no such time");
    if (!r)
        return -1;
    const char *why = opu_true(r, 0, "future")    ? "is more than a day in the future"
                      : opu_true(r, 0, "ancient") ? "is before 2000"
                                                  : NULL;
    PQclear(r);
    return why ? op_invalid(ctx, "occurred_at", why) : 0;
}

static int op_activity_log(struct op_ctx *ctx)
{
    const char *client = op_text(ctx, "client_id");
    if (check_log_args(ctx) < 0)
        return -1;
    const char *params[7] = {client,
                             op_text(ctx, "kind"),
                             op_text(ctx, "summary"),
                             op_text(ctx, "details"),
                             op_text(ctx, "occurred_at"),
                             op_text(ctx, "next_action"),
                             op_text(ctx, "next_due")};
    char id[24], target[40];
    if (opu_insert_under_client(ctx, sql_activity_insert, 7, params, id) < 0)
        return -1;
    snprintf(target, sizeof target, "activity:%s", id);
    op_audit(ctx, target, "%s logged for client %s%s%s", params[1], client,
             params[6] ? " follow-up due " : "", params[6] ? params[6] : "");
    return pack_activity(ctx, id);
}

static int op_activity_list(struct op_ctx *ctx)
{
    const char *client = op_text(ctx, "client_id");
    if (client && opu_client_visible(ctx, client) < 0)
        return -1;
    char c0[24], lim[24];
    int ncur = opu_cursor_one(ctx, 'a', c0);
    if (ncur < 0)
        return -1;
    int limit = opu_limit(ctx);
    const char *params[8] = {client,
                             op_text(ctx, "user_id"),
                             op_text(ctx, "since"),
                             op_text(ctx, "until"),
                             op_text(ctx, "kind"),
                             op_text(ctx, "open"),
                             opu_u64(lim, (uint64_t)limit + 1),
                             ncur ? c0 : NULL};
    PGresult *r = db_exec(ctx, sql_activity_list, 8, params);
    if (!r)
        return -1;
    opu_pack_keyset_page(ctx->pk, r, limit);
    PQclear(r);
    return 0;
}

static int op_activity_done(struct op_ctx *ctx)
{
    const char *id = op_text(ctx, "id");
    const char *params[1] = {id};
    long n = opu_exec_count(ctx, sql_activity_done, 1, params);
    if (n < 0)
        return -1;
    if (n == 0) {
        PGresult *r = db_exec(ctx, sql_activity_state, 1, params);
        if (!r)
            return -1;
        bool found = PQntuples(r) > 0, follow_up = found && opu_true(r, 0, "follow_up");
        PQclear(r);
        if (!found)
            return opu_not_found(ctx, "activity", id);
        if (!follow_up)
            return op_invalid(ctx, "id", "has no follow-up to mark done");
        return pack_activity(ctx, id); /* done already: the state asked for holds (idempotent) */
    }
    char target[40];
    snprintf(target, sizeof target, "activity:%s", id);
    op_audit(ctx, target, "follow-up done");
    return pack_activity(ctx, id);
}

/* ---- the rows of this area in the operation table (optable.c) ---- */

static const char *const kind_choices[] = {"call", "email", "meeting", "visit", "note", NULL};

static const struct arg_spec activity_log_args[] = {
    {"client_id", ARG_ID, true, 1, ID_MAX, NULL},
    {"kind", ARG_ENUM, true, 0, 0, kind_choices},
    {"summary", ARG_STR, true, 1, SUMMARY_MAX, NULL},
    {"details", ARG_TEXT, false, 0, TEXT_MAX, NULL},
    {"occurred_at", ARG_TIMESTAMP, false, 0, 0, NULL},
    {"next_action", ARG_STR, false, 0, SUMMARY_MAX, NULL},
    {"next_due", ARG_DATE, false, 0, 0, NULL},
    END_ARGS,
};

static const struct arg_spec activity_list_args[] = {
    {"client_id", ARG_ID, false, 1, ID_MAX, NULL},
    {"user_id", ARG_ID, false, 1, ID_MAX, NULL},
    {"since", ARG_DATE, false, 0, 0, NULL},
    {"until", ARG_DATE, false, 0, 0, NULL},
    {"kind", ARG_ENUM, false, 0, 0, kind_choices},
    {"open", ARG_BOOL, false, 0, 0, NULL},
    {"limit", ARG_U64, false, 1, LIST_LIMIT_MAX, NULL},
    {"cursor", ARG_STR, false, 1, CURSOR_MAX, NULL},
    END_ARGS,
};

/* The activity log: the client's scope, never finance. */
static const struct op rows[] = {
    {"activity.log", op_activity_log, ROLES_STAFF, MUT, activity_log_args,
     "Log a call, e-mail, meeting, visit or note, with its follow-up"},
    {"activity.list", op_activity_list, ROLES_STAFF, 0, activity_list_args,
     "List logged activities, newest first"},
    {"activity.done", op_activity_done, ROLES_STAFF, MUT, op_args_id, "Mark a follow-up done"},
};

OP_AREA(ops_activity, "activity", rows);
