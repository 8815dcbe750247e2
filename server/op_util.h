/*
 * op_util.h - the handler kit: what every area's handlers share beyond op.h and db.h. Numbers
 * as text, pages and cursors, error extras (op_util.c, op_page.c), and the life of one record
 * under the client's scope: read, insert, version-checked update, archive (op_record.c).
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

/* Packs row `row` of res as one map (db_pack_row, opu_pack_row). */
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

/* ---- lists and records (op_page.c, op_record.c) ---- */

/* Default page size of the lists. */
#define OPU_PAGE_DEFAULT 50

/*
 * Packs row `row` of res as a map like db_pack_row, except that columns named "a.b" become a
 * nested map "a" holding "b" (consecutive columns with the same prefix share one map).
 * Columns starting with '_' are skipped.
 */
void opu_pack_row(msgpack_packer *pk, const PGresult *res, int row);
/* The same, leaving out the columns that are NULL in this row (a nested map too when all of its
 * columns are). */
void opu_pack_row_present(msgpack_packer *pk, const PGresult *res, int row);
/* Like opu_pack_row, with room for `extra` more entries in the map, which the caller packs
 * next as key/value pairs (a record with its lines: a contract's amendments, a job's tasks). */
void opu_pack_row_extra(msgpack_packer *pk, const PGresult *res, int row, uint32_t extra);

/*
 * Packs {"items": [first min(limit, rows) rows], "next_cursor": c} where c is nil when res has
 * at most limit rows, else the opaque cursor of the last packed row made from its column
 * "_cursor" (base64url of that text).
 */
void opu_pack_keyset_page(msgpack_packer *pk, const PGresult *res, int limit);

/*
 * Decodes the "cursor" argument (base64url of "<kind>,<numbers...>") into up to 2 numbers.
 * Returns the count decoded (0 when there is no cursor), or -1 with invalid "cursor" set when
 * it is not a cursor of this kind.
 */
int opu_cursor(struct op_ctx *ctx, char kind, int64_t out[2]);

/* The list limit argument or the default. */
int opu_limit(const struct op_ctx *ctx);

/*
 * A one-number cursor of list `kind` as decimal text into out: 1 with out set, 0 when there is
 * no cursor, or -1 with invalid "cursor" set (not a cursor of this kind, or not one number).
 */
int opu_cursor_one(struct op_ctx *ctx, char kind, char out[24]);

/*
 * Answers a `noun` ("client", "contact", ...) with decimal id that is missing or outside the
 * caller's scope exactly as one that does not exist: not_found "no such <noun>", audited with
 * target "<noun>:<id>" as a denial. Always returns -1.
 */
int opu_not_found(struct op_ctx *ctx, const char *noun, const char *id);

/* An "email" argument, when given and not empty, must look like an e-mail address: 0, or -1
 * with invalid "email" set. */
int opu_check_email(struct op_ctx *ctx);

/* 0 when client client_id (decimal text) is in the caller's scope, else -1 with ctx->err set
 * (opu_not_found for "client", or a database error). */
int opu_client_visible(struct op_ctx *ctx, const char *client_id);

/*
 * Runs sql_get ($1 = id, decimal text) and packs its first row with opu_pack_row as the
 * answer. 0, or -1 with ctx->err set (opu_not_found for `noun` when there is no row).
 */
int opu_pack_one(struct op_ctx *ctx, const char *sql_get, const char *noun, const char *id);

/*
 * Runs sql_insert, an INSERT ... SELECT that returns "id" and inserts nothing when client
 * params[0] (decimal text) is outside the caller's scope. 0 with the new row's id into id_out,
 * or -1 with ctx->err set (opu_not_found for "client" when nothing was inserted).
 */
int opu_insert_under_client(struct op_ctx *ctx, const char *sql_insert, int nparams,
                            const char *const *params, char id_out[24]);

/* Most fields opu_update_versioned passes on. */
#define OPU_UPDATE_FIELDS_MAX 16

/*
 * The version-checked change of row "id" of a `noun`: runs sql_update with $1 = id, $2 =
 * "version" and $3... = the arguments named by fields[0..nfields) (NULL when absent); it must
 * match no row when the version is not the current one. sql_state ($1 = id) answers columns
 * version and archived. 0 when a row changed; else -1 with ctx->err set: not_found
 * (opu_not_found), conflict (a newer version) or a database error.
 */
int opu_update_versioned(struct op_ctx *ctx, const char *sql_update, const char *sql_state,
                         const char *noun, const char *const *fields, size_t nfields);

/* Appends to out (a string, size outlen) the names among fields[0..nfields) that the request
 * carries, separated by single spaces; stops before a name that does not fit. */
void opu_changed_fields(const struct op_ctx *ctx, const char *const *fields, size_t nfields,
                        char *out, size_t outlen);

/*
 * Archives row "id" of a `noun` with the "reason" argument: runs sql_archive ($1 = id, $2 =
 * reason), which matches no row when it is already archived, and audits "archived: <reason>"
 * with target "<noun>:<id>". 0, or -1 with ctx->err set: not_found (opu_not_found), invalid
 * "id" when already archived (sql_state as for opu_update_versioned), or a database error.
 */
int opu_archive(struct op_ctx *ctx, const char *sql_archive, const char *sql_state,
                const char *noun);

#endif
