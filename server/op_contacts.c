/*
 * op_contacts.c - people at a client: contact.create, contact.list, contact.update,
 * contact.archive. A contact follows its client's scope (row-level security); a contact or
 * client outside it is not found.
 */
#include <stdio.h>
#include <string.h>

#include "clients.h"
#include "handlers.h"
#include "op_util.h"

#define CONTACT_COLUMNS                                                                            \
    " k.id, k.client_id, k.name, k.title, k.phone, k.email, k.decision_maker, k.notes,"            \
    " k.archived_at, k.archive_reason, k.created_at, k.updated_at, k.version"

static const char sql_contact_get[] =
    "SELECT" CONTACT_COLUMNS " FROM agency.contacts k WHERE k.id = $1::bigint";
/* Inserts nothing when the client is not visible (its policy). */
static const char sql_contact_insert[] =
    "INSERT INTO agency.contacts (client_id, name, title, phone, email, decision_maker, notes,"
    " created_by)"
    " SELECT c.id, $2, nullif($3, ''), nullif($4, ''), nullif($5, ''),"
    " coalesce($6::boolean, false), nullif($7, ''), agency.current_user_id()"
    " FROM agency.clients c WHERE c.id = $1::bigint RETURNING id";
static const char sql_client_visible[] = "SELECT 1 FROM agency.clients c WHERE c.id = $1::bigint";
static const char sql_contact_list[] =
    "SELECT" CONTACT_COLUMNS ", 'k,' || k.id AS _cursor FROM agency.contacts k"
    " WHERE k.client_id = $1::bigint"
    " AND CASE WHEN coalesce($2::boolean, false) THEN true ELSE k.archived_at IS NULL END"
    " AND ($3::bigint IS NULL OR (k.name, k.id) > (SELECT x.name, x.id FROM agency.contacts x"
    "   WHERE x.id = $3::bigint))"
    " ORDER BY k.name, k.id LIMIT $4::int";
static const char sql_contact_update[] =
    "UPDATE agency.contacts k SET name = coalesce($3, k.name),"
    " title = CASE WHEN $4::text IS NULL THEN k.title ELSE nullif($4, '') END,"
    " phone = CASE WHEN $5::text IS NULL THEN k.phone ELSE nullif($5, '') END,"
    " email = CASE WHEN $6::text IS NULL THEN k.email ELSE nullif($6, '') END,"
    " decision_maker = coalesce($7::boolean, k.decision_maker),"
    " notes = CASE WHEN $8::text IS NULL THEN k.notes ELSE nullif($8, '') END,"
    " version = k.version + 1"
    " WHERE k.id = $1::bigint AND k.version = $2::int RETURNING k.id";
static const char sql_contact_archive[] =
    "UPDATE agency.contacts SET archived_at = now(), archived_by = agency.current_user_id(),"
    " archive_reason = $2, version = version + 1"
    " WHERE id = $1::bigint AND archived_at IS NULL RETURNING id";
static const char sql_contact_state[] = "SELECT version, archived_at IS NOT NULL AS archived FROM "
                                        "agency.contacts WHERE id = $1::bigint";

static const char *const update_fields[] = {"name",  "title",          "phone",
                                            "email", "decision_maker", "notes"};
#define UPDATE_FIELDS (sizeof update_fields / sizeof update_fields[0])

/* not_found for a target outside the caller's scope, audited as a denial. */
static int not_found(struct op_ctx *ctx, const char *noun, const char *id)
{
    char target[40];
    snprintf(target, sizeof target, "%s:%s", noun, id);
    op_audit(ctx, target, "no such %s in the caller's scope", noun);
    return op_fail(ctx, PE_NOT_FOUND, "no such %s", noun);
}

static int check_email(struct op_ctx *ctx)
{
    const char *email = op_text(ctx, "email");
    if (email && email[0] && (!strchr(email, '@') || strchr(email, ' ')))
        return op_invalid(ctx, "email", "is not an e-mail address");
    return 0;
}

/* Packs contact id as the contact operations answer it. */
static int pack_contact(struct op_ctx *ctx, const char *id)
{
    const char *params[1] = {id};
    PGresult *r = db_exec(ctx, sql_contact_get, 1, params);
    if (!r)
        return -1;
    if (PQntuples(r) == 0) {
        PQclear(r);
        return not_found(ctx, "contact", id);
    }
    clients_pack_row(ctx->pk, r, 0);
    PQclear(r);
    return 0;
}

int op_contact_create(struct op_ctx *ctx)
{
    const char *client = op_text(ctx, "client_id");
    if (check_email(ctx) < 0)
        return -1;
    const char *params[7] = {client,
                             op_text(ctx, "name"),
                             op_text(ctx, "title"),
                             op_text(ctx, "phone"),
                             op_text(ctx, "email"),
                             op_text(ctx, "decision_maker"),
                             op_text(ctx, "notes")};
    PGresult *r = db_exec(ctx, sql_contact_insert, 7, params);
    if (!r)
        return -1;
    if (PQntuples(r) == 0) {
        PQclear(r);
        return not_found(ctx, "client", client);
    }
    char id[24], target[40];
    snprintf(id, sizeof id, "%s", db_get(r, 0, "id"));
    PQclear(r);
    snprintf(target, sizeof target, "contact:%s", id);
    op_audit(ctx, target, "created for client %s", client);
    return pack_contact(ctx, id);
}

int op_contact_list(struct op_ctx *ctx)
{
    const char *client = op_text(ctx, "client_id");
    const char *params[4] = {client, op_text(ctx, "archived"), NULL, NULL};
    PGresult *r = db_exec(ctx, sql_client_visible, 1, params);
    if (!r)
        return -1;
    bool visible = PQntuples(r) > 0;
    PQclear(r);
    if (!visible)
        return not_found(ctx, "client", client);
    int64_t cur[2];
    int ncur = clients_cursor(ctx, 'k', cur);
    if (ncur < 0)
        return -1;
    if (ncur > 1)
        return op_invalid(ctx, "cursor", "is not a cursor of this list");
    int limit = clients_limit(ctx);
    char c0[24], lim[24];
    snprintf(c0, sizeof c0, "%lld", (long long)cur[0]);
    params[2] = ncur ? c0 : NULL;
    params[3] = opu_u64(lim, (uint64_t)limit + 1);
    r = db_exec(ctx, sql_contact_list, 4, params);
    if (!r)
        return -1;
    clients_pack_page(ctx->pk, r, limit);
    PQclear(r);
    return 0;
}

/* After an update or archive matched no row: not found, already archived, or a newer version. */
static int contact_no_row(struct op_ctx *ctx, const char *id, bool archiving)
{
    const char *params[1] = {id};
    PGresult *r = db_exec(ctx, sql_contact_state, 1, params);
    if (!r)
        return -1;
    bool found = PQntuples(r) > 0, archived = found && opu_true(r, 0, "archived");
    PQclear(r);
    if (!found)
        return not_found(ctx, "contact", id);
    if (archiving && archived)
        return op_invalid(ctx, "id", "is already archived");
    return op_fail(ctx, PE_CONFLICT,
                   "someone changed this contact since you read it; read it again and retry");
}

int op_contact_update(struct op_ctx *ctx)
{
    const char *id = op_text(ctx, "id");
    if (check_email(ctx) < 0)
        return -1;
    const char *params[2 + UPDATE_FIELDS];
    params[0] = id;
    params[1] = op_text(ctx, "version");
    for (size_t i = 0; i < UPDATE_FIELDS; i++)
        params[2 + i] = op_text(ctx, update_fields[i]);
    long n = opu_exec_count(ctx, sql_contact_update, 2 + UPDATE_FIELDS, params);
    if (n < 0)
        return -1;
    if (n == 0)
        return contact_no_row(ctx, id, false);
    char target[40], detail[200];
    size_t used = 0;
    detail[0] = '\0';
    for (size_t i = 0; i < UPDATE_FIELDS; i++) {
        if (!op_has(ctx, update_fields[i]))
            continue;
        int w = snprintf(detail + used, sizeof detail - used, " %s", update_fields[i]);
        used += w > 0 ? (size_t)w : 0;
    }
    snprintf(target, sizeof target, "contact:%s", id);
    op_audit(ctx, target, "changed%s", detail[0] ? detail : " nothing");
    return pack_contact(ctx, id);
}

int op_contact_archive(struct op_ctx *ctx)
{
    const char *id = op_text(ctx, "id");
    const char *params[2] = {id, op_text(ctx, "reason")};
    long n = opu_exec_count(ctx, sql_contact_archive, 2, params);
    if (n < 0)
        return -1;
    if (n == 0)
        return contact_no_row(ctx, id, true);
    char target[40];
    snprintf(target, sizeof target, "contact:%s", id);
    op_audit(ctx, target, "archived: %s", op_text(ctx, "reason"));
    return pack_contact(ctx, id);
}
