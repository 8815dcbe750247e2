/*
 * bench_stats.c - agency-bench's figures: per-operation latency samples (µs) and error counts,
 * merged over threads and printed as a table or as JSON.
 */
#include "bench_stats.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void bench_stats_add(struct bench_stats *s, enum bench_op op, int64_t us)
{
    struct bench_series *r = &s->op[op];
    if (r->n == r->cap) {
        size_t ncap = r->cap ? r->cap * 2 : 4096;
        uint32_t *nl = realloc(r->lat, ncap * sizeof *nl);
        if (nl == NULL) {
            r->dropped++;
            return;
        }
        r->lat = nl;
        r->cap = ncap;
    }
    r->lat[r->n++] = us < 0 ? 0 : us > UINT32_MAX ? UINT32_MAX : (uint32_t)us;
}

void bench_stats_error(struct bench_stats *s, enum bench_op op, const char *code,
                       const char *message)
{
    struct bench_series *r = &s->op[op];
    r->errors++;
    for (int i = 0; i < BENCH_MAX_CODES; i++) {
        if (r->codes[i].count == 0) {
            snprintf(r->codes[i].code, sizeof r->codes[i].code, "%s", code);
            snprintf(r->codes[i].message, sizeof r->codes[i].message, "%s", message ? message : "");
            r->codes[i].count = 1;
            return;
        }
        if (strcmp(r->codes[i].code, code) == 0) {
            r->codes[i].count++;
            return;
        }
    }
    r->codes[BENCH_MAX_CODES - 1].count++; /* the last slot also takes any further code */
}

void bench_stats_merge(struct bench_stats *into, struct bench_stats *from)
{
    for (int op = 0; op < BOP__COUNT; op++) {
        struct bench_series *f = &from->op[op];
        for (size_t i = 0; i < f->n; i++)
            bench_stats_add(into, (enum bench_op)op, f->lat[i]);
        for (int i = 0; i < BENCH_MAX_CODES && f->codes[i].count > 0; i++)
            for (uint64_t k = 0; k < f->codes[i].count; k++)
                bench_stats_error(into, (enum bench_op)op, f->codes[i].code, f->codes[i].message);
        into->op[op].dropped += f->dropped;
    }
}

void bench_stats_free(struct bench_stats *s)
{
    for (int op = 0; op < BOP__COUNT; op++)
        free(s->op[op].lat);
    memset(s, 0, sizeof *s);
}

/* Prints s as a JSON string (quotes, backslashes and control characters escaped). */
static void json_str(const char *s)
{
    putchar('"');
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '"' || ch == '\\')
            printf("\\%c", ch);
        else if (ch < 0x20)
            printf("\\u%04x", ch);
        else
            putchar(ch);
    }
    putchar('"');
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

/* The q-quantile (0..1) of sorted samples (nearest rank). */
static uint32_t quantile(const uint32_t *v, size_t n, double q)
{
    if (n == 0)
        return 0;
    size_t k = (size_t)(q * (double)n + 0.999999);
    if (k == 0)
        k = 1;
    if (k > n)
        k = n;
    return v[k - 1];
}

/* Sorts every series and fills its summary. */
static void summarise(struct bench_stats *s, double seconds, struct bench_summary out[BOP__COUNT])
{
    for (int op = 0; op < BOP__COUNT; op++) {
        struct bench_series *r = &s->op[op];
        if (r->n > 1)
            qsort(r->lat, r->n, sizeof *r->lat, cmp_u32);
        out[op].count = r->n;
        out[op].rate = seconds > 0 ? (double)r->n / seconds : 0;
        out[op].p50 = quantile(r->lat, r->n, 0.50);
        out[op].p90 = quantile(r->lat, r->n, 0.90);
        out[op].p99 = quantile(r->lat, r->n, 0.99);
        out[op].max = r->n ? r->lat[r->n - 1] : 0;
    }
}

uint64_t bench_stats_report(struct bench_stats *s, const bool used[BOP__COUNT], double seconds,
                            const char *setting, bool json)
{
    struct bench_summary sum[BOP__COUNT];
    summarise(s, seconds, sum);
    uint64_t errors = 0;
    if (json)
        printf("{\"settings\": {%s}, \"seconds\": %.3f, \"ops\": [\n", setting, seconds);
    else
        printf("%-13s %9s %10s %9s %9s %9s %9s %7s\n", "operation", "count", "ops/s", "p50 ms",
               "p90 ms", "p99 ms", "max ms", "errors");
    bool first = true;
    for (int op = 0; op < BOP__COUNT; op++) {
        struct bench_series *r = &s->op[op];
        if (!used[op] && r->n == 0 && r->errors == 0)
            continue;
        errors += r->errors + r->dropped;
        if (json) {
            printf("%s {\"op\": \"%s\", \"count\": %zu, \"ops_per_s\": %.1f, \"p50_us\": %u, "
                   "\"p90_us\": %u, \"p99_us\": %u, \"max_us\": %u, \"errors\": %llu, "
                   "\"error_codes\": {",
                   first ? "" : ",\n", bench_op_name((enum bench_op)op), sum[op].count,
                   sum[op].rate, sum[op].p50, sum[op].p90, sum[op].p99, sum[op].max,
                   (unsigned long long)r->errors);
            for (int i = 0; i < BENCH_MAX_CODES && r->codes[i].count > 0; i++) {
                printf("%s", i ? ", " : "");
                json_str(r->codes[i].code);
                printf(": %llu", (unsigned long long)r->codes[i].count);
            }
            printf("}, \"error_messages\": {");
            for (int i = 0; i < BENCH_MAX_CODES && r->codes[i].count > 0; i++) {
                printf("%s", i ? ", " : "");
                json_str(r->codes[i].code);
                printf(": ");
                json_str(r->codes[i].message);
            }
            printf("}}");
        } else {
            printf("%-13s %9zu %10.1f %9.3f %9.3f %9.3f %9.3f %7llu", bench_op_name(op),
                   sum[op].count, sum[op].rate, sum[op].p50 / 1000.0, sum[op].p90 / 1000.0,
                   sum[op].p99 / 1000.0, sum[op].max / 1000.0, (unsigned long long)r->errors);
            for (int i = 0; i < BENCH_MAX_CODES && r->codes[i].count > 0; i++)
                printf(" %s=%llu", r->codes[i].code, (unsigned long long)r->codes[i].count);
            printf("\n");
            for (int i = 0; i < BENCH_MAX_CODES && r->codes[i].count > 0; i++)
                printf("  %s %s: %s\n", bench_op_name((enum bench_op)op), r->codes[i].code,
                       r->codes[i].message[0] ? r->codes[i].message : "(no message)");
        }
        first = false;
    }
    if (json)
        printf("\n], \"errors\": %llu}\n", (unsigned long long)errors);
    else
        printf("%.3f s measured, %llu errors\n", seconds, (unsigned long long)errors);
    return errors;
}
