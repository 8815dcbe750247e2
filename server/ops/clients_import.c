/*
 * clients_import.c - client import in three steps: client.import_begin opens a batch,
 * client.import_rows validates rows (client.create's schema) and stages them with their errors,
 * client.import_commit checks registration numbers and inserts every good row in one
 * transaction (all-or-nothing unless skip_bad; nothing with dry_run).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clients.h"
#include "op_util.h"

/* The client.create fields a row may hold, in the order of sql_rows_insert's $5..$17. */
static const char *const row_fields[] = {
    "name",    "legal_name", "registration_no",   "industry", "tier",
    "status",  "owner_id",   "address",           "phone",    "email",
    "website", "notes",      "confidential_notes"};
#define ROW_FIELDS  (sizeof row_fields / sizeof row_fields[0])
#define ROW_ARRAYS  (3 + ROW_FIELDS) /* line, error_field, error_reason, fields */
#define ERRORS_MAX  1000             /* errors listed in one answer (the rest are counted) */
#define OWNER_CACHE 16

static const char sql_batch_new[] =
    "INSERT INTO agency.import_batches (created_by) VALUES (agency.current_user_id()) RETURNING id";
static const char sql_batch_get[] =
    "SELECT committed_at IS NOT NULL AS committed FROM agency.import_batches"
    " WHERE id = $1::bigint AND created_by = agency.current_user_id()";
static const char sql_batch_lock[] =
    "SELECT committed_at IS NOT NULL AS committed FROM agency.import_batches"
    " WHERE id = $1::bigint AND created_by = agency.current_user_id() FOR UPDATE";
static const char sql_rows_insert[] =
    "INSERT INTO agency.import_rows (import_id, line, fields, error_field, error_reason)"
    " SELECT $1::bigint, x.line, CASE WHEN x.er IS NULL THEN jsonb_strip_nulls(jsonb_build_object("
    " 'name', x.f1, 'legal_name', x.f2, 'registration_no', x.f3, 'industry', x.f4, 'tier', x.f5,"
    " 'status', x.f6, 'owner_id', x.f7, 'address', x.f8, 'phone', x.f9, 'email', x.f10,"
    " 'website', x.f11, 'notes', x.f12, 'confidential_notes', x.f13)) END, x.ef, x.er"
    " FROM unnest($2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],"
    " $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[],"
    " $15::text[], $16::text[], $17::text[])"
    " AS x (line, ef, er, f1, f2, f3, f4, f5, f6, f7, f8, f9, f10, f11, f12, f13)";
/* Every problem of a batch: staged errors, a registration number repeated in the file (after
 * its first line), one an existing client uses. _rid is the staged row. */
static const char sql_batch_errors[] =
    "WITH r AS (SELECT i.id, i.line, i.error_field, i.error_reason,"
    "   agency.normalize_regno(i.fields->>'registration_no') AS reg"
    "   FROM agency.import_rows i WHERE i.import_id = $1::bigint),"
    " firsts AS (SELECT id, reg, first_value(line) OVER w AS first_line,"
    "   first_value(id) OVER w AS first_id FROM r WHERE reg IS NOT NULL AND error_reason IS NULL"
    "   WINDOW w AS (PARTITION BY reg ORDER BY line, id)),"
    " taken AS (SELECT t FROM agency.registration_numbers_taken("
    "   ARRAY(SELECT reg FROM r WHERE reg IS NOT NULL AND error_reason IS NULL)) AS t)"
    " SELECT id AS _rid, line, error_field AS field, error_reason AS reason FROM r"
    "   WHERE error_reason IS NOT NULL"
    " UNION ALL SELECT f.id, r.line, 'registration_no', 'repeats line ' || f.first_line"
    "   FROM firsts f JOIN r ON r.id = f.id WHERE f.id <> f.first_id"
    " UNION ALL SELECT r.id, r.line, 'registration_no', 'is already used by an existing client'"
    "   FROM r WHERE r.error_reason IS NULL AND r.reg IN (SELECT t FROM taken)"
    " ORDER BY 2, 1";
static const char sql_batch_count[] =
    "SELECT count(*) AS n FROM agency.import_rows WHERE import_id = $1::bigint";
static const char sql_import_insert[] =
    "SELECT agency.import_insert($1::bigint, $2::bigint[]) AS n";
/* A commit inserts up to hundreds of thousands of rows in one statement: it may take longer than
 * the statement_timeout meant for interactive requests. */
static const char sql_long_statement[] =
    "SELECT set_config('statement_timeout', '120s', true) IS NOT NULL AS ok";
static const char sql_batch_close[] =
    "UPDATE agency.import_batches SET committed_at = now(), imported = $2::int, skipped = $3::int"
    " WHERE id = $1::bigint";

int op_client_import_begin(struct op_ctx *ctx)
{
    PGresult *r = db_one(ctx, sql_batch_new, 0, NULL, "no such import");
    if (!r)
        return -1;
    char target[40];
    snprintf(target, sizeof target, "import:%s", db_get(r, 0, "id"));
    op_audit(ctx, target, "import started");
    msgpack_pack_map(ctx->pk, 1);
    proto_kv_u64(ctx->pk, "import_id", opu_parse_u64(db_get(r, 0, "id")));
    PQclear(r);
    return 0;
}

/* The caller's open batch import_id: 0, or -1 with not_found / invalid (committed). */
static int batch_open(struct op_ctx *ctx, const char *sql)
{
    const char *params[1] = {op_text(ctx, "import_id")};
    PGresult *r = db_exec(ctx, sql, 1, params);
    if (!r)
        return -1;
    int found = PQntuples(r), committed = found && opu_true(r, 0, "committed");
    PQclear(r);
    if (!found) {
        char target[40];
        snprintf(target, sizeof target, "import:%s", params[0]);
        op_audit(ctx, target, "no such import of the caller");
        return op_fail(ctx, PE_NOT_FOUND, "no such import");
    }
    return committed ? op_invalid(ctx, "import_id", "is already committed") : 0;
}

/* ---- staging rows ---- */

/* The columns of one call's rows as PostgreSQL array literals, built in growing buffers. */
struct staging {
    msgpack_sbuffer col[ROW_ARRAYS];
    uint32_t rows;
    struct {
        uint64_t id;
        const char *why;
    } owners[OWNER_CACHE];
    int nowners;
};

/* Appends one element (NULL -> SQL NULL, else a quoted, escaped string) to an array literal. */
static void lit_add(msgpack_sbuffer *b, const char *v, bool first)
{
    msgpack_sbuffer_write(b, first ? "{" : ",", 1);
    if (!v) {
        msgpack_sbuffer_write(b, "NULL", 4);
        return;
    }
    msgpack_sbuffer_write(b, "\"", 1);
    for (const char *p = v; *p; p++) {
        if (*p == '"' || *p == '\\')
            msgpack_sbuffer_write(b, "\\", 1);
        msgpack_sbuffer_write(b, p, 1);
    }
    msgpack_sbuffer_write(b, "\"", 1);
}

/* The validated value of field name in a (client.create's schema), or NULL. */
static const char *row_value(const struct op *create, const struct op_args *a, const char *name)
{
    for (int i = 0; create->args[i].name; i++)
        if (strcmp(create->args[i].name, name) == 0)
            return a->v[i].present ? a->v[i].text : NULL;
    return NULL;
}

/* Adds one staged row: its fields when why is NULL, else the error. */
static void stage_row(struct staging *st, uint64_t line, const struct op *create,
                      const struct op_args *a, const char *field, const char *why)
{
    char num[24];
    bool first = st->rows == 0;
    lit_add(&st->col[0], opu_u64(num, line), first);
    lit_add(&st->col[1], why ? field : NULL, first);
    lit_add(&st->col[2], why, first);
    for (size_t f = 0; f < ROW_FIELDS; f++)
        lit_add(&st->col[3 + f], why ? NULL : row_value(create, a, row_fields[f]), first);
    st->rows++;
}

/* The owner check of a row, remembered for the rest of the call. -1 on a database error. */
static int row_owner(struct op_ctx *ctx, struct staging *st, const char *owner, const char **why)
{
    uint64_t id = opu_parse_u64(owner);
    for (int i = 0; i < st->nowners; i++)
        if (st->owners[i].id == id) {
            *why = st->owners[i].why;
            return 0;
        }
    if (clients_owner_problem(ctx, owner, why) < 0)
        return -1;
    if (st->nowners < OWNER_CACHE) {
        st->owners[st->nowners].id = id;
        st->owners[st->nowners++].why = *why;
    }
    return 0;
}

/* Reads "line" of a row map (a whole number >= 1) and copies the other pairs into *rest. */
static bool split_line(const msgpack_object *row, msgpack_zone *zone, uint64_t *line,
                       msgpack_object *rest)
{
    uint32_t n = row->via.map.size, k = 0;
    msgpack_object_kv *kv = msgpack_zone_malloc(zone, (n ? n : 1) * sizeof *kv);
    bool have = false;
    *line = 0;
    for (uint32_t i = 0; kv && i < n; i++) {
        const msgpack_object_kv *p = &row->via.map.ptr[i];
        if (p->key.type == MSGPACK_OBJECT_STR && p->key.via.str.size == 4 &&
            memcmp(p->key.via.str.ptr, "line", 4) == 0) {
            have = p->val.type == MSGPACK_OBJECT_POSITIVE_INTEGER && p->val.via.u64 >= 1 &&
                   p->val.via.u64 <= (uint64_t)INT64_MAX;
            *line = have ? p->val.via.u64 : 0;
        } else {
            kv[k++] = *p;
        }
    }
    rest->type = MSGPACK_OBJECT_MAP;
    rest->via.map.size = k;
    rest->via.map.ptr = kv;
    return have && kv;
}

/* Validates one row into the staging columns; packs its error into errs (counting it). */
static int check_row(struct op_ctx *ctx, struct staging *st, const msgpack_object *row,
                     msgpack_packer *errs, uint32_t *nerr)
{
    const struct op *create = op_find("client.create", strlen("client.create"));
    msgpack_zone *zone = msgpack_zone_new(4096);
    if (!zone || !create) {
        msgpack_zone_free(zone);
        return op_fail(ctx, PE_INTERNAL, "internal error");
    }
    struct op_args a;
    char field[64] = "line", reason[128] = "must be the line number (a whole number from 1)";
    uint64_t line;
    msgpack_object rest;
    const char *why = NULL;
    memset(&a, 0, sizeof a);
    if (!split_line(row, zone, &line, &rest)) {
        why = reason;
    } else if (!op_args_validate(create, &rest, zone, &a, field, reason)) {
        why = reason;
    } else {
        const char *email = row_value(create, &a, "email");
        const char *owner = row_value(create, &a, "owner_id");
        if (email && email[0] && (!strchr(email, '@') || strchr(email, ' '))) {
            snprintf(field, sizeof field, "email");
            why = "is not an e-mail address";
        } else if (owner && row_owner(ctx, st, owner, &why) < 0) {
            msgpack_zone_free(zone);
            return -1;
        } else if (owner && why) {
            snprintf(field, sizeof field, "owner_id");
        }
    }
    stage_row(st, line, create, &a, field, why);
    if (why && *nerr < ERRORS_MAX) {
        msgpack_pack_map(errs, 3);
        proto_kv_u64(errs, "line", line);
        proto_kv_str(errs, "field", field);
        proto_kv_str(errs, "reason", why);
    }
    *nerr += why != NULL;
    msgpack_zone_free(zone);
    return 0;
}

/* Inserts the staged columns. */
static int stage_insert(struct op_ctx *ctx, struct staging *st)
{
    const char *params[1 + ROW_ARRAYS];
    params[0] = op_text(ctx, "import_id");
    for (size_t i = 0; i < ROW_ARRAYS; i++) {
        msgpack_sbuffer_write(&st->col[i], "}", 2); /* closes the literal, with its NUL */
        params[1 + i] = st->col[i].data;
    }
    return opu_exec_count(ctx, sql_rows_insert, 1 + ROW_ARRAYS, params) < 0 ? -1 : 0;
}

int op_client_import_rows(struct op_ctx *ctx)
{
    if (batch_open(ctx, sql_batch_get) < 0)
        return -1;
    const struct arg_val *rows = op_arg(ctx, "rows");
    msgpack_unpacked up;
    msgpack_unpacked_init(&up);
    size_t off = 0;
    if (msgpack_unpack_next(&up, rows->text, rows->len, &off) != MSGPACK_UNPACK_SUCCESS ||
        up.data.type != MSGPACK_OBJECT_ARRAY) {
        msgpack_unpacked_destroy(&up);
        return op_fail(ctx, PE_INTERNAL, "internal error");
    }
    struct staging st;
    memset(&st, 0, sizeof st);
    for (size_t i = 0; i < ROW_ARRAYS; i++)
        msgpack_sbuffer_init(&st.col[i]);
    msgpack_sbuffer errbuf;
    msgpack_sbuffer_init(&errbuf);
    msgpack_packer errs;
    msgpack_packer_init(&errs, &errbuf, msgpack_sbuffer_write);
    uint32_t nerr = 0;
    int rc = 0;
    for (uint32_t i = 0; rc == 0 && i < up.data.via.array.size; i++)
        rc = check_row(ctx, &st, &up.data.via.array.ptr[i], &errs, &nerr);
    if (rc == 0 && st.rows > 0)
        rc = stage_insert(ctx, &st);
    if (rc == 0) {
        char target[40];
        snprintf(target, sizeof target, "import:%s", op_text(ctx, "import_id"));
        op_audit(ctx, target, "staged %u rows, %u with errors", st.rows, nerr);
        msgpack_pack_map(ctx->pk, 2);
        proto_kv_u64(ctx->pk, "accepted", st.rows - nerr);
        proto_pack_cstr(ctx->pk, "errors");
        msgpack_pack_array(ctx->pk, nerr < ERRORS_MAX ? nerr : ERRORS_MAX);
        msgpack_sbuffer_write(ctx->pk->data, errbuf.data, errbuf.size);
    }
    for (size_t i = 0; i < ROW_ARRAYS; i++)
        msgpack_sbuffer_destroy(&st.col[i]);
    msgpack_sbuffer_destroy(&errbuf);
    msgpack_unpacked_destroy(&up);
    return rc;
}

/* ---- commit ---- */

/* Packs the errors of res (at most ERRORS_MAX) as an array, and the distinct staged rows they
 * name as an array literal "{1,2}" into a malloc'd *skip. Returns the number of such rows. */
static long pack_errors(msgpack_packer *pk, const PGresult *res, char **skip)
{
    int n = PQntuples(res);
    size_t cap = 3 + (size_t)n * 21, len = 0;
    char *lit = malloc(cap);
    long rows = 0;
    const char *prev = NULL;
    msgpack_pack_array(pk, (uint32_t)(n < ERRORS_MAX ? n : ERRORS_MAX));
    if (lit)
        lit[len++] = '{';
    for (int i = 0; i < n; i++) {
        if (i < ERRORS_MAX) {
            msgpack_pack_map(pk, 3);
            proto_kv_u64(pk, "line", opu_parse_u64(db_get(res, i, "line")));
            proto_kv_str(pk, "field", db_get(res, i, "field"));
            proto_kv_str(pk, "reason", db_get(res, i, "reason"));
        }
        const char *rid = db_get(res, i, "_rid"); /* rows come ordered by (line, _rid) */
        if (prev && strcmp(prev, rid) == 0)
            continue;
        prev = rid;
        rows++;
        if (lit)
            len += (size_t)snprintf(lit + len, cap - len, "%s%s", rows > 1 ? "," : "", rid);
    }
    if (lit)
        snprintf(lit + len, cap - len, "}");
    *skip = lit;
    return rows;
}

/* The result of a commit or dry run: {imported (would be, for a dry run), skipped, errors,
 * dry_run}. */
static void pack_commit(struct op_ctx *ctx, long imported, long skipped, const msgpack_sbuffer *e,
                        bool dry_run)
{
    msgpack_pack_map(ctx->pk, 4);
    proto_kv_u64(ctx->pk, "imported", (uint64_t)imported);
    proto_kv_u64(ctx->pk, "skipped", (uint64_t)skipped);
    proto_pack_cstr(ctx->pk, "errors");
    msgpack_sbuffer_write(ctx->pk->data, e->data, e->size);
    proto_kv_bool(ctx->pk, "dry_run", dry_run);
}

/* Inserts the batch's good rows (all but skip) and closes it. The number inserted, or -1. */
static long commit_rows(struct op_ctx *ctx, const char *skip, long skipped)
{
    const char *params[3] = {op_text(ctx, "import_id"), skip, NULL};
    long n = opu_one_n(ctx, sql_import_insert, 2, params, "no such import");
    if (n < 0)
        return -1;
    char imported[24], sk[24];
    const char *closing[3] = {params[0], opu_u64(imported, (uint64_t)n),
                              opu_u64(sk, (uint64_t)skipped)};
    return opu_exec_count(ctx, sql_batch_close, 3, closing) < 0 ? -1 : n;
}

int op_client_import_commit(struct op_ctx *ctx)
{
    bool dry = op_bool(ctx, "dry_run"), skip_bad = op_bool(ctx, "skip_bad");
    if (batch_open(ctx, sql_batch_lock) < 0 || opu_exec_count(ctx, sql_long_statement, 0, NULL) < 0)
        return -1;
    const char *params[1] = {op_text(ctx, "import_id")};
    PGresult *er = db_exec(ctx, sql_batch_errors, 1, params);
    PGresult *count = er ? db_one(ctx, sql_batch_count, 1, params, "no such import") : NULL;
    if (!er || !count) {
        PQclear(er);
        return -1;
    }
    long total = (long)opu_parse_u64(db_get(count, 0, "n"));
    PQclear(count);
    msgpack_sbuffer eb;
    msgpack_sbuffer_init(&eb);
    msgpack_packer ep;
    msgpack_packer_init(&ep, &eb, msgpack_sbuffer_write);
    char *skip = NULL;
    long bad = pack_errors(&ep, er, &skip);
    PQclear(er);
    int rc = 0;
    char target[40];
    snprintf(target, sizeof target, "import:%s", params[0]);
    if (!skip) {
        rc = op_fail(ctx, PE_INTERNAL, "internal error");
    } else if (dry) {
        op_audit(ctx, target, "dry run: %ld rows with errors", bad);
        pack_commit(ctx, total - bad, bad, &eb, true);
    } else if (bad > 0 && !skip_bad) {
        char why[64];
        snprintf(why, sizeof why, "%ld row%s errors", bad, bad == 1 ? " has" : "s have");
        rc = op_invalid(ctx, "rows", why);
    } else {
        long n = commit_rows(ctx, skip, bad);
        rc = n < 0 ? -1 : 0;
        if (n >= 0) {
            op_audit(ctx, target, "imported %ld clients, skipped %ld rows with errors", n, bad);
            pack_commit(ctx, n, bad, &eb, false);
        }
    }
    free(skip);
    msgpack_sbuffer_destroy(&eb);
    return rc;
}
