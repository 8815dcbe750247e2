/*
 * password.h - the Argon2id hashing pool and its cost (engine side, main.c); what handlers
 * call to hash and check passwords is in auth.h.
 */
#ifndef AGENCY_PASSWORD_H
#define AGENCY_PASSWORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "auth.h"

/* Argon2id cost: memory in KiB, passes, lanes. */
struct password_params {
    uint32_t m_kib, t, p;
};

#define PASSWORD_M_KIB_DEFAULT 19456u
#define PASSWORD_T_DEFAULT     2u
#define PASSWORD_P_DEFAULT     1u

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

#endif
