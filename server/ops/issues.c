/*
 * issues.c - client issues: issue.open, issue.get, issue.list, issue.assign, issue.transition,
 * issue.escalate. The flow, the response targets and the escalation rules live in the database
 * (sql/050_issues.sql); an issue follows its client's scope and finance sees none.
 */
#include <stdio.h>
#include <string.h>

#include "op_schema.h"
#include "op_util.h"

#define ISSUE_COLUMNS                                                                              \
    " i.id, i.client_id, c.name AS client_name, i.category, i.severity, i.channel, i.summary,"     \
    " i.details, i.status, i.assignee_id, a.full_name AS assignee_name, i.opened_by,"              \
    " o.full_name AS opened_by_name, i.opened_at, i.respond_by, i.responded_at,"                   \
    " (i.status = 'received' AND i.respond_by <= agency.now()) AS overdue, i.escalation_level,"    \
    " i.escalated_at, i.root_cause, i.prevention, i.resolved_at, i.closed_at, i.version"
#define ISSUE_FROM                                                                                 \
    " FROM agency.issues i JOIN agency.clients c ON c.id = i.client_id"                            \
    " JOIN agency.users a ON a.id = i.assignee_id JOIN agency.users o ON o.id = i.opened_by"

static const char sql_issue_get[] = "SELECT" ISSUE_COLUMNS ISSUE_FROM " WHERE i.id = $1::bigint";
static const char sql_issue_history[] =
    "SELECT h.at, h.by_user, u.full_name AS by_name, h.from_status, h.to_status,"
    " h.assignee_id, a.full_name AS assignee_name, h.note"
    " FROM agency.issue_history h JOIN agency.users u ON u.id = h.by_user"
    " LEFT JOIN agency.users a ON a.id = h.assignee_id"
    " WHERE h.issue_id = $1::bigint ORDER BY h.id";
static const char sql_issue_escalations[] =
    "SELECT e.level, e.at, e.by_user, u.full_name AS by_name, e.reason,"
    " array_to_string(ARRAY(SELECT r.full_name FROM agency.users r WHERE r.id = ANY (e.reached)"
    " ORDER BY r.id), ', ') AS reached"
    " FROM agency.issue_escalations e LEFT JOIN agency.users u ON u.id = e.by_user"
    " WHERE e.issue_id = $1::bigint ORDER BY e.level";
static const char sql_issue_open[] =
    "SELECT n AS id FROM agency.issue_open($1::bigint, $2, $3, $4, $5, $6) n";
/* Newest first; after the cursor's issue ($9). */
static const char sql_issue_list[] =
    "SELECT" ISSUE_COLUMNS ", 'i,' || i.id AS _cursor" ISSUE_FROM
    " WHERE ($1::text IS NULL OR i.status = $1)"
    " AND ($2::bigint IS NULL OR i.client_id = $2::bigint)"
    " AND ($3::bigint IS NULL OR i.assignee_id = $3::bigint)"
    " AND ($4::boolean IS NULL OR (i.status = 'received' AND i.respond_by <= agency.now())"
    "   = $4::boolean)"
    " AND ($5::text IS NULL OR i.severity = $5)"
    " AND ($6::boolean IS NULL OR (i.status <> 'closed') = $6::boolean)"
    " AND ($7::boolean IS NULL OR (i.escalation_level > 0) = $7::boolean)"
    " AND ($9::bigint IS NULL OR i.id < $9::bigint)"
    " ORDER BY i.id DESC LIMIT $8::int";
static const char sql_issue_assign[] =
    "SELECT p AS previous FROM agency.issue_assign($1::bigint, $2::bigint) p";
static const char sql_issue_transition[] =
    "SELECT p AS previous FROM agency.issue_transition($1::bigint, $2, $3, $4, $5) p";
static const char sql_issue_lock[] =
    "SELECT status, escalation_level FROM agency.issues WHERE id = $1::bigint FOR UPDATE";
static const char sql_issue_raise[] =
    "SELECT agency.issue_raise($1::bigint, $2::int, agency.current_user_id(), $3) AS level";

/* Packs the issue's row r (one row) as a map with its history and escalations added. */
static int pack_issue_full(struct op_ctx *ctx, const PGresult *r, const char *id)
{
    const char *params[1] = {id};
    PGresult *h = db_exec(ctx, sql_issue_history, 1, params);
    if (!h)
        return -1;
    PGresult *e = db_exec(ctx, sql_issue_escalations, 1, params);
    if (!e) {
        PQclear(h);
        return -1;
    }
    int cols = PQnfields(r);
    uint32_t n = 2;
    for (int k = 0; k < cols; k++)
        n += PQfname(r, k)[0] != '_';
    msgpack_pack_map(ctx->pk, n);
    for (int k = 0; k < cols; k++) {
        if (PQfname(r, k)[0] == '_')
            continue;
        proto_pack_cstr(ctx->pk, PQfname(r, k));
        db_pack_value(ctx->pk, r, 0, k);
    }
    const PGresult *parts[2] = {h, e};
    static const char *const keys[2] = {"history", "escalations"};
    for (int p = 0; p < 2; p++) {
        proto_pack_cstr(ctx->pk, keys[p]);
        msgpack_pack_array(ctx->pk, (uint32_t)PQntuples(parts[p]));
        for (int i = 0; i < PQntuples(parts[p]); i++)
            opu_pack_row_present(ctx->pk, parts[p], i);
    }
    PQclear(h);
    PQclear(e);
    return 0;
}

/* Answers issue id (decimal text) as issue.get does; not_found when it is not visible. */
static int pack_issue(struct op_ctx *ctx, const char *id)
{
    const char *params[1] = {id};
    PGresult *r = db_exec(ctx, sql_issue_get, 1, params);
    if (!r)
        return -1;
    if (PQntuples(r) == 0) {
        PQclear(r);
        return opu_not_found(ctx, "issue", id);
    }
    int rc = pack_issue_full(ctx, r, id);
    PQclear(r);
    return rc;
}

/* Runs a rule function answering one row (the previous value) or none when issue id is not
 * visible; copies that value into prev. 0, or -1 with ctx->err set. */
static int run_rule(struct op_ctx *ctx, const char *sql, int nparams, const char *const *params,
                    char *prev, size_t prev_len)
{
    PGresult *r = db_exec(ctx, sql, nparams, params);
    if (!r)
        return -1;
    bool found = PQntuples(r) > 0;
    if (found)
        snprintf(prev, prev_len, "%s", db_get(r, 0, "previous") ? db_get(r, 0, "previous") : "");
    PQclear(r);
    return found ? 0 : opu_not_found(ctx, "issue", params[0]);
}

static int op_issue_open(struct op_ctx *ctx)
{
    const char *params[6] = {op_text(ctx, "client_id"), op_text(ctx, "category"),
                             op_text(ctx, "severity"),  op_text(ctx, "channel"),
                             op_text(ctx, "summary"),   op_text(ctx, "details")};
    char id[24], target[40];
    PGresult *r = db_exec(ctx, sql_issue_open, 6, params);
    if (!r)
        return -1;
    bool opened = PQntuples(r) > 0;
    if (opened)
        snprintf(id, sizeof id, "%s", db_get(r, 0, "id"));
    PQclear(r);
    if (!opened) /* not visible (not_found), or archived */
        return opu_client_visible(ctx, params[0]) < 0
                   ? -1
                   : op_invalid(ctx, "client_id", "is archived (open issues on live clients)");
    snprintf(target, sizeof target, "issue:%s", id);
    op_audit(ctx, target, "opened %s %s for client %s", params[2], params[1], params[0]);
    return pack_issue(ctx, id);
}

static int op_issue_get(struct op_ctx *ctx)
{
    return pack_issue(ctx, op_text(ctx, "id"));
}

static int op_issue_list(struct op_ctx *ctx)
{
    const char *client = op_text(ctx, "client_id");
    if (client && opu_client_visible(ctx, client) < 0)
        return -1;
    char c0[24], lim[24];
    int ncur = opu_cursor_one(ctx, 'i', c0);
    if (ncur < 0)
        return -1;
    int limit = opu_limit(ctx);
    const char *params[9] = {op_text(ctx, "status"),
                             client,
                             op_text(ctx, "assignee_id"),
                             op_text(ctx, "overdue"),
                             op_text(ctx, "severity"),
                             op_text(ctx, "open"),
                             op_text(ctx, "escalated"),
                             opu_u64(lim, (uint64_t)limit + 1),
                             ncur ? c0 : NULL};
    PGresult *r = db_exec(ctx, sql_issue_list, 9, params);
    if (!r)
        return -1;
    opu_pack_keyset_page(ctx->pk, r, limit);
    PQclear(r);
    return 0;
}

static int op_issue_assign(struct op_ctx *ctx)
{
    const char *id = op_text(ctx, "id"), *to = op_text(ctx, "assignee_id");
    const char *params[2] = {id, to};
    char prev[24], target[40];
    if (run_rule(ctx, sql_issue_assign, 2, params, prev, sizeof prev) < 0)
        return -1;
    snprintf(target, sizeof target, "issue:%s", id);
    op_audit(ctx, target, "assigned to user %s (was %s)", to, prev);
    return pack_issue(ctx, id);
}

static int op_issue_transition(struct op_ctx *ctx)
{
    const char *id = op_text(ctx, "id"), *to = op_text(ctx, "to");
    const char *params[5] = {id, to, op_text(ctx, "note"), op_text(ctx, "root_cause"),
                             op_text(ctx, "prevention")};
    char prev[24], target[40];
    if (run_rule(ctx, sql_issue_transition, 5, params, prev, sizeof prev) < 0)
        return -1;
    snprintf(target, sizeof target, "issue:%s", id);
    op_audit(ctx, target, "%s -> %s", prev, to);
    return pack_issue(ctx, id);
}

static int op_issue_escalate(struct op_ctx *ctx)
{
    const char *id = op_text(ctx, "id"), *reason = op_text(ctx, "reason");
    const char *params[1] = {id};
    PGresult *r = db_exec(ctx, sql_issue_lock, 1, params);
    if (!r)
        return -1;
    if (PQntuples(r) == 0) {
        PQclear(r);
        return opu_not_found(ctx, "issue", id);
    }
    char level[24];
    snprintf(level, sizeof level, "%s", db_get(r, 0, "escalation_level"));
    bool closed = strcmp(db_get(r, 0, "status"), "closed") == 0;
    PQclear(r);
    if (closed)
        return op_invalid(ctx, "id", "is closed");
    if (strcmp(level, "2") == 0)
        return op_invalid(ctx, "id", "has reached every director already (the last level)");
    const char *rp[3] = {id, level, reason};
    r = db_one(ctx, sql_issue_raise, 3, rp, "no such issue");
    if (!r)
        return -1;
    snprintf(level, sizeof level, "%s", db_get(r, 0, "level") ? db_get(r, 0, "level") : "?");
    PQclear(r);
    char target[40];
    snprintf(target, sizeof target, "issue:%s", id);
    op_audit(ctx, target, "level %s by hand: %s", level, reason);
    return pack_issue(ctx, id);
}

/* ---- the rows of this area in the operation table (optable.c) ---- */

static const char *const category_choices[] = {"inquiry", "complaint", "suggestion", "other", NULL};
static const char *const severity_choices[] = {"low", "normal", "high", "critical", NULL};
static const char *const channel_choices[] = {"phone",  "email", "meeting", "visit",
                                              "letter", "web",   "other",   NULL};
static const char *const status_choices[] = {
    "received", "triaged", "investigating", "resolved", "confirmed", "closed", NULL};

static const struct arg_spec issue_open_args[] = {
    {"client_id", ARG_ID, true, 1, ID_MAX, NULL},
    {"category", ARG_ENUM, true, 0, 0, category_choices},
    {"severity", ARG_ENUM, true, 0, 0, severity_choices},
    {"channel", ARG_ENUM, false, 0, 0, channel_choices},
    {"summary", ARG_STR, true, 1, SUMMARY_MAX, NULL},
    {"details", ARG_TEXT, false, 0, TEXT_MAX, NULL},
    END_ARGS,
};

static const struct arg_spec issue_list_args[] = {
    {"status", ARG_ENUM, false, 0, 0, status_choices},
    {"client_id", ARG_ID, false, 1, ID_MAX, NULL},
    {"assignee_id", ARG_ID, false, 1, ID_MAX, NULL},
    {"overdue", ARG_BOOL, false, 0, 0, NULL},
    {"severity", ARG_ENUM, false, 0, 0, severity_choices},
    {"open", ARG_BOOL, false, 0, 0, NULL},
    {"escalated", ARG_BOOL, false, 0, 0, NULL},
    {"limit", ARG_U64, false, 1, LIST_LIMIT_MAX, NULL},
    {"cursor", ARG_STR, false, 1, CURSOR_MAX, NULL},
    END_ARGS,
};

static const struct arg_spec issue_assign_args[] = {
    {"id", ARG_ID, true, 1, ID_MAX, NULL},
    {"assignee_id", ARG_ID, true, 1, ID_MAX, NULL},
    END_ARGS,
};

static const struct arg_spec issue_transition_args[] = {
    {"id", ARG_ID, true, 1, ID_MAX, NULL},
    {"to", ARG_ENUM, true, 0, 0, status_choices},
    {"note", ARG_TEXT, false, 0, TEXT_MAX, NULL},
    {"root_cause", ARG_TEXT, false, 0, TEXT_MAX, NULL},
    {"prevention", ARG_TEXT, false, 0, TEXT_MAX, NULL},
    END_ARGS,
};

static const struct arg_spec issue_escalate_args[] = {
    {"id", ARG_ID, true, 1, ID_MAX, NULL},
    {"reason", ARG_STR, true, 1, SUMMARY_MAX, NULL},
    END_ARGS,
};

/* Client issues: the client's scope, never finance. */
static const struct op rows[] = {
    {"issue.open", op_issue_open, ROLES_STAFF, MUT, issue_open_args,
     "Record a client's inquiry, complaint or suggestion (its response target follows the "
     "severity)"},
    {"issue.get", op_issue_get, ROLES_STAFF, 0, op_args_id,
     "Show one client issue with its history and escalations"},
    {"issue.list", op_issue_list, ROLES_STAFF, 0, issue_list_args,
     "List client issues, newest first"},
    {"issue.assign", op_issue_assign, ROLES_STAFF, MUT, issue_assign_args,
     "Hand an issue to its client's owner, their manager or a director"},
    {"issue.transition", op_issue_transition, ROLES_STAFF, MUT, issue_transition_args,
     "Move an issue along received, triaged, investigating, resolved, confirmed, closed"},
    {"issue.escalate", op_issue_escalate, ROLES_STAFF, MUT, issue_escalate_args,
     "Escalate an issue to the owner's manager, then to every director"},
};

OP_AREA(ops_issues, "issues", rows);
