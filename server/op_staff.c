/*
 * op_staff.c - staff operations: branches, teams and users.
 */
#include "handlers.h"

#define SKELETON(fn)                                                                               \
    int fn(struct op_ctx *ctx)                                                                     \
    {                                                                                              \
        return op_fail(ctx, PE_INTERNAL, "not available yet");                                     \
    }

SKELETON(op_branch_list)
SKELETON(op_branch_create)
SKELETON(op_team_list)
SKELETON(op_team_create)
SKELETON(op_user_list)
SKELETON(op_user_get)
SKELETON(op_user_create)
SKELETON(op_user_update)
SKELETON(op_user_deactivate)
SKELETON(op_user_unlock)
SKELETON(op_user_reset_password)
