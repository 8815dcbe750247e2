/*
 * audit.c - the audit trail as a director's tool: audit.search (filtered, newest first, keyset
 * paged), audit.verify (the hash chain walked, resumable) and audit.access (who could see a
 * client at an instant, rebuilt from the kept histories: sql/031). Only directors read the
 * trail (the rows below and the trail's policy); every reading is itself audited.
 */
#include <stdio.h>
#include <string.h>

#include "op_schema.h"
#include "op_util.h"

/* Rows one audit.verify walks: the default keeps a call to a second or two (statement_timeout is
 * 5 s by default), the client walks a long chain in steps. */
#define AUDIT_VERIFY_DEFAULT   20000
#define AUDIT_VERIFY_LIMIT_MAX 50000
#define AUDIT_OP_MAX           64

/* Checks the filters' names in one statement: each column is true when its argument names
 * something that exists (or is absent), and when since <= until. */
static const char sql_search_check[] =
    "SELECT ($1::bigint IS NULL OR EXISTS (SELECT 1 FROM agency.users u WHERE u.id = $1::bigint))"
    "   AS user_ok,"
    " ($2::bigint IS NULL OR EXISTS (SELECT 1 FROM agency.clients c WHERE c.id = $2::bigint))"
    "   AS client_ok,"
    " ($3::bigint IS NULL OR EXISTS (SELECT 1 FROM agency.branches b WHERE b.id = $3::bigint))"
    "   AS branch_ok,"
    " ($4::timestamptz IS NULL OR $5::timestamptz IS NULL OR $4::timestamptz <= $5::timestamptz)"
    "   AS period_ok";

/* Newest first: $1 user, $2 client (target "client:<id>"), $3 branch, $4 since, $5 until,
 * $6 op, $7 outcome class, $8 the cursor's row id, $9 rows, $10 the filters' fingerprint (the
 * cursor carries it, so that a cursor only continues the query that made it). */
static const char sql_search[] =
    "SELECT a.id, a.at, u.id AS \"user.id\", coalesce(u.full_name, a.username) AS \"user.name\","
    " a.username AS \"user.username\", a.role, a.branch_id AS \"branch.id\","
    " b.name AS \"branch.name\", host(a.peer) AS peer, a.session_id, a.op,"
    " t.kind AS \"target.kind\", t.id AS \"target.id\", coalesce(CASE t.kind"
    "   WHEN 'client' THEN (SELECT c.name FROM agency.clients c WHERE c.id = t.id)"
    "   WHEN 'user' THEN (SELECT x.full_name FROM agency.users x WHERE x.id = t.id)"
    "   WHEN 'team' THEN (SELECT m.name FROM agency.teams m WHERE m.id = t.id)"
    "   WHEN 'branch' THEN (SELECT y.name FROM agency.branches y WHERE y.id = t.id)"
    " END, a.target) AS \"target.name\","
    " agency.audit_outcome_class(a.outcome) AS outcome, a.outcome AS code, a.detail,"
    " 'A,' || a.id || ',' || $10 AS _cursor"
    " FROM agency.audit_log a LEFT JOIN agency.users u ON u.id = a.user_id"
    " LEFT JOIN agency.branches b ON b.id = a.branch_id"
    " CROSS JOIN LATERAL (SELECT split_part(a.target, ':', 1) AS kind,"
    "   CASE WHEN split_part(a.target, ':', 2) ~ '^[0-9]{1,18}$'"
    "   THEN split_part(a.target, ':', 2)::bigint END AS id) t"
    " WHERE ($1::bigint IS NULL OR a.user_id = $1::bigint)"
    " AND ($2::bigint IS NULL OR a.target = 'client:' || $2::bigint)"
    " AND ($3::bigint IS NULL OR a.branch_id = $3::bigint)"
    " AND ($4::timestamptz IS NULL OR a.at >= $4::timestamptz)"
    " AND ($5::timestamptz IS NULL OR a.at <= $5::timestamptz)"
    " AND ($6::text IS NULL OR a.op = $6)"
    " AND ($7::text IS NULL OR agency.audit_outcome_class(a.outcome) = $7)"
    " AND ($8::bigint IS NULL OR a.id < $8::bigint)"
    " ORDER BY a.id DESC LIMIT $9::int";

static const char sql_verify[] =
    "SELECT ok, checked, first_bad_id, sealed_through, sealed, unsealed, next_id"
    " FROM agency.audit_verify_range($1::bigint, $2::bigint)";

static const char sql_access_client[] =
    "SELECT c.id, c.name, $2::timestamptz > agency.now() AS _future"
    " FROM agency.clients c WHERE c.id = $1::bigint";
static const char sql_access[] =
    "SELECT x.user_id AS \"user.id\", x.username AS \"user.username\","
    " x.full_name AS \"user.full_name\", x.role, x.rule, x.sees, x.valid_from, x.valid_to"
    " FROM agency.audit_access($1::bigint, $2::timestamptz) x";

/* The names of audit.search's filters, in the order of sql_search's $1..$7. */
static const char *const search_filters[] = {"user_id", "client_id", "branch_id", "since",
                                             "until",   "op",        "outcome"};
#define SEARCH_NFILTERS (sizeof search_filters / sizeof search_filters[0])

/* A fingerprint of the filters (FNV-1a, 31 bits) as decimal text into out. */
static const char *filters_fingerprint(const struct op_ctx *ctx, char out[24])
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < SEARCH_NFILTERS; i++) {
        const char *v = op_text(ctx, search_filters[i]);
        for (const char *p = v ? v : ""; *p; p++)
            h = (h ^ (unsigned char)*p) * 16777619u;
        h = (h ^ (v ? 0x1fu : 0x1eu)) * 16777619u;
    }
    return opu_u64(out, h & 0x7fffffffu);
}

/* The filters name existing things and an ordered period; op a known operation. 0, or -1
 * with invalid (the field) or a database error. */
static int search_check(struct op_ctx *ctx)
{
    const char *op = op_text(ctx, "op");
    if (op && !op_find(op, strlen(op)))
        return op_invalid(ctx, "op", "is not an operation (see meta.operations)");
    const char *params[5] = {op_text(ctx, "user_id"), op_text(ctx, "client_id"),
                             op_text(ctx, "branch_id"), op_text(ctx, "since"),
                             op_text(ctx, "until")};
    PGresult *r = db_one(ctx, sql_search_check, 5, params, "no such filter");
    if (!r)
        return -1;
    const char *field = !opu_true(r, 0, "user_ok")     ? "user_id"
                        : !opu_true(r, 0, "client_ok") ? "client_id"
                        : !opu_true(r, 0, "branch_ok") ? "branch_id"
                        : !opu_true(r, 0, "period_ok") ? "until"
                                                       : NULL;
    PQclear(r);
    if (!field)
        return 0;
    return op_invalid(
        ctx, field, strcmp(field, "until") == 0 ? "is before since" : "names nothing that exists");
}

static int op_audit_search(struct op_ctx *ctx)
{
    if (search_check(ctx) < 0)
        return -1;
    char print[24], c0[24], lim[24];
    filters_fingerprint(ctx, print);
    int64_t cur[2] = {0, 0};
    int ncur = opu_cursor(ctx, 'A', cur);
    if (ncur < 0)
        return -1;
    if (ncur == 1 || (ncur == 2 && (uint64_t)cur[1] != opu_parse_u64(print)))
        return op_invalid(ctx, "cursor", "belongs to another query (other filters)");
    int limit = opu_limit(ctx);
    const char *params[10] = {op_text(ctx, "user_id"),
                              op_text(ctx, "client_id"),
                              op_text(ctx, "branch_id"),
                              op_text(ctx, "since"),
                              op_text(ctx, "until"),
                              op_text(ctx, "op"),
                              op_text(ctx, "outcome"),
                              NULL,
                              opu_u64(lim, (uint64_t)limit + 1),
                              print};
    if (ncur)
        params[7] = opu_u64(c0, (uint64_t)cur[0]);
    PGresult *r = db_exec(ctx, sql_search, 10, params);
    if (!r)
        return -1;
    opu_pack_keyset_page(ctx->pk, r, limit);
    PQclear(r);
    char detail[400] = "";
    size_t n = 0;
    for (size_t i = 0; i < SEARCH_NFILTERS && n < sizeof detail; i++) {
        const char *v = op_text(ctx, search_filters[i]);
        if (v)
            n += (size_t)snprintf(detail + n, sizeof detail - n, "%s%s=%.60s", n ? " " : "",
                                  search_filters[i], v);
    }
    op_audit(ctx, "audit:search", "%s", detail[0] ? detail : "no filters");
    return 0;
}

static int op_audit_verify(struct op_ctx *ctx)
{
    char lim[24];
    const char *params[2] = {op_text(ctx, "since_id"), op_has(ctx, "limit")
                                                           ? op_text(ctx, "limit")
                                                           : opu_u64(lim, AUDIT_VERIFY_DEFAULT)};
    PGresult *r = db_one(ctx, sql_verify, 2, params, "no chain");
    if (!r)
        return -1;
    db_pack_row(ctx->pk, r, 0);
    op_audit(ctx, "audit:verify", "from %s: %s, %s checked", params[0] ? params[0] : "the start",
             opu_true(r, 0, "ok") ? "whole" : "broken", db_get(r, 0, "checked"));
    PQclear(r);
    return 0;
}

static int op_audit_access(struct op_ctx *ctx)
{
    const char *params[2] = {op_text(ctx, "client_id"), op_text(ctx, "at")};
    PGresult *c = db_exec(ctx, sql_access_client, 2, params);
    if (!c)
        return -1;
    bool known = PQntuples(c) == 1, future = known && opu_true(c, 0, "_future");
    if (!known || future) {
        PQclear(c);
        return known ? op_invalid(ctx, "at", "is in the future (the history ends now)")
                     : op_invalid(ctx, "client_id", "names no client");
    }
    PGresult *r = db_exec(ctx, sql_access, 2, params);
    if (!r) {
        PQclear(c);
        return -1;
    }
    msgpack_pack_map(ctx->pk, 3);
    proto_pack_cstr(ctx->pk, "client");
    db_pack_row(ctx->pk, c, 0);
    proto_kv_str(ctx->pk, "at", params[1]);
    proto_pack_cstr(ctx->pk, "items");
    msgpack_pack_array(ctx->pk, (uint32_t)PQntuples(r));
    for (int i = 0; i < PQntuples(r); i++)
        opu_pack_row(ctx->pk, r, i);
    char target[40];
    snprintf(target, sizeof target, "client:%s", params[0]);
    op_audit(ctx, target, "access at %s: %d people", params[1], PQntuples(r));
    PQclear(r);
    PQclear(c);
    return 0;
}

/* ---- the rows of this area in the operation table (optable.c) ---- */

static const char *const outcome_choices[] = {"ok", "denied", "failed", NULL};

static const struct arg_spec audit_search_args[] = {
    {"user_id", ARG_ID, false, 1, ID_MAX, NULL},
    {"client_id", ARG_ID, false, 1, ID_MAX, NULL},
    {"op", ARG_STR, false, 1, AUDIT_OP_MAX, NULL},
    {"outcome", ARG_ENUM, false, 0, 0, outcome_choices},
    {"branch_id", ARG_ID, false, 1, ID_MAX, NULL},
    {"since", ARG_TIMESTAMP, false, 0, 0, NULL},
    {"until", ARG_TIMESTAMP, false, 0, 0, NULL},
    {"limit", ARG_U64, false, 1, LIST_LIMIT_MAX, NULL},
    {"cursor", ARG_STR, false, 1, CURSOR_MAX, NULL},
    END_ARGS,
};

static const struct arg_spec audit_verify_args[] = {
    {"since_id", ARG_ID, false, 1, ID_MAX, NULL},
    {"limit", ARG_U64, false, 1, AUDIT_VERIFY_LIMIT_MAX, NULL},
    END_ARGS,
};

static const struct arg_spec audit_access_args[] = {
    {"client_id", ARG_ID, true, 1, ID_MAX, NULL},
    {"at", ARG_TIMESTAMP, true, 0, 0, NULL},
    END_ARGS,
};

/* Directors only; the trail's and the histories' policies say the same in the database. */
static const struct op rows[] = {
    {"audit.search", op_audit_search, ROLE_DIRECTOR, OPF_AUDITED, audit_search_args,
     "Search the audit trail, newest first"},
    {"audit.verify", op_audit_verify, ROLE_DIRECTOR, OPF_AUDITED, audit_verify_args,
     "Walk the audit trail's hash chain and name the first edited or removed row"},
    {"audit.access", op_audit_access, ROLE_DIRECTOR, OPF_AUDITED, audit_access_args,
     "Who could see a client at an instant, and by which rule"},
};

OP_AREA(ops_audit, "audit", rows);
