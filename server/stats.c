/*
 * stats.c - the counters behind server.stats (stats.h): per operation a count, an error count
 * and a latency histogram of logarithmic buckets; per error code a count; gauges of the
 * connections and the worker pool. One mutex: the I/O thread writes, server.stats reads.
 */
#include <pthread.h>
#include <string.h>
#include <time.h>

#include "conn.h"
#include "dbpool.h"
#include "op.h"
#include "proto.h"
#include "stats.h"

#define STATS_OPS_MAX 512 /* rows of the operation table counted (the rest: totals only) */
#define STATS_BUCKETS 160 /* four per power of two up to 2^40 microseconds */

static struct {
    pthread_mutex_t mu;
    struct timespec started;
    uint64_t total;
    uint64_t errors[PE__COUNT];
    unsigned connections;
    struct op_stats {
        uint64_t count, errors;
        uint32_t hist[STATS_BUCKETS];
    } ops[STATS_OPS_MAX];
} st = {.mu = PTHREAD_MUTEX_INITIALIZER};

/* Bucket of a latency: exact below 4 us, then four buckets per power of two. */
static unsigned bucket_of(uint64_t us)
{
    if (us < 4)
        return (unsigned)us;
    unsigned msb = 63u - (unsigned)__builtin_clzll(us);
    unsigned b = msb * 4 + (unsigned)((us >> (msb - 2)) & 3);
    return b < STATS_BUCKETS ? b : STATS_BUCKETS - 1;
}

/* The largest latency bucket b holds. */
static uint64_t bucket_upper(unsigned b)
{
    if (b < 4)
        return b;
    unsigned msb = b / 4, sub = b % 4;
    return ((uint64_t)(5 + sub) << (msb - 2)) - 1;
}

void stats_start(void)
{
    pthread_mutex_lock(&st.mu);
    clock_gettime(CLOCK_MONOTONIC, &st.started);
    pthread_mutex_unlock(&st.mu);
}

void stats_request(const char *op, const char *outcome, uint64_t micros)
{
    const struct op *row = op ? op_find(op, strlen(op)) : NULL;
    long slot = row ? (long)(row - op_table) : -1;
    bool ok = strcmp(outcome, "ok") == 0;
    enum proto_err code = ok ? PE_OK : proto_err_from_name(outcome, strlen(outcome), NULL);
    unsigned conns = conn_count();
    pthread_mutex_lock(&st.mu);
    st.total++;
    st.connections = conns;
    if (!ok && code < PE__COUNT)
        st.errors[code]++;
    if (slot >= 0 && slot < STATS_OPS_MAX) {
        struct op_stats *s = &st.ops[slot];
        s->count++;
        s->errors += !ok;
        s->hist[bucket_of(micros)]++;
    }
    pthread_mutex_unlock(&st.mu);
}

/* The latency below which a share per_mille / 1000 of s's requests fall. */
static uint64_t percentile(const struct op_stats *s, unsigned per_mille)
{
    uint64_t want = (s->count * per_mille + 999) / 1000, seen = 0;
    for (unsigned b = 0; b < STATS_BUCKETS; b++) {
        seen += s->hist[b];
        if (seen >= want && seen > 0)
            return bucket_upper(b);
    }
    return 0;
}

static void pack_requests(msgpack_packer *pk)
{
    unsigned n = 0, rows = op_table_len < STATS_OPS_MAX ? op_table_len : STATS_OPS_MAX;
    for (unsigned i = 0; i < rows; i++)
        n += st.ops[i].count > 0;
    proto_pack_cstr(pk, "requests");
    msgpack_pack_array(pk, n);
    for (unsigned i = 0; i < rows; i++) {
        const struct op_stats *s = &st.ops[i];
        if (s->count == 0)
            continue;
        msgpack_pack_map(pk, 5);
        proto_kv_str(pk, "op", op_table[i].name);
        proto_kv_u64(pk, "count", s->count);
        proto_kv_u64(pk, "errors", s->errors);
        proto_kv_u64(pk, "p50_us", percentile(s, 500));
        proto_kv_u64(pk, "p99_us", percentile(s, 990));
    }
}

static void pack_errors(msgpack_packer *pk)
{
    unsigned n = 0;
    for (unsigned e = 1; e < PE__COUNT; e++)
        n += st.errors[e] > 0;
    proto_pack_cstr(pk, "errors");
    msgpack_pack_map(pk, n);
    for (unsigned e = 1; e < PE__COUNT; e++)
        if (st.errors[e] > 0)
            proto_kv_u64(pk, proto_err_name((enum proto_err)e), st.errors[e]);
}

void stats_pack_fields(msgpack_packer *pk)
{
    op_table_init();
    unsigned queued = 0, running = 0, workers = 0;
    dbpool_counts(&queued, &running, &workers);
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    pthread_mutex_lock(&st.mu);
    proto_kv_u64(pk, "uptime_s", (uint64_t)(now.tv_sec - st.started.tv_sec));
    proto_kv_u64(pk, "connections", st.connections);
    proto_pack_cstr(pk, "pool");
    msgpack_pack_map(pk, 3);
    proto_kv_u64(pk, "workers", workers);
    proto_kv_u64(pk, "busy", running);
    proto_kv_u64(pk, "queued", queued);
    proto_kv_u64(pk, "requests_total", st.total);
    pack_requests(pk);
    pack_errors(pk);
    pthread_mutex_unlock(&st.mu);
}
