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

/* Packs row `row` of res as one map (db_pack_row, clients_pack_row). */
typedef void opu_pack_row_fn(msgpack_packer *pk, const PGresult *res, int row);

/*
 * Packs the start of a page: a map of 2 entries, "items": [the first min(limit, rows) rows of
 * res, each by pack_row], and the key "next_cursor", whose value the caller packs next. Returns
 * the index of the last row packed when res has more than limit rows (a next page), else -1.
 */
int opu_pack_page_items(msgpack_packer *pk, const PGresult *res, int limit,
                        opu_pack_row_fn *pack_row);

/* Packs {"items": [first min(limit, rows) rows], "next_cursor": cursor} where cursor is the
 * text of column id_col of the last packed row when res has more than limit rows, else nil. */
void opu_pack_page(msgpack_packer *pk, const PGresult *res, int limit, const char *id_col);

/* Packs a PostgreSQL array literal of simple values ("{a,b}") as an array of strings
 * (NULL packs an empty array). */
void opu_pack_text_array(msgpack_packer *pk, const char *literal);

/* Runs a statement whose only purpose is its side effect or a count; returns the number of
 * rows it affected or returned, or -1 with ctx->err set. */
long opu_exec_count(struct op_ctx *ctx, const char *sql, int nparams, const char *const *params);

/* Runs an INSERT ... ON CONFLICT DO NOTHING RETURNING ... that must insert one row: the result
 * (caller PQclear()s), or NULL with ctx->err set: invalid `field` with taken_reason when it
 * inserted nothing (the name is taken), or a database error. */
PGresult *opu_insert_one(struct op_ctx *ctx, const char *sql, int nparams,
                         const char *const *params, const char *field, const char *taken_reason);

/* Runs a statement that answers one row with a number in column "n" (db_one: no row is
 * not_found with not_found_message); returns that number, or -1 with ctx->err set. */
long opu_one_n(struct op_ctx *ctx, const char *sql, int nparams, const char *const *params,
               const char *not_found_message);

/* Extra fields of an error answer (duplicate: "candidates"): opu_error_extra_begin initialises
 * sb and pk (the caller then packs key/value pairs with pk); opu_error_extra_end copies them into
 * ctx->err_extra as `pairs` pairs and destroys sb. Extras that do not fit are dropped (the
 * answer still carries code and message). Call after op_fail. */
void opu_error_extra_begin(msgpack_sbuffer *sb, msgpack_packer *pk);
void opu_error_extra_end(struct op_ctx *ctx, msgpack_sbuffer *sb, uint32_t pairs);

#endif
