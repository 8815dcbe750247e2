/*
 * session.h - session tokens and the authentication settings the handlers use (session.c).
 */
#ifndef AGENCY_SESSION_H
#define AGENCY_SESSION_H

#include <stdbool.h>
#include <stddef.h>

#define SESSION_TOKEN_BYTES 32
#define SESSION_TOKEN_HEX   (SESSION_TOKEN_BYTES * 2 + 1) /* 64 hex digits and a NUL */
#define SESSION_HASH_PARAM  67                            /* "\x" + 64 hex digits + NUL */

/* Makes a new random token (64 lower-case hex digits) and the bytea text parameter of its
 * SHA-256 ("\x..."). 0, or -1 when the random generator failed. */
int session_token_new(char token[SESSION_TOKEN_HEX], char hash_param[SESSION_HASH_PARAM]);
/* The bytea text parameter of the SHA-256 of a token given as 64 hex digits (either case).
 * -1 if token is not 64 hex digits. */
int session_token_hash(const char *token, char hash_param[SESSION_HASH_PARAM]);

/* Authentication settings in whole seconds / counts, from the running configuration (the
 * defaults when none is installed). */
struct auth_settings {
    int idle_s, absolute_s;
    int lockout_failures, lockout_s;
    int rate_per_minute, rate_burst;
    int reauth_s;
};
struct auth_settings session_auth_settings(void);

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
