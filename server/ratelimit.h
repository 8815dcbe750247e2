/* Per-address token buckets for login attempts, in memory on the I/O thread (not thread-safe). */
#ifndef AGENCY_RATELIMIT_H
#define AGENCY_RATELIMIT_H

#include <stdbool.h>
#include <stdint.h>

/* (Re)configures the limiter: rate_per_minute tokens refill per minute, up to burst. Forgets
   every bucket. */
void ratelimit_configure(unsigned rate_per_minute, unsigned burst);
/* Takes one token for address addr (text) at time now_ms (monotonic milliseconds). True when
   allowed; false when the address has used up its bucket. */
bool ratelimit_take(const char *addr, uint64_t now_ms);

/* Gives back the token of an attempt that turned out well (a successful login), so that only
   failed attempts use up an address's bucket. */
void ratelimit_refund(const char *addr);

#endif
