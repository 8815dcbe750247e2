/*
 * op_session.c - authentication and session operations (auth.*).
 */
#include "handlers.h"

#define SKELETON(fn)                                                                               \
    int fn(struct op_ctx *ctx)                                                                     \
    {                                                                                              \
        return op_fail(ctx, PE_INTERNAL, "not available yet");                                     \
    }

SKELETON(op_auth_login)
SKELETON(op_auth_resume)
SKELETON(op_auth_logout)
SKELETON(op_auth_whoami)
SKELETON(op_auth_password)
SKELETON(op_auth_reauth)
SKELETON(op_auth_sessions)
SKELETON(op_auth_revoke)
