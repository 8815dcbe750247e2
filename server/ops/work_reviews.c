/*
 * work_reviews.c - reviews: review.record (a campaign, quarterly or survey score of 1-10 with
 * notes) and review.list. They feed the client's health in client.get (sql/044).
 */
#include <stdio.h>

#include "work.h"

#define REVIEW_COLUMNS                                                                             \
    " r.id, r.client_id, c.name AS client_name, r.campaign_id, r.kind, r.period, r.score,"         \
    " r.notes, r.reviewed_on, r.created_at, u.id AS \"created_by.id\","                            \
    " u.full_name AS \"created_by.full_name\""

static const char sql_review_get[] =
    "SELECT" REVIEW_COLUMNS " FROM agency.reviews r JOIN agency.clients c ON c.id = r.client_id"
    " LEFT JOIN agency.users u ON u.id = r.created_by WHERE r.id = $1::bigint";
static const char sql_campaign_of_client[] =
    "SELECT count(*) AS n FROM agency.campaigns k WHERE k.id = $1::bigint"
    " AND k.client_id = $2::bigint";
/* Inserts nothing when the client is not visible (its policy). */
static const char sql_review_insert[] =
    "INSERT INTO agency.reviews (client_id, campaign_id, kind, period, score, notes, reviewed_on,"
    " created_by)"
    " SELECT c.id, $2::bigint, $3, nullif($4, ''), $5::int, nullif($6, ''),"
    " coalesce($7::date, agency.today()), agency.current_user_id()"
    " FROM agency.clients c WHERE c.id = $1::bigint RETURNING id";
static const char sql_review_list[] =
    "SELECT" REVIEW_COLUMNS ", 'R,' || r.id AS _cursor"
    " FROM agency.reviews r JOIN agency.clients c ON c.id = r.client_id"
    " LEFT JOIN agency.users u ON u.id = r.created_by"
    " WHERE ($1::bigint IS NULL OR r.client_id = $1::bigint)"
    " AND ($2::bigint IS NULL OR r.campaign_id = $2::bigint) AND ($3::text IS NULL OR r.kind = $3)"
    " AND ($4::bigint IS NULL OR r.id < $4::bigint) ORDER BY r.id DESC LIMIT $5::int";

int work_review_record(struct op_ctx *ctx)
{
    const char *client = op_text(ctx, "client_id"), *campaign = op_text(ctx, "campaign_id");
    if (opu_client_visible(ctx, client) < 0)
        return -1;
    if (campaign) {
        const char *p[2] = {campaign, client};
        long n = opu_one_n(ctx, sql_campaign_of_client, 2, p, "no such campaign");
        if (n < 0)
            return -1;
        if (n == 0)
            return op_invalid(ctx, "campaign_id", "not a campaign of this client");
    }
    const char *params[7] = {client,
                             campaign,
                             op_text(ctx, "kind"),
                             op_text(ctx, "period"),
                             op_text(ctx, "score"),
                             op_text(ctx, "notes"),
                             op_text(ctx, "reviewed_on")};
    char id[24];
    if (opu_insert_under_client(ctx, sql_review_insert, 7, params, id) < 0)
        return -1;
    work_audit(ctx, "review", id, "%s score %s for client %s", params[2], params[4], client);
    return opu_pack_one(ctx, sql_review_get, "review", id);
}

int work_review_list(struct op_ctx *ctx)
{
    const char *client = op_text(ctx, "client_id");
    if (client && opu_client_visible(ctx, client) < 0)
        return -1;
    char c0[24], lim[24];
    int ncur = opu_cursor_one(ctx, 'R', c0);
    if (ncur < 0)
        return -1;
    int limit = opu_limit(ctx);
    const char *params[5] = {client, op_text(ctx, "campaign_id"), op_text(ctx, "kind"),
                             ncur ? c0 : NULL, opu_u64(lim, (uint64_t)limit + 1)};
    PGresult *r = db_exec(ctx, sql_review_list, 5, params);
    if (!r)
        return -1;
    opu_pack_keyset_page(ctx->pk, r, limit);
    PQclear(r);
    return 0;
}
