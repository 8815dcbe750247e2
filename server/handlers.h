/*
 * handlers.h - the operation handlers named by the operation table (ops.c).
 * Each runs on a database worker inside the request's transaction; see op.h.
 */
#ifndef AGENCY_HANDLERS_H
#define AGENCY_HANDLERS_H

#include "op.h"

/* op_session.c: authentication and sessions */
int op_auth_login(struct op_ctx *ctx);
int op_auth_resume(struct op_ctx *ctx);
int op_auth_logout(struct op_ctx *ctx);
int op_auth_whoami(struct op_ctx *ctx);
int op_auth_password(struct op_ctx *ctx);
int op_auth_reauth(struct op_ctx *ctx);
int op_auth_sessions(struct op_ctx *ctx);
int op_auth_revoke(struct op_ctx *ctx);

/* op_staff.c (branches, teams, reading users) and op_staff_users.c (changing users) */
int op_branch_list(struct op_ctx *ctx);
int op_branch_create(struct op_ctx *ctx);
int op_team_list(struct op_ctx *ctx);
int op_team_create(struct op_ctx *ctx);
int op_user_list(struct op_ctx *ctx);
int op_user_get(struct op_ctx *ctx);
int op_user_create(struct op_ctx *ctx);
int op_user_update(struct op_ctx *ctx);
int op_user_deactivate(struct op_ctx *ctx);
int op_user_unlock(struct op_ctx *ctx);
int op_user_reset_password(struct op_ctx *ctx);

/* op_clients.c, op_clients_list.c, op_clients_assign.c: clients */
int op_client_create(struct op_ctx *ctx);
int op_client_check_duplicate(struct op_ctx *ctx);
int op_client_get(struct op_ctx *ctx);
int op_client_list(struct op_ctx *ctx);
int op_client_update(struct op_ctx *ctx);
int op_client_assign(struct op_ctx *ctx);
int op_client_archive(struct op_ctx *ctx);

/* op_contacts.c: people at a client */
int op_contact_create(struct op_ctx *ctx);
int op_contact_list(struct op_ctx *ctx);
int op_contact_update(struct op_ctx *ctx);
int op_contact_archive(struct op_ctx *ctx);

/* op_activity.c: the activity log, follow-ups and the agenda */
int op_activity_log(struct op_ctx *ctx);
int op_activity_list(struct op_ctx *ctx);
int op_activity_done(struct op_ctx *ctx);
int op_agenda(struct op_ctx *ctx);

/* op_import.c: client import in batches */
int op_client_import_begin(struct op_ctx *ctx);
int op_client_import_rows(struct op_ctx *ctx);
int op_client_import_commit(struct op_ctx *ctx);

/* Packs the user with decimal id as the caller may see them (user.get's answer): details
 * for directors and for a manager's own team, name-level fields otherwise. 0, or -1 with
 * ctx->err set (not_found when there is no such user). */
int op_staff_pack_user(struct op_ctx *ctx, const char *id);

#endif
