/*
 * server_stats.c - server.stats: how this agencyd is doing (its own counters, stats.h) and how
 * far the audit trail's sealing lags behind its writers (the database). Directors only.
 */
#include "op_schema.h"
#include "op_util.h"
#include "stats.h"

/* Rows not sealed into the chain yet, and how long the oldest of them has waited (ms). */
static const char sql_seal_lag[] =
    "SELECT (SELECT count(*) FROM agency.audit_log a WHERE a.seal_seq IS NULL) AS unsealed,"
    " coalesce((SELECT (extract(epoch FROM clock_timestamp() - a.at) * 1000)::bigint"
    "   FROM agency.audit_log a WHERE a.seal_seq IS NULL ORDER BY a.id LIMIT 1), 0) AS lag_ms,"
    " (SELECT a.id FROM agency.audit_log a WHERE a.seal_seq IS NOT NULL"
    "   ORDER BY a.seal_seq DESC LIMIT 1) AS sealed_through";

static int op_server_stats(struct op_ctx *ctx)
{
    PGresult *r = db_one(ctx, sql_seal_lag, 0, NULL, "no audit trail");
    if (!r)
        return -1;
    msgpack_pack_map(ctx->pk, STATS_FIELDS + 1);
    stats_pack_fields(ctx->pk);
    proto_pack_cstr(ctx->pk, "audit");
    db_pack_row(ctx->pk, r, 0);
    PQclear(r);
    return 0;
}

/* ---- the rows of this area in the operation table (optable.c) ---- */

static const struct op rows[] = {
    {"server.stats", op_server_stats, ROLE_DIRECTOR, 0, op_args_none,
     "This server's connections, requests and latency by operation, errors, pool, seal lag"},
};

OP_AREA(ops_server, "server", rows);
