/*
 * clients_util.c - what the clients area's handlers share (clients.h): owner checks and
 * duplicate candidates.
 */
#include <stdio.h>
#include <string.h>

#include "clients.h"
#include "op_util.h"

static const char sql_owner_check[] =
    "SELECT u.active, u.role, u.id = agency.current_user_id() AS is_me,"
    " u.id = ANY (agency.visible_owner_ids()) AS in_scope"
    " FROM agency.users u WHERE u.id = $1::bigint";

int clients_owner_problem(struct op_ctx *ctx, const char *owner_id, const char **why)
{
    const char *params[1] = {owner_id};
    PGresult *r = db_exec(ctx, sql_owner_check, 1, params);
    if (!r)
        return -1;
    *why = NULL;
    if (PQntuples(r) == 0) {
        *why = "no such user";
    } else if (!opu_true(r, 0, "in_scope")) {
        *why = ctx->sess.role == ROLE_AE ? "must be you: an AE creates and keeps their own clients"
                                         : "is not in your team";
    } else if (!opu_true(r, 0, "active")) {
        *why = "is deactivated";
    } else if (strcmp(db_get(r, 0, "role"), "finance") == 0) {
        *why = "cannot own clients (finance)";
    }
    PQclear(r);
    return 0;
}

int clients_check_owner(struct op_ctx *ctx, const char *field, const char *owner_id)
{
    const char *why = NULL;
    if (clients_owner_problem(ctx, owner_id, &why) < 0)
        return -1;
    return why ? op_invalid(ctx, field, why) : 0;
}

static const char sql_duplicates[] =
    "SELECT id, name, owner_name, similarity FROM agency.client_duplicates($1, $2, $3::int)";

/* Packs the candidates of r as an array and their ids as a comma list into ids_out. */
static void pack_candidates(msgpack_packer *pk, const PGresult *r, char *ids_out, size_t ids_len)
{
    int n = PQntuples(r);
    size_t used = 0;
    msgpack_pack_array(pk, (uint32_t)n);
    for (int i = 0; i < n; i++) {
        db_pack_row(pk, r, i);
        if (ids_out && used < ids_len) {
            int w =
                snprintf(ids_out + used, ids_len - used, "%s%s", i ? "," : "", db_get(r, i, "id"));
            used += w > 0 ? (size_t)w : 0;
        }
    }
}

int clients_duplicates(struct op_ctx *ctx, const char *name, const char *registration_no,
                       enum clients_dup_mode mode, char *ids_out, size_t ids_len)
{
    char limit[24];
    const char *params[3] = {name, registration_no, opu_u64(limit, CLIENTS_DUP_LIMIT)};
    if (ids_out && ids_len)
        ids_out[0] = '\0';
    PGresult *r = db_exec(ctx, sql_duplicates, 3, params);
    if (!r)
        return -1;
    int n = PQntuples(r);
    if (mode == CLIENTS_DUP_ANSWER) {
        msgpack_pack_map(ctx->pk, 1);
        proto_pack_cstr(ctx->pk, "candidates");
        pack_candidates(ctx->pk, r, ids_out, ids_len);
    } else if (mode == CLIENTS_DUP_COUNT) {
        msgpack_sbuffer sb;
        msgpack_packer pk;
        opu_error_extra_begin(&sb, &pk);
        pack_candidates(&pk, r, ids_out, ids_len); /* only for the ids */
        msgpack_sbuffer_destroy(&sb);
    } else if (n > 0) {
        op_fail(ctx, PE_DUPLICATE,
                "%d similar client%s already exist%s; send force: true to create it anyway", n,
                n == 1 ? "" : "s", n == 1 ? "s" : "");
        msgpack_sbuffer sb;
        msgpack_packer pk;
        opu_error_extra_begin(&sb, &pk);
        proto_pack_cstr(&pk, "candidates");
        pack_candidates(&pk, r, ids_out, ids_len);
        opu_error_extra_end(ctx, &sb, 1);
    }
    PQclear(r);
    return n;
}
