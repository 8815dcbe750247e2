/*
 * op_util.h - small helpers shared by the operation handlers (op_util.c).
 */
#ifndef AGENCY_OP_UTIL_H
#define AGENCY_OP_UTIL_H

#include <stdbool.h>
#include <stdint.h>

#include "db.h"

/* SQL expression: a timestamptz column as RFC 3339 UTC text ("2026-11-22T07:00:00Z"). */
#define OPU_TS(col) "to_char(" col " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"

/* Decimal text of v into buf (24 bytes); returns buf. */
const char *opu_u64(char buf[24], uint64_t v);
/* Parses decimal text (NULL -> 0). */
uint64_t opu_parse_u64(const char *s);
/* True when a result column holds "t". */
bool opu_true(const PGresult *res, int row, const char *col);

/* Packs {"items": [first min(limit, rows) rows], "next_cursor": cursor} where cursor is the
 * text of column id_col of the last packed row when res has more than limit rows, else nil. */
void opu_pack_page(msgpack_packer *pk, const PGresult *res, int limit, const char *id_col);

/* Packs a PostgreSQL array literal of simple values ("{a,b}") as an array of strings
 * (NULL packs an empty array). */
void opu_pack_text_array(msgpack_packer *pk, const char *literal);

/* Runs a statement whose only purpose is its side effect or a count; returns the number of
 * rows it affected or returned, or -1 with ctx->err set. */
long opu_exec_count(struct op_ctx *ctx, const char *sql, int nparams, const char *const *params);

/* Extra fields of an error answer (duplicate: "candidates"): opu_error_extra_begin initialises
 * sb and pk (the caller then packs key/value pairs with pk); opu_error_extra_end copies them into
 * ctx->err_extra as `pairs` pairs and destroys sb. Extras that do not fit are dropped (the
 * answer still carries code and message). Call after op_fail. */
void opu_error_extra_begin(msgpack_sbuffer *sb, msgpack_packer *pk);
void opu_error_extra_end(struct op_ctx *ctx, msgpack_sbuffer *sb, uint32_t pairs);

#endif
