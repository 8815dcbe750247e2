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
    {"auth.login", op_auth_login, ROLES_ALL, OPF_NO_AUTH | OPF_PW_PENDING | OPF_AUDITED, login_args,
     "Log in with user name and password; answers a session token"},
    {"auth.resume", op_auth_resume, ROLES_ALL, OPF_NO_AUTH | OPF_PW_PENDING | OPF_AUDITED,
     resume_args, "Continue an existing session on a new connection"},
    {"auth.logout", op_auth_logout, ROLES_ALL, OPF_PW_PENDING | MUT, no_args,
     "End the current session"},
    {"auth.whoami", op_auth_whoami, ROLES_ALL, OPF_PW_PENDING, no_args,
     "Show who you are logged in as and the session"},
    {"auth.password", op_auth_password, ROLES_ALL, OPF_PW_PENDING | MUT, password_args,
     "Change your password (ends your other sessions)"},
    {"auth.reauth", op_auth_reauth, ROLES_ALL, MUT, reauth_args,
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
    {"user.create", op_user_create, ROLE_DIRECTOR, MUT, user_create_args, "Create a staff account"},
    {"user.update", op_user_update, ROLE_DIRECTOR, MUT, user_update_args,
     "Change a staff account (send the version you read)"},
    {"user.deactivate", op_user_deactivate, ROLE_DIRECTOR, MUT, user_deactivate_args,
     "Deactivate a staff account and end its sessions"},
    {"user.unlock", op_user_unlock, ROLE_DIRECTOR, MUT, id_args,
     "Clear a lockout after failed logins"},
    {"user.reset_password", op_user_reset_password, ROLE_DIRECTOR, OPF_AUDITED, id_args,
     "Give a user a one-time password to change at next login"},
};

const unsigned op_table_len = sizeof op_table / sizeof op_table[0];
