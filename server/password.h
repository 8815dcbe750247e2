/*
 * password.h - Argon2id password hashing and the password policy.
 */
#ifndef AGENCY_PASSWORD_H
#define AGENCY_PASSWORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Argon2id cost: memory in KiB, passes, lanes. */
struct password_params {
    uint32_t m_kib, t, p;
};

#define PASSWORD_M_KIB_DEFAULT 19456u
#define PASSWORD_T_DEFAULT     2u
#define PASSWORD_P_DEFAULT     1u
#define PASSWORD_MIN_CHARS     8
#define PASSWORD_MAX_CHARS     128
#define PASSWORD_HASH_MAX      160 /* bytes of an encoded hash, NUL included */

#define PASSWORD_POOL_MAX  8 /* most hashing threads */
#define PASSWORD_POOL_NICE 5 /* their nice value: below the I/O thread and the workers */

/* Starts the hashing pool: threads (0: one fewer than the online cores, at least one) threads
 * at nice PASSWORD_POOL_NICE and SCHED_BATCH that run every later hash and verification, the
 * callers waiting for them. Without it, hashes run on the calling thread. Returns how many
 * threads run. */
unsigned password_pool_start(unsigned threads);
/* How many pool threads run (0: hashes run on their callers). */
unsigned password_pool_threads(void);
/* Lets the pool finish the queued jobs and joins its threads (hashes then run on the caller
 * again). Call when no other thread hashes. */
void password_pool_stop(void);

/* Sets the cost used by password_hash and the dummy verification (thread-safe). Without a
 * call, the running configuration's argon2_* settings are followed (config_get); after one,
 * the values given here stay. Refuses (returns
 * -1) values under the minimum the library accepts; 0 on success. */
int password_configure(const struct password_params *params);
/* The cost in use. */
struct password_params password_current_params(void);

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
