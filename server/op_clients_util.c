/*
 * op_clients_util.c - helpers shared by the client, contact, activity and import handlers:
 * rows with nested maps, opaque keyset cursors, owner scope checks, duplicate candidates.
 */
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clients.h"
#include "op_util.h"

#define CURSOR_TEXT_MAX 80

/* Length of the "a" of a column named "a.b", or 0 when the name has no dot. */
static size_t prefix_len(const char *name)
{
    const char *dot = strchr(name, '.');
    return dot ? (size_t)(dot - name) : 0;
}

static bool same_prefix(const char *a, const char *b)
{
    size_t la = prefix_len(a);
    return la > 0 && la == prefix_len(b) && memcmp(a, b, la) == 0;
}

void clients_pack_row(msgpack_packer *pk, const PGresult *res, int row)
{
    int ncols = PQnfields(res);
    uint32_t keys = 0;
    for (int c = 0; c < ncols; c++) {
        const char *name = PQfname(res, c);
        if (name[0] != '_' && !(c > 0 && same_prefix(PQfname(res, c - 1), name)))
            keys++;
    }
    msgpack_pack_map(pk, keys);
    for (int c = 0; c < ncols;) {
        const char *name = PQfname(res, c);
        size_t pl = prefix_len(name);
        if (name[0] == '_') {
            c++;
        } else if (pl == 0) {
            proto_pack_cstr(pk, name);
            db_pack_value(pk, res, row, c++);
        } else {
            int end = c + 1;
            while (end < ncols && same_prefix(name, PQfname(res, end)))
                end++;
            proto_pack_strn(pk, name, pl);
            msgpack_pack_map(pk, (uint32_t)(end - c));
            for (; c < end; c++) {
                proto_pack_cstr(pk, PQfname(res, c) + pl + 1);
                db_pack_value(pk, res, row, c);
            }
        }
    }
}

static const char b64url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* base64url without padding of s into out (size >= 4 * len / 3 + 4). */
static void b64_encode(const char *s, size_t len, char *out)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t o = 0, i = 0;
    for (; i + 2 < len; i += 3) {
        uint32_t v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 | p[i + 2];
        out[o++] = b64url[v >> 18 & 63];
        out[o++] = b64url[v >> 12 & 63];
        out[o++] = b64url[v >> 6 & 63];
        out[o++] = b64url[v & 63];
    }
    if (i < len) {
        uint32_t v = (uint32_t)p[i] << 16 | (i + 1 < len ? (uint32_t)p[i + 1] << 8 : 0);
        out[o++] = b64url[v >> 18 & 63];
        out[o++] = b64url[v >> 12 & 63];
        if (i + 1 < len)
            out[o++] = b64url[v >> 6 & 63];
    }
    out[o] = '\0';
}

/* Decodes base64url s into out (outlen bytes, NUL-ended); false on a bad character or size. */
static bool b64_decode(const char *s, char *out, size_t outlen)
{
    size_t o = 0;
    uint32_t acc = 0;
    int bits = 0;
    for (; *s; s++) {
        const char *q = strchr(b64url, *s);
        if (!q || *s == '\0')
            return false;
        acc = acc << 6 | (uint32_t)(q - b64url);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            if (o + 1 >= outlen)
                return false;
            out[o++] = (char)(acc >> bits & 0xff);
        }
    }
    out[o] = '\0';
    return true;
}

void clients_pack_page(msgpack_packer *pk, const PGresult *res, int limit)
{
    int row = opu_pack_page_items(pk, res, limit, clients_pack_row);
    const char *last = row >= 0 ? db_get(res, row, "_cursor") : NULL;
    if (last && strlen(last) <= CURSOR_TEXT_MAX) {
        char enc[CURSOR_TEXT_MAX * 2];
        b64_encode(last, strlen(last), enc);
        proto_pack_cstr(pk, enc);
    } else {
        msgpack_pack_nil(pk);
    }
}

int clients_cursor(struct op_ctx *ctx, char kind, int64_t out[2])
{
    const char *c = op_text(ctx, "cursor");
    if (!c)
        return 0;
    char text[CURSOR_TEXT_MAX + 1];
    if (!b64_decode(c, text, sizeof text) || text[0] != kind || text[1] != ',')
        return op_invalid(ctx, "cursor", "is not a cursor of this list");
    int n = 0;
    const char *p = text + 2;
    while (n < 2 && *p) {
        char *end;
        long long v = strtoll(p, &end, 10);
        if (end == p || (*end != ',' && *end != '\0') || v < 0 || v == LLONG_MAX)
            return op_invalid(ctx, "cursor", "is not a cursor of this list");
        out[n++] = v;
        p = *end ? end + 1 : end;
    }
    if (*p || n == 0)
        return op_invalid(ctx, "cursor", "is not a cursor of this list");
    return n;
}

int clients_limit(const struct op_ctx *ctx)
{
    return op_has(ctx, "limit") ? (int)op_u64(ctx, "limit") : CLIENTS_PAGE_DEFAULT;
}

int clients_cursor_one(struct op_ctx *ctx, char kind, char out[24])
{
    int64_t cur[2];
    int n = clients_cursor(ctx, kind, cur);
    if (n < 0)
        return -1;
    if (n > 1)
        return op_invalid(ctx, "cursor", "is not a cursor of this list");
    if (n == 1)
        snprintf(out, 24, "%lld", (long long)cur[0]);
    return n;
}

int clients_not_found(struct op_ctx *ctx, const char *noun, const char *id)
{
    char target[40];
    snprintf(target, sizeof target, "%s:%s", noun, id);
    op_audit(ctx, target, "no such %s in the caller's scope", noun);
    return op_fail(ctx, PE_NOT_FOUND, "no such %s", noun);
}

int clients_check_email(struct op_ctx *ctx)
{
    const char *email = op_text(ctx, "email");
    if (email && email[0] && (!strchr(email, '@') || strchr(email, ' ')))
        return op_invalid(ctx, "email", "is not an e-mail address");
    return 0;
}

static const char sql_client_visible[] = "SELECT 1 FROM agency.clients c WHERE c.id = $1::bigint";

int clients_visible(struct op_ctx *ctx, const char *client_id)
{
    const char *params[1] = {client_id};
    PGresult *r = db_exec(ctx, sql_client_visible, 1, params);
    if (!r)
        return -1;
    bool visible = PQntuples(r) > 0;
    PQclear(r);
    return visible ? 0 : clients_not_found(ctx, "client", client_id);
}

int clients_pack_one(struct op_ctx *ctx, const char *sql_get, const char *noun, const char *id)
{
    const char *params[1] = {id};
    PGresult *r = db_exec(ctx, sql_get, 1, params);
    if (!r)
        return -1;
    if (PQntuples(r) == 0) {
        PQclear(r);
        return clients_not_found(ctx, noun, id);
    }
    clients_pack_row(ctx->pk, r, 0);
    PQclear(r);
    return 0;
}

int clients_insert_under(struct op_ctx *ctx, const char *sql_insert, int nparams,
                         const char *const *params, char id_out[24])
{
    PGresult *r = db_exec(ctx, sql_insert, nparams, params);
    if (!r)
        return -1;
    if (PQntuples(r) == 0) {
        PQclear(r);
        return clients_not_found(ctx, "client", params[0]);
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
        return clients_not_found(ctx, noun, id);
    if (archiving && archived)
        return op_invalid(ctx, "id", "is already archived");
    return op_fail(ctx, PE_CONFLICT,
                   "someone changed this %s since you read it; read it again and retry", noun);
}

int clients_update(struct op_ctx *ctx, const char *sql_update, const char *sql_state,
                   const char *noun, const char *const *fields, size_t nfields)
{
    const char *params[2 + CLIENTS_UPDATE_FIELDS_MAX];
    if (nfields > CLIENTS_UPDATE_FIELDS_MAX)
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

void clients_changed_fields(const struct op_ctx *ctx, const char *const *fields, size_t nfields,
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

int clients_archive(struct op_ctx *ctx, const char *sql_archive, const char *sql_state,
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
