/*
 * activity_report.c - report.activity: per person, the activities logged in a period,
 * follow-ups done and missed, clients touched and meeting minutes logged late (sql/032). A
 * manager's report covers their team, a director's everyone (report_people() in the database);
 * a team or person outside that is not found.
 */
#include <stdio.h>

#include "op_schema.h"
#include "op_util.h"

#define REPORT_DAYS_MAX 366

/* $1 since, $2 until (dates), $3 team, $4 user: each column true when that check passes. */
static const char sql_report_check[] =
    "SELECT $2::date >= $1::date AS ordered, $2::date - $1::date < $5::int AS short,"
    " ($3::bigint IS NULL OR EXISTS (SELECT 1 FROM agency.teams t WHERE t.id = $3::bigint))"
    "   AS team_exists,"
    " ($3::bigint IS NULL OR agency.is_director() OR EXISTS (SELECT 1 FROM agency.teams t"
    "   WHERE t.id = $3::bigint AND t.manager_id = agency.current_user_id())) AS team_visible,"
    " ($4::bigint IS NULL OR EXISTS (SELECT 1 FROM agency.users u WHERE u.id = $4::bigint))"
    "   AS user_exists,"
    " ($4::bigint IS NULL OR EXISTS (SELECT 1 FROM agency.report_people(NULL, $4::bigint)))"
    "   AS user_visible";

static const char sql_report[] =
    "SELECT r.user_id AS \"user.id\", r.full_name AS \"user.full_name\", r.team_id AS \"team.id\","
    " r.team_name AS \"team.name\", r.calls, r.meetings, r.visits, r.emails, r.notes,"
    " r.followups_done, r.followups_overdue, r.clients_touched, r.minutes_late"
    " FROM agency.activity_report($1::date, $2::date, $3::bigint, $4::bigint) r";

/* The period is ordered and at most REPORT_DAYS_MAX days; team and user exist and are in the
 * caller's reach. 0, or -1 with ctx->err set. */
static int report_check(struct op_ctx *ctx, const char *const params[4])
{
    char days[24];
    const char *p[5] = {params[0], params[1], params[2], params[3], opu_u64(days, REPORT_DAYS_MAX)};
    PGresult *r = db_one(ctx, sql_report_check, 5, p, "no such period");
    if (!r)
        return -1;
    bool ordered = opu_true(r, 0, "ordered"), short_span = opu_true(r, 0, "short");
    bool team_exists = opu_true(r, 0, "team_exists"), team_visible = opu_true(r, 0, "team_visible");
    bool user_exists = opu_true(r, 0, "user_exists"), user_visible = opu_true(r, 0, "user_visible");
    PQclear(r);
    if (!ordered)
        return op_invalid(ctx, "until", "is before since");
    if (!short_span)
        return op_invalid(ctx, "until", "makes a period longer than 366 days");
    if (!team_exists)
        return op_invalid(ctx, "team_id", "names no team");
    if (!user_exists)
        return op_invalid(ctx, "user_id", "names no user");
    if (!team_visible)
        return opu_not_found(ctx, "team", params[2]);
    if (!user_visible)
        return opu_not_found(ctx, "user", params[3]);
    return 0;
}

static int op_report_activity(struct op_ctx *ctx)
{
    const char *params[4] = {op_text(ctx, "since"), op_text(ctx, "until"), op_text(ctx, "team_id"),
                             op_text(ctx, "user_id")};
    if (report_check(ctx, params) < 0)
        return -1;
    PGresult *r = db_exec(ctx, sql_report, 4, params);
    if (!r)
        return -1;
    msgpack_pack_map(ctx->pk, 3);
    proto_kv_str(ctx->pk, "since", params[0]);
    proto_kv_str(ctx->pk, "until", params[1]);
    proto_pack_cstr(ctx->pk, "items");
    msgpack_pack_array(ctx->pk, (uint32_t)PQntuples(r));
    for (int i = 0; i < PQntuples(r); i++)
        opu_pack_row_present(ctx->pk, r, i);
    PQclear(r);
    return 0;
}

/* ---- the rows of this area in the operation table (optable.c) ---- */

static const struct arg_spec report_activity_args[] = {
    {"since", ARG_DATE, true, 0, 0, NULL},
    {"until", ARG_DATE, true, 0, 0, NULL},
    {"team_id", ARG_ID, false, 1, ID_MAX, NULL},
    {"user_id", ARG_ID, false, 1, ID_MAX, NULL},
    END_ARGS,
};

/* Managers (their team) and directors (everyone). */
static const struct op rows[] = {
    {"report.activity", op_report_activity, ROLE_MANAGER | ROLE_DIRECTOR, 0, report_activity_args,
     "Team activity per person: calls, meetings, visits, e-mails, notes, follow-ups, late minutes"},
};

OP_AREA(ops_activity_report, "activity_report", rows);
