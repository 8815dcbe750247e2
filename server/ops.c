/*
 * ops.c - THE operation table: every operation the server answers, who may call it,
 * its flags and its argument schema. The dispatcher enforces all of it before a handler.
 */
#include <stdint.h>

#include "handlers.h"
#include "op.h"

/* Limits shared by several schemas (characters for text, items for lists). */
#define NAME_MAX_CHARS 200
#define USERNAME_MIN   3
#define USERNAME_MAX   64
#define EMAIL_MAX      254
#define PASSWORD_MIN   8
#define PASSWORD_MAX   128
#define ID_MAX         INT64_MAX
#define VERSION_MAX    INT32_MAX
#define MONEY_MAX      1000000000000000LL /* 10^15 minor units */
#define NETWORKS_MAX   64
#define LIST_LIMIT_MAX 500
#define CURSOR_MAX     128

/* Everyone who works on clients: not finance. */
#define ROLES_STAFF (ROLE_AE | ROLE_MANAGER | ROLE_DIRECTOR)

static const char *const role_choices[] = {"ae", "manager", "director", "finance", NULL};

#define END_ARGS                                                                                   \
    {                                                                                              \
        NULL, 0, false, 0, 0, NULL                                                                 \
    }
static const struct arg_spec no_args[] = {END_ARGS};

static const struct arg_spec hello_args[] = {
    {"version", ARG_U64, true, 1, 1000, NULL},
    {"client", ARG_STR, false, 0, 100, NULL},
    END_ARGS,
};

/* Login takes any non-empty password up to the maximum: a short one is just wrong. */
static const struct arg_spec login_args[] = {
    {"username", ARG_STR, true, 1, USERNAME_MAX, NULL},
    {"password", ARG_SECRET, true, 1, PASSWORD_MAX, NULL},
    {"client", ARG_STR, false, 0, 100, NULL},
    END_ARGS,
};

static const struct arg_spec resume_args[] = {
    {"token", ARG_STR, true, 64, 64, NULL},
    {"client", ARG_STR, false, 0, 100, NULL},
    END_ARGS,
};

static const struct arg_spec password_args[] = {
    {"old_password", ARG_SECRET, true, 1, PASSWORD_MAX, NULL},
    {"new_password", ARG_SECRET, true, PASSWORD_MIN, PASSWORD_MAX, NULL},
    END_ARGS,
};

static const struct arg_spec reauth_args[] = {
    {"password", ARG_SECRET, true, 1, PASSWORD_MAX, NULL},
    END_ARGS,
};

static const struct arg_spec sessions_args[] = {
    {"user_id", ARG_ID, false, 1, ID_MAX, NULL},
    END_ARGS,
};

static const struct arg_spec revoke_args[] = {
    {"session_id", ARG_ID, true, 1, ID_MAX, NULL},
    END_ARGS,
};

static const struct arg_spec branch_create_args[] = {
    {"name", ARG_STR, true, 1, NAME_MAX_CHARS, NULL},
    {"city", ARG_STR, true, 1, NAME_MAX_CHARS, NULL},
    {"timezone", ARG_STR, true, 1, 64, NULL},
    {"allowed_networks", ARG_CIDR_LIST, false, 0, NETWORKS_MAX, NULL},
    END_ARGS,
};

static const struct arg_spec team_list_args[] = {
    {"branch_id", ARG_ID, false, 1, ID_MAX, NULL},
    END_ARGS,
};

static const struct arg_spec team_create_args[] = {
    {"name", ARG_STR, true, 1, NAME_MAX_CHARS, NULL},
    {"branch_id", ARG_ID, true, 1, ID_MAX, NULL},
    {"manager_id", ARG_ID, true, 1, ID_MAX, NULL},
    END_ARGS,
};

static const struct arg_spec user_list_args[] = {
    {"role", ARG_ENUM, false, 0, 0, role_choices},
    {"team_id", ARG_ID, false, 1, ID_MAX, NULL},
    {"branch_id", ARG_ID, false, 1, ID_MAX, NULL},
    {"active", ARG_BOOL, false, 0, 0, NULL},
    {"limit", ARG_U64, false, 1, LIST_LIMIT_MAX, NULL},
    {"cursor", ARG_STR, false, 1, CURSOR_MAX, NULL},
    END_ARGS,
};

static const struct arg_spec id_args[] = {
    {"id", ARG_ID, true, 1, ID_MAX, NULL},
    END_ARGS,
};

static const struct arg_spec user_create_args[] = {
    {"username", ARG_STR, true, USERNAME_MIN, USERNAME_MAX, NULL},
    {"full_name", ARG_STR, true, 1, NAME_MAX_CHARS, NULL},
    {"email", ARG_STR, true, 3, EMAIL_MAX, NULL},
    {"role", ARG_ENUM, true, 0, 0, role_choices},
    {"branch_id", ARG_ID, true, 1, ID_MAX, NULL},
    {"team_id", ARG_ID, false, 1, ID_MAX, NULL},
    {"password", ARG_SECRET, true, PASSWORD_MIN, PASSWORD_MAX, NULL},
    {"approval_limit", ARG_U64, false, 0, MONEY_MAX, NULL},
    {"approval_currency", ARG_STR, false, 3, 3, NULL},
    END_ARGS,
};

static const struct arg_spec user_update_args[] = {
    {"id", ARG_ID, true, 1, ID_MAX, NULL},
    {"version", ARG_U64, true, 1, VERSION_MAX, NULL},
    {"full_name", ARG_STR, false, 1, NAME_MAX_CHARS, NULL},
    {"email", ARG_STR, false, 3, EMAIL_MAX, NULL},
    {"role", ARG_ENUM, false, 0, 0, role_choices},
    {"branch_id", ARG_ID, false, 1, ID_MAX, NULL},
    {"team_id", ARG_ID, false, 1, ID_MAX, NULL},
    {"approval_limit", ARG_U64, false, 0, MONEY_MAX, NULL},
    {"approval_currency", ARG_STR, false, 3, 3, NULL},
    END_ARGS,
};

static const struct arg_spec user_deactivate_args[] = {
    {"id", ARG_ID, true, 1, ID_MAX, NULL},
    {"reassign_to", ARG_ID, false, 1, ID_MAX, NULL},
    END_ARGS,
};

/* ---- clients, contacts, activities (issue 3) ---- */

#define SHORT_MAX   64    /* phone numbers, registration numbers */
#define ADDRESS_MAX 2000  /* addresses, web sites */
#define TEXT_MAX    20000 /* notes, details */
#define SUMMARY_MAX 500   /* activity summaries, next actions, reasons */
#define ASSIGN_MAX  500   /* clients moved by one client.assign */
#define IMPORT_ROWS 500   /* rows staged by one client.import_rows */
#define AGENDA_DAYS 90

static const char *const tier_choices[] = {"key", "growth", "standard", NULL};
static const char *const status_choices[] = {"prospect", "active", "dormant", "lost", NULL};
static const char *const kind_choices[] = {"call", "email", "meeting", "visit", "note", NULL};

/* client.create's schema is also the schema of every imported row (op_import.c). */
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

static const struct arg_spec archive_args[] = {
    {"id", ARG_ID, true, 1, ID_MAX, NULL},
    {"reason", ARG_STR, true, 1, SUMMARY_MAX, NULL},
    END_ARGS,
};

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

static const struct arg_spec activity_log_args[] = {
    {"client_id", ARG_ID, true, 1, ID_MAX, NULL},
    {"kind", ARG_ENUM, true, 0, 0, kind_choices},
    {"summary", ARG_STR, true, 1, SUMMARY_MAX, NULL},
    {"details", ARG_TEXT, false, 0, TEXT_MAX, NULL},
    {"occurred_at", ARG_TIMESTAMP, false, 0, 0, NULL},
    {"next_action", ARG_STR, false, 0, SUMMARY_MAX, NULL},
    {"next_due", ARG_DATE, false, 0, 0, NULL},
    END_ARGS,
};

static const struct arg_spec activity_list_args[] = {
    {"client_id", ARG_ID, false, 1, ID_MAX, NULL},
    {"user_id", ARG_ID, false, 1, ID_MAX, NULL},
    {"since", ARG_DATE, false, 0, 0, NULL},
    {"until", ARG_DATE, false, 0, 0, NULL},
    {"kind", ARG_ENUM, false, 0, 0, kind_choices},
    {"open", ARG_BOOL, false, 0, 0, NULL},
    {"limit", ARG_U64, false, 1, LIST_LIMIT_MAX, NULL},
    {"cursor", ARG_STR, false, 1, CURSOR_MAX, NULL},
    END_ARGS,
};

static const struct arg_spec agenda_args[] = {
    {"days", ARG_U64, false, 0, AGENDA_DAYS, NULL},
    {"team", ARG_BOOL, false, 0, 0, NULL},
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

#define LOOP_NO_AUTH (OPF_LOOP | OPF_NO_AUTH | OPF_PW_PENDING)
/* Mutating operations accept an idempotency_key (added by the argument validator). auth.login,
 * auth.resume and user.reset_password write but are not replayable: their answers hold
 * secrets (a token, a one-time password) that must never be stored. */
#define MUT (OPF_MUTATING | OPF_AUDITED)

const struct op op_table[] = {
    /* session */
    {"hello", NULL, ROLES_ALL, LOOP_NO_AUTH, hello_args,
     "Start a connection: agree on the protocol version (first message)"},
    {"ping", NULL, ROLES_ALL, LOOP_NO_AUTH, no_args, "Check that the server answers"},
    {"meta.operations", NULL, ROLES_ALL, OPF_LOOP | OPF_PW_PENDING, no_args,
     "List the operations you may call, with their arguments"},
    {"auth.login", op_auth_login, ROLES_ALL,
     OPF_HASHES | OPF_NO_AUTH | OPF_PW_PENDING | OPF_AUDITED, login_args,
     "Log in with user name and password; answers a session token"},
    {"auth.resume", op_auth_resume, ROLES_ALL, OPF_NO_AUTH | OPF_PW_PENDING | OPF_AUDITED,
     resume_args, "Continue an existing session on a new connection"},
    {"auth.logout", op_auth_logout, ROLES_ALL, OPF_PW_PENDING | MUT, no_args,
     "End the current session"},
    {"auth.whoami", op_auth_whoami, ROLES_ALL, OPF_PW_PENDING, no_args,
     "Show who you are logged in as and the session"},
    {"auth.password", op_auth_password, ROLES_ALL, OPF_HASHES | OPF_PW_PENDING | MUT, password_args,
     "Change your password (ends your other sessions)"},
    {"auth.reauth", op_auth_reauth, ROLES_ALL, OPF_HASHES | MUT, reauth_args,
     "Confirm your password again before sensitive operations"},
    {"auth.sessions", op_auth_sessions, ROLES_ALL, 0, sessions_args,
     "List your sessions (directors: anyone's with user_id)"},
    {"auth.revoke", op_auth_revoke, ROLES_ALL, MUT, revoke_args,
     "End one of your sessions (directors: anyone's)"},

    /* staff: directors change, everyone reads names */
    {"branch.list", op_branch_list, ROLES_ALL, 0, no_args, "List branch offices"},
    {"branch.create", op_branch_create, ROLE_DIRECTOR, MUT, branch_create_args,
     "Open a branch office"},
    {"team.list", op_team_list, ROLES_ALL, 0, team_list_args, "List teams"},
    {"team.create", op_team_create, ROLE_DIRECTOR, MUT, team_create_args,
     "Create a team in a branch with its manager"},
    {"user.list", op_user_list, ROLES_ALL, 0, user_list_args, "List staff"},
    {"user.get", op_user_get, ROLES_ALL, 0, id_args, "Show one member of staff"},
    {"user.create", op_user_create, ROLE_DIRECTOR, OPF_HASHES | MUT, user_create_args,
     "Create a staff account"},
    {"user.update", op_user_update, ROLE_DIRECTOR, MUT, user_update_args,
     "Change a staff account (send the version you read)"},
    {"user.deactivate", op_user_deactivate, ROLE_DIRECTOR, MUT, user_deactivate_args,
     "Deactivate a staff account and end its sessions"},
    {"user.unlock", op_user_unlock, ROLE_DIRECTOR, MUT, id_args,
     "Clear a lockout after failed logins"},
    {"user.reset_password", op_user_reset_password, ROLE_DIRECTOR, OPF_HASHES | OPF_AUDITED,
     id_args, "Give a user a one-time password to change at next login"},

    /* clients: AE own, manager team, director all, finance reads basics (scope in the database) */
    {"client.create", op_client_create, ROLES_STAFF, MUT, client_create_args,
     "Add a client (answers duplicate with similar clients unless force)"},
    {"client.check_duplicate", op_client_check_duplicate, ROLES_ALL, 0, client_dup_args,
     "Find existing clients with a similar name or the same registration number"},
    {"client.get", op_client_get, ROLES_ALL, 0, id_args, "Show one client"},
    {"client.list", op_client_list, ROLES_ALL, 0, client_list_args,
     "List or search clients (q: name, legal name, registration number, contact)"},
    {"client.update", op_client_update, ROLES_STAFF, MUT, client_update_args,
     "Change a client (send the version you read)"},
    {"client.assign", op_client_assign, ROLE_MANAGER | ROLE_DIRECTOR, MUT, client_assign_args,
     "Hand clients over to another owner, with a reason"},
    {"client.archive", op_client_archive, ROLES_STAFF, MUT, archive_args,
     "Archive a client, with a reason"},
    {"client.import_begin", op_client_import_begin, ROLES_STAFF, MUT, no_args,
     "Start a client import"},
    {"client.import_rows", op_client_import_rows, ROLES_STAFF, MUT, import_rows_args,
     "Check and stage up to 500 rows of a client import"},
    {"client.import_commit", op_client_import_commit, ROLES_STAFF, MUT, import_commit_args,
     "Import the staged rows in one transaction (dry_run: only check)"},

    /* contacts and the activity log: the client's scope; finance reads contacts only */
    {"contact.create", op_contact_create, ROLES_STAFF, MUT, contact_create_args,
     "Add a contact person to a client"},
    {"contact.list", op_contact_list, ROLES_ALL, 0, contact_list_args, "List a client's contacts"},
    {"contact.update", op_contact_update, ROLES_STAFF, MUT, contact_update_args,
     "Change a contact (send the version you read)"},
    {"contact.archive", op_contact_archive, ROLES_STAFF, MUT, archive_args,
     "Archive a contact, with a reason"},
    {"activity.log", op_activity_log, ROLES_STAFF, MUT, activity_log_args,
     "Log a call, e-mail, meeting, visit or note, with its follow-up"},
    {"activity.list", op_activity_list, ROLES_STAFF, 0, activity_list_args,
     "List logged activities, newest first"},
    {"activity.done", op_activity_done, ROLES_STAFF, MUT, id_args, "Mark a follow-up done"},
    {"agenda", op_agenda, ROLES_STAFF, 0, agenda_args,
     "Your overdue and upcoming follow-ups (managers: team: true for the team's)"},
};

const unsigned op_table_len = sizeof op_table / sizeof op_table[0];
