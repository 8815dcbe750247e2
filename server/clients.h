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
