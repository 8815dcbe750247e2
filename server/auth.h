/*
 * auth.h - the authentication services a handler may call: session tokens and the
 * authentication settings (session.c), password hashing and the password policy (password.c).
 */
#ifndef AGENCY_AUTH_H
#define AGENCY_AUTH_H

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

#define PASSWORD_MIN_CHARS 8
#define PASSWORD_MAX_CHARS 128
#define PASSWORD_HASH_MAX  160 /* bytes of an encoded hash, NUL included */

/* Hashes password with a fresh 16-byte random salt into out (encoded "$argon2id$..."
 * form). 0, or -1 when hashing failed (out of memory, RNG failure). */
int password_hash(const char *password, char out[PASSWORD_HASH_MAX]);

/* Verifies password against an encoded hash in constant time. With encoded == NULL (unknown
 * user) it verifies against a built-in dummy hash of the current cost and returns false, so
 * an unknown name costs the same as a known one. */
bool password_verify(const char *encoded, const char *password);

/*
 * Checks a new password against the policy: 8..128 characters (code points, valid UTF-8),
 * not one of the most common passwords (case-insensitive), not the user name (nor the user
 * name reversed). Returns NULL if acceptable, else a reason for people (static string).
 */
const char *password_policy_check(const char *password, const char *username);

/* Makes a one-time password of len characters (< outlen) from an alphabet without look-alike
 * characters, with RAND_bytes. 0, or -1 if the random generator failed. */
int password_generate(char *out, size_t outlen, size_t len);

#endif
