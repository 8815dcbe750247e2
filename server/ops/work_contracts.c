/*
 * work_contracts.c - contracts: contract.create, .get, .list, .update, .transition, .renewals.
 * The rules are the database's (sql/040, sql/041): the state machine and who signs in the
 * contracts guard, amendments in agency.contract_update, the queue in agency.contract_renewals.
 */
#include <stdio.h>
#include <string.h>

#include "work.h"

#define CONTRACT_COLUMNS                                                                           \
    " k.id, k.client_id, c.name AS client_name, k.number, k.title, k.starts_on, k.ends_on,"        \
    " k.amount, k.currency, k.payment_terms, k.scope, k.status, k.renews_id,"                      \
    " (SELECT s.id FROM agency.contracts s WHERE s.renews_id = k.id AND s.status <> 'void')"       \
    "   AS renewed_by_id,"                                                                         \
    " k.activated_at, k.activated_by, k.closed_at, k.closed_by, k.close_reason,"                   \
    " k.renewal_notified_at, k.created_at, k.updated_at, k.version"

static const char sql_contract_get[] =
    "SELECT" CONTRACT_COLUMNS " FROM agency.contracts k JOIN agency.clients c ON c.id = k.client_id"
    " WHERE k.id = $1::bigint";
static const char sql_amendments[] =
    "SELECT a.id, a.version, a.reason, a.old_amount, a.new_amount, a.old_currency, a.new_currency,"
    " a.old_starts_on, a.new_starts_on, a.old_ends_on, a.new_ends_on, a.created_at,"
    " u.id AS \"created_by.id\", u.full_name AS \"created_by.full_name\""
    " FROM agency.contract_amendments a LEFT JOIN agency.users u ON u.id = a.created_by"
    " WHERE a.contract_id = $1::bigint ORDER BY a.version";
/* The contract a new one renews: visible, of the same client, not void, no live successor. */
static const char sql_renews_check[] =
    "SELECT (k.client_id = $2::bigint AND k.status <> 'void'"
    " AND NOT EXISTS (SELECT 1 FROM agency.contracts s WHERE s.renews_id = k.id"
    "   AND s.status <> 'void')) AS ok FROM agency.contracts k WHERE k.id = $1::bigint";
/* Inserts nothing when the client is not visible, or (ON CONFLICT) when the number is taken. */
static const char sql_contract_insert[] =
    "INSERT INTO agency.contracts (client_id, number, title, starts_on, ends_on, amount, currency,"
    " payment_terms, scope, renews_id, created_by)"
    " SELECT c.id, $2, $3, $4::date, $5::date, $6::bigint, $7, nullif($8, ''), nullif($9, ''),"
    " $10::bigint, agency.current_user_id() FROM agency.clients c WHERE c.id = $1::bigint"
    " ON CONFLICT DO NOTHING RETURNING id";
static const char sql_contract_list[] =
    "SELECT" CONTRACT_COLUMNS ", 'K,' || k.id AS _cursor"
    " FROM agency.contracts k JOIN agency.clients c ON c.id = k.client_id"
    " WHERE ($1::bigint IS NULL OR k.client_id = $1::bigint) AND ($2::text IS NULL OR k.status = "
    "$2)"
    " AND ($3::bigint IS NULL OR k.id < $3::bigint) ORDER BY k.id DESC LIMIT $4::int";
static const char sql_contract_update[] =
    "SELECT agency.contract_update($1::bigint, $2::int, $3, $4, $5::date, $6::date, $7::bigint, $8,"
    " $9, $10, $11) AS id";
static const char sql_contract_transition[] =
    "UPDATE agency.contracts k SET status = $2,"
    " activated_at = CASE WHEN $2 = 'active' THEN agency.now() ELSE k.activated_at END,"
    " activated_by = CASE WHEN $2 = 'active' THEN agency.current_user_id() ELSE k.activated_by END,"
    " closed_at = CASE WHEN $2 IN ('completed', 'terminated', 'void') THEN agency.now() END,"
    " closed_by = CASE WHEN $2 IN ('completed', 'terminated', 'void')"
    "   THEN agency.current_user_id() END,"
    " close_reason = CASE WHEN $2 IN ('completed', 'terminated', 'void')"
    "   THEN nullif(btrim($3), '') END,"
    " updated_at = agency.now(), version = k.version + 1"
    " WHERE k.id = $1::bigint RETURNING k.id, k.status";
static const char sql_contract_status[] =
    "SELECT status FROM agency.contracts WHERE id = $1::bigint FOR UPDATE";
static const char sql_renewals[] =
    "SELECT r.id, r.client_id, r.client_name, r.owner_id AS \"owner.id\","
    " r.owner_full_name AS \"owner.full_name\", r.number, r.title, r.starts_on, r.ends_on,"
    " r.days_left, r.amount, r.currency, r.renewal_notified_at"
    " FROM agency.contract_renewals($1::int) r LIMIT 1000";

/* The fields of contract.update, in the order of agency.contract_update's p_number.. p_reason. */
static const char *const update_fields[] = {"number",        "title",  "starts_on",
                                            "ends_on",       "amount", "currency",
                                            "payment_terms", "scope",  "reason"};
#define UPDATE_FIELDS (sizeof update_fields / sizeof update_fields[0])

/* Packs contract id with its amendments as the contract operations answer it. */
static int pack_contract(struct op_ctx *ctx, const char *id)
{
    const char *params[1] = {id};
    PGresult *k = db_exec(ctx, sql_contract_get, 1, params);
    if (!k)
        return -1;
    if (PQntuples(k) == 0) {
        PQclear(k);
        return opu_not_found(ctx, "contract", id);
    }
    PGresult *a = db_exec(ctx, sql_amendments, 1, params);
    if (!a) {
        PQclear(k);
        return -1;
    }
    work_pack_with_lines(ctx, k, "amendments", a);
    return 0;
}

int work_contract_create(struct op_ctx *ctx)
{
    const char *client = op_text(ctx, "client_id"), *renews = op_text(ctx, "renews_id");
    if (opu_client_visible(ctx, client) < 0)
        return -1;
    if (renews) {
        const char *p[2] = {renews, client};
        PGresult *r = db_exec(ctx, sql_renews_check, 2, p);
        if (!r)
            return -1;
        bool ok = PQntuples(r) == 1 && opu_true(r, 0, "ok");
        PQclear(r);
        if (!ok)
            return op_invalid(ctx, "renews_id",
                              "not a contract of this client that still awaits its renewal");
    }
    const char *params[10] = {client,
                              op_text(ctx, "number"),
                              op_text(ctx, "title"),
                              op_text(ctx, "starts_on"),
                              op_text(ctx, "ends_on"),
                              op_text(ctx, "amount"),
                              op_text(ctx, "currency"),
                              op_text(ctx, "payment_terms"),
                              op_text(ctx, "scope"),
                              renews};
    PGresult *r = opu_insert_one(ctx, sql_contract_insert, 10, params, "number",
                                 "another contract has this number");
    if (!r)
        return -1;
    char id[24];
    snprintf(id, sizeof id, "%s", db_get(r, 0, "id"));
    PQclear(r);
    work_audit(ctx, "contract", id, "created %s for client %s", op_text(ctx, "number"), client);
    return pack_contract(ctx, id);
}

int work_contract_get(struct op_ctx *ctx)
{
    return pack_contract(ctx, op_text(ctx, "id"));
}

int work_contract_list(struct op_ctx *ctx)
{
    const char *client = op_text(ctx, "client_id");
    if (client && opu_client_visible(ctx, client) < 0)
        return -1;
    char c0[24], lim[24];
    int ncur = opu_cursor_one(ctx, 'K', c0);
    if (ncur < 0)
        return -1;
    int limit = opu_limit(ctx);
    const char *params[4] = {client, op_text(ctx, "status"), ncur ? c0 : NULL,
                             opu_u64(lim, (uint64_t)limit + 1)};
    PGresult *r = db_exec(ctx, sql_contract_list, 4, params);
    if (!r)
        return -1;
    opu_pack_keyset_page(ctx->pk, r, limit);
    PQclear(r);
    return 0;
}

int work_contract_update(struct op_ctx *ctx)
{
    const char *id = op_text(ctx, "id");
    const char *params[2 + UPDATE_FIELDS] = {id, op_text(ctx, "version")};
    for (size_t i = 0; i < UPDATE_FIELDS; i++)
        params[2 + i] = op_text(ctx, update_fields[i]);
    PGresult *r =
        db_one(ctx, sql_contract_update, 2 + (int)UPDATE_FIELDS, params, "no such contract");
    if (!r)
        return -1;
    bool missing = PQgetisnull(r, 0, 0);
    PQclear(r);
    if (missing)
        return opu_not_found(ctx, "contract", id);
    char detail[200] = "";
    opu_changed_fields(ctx, update_fields, UPDATE_FIELDS, detail, sizeof detail);
    work_audit(ctx, "contract", id, "changed %s", detail[0] ? detail : "nothing");
    return pack_contract(ctx, id);
}

int work_contract_transition(struct op_ctx *ctx)
{
    const char *id = op_text(ctx, "id"), *to = op_text(ctx, "to");
    const char *params[3] = {id, to, op_text(ctx, "reason")};
    PGresult *r = db_exec(ctx, sql_contract_status, 1, params);
    if (!r)
        return -1;
    int n = PQntuples(r);
    bool same = n == 1 && strcmp(db_get(r, 0, "status"), to) == 0;
    PQclear(r);
    if (n == 0)
        return opu_not_found(ctx, "contract", id);
    if (same)
        return op_invalid(ctx, "to", "the contract is already in that state");
    r = db_exec(ctx, sql_contract_transition, 3, params);
    if (!r)
        return -1;
    PQclear(r);
    const char *reason = op_text(ctx, "reason");
    work_audit(ctx, "contract", id, "to %s%s%s", to, reason ? ": " : "", reason ? reason : "");
    return pack_contract(ctx, id);
}

int work_contract_renewals(struct op_ctx *ctx)
{
    char days[24];
    uint64_t d = op_has(ctx, "within_days") ? op_u64(ctx, "within_days") : WORK_RENEWAL_DAYS;
    const char *params[1] = {opu_u64(days, d)};
    PGresult *r = db_exec(ctx, sql_renewals, 1, params);
    if (!r)
        return -1;
    msgpack_pack_map(ctx->pk, 2);
    proto_kv_u64(ctx->pk, "within_days", d);
    proto_pack_cstr(ctx->pk, "items");
    work_pack_rows(ctx->pk, r);
    PQclear(r);
    return 0;
}
