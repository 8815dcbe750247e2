/*
 * work.c - the account work area's rows of the operation table (contracts, campaigns, job
 * cards, reviews; handlers in ops/work_*.c) and the helpers those files share. Scope is the
 * client's, enforced by each table's forced row-level security; finance reads contracts and
 * campaigns (their budgets) and nothing else of this area.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "work.h"

void work_pack_rows(msgpack_packer *pk, const PGresult *res)
{
    msgpack_pack_array(pk, (uint32_t)PQntuples(res));
    for (int i = 0; i < PQntuples(res); i++)
        opu_pack_row(pk, res, i);
}

void work_pack_with_lines(struct op_ctx *ctx, PGresult *rec, const char *key, PGresult *lines)
{
    opu_pack_row_extra(ctx->pk, rec, 0, 1);
    proto_pack_cstr(ctx->pk, key);
    work_pack_rows(ctx->pk, lines);
    PQclear(rec);
    PQclear(lines);
}

int work_pack_items(struct op_ctx *ctx, const char *sql_list, int nparams,
                    const char *const *params)
{
    PGresult *r = db_exec(ctx, sql_list, nparams, params);
    if (!r)
        return -1;
    msgpack_pack_map(ctx->pk, 1);
    proto_pack_cstr(ctx->pk, "items");
    work_pack_rows(ctx->pk, r);
    PQclear(r);
    return 0;
}

void work_audit(struct op_ctx *ctx, const char *noun, const char *id, const char *fmt, ...)
{
    char target[48], detail[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
    snprintf(target, sizeof target, "%s:%s", noun, id);
    op_audit(ctx, target, "%s", detail);
}

const msgpack_object *work_map_list(struct op_ctx *ctx, const char *name, msgpack_unpacked *up)
{
    const struct arg_val *v = op_arg(ctx, name);
    if (!v->present)
        return NULL;
    size_t off = 0;
    if (msgpack_unpack_next(up, v->text, v->len, &off) != MSGPACK_UNPACK_SUCCESS ||
        up->data.type != MSGPACK_OBJECT_ARRAY) {
        op_fail(ctx, PE_INTERNAL, "internal error");
        return NULL;
    }
    return &up->data;
}

/* invalid `field` with "item <i+1>: <what>". */
static int item_invalid(struct op_ctx *ctx, const char *field, uint32_t i, const char *what)
{
    char reason[128];
    snprintf(reason, sizeof reason, "item %" PRIu32 ": %s", i + 1, what);
    return op_invalid(ctx, field, reason);
}

int work_item_keys(struct op_ctx *ctx, const char *field, uint32_t i, const msgpack_object *m,
                   const char *const *keys)
{
    if (m->type != MSGPACK_OBJECT_MAP)
        return item_invalid(ctx, field, i, "not a map");
    for (uint32_t k = 0; k < m->via.map.size; k++) {
        const msgpack_object *key = &m->via.map.ptr[k].key;
        bool known = false;
        for (const char *const *p = keys; *p && !known; p++)
            known = key->type == MSGPACK_OBJECT_STR && key->via.str.size == strlen(*p) &&
                    memcmp(key->via.str.ptr, *p, key->via.str.size) == 0;
        if (!known)
            return item_invalid(ctx, field, i, "unknown key");
    }
    return 0;
}

int work_item_text(struct op_ctx *ctx, const char *field, uint32_t i, const msgpack_object *m,
                   const char *key, bool required, size_t max_chars, char *buf, size_t size)
{
    const char *s = NULL;
    size_t len = 0;
    char what[96];
    buf[0] = '\0';
    enum proto_get g = proto_get_str(m, key, &s, &len, size - 1);
    if (g == PG_MISSING && !required)
        return 0;
    bool ok =
        g == PG_OK && len > 0 && proto_utf8_valid(s, len) && proto_utf8_chars(s, len) <= max_chars;
    for (size_t k = 0; ok && k < len; k++)
        ok = (unsigned char)s[k] >= 0x20 && s[k] != 0x7f;
    if (!ok) {
        snprintf(what, sizeof what, "%s must be text of 1 to %zu characters", key, max_chars);
        return item_invalid(ctx, field, i, what);
    }
    memcpy(buf, s, len);
    buf[len] = '\0';
    return 0;
}

/* True when s is a decimal of at most 15 integer and 4 fractional digits, maybe negative. */
static bool decimal_text(const char *s, size_t len)
{
    size_t k = 0, ints = 0, fracs = 0;
    if (k < len && s[k] == '-')
        k++;
    while (k < len && s[k] >= '0' && s[k] <= '9' && ints <= 15)
        k++, ints++;
    if (k < len && s[k] == '.') {
        k++;
        while (k < len && s[k] >= '0' && s[k] <= '9' && fracs <= 4)
            k++, fracs++;
        if (fracs == 0)
            return false;
    }
    return k == len && ints >= 1 && ints <= 15 && fracs <= 4;
}

int work_item_decimal(struct op_ctx *ctx, const char *field, uint32_t i, const msgpack_object *m,
                      const char *key, char out[48])
{
    const msgpack_object *o = proto_map_get(m, key);
    char what[96];
    snprintf(what, sizeof what, "%s must be a number (up to 15 digits, 4 after the point)", key);
    if (o && o->type == MSGPACK_OBJECT_POSITIVE_INTEGER && o->via.u64 < 1000000000000000ULL) {
        snprintf(out, 48, "%" PRIu64, o->via.u64);
        return 0;
    }
    if (o && o->type == MSGPACK_OBJECT_NEGATIVE_INTEGER && o->via.i64 > -1000000000000000LL) {
        snprintf(out, 48, "%" PRId64, o->via.i64);
        return 0;
    }
    if (o && o->type == MSGPACK_OBJECT_STR && o->via.str.size < 48 &&
        decimal_text(o->via.str.ptr, o->via.str.size)) {
        memcpy(out, o->via.str.ptr, o->via.str.size);
        out[o->via.str.size] = '\0';
        return 0;
    }
    return item_invalid(ctx, field, i, what);
}

/* ---- the rows of this area in the operation table (optable.c) ---- */

static const char *const contract_targets[] = {"active", "completed", "terminated", "void", NULL};
static const char *const contract_statuses[] = {"draft",      "active", "completed",
                                                "terminated", "void",   NULL};

static const struct arg_spec contract_create_args[] = {
    {"client_id", ARG_ID, true, 1, ID_MAX, NULL},
    {"number", ARG_STR, true, 1, WORK_NUMBER_MAX, NULL},
    {"title", ARG_STR, true, 1, NAME_MAX_CHARS, NULL},
    {"starts_on", ARG_DATE, true, 0, 0, NULL},
    {"ends_on", ARG_DATE, true, 0, 0, NULL},
    {"amount", ARG_U64, true, 0, MONEY_MAX, NULL},
    {"currency", ARG_STR, true, WORK_CURRENCY_LEN, WORK_CURRENCY_LEN, NULL},
    {"payment_terms", ARG_TEXT, false, 0, ADDRESS_MAX, NULL},
    {"scope", ARG_TEXT, false, 0, TEXT_MAX, NULL},
    {"renews_id", ARG_ID, false, 1, ID_MAX, NULL},
    END_ARGS,
};

static const struct arg_spec contract_list_args[] = {
    {"client_id", ARG_ID, false, 1, ID_MAX, NULL},
    {"status", ARG_ENUM, false, 0, 0, contract_statuses},
    {"limit", ARG_U64, false, 1, LIST_LIMIT_MAX, NULL},
    {"cursor", ARG_STR, false, 1, CURSOR_MAX, NULL},
    END_ARGS,
};

static const struct arg_spec contract_update_args[] = {
    {"id", ARG_ID, true, 1, ID_MAX, NULL},
    {"version", ARG_U64, true, 1, VERSION_MAX, NULL},
    {"number", ARG_STR, false, 1, WORK_NUMBER_MAX, NULL},
    {"title", ARG_STR, false, 1, NAME_MAX_CHARS, NULL},
    {"starts_on", ARG_DATE, false, 0, 0, NULL},
    {"ends_on", ARG_DATE, false, 0, 0, NULL},
    {"amount", ARG_U64, false, 0, MONEY_MAX, NULL},
    {"currency", ARG_STR, false, WORK_CURRENCY_LEN, WORK_CURRENCY_LEN, NULL},
    {"payment_terms", ARG_TEXT, false, 0, ADDRESS_MAX, NULL},
    {"scope", ARG_TEXT, false, 0, TEXT_MAX, NULL},
    {"reason", ARG_STR, false, 1, SUMMARY_MAX, NULL},
    END_ARGS,
};

static const struct arg_spec contract_transition_args[] = {
    {"id", ARG_ID, true, 1, ID_MAX, NULL},
    {"to", ARG_ENUM, true, 0, 0, contract_targets},
    {"reason", ARG_STR, false, 1, SUMMARY_MAX, NULL},
    END_ARGS,
};

static const struct arg_spec contract_renewals_args[] = {
    {"within_days", ARG_U64, false, 0, WORK_RENEWAL_MAX, NULL},
    END_ARGS,
};

static const char *const campaign_targets[] = {"proposal", "approved", "production", "live",
                                               "review",   "closed",   "cancelled",  NULL};
static const char *const campaign_statuses[] = {
    "brief", "proposal", "approved", "production", "live", "review", "closed", "cancelled", NULL};
static const char *const report_kinds[] = {"progress", "approval", "change", "review", NULL};

static const struct arg_spec campaign_create_args[] = {
    {"client_id", ARG_ID, true, 1, ID_MAX, NULL},
    {"contract_id", ARG_ID, false, 1, ID_MAX, NULL},
    {"name", ARG_STR, true, 1, NAME_MAX_CHARS, NULL},
    {"objectives", ARG_TEXT, true, 1, TEXT_MAX, NULL},
    {"audience", ARG_TEXT, false, 0, TEXT_MAX, NULL},
    {"kpis", ARG_MAP_LIST, false, 0, WORK_KPIS_MAX, NULL},
    {"budget_amount", ARG_U64, true, 0, MONEY_MAX, NULL},
    {"currency", ARG_STR, true, WORK_CURRENCY_LEN, WORK_CURRENCY_LEN, NULL},
    {"starts_on", ARG_DATE, true, 0, 0, NULL},
    {"ends_on", ARG_DATE, true, 0, 0, NULL},
    END_ARGS,
};

static const struct arg_spec campaign_list_args[] = {
    {"client_id", ARG_ID, false, 1, ID_MAX, NULL},
    {"status", ARG_ENUM, false, 0, 0, campaign_statuses},
    {"contract_id", ARG_ID, false, 1, ID_MAX, NULL},
    {"limit", ARG_U64, false, 1, LIST_LIMIT_MAX, NULL},
    {"cursor", ARG_STR, false, 1, CURSOR_MAX, NULL},
    END_ARGS,
};

static const struct arg_spec campaign_update_args[] = {
    {"id", ARG_ID, true, 1, ID_MAX, NULL},
    {"version", ARG_U64, true, 1, VERSION_MAX, NULL},
    {"name", ARG_STR, false, 1, NAME_MAX_CHARS, NULL},
    {"objectives", ARG_TEXT, false, 1, TEXT_MAX, NULL},
    {"audience", ARG_TEXT, false, 0, TEXT_MAX, NULL},
    {"budget_amount", ARG_U64, false, 0, MONEY_MAX, NULL},
    {"currency", ARG_STR, false, WORK_CURRENCY_LEN, WORK_CURRENCY_LEN, NULL},
    {"starts_on", ARG_DATE, false, 0, 0, NULL},
    {"ends_on", ARG_DATE, false, 0, 0, NULL},
    {"contract_id", ARG_ID, false, 1, ID_MAX, NULL},
    END_ARGS,
};

static const struct arg_spec campaign_transition_args[] = {
    {"id", ARG_ID, true, 1, ID_MAX, NULL},
    {"to", ARG_ENUM, true, 0, 0, campaign_targets},
    {"note", ARG_STR, false, 1, SUMMARY_MAX, NULL},
    {"decisions", ARG_TEXT, false, 0, TEXT_MAX, NULL},
    END_ARGS,
};

static const struct arg_spec campaign_report_args[] = {
    {"campaign_id", ARG_ID, true, 1, ID_MAX, NULL},
    {"kind", ARG_ENUM, true, 0, 0, report_kinds},
    {"summary", ARG_STR, true, 1, SUMMARY_MAX, NULL},
    {"decisions", ARG_TEXT, false, 0, TEXT_MAX, NULL},
    {"actuals", ARG_MAP_LIST, false, 1, WORK_KPIS_MAX, NULL},
    END_ARGS,
};

static const struct arg_spec campaign_id_args[] = {
    {"campaign_id", ARG_ID, true, 1, ID_MAX, NULL},
    END_ARGS,
};

static const char *const job_statuses[] = {"open", "closed", NULL};

static const struct arg_spec job_open_args[] = {
    {"campaign_id", ARG_ID, true, 1, ID_MAX, NULL},
    {"title", ARG_STR, true, 1, NAME_MAX_CHARS, NULL},
    {"meeting_at", ARG_TIMESTAMP, false, 0, 0, NULL},
    {"minutes", ARG_TEXT, false, 1, TEXT_MAX, NULL},
    {"due_on", ARG_DATE, false, 0, 0, NULL},
    END_ARGS,
};

static const struct arg_spec job_minutes_args[] = {
    {"id", ARG_ID, true, 1, ID_MAX, NULL},
    {"minutes", ARG_TEXT, true, 1, TEXT_MAX, NULL},
    {"meeting_at", ARG_TIMESTAMP, false, 0, 0, NULL},
    END_ARGS,
};

static const struct arg_spec job_task_args[] = {
    {"job_id", ARG_ID, true, 1, ID_MAX, NULL},
    {"title", ARG_STR, true, 1, NAME_MAX_CHARS, NULL},
    {"assignee_id", ARG_ID, true, 1, ID_MAX, NULL},
    {"due_on", ARG_DATE, true, 0, 0, NULL},
    END_ARGS,
};

static const struct arg_spec job_task_done_args[] = {
    {"task_id", ARG_ID, true, 1, ID_MAX, NULL},
    END_ARGS,
};

static const struct arg_spec job_close_args[] = {
    {"id", ARG_ID, true, 1, ID_MAX, NULL},
    {"reason", ARG_STR, false, 1, SUMMARY_MAX, NULL},
    END_ARGS,
};

static const struct arg_spec job_list_args[] = {
    {"campaign_id", ARG_ID, false, 1, ID_MAX, NULL},
    {"client_id", ARG_ID, false, 1, ID_MAX, NULL},
    {"status", ARG_ENUM, false, 0, 0, job_statuses},
    {"assignee_id", ARG_ID, false, 1, ID_MAX, NULL},
    {"limit", ARG_U64, false, 1, LIST_LIMIT_MAX, NULL},
    {"cursor", ARG_STR, false, 1, CURSOR_MAX, NULL},
    END_ARGS,
};

static const char *const review_kinds[] = {"campaign", "quarterly", "survey", NULL};

static const struct arg_spec review_record_args[] = {
    {"client_id", ARG_ID, true, 1, ID_MAX, NULL},
    {"kind", ARG_ENUM, true, 0, 0, review_kinds},
    {"campaign_id", ARG_ID, false, 1, ID_MAX, NULL},
    {"period", ARG_STR, false, 0, WORK_PERIOD_MAX, NULL},
    {"score", ARG_U64, true, 1, 10, NULL},
    {"notes", ARG_TEXT, false, 0, TEXT_MAX, NULL},
    {"reviewed_on", ARG_DATE, false, 0, 0, NULL},
    END_ARGS,
};

static const struct arg_spec review_list_args[] = {
    {"client_id", ARG_ID, false, 1, ID_MAX, NULL},
    {"campaign_id", ARG_ID, false, 1, ID_MAX, NULL},
    {"kind", ARG_ENUM, false, 0, 0, review_kinds},
    {"limit", ARG_U64, false, 1, LIST_LIMIT_MAX, NULL},
    {"cursor", ARG_STR, false, 1, CURSOR_MAX, NULL},
    END_ARGS,
};

/* Contracts and campaigns: the client's scope; finance reads them (not the reports); job
 * cards: the account team and the assignees of their tasks; reviews: the account team; activating
 * and terminating is a manager's or a director's (the contracts guard, sql/041). */
static const struct op rows[] = {
    {"contract.create", work_contract_create, ROLES_STAFF, MUT, contract_create_args,
     "Draft a contract for a client (renews_id: the contract it renews)"},
    {"contract.get", work_contract_get, ROLES_ALL, 0, op_args_id,
     "One contract with its amendments"},
    {"contract.list", work_contract_list, ROLES_ALL, 0, contract_list_args,
     "List contracts, newest first"},
    {"contract.update", work_contract_update, ROLES_STAFF, MUT, contract_update_args,
     "Change a contract (an active one's value or period: with a reason, as an amendment)"},
    {"contract.transition", work_contract_transition, ROLES_STAFF, MUT, contract_transition_args,
     "Move a contract: draft->active->completed|terminated, draft->void (reason for the last two)"},
    {"contract.renewals", work_contract_renewals, ROLES_ALL, 0, contract_renewals_args,
     "Active contracts ending within N days (default 60) with no renewal"},
    {"campaign.create", work_campaign_create, ROLES_STAFF, MUT, campaign_create_args,
     "Open a campaign from its brief (objectives, audience, KPIs, budget, timeline)"},
    {"campaign.get", work_campaign_get, ROLES_ALL, 0, op_args_id,
     "One campaign with its KPIs (targets and actuals)"},
    {"campaign.list", work_campaign_list, ROLES_ALL, 0, campaign_list_args,
     "List campaigns, newest first"},
    {"campaign.update", work_campaign_update, ROLES_STAFF, MUT, campaign_update_args,
     "Change a campaign's brief (send the version you read)"},
    {"campaign.transition", work_campaign_transition, ROLES_STAFF, MUT, campaign_transition_args,
     "Move a campaign one stage on (or cancel it); writes the stage's report"},
    {"campaign.report", work_campaign_report, ROLES_STAFF, MUT, campaign_report_args,
     "Write a status report (a review's report records KPI actuals)"},
    {"campaign.reports", work_campaign_reports, ROLES_STAFF, 0, campaign_id_args,
     "A campaign's status reports, oldest first: its stage history"},
    {"job.open", work_job_open, ROLES_STAFF, MUT, job_open_args,
     "Open a job card under a campaign (the meeting's time and minutes)"},
    {"job.get", work_job_get, ROLES_STAFF, 0, op_args_id, "One job card with its tasks"},
    {"job.minutes", work_job_minutes, ROLES_STAFF, MUT, job_minutes_args,
     "Log a job's meeting minutes (late after 24 hours)"},
    {"job.task", work_job_task, ROLES_STAFF, MUT, job_task_args,
     "Add a task to a job: assignee and due date (in their agenda)"},
    {"job.task_done", work_job_task_done, ROLES_STAFF, MUT, job_task_done_args, "Mark a task done"},
    {"job.close", work_job_close, ROLES_STAFF, MUT, job_close_args,
     "Close a job (its tasks done, or with a reason)"},
    {"job.list", work_job_list, ROLES_STAFF, 0, job_list_args, "List job cards, newest first"},
    {"review.record", work_review_record, ROLES_STAFF, MUT, review_record_args,
     "Record a review: campaign (its campaign_id), quarterly or survey; score 1-10"},
    {"review.list", work_review_list, ROLES_STAFF, 0, review_list_args,
     "List reviews, newest first"},
};

OP_AREA(ops_work, "work", rows);
