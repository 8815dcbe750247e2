/*
 * staff.h - what the files of the staff area share: reading users (staff.c) and changing them
 * (staff_users.c), whose handlers staff.c's rows name.
 */
#ifndef AGENCY_OPS_STAFF_H
#define AGENCY_OPS_STAFF_H

#include "op.h"

/* staff_users.c */
int op_user_create(struct op_ctx *ctx);
int op_user_update(struct op_ctx *ctx);
int op_user_deactivate(struct op_ctx *ctx);
int op_user_unlock(struct op_ctx *ctx);
int op_user_reset_password(struct op_ctx *ctx);

/* Packs the user with decimal id as the caller may see them (user.get's answer): details
 * for directors and for a manager's own team, name-level fields otherwise. 0, or -1 with
 * ctx->err set (not_found when there is no such user). */
int op_staff_pack_user(struct op_ctx *ctx, const char *id);

#endif
