/*
 * work_campaigns.c - campaigns: campaign.create (the brief with its KPIs), .get, .list,
 * .update, .transition (the stage move and its report, agency.campaign_transition), .report
 * (a status report; a review's KPI actuals) and .reports (the stage history, oldest first).
 */
#include <stdio.h>
#include <string.h>

#include "work.h"

#define CAMPAIGN_COLUMNS                                                                           \
    " k.id, k.client_id, c.name AS client_name, k.contract_id, k.name, k.objectives, k.audience,"  \
    " k.budget_amount, k.currency, k.starts_on, k.ends_on, k.status, k.status_changed_at,"         \
    " k.status_changed_by, k.closed_at, k.closed_by, k.created_at, k.updated_at, k.version"

static const char sql_campaign_get[] =
    "SELECT" CAMPAIGN_COLUMNS " FROM agency.campaigns k JOIN agency.clients c ON c.id = k.client_id"
    " WHERE k.id = $1::bigint";
static const char sql_kpis[] =
    "SELECT p.id, p.name, trim_scale(p.target)::text AS target, p.unit, trim_scale(p.actual)::text "
    "AS actual,"
    " p.actual >= p.target AS met, p.actual_recorded_at, p.actual_report_id"
    " FROM agency.campaign_kpis p WHERE p.campaign_id = $1::bigint ORDER BY p.id";
/* The contract a campaign runs under: visible and of the same client. */
static const char sql_contract_of_client[] =
    "SELECT count(*) AS n FROM agency.contracts k WHERE k.id = $1::bigint"
    " AND k.client_id = coalesce($2::bigint,"
    "   (SELECT x.client_id FROM agency.campaigns x WHERE x.id = $3::bigint))";
/* Inserts nothing when the client is not visible (its policy). */
static const char sql_campaign_insert[] =
    "INSERT INTO agency.campaigns (client_id, contract_id, name, objectives, audience,"
    " budget_amount, currency, starts_on, ends_on, status_changed_by, created_by)"
    " SELECT c.id, $2::bigint, $3, $4, nullif($5, ''), $6::bigint, $7, $8::date, $9::date,"
    " agency.current_user_id(), agency.current_user_id()"
    " FROM agency.clients c WHERE c.id = $1::bigint RETURNING id";
static const char sql_kpi_insert[] =
    "INSERT INTO agency.campaign_kpis (campaign_id, client_id, name, target, unit)"
    " SELECT k.id, k.client_id, $2, $3::numeric, nullif($4, '') FROM agency.campaigns k"
    " WHERE k.id = $1::bigint ON CONFLICT DO NOTHING RETURNING id";
static const char sql_campaign_list[] =
    "SELECT" CAMPAIGN_COLUMNS ", 'C,' || k.id AS _cursor"
    " FROM agency.campaigns k JOIN agency.clients c ON c.id = k.client_id"
    " WHERE ($1::bigint IS NULL OR k.client_id = $1::bigint) AND ($2::text IS NULL OR k.status = "
    "$2)"
    " AND ($3::bigint IS NULL OR k.contract_id = $3::bigint)"
    " AND ($4::bigint IS NULL OR k.id < $4::bigint) ORDER BY k.id DESC LIMIT $5::int";
static const char sql_campaign_update[] =
    "UPDATE agency.campaigns k SET name = coalesce($3, k.name),"
    " objectives = coalesce($4, k.objectives),"
    " audience = CASE WHEN $5::text IS NULL THEN k.audience ELSE nullif($5, '') END,"
    " budget_amount = coalesce($6::bigint, k.budget_amount), currency = coalesce($7, k.currency),"
    " starts_on = coalesce($8::date, k.starts_on), ends_on = coalesce($9::date, k.ends_on),"
    " contract_id = coalesce($10::bigint, k.contract_id),"
    " updated_at = agency.now(), version = k.version + 1"
    " WHERE k.id = $1::bigint AND k.version = $2::int RETURNING k.id";
static const char sql_campaign_state[] =
    "SELECT version, false AS archived FROM agency.campaigns WHERE id = $1::bigint";
static const char sql_campaign_transition[] =
    "SELECT agency.campaign_transition($1::bigint, $2, $3, $4) AS id";
static const char sql_campaign_status[] =
    "SELECT status FROM agency.campaigns WHERE id = $1::bigint";
static const char sql_report_insert[] =
    "INSERT INTO agency.campaign_reports (campaign_id, client_id, kind, stage, summary, decisions,"
    " created_by)"
    " SELECT k.id, k.client_id, $2, k.status, $3, nullif($4, ''), agency.current_user_id()"
    " FROM agency.campaigns k WHERE k.id = $1::bigint RETURNING id";
static const char sql_actual_update[] =
    "UPDATE agency.campaign_kpis SET actual = $3::numeric, actual_recorded_at = agency.now(),"
    " actual_report_id = $4::bigint"
    " WHERE campaign_id = $1::bigint AND lower(name) = lower($2) RETURNING id";
static const char sql_reports[] =
    "SELECT r.id, r.kind, r.stage, r.from_status, r.to_status, r.summary, r.decisions,"
    " r.created_at, u.id AS \"created_by.id\", u.full_name AS \"created_by.full_name\""
    " FROM agency.campaign_reports r LEFT JOIN agency.users u ON u.id = r.created_by"
    " WHERE r.campaign_id = $1::bigint ORDER BY r.id LIMIT 1000";

static const char *const update_fields[] = {"name",     "objectives", "audience", "budget_amount",
                                            "currency", "starts_on",  "ends_on",  "contract_id"};
#define UPDATE_FIELDS (sizeof update_fields / sizeof update_fields[0])

static const char *const kpi_keys[] = {"name", "target", "unit", NULL};
static const char *const actual_keys[] = {"name", "actual", NULL};

/* Packs campaign id with its KPIs as the campaign operations answer it. */
static int pack_campaign(struct op_ctx *ctx, const char *id)
{
    const char *params[1] = {id};
    PGresult *k = db_exec(ctx, sql_campaign_get, 1, params);
    if (!k)
        return -1;
    if (PQntuples(k) == 0) {
        PQclear(k);
        return opu_not_found(ctx, "campaign", id);
    }
    PGresult *p = db_exec(ctx, sql_kpis, 1, params);
    if (!p) {
        PQclear(k);
        return -1;
    }
    work_pack_with_lines(ctx, k, "kpis", p);
    return 0;
}

/* The contract_id argument, when given, names a visible contract of the client (client_id, or
 * campaign's client): 0, or -1 with invalid "contract_id". */
static int check_contract(struct op_ctx *ctx, const char *client_id, const char *campaign)
{
    const char *contract = op_text(ctx, "contract_id");
    if (!contract)
        return 0;
    const char *params[3] = {contract, client_id, campaign};
    long n = opu_one_n(ctx, sql_contract_of_client, 3, params, "no such contract");
    if (n < 0)
        return -1;
    return n == 1 ? 0 : op_invalid(ctx, "contract_id", "not a contract of this client");
}

/* Inserts the KPIs of the "kpis" argument for campaign id. */
static int insert_kpis(struct op_ctx *ctx, const char *id)
{
    msgpack_unpacked up;
    msgpack_unpacked_init(&up);
    const msgpack_object *list = work_map_list(ctx, "kpis", &up);
    int rc = ctx->err != PE_OK ? -1 : 0;
    for (uint32_t i = 0; rc == 0 && list && i < list->via.array.size; i++) {
        const msgpack_object *m = &list->via.array.ptr[i];
        char name[4 * NAME_MAX_CHARS + 1], unit[4 * WORK_UNIT_MAX + 1], target[48];
        if (work_item_keys(ctx, "kpis", i, m, kpi_keys) < 0 ||
            work_item_text(ctx, "kpis", i, m, "name", true, NAME_MAX_CHARS, name, sizeof name) <
                0 ||
            work_item_decimal(ctx, "kpis", i, m, "target", target) < 0 ||
            work_item_text(ctx, "kpis", i, m, "unit", false, WORK_UNIT_MAX, unit, sizeof unit) <
                0) {
            rc = -1;
            break;
        }
        const char *params[4] = {id, name, target, unit};
        PGresult *r =
            opu_insert_one(ctx, sql_kpi_insert, 4, params, "kpis", "two KPIs have the same name");
        if (!r)
            rc = -1;
        PQclear(r);
    }
    msgpack_unpacked_destroy(&up);
    return rc;
}

int work_campaign_create(struct op_ctx *ctx)
{
    const char *client = op_text(ctx, "client_id");
    if (opu_client_visible(ctx, client) < 0 || check_contract(ctx, client, NULL) < 0)
        return -1;
    const char *params[9] = {client,
                             op_text(ctx, "contract_id"),
                             op_text(ctx, "name"),
                             op_text(ctx, "objectives"),
                             op_text(ctx, "audience"),
                             op_text(ctx, "budget_amount"),
                             op_text(ctx, "currency"),
                             op_text(ctx, "starts_on"),
                             op_text(ctx, "ends_on")};
    char id[24];
    if (opu_insert_under_client(ctx, sql_campaign_insert, 9, params, id) < 0 ||
        insert_kpis(ctx, id) < 0)
        return -1;
    work_audit(ctx, "campaign", id, "created for client %s", client);
    return pack_campaign(ctx, id);
}

int work_campaign_get(struct op_ctx *ctx)
{
    return pack_campaign(ctx, op_text(ctx, "id"));
}

int work_campaign_list(struct op_ctx *ctx)
{
    const char *client = op_text(ctx, "client_id");
    if (client && opu_client_visible(ctx, client) < 0)
        return -1;
    char c0[24], lim[24];
    int ncur = opu_cursor_one(ctx, 'C', c0);
    if (ncur < 0)
        return -1;
    int limit = opu_limit(ctx);
    const char *params[5] = {client, op_text(ctx, "status"), op_text(ctx, "contract_id"),
                             ncur ? c0 : NULL, opu_u64(lim, (uint64_t)limit + 1)};
    PGresult *r = db_exec(ctx, sql_campaign_list, 5, params);
    if (!r)
        return -1;
    opu_pack_keyset_page(ctx->pk, r, limit);
    PQclear(r);
    return 0;
}

int work_campaign_update(struct op_ctx *ctx)
{
    const char *id = op_text(ctx, "id");
    if (check_contract(ctx, NULL, id) < 0 ||
        opu_update_versioned(ctx, sql_campaign_update, sql_campaign_state, "campaign",
                             update_fields, UPDATE_FIELDS) < 0)
        return -1;
    char detail[200] = "";
    opu_changed_fields(ctx, update_fields, UPDATE_FIELDS, detail, sizeof detail);
    work_audit(ctx, "campaign", id, "changed %s", detail[0] ? detail : "nothing");
    return pack_campaign(ctx, id);
}

int work_campaign_transition(struct op_ctx *ctx)
{
    const char *id = op_text(ctx, "id"), *to = op_text(ctx, "to");
    const char *params[4] = {id, to, op_text(ctx, "note"), op_text(ctx, "decisions")};
    PGresult *r = db_one(ctx, sql_campaign_transition, 4, params, "no such campaign");
    if (!r)
        return -1;
    bool missing = PQgetisnull(r, 0, 0);
    PQclear(r);
    if (missing)
        return opu_not_found(ctx, "campaign", id);
    work_audit(ctx, "campaign", id, "to %s", to);
    return pack_campaign(ctx, id);
}

/* Records the "actuals" argument of a review report: each {name, actual} on the KPI of that
 * name. */
static int record_actuals(struct op_ctx *ctx, const char *campaign, const char *report)
{
    msgpack_unpacked up;
    msgpack_unpacked_init(&up);
    const msgpack_object *list = work_map_list(ctx, "actuals", &up);
    int rc = ctx->err != PE_OK ? -1 : 0;
    for (uint32_t i = 0; rc == 0 && list && i < list->via.array.size; i++) {
        const msgpack_object *m = &list->via.array.ptr[i];
        char name[4 * NAME_MAX_CHARS + 1], actual[48];
        if (work_item_keys(ctx, "actuals", i, m, actual_keys) < 0 ||
            work_item_text(ctx, "actuals", i, m, "name", true, NAME_MAX_CHARS, name, sizeof name) <
                0 ||
            work_item_decimal(ctx, "actuals", i, m, "actual", actual) < 0) {
            rc = -1;
            break;
        }
        const char *params[4] = {campaign, name, actual, report};
        long n = opu_exec_count(ctx, sql_actual_update, 4, params);
        if (n < 0)
            rc = -1;
        else if (n == 0)
            rc = op_invalid(ctx, "actuals", "the campaign has no KPI of that name");
    }
    msgpack_unpacked_destroy(&up);
    return rc;
}

int work_campaign_report(struct op_ctx *ctx)
{
    const char *campaign = op_text(ctx, "campaign_id"), *kind = op_text(ctx, "kind");
    const char *params[4] = {campaign, kind, op_text(ctx, "summary"), op_text(ctx, "decisions")};
    PGresult *r = db_exec(ctx, sql_campaign_status, 1, params);
    if (!r)
        return -1;
    bool found = PQntuples(r) == 1;
    bool in_review = found && strcmp(db_get(r, 0, "status"), "review") == 0;
    PQclear(r);
    if (!found)
        return opu_not_found(ctx, "campaign", campaign);
    if (op_has(ctx, "actuals") && (strcmp(kind, "review") != 0 || !in_review))
        return op_invalid(ctx, "actuals",
                          "KPI actuals are recorded by a review report of a campaign in review");
    r = db_one(ctx, sql_report_insert, 4, params, "no such campaign");
    if (!r)
        return -1;
    char report[24];
    snprintf(report, sizeof report, "%s", db_get(r, 0, "id"));
    PQclear(r);
    if (record_actuals(ctx, campaign, report) < 0)
        return -1;
    work_audit(ctx, "campaign", campaign, "%s report %s", kind, report);
    return pack_campaign(ctx, campaign);
}

int work_campaign_reports(struct op_ctx *ctx)
{
    const char *campaign = op_text(ctx, "campaign_id");
    const char *params[1] = {campaign};
    long n = opu_exec_count(ctx, sql_campaign_status, 1, params);
    if (n < 0)
        return -1;
    if (n == 0)
        return opu_not_found(ctx, "campaign", campaign);
    return work_pack_items(ctx, sql_reports, 1, params);
}
