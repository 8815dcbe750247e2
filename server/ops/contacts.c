/*
 * contacts.c - people at a client: contact.create, contact.list, contact.update,
 * contact.archive. A contact follows its client's scope (row-level security); a contact or
 * client outside it is not found.
 */
#include <stdio.h>

#include "op_schema.h"
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

/* Packs contact id as the contact operations answer it. */
static int pack_contact(struct op_ctx *ctx, const char *id)
{
    return opu_pack_one(ctx, sql_contact_get, "contact", id);
}

static int op_contact_create(struct op_ctx *ctx)
{
    const char *client = op_text(ctx, "client_id");
    if (opu_check_email(ctx) < 0)
        return -1;
    const char *params[7] = {client,
                             op_text(ctx, "name"),
                             op_text(ctx, "title"),
                             op_text(ctx, "phone"),
                             op_text(ctx, "email"),
                             op_text(ctx, "decision_maker"),
                             op_text(ctx, "notes")};
    char id[24], target[40];
    if (opu_insert_under_client(ctx, sql_contact_insert, 7, params, id) < 0)
        return -1;
    snprintf(target, sizeof target, "contact:%s", id);
    op_audit(ctx, target, "created for client %s", client);
    return pack_contact(ctx, id);
}

static int op_contact_list(struct op_ctx *ctx)
{
    const char *client = op_text(ctx, "client_id");
    if (opu_client_visible(ctx, client) < 0)
        return -1;
    char c0[24], lim[24];
    int ncur = opu_cursor_one(ctx, 'k', c0);
    if (ncur < 0)
        return -1;
    int limit = opu_limit(ctx);
    const char *params[4] = {client, op_text(ctx, "archived"), ncur ? c0 : NULL,
                             opu_u64(lim, (uint64_t)limit + 1)};
    PGresult *r = db_exec(ctx, sql_contact_list, 4, params);
    if (!r)
        return -1;
    opu_pack_keyset_page(ctx->pk, r, limit);
    PQclear(r);
    return 0;
}

static int op_contact_update(struct op_ctx *ctx)
{
    const char *id = op_text(ctx, "id");
    if (opu_check_email(ctx) < 0 ||
        opu_update_versioned(ctx, sql_contact_update, sql_contact_state, "contact", update_fields,
                             UPDATE_FIELDS) < 0)
        return -1;
    char target[40], detail[200] = "";
    opu_changed_fields(ctx, update_fields, UPDATE_FIELDS, detail, sizeof detail);
    snprintf(target, sizeof target, "contact:%s", id);
    op_audit(ctx, target, "changed %s", detail[0] ? detail : "nothing");
    return pack_contact(ctx, id);
}

static int op_contact_archive(struct op_ctx *ctx)
{
    if (opu_archive(ctx, sql_contact_archive, sql_contact_state, "contact") < 0)
        return -1;
    return pack_contact(ctx, op_text(ctx, "id"));
}

/* ---- the rows of this area in the operation table (optable.c) ---- */

static const struct arg_spec contact_create_args[] = {
    {"client_id", ARG_ID, true, 1, ID_MAX, NULL},
    {"name", ARG_STR, true, 1, NAME_MAX_CHARS, NULL},
    {"title", ARG_STR, false, 0, NAME_MAX_CHARS, NULL},
    {"phone", ARG_STR, false, 0, SHORT_MAX, NULL},
    {"email", ARG_STR, false, 0, EMAIL_MAX, NULL},
    {"decision_maker", ARG_BOOL, false, 0, 0, NULL},
    {"notes", ARG_TEXT, false, 0, TEXT_MAX, NULL},
    END_ARGS,
};

static const struct arg_spec contact_list_args[] = {
    {"client_id", ARG_ID, true, 1, ID_MAX, NULL},
    {"archived", ARG_BOOL, false, 0, 0, NULL},
    {"limit", ARG_U64, false, 1, LIST_LIMIT_MAX, NULL},
    {"cursor", ARG_STR, false, 1, CURSOR_MAX, NULL},
    END_ARGS,
};

static const struct arg_spec contact_update_args[] = {
    {"id", ARG_ID, true, 1, ID_MAX, NULL},
    {"version", ARG_U64, true, 1, VERSION_MAX, NULL},
    {"name", ARG_STR, false, 1, NAME_MAX_CHARS, NULL},
    {"title", ARG_STR, false, 0, NAME_MAX_CHARS, NULL},
    {"phone", ARG_STR, false, 0, SHORT_MAX, NULL},
    {"email", ARG_STR, false, 0, EMAIL_MAX, NULL},
    {"decision_maker", ARG_BOOL, false, 0, 0, NULL},
    {"notes", ARG_TEXT, false, 0, TEXT_MAX, NULL},
    END_ARGS,
};

/* Contacts: the client's scope; finance reads contacts only. */
static const struct op rows[] = {
    {"contact.create", op_contact_create, ROLES_STAFF, MUT, contact_create_args,
     "Add a contact person to a client"},
    {"contact.list", op_contact_list, ROLES_ALL, 0, contact_list_args, "List a client's contacts"},
    {"contact.update", op_contact_update, ROLES_STAFF, MUT, contact_update_args,
     "Change a contact (send the version you read)"},
    {"contact.archive", op_contact_archive, ROLES_STAFF, MUT, op_args_archive,
     "Archive a contact, with a reason"},
};

OP_AREA(ops_contacts, "contacts", rows);
