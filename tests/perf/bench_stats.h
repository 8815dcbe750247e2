/*
 * bench_stats.h - agency-bench's figures: latency samples and error counts per operation.
 */
#ifndef AGENCY_BENCH_STATS_H
#define AGENCY_BENCH_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bench.h"

#define BENCH_MAX_CODES 8

/* Samples of one operation: latencies in µs (unsorted until the report), errors by code. */
struct bench_series {
    uint32_t *lat;
    size_t n, cap;
    uint64_t errors;
    uint64_t dropped; /* samples lost to a failed allocation (counted as errors) */
    struct {
        char code[32];
        char message[160]; /* the first message seen with that code */
        uint64_t count;
    } codes[BENCH_MAX_CODES];
};

/* One thread's (or the merged) figures; zero-initialise. */
struct bench_stats {
    struct bench_series op[BOP__COUNT];
};

struct bench_summary {
    size_t count;
    double rate;
    uint32_t p50, p90, p99, max;
};

/* Records one successful answer's latency. */
void bench_stats_add(struct bench_stats *s, enum bench_op op, int64_t us);
/* Records one error answer (or a transport failure, code "io") and, for the first error of
 * that code, its message (may be NULL). */
void bench_stats_error(struct bench_stats *s, enum bench_op op, const char *code,
                       const char *message);
/* Adds from's samples and errors to into (from is left as it was). */
void bench_stats_merge(struct bench_stats *into, struct bench_stats *from);
/* Frees the samples. */
void bench_stats_free(struct bench_stats *s);
/* Prints every used operation's count, rate over seconds, p50/p90/p99/max and errors with
 * each error code's count and first message, as a table or as JSON (setting: JSON members
 * describing the run, without braces). Sorts the samples. Returns the total number of errors. */
uint64_t bench_stats_report(struct bench_stats *s, const bool used[BOP__COUNT], double seconds,
                            const char *setting, bool json);

#endif
