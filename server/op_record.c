/*
 * op_record.c - the handler kit's single records: not-found answers that reveal nothing, the
 * client-scope check every client-owned record starts with, reading one row, inserting under a
 * client, version-checked updates and archiving with a reason.
 */
#include <stdio.h>
#include <string.h>

#include "op_util.h"

int opu_not_found(struct op_ctx *ctx, const char *noun, const char *id)
{
    char target[40];
    snprintf(target, sizeof target, "%s:%s", noun, id);
    op_audit(ctx, target, "no such %s in the caller's scope", noun);
    return op_fail(ctx, PE_NOT_FOUND, "no such %s", noun);
}

int opu_check_email(struct op_ctx *ctx)
{
    const char *email = op_text(ctx, "email");
    if (email && email[0] && (!strchr(email, '@') || strchr(email, ' ')))
        return op_invalid(ctx, "email", "is not an e-mail address");
    return 0;
}

static const char sql_client_visible[] = "SELECT 1 FROM agency.clients c WHERE c.id = $1::bigint";

int opu_client_visible(struct op_ctx *ctx, const char *client_id)
{
    const char *params[1] = {client_id};
    PGresult *r = db_exec(ctx, sql_client_visible, 1, params);
    if (!r)
        return -1;
    bool visible = PQntuples(r) > 0;
    PQclear(r);
    return visible ? 0 : opu_not_found(ctx, "client", client_id);
}

int opu_pack_one(struct op_ctx *ctx, const char *sql_get, const char *noun, const char *id)
{
    const char *params[1] = {id};
    PGresult *r = db_exec(ctx, sql_get, 1, params);
    if (!r)
        return -1;
    if (PQntuples(r) == 0) {
        PQclear(r);
        return opu_not_found(ctx, noun, id);
    }
    opu_pack_row(ctx->pk, r, 0);
    PQclear(r);
    return 0;
}

int opu_insert_under_client(struct op_ctx *ctx, const char *sql_insert, int nparams,
                            const char *const *params, char id_out[24])
{
    PGresult *r = db_exec(ctx, sql_insert, nparams, params);
    if (!r)
        return -1;
    if (PQntuples(r) == 0) {
        PQclear(r);
        return opu_not_found(ctx, "client", params[0]);
    }
    snprintf(id_out, 24, "%s", db_get(r, 0, "id"));
    PQclear(r);
    return 0;
}

/* After a version-checked update or an archive matched no row: not found, already archived
 * (archiving), or someone else's newer version. Always -1 with ctx->err set. */
static int no_row(struct op_ctx *ctx, const char *sql_state, const char *noun, const char *id,
                  bool archiving)
{
    const char *params[1] = {id};
    PGresult *r = db_exec(ctx, sql_state, 1, params);
    if (!r)
        return -1;
    bool found = PQntuples(r) > 0, archived = found && opu_true(r, 0, "archived");
    PQclear(r);
    if (!found)
        return opu_not_found(ctx, noun, id);
    if (archiving && archived)
        return op_invalid(ctx, "id", "is already archived");
    return op_fail(ctx, PE_CONFLICT,
                   "someone changed this %s since you read it; read it again and retry", noun);
}

int opu_update_versioned(struct op_ctx *ctx, const char *sql_update, const char *sql_state,
                         const char *noun, const char *const *fields, size_t nfields)
{
    const char *params[2 + OPU_UPDATE_FIELDS_MAX];
    if (nfields > OPU_UPDATE_FIELDS_MAX)
        return op_fail(ctx, PE_INTERNAL, "internal error");
    const char *id = op_text(ctx, "id");
    params[0] = id;
    params[1] = op_text(ctx, "version");
    for (size_t i = 0; i < nfields; i++)
        params[2 + i] = op_text(ctx, fields[i]);
    long n = opu_exec_count(ctx, sql_update, (int)(2 + nfields), params);
    if (n < 0)
        return -1;
    return n == 0 ? no_row(ctx, sql_state, noun, id, false) : 0;
}

void opu_changed_fields(const struct op_ctx *ctx, const char *const *fields, size_t nfields,
                        char *out, size_t outlen)
{
    size_t used = strlen(out);
    for (size_t i = 0; i < nfields; i++) {
        if (!op_has(ctx, fields[i]))
            continue;
        int n = snprintf(out + used, outlen - used, "%s%s", used ? " " : "", fields[i]);
        if (n < 0 || (size_t)n >= outlen - used) {
            out[used] = '\0';
            break;
        }
        used += (size_t)n;
    }
}

int opu_archive(struct op_ctx *ctx, const char *sql_archive, const char *sql_state,
                const char *noun)
{
    const char *id = op_text(ctx, "id");
    const char *params[2] = {id, op_text(ctx, "reason")};
    long n = opu_exec_count(ctx, sql_archive, 2, params);
    if (n < 0)
        return -1;
    if (n == 0)
        return no_row(ctx, sql_state, noun, id, true);
    char target[40];
    snprintf(target, sizeof target, "%s:%s", noun, id);
    op_audit(ctx, target, "archived: %s", params[1]);
    return 0;
}
