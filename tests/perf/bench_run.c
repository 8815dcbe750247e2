/*
 * bench_run.c - agency-bench's load: one thread per active connection keeping --pipeline
 * requests of the weighted mix in flight (closed loop) or sending them at scheduled times
 * (open loop, --rate), timing each answer; auth.resume opens a fresh TLS connection each time;
 * login connections run auth.login in a loop.
 */
#include "bench_run.h"

#include <errno.h>
#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_PIPELINE 64

/* A small xorshift generator per thread. */
static uint64_t rnd(uint64_t *st)
{
    uint64_t x = *st;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return *st = x;
}

/* Picks an operation by weight. */
static enum bench_op pick_op(const struct bench_run *run, uint64_t *st)
{
    unsigned r = (unsigned)(rnd(st) % run->weight_total);
    for (int op = 0; op < BOP__COUNT; op++) {
        if (r < run->weight[op])
            return (enum bench_op)op;
        r -= run->weight[op];
    }
    return BOP_PING;
}

/* Packs the arguments of one request of op for user u into an open request. */
static void pack_args(msgpack_packer *pk, enum bench_op op, const struct bench_user *u,
                      uint64_t *st)
{
    uint32_t k = u->n_clients ? (uint32_t)(rnd(st) % u->n_clients) : 0;
    switch (op) {
    case BOP_CLIENT_GET:
        msgpack_pack_map(pk, 1);
        proto_kv_u64(pk, "id", u->client_ids[k]);
        break;
    case BOP_CLIENT_LIST: {
        /* A name search: up to the first 6 bytes of a visible name, cut at a character. */
        const char *name = u->client_names[k];
        size_t n = strlen(name) < 6 ? strlen(name) : 6;
        while (n > 1 && ((unsigned char)name[n] & 0xc0) == 0x80)
            n--;
        msgpack_pack_map(pk, 2);
        proto_kv_strn(pk, "q", name, n);
        proto_kv_u64(pk, "limit", 20);
        break;
    }
    case BOP_AGENDA:
        msgpack_pack_map(pk, 1);
        proto_kv_u64(pk, "days", 7);
        break;
    case BOP_AUTH_LOGIN:
        msgpack_pack_map(pk, 2);
        proto_kv_str(pk, "username", u->name);
        proto_kv_str(pk, "password", u->password);
        break;
    case BOP_ACTIVITY_LOG:
        msgpack_pack_map(pk, 3);
        proto_kv_u64(pk, "client_id", u->client_ids[k]);
        proto_kv_str(pk, "kind", "call");
        proto_kv_str(pk, "summary", "agency-bench call");
        break;
    case BOP_AUDIT_SEARCH:
        /* a director's page of the trail by one of three filters: a client, an operation,
           the refusals */
        msgpack_pack_map(pk, 2);
        if (k % 3 == 0)
            proto_kv_u64(pk, "client_id", u->client_ids[k]);
        else if (k % 3 == 1)
            proto_kv_str(pk, "op", "client.update");
        else
            proto_kv_str(pk, "outcome", "denied");
        proto_kv_u64(pk, "limit", 50);
        break;
    default:
        msgpack_pack_map(pk, 0);
        break;
    }
}

/* True while the run should start another request. */
static bool keep_going(struct bench_run *run, int64_t now)
{
    if (atomic_load(&run->stop))
        return false;
    if (run->count > 0)
        return atomic_load(&run->started) < run->count;
    return now < run->end_us;
}

/* Records an answer (or failure) of a request started at t0, if it started after the warm-up. */
static void record(struct bench_run *run, struct bench_stats *st, enum bench_op op, int64_t t0,
                   const struct bench_answer *a)
{
    if (t0 < run->warm_end_us)
        return;
    int64_t now = bench_now_us();
    if (a->ok)
        bench_stats_add(st, op, now - t0);
    else
        bench_stats_error(st, op, a->code, a->message);
    if (run->count > 0)
        atomic_fetch_add(&run->done, 1);
    int64_t last = atomic_load(&run->last_us);
    while (now > last && !atomic_compare_exchange_weak(&run->last_us, &last, now))
        ;
}

/* Claims one measured request in count mode (always true in duration mode). */
static bool claim(struct bench_run *run, int64_t now)
{
    if (run->count == 0 || now < run->warm_end_us)
        return true;
    return atomic_fetch_add(&run->started, 1) < run->count;
}

/* Queues a request whose arguments are one string pair (key, value) or none (key NULL). */
static uint32_t queue_kv(struct bench_conn *c, const char *method, const char *key,
                         const char *value)
{
    uint32_t msgid;
    size_t start;
    msgpack_packer *pk = bench_begin(c, method, &msgid, &start);
    msgpack_pack_map(pk, key ? 1 : 0);
    if (key)
        proto_kv_str(pk, key, value);
    bench_end(c, start);
    return msgid;
}

/* Reads the answer to msgid into a (0), or -1 on a transport failure or another answer. */
static int read_for(struct bench_conn *c, uint32_t msgid, struct bench_answer *a)
{
    if (bench_read(c, a) != 0)
        return -1;
    if (a->msgid != msgid) {
        a->ok = false;
        snprintf(a->code, sizeof a->code, "io");
        snprintf(a->message, sizeof a->message, "answer to another request");
        return -1;
    }
    return 0;
}

/* One auth.resume of token on a fresh connection: TCP + TLS, then hello and auth.resume written
 * together (a client may pipeline them: the server answers in order), then close. A failure is
 * recorded with the step that failed and the server's code (or "io") and message. */
static void do_resume(struct bench_run *run, struct bench_stats *st, const char *token)
{
    struct bench_conn c;
    char err[256];
    int64_t t0 = bench_now_us();
    struct bench_answer a = {.ok = true};
    if (bench_connect(&c, run->target, err, sizeof err) != 0) {
        a.ok = false;
        snprintf(a.code, sizeof a.code, "connect");
        snprintf(a.message, sizeof a.message, "%.159s", err);
    } else {
        uint32_t hello;
        size_t start;
        msgpack_packer *pk = bench_begin(&c, "hello", &hello, &start);
        msgpack_pack_map(pk, 2);
        proto_kv_u64(pk, "version", 1);
        proto_kv_str(pk, "client", "agency-bench");
        bench_end(&c, start);
        uint32_t resume = queue_kv(&c, "auth.resume", "token", token);
        if (bench_flush(&c) != 0) {
            a.ok = false;
            snprintf(a.code, sizeof a.code, "io");
            snprintf(a.message, sizeof a.message, "write failed");
        } else if (read_for(&c, hello, &a) != 0 || !a.ok) {
            char m[sizeof a.message];
            snprintf(m, sizeof m, "hello: %.150s", a.message);
            snprintf(a.message, sizeof a.message, "%s", m);
            a.ok = false;
        } else if (read_for(&c, resume, &a) != 0 || !a.ok) {
            a.ok = false;
        }
    }
    if (!a.ok && run->verbose)
        fprintf(stderr, "agency-bench: auth.resume: %s %s\n", a.code, a.message);
    bench_close(&c);
    record(run, st, BOP_AUTH_RESUME, t0, &a);
}

/* Queues one request of op (written by the next bench_flush); remembers its start. */
static void queue_one(struct bench_conn *c, enum bench_op op, const struct bench_user *u,
                      uint64_t *rs, int64_t starts[MAX_PIPELINE], enum bench_op ops[MAX_PIPELINE])
{
    uint32_t msgid;
    size_t start;
    msgpack_packer *pk = bench_begin(c, bench_op_name(op), &msgid, &start);
    pack_args(pk, op, u, rs);
    bench_end(c, start);
    starts[msgid % MAX_PIPELINE] = bench_now_us();
    ops[msgid % MAX_PIPELINE] = op;
}

/* Reads one answer and then every answer already buffered; records each. Returns how many
 * were read, or -1 on a transport failure (recorded against last). */
static int read_answers(struct bench_worker *w, const int64_t starts[MAX_PIPELINE],
                        const enum bench_op ops[MAX_PIPELINE], enum bench_op last)
{
    struct bench_run *run = w->run;
    struct bench_answer a;
    int n = 0;
    do {
        if (bench_read(&w->conn, &a) != 0) {
            record(run, &w->stats, last, run->warm_end_us, &a);
            if (run->verbose)
                fprintf(stderr, "agency-bench: connection %u: %s\n", w->index, a.message);
            return -1;
        }
        enum bench_op op = ops[a.msgid % MAX_PIPELINE];
        record(run, &w->stats, op, starts[a.msgid % MAX_PIPELINE], &a);
        if (!a.ok && run->verbose)
            fprintf(stderr, "agency-bench: %s: %s %s\n", bench_op_name(op), a.code, a.message);
        n++;
    } while (bench_ready(&w->conn) && n < MAX_PIPELINE);
    return n;
}

/* Sleeps until the monotonic time at_us (returns at once when it has passed). */
static void sleep_until(int64_t at_us)
{
    struct timespec ts = {.tv_sec = at_us / 1000000, .tv_nsec = (at_us % 1000000) * 1000};
    for (int i = 0; i < 100 && clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR;
         i++)
        ;
}

/* Open loop: requests of the mix at exponentially distributed intervals averaging
 * mix_conns / rate seconds (all connections together: a Poisson stream at run->rate), one at
 * a time; each latency counts from the scheduled send time, so an answer that comes late
 * delays the next sends and their wait is measured too. */
static void open_loop(struct bench_worker *w, uint64_t *rs)
{
    struct bench_run *run = w->run;
    int64_t starts[MAX_PIPELINE] = {0};
    enum bench_op ops[MAX_PIPELINE] = {BOP_PING};
    double mean_us = 1e6 * (double)(run->mix_conns ? run->mix_conns : 1) / run->rate;
    int64_t next = bench_now_us();
    for (long iter = 0; iter < 1000000000L; iter++) {
        double u = (double)(rnd(rs) >> 11) / 9007199254740992.0; /* [0, 1) */
        next += (int64_t)(-log(1.0 - u) * mean_us);
        if (!keep_going(run, next))
            return;
        sleep_until(next);
        enum bench_op op = pick_op(run, rs);
        if (!claim(run, next))
            return;
        if (op == BOP_AUTH_RESUME) {
            do_resume(run, &w->stats, w->token);
            continue;
        }
        queue_one(&w->conn, op, w->user, rs, starts, ops);
        for (int k = 0; k < MAX_PIPELINE; k++)
            starts[k] = next; /* one request in flight: whichever slot it took */
        if (bench_flush(&w->conn) != 0) {
            struct bench_answer a = {.ok = false, .code = "io", .message = "write failed"};
            record(run, &w->stats, op, next, &a);
            return;
        }
        if (read_answers(w, starts, ops, op) < 0)
            return;
    }
}

void *bench_worker(void *arg)
{
    struct bench_worker *w = arg;
    struct bench_run *run = w->run;
    int64_t starts[MAX_PIPELINE] = {0};
    enum bench_op ops[MAX_PIPELINE] = {BOP_PING};
    enum bench_op last = BOP_PING; /* the operation of the latest request sent */
    uint64_t rs = 0x9e3779b97f4a7c15ull ^ ((uint64_t)w->index * 0x100000001b3ull + 1);
    unsigned depth = run->pipeline < 1 ? 1 : run->pipeline > 32 ? 32 : run->pipeline;
    if (w->login_only)
        depth = 1;
    else if (run->rate > 0) {
        open_loop(w, &rs);
        return NULL;
    }
    unsigned in_flight = 0;
    for (long iter = 0; iter < 1000000000L; iter++) {
        int64_t now = bench_now_us();
        /* Top up the pipeline and write the new requests at once; an auth.resume runs on its
         * own connection when picked. */
        unsigned queued = 0;
        while (in_flight + queued < depth && keep_going(run, now)) {
            enum bench_op op = w->login_only ? BOP_AUTH_LOGIN : pick_op(run, &rs);
            if (!w->login_only && !claim(run, now))
                break;
            if (op == BOP_AUTH_RESUME) {
                do_resume(run, &w->stats, w->token);
                now = bench_now_us();
                continue;
            }
            queue_one(&w->conn, op, w->user, &rs, starts, ops);
            queued++;
            last = op;
        }
        if (queued > 0 && bench_flush(&w->conn) != 0) {
            struct bench_answer a = {.ok = false, .code = "io", .message = "write failed"};
            record(run, &w->stats, last, now, &a);
            return NULL;
        }
        in_flight += queued;
        if (in_flight == 0)
            break;
        int n = read_answers(w, starts, ops, last);
        if (n < 0)
            return NULL;
        in_flight -= (unsigned)n;
    }
    return NULL;
}
