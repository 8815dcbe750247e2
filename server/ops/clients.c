/*
 * clients.c - one client at a time: client.create (with the duplicate check),
 * client.check_duplicate, client.get, client.update, client.archive. Scope is the database's
 * row-level security: a client outside it is not found.
 */
#include <stdio.h>

#include "clients.h"
#include "op_schema.h"
#include "op_util.h"

static const char sql_client_get[] =
    "SELECT c.id, c.name, c.legal_name, c.registration_no, c.industry, c.tier, c.status,"
    " u.id AS \"owner.id\", u.full_name AS \"owner.full_name\", c.address, c.phone, c.email,"
    " c.website, c.notes, s.confidential_notes,"
    " (SELECT count(*) FROM agency.contacts k WHERE k.client_id = c.id"
    "   AND k.archived_at IS NULL) AS contacts_count,"
    " h.level AS \"health.level\", h.score AS \"health.score\", h.reviews AS \"health.reviews\","
    " h.last_review_on AS \"health.last_review_on\", h.open_issues AS \"health.open_issues\","
    " h.last_contact_at AS \"health.last_contact_at\","
    " h.days_since_contact AS \"health.days_since_contact\","
    " c.archived_at, c.archive_reason, c.created_at, c.updated_at, c.version"
    " FROM agency.clients c JOIN agency.users u ON u.id = c.owner_id"
    " LEFT JOIN agency.client_secrets s ON s.client_id = c.id"
    " LEFT JOIN LATERAL agency.client_health(c.id) h ON true WHERE c.id = $1::bigint";
/* Finance: the same basics, and no confidential_notes key at all. */
static const char sql_client_get_basics[] =
    "SELECT c.id, c.name, c.legal_name, c.registration_no, c.industry, c.tier, c.status,"
    " u.id AS \"owner.id\", u.full_name AS \"owner.full_name\", c.address, c.phone, c.email,"
    " c.website, c.notes,"
    " (SELECT count(*) FROM agency.contacts k WHERE k.client_id = c.id"
    "   AND k.archived_at IS NULL) AS contacts_count,"
    " c.archived_at, c.archive_reason, c.created_at, c.updated_at, c.version"
    " FROM agency.clients c JOIN agency.users u ON u.id = c.owner_id WHERE c.id = $1::bigint";
static const char sql_client_insert[] =
    "INSERT INTO agency.clients (name, legal_name, registration_no, industry, tier, status,"
    " owner_id, address, phone, email, website, notes, created_by)"
    " VALUES ($1, nullif($2, ''), nullif($3, ''), nullif($4, ''), coalesce($5, 'standard'),"
    " coalesce($6, 'prospect'), $7::bigint, nullif($8, ''), nullif($9, ''), nullif($10, ''),"
    " nullif($11, ''), nullif($12, ''), agency.current_user_id()) RETURNING id";
static const char sql_secret_upsert[] =
    "INSERT INTO agency.client_secrets (client_id, confidential_notes, updated_by)"
    " VALUES ($1::bigint, nullif($2, ''), agency.current_user_id())"
    " ON CONFLICT (client_id) DO UPDATE SET confidential_notes = EXCLUDED.confidential_notes,"
    " updated_at = now(), updated_by = EXCLUDED.updated_by";
static const char sql_client_update[] =
    "UPDATE agency.clients c SET name = coalesce($3, c.name),"
    " legal_name = CASE WHEN $4::text IS NULL THEN c.legal_name ELSE nullif($4, '') END,"
    " registration_no = CASE WHEN $5::text IS NULL THEN c.registration_no"
    "   ELSE nullif($5, '') END,"
    " industry = CASE WHEN $6::text IS NULL THEN c.industry ELSE nullif($6, '') END,"
    " tier = coalesce($7, c.tier), status = coalesce($8, c.status),"
    " address = CASE WHEN $9::text IS NULL THEN c.address ELSE nullif($9, '') END,"
    " phone = CASE WHEN $10::text IS NULL THEN c.phone ELSE nullif($10, '') END,"
    " email = CASE WHEN $11::text IS NULL THEN c.email ELSE nullif($11, '') END,"
    " website = CASE WHEN $12::text IS NULL THEN c.website ELSE nullif($12, '') END,"
    " notes = CASE WHEN $13::text IS NULL THEN c.notes ELSE nullif($13, '') END,"
    " version = c.version + 1"
    " WHERE c.id = $1::bigint AND c.version = $2::int RETURNING c.id";
static const char sql_client_version[] =
    "SELECT version, archived_at IS NOT NULL AS archived FROM agency.clients WHERE id = $1::bigint";
static const char sql_client_archive[] =
    "UPDATE agency.clients SET archived_at = now(), archived_by = agency.current_user_id(),"
    " archive_reason = $2, version = version + 1"
    " WHERE id = $1::bigint AND archived_at IS NULL RETURNING id";

/* The fields client.update may change, in the order of sql_client_update's $3..$13. */
static const char *const update_fields[] = {
    "name",    "legal_name", "registration_no", "industry", "tier", "status",
    "address", "phone",      "email",           "website",  "notes"};
#define UPDATE_FIELDS (sizeof update_fields / sizeof update_fields[0])

int clients_pack_client(struct op_ctx *ctx, const char *id, bool audit_read)
{
    bool finance = ctx->sess.role == ROLE_FINANCE;
    const char *params[1] = {id};
    PGresult *r = db_exec(ctx, finance ? sql_client_get_basics : sql_client_get, 1, params);
    if (!r)
        return -1;
    if (PQntuples(r) == 0) {
        PQclear(r);
        return opu_not_found(ctx, "client", id);
    }
    const char *notes = finance ? NULL : db_get(r, 0, "confidential_notes");
    if (audit_read && notes && notes[0]) {
        char target[40];
        snprintf(target, sizeof target, "client:%s", id);
        op_audit(ctx, target, "read confidential notes of client %s", id);
    }
    opu_pack_row(ctx->pk, r, 0);
    PQclear(r);
    return 0;
}

static int op_client_create(struct op_ctx *ctx)
{
    char me[24], target[40], overridden[128] = "";
    const char *owner =
        op_has(ctx, "owner_id") ? op_text(ctx, "owner_id") : opu_u64(me, ctx->sess.user_id);
    if (opu_check_email(ctx) < 0 || clients_check_owner(ctx, "owner_id", owner) < 0)
        return -1;
    bool force = op_bool(ctx, "force");
    int dup = clients_duplicates(ctx, op_text(ctx, "name"), op_text(ctx, "registration_no"),
                                 force ? CLIENTS_DUP_COUNT : CLIENTS_DUP_REFUSE, overridden,
                                 sizeof overridden);
    if (dup < 0)
        return -1;
    if (ctx->err != PE_OK) { /* the duplicate answer with its candidates */
        op_audit(ctx, "", "refused as a duplicate of candidates=%s", overridden);
        return -1;
    }
    const char *params[12] = {op_text(ctx, "name"),
                              op_text(ctx, "legal_name"),
                              op_text(ctx, "registration_no"),
                              op_text(ctx, "industry"),
                              op_text(ctx, "tier"),
                              op_text(ctx, "status"),
                              owner,
                              op_text(ctx, "address"),
                              op_text(ctx, "phone"),
                              op_text(ctx, "email"),
                              op_text(ctx, "website"),
                              op_text(ctx, "notes")};
    PGresult *r = db_one(ctx, sql_client_insert, 12, params, "no such client");
    if (!r)
        return -1;
    char id[24];
    snprintf(id, sizeof id, "%s", db_get(r, 0, "id"));
    PQclear(r);
    const char *notes = op_text(ctx, "confidential_notes");
    if (notes && notes[0]) {
        const char *sp[2] = {id, notes};
        if (opu_exec_count(ctx, sql_secret_upsert, 2, sp) < 0)
            return -1;
    }
    snprintf(target, sizeof target, "client:%s", id);
    op_audit(ctx, target, "created owner=%s%s%s%s", owner,
             notes && notes[0] ? " confidential_notes" : "",
             dup > 0 ? " forced over duplicate candidates=" : "", dup > 0 ? overridden : "");
    return clients_pack_client(ctx, id, false);
}

static int op_client_check_duplicate(struct op_ctx *ctx)
{
    int n = clients_duplicates(ctx, op_text(ctx, "name"), op_text(ctx, "registration_no"),
                               CLIENTS_DUP_ANSWER, NULL, 0);
    return n < 0 ? -1 : 0;
}

static int op_client_get(struct op_ctx *ctx)
{
    return clients_pack_client(ctx, op_text(ctx, "id"), true);
}

static int op_client_update(struct op_ctx *ctx)
{
    const char *id = op_text(ctx, "id");
    if (opu_check_email(ctx) < 0 ||
        opu_update_versioned(ctx, sql_client_update, sql_client_version, "client", update_fields,
                             UPDATE_FIELDS) < 0)
        return -1;
    if (op_has(ctx, "confidential_notes")) {
        const char *sp[2] = {id, op_text(ctx, "confidential_notes")};
        if (opu_exec_count(ctx, sql_secret_upsert, 2, sp) < 0)
            return -1;
    }
    static const char *const secret_fields[] = {"confidential_notes"};
    char target[40], detail[300] = "";
    opu_changed_fields(ctx, update_fields, UPDATE_FIELDS, detail, sizeof detail);
    opu_changed_fields(ctx, secret_fields, 1, detail, sizeof detail);
    snprintf(target, sizeof target, "client:%s", id);
    op_audit(ctx, target, "changed %s", detail[0] ? detail : "nothing");
    return clients_pack_client(ctx, id, false);
}

static int op_client_archive(struct op_ctx *ctx)
{
    if (opu_archive(ctx, sql_client_archive, sql_client_version, "client") < 0)
        return -1;
    return clients_pack_client(ctx, op_text(ctx, "id"), false);
}

/* ---- the rows of this area in the operation table (optable.c) ---- */

#define ASSIGN_MAX  500 /* clients moved by one client.assign */
#define IMPORT_ROWS 500 /* rows staged by one client.import_rows */

static const char *const tier_choices[] = {"key", "growth", "standard", NULL};
static const char *const status_choices[] = {"prospect", "active", "dormant", "lost", NULL};

/* client.create's schema is also the schema of every imported row (clients_import.c). */
static const struct arg_spec client_create_args[] = {
    {"name", ARG_STR, true, 1, NAME_MAX_CHARS, NULL},
    {"legal_name", ARG_STR, false, 0, NAME_MAX_CHARS, NULL},
    {"registration_no", ARG_STR, false, 0, SHORT_MAX, NULL},
    {"industry", ARG_STR, false, 0, NAME_MAX_CHARS, NULL},
    {"tier", ARG_ENUM, false, 0, 0, tier_choices},
    {"status", ARG_ENUM, false, 0, 0, status_choices},
    {"owner_id", ARG_ID, false, 1, ID_MAX, NULL},
    {"address", ARG_TEXT, false, 0, ADDRESS_MAX, NULL},
    {"phone", ARG_STR, false, 0, SHORT_MAX, NULL},
    {"email", ARG_STR, false, 0, EMAIL_MAX, NULL},
    {"website", ARG_STR, false, 0, ADDRESS_MAX, NULL},
    {"notes", ARG_TEXT, false, 0, TEXT_MAX, NULL},
    {"confidential_notes", ARG_TEXT, false, 0, TEXT_MAX, NULL},
    {"force", ARG_BOOL, false, 0, 0, NULL},
    END_ARGS,
};

static const struct arg_spec client_dup_args[] = {
    {"name", ARG_STR, true, 1, NAME_MAX_CHARS, NULL},
    {"registration_no", ARG_STR, false, 0, SHORT_MAX, NULL},
    END_ARGS,
};

static const struct arg_spec client_list_args[] = {
    {"q", ARG_STR, false, 1, NAME_MAX_CHARS, NULL},
    {"tier", ARG_ENUM, false, 0, 0, tier_choices},
    {"status", ARG_ENUM, false, 0, 0, status_choices},
    {"owner_id", ARG_ID, false, 1, ID_MAX, NULL},
    {"team_id", ARG_ID, false, 1, ID_MAX, NULL},
    {"archived", ARG_BOOL, false, 0, 0, NULL},
    {"limit", ARG_U64, false, 1, LIST_LIMIT_MAX, NULL},
    {"cursor", ARG_STR, false, 1, CURSOR_MAX, NULL},
    END_ARGS,
};

static const struct arg_spec client_update_args[] = {
    {"id", ARG_ID, true, 1, ID_MAX, NULL},
    {"version", ARG_U64, true, 1, VERSION_MAX, NULL},
    {"name", ARG_STR, false, 1, NAME_MAX_CHARS, NULL},
    {"legal_name", ARG_STR, false, 0, NAME_MAX_CHARS, NULL},
    {"registration_no", ARG_STR, false, 0, SHORT_MAX, NULL},
    {"industry", ARG_STR, false, 0, NAME_MAX_CHARS, NULL},
    {"tier", ARG_ENUM, false, 0, 0, tier_choices},
    {"status", ARG_ENUM, false, 0, 0, status_choices},
    {"address", ARG_TEXT, false, 0, ADDRESS_MAX, NULL},
    {"phone", ARG_STR, false, 0, SHORT_MAX, NULL},
    {"email", ARG_STR, false, 0, EMAIL_MAX, NULL},
    {"website", ARG_STR, false, 0, ADDRESS_MAX, NULL},
    {"notes", ARG_TEXT, false, 0, TEXT_MAX, NULL},
    {"confidential_notes", ARG_TEXT, false, 0, TEXT_MAX, NULL},
    END_ARGS,
};

static const struct arg_spec client_assign_args[] = {
    {"ids", ARG_ID_LIST, true, 1, ASSIGN_MAX, NULL},
    {"owner_id", ARG_ID, true, 1, ID_MAX, NULL},
    {"reason", ARG_STR, true, 1, SUMMARY_MAX, NULL},
    END_ARGS,
};

static const struct arg_spec import_rows_args[] = {
    {"import_id", ARG_ID, true, 1, ID_MAX, NULL},
    {"rows", ARG_MAP_LIST, true, 1, IMPORT_ROWS, NULL},
    END_ARGS,
};

static const struct arg_spec import_commit_args[] = {
    {"import_id", ARG_ID, true, 1, ID_MAX, NULL},
    {"dry_run", ARG_BOOL, false, 0, 0, NULL},
    {"skip_bad", ARG_BOOL, false, 0, 0, NULL},
    END_ARGS,
};

/* Clients: AE own, manager team, director all, finance reads basics (scope in the database). */
static const struct op rows[] = {
    {"client.create", op_client_create, ROLES_STAFF, MUT, client_create_args,
     "Add a client (answers duplicate with similar clients unless force)"},
    {"client.check_duplicate", op_client_check_duplicate, ROLES_ALL, 0, client_dup_args,
     "Find existing clients with a similar name or the same registration number"},
    {"client.get", op_client_get, ROLES_ALL, 0, op_args_id, "Show one client"},
    {"client.list", op_client_list, ROLES_ALL, 0, client_list_args,
     "List or search clients (q: name, legal name, registration number, contact)"},
    {"client.update", op_client_update, ROLES_STAFF, MUT, client_update_args,
     "Change a client (send the version you read)"},
    {"client.assign", op_client_assign, ROLE_MANAGER | ROLE_DIRECTOR, MUT, client_assign_args,
     "Hand clients over to another owner, with a reason"},
    {"client.archive", op_client_archive, ROLES_STAFF, MUT, op_args_archive,
     "Archive a client, with a reason"},
    {"client.import_begin", op_client_import_begin, ROLES_STAFF, MUT, op_args_none,
     "Start a client import"},
    {"client.import_rows", op_client_import_rows, ROLES_STAFF, MUT, import_rows_args,
     "Check and stage up to 500 rows of a client import"},
    {"client.import_commit", op_client_import_commit, ROLES_STAFF, MUT, import_commit_args,
     "Import the staged rows in one transaction (dry_run: only check)"},
};

OP_AREA(ops_clients, "clients", rows);
