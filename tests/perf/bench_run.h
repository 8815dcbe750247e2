/*
 * bench_run.h - agency-bench's load phase: the shared run settings and one worker per active
 * connection.
 */
#ifndef AGENCY_BENCH_RUN_H
#define AGENCY_BENCH_RUN_H

#include <stdatomic.h>

#include "bench.h"
#include "bench_stats.h"

/* Settings and shared counters of one run. */
struct bench_run {
    const struct bench_target *target;
    unsigned weight[BOP__COUNT];
    unsigned weight_total;
    unsigned pipeline;   /* requests in flight per connection */
    double rate;         /* open loop (> 0): requests per second over all mix connections */
    unsigned mix_conns;  /* connections running the mix (the rate is shared among them) */
    int64_t warm_end_us; /* requests started before are not measured */
    int64_t end_us;      /* duration mode: no request starts after */
    uint64_t count;      /* count mode (> 0): measured requests in all */
    bool verbose;
    atomic_bool stop;
    atomic_uint_fast64_t started, done;
    atomic_int_fast64_t last_us; /* when the last measured answer arrived */
};

/* One active connection and its thread's figures. */
struct bench_worker {
    struct bench_run *run;
    unsigned index;
    struct bench_user *user;
    bool login_only;        /* runs auth.login in a loop instead of the mix */
    char token[65];         /* the session of conn, resumed by auth.resume on fresh connections */
    struct bench_conn conn; /* an authenticated session */
    struct bench_stats stats;
};

/* Thread body: runs the mix on w->conn until the run ends (closed loop: --pipeline requests
 * in flight; open loop when run->rate > 0: each request sent at its scheduled time and timed
 * from that time, so a slow answer delays no measurement), or auth.login in a loop when
 * w->login_only; always returns NULL. */
void *bench_worker(void *arg);

#endif
