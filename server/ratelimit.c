/* Per-address token buckets in a fixed-size table: bounded memory whatever the number of
   addresses (when full, the bucket closest to full is reused: it has the least to remember). */
#include "ratelimit.h"

#include <string.h>

#define RL_SLOTS 4096
#define RL_PROBE 16

struct rl_bucket {
    char addr[48];
    double tokens;
    uint64_t updated_ms;
};

static struct rl_bucket rl_table[RL_SLOTS];
static double rl_rate_per_ms = 1.0 / 1000.0;
static double rl_burst = 20;

void ratelimit_configure(unsigned rate_per_minute, unsigned burst)
{
    rl_rate_per_ms = (double)rate_per_minute / 60000.0;
    rl_burst = burst ? burst : 1;
    memset(rl_table, 0, sizeof(rl_table));
}

static uint32_t rl_hash(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

static void rl_refill(struct rl_bucket *b, uint64_t now_ms)
{
    if (now_ms > b->updated_ms) {
        b->tokens += (double)(now_ms - b->updated_ms) * rl_rate_per_ms;
        if (b->tokens > rl_burst)
            b->tokens = rl_burst;
        b->updated_ms = now_ms;
    }
}

bool ratelimit_take(const char *addr, uint64_t now_ms)
{
    uint32_t h = rl_hash(addr);
    struct rl_bucket *victim = NULL;
    double victim_tokens = -1;
    for (unsigned i = 0; i < RL_PROBE; i++) {
        struct rl_bucket *b = &rl_table[(h + i) % RL_SLOTS];
        if (b->addr[0] == '\0') {
            if (!victim || victim_tokens < rl_burst + 1) {
                victim = b;
                victim_tokens = rl_burst + 1; /* an empty slot is the best choice */
            }
            continue;
        }
        if (strncmp(b->addr, addr, sizeof(b->addr) - 1) == 0) {
            rl_refill(b, now_ms);
            if (b->tokens < 1.0)
                return false;
            b->tokens -= 1.0;
            return true;
        }
        rl_refill(b, now_ms);
        if (b->tokens > victim_tokens) {
            victim = b;
            victim_tokens = b->tokens;
        }
    }
    /* a new address: its bucket starts full, minus this attempt */
    strncpy(victim->addr, addr, sizeof(victim->addr) - 1);
    victim->addr[sizeof(victim->addr) - 1] = '\0';
    victim->tokens = rl_burst - 1.0;
    victim->updated_ms = now_ms;
    return true;
}

void ratelimit_refund(const char *addr)
{
    uint32_t h = rl_hash(addr);
    for (unsigned i = 0; i < RL_PROBE; i++) {
        struct rl_bucket *b = &rl_table[(h + i) % RL_SLOTS];
        if (b->addr[0] && strncmp(b->addr, addr, sizeof(b->addr) - 1) == 0) {
            b->tokens = b->tokens + 1.0 > rl_burst ? rl_burst : b->tokens + 1.0;
            return;
        }
    }
}
