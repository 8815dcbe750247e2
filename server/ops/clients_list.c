/*
 * clients_list.c - client.list: the clients in the caller's scope (row-level security),
 * filtered, ordered by name or - with q - searched by name, legal name, registration number
 * and contact names in any script and ranked by similarity; keyset paging with opaque cursors.
 */
#include <stdio.h>
#include <string.h>

#include "clients.h"
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
 * Search: $8 the normalised query, $10 its registration-number form, $11 the same when it is
 * long enough (4+) to search inside registration numbers, else NULL. agency.client_search()
 * (sql/020) finds the page in the caller's scope: clients whose normalised name, legal name or
 * registration number, or a live contact's name, match, ranked by a score (per mille) - the
 * best of the similarity of the name (equal 1000, starting with the query 950, containing it
 * 850), of the legal name (95 %; containing the query 800), of the registration number (equal
 * 1000, containing it 700) and of a contact's name (90 % of that contact's score) - at least
 * 300, with the filters; keyset after ($6 score, $9 id) in (score desc, id) order. It reads
 * each kind of match from its own index and stops after a page; the clients policy applies
 * again to the join here, which probes clients by primary key because the function is declared
 * to return a page (ROWS 20, sql/020; planned for 1,000 rows it hashed every client in scope).
 */
static const char sql_list_search[] =
    "SELECT" LIST_COLUMNS ", (s.score / 10)::int AS similarity,"
    " 'q,' || s.score || ',' || c.id AS _cursor"
    " FROM agency.client_search($8, $10, $11, $7::int, $1, $2, $3::bigint, $4::bigint,"
    "   $5::boolean, $6::int, $9::bigint) s"
    " JOIN agency.clients c ON c.id = s.id JOIN agency.users u ON u.id = c.owner_id"
    " ORDER BY s.score DESC, c.id";

static const char sql_normalise[] =
    "SELECT agency.normalize_name($1) AS n, agency.normalize_regno($1) AS r";

/* The query's normalised forms into n (name) and r (registration number, "" for none); the
 * query must hold a letter or digit once normalised. 0, or -1 with invalid q. */
static int normalise_query(struct op_ctx *ctx, const char *q, char *n, char *r, size_t size)
{
    const char *params[1] = {q};
    PGresult *res = db_one(ctx, sql_normalise, 1, params, "no such query");
    if (!res)
        return -1;
    const char *qn = db_get(res, 0, "n"), *qr = db_get(res, 0, "r");
    snprintf(n, size, "%s", qn ? qn : "");
    snprintf(r, size, "%s", qr ? qr : "");
    PQclear(res);
    return n[0] ? 0 : op_invalid(ctx, "q", "has no letters or digits to search for");
}

int op_client_list(struct op_ctx *ctx)
{
    const char *q = op_text(ctx, "q");
    int64_t cur[2] = {0, 0};
    int ncur = opu_cursor(ctx, q ? 'q' : 'n', cur);
    if (ncur < 0 || (q && ncur != 0 && ncur != 2) || (!q && ncur > 1) ||
        (q && ncur == 2 && cur[0] > 1000))
        return ncur < 0 ? -1 : op_invalid(ctx, "cursor", "is not a cursor of this list");
    char qn[1024] = "", qr[1024] = "";
    if (q && normalise_query(ctx, q, qn, qr, sizeof qn) < 0)
        return -1;
    int limit = opu_limit(ctx);
    char c0[24], c1[24], lim[24];
    snprintf(c0, sizeof c0, "%lld", (long long)cur[0]);
    snprintf(c1, sizeof c1, "%lld", (long long)cur[1]);
    const char *params[11] = {op_text(ctx, "tier"),
                              op_text(ctx, "status"),
                              op_text(ctx, "owner_id"),
                              op_text(ctx, "team_id"),
                              op_text(ctx, "archived"),
                              ncur ? c0 : NULL,
                              opu_u64(lim, (uint64_t)limit + 1),
                              qn,
                              ncur ? c1 : NULL,
                              qr[0] ? qr : NULL,
                              strlen(qr) >= 4 ? qr : NULL};
    PGresult *r =
        q ? db_exec(ctx, sql_list_search, 11, params) : db_exec(ctx, sql_list_by_name, 7, params);
    if (!r)
        return -1;
    opu_pack_keyset_page(ctx->pk, r, limit);
    PQclear(r);
    return 0;
}
