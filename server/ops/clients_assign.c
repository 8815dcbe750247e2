/*
 * clients_assign.c - handing clients over: client.assign (managers within their team,
 * directors anywhere, a reason always). The owner history is kept by a trigger
 * (sql/010_clients.sql); the new owner is told through a client.assigned event
 * (agency.client_assigned_event, sql/023, delivered after COMMIT). A leaver's clients are
 * handed over by agency.clients_hand_over (user.deactivate, staff_users.c).
 */
#include <stdio.h>
#include <string.h>

#include "clients.h"
#include "op_util.h"

/* Most client ids one event lists (a NOTIFY payload stays well under 8000 bytes). */
#define EVENT_IDS_MAX 100

static const char sql_set_reason[] =
    "SELECT set_config('agency.assign_reason', $1, true) IS NOT NULL AS ok";
/* Ids of $1 the caller cannot see, in the order given. */
static const char sql_missing[] =
    "SELECT x.id FROM unnest($1::bigint[]) WITH ORDINALITY AS x (id, n)"
    " WHERE NOT EXISTS (SELECT 1 FROM agency.clients c WHERE c.id = x.id) ORDER BY x.n LIMIT 1";
static const char sql_assign_ids[] =
    "UPDATE agency.clients c SET owner_id = $2::bigint, version = c.version + 1"
    " WHERE c.id = ANY ($1::bigint[]) AND c.owner_id <> $2::bigint RETURNING c.id, c.name";
static const char sql_notify[] =
    "SELECT agency.client_assigned_event($1::bigint, $2::bigint[], $3::int, $4, $5)";

/* Sets the reason the owner-history trigger records for this transaction's changes. */
static int set_reason(struct op_ctx *ctx, const char *reason)
{
    const char *params[1] = {reason};
    return opu_exec_count(ctx, sql_set_reason, 1, params) < 0 ? -1 : 0;
}

/* Writes the ids of rows of r (column id, at most max) as "{1,2}" into out. */
static void ids_literal(const PGresult *r, int max, char *out, size_t outlen)
{
    size_t used = 0;
    int n = PQntuples(r) < max ? PQntuples(r) : max;
    out[used++] = '{';
    for (int i = 0; i < n && used + 24 < outlen; i++) {
        int w = snprintf(out + used, outlen - used, "%s%s", i ? "," : "", db_get(r, i, "id"));
        used += w > 0 ? (size_t)w : 0;
    }
    snprintf(out + used, outlen - used, "}");
}

/* Tells user `to` that the clients of r were assigned to them (not when they did it). */
static int notify_assigned(struct op_ctx *ctx, const char *to, const PGresult *moved,
                           const char *reason)
{
    int n = PQntuples(moved);
    if (n == 0 || opu_parse_u64(to) == ctx->sess.user_id)
        return 0;
    char ids[EVENT_IDS_MAX * 21 + 8], count[24];
    ids_literal(moved, EVENT_IDS_MAX, ids, sizeof ids);
    const char *params[5] = {to, ids, opu_u64(count, (uint64_t)n),
                             n == 1 ? db_get(moved, 0, "name") : NULL, reason};
    return opu_exec_count(ctx, sql_notify, 5, params) < 0 ? -1 : 0;
}

/* All of the given ids must be clients the caller can see: 0, or -1 with not_found. */
static int check_visible(struct op_ctx *ctx, const char *ids)
{
    const char *params[1] = {ids};
    PGresult *r = db_exec(ctx, sql_missing, 1, params);
    if (!r)
        return -1;
    if (PQntuples(r) == 0) {
        PQclear(r);
        return 0;
    }
    char target[40];
    snprintf(target, sizeof target, "client:%s", db_get(r, 0, "id"));
    PQclear(r);
    op_audit(ctx, target, "assign: no such client in the caller's scope");
    return op_fail(ctx, PE_NOT_FOUND, "no such client");
}

int op_client_assign(struct op_ctx *ctx)
{
    const char *ids = op_text(ctx, "ids"), *to = op_text(ctx, "owner_id");
    const char *reason = op_text(ctx, "reason");
    if (clients_check_owner(ctx, "owner_id", to) < 0 || check_visible(ctx, ids) < 0 ||
        set_reason(ctx, reason) < 0)
        return -1;
    const char *params[2] = {ids, to};
    PGresult *moved = db_exec(ctx, sql_assign_ids, 2, params);
    if (!moved)
        return -1;
    int n = PQntuples(moved);
    if (notify_assigned(ctx, to, moved, reason) < 0) {
        PQclear(moved);
        return -1;
    }
    char target[40], list[256];
    ids_literal(moved, 10, list, sizeof list);
    if (n == 1)
        snprintf(target, sizeof target, "client:%s", db_get(moved, 0, "id"));
    else
        snprintf(target, sizeof target, "clients:%d", n);
    PQclear(moved);
    op_audit(ctx, target, "assigned %d client%s %s%s to user %s: %s", n, n == 1 ? "" : "s", list,
             n > 10 ? "..." : "", to, reason);
    msgpack_pack_map(ctx->pk, 1);
    proto_kv_u64(ctx->pk, "assigned", (uint64_t)n);
    return 0;
}
