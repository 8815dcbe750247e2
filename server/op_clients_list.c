/*
 * op_clients_list.c - client.list: the clients in the caller's scope (row-level security),
 * filtered, ordered by name or - with q - searched by name, legal name, registration number
 * and contact names in any script and ranked by similarity; keyset paging with opaque cursors.
 */
#include <stdio.h>
#include <string.h>

#include "clients.h"
#include "handlers.h"
#include "op_util.h"

/* The columns of a listed client. */
#define LIST_COLUMNS                                                                               \
    " c.id, c.name, c.legal_name, c.registration_no, c.industry, c.tier, c.status,"                \
    " u.id AS \"owner.id\", u.full_name AS \"owner.full_name\", c.archived_at, c.updated_at,"      \
    " c.version"

/* The filters $1 tier, $2 status, $3 owner_id, $4 team_id (the owner's team), $5 archived. */
#define LIST_FILTERS                                                                               \
    " ($1::text IS NULL OR c.tier = $1) AND ($2::text IS NULL OR c.status = $2)"                   \
    " AND ($3::bigint IS NULL OR c.owner_id = $3::bigint)"                                         \
    " AND ($4::bigint IS NULL OR u.team_id = $4::bigint)"                                          \
    " AND CASE WHEN coalesce($5::boolean, false) THEN c.archived_at IS NOT NULL"                   \
    "   ELSE c.archived_at IS NULL END"

/* By name: after the cursor's client ($6) in (name, id) order; $7 rows. */
static const char sql_list_by_name[] =
    "SELECT" LIST_COLUMNS ", 'n,' || c.id AS _cursor"
    " FROM agency.clients c JOIN agency.users u ON u.id = c.owner_id"
    " WHERE" LIST_FILTERS
    " AND ($6::bigint IS NULL OR (c.name, c.id) > (SELECT k.name, k.id FROM agency.clients k"
    "   WHERE k.id = $6::bigint))"
    " ORDER BY c.name, c.id LIMIT $7::int";

/*
 * Search: $8 the query. The score (per mille) of a client is the best of: similarity of the
 * normalised name (an equal name 1000, a name starting with the query 950, containing it 850),
 * of the legal name, the registration number (equal 1000, containing it 700) and of a live
 * contact's name (90 % of its own score). At least 300 to be listed. Keyset: after ($6 score,
 * $9 id) in (score desc, id) order.
 */
static const char sql_list_search[] =
    "WITH q AS (SELECT agency.normalize_name($8) AS n, agency.normalize_regno($8) AS r),"
    " m AS (SELECT c.id, round(1000 * greatest("
    "   similarity(c.name_norm, q.n),"
    "   CASE WHEN c.name_norm = q.n THEN 1 WHEN starts_with(c.name_norm, q.n) THEN 0.95"
    "     WHEN strpos(c.name_norm, q.n) > 0 THEN 0.85 ELSE 0 END,"
    "   similarity(c.legal_norm, q.n) * 0.95,"
    "   CASE WHEN strpos(c.legal_norm, q.n) > 0 THEN 0.8 ELSE 0 END,"
    "   CASE WHEN c.reg_norm = q.r THEN 1"
    "     WHEN length(q.r) >= 4 AND strpos(c.reg_norm, q.r) > 0 THEN 0.7 ELSE 0 END,"
    "   0.9 * (SELECT max(greatest(similarity(k.name_norm, q.n),"
    "       CASE WHEN k.name_norm = q.n THEN 1 WHEN strpos(k.name_norm, q.n) > 0 THEN 0.85"
    "       ELSE 0 END))"
    "     FROM agency.contacts k WHERE k.client_id = c.id AND k.archived_at IS NULL)"
    "   ))::int AS score"
    "   FROM agency.clients c CROSS JOIN q JOIN agency.users u ON u.id = c.owner_id"
    "   WHERE" LIST_FILTERS ")"
    " SELECT" LIST_COLUMNS ", (m.score / 10)::int AS similarity,"
    " 'q,' || m.score || ',' || c.id AS _cursor"
    " FROM m JOIN agency.clients c ON c.id = m.id JOIN agency.users u ON u.id = c.owner_id"
    " WHERE m.score >= 300"
    " AND ($6::int IS NULL OR m.score < $6::int OR (m.score = $6::int AND c.id > $9::bigint))"
    " ORDER BY m.score DESC, c.id LIMIT $7::int";

static const char sql_has_text[] = "SELECT agency.normalize_name($1) <> '' AS ok";

/* The query must hold a letter or digit once normalised. 0, or -1 with invalid q. */
static int check_query(struct op_ctx *ctx, const char *q)
{
    const char *params[1] = {q};
    PGresult *r = db_one(ctx, sql_has_text, 1, params, "no such query");
    if (!r)
        return -1;
    bool ok = opu_true(r, 0, "ok");
    PQclear(r);
    return ok ? 0 : op_invalid(ctx, "q", "has no letters or digits to search for");
}

int op_client_list(struct op_ctx *ctx)
{
    const char *q = op_text(ctx, "q");
    int64_t cur[2] = {0, 0};
    int ncur = clients_cursor(ctx, q ? 'q' : 'n', cur);
    if (ncur < 0 || (q && ncur != 0 && ncur != 2) || (!q && ncur > 1))
        return ncur < 0 ? -1 : op_invalid(ctx, "cursor", "is not a cursor of this list");
    if (q && check_query(ctx, q) < 0)
        return -1;
    int limit = clients_limit(ctx);
    char c0[24], c1[24], lim[24];
    snprintf(c0, sizeof c0, "%lld", (long long)cur[0]);
    snprintf(c1, sizeof c1, "%lld", (long long)cur[1]);
    const char *params[9] = {op_text(ctx, "tier"),
                             op_text(ctx, "status"),
                             op_text(ctx, "owner_id"),
                             op_text(ctx, "team_id"),
                             op_text(ctx, "archived"),
                             ncur ? c0 : NULL,
                             opu_u64(lim, (uint64_t)limit + 1),
                             q,
                             ncur ? c1 : NULL};
    PGresult *r =
        q ? db_exec(ctx, sql_list_search, 9, params) : db_exec(ctx, sql_list_by_name, 7, params);
    if (!r)
        return -1;
    clients_pack_page(ctx->pk, r, limit);
    PQclear(r);
    return 0;
}
