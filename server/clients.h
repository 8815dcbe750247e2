/*
 * clients.h - what the handlers of clients, contacts, activities and the client import share
 * (op_clients*.c, op_contacts.c, op_activity.c, op_import.c), and the hand-over of a leaver's
 * clients that user.deactivate calls.
 */
#ifndef AGENCY_CLIENTS_H
#define AGENCY_CLIENTS_H

#include <stdbool.h>
#include <stdint.h>

#include "db.h"

/* Most duplicate candidates client.create and client.check_duplicate answer. */
#define CLIENTS_DUP_LIMIT 5
/* Default page size of the lists. */
#define CLIENTS_PAGE_DEFAULT 50

/*
 * Packs row `row` of res as a map like db_pack_row, except that columns named "a.b" become a
 * nested map "a" holding "b" (consecutive columns with the same prefix share one map).
 * Columns starting with '_' are skipped.
 */
void clients_pack_row(msgpack_packer *pk, const PGresult *res, int row);

/*
 * Packs {"items": [first min(limit, rows) rows], "next_cursor": c} where c is nil when res has
 * at most limit rows, else the opaque cursor of the last packed row made from its column
 * "_cursor" (base64url of that text).
 */
void clients_pack_page(msgpack_packer *pk, const PGresult *res, int limit);

/*
 * Decodes the "cursor" argument (base64url of "<kind>,<numbers...>") into up to 2 numbers.
 * Returns the count decoded (0 when there is no cursor), or -1 with invalid "cursor" set when
 * it is not a cursor of this kind.
 */
int clients_cursor(struct op_ctx *ctx, char kind, int64_t out[2]);

/* The list limit argument or the default. */
int clients_limit(const struct op_ctx *ctx);

/*
 * A one-number cursor of list `kind` as decimal text into out: 1 with out set, 0 when there is
 * no cursor, or -1 with invalid "cursor" set (not a cursor of this kind, or not one number).
 */
int clients_cursor_one(struct op_ctx *ctx, char kind, char out[24]);

/*
 * Answers a `noun` ("client", "contact", ...) with decimal id that is missing or outside the
 * caller's scope exactly as one that does not exist: not_found "no such <noun>", audited with
 * target "<noun>:<id>" as a denial. Always returns -1.
 */
int clients_not_found(struct op_ctx *ctx, const char *noun, const char *id);

/* An "email" argument, when given and not empty, must look like an e-mail address: 0, or -1
 * with invalid "email" set. */
int clients_check_email(struct op_ctx *ctx);

/* 0 when client client_id (decimal text) is in the caller's scope, else -1 with ctx->err set
 * (clients_not_found for "client", or a database error). */
int clients_visible(struct op_ctx *ctx, const char *client_id);

/*
 * Runs sql_get ($1 = id, decimal text) and packs its first row with clients_pack_row as the
 * answer. 0, or -1 with ctx->err set (clients_not_found for `noun` when there is no row).
 */
int clients_pack_one(struct op_ctx *ctx, const char *sql_get, const char *noun, const char *id);

/*
 * Runs sql_insert, an INSERT ... SELECT that returns "id" and inserts nothing when client
 * params[0] (decimal text) is outside the caller's scope. 0 with the new row's id into id_out,
 * or -1 with ctx->err set (clients_not_found for "client" when nothing was inserted).
 */
int clients_insert_under(struct op_ctx *ctx, const char *sql_insert, int nparams,
                         const char *const *params, char id_out[24]);

/* Most fields clients_update passes on. */
#define CLIENTS_UPDATE_FIELDS_MAX 16

/*
 * The version-checked change of row "id" of a `noun`: runs sql_update with $1 = id, $2 =
 * "version" and $3... = the arguments named by fields[0..nfields) (NULL when absent); it must
 * match no row when the version is not the current one. sql_state ($1 = id) answers columns
 * version and archived. 0 when a row changed; else -1 with ctx->err set: not_found
 * (clients_not_found), conflict (a newer version) or a database error.
 */
int clients_update(struct op_ctx *ctx, const char *sql_update, const char *sql_state,
                   const char *noun, const char *const *fields, size_t nfields);

/* Appends to out (a string, size outlen) the names among fields[0..nfields) that the request
 * carries, separated by single spaces; stops before a name that does not fit. */
void clients_changed_fields(const struct op_ctx *ctx, const char *const *fields, size_t nfields,
                            char *out, size_t outlen);

/*
 * Archives row "id" of a `noun` with the "reason" argument: runs sql_archive ($1 = id, $2 =
 * reason), which matches no row when it is already archived, and audits "archived: <reason>"
 * with target "<noun>:<id>". 0, or -1 with ctx->err set: not_found (clients_not_found), invalid
 * "id" when already archived (sql_state as for clients_update), or a database error.
 */
int clients_archive(struct op_ctx *ctx, const char *sql_archive, const char *sql_state,
                    const char *noun);

/*
 * Checks that owner_id (decimal text) may own a client the caller creates or assigns: an
 * active AE, manager or director inside the caller's scope (AE: themselves, manager: their
 * team or themselves, director: anyone). 0, or -1 with invalid `field` and a reason that says
 * which rule failed.
 */
int clients_check_owner(struct op_ctx *ctx, const char *field, const char *owner_id);
/* The same check without failing the request: 0 with *why NULL (fine) or a static reason, or
 * -1 with ctx->err set (database error). */
int clients_owner_problem(struct op_ctx *ctx, const char *owner_id, const char **why);

/* What clients_duplicates does with the candidates it finds. */
enum clients_dup_mode {
    CLIENTS_DUP_ANSWER, /* pack {"candidates": [...]} as the result */
    CLIENTS_DUP_REFUSE, /* at least one: set the duplicate error carrying "candidates" */
    CLIENTS_DUP_COUNT,  /* only count them (and list their ids) */
};

/*
 * Duplicate candidates of name / registration_no (registration_no may be NULL) across every
 * scope: id, name, owner_name, similarity (percent), nothing more. Returns the number found
 * (their ids into ids_out as a comma list, for audit details; ids_out may be NULL), or -1 with
 * ctx->err set.
 */
int clients_duplicates(struct op_ctx *ctx, const char *name, const char *registration_no,
                       enum clients_dup_mode mode, char *ids_out, size_t ids_len);

/* Packs the client id (decimal text) as client.get answers it; confidential notes are packed
 * (and their reading audited when audit_read) only for roles other than finance. 0, or -1 with
 * ctx->err set (not_found outside the caller's scope). */
int clients_pack_client(struct op_ctx *ctx, const char *id, bool audit_read);

/*
 * Moves every live client of user `from` to user `to` (decimal texts) inside the request's
 * transaction: owner history by the trigger, reason `reason`, one client.assigned event to the
 * new owner. Returns the number moved, or -1 with ctx->err set.
 */
long clients_reassign_all(struct op_ctx *ctx, const char *from, const char *to, const char *reason);

/* The number of live clients user id (decimal text) owns, or -1 with ctx->err set. */
long clients_count_owned(struct op_ctx *ctx, const char *id);

#endif
