/*
 * op_util.c - small helpers shared by the operation handlers: numbers as text, paged lists,
 * array literals.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "op_util.h"

const char *opu_u64(char buf[24], uint64_t v)
{
    snprintf(buf, 24, "%llu", (unsigned long long)v);
    return buf;
}

uint64_t opu_parse_u64(const char *s)
{
    return s ? strtoull(s, NULL, 10) : 0;
}

bool opu_true(const PGresult *res, int row, const char *col)
{
    const char *v = db_get(res, row, col);
    return v && v[0] == 't';
}

int opu_pack_page_items(msgpack_packer *pk, const PGresult *res, int limit,
                        opu_pack_row_fn *pack_row)
{
    int n = PQntuples(res);
    bool more = n > limit;
    if (more)
        n = limit;
    msgpack_pack_map(pk, 2);
    proto_pack_cstr(pk, "items");
    msgpack_pack_array(pk, (uint32_t)n);
    for (int i = 0; i < n; i++)
        pack_row(pk, res, i);
    proto_pack_cstr(pk, "next_cursor");
    return more && n > 0 ? n - 1 : -1;
}

void opu_pack_page(msgpack_packer *pk, const PGresult *res, int limit, const char *id_col)
{
    int last = opu_pack_page_items(pk, res, limit, db_pack_row);
    if (last >= 0)
        proto_pack_cstr(pk, db_get(res, last, id_col));
    else
        msgpack_pack_nil(pk);
}

void opu_pack_text_array(msgpack_packer *pk, const char *literal)
{
    size_t len = literal ? strlen(literal) : 0;
    if (len < 3 || literal[0] != '{' || literal[len - 1] != '}') {
        msgpack_pack_array(pk, 0);
        return;
    }
    uint32_t count = 1;
    for (size_t i = 1; i + 1 < len; i++)
        if (literal[i] == ',')
            count++;
    msgpack_pack_array(pk, count);
    size_t start = 1;
    for (size_t i = 1; i < len; i++) {
        if (literal[i] == ',' || i == len - 1) {
            proto_pack_strn(pk, literal + start, i - start);
            start = i + 1;
        }
    }
}

long opu_exec_count(struct op_ctx *ctx, const char *sql, int nparams, const char *const *params)
{
    PGresult *r = db_exec(ctx, sql, nparams, params);
    if (!r)
        return -1;
    long n = PQresultStatus(r) == PGRES_TUPLES_OK ? PQntuples(r) : atol(PQcmdTuples(r));
    PQclear(r);
    return n;
}

PGresult *opu_insert_one(struct op_ctx *ctx, const char *sql, int nparams,
                         const char *const *params, const char *field, const char *taken_reason)
{
    PGresult *r = db_exec(ctx, sql, nparams, params);
    if (r && PQntuples(r) != 1) {
        PQclear(r);
        op_invalid(ctx, field, taken_reason);
        return NULL;
    }
    return r;
}

long opu_one_n(struct op_ctx *ctx, const char *sql, int nparams, const char *const *params,
               const char *not_found_message)
{
    PGresult *r = db_one(ctx, sql, nparams, params, not_found_message);
    if (!r)
        return -1;
    long n = (long)opu_parse_u64(db_get(r, 0, "n"));
    PQclear(r);
    return n;
}

void opu_error_extra_begin(msgpack_sbuffer *sb, msgpack_packer *pk)
{
    msgpack_sbuffer_init(sb);
    msgpack_packer_init(pk, sb, msgpack_sbuffer_write);
}

void opu_error_extra_end(struct op_ctx *ctx, msgpack_sbuffer *sb, uint32_t pairs)
{
    if (sb->size <= sizeof ctx->err_extra) {
        memcpy(ctx->err_extra, sb->data, sb->size);
        ctx->err_extra_len = sb->size;
        ctx->err_extra_pairs = pairs;
    }
    msgpack_sbuffer_destroy(sb);
}
