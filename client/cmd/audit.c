/* audit.c - a director's view of team activity: "audit search" (the trail, filtered by names),
   "audit verify" (the hash chain walked in steps under a progress bar), "audit access CLIENT
   --at DATE" and "server stats" ("report activity" is in report.c). */
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "nouns.h"
#include "since.h"
#include "progress.h"

#define VERIFY_STEP 20000 /* rows audit.verify checks per call (one step of the bar) */

/* Runs the verb the generic way after relative_back. */
static enum cmd_status run_relative(struct verb_call *c)
{
    char *words[SINCE_WORDS_MAX], bufs[SINCE_WORDS_MAX][16];
    if (!since_relative_back(c, words, bufs)) {
        app_errorf(c->a, "too many words");
        return CMD_USAGE;
    }
    enum cmd_status st = verb_rewrite(c);
    return st == CMD_OK ? verb_finish(c) : st;
}

/* ---- audit ---- */

static const struct noun_flag search_flags[] = {{"user", "user_id", NOUN_USER},
                                                {"client", "client_id", NOUN_CLIENT},
                                                {"branch", "branch_id", NOUN_BRANCH},
                                                {NULL, NULL, NOUN_AS_TYPED}};

static const struct show_col search_cols[] = {
    {"id", NULL, 2},     {"at", NULL, 1},      {"user", NULL, 1},       {"op", NULL, 1},
    {"target", NULL, 2}, {"outcome", NULL, 1}, {"detail", NULL, 3},     {"role", NULL, 4},
    {"branch", NULL, 4}, {"peer", NULL, 4},    {"session_id", NULL, 5}, {"code", NULL, 4}};

/* An unsigned integer field of a map; 0 when absent. */
static uint64_t map_u64(const msgpack_object *m, const char *key, bool *present)
{
    *present = false;
    if (!m || m->type != MSGPACK_OBJECT_MAP)
        return 0;
    for (uint32_t i = 0; i < m->via.map.size; i++) {
        const msgpack_object_kv *kv = &m->via.map.ptr[i];
        if (kv->key.type == MSGPACK_OBJECT_STR && kv->key.via.str.size == strlen(key) &&
            memcmp(kv->key.via.str.ptr, key, kv->key.via.str.size) == 0 &&
            kv->val.type == MSGPACK_OBJECT_POSITIVE_INTEGER) {
            *present = true;
            return kv->val.via.u64;
        }
    }
    return 0;
}

/* One step of the walk from since (0: the start); CMD_OK with the answer in *r. */
static enum cmd_status verify_step(struct app *a, const struct meta_op *op, uint64_t since,
                                   struct conn_reply *r)
{
    char s[24], lim[24];
    snprintf(s, sizeof s, "%llu", (unsigned long long)since);
    snprintf(lim, sizeof lim, "%d", VERIFY_STEP);
    char *w[4] = {"--limit", lim, "--since_id", s};
    return call_words(a, op, w, since ? 4 : 2, r);
}

/* audit verify: the chain in steps of VERIFY_STEP rows; a bar on a terminal; the last step's
   answer with checked counting every step. */
static enum cmd_status run_verify(struct verb_call *c)
{
    if (c->nin > 0) {
        app_errorf(c->a, "usage: audit verify");
        return CMD_USAGE;
    }
    struct progress bar;
    uint64_t since = 0, checked = 0;
    struct conn_reply r;
    enum cmd_status st;
    bool started = false;
    for (;;) {
        st = verify_step(c->a, c->op, since, &r);
        if (st != CMD_OK)
            break;
        bool has, more, ok_field;
        uint64_t total = map_u64(r.result, "sealed", &has);
        checked += map_u64(r.result, "checked", &has);
        uint64_t next = map_u64(r.result, "next_id", &more);
        map_u64(r.result, "first_bad_id", &ok_field);
        if (!started) {
            progress_start(&bar, (size_t)total, "rows");
            started = true;
        }
        progress_update(&bar, (size_t)checked);
        if (!more || ok_field)
            break;
        since = next;
        conn_reply_free(&r);
    }
    if (started)
        progress_end(&bar);
    if (st != CMD_OK)
        return st;
    /* the last answer, with checked over the whole walk */
    msgpack_object res = *r.result;
    msgpack_object_kv kvs[16];
    uint32_t n = res.via.map.size < 16 ? res.via.map.size : 16;
    for (uint32_t i = 0; i < n; i++) {
        kvs[i] = res.via.map.ptr[i];
        if (kvs[i].key.type == MSGPACK_OBJECT_STR && kvs[i].key.via.str.size == 7 &&
            memcmp(kvs[i].key.via.str.ptr, "checked", 7) == 0)
            kvs[i].val.via.u64 = checked;
    }
    res.via.map.ptr = kvs;
    res.via.map.size = n;
    bool bad;
    map_u64(&res, "first_bad_id", &bad);
    st = show_result(c->a, &res);
    conn_reply_free(&r);
    if (st == CMD_OK && bad) {
        app_errorf(c->a, "the audit trail's chain is broken at the row named first_bad_id");
        st = CMD_FAILED;
    }
    return st;
}

static const struct show_col access_cols[] = {{"user", NULL, 1},       {"role", NULL, 1},
                                              {"rule", NULL, 1},       {"sees", NULL, 2},
                                              {"valid_from", NULL, 2}, {"valid_to", NULL, 2}};

static const struct noun_flag access_flags[] = {{"client", "client_id", NOUN_CLIENT},
                                                {NULL, NULL, NOUN_AS_TYPED}};

static const struct noun_verb audit_verbs[] = {
    {.words = "search find",
     .op = "audit.search",
     .flags = search_flags,
     .run = run_relative,
     .cols = search_cols,
     .ncols = CMD_LEN(search_cols),
     .usage = "audit search [--user USER] [--client CLIENT] [--op OPERATION] [--outcome "
              "ok|denied|failed] [--since 7d] [--until DATE] [--branch BRANCH]",
     .what = "The audit trail, newest first (directors)"},
    {.words = "verify",
     .op = "audit.verify",
     .run = run_verify,
     .usage = "audit verify",
     .what = "Walk the audit trail's hash chain; names the first edited, removed or reordered "
             "row"},
    {.words = "access",
     .op = "audit.access",
     .flags = access_flags,
     .pos = NOUN_POS_FIRST,
     .first = NOUN_CLIENT,
     .first_arg = "client_id",
     .cols = access_cols,
     .ncols = CMD_LEN(access_cols),
     .usage = "audit access CLIENT --at DATE|TIME",
     .what = "Who could see a client at that moment, and by which rule"},
    {.op = NULL},
};

const struct noun cmd_audit = {.name = "audit", .verbs = audit_verbs};

/* ---- server stats ---- */

static const struct show_col stats_cols[] = {{"op", NULL, 1},
                                             {"count", NULL, 1},
                                             {"errors", NULL, 1},
                                             {"p50_us", "p50 µs", 1},
                                             {"p99_us", "p99 µs", 1}};

static const struct view_section stats_sections[] = {
    {.title = "Requests",
     .key = "requests",
     .cols = stats_cols,
     .ncols = CMD_LEN(stats_cols),
     .count = true},
};

/* server stats: the server's figures as a record, then its requests by operation. */
static enum cmd_status run_stats(struct verb_call *c)
{
    if (c->nin > 0) {
        app_errorf(c->a, "usage: server stats");
        return CMD_USAGE;
    }
    struct conn_reply r;
    enum cmd_status st = call_words(c->a, c->op, NULL, 0, &r);
    if (st != CMD_OK)
        return st;
    struct show_opts o = show_opts_of(c->a);
    if (o.format != RENDER_TABLE || r.result->type != MSGPACK_OBJECT_MAP) {
        st = o.format == RENDER_CSV ? view_lists(c->a, r.result, stats_sections, 1)
                                    : show_result(c->a, r.result);
        conn_reply_free(&r);
        return st;
    }
    /* the record: every field but the list of requests */
    msgpack_object rec = *r.result;
    msgpack_object_kv kvs[16];
    uint32_t n = 0;
    for (uint32_t i = 0; i < r.result->via.map.size && n < 16; i++)
        if (r.result->via.map.ptr[i].val.type != MSGPACK_OBJECT_ARRAY)
            kvs[n++] = r.result->via.map.ptr[i];
    rec.via.map.ptr = kvs;
    rec.via.map.size = n;
    st = show_result(c->a, &rec);
    if (st == CMD_OK)
        st = view_lists(c->a, r.result, stats_sections, 1);
    conn_reply_free(&r);
    return st;
}

static const struct noun_verb server_verbs[] = {
    {.words = "stats",
     .op = "server.stats",
     .run = run_stats,
     .usage = "server stats",
     .what = "This server: connections, requests and latency by operation, errors, pool, audit "
             "seal lag, uptime"},
    {.op = NULL},
};

const struct noun cmd_server = {.name = "server", .verbs = server_verbs};
