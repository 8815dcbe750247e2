/* The handler-facing database helpers of db.h: statements prepared once per connection,
   SQLSTATE to error-code mapping, and packing rows as MessagePack. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "dbpool.h"
#include "log.h"

_Thread_local struct dbworker *dbpool_self;

/* PostgreSQL type OIDs (pg_type.h) that are packed as something other than a string. */
#define OID_BOOL        16
#define OID_INT8        20
#define OID_INT2        21
#define OID_INT4        23
#define OID_DATE        1082
#define OID_TIMESTAMPTZ 1184

void dbpool_forget_statements(struct dbworker *w)
{
    memset(w->stmts, 0, sizeof(w->stmts));
    w->stmt_count = 0;
    w->pipe_head = w->pipe_len = w->pipe_deferred = 0;
    w->pipe_unsent = false;
}

static size_t exec_slot(const char *sql)
{
    uintptr_t h = (uintptr_t)sql;
    h ^= h >> 17;
    h *= 0x9E3779B97F4A7C15ull;
    return (size_t)(h >> 7) % DBPOOL_STMT_SLOTS;
}

/* The cache slot of sql on worker w: *found says whether it is prepared; SIZE_MAX when the
   cache is full (run unprepared). */
static size_t exec_lookup(struct dbworker *w, const char *sql, bool *found)
{
    size_t slot = exec_slot(sql);
    for (size_t probe = 0; probe < DBPOOL_STMT_SLOTS; probe++) {
        size_t i = (slot + probe) % DBPOOL_STMT_SLOTS;
        if (w->stmts[i].sql == sql) {
            *found = true;
            return i;
        }
        if (w->stmts[i].sql == NULL) {
            *found = false;
            return w->stmt_count >= DBPOOL_STMT_SLOTS / 2 ? SIZE_MAX : i;
        }
    }
    *found = false;
    return SIZE_MAX;
}

static void exec_name(char name[24], unsigned id)
{
    /* "agency_s" and the id in decimal, without a printf per statement */
    char digits[12];
    int n = 0;
    do {
        digits[n++] = (char)('0' + id % 10);
        id /= 10;
    } while (id && n < (int)sizeof digits);
    memcpy(name, "agency_s", 8);
    for (int i = 0; i < n; i++)
        name[8 + i] = digits[n - 1 - i];
    name[8 + n] = '\0';
}

/* The prepared statement name for sql on this worker's connection, preparing it on first use.
   Returns 1 with name set, 0 when statements cannot be cached (run unprepared), -1 on error. */
static int exec_prepared_name(struct op_ctx *ctx, const char *sql, int nparams, char name[24])
{
    struct dbworker *w = dbpool_self;
    if (!w || w->db != ctx->db)
        return 0;
    bool found;
    size_t i = exec_lookup(w, sql, &found);
    if (i == SIZE_MAX)
        return 0;
    if (found) {
        exec_name(name, w->stmts[i].id);
        return 1;
    }
    unsigned id = ++w->stmt_count;
    exec_name(name, id);
    PGresult *r = PQprepare(ctx->db, name, sql, nparams, NULL);
    if (!r || PQresultStatus(r) != PGRES_COMMAND_OK) {
        dbpool_map_error(ctx, ctx->db, r);
        PQclear(r);
        w->stmt_count--;
        return -1;
    }
    PQclear(r);
    w->stmts[i].sql = sql;
    w->stmts[i].id = id;
    return 1;
}

PGresult *db_exec(struct op_ctx *ctx, const char *sql, int nparams, const char *const *params)
{
    if (dbpool_self && dbpool_self->pipe_len > 0 && dbpool_self->db == ctx->db &&
        dbpool_pipe_settle(dbpool_self) < 0) {
        op_fail(ctx, PE_UNAVAILABLE, "the database is unavailable; try again");
        return NULL;
    }
    char name[24];
    int prepared = exec_prepared_name(ctx, sql, nparams, name);
    if (prepared < 0)
        return NULL;
    PGresult *r = prepared ? PQexecPrepared(ctx->db, name, nparams, params, NULL, NULL, 0)
                           : PQexecParams(ctx->db, sql, nparams, NULL, params, NULL, NULL, 0);
    ExecStatusType st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
    if (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK)
        return r;
    dbpool_map_error(ctx, ctx->db, r);
    PQclear(r);
    return NULL;
}

PGresult *db_one(struct op_ctx *ctx, const char *sql, int nparams, const char *const *params,
                 const char *not_found_message)
{
    PGresult *r = db_exec(ctx, sql, nparams, params);
    if (r && PQntuples(r) == 0) {
        PQclear(r);
        op_fail(ctx, PE_NOT_FOUND, "%s", not_found_message ? not_found_message : "not found");
        return NULL;
    }
    return r;
}

const char *db_get(const PGresult *res, int row, const char *col)
{
    int c = PQfnumber(res, col);
    if (c < 0 || row < 0 || row >= PQntuples(res) || PQgetisnull(res, row, c))
        return NULL;
    return PQgetvalue(res, row, c);
}

static void exec_lost(struct op_ctx *ctx)
{
    if (dbpool_self && dbpool_self->db == ctx->db)
        dbpool_self->lost = true;
    op_fail(ctx, PE_UNAVAILABLE, "the database is unavailable; try again");
}

/* invalid from a constraint named "<table>_<field>_check" / "_fkey" / "_key" (unique); else
   field "argument". */
static void exec_invalid_from_constraint(struct op_ctx *ctx, const PGresult *res,
                                         const char *reason)
{
    const char *cons = PQresultErrorField(res, PG_DIAG_CONSTRAINT_NAME);
    const char *table = PQresultErrorField(res, PG_DIAG_TABLE_NAME);
    const char *column = PQresultErrorField(res, PG_DIAG_COLUMN_NAME);
    char field[64] = "argument";
    if (column) {
        snprintf(field, sizeof(field), "%s", column);
    } else if (cons && table && strncmp(cons, table, strlen(table)) == 0 &&
               cons[strlen(table)] == '_') {
        const char *f = cons + strlen(table) + 1;
        size_t len = strlen(f);
        const char *suffixes[] = {"_check", "_fkey", "_key"};
        for (int i = 0; i < 3; i++) {
            size_t sl = strlen(suffixes[i]);
            if (len > sl && strcmp(f + len - sl, suffixes[i]) == 0) {
                snprintf(field, sizeof(field), "%.*s", (int)(len - sl), f);
                break;
            }
        }
    }
    op_invalid(ctx, field, reason);
}

void dbpool_map_error(struct op_ctx *ctx, PGconn *db, const PGresult *res)
{
    const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    const char *msg = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    const char *detail = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL) : NULL;
    if (!msg)
        msg = "";
    if (!state || PQstatus(db) == CONNECTION_BAD || strncmp(state, "08", 2) == 0 ||
        strcmp(state, "57P01") == 0 || strcmp(state, "57P02") == 0 || strcmp(state, "57P03") == 0) {
        exec_lost(ctx);
        return;
    }
    static const struct {
        const char *state;
        enum proto_err code;
    } custom[] = {{"AGNF0", PE_NOT_FOUND},       {"AGFB0", PE_FORBIDDEN},
                  {"AGUA0", PE_UNAUTHENTICATED}, {"AGLK0", PE_LOCKED},
                  {"AGRL0", PE_RATE_LIMITED},    {"AGCF0", PE_CONFLICT},
                  {"AGDP0", PE_DUPLICATE}};
    for (size_t i = 0; i < sizeof(custom) / sizeof(custom[0]); i++) {
        if (strcmp(state, custom[i].state) == 0) {
            op_fail(ctx, custom[i].code, "%s", msg);
            return;
        }
    }
    if (strcmp(state, "AGIV0") == 0) {
        op_invalid(ctx, detail && *detail ? detail : "argument", msg);
        snprintf(ctx->err_message, sizeof(ctx->err_message), "%s", msg);
    } else if (strcmp(state, "57014") == 0) {
        op_fail(ctx, PE_UNAVAILABLE, "the database took too long; try again");
    } else if (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0) {
        op_fail(ctx, PE_UNAVAILABLE, "a concurrent change got in the way; retry");
    } else if (strcmp(state, "23514") == 0 || strncmp(state, "22", 2) == 0) {
        exec_invalid_from_constraint(ctx, res, "is not an accepted value");
    } else if (strcmp(state, "23503") == 0) {
        exec_invalid_from_constraint(ctx, res, "refers to a record that does not exist");
    } else if (strcmp(state, "23502") == 0) {
        exec_invalid_from_constraint(ctx, res, "is required");
    } else if (strcmp(state, "23505") == 0) {
        exec_invalid_from_constraint(ctx, res, "is already used"); /* a race the handler lost */
    } else if (strcmp(state, "42501") == 0) {
        op_fail(ctx, PE_FORBIDDEN, "you may not do that");
    } else {
        char q[300];
        log_warn("event=db_error sqlstate=%s message=%s op=%s", state, log_quote(q, sizeof(q), msg),
                 ctx->op ? ctx->op->name : "-");
        op_fail(ctx, PE_INTERNAL, "internal error");
    }
}

/* ---- pipelined statements ---- */

enum pipe_kind { PIPE_PARSE = 1, PIPE_STMT = 2, PIPE_SYNC = 3 };

/* Marks the worker's connection lost and forgets what was outstanding on it. */
static void pipe_lost(struct dbworker *w)
{
    w->lost = true;
    w->pipe_head = w->pipe_len = w->pipe_deferred = 0;
    w->pipe_unsent = false;
}

static int pipe_push(struct dbworker *w, enum pipe_kind kind)
{
    if (w->pipe_len >= DBPOOL_PIPE_MAX)
        return -1;
    w->pipe_kind[(w->pipe_head + w->pipe_len) % DBPOOL_PIPE_MAX] = (unsigned char)kind;
    w->pipe_len++;
    return 0;
}

/* Leaves pipeline mode once nothing is outstanding. 0, or -1 (lost). */
static int pipe_leave(struct dbworker *w)
{
    if (w->pipe_len > 0 || PQpipelineStatus(w->db) == PQ_PIPELINE_OFF)
        return 0;
    if (PQexitPipelineMode(w->db) != 1) {
        pipe_lost(w);
        return -1;
    }
    return 0;
}

/* Reads the results of the oldest outstanding entry: *res gets a Parse's or statement's
   result (NULL for a Sync). 0, or -1 when the connection was lost. */
static int pipe_read(struct dbworker *w, PGresult **res)
{
    enum pipe_kind kind = (enum pipe_kind)w->pipe_kind[w->pipe_head];
    w->pipe_head = (w->pipe_head + 1) % DBPOOL_PIPE_MAX;
    w->pipe_len--;
    if (w->pipe_deferred > 0)
        w->pipe_deferred--;
    *res = NULL;
    PGresult *r = PQgetResult(w->db);
    if (kind == PIPE_SYNC) {
        bool ok = r && PQresultStatus(r) == PGRES_PIPELINE_SYNC;
        PQclear(r);
        if (!ok || PQstatus(w->db) != CONNECTION_OK) {
            pipe_lost(w);
            return -1;
        }
        return 0;
    }
    if (!r || PQstatus(w->db) != CONNECTION_OK) {
        PQclear(r);
        pipe_lost(w);
        return -1;
    }
    /* a statement's results end with NULL (bounded: one result is all ours ever give) */
    PGresult *more;
    for (int i = 0; i < 8 && (more = PQgetResult(w->db)) != NULL; i++)
        PQclear(more);
    *res = r;
    return 0;
}

/* Ends what is queued with a Sync when it does not end with one (so that reading it cannot
   wait for results never asked for). 0, or -1 (lost). */
static int pipe_sync_tail(struct dbworker *w)
{
    if (w->pipe_len == 0 ||
        w->pipe_kind[(w->pipe_head + w->pipe_len - 1) % DBPOOL_PIPE_MAX] == PIPE_SYNC)
        return 0;
    if (PQpipelineSync(w->db) != 1) {
        pipe_lost(w);
        return -1;
    }
    w->pipe_unsent = false;
    return pipe_push(w, PIPE_SYNC);
}

/* Reads and checks the results of earlier jobs' deferred segments. 0, or -1 (lost). */
static int pipe_drain_deferred(struct dbworker *w)
{
    if (w->pipe_deferred > 0 && pipe_sync_tail(w) < 0)
        return -1;
    while (w->pipe_deferred > 0) {
        PGresult *r;
        if (pipe_read(w, &r) < 0) {
            log_warn("event=db_lost worker=%u while=deferred_results", w->index);
            return -1;
        }
        ExecStatusType st = r ? PQresultStatus(r) : PGRES_COMMAND_OK;
        if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK && st != PGRES_PIPELINE_ABORTED) {
            char q[300];
            const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
            log_warn("event=db_deferred_failed worker=%u sqlstate=%s message=%s", w->index,
                     state ? state : "-",
                     log_quote(q, sizeof q, PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY)));
        }
        PQclear(r);
    }
    return 0;
}

int dbpool_pipe_send(struct op_ctx *ctx, const char *sql, int nparams, const char *const *params,
                     const int *lengths, const int *formats, int result_format)
{
    struct dbworker *w = dbpool_self;
    if (!w || w->db != ctx->db || !w->db)
        return op_fail(ctx, PE_INTERNAL, "internal error");
    if (w->lost) {
        exec_lost(ctx);
        return -1;
    }
    if (w->pipe_len + 3 > DBPOOL_PIPE_MAX) {
        log_warn("event=db_pipeline_full worker=%u", w->index);
        return op_fail(ctx, PE_INTERNAL, "internal error");
    }
    if (PQpipelineStatus(w->db) == PQ_PIPELINE_OFF && PQenterPipelineMode(w->db) != 1) {
        exec_lost(ctx);
        return -1;
    }
    bool found;
    size_t i = exec_lookup(w, sql, &found);
    int ok;
    if (i == SIZE_MAX) {
        ok = PQsendQueryParams(w->db, sql, nparams, NULL, params, lengths, formats, result_format);
    } else {
        char name[24];
        if (!found) {
            unsigned id = ++w->stmt_count;
            exec_name(name, id);
            if (PQsendPrepare(w->db, name, sql, nparams, NULL) != 1) {
                w->stmt_count--;
                pipe_lost(w);
                exec_lost(ctx);
                return -1;
            }
            pipe_push(w, PIPE_PARSE);
            /* counted as prepared from now on: a failed Parse drops the connection */
            w->stmts[i].sql = sql;
            w->stmts[i].id = id;
        } else {
            exec_name(name, w->stmts[i].id);
        }
        ok = PQsendQueryPrepared(w->db, name, nparams, params, lengths, formats, result_format);
    }
    if (ok != 1) {
        pipe_lost(w);
        exec_lost(ctx);
        return -1;
    }
    pipe_push(w, PIPE_STMT);
    return 0;
}

int dbpool_pipe_sync(struct op_ctx *ctx)
{
    struct dbworker *w = dbpool_self;
    if (!w || w->db != ctx->db || PQpipelineSync(w->db) != 1) {
        if (w)
            pipe_lost(w);
        exec_lost(ctx);
        return -1;
    }
    pipe_push(w, PIPE_SYNC);
    w->pipe_unsent = false;
    return 0;
}

PGresult *dbpool_pipe_next(struct op_ctx *ctx)
{
    struct dbworker *w = dbpool_self;
    /* a connection lost earlier in this job (its queue is gone) stays unavailable */
    if (!w || w->db != ctx->db || w->lost || pipe_drain_deferred(w) < 0)
        goto lost;
    for (;;) {
        if (w->pipe_len == 0 || w->pipe_kind[w->pipe_head] == PIPE_SYNC) {
            op_fail(ctx, PE_INTERNAL, "internal error"); /* nothing queued: a bug */
            log_warn("event=db_pipeline_misread worker=%u", w->index);
            return NULL;
        }
        enum pipe_kind kind = (enum pipe_kind)w->pipe_kind[w->pipe_head];
        PGresult *r;
        if (pipe_read(w, &r) < 0)
            goto lost;
        if (kind == PIPE_STMT)
            return r;
        if (PQresultStatus(r) != PGRES_COMMAND_OK) {
            /* a statement that does not parse: the connection's cache is wrong now */
            char q[300];
            log_warn("event=db_prepare_failed worker=%u message=%s", w->index,
                     log_quote(q, sizeof q, PQresultErrorMessage(r)));
            w->lost = true;
        }
        PQclear(r);
    }
lost:
    exec_lost(ctx);
    return NULL;
}

PGresult *dbpool_pipe_result(struct op_ctx *ctx)
{
    PGresult *r = dbpool_pipe_next(ctx);
    if (!r)
        return NULL;
    ExecStatusType st = PQresultStatus(r);
    if (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK)
        return r;
    if (st == PGRES_PIPELINE_ABORTED) {
        if (ctx->err == PE_OK)
            op_fail(ctx, PE_INTERNAL, "internal error");
    } else {
        dbpool_map_error(ctx, ctx->db, r);
    }
    PQclear(r);
    return NULL;
}

int dbpool_pipe_finish(struct op_ctx *ctx)
{
    struct dbworker *w = dbpool_self;
    if (!w || w->db != ctx->db)
        return 0;
    if (pipe_sync_tail(w) < 0) {
        exec_lost(ctx);
        return -1;
    }
    while (w->pipe_len > 0) {
        PGresult *r;
        if (pipe_read(w, &r) < 0) {
            exec_lost(ctx);
            return -1;
        }
        PQclear(r);
    }
    w->pipe_deferred = 0;
    if (pipe_leave(w) < 0) {
        exec_lost(ctx);
        return -1;
    }
    return 0;
}

void dbpool_pipe_defer(struct dbworker *w)
{
    w->pipe_deferred = w->pipe_len;
    w->pipe_unsent = w->pipe_len > 0 &&
                     w->pipe_kind[(w->pipe_head + w->pipe_len - 1) % DBPOOL_PIPE_MAX] != PIPE_SYNC;
}

int dbpool_pipe_flush(struct dbworker *w)
{
    if (!w->pipe_unsent)
        return 0;
    w->pipe_unsent = false;
    if (!w->db || PQflush(w->db) != 0) {
        pipe_lost(w);
        return -1;
    }
    return 0;
}

int dbpool_pipe_settle(struct dbworker *w)
{
    if (!w->db)
        return -1;
    if (pipe_drain_deferred(w) < 0 || pipe_sync_tail(w) < 0)
        return -1;
    while (w->pipe_len > 0) { /* a job left results unread: drop them */
        PGresult *r;
        if (pipe_read(w, &r) < 0)
            return -1;
        PQclear(r);
    }
    return pipe_leave(w);
}

bool dbpool_pipe_only_deferred(const struct dbworker *w)
{
    return w->pipe_len > 0 && w->pipe_deferred == w->pipe_len;
}

/* timestamptz text in UTC ("2026-11-22 07:00:00.123456+00") to RFC 3339 ("...T...Z"). */
static void exec_pack_timestamp(msgpack_packer *pk, const char *v)
{
    char buf[64];
    size_t len = strlen(v);
    if (len < 19 || len >= sizeof(buf) || v[10] != ' ') {
        proto_pack_cstr(pk, v); /* infinity and other special values as they are */
        return;
    }
    size_t end = 19;
    while (end < len && v[end] != '+' && v[end] != '-')
        end++;
    memcpy(buf, v, end);
    buf[10] = 'T';
    buf[end] = 'Z';
    proto_pack_strn(pk, buf, end + 1);
}

void db_pack_value(msgpack_packer *pk, const PGresult *res, int row, int col)
{
    if (PQgetisnull(res, row, col)) {
        msgpack_pack_nil(pk);
        return;
    }
    const char *v = PQgetvalue(res, row, col);
    switch (PQftype(res, col)) {
    case OID_INT2:
    case OID_INT4:
    case OID_INT8:
        if (v[0] == '-')
            msgpack_pack_int64(pk, strtoll(v, NULL, 10));
        else
            msgpack_pack_uint64(pk, strtoull(v, NULL, 10));
        return;
    case OID_BOOL:
        if (v[0] == 't')
            msgpack_pack_true(pk);
        else
            msgpack_pack_false(pk);
        return;
    case OID_TIMESTAMPTZ:
        exec_pack_timestamp(pk, v);
        return;
    case OID_DATE:
    default:
        proto_pack_strn(pk, v, (size_t)PQgetlength(res, row, col));
        return;
    }
}

void db_pack_row(msgpack_packer *pk, const PGresult *res, int row)
{
    int ncols = PQnfields(res);
    uint32_t shown = 0;
    for (int c = 0; c < ncols; c++) {
        if (PQfname(res, c)[0] != '_')
            shown++;
    }
    msgpack_pack_map(pk, shown);
    for (int c = 0; c < ncols; c++) {
        const char *name = PQfname(res, c);
        if (name[0] == '_')
            continue;
        proto_pack_cstr(pk, name);
        db_pack_value(pk, res, row, c);
    }
}

void db_pack_items(msgpack_packer *pk, const PGresult *res, const char *next_cursor)
{
    int n = PQntuples(res);
    msgpack_pack_map(pk, 2);
    proto_pack_cstr(pk, "items");
    msgpack_pack_array(pk, (uint32_t)n);
    for (int r = 0; r < n; r++)
        db_pack_row(pk, res, r);
    proto_kv_str(pk, "next_cursor", next_cursor);
}
