/*
 * reports.c - the director's and manager's reports that need only contracts and campaigns:
 * report.renewals (contracts ending soon, and whether their renewal has started) and the
 * campaigns half of report.pipeline (open campaigns by stage, budget per currency, ageing).
 * Each is one statement; row-level security scopes it (an AE their clients', a manager the
 * team's, a director every client's). Amounts are summed per currency only, never across.
 * Both are flagged OPF_REPLICA: with [database] replica set they run on the standby, and every
 * answer says where it ran (source) and how old its data was (age_ms).
 */
#include <stdio.h>
#include <string.h>

#include "op_schema.h"
#include "op_util.h"

#define RENEWALS_DAYS_DEFAULT 90
#define RENEWALS_DAYS_MAX     366
#define RENEWALS_ITEMS_MAX    1000

/*
 * Active contracts ending from today to today + $1 (the caller's branch's date by the movable
 * clock), each with its client, owner and live successor (a contract naming it in renews_id that
 * is not void), soonest first; then one "_total" row per (bucket, currency): 30, 60, 90 and, past
 * 90 days, the window itself. The contracts (status, ends_on) index finds the window, the partial
 * unique index on renews_id the successor.
 */
static const char sql_renewals[] =
    "WITH d AS (SELECT agency.today() AS today),"
    " k AS (SELECT c.id, c.number, c.title, c.client_id, cl.name AS client_name,"
    "  cl.owner_id, u.full_name AS owner_name, c.ends_on, c.ends_on - d.today AS days_left,"
    "  c.amount, c.currency, s.id AS succ_id, s.number AS succ_number, s.status AS succ_status,"
    "  least(CASE WHEN c.ends_on - d.today <= 30 THEN 30 WHEN c.ends_on - d.today <= 60 THEN 60"
    "   WHEN c.ends_on - d.today <= 90 THEN 90 ELSE $1::int END, $1::int) AS bucket"
    "  FROM d JOIN agency.contracts c ON c.status = 'active'"
    "   AND c.ends_on BETWEEN d.today AND d.today + $1::int"
    "  JOIN agency.clients cl ON cl.id = c.client_id"
    "  JOIN agency.users u ON u.id = cl.owner_id"
    "  LEFT JOIN agency.contracts s ON s.renews_id = c.id AND s.status <> 'void')"
    " (SELECT false AS _total, (SELECT today FROM d) AS _today, id, number, title,"
    "  client_id AS \"client.id\", client_name AS \"client.name\", owner_id AS \"owner.id\","
    "  owner_name AS \"owner.full_name\", ends_on, days_left, bucket, amount, currency,"
    "  succ_id IS NOT NULL AS \"renewal.started\", succ_id AS \"renewal.id\","
    "  succ_number AS \"renewal.number\", succ_status AS \"renewal.status\","
    "  NULL::bigint AS _contracts, NULL::bigint AS _started"
    "  FROM k ORDER BY ends_on, id LIMIT 1001)"
    " UNION ALL"
    " SELECT true, (SELECT today FROM d), NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,"
    "  bucket, sum(amount)::bigint, currency, NULL, NULL, NULL, NULL, count(*),"
    "  count(succ_id) FROM k GROUP BY bucket, currency"
    " ORDER BY _total, ends_on, id, bucket, currency";

/* The window's buckets as the answer lists them: <= 30, <= 60, <= 90 days, then the rest. */
static unsigned renewals_buckets(uint64_t days, uint64_t out[4])
{
    static const uint64_t edges[] = {30, 60, 90};
    unsigned n = 0;
    for (unsigned i = 0; i < 3 && (i == 0 || edges[i - 1] < days); i++)
        out[n++] = edges[i] < days ? edges[i] : days;
    if (days > 90)
        out[n++] = days;
    return n;
}

static void pack_served(struct op_ctx *ctx)
{
    proto_kv_str(ctx->pk, "source", ctx->served.source ? ctx->served.source : "primary");
    proto_kv_i64(ctx->pk, "age_ms", ctx->served.age_ms);
}

/* Packs the "_total" rows of bucket b as {within_days, contracts, renewal_started, amounts}. */
static void pack_renewals_bucket(msgpack_packer *pk, const PGresult *r, int first, uint64_t b)
{
    char want[24];
    opu_u64(want, b);
    uint64_t contracts = 0, started = 0;
    uint32_t currencies = 0;
    int rows = PQntuples(r);
    for (int i = first; i < rows; i++) {
        if (strcmp(db_get(r, i, "bucket"), want) == 0) {
            contracts += opu_parse_u64(db_get(r, i, "_contracts"));
            started += opu_parse_u64(db_get(r, i, "_started"));
            currencies++;
        }
    }
    msgpack_pack_map(pk, 4);
    proto_kv_u64(pk, "within_days", b);
    proto_kv_u64(pk, "contracts", contracts);
    proto_kv_u64(pk, "renewal_started", started);
    proto_pack_cstr(pk, "amounts");
    msgpack_pack_array(pk, currencies);
    int c_amount = PQfnumber(r, "amount");
    for (int i = first; i < rows; i++) {
        if (strcmp(db_get(r, i, "bucket"), want) != 0)
            continue;
        msgpack_pack_map(pk, 2);
        proto_kv_str(pk, "currency", db_get(r, i, "currency"));
        proto_pack_cstr(pk, "amount");
        db_pack_value(pk, r, i, c_amount);
    }
}

static int op_report_renewals(struct op_ctx *ctx)
{
    char days_s[24];
    uint64_t days = op_has(ctx, "within_days") ? op_u64(ctx, "within_days") : RENEWALS_DAYS_DEFAULT;
    const char *params[1] = {opu_u64(days_s, days)};
    PGresult *r = db_exec(ctx, sql_renewals, 1, params);
    if (!r)
        return -1;
    int rows = PQntuples(r), items = 0;
    while (items < rows && !opu_true(r, items, "_total"))
        items++;
    bool truncated = items > RENEWALS_ITEMS_MAX;
    int packed = truncated ? RENEWALS_ITEMS_MAX : items;
    uint64_t buckets[4];
    unsigned nb = renewals_buckets(days, buckets);
    char today[16] = "";
    if (rows > 0)
        snprintf(today, sizeof today, "%s", db_get(r, 0, "_today"));
    msgpack_pack_map(ctx->pk, 7);
    pack_served(ctx);
    if (today[0])
        proto_kv_str(ctx->pk, "as_of", today);
    else
        proto_kv_nil(ctx->pk, "as_of");
    proto_kv_u64(ctx->pk, "within_days", days);
    proto_pack_cstr(ctx->pk, "buckets");
    msgpack_pack_array(ctx->pk, nb);
    for (unsigned b = 0; b < nb; b++)
        pack_renewals_bucket(ctx->pk, r, items, buckets[b]);
    proto_pack_cstr(ctx->pk, "items");
    msgpack_pack_array(ctx->pk, (uint32_t)packed);
    for (int i = 0; i < packed; i++)
        opu_pack_row(ctx->pk, r, i);
    proto_kv_bool(ctx->pk, "truncated", truncated);
    PQclear(r);
    return 0;
}

/* ---- report.pipeline: campaigns ---- */

/* The open stages in their order (closed and cancelled campaigns are out of the pipeline). */
static const char *const pipeline_stages[] = {"brief",      "proposal", "approved",
                                              "production", "live",     "review"};
#define PIPELINE_STAGES (sizeof pipeline_stages / sizeof pipeline_stages[0])

/*
 * Open campaigns grouped twice in one scan of the (status, ends_on) index: per stage (count,
 * ageing in stage: whole days since status_changed_at by the movable clock, in four bands) and
 * per stage and currency (count and budget). Every stage has a row, an empty one too.
 */
static const char sql_pipeline[] =
    "WITH n AS (SELECT agency.now() AS now),"
    " k AS (SELECT c.status, c.currency, c.budget_amount,"
    "  date_part('day', (SELECT now FROM n) - c.status_changed_at)::int AS days"
    "  FROM agency.campaigns c"
    "  WHERE c.status IN ('brief', 'proposal', 'approved', 'production', 'live', 'review')),"
    " g AS (SELECT status, currency, grouping(currency) = 1 AS per_stage, count(*) AS campaigns,"
    "  sum(budget_amount)::bigint AS budget, count(*) FILTER (WHERE days <= 7) AS d0_7,"
    "  count(*) FILTER (WHERE days BETWEEN 8 AND 30) AS d8_30,"
    "  count(*) FILTER (WHERE days BETWEEN 31 AND 90) AS d31_90,"
    "  count(*) FILTER (WHERE days > 90) AS d91_plus, max(days) AS oldest_days"
    "  FROM k GROUP BY GROUPING SETS ((status), (status, currency)))"
    " SELECT s.stage, g.per_stage, g.currency, g.campaigns, g.budget, g.d0_7, g.d8_30,"
    "  g.d31_90, g.d91_plus, g.oldest_days, (SELECT agency.today()) AS _today"
    " FROM unnest('{brief,proposal,approved,production,live,review}'::text[])"
    "  WITH ORDINALITY AS s(stage, ord)"
    " LEFT JOIN g ON g.status = s.stage"
    " ORDER BY s.ord, g.per_stage DESC, g.currency";

static uint64_t col_u64(const PGresult *r, int row, const char *col)
{
    return opu_parse_u64(db_get(r, row, col));
}

/* Packs stage's entry from its rows [first, end): the per-stage row first, then one per
   currency. */
static void pack_pipeline_stage(msgpack_packer *pk, const PGresult *r, const char *stage, int first,
                                int end)
{
    bool any = first < end && db_get(r, first, "per_stage") != NULL;
    msgpack_pack_map(pk, 5);
    proto_kv_str(pk, "stage", stage);
    proto_kv_u64(pk, "campaigns", any ? col_u64(r, first, "campaigns") : 0);
    proto_pack_cstr(pk, "budgets");
    uint32_t currencies = any ? (uint32_t)(end - first - 1) : 0;
    msgpack_pack_array(pk, currencies);
    for (int i = first + 1; any && i < end; i++) {
        msgpack_pack_map(pk, 3);
        proto_kv_str(pk, "currency", db_get(r, i, "currency"));
        proto_kv_u64(pk, "campaigns", col_u64(r, i, "campaigns"));
        proto_pack_cstr(pk, "amount");
        db_pack_value(pk, r, i, PQfnumber(r, "budget"));
    }
    proto_pack_cstr(pk, "ageing");
    msgpack_pack_map(pk, 4);
    static const char *const bands[] = {"d0_7", "d8_30", "d31_90", "d91_plus"};
    for (unsigned b = 0; b < 4; b++)
        proto_kv_u64(pk, bands[b], any ? col_u64(r, first, bands[b]) : 0);
    proto_kv_u64(pk, "oldest_days", any ? col_u64(r, first, "oldest_days") : 0);
}

static int op_report_pipeline(struct op_ctx *ctx)
{
    PGresult *r = db_exec(ctx, sql_pipeline, 0, NULL);
    if (!r)
        return -1;
    int rows = PQntuples(r);
    msgpack_pack_map(ctx->pk, 4);
    pack_served(ctx);
    proto_kv_str(ctx->pk, "as_of", rows > 0 ? db_get(r, 0, "_today") : "");
    proto_pack_cstr(ctx->pk, "stages");
    msgpack_pack_array(ctx->pk, PIPELINE_STAGES);
    int i = 0;
    for (unsigned s = 0; s < PIPELINE_STAGES; s++) {
        int first = i;
        while (i < rows && strcmp(db_get(r, i, "stage"), pipeline_stages[s]) == 0)
            i++;
        pack_pipeline_stage(ctx->pk, r, pipeline_stages[s], first, i);
    }
    PQclear(r);
    return 0;
}

/* ---- the rows of this area in the operation table (optable.c) ---- */

static const struct arg_spec renewals_args[] = {
    {"within_days", ARG_U64, false, 1, RENEWALS_DAYS_MAX, NULL},
    END_ARGS,
};

/* DESIGN §3: reports are the account team's (an AE sees their own, a manager the team's, a
   director all, by RLS); finance has the aging and profitability reports, not these. */
static const struct op rows[] = {
    {"report.renewals", op_report_renewals, ROLES_STAFF, OPF_REPLICA, renewals_args,
     "Contracts ending within 30/60/90 days (within_days), owner, whether renewal has started"},
    {"report.pipeline", op_report_pipeline, ROLES_STAFF, OPF_REPLICA, op_args_none,
     "Open campaigns by stage: count, budget per currency, ageing in stage"},
};

OP_AREA(ops_reports, "reports", rows);
