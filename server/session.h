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

#endif
