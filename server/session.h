/*
 * session.h - the request context's pipelined opening for the worker (session.c); the token
 * and settings functions handlers use are in auth.h.
 */
#ifndef AGENCY_SESSION_H
#define AGENCY_SESSION_H

#include <stdbool.h>
#include <stddef.h>

#include "auth.h"

struct op_ctx;
/* The pipelined form of session_begin (sqlapi.h), for the worker (dbpool_job.c):
   session_send_begin queues agency.begin_request (or begin_anonymous) on the worker's pipeline
   (0, or -1 with ctx->err); after the Sync, session_read_begin reads its result, refreshes
   ctx->sess, sets *touch and checks a recent login for OPF_REAUTH operations, with
   session_begin's outcomes. */
int session_send_begin(struct op_ctx *ctx, int idle_timeout_s);
int session_read_begin(struct op_ctx *ctx, bool *touch);
/* Queues agency.touch_session for ctx's session on the worker's pipeline (as session_touch). */
int session_send_touch(struct op_ctx *ctx);

#endif
