/*
 * work_jobs.c - job cards: job.open (under a campaign, with the meeting's minutes), .get,
 * .minutes, .task (assigned, pushed as task.assigned), .task_done, .close (every task done, or a
 * reason; sql/043's guard), .list. A task's assignee sees it, and its job, whoever owns the
 * client.
 */
#include <stdio.h>
#include <string.h>

#include "work.h"

#define JOB_COLUMNS                                                                                \
    " j.id, j.campaign_id, k.name AS campaign_name, j.client_id, c.name AS client_name, j.title,"  \
    " j.meeting_at, j.minutes, j.minutes_at, j.minutes_late, j.due_on, j.status, j.closed_at,"     \
    " j.closed_by, j.close_reason, j.created_at, j.created_by, j.version,"                         \
    " (SELECT count(*) FROM agency.job_tasks t WHERE t.job_id = j.id AND t.done_at IS NULL)"       \
    "   AS tasks_open,"                                                                            \
    " (SELECT count(*) FROM agency.job_tasks t WHERE t.job_id = j.id AND t.done_at IS NOT NULL)"   \
    "   AS tasks_done"
#define JOB_FROM                                                                                   \
    " FROM agency.jobs j LEFT JOIN agency.campaigns k ON k.id = j.campaign_id"                     \
    " LEFT JOIN agency.clients c ON c.id = j.client_id"

static const char sql_job_get[] = "SELECT" JOB_COLUMNS JOB_FROM " WHERE j.id = $1::bigint";
static const char sql_tasks[] =
    "SELECT t.id, t.title, u.id AS \"assignee.id\", u.full_name AS \"assignee.full_name\","
    " t.due_on, t.done_at IS NULL AND t.due_on < (SELECT agency.today()) AS overdue, t.done_at, "
    "t.done_by"
    " FROM agency.job_tasks t JOIN agency.users u ON u.id = t.assignee_id"
    " WHERE t.job_id = $1::bigint ORDER BY t.due_on, t.id";
static const char sql_campaign_open[] = "SELECT status IN ('closed', 'cancelled') AS closed FROM "
                                        "agency.campaigns WHERE id = $1::bigint";
static const char sql_job_insert[] =
    "INSERT INTO agency.jobs (campaign_id, client_id, title, meeting_at, minutes, minutes_at,"
    " due_on, created_by)"
    " SELECT k.id, k.client_id, $2, $3::timestamptz, nullif($4, ''),"
    " CASE WHEN nullif($4, '') IS NOT NULL THEN agency.now() END, $5::date,"
    " agency.current_user_id() FROM agency.campaigns k WHERE k.id = $1::bigint RETURNING id";
static const char sql_job_minutes[] =
    "UPDATE agency.jobs SET minutes = $2, minutes_at = coalesce(minutes_at, agency.now()),"
    " meeting_at = coalesce($3::timestamptz, meeting_at), version = version + 1"
    " WHERE id = $1::bigint RETURNING id";
static const char sql_job_status[] =
    "SELECT status = 'open' AS open FROM agency.jobs WHERE id = $1::bigint";
static const char sql_assignee[] =
    "SELECT count(*) AS n FROM agency.users WHERE id = $1::bigint AND active AND role <> 'finance'";
static const char sql_task_insert[] =
    "WITH t AS (INSERT INTO agency.job_tasks (job_id, client_id, title, assignee_id, due_on,"
    "   created_by)"
    " SELECT j.id, j.client_id, $2, $3::bigint, $4::date, agency.current_user_id()"
    " FROM agency.jobs j WHERE j.id = $1::bigint RETURNING id, job_id, client_id, title, due_on)"
    " SELECT t.id, agency.push($3::bigint, 'task.assigned', jsonb_build_object('task_id', t.id,"
    "   'job_id', t.job_id, 'client_id', t.client_id, 'title', t.title, 'due_on', t.due_on,"
    "   'by', agency.current_user_id()))::text AS _pushed FROM t";
static const char sql_task_done[] =
    "UPDATE agency.job_tasks t SET done_at = agency.now(), done_by = agency.current_user_id()"
    " FROM agency.jobs j WHERE t.id = $1::bigint AND j.id = t.job_id AND j.status = 'open'"
    " AND t.done_at IS NULL RETURNING t.job_id";
static const char sql_task_state[] =
    "SELECT t.done_at IS NOT NULL AS done FROM agency.job_tasks t WHERE t.id = $1::bigint";
static const char sql_job_close[] =
    "UPDATE agency.jobs SET status = 'closed', closed_at = agency.now(),"
    " closed_by = agency.current_user_id(), close_reason = nullif(btrim($2), ''),"
    " version = version + 1 WHERE id = $1::bigint RETURNING id";
static const char sql_job_list[] =
    "SELECT" JOB_COLUMNS ", 'J,' || j.id AS _cursor" JOB_FROM
    " WHERE ($1::bigint IS NULL OR j.campaign_id = $1::bigint)"
    " AND ($2::bigint IS NULL OR j.client_id = $2::bigint) AND ($3::text IS NULL OR j.status = $3)"
    " AND ($4::bigint IS NULL OR EXISTS (SELECT 1 FROM agency.job_tasks t WHERE t.job_id = j.id"
    "   AND t.assignee_id = $4::bigint AND t.done_at IS NULL))"
    " AND ($5::bigint IS NULL OR j.id < $5::bigint) ORDER BY j.id DESC LIMIT $6::int";

/* Packs job id with its tasks. */
static int pack_job(struct op_ctx *ctx, const char *id)
{
    const char *params[1] = {id};
    PGresult *j = db_exec(ctx, sql_job_get, 1, params);
    if (!j)
        return -1;
    if (PQntuples(j) == 0) {
        PQclear(j);
        return opu_not_found(ctx, "job", id);
    }
    PGresult *t = db_exec(ctx, sql_tasks, 1, params);
    if (!t) {
        PQclear(j);
        return -1;
    }
    work_pack_with_lines(ctx, j, "tasks", t);
    return 0;
}

/* Runs a one-row boolean check (column 0) on id: 1 true, 0 false, 2 no row, -1 error. */
static int check_one(struct op_ctx *ctx, const char *sql, const char *id)
{
    const char *params[1] = {id};
    PGresult *r = db_exec(ctx, sql, 1, params);
    if (!r)
        return -1;
    int v = PQntuples(r) == 0 ? 2 : strcmp(PQgetvalue(r, 0, 0), "t") == 0;
    PQclear(r);
    return v;
}

int work_job_open(struct op_ctx *ctx)
{
    const char *campaign = op_text(ctx, "campaign_id");
    int closed = check_one(ctx, sql_campaign_open, campaign);
    if (closed < 0)
        return -1;
    if (closed == 2)
        return opu_not_found(ctx, "campaign", campaign);
    if (closed)
        return op_invalid(ctx, "campaign_id", "the campaign is closed");
    const char *params[5] = {campaign, op_text(ctx, "title"), op_text(ctx, "meeting_at"),
                             op_text(ctx, "minutes"), op_text(ctx, "due_on")};
    PGresult *r = db_one(ctx, sql_job_insert, 5, params, "no such campaign");
    if (!r)
        return -1;
    char id[24];
    snprintf(id, sizeof id, "%s", db_get(r, 0, "id"));
    PQclear(r);
    work_audit(ctx, "job", id, "opened for campaign %s", campaign);
    return pack_job(ctx, id);
}

int work_job_get(struct op_ctx *ctx)
{
    return pack_job(ctx, op_text(ctx, "id"));
}

int work_job_minutes(struct op_ctx *ctx)
{
    const char *id = op_text(ctx, "id");
    const char *params[3] = {id, op_text(ctx, "minutes"), op_text(ctx, "meeting_at")};
    long n = opu_exec_count(ctx, sql_job_minutes, 3, params);
    if (n < 0)
        return -1;
    if (n == 0)
        return opu_not_found(ctx, "job", id);
    work_audit(ctx, "job", id, "minutes logged");
    return pack_job(ctx, id);
}

int work_job_task(struct op_ctx *ctx)
{
    const char *job = op_text(ctx, "job_id"), *assignee = op_text(ctx, "assignee_id");
    int open = check_one(ctx, sql_job_status, job);
    if (open < 0)
        return -1;
    if (open == 2)
        return opu_not_found(ctx, "job", job);
    if (!open)
        return op_invalid(ctx, "job_id", "the job is closed");
    const char *a[1] = {assignee};
    long n = opu_one_n(ctx, sql_assignee, 1, a, "no such user");
    if (n < 0)
        return -1;
    if (n == 0)
        return op_invalid(ctx, "assignee_id", "not an active member of the account staff");
    const char *params[4] = {job, op_text(ctx, "title"), assignee, op_text(ctx, "due_on")};
    PGresult *r = db_one(ctx, sql_task_insert, 4, params, "no such job");
    if (!r)
        return -1;
    char task[24];
    snprintf(task, sizeof task, "%s", db_get(r, 0, "id"));
    PQclear(r);
    work_audit(ctx, "job", job, "task %s for user %s", task, assignee);
    return pack_job(ctx, job);
}

int work_job_task_done(struct op_ctx *ctx)
{
    const char *task = op_text(ctx, "task_id");
    const char *params[1] = {task};
    PGresult *r = db_exec(ctx, sql_task_done, 1, params);
    if (!r)
        return -1;
    char job[24] = "";
    if (PQntuples(r) == 1)
        snprintf(job, sizeof job, "%s", db_get(r, 0, "job_id"));
    PQclear(r);
    if (!job[0]) {
        int done = check_one(ctx, sql_task_state, task);
        if (done < 0)
            return -1;
        if (done == 2)
            return opu_not_found(ctx, "task", task);
        return op_invalid(ctx, "task_id", done ? "the task is already done" : "the job is closed");
    }
    work_audit(ctx, "task", task, "done (job %s)", job);
    return pack_job(ctx, job);
}

int work_job_close(struct op_ctx *ctx)
{
    const char *id = op_text(ctx, "id"), *reason = op_text(ctx, "reason");
    const char *params[2] = {id, reason};
    long n = opu_exec_count(ctx, sql_job_close, 2, params);
    if (n < 0)
        return -1;
    if (n == 0)
        return opu_not_found(ctx, "job", id);
    work_audit(ctx, "job", id, "closed%s%s", reason ? ": " : "", reason ? reason : "");
    return pack_job(ctx, id);
}

int work_job_list(struct op_ctx *ctx)
{
    const char *client = op_text(ctx, "client_id");
    if (client && opu_client_visible(ctx, client) < 0)
        return -1;
    char c0[24], lim[24];
    int ncur = opu_cursor_one(ctx, 'J', c0);
    if (ncur < 0)
        return -1;
    int limit = opu_limit(ctx);
    const char *params[6] = {
        op_text(ctx, "campaign_id"), client,           op_text(ctx, "status"),
        op_text(ctx, "assignee_id"), ncur ? c0 : NULL, opu_u64(lim, (uint64_t)limit + 1)};
    PGresult *r = db_exec(ctx, sql_job_list, 6, params);
    if (!r)
        return -1;
    opu_pack_keyset_page(ctx->pk, r, limit);
    PQclear(r);
    return 0;
}
