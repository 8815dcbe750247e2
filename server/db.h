/*
 * db.h - what handlers use to talk to PostgreSQL (dbpool.c).
 *
 * Every request runs in one transaction opened by the worker: BEGIN [READ ONLY], then
 * agency.begin_request(...) which checks the session and sets the request context
 * (agency.user_id, agency.role, agency.team_id, agency.branch_id, agency.session_id) for
 * row-level security, then the handler, then the audit row, then COMMIT. The worker sends
 * BEGIN with begin_request, and the audit row with COMMIT, in one pipeline segment each (one
 * wait); a READ ONLY transaction's COMMIT is read after the answer has gone (dbpool_job.c).
 * Handlers run between them with the connection out of pipeline mode: db_exec waits for
 * each statement's result.
 */
#ifndef AGENCY_DB_H
#define AGENCY_DB_H

#include <libpq-fe.h>

#include "op.h"

/*
 * Runs one parameterised statement (prepared once per connection, keyed by the sql
 * pointer, so pass string literals). params are text; NULL means SQL NULL.
 * Returns the result (caller PQclear()s) when it is PGRES_TUPLES_OK or PGRES_COMMAND_OK.
 * On failure returns NULL after setting ctx->err from the SQLSTATE:
 *   connection lost / 08xxx / 57P01  -> unavailable
 *   57014 (statement_timeout)        -> unavailable ("the database took too long")
 *   40001 / 40P01                    -> unavailable ("retry")
 *   AGNF0 not_found, AGFB0 forbidden, AGUA0 unauthenticated, AGLK0 locked,
 *   AGRL0 rate_limited, AGCF0 conflict, AGDP0 duplicate -> that code, message = the
 *   exception's MESSAGE (which must be written for people, never SQL)
 *   AGIV0 invalid: DETAIL is the field name, MESSAGE the reason
 *   23514 check_violation / 22xxx data exceptions -> invalid (field from the constraint
 *   name when it is "<table>_<field>_check", else "argument")
 *   42501 insufficient_privilege (RLS) -> forbidden
 *   anything else -> internal (logged with its SQLSTATE, not sent)
 */
PGresult *db_exec(struct op_ctx *ctx, const char *sql, int nparams, const char *const *params);

/* Same, for a statement that must return exactly one row; zero rows -> not_found with
 * the given message (e.g. "no such user"). */
PGresult *db_one(struct op_ctx *ctx, const char *sql, int nparams, const char *const *params,
                 const char *not_found_message);

/* Column value by name as text, NULL for SQL NULL. */
const char *db_get(const PGresult *res, int row, const char *col);

/*
 * Packs row `row` of res as a map {column: value}. Types: int2/4/8 -> integer, bool ->
 * boolean, timestamptz -> RFC 3339 UTC string, date -> "YYYY-MM-DD", text arrays and
 * json/jsonb -> string of their text form unless noted, NULL -> nil, all else -> string.
 * Columns whose name starts with '_' are skipped (handler-private).
 */
void db_pack_row(msgpack_packer *pk, const PGresult *res, int row);
/* Packs the value at (row, col) of res alone, typed as db_pack_row packs its values (a
 * timestamptz as RFC 3339 UTC, "2026-11-22T07:00:00.123456Z"; "infinity" as it is). */
void db_pack_value(msgpack_packer *pk, const PGresult *res, int row, int col);
/* Packs {"items": [rows...], "next_cursor": cursor-or-nil}. */
void db_pack_items(msgpack_packer *pk, const PGresult *res, const char *next_cursor);

#endif
