/*
 * clients.h - what the files of the clients area share (clients.c with the area's rows,
 * clients_list.c, clients_assign.c, clients_import.c, clients_util.c): owner checks, duplicate
 * candidates, the client record as client.get answers it.
 */
#ifndef AGENCY_OPS_CLIENTS_H
#define AGENCY_OPS_CLIENTS_H

#include <stdbool.h>
#include <stdint.h>

#include "db.h"

/* Most duplicate candidates client.create and client.check_duplicate answer. */
#define CLIENTS_DUP_LIMIT 5
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

/* The handlers clients.c's rows name from the area's other files. */
int op_client_list(struct op_ctx *ctx);          /* clients_list.c */
int op_client_assign(struct op_ctx *ctx);        /* clients_assign.c */
int op_client_import_begin(struct op_ctx *ctx);  /* clients_import.c */
int op_client_import_rows(struct op_ctx *ctx);   /* clients_import.c */
int op_client_import_commit(struct op_ctx *ctx); /* clients_import.c */

#endif
