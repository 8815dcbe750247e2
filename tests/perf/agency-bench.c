/*
 * agency-bench - load generator for agencyd: N TLS sessions running a weighted mix of operations
 * for a duration or a count (closed loop, or open loop at a fixed total rate), optional idle
 * sessions held and connections logging in (Argon2id on the server) in a loop meanwhile; prints
 * per-operation ops/s, p50/p90/p99/max latency and errors with their codes and messages (or
 * JSON). Exit 1 on any error.
 */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "bench.h"
#include "bench_run.h"
#include "tlsctx.h"

#define MAX_CONNS  20000
#define MAX_USERS  20000
#define SETUP_JOBS 4

struct options {
    const char *host, *ca, *users_file, *user, *admin, *mix, *tokens, *save_tokens;
    const char *password;
    int port;
    unsigned conns, setup_users, setup_clients, pipeline, idle, logins;
    double duration, warmup, rate;
    uint64_t count;
    bool json, verbose;
};

static void usage(FILE *f)
{
    fprintf(
        f, "usage: agency-bench [-h HOST] [-p PORT] --ca FILE [-c N] (--user U:P | --users FILE |\n"
           "         --setup-users N --admin U:P [--password P]) [--setup-clients K]\n"
           "         [--mix op=w,...] [-d SECONDS | -n COUNT] [--warmup SECONDS]\n"
           "         [--pipeline K | --rate R] [--idle N] [--logins N] [--json] [-v]\n"
           "       --tokens FILE: sessions to resume (lines \"[name ]token\") instead of logins;\n"
           "       --save-tokens FILE: writes the sessions used, for a later --tokens run\n"
           "       --rate R: open loop, R requests/s in all (Poisson), each timed from its\n"
           "         scheduled send time; --logins N: N more connections running auth.login\n"
           "         in a loop (the users' passwords) beside the mix\n"
           "ops: ping client.get client.list agenda activity.log auth.resume auth.login\n"
           "Defaults come from AGENCY_HOST, AGENCY_PORT, AGENCY_CA.\n");
}

/* Parses --mix into run weights. 0, or -1 with a message. */
static int parse_mix(const char *mix, struct bench_run *run)
{
    char buf[512];
    snprintf(buf, sizeof buf, "%s", mix);
    run->weight_total = 0;
    char *save = NULL;
    for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(tok, '=');
        unsigned w = 1;
        if (eq != NULL) {
            *eq = '\0';
            char *end = NULL;
            unsigned long v = strtoul(eq + 1, &end, 10);
            if (*end != '\0' || v > 1000000) {
                fprintf(stderr, "agency-bench: bad weight in --mix: %s\n", eq + 1);
                return -1;
            }
            w = (unsigned)v;
        }
        int op = 0;
        while (op < BOP__COUNT && strcmp(bench_op_name((enum bench_op)op), tok) != 0)
            op++;
        if (op == BOP__COUNT) {
            fprintf(stderr, "agency-bench: unknown operation in --mix: %s\n", tok);
            return -1;
        }
        run->weight[op] = w;
        run->weight_total += w;
    }
    if (run->weight_total == 0) {
        fprintf(stderr, "agency-bench: --mix has no weight\n");
        return -1;
    }
    return 0;
}

/* Splits "user:password" into u. */
static int split_cred(const char *s, struct bench_user *u)
{
    const char *colon = strchr(s, ':');
    if (colon == NULL || colon == s || (size_t)(colon - s) >= sizeof u->name ||
        strlen(colon + 1) >= sizeof u->password)
        return -1;
    snprintf(u->name, sizeof u->name, "%.*s", (int)(colon - s), s);
    snprintf(u->password, sizeof u->password, "%s", colon + 1);
    return 0;
}

static int parse_args(int argc, char **argv, struct options *o, struct bench_run *run)
{
    enum {
        O_CA = 256,
        O_USERS,
        O_USER,
        O_SETUP,
        O_ADMIN,
        O_PASS,
        O_CLIENTS,
        O_MIX,
        O_WARM,
        O_PIPE,
        O_IDLE,
        O_JSON,
        O_HELP,
        O_TOKENS,
        O_SAVE,
        O_RATE,
        O_LOGINS
    };
    static const struct option lo[] = {
        {"ca", 1, 0, O_CA},
        {"users", 1, 0, O_USERS},
        {"user", 1, 0, O_USER},
        {"setup-users", 1, 0, O_SETUP},
        {"admin", 1, 0, O_ADMIN},
        {"password", 1, 0, O_PASS},
        {"setup-clients", 1, 0, O_CLIENTS},
        {"mix", 1, 0, O_MIX},
        {"warmup", 1, 0, O_WARM},
        {"pipeline", 1, 0, O_PIPE},
        {"idle", 1, 0, O_IDLE},
        {"json", 0, 0, O_JSON},
        {"help", 0, 0, O_HELP},
        {"tokens", 1, 0, O_TOKENS},
        {"save-tokens", 1, 0, O_SAVE},
        {"rate", 1, 0, O_RATE},
        {"logins", 1, 0, O_LOGINS},
        {0, 0, 0, 0},
    };
    o->host = getenv("AGENCY_HOST") ? getenv("AGENCY_HOST") : "127.0.0.1";
    o->port = getenv("AGENCY_PORT") ? atoi(getenv("AGENCY_PORT")) : 7420;
    o->ca = getenv("AGENCY_CA");
    o->conns = 8;
    o->duration = 10;
    o->warmup = 1;
    o->pipeline = 1;
    o->password = "bench-password-2026";
    o->setup_clients = 3;
    o->mix = "ping=50,client.get=30,client.list=10,agenda=5,activity.log=5";
    int ch;
    while ((ch = getopt_long(argc, argv, "h:p:c:d:n:v", lo, NULL)) != -1) {
        switch (ch) {
        case 'h':
            o->host = optarg;
            break;
        case 'p':
            o->port = atoi(optarg);
            break;
        case 'c':
            o->conns = (unsigned)strtoul(optarg, NULL, 10);
            break;
        case 'd':
            o->duration = strtod(optarg, NULL);
            break;
        case 'n':
            o->count = strtoull(optarg, NULL, 10);
            break;
        case 'v':
            o->verbose = true;
            break;
        case O_CA:
            o->ca = optarg;
            break;
        case O_USERS:
            o->users_file = optarg;
            break;
        case O_USER:
            o->user = optarg;
            break;
        case O_SETUP:
            o->setup_users = (unsigned)strtoul(optarg, NULL, 10);
            break;
        case O_ADMIN:
            o->admin = optarg;
            break;
        case O_PASS:
            o->password = optarg;
            break;
        case O_CLIENTS:
            o->setup_clients = (unsigned)strtoul(optarg, NULL, 10);
            break;
        case O_MIX:
            o->mix = optarg;
            break;
        case O_WARM:
            o->warmup = strtod(optarg, NULL);
            break;
        case O_PIPE:
            o->pipeline = (unsigned)strtoul(optarg, NULL, 10);
            break;
        case O_IDLE:
            o->idle = (unsigned)strtoul(optarg, NULL, 10);
            break;
        case O_JSON:
            o->json = true;
            break;
        case O_TOKENS:
            o->tokens = optarg;
            break;
        case O_SAVE:
            o->save_tokens = optarg;
            break;
        case O_RATE:
            o->rate = strtod(optarg, NULL);
            break;
        case O_LOGINS:
            o->logins = (unsigned)strtoul(optarg, NULL, 10);
            break;
        case O_HELP:
            usage(stdout);
            exit(0);
        default:
            usage(stderr);
            return -1;
        }
    }
    if (optind != argc || o->ca == NULL || o->conns == 0 || o->conns > MAX_CONNS ||
        o->idle > MAX_CONNS || o->pipeline == 0 || o->pipeline > 32 || o->duration <= 0 ||
        o->warmup < 0 ||
        (o->user == NULL && o->users_file == NULL && o->setup_users == 0 && o->tokens == NULL) ||
        o->setup_users > MAX_USERS || (o->setup_users > 0 && o->admin == NULL) || o->rate < 0 ||
        (o->rate > 0 && o->pipeline != 1) || o->logins > MAX_CONNS ||
        (o->logins > 0 && o->tokens != NULL)) {
        usage(stderr);
        return -1;
    }
    run->pipeline = o->pipeline;
    run->rate = o->rate;
    run->mix_conns = o->conns;
    run->verbose = o->verbose;
    run->count = o->count;
    return parse_mix(o->mix, run);
}

/* Reads sessions to resume: lines "token" or "name token" (64 hex digits); how many. */
static unsigned load_tokens(const char *path, struct bench_user *users)
{
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        fprintf(stderr, "agency-bench: %s: %s\n", path, strerror(errno));
        return 0;
    }
    char line[256];
    unsigned n = 0;
    while (n < MAX_USERS && fgets(line, sizeof line, f) != NULL) {
        char a[64], b[128];
        int k = sscanf(line, "%63s %127s", a, b);
        const char *tok = k == 2 ? b : a;
        if (k < 1 || a[0] == '#' || strlen(tok) != 64 || strspn(tok, "0123456789abcdef") != 64)
            continue;
        snprintf(users[n].name, sizeof users[n].name, "%s", k == 2 ? a : "session");
        memcpy(users[n].token, tok, 65);
        n++;
    }
    fclose(f);
    if (n == 0)
        fprintf(stderr, "agency-bench: %s holds no session token\n", path);
    return n;
}

/* Writes "name token" lines of the first n users to path. 0, or -1 (message printed). */
static int save_tokens(const char *path, const struct bench_user *users, unsigned n)
{
    FILE *f = fopen(path, "w");
    if (f == NULL) {
        fprintf(stderr, "agency-bench: %s: %s\n", path, strerror(errno));
        return -1;
    }
    for (unsigned i = 0; i < n; i++)
        fprintf(f, "%s %s\n", users[i].name, users[i].token);
    if (fclose(f) != 0) {
        fprintf(stderr, "agency-bench: %s: %s\n", path, strerror(errno));
        return -1;
    }
    return 0;
}

/* Fills users from the options; returns how many (0 on error, message printed). */
static unsigned load_users(const struct options *o, struct bench_user *users)
{
    unsigned n = 0;
    if (o->user != NULL) {
        if (split_cred(o->user, &users[0]) != 0) {
            fprintf(stderr, "agency-bench: --user wants user:password\n");
            return 0;
        }
        return 1;
    }
    if (o->tokens != NULL)
        return load_tokens(o->tokens, users);
    if (o->users_file != NULL) {
        FILE *f = fopen(o->users_file, "r");
        if (f == NULL) {
            fprintf(stderr, "agency-bench: %s: %s\n", o->users_file, strerror(errno));
            return 0;
        }
        char line[256];
        while (n < MAX_USERS && fgets(line, sizeof line, f) != NULL) {
            line[strcspn(line, "\r\n")] = '\0';
            if (line[0] != '\0' && line[0] != '#' && split_cred(line, &users[n]) == 0)
                n++;
        }
        fclose(f);
        return n;
    }
    for (n = 0; n < o->setup_users; n++) {
        snprintf(users[n].name, sizeof users[n].name, "bench.%04u", n + 1);
        snprintf(users[n].password, sizeof users[n].password, "%s", o->password);
    }
    return n;
}

/* Parallel set-up work: logs users in, or opens idle sessions. */
struct setup_job {
    const struct bench_target *t;
    struct bench_user *users;
    unsigned n_users, min_clients;
    struct bench_conn *idle;
    unsigned n_idle;
    atomic_uint next;
    atomic_int failed;
};

static void *setup_thread(void *arg)
{
    struct setup_job *j = arg;
    char err[256];
    for (unsigned i = atomic_fetch_add(&j->next, 1); i < j->n_users + j->n_idle;
         i = atomic_fetch_add(&j->next, 1)) {
        if (atomic_load(&j->failed))
            break;
        int rc;
        if (i < j->n_users) {
            rc = bench_prepare_user(j->t, &j->users[i], j->min_clients, err, sizeof err);
        } else {
            struct bench_user *u = &j->users[(i - j->n_users) % j->n_users];
            rc = bench_session(&j->idle[i - j->n_users], j->t, NULL, NULL, u->token, NULL, err,
                               sizeof err);
        }
        if (rc != 0) {
            fprintf(stderr, "agency-bench: %s\n", err);
            atomic_store(&j->failed, 1);
        }
    }
    return NULL;
}

/* Runs a set-up job on SETUP_JOBS threads. 0, or -1 when any part failed. */
static int run_setup(struct setup_job *j)
{
    pthread_t th[SETUP_JOBS];
    int started = 0;
    for (int i = 0; i < SETUP_JOBS; i++)
        if (pthread_create(&th[i], NULL, setup_thread, j) == 0)
            started++;
        else
            break;
    if (started == 0)
        setup_thread(j);
    for (int i = 0; i < started; i++)
        pthread_join(th[i], NULL);
    return atomic_load(&j->failed) ? -1 : 0;
}

/* Raises RLIMIT_NOFILE to what need connections want (up to the hard limit). */
static void raise_nofile(unsigned need)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
        return;
    rlim_t want = (rlim_t)need + 256;
    if (rl.rlim_cur >= want)
        return;
    rl.rlim_cur = want < rl.rlim_max ? want : rl.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur < want)
        fprintf(stderr, "agency-bench: file descriptor limit %llu < %llu wanted\n",
                (unsigned long long)rl.rlim_cur, (unsigned long long)want);
}

/* Checks that the users the mix needs see clients. */
static int check_clients(const struct bench_run *run, const struct bench_user *users, unsigned n)
{
    bool need = run->weight[BOP_CLIENT_GET] || run->weight[BOP_CLIENT_LIST] ||
                run->weight[BOP_ACTIVITY_LOG] || run->weight[BOP_AUDIT_SEARCH];
    for (unsigned i = 0; need && i < n; i++)
        if (users[i].n_clients == 0) {
            fprintf(stderr, "agency-bench: %s sees no client (use --setup-clients)\n",
                    users[i].name);
            return -1;
        }
    return 0;
}

/* Starts the workers, waits for the run to end, merges their figures into total. Returns the
 * measured seconds. */
static double run_load(struct bench_run *run, struct bench_worker *w, unsigned n,
                       const struct options *o, struct bench_stats *total)
{
    pthread_t *th = calloc(n, sizeof *th);
    bool *ok = calloc(n, sizeof *ok);
    int64_t t0 = bench_now_us();
    run->warm_end_us = t0 + (int64_t)(o->warmup * 1e6);
    run->end_us = run->warm_end_us + (int64_t)(o->duration * 1e6);
    atomic_store(&run->last_us, run->warm_end_us);
    pthread_attr_t attr; /* small stacks, so that thousands of connections fit */
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, 256 * 1024);
    for (unsigned i = 0; th && ok && i < n; i++)
        ok[i] = pthread_create(&th[i], &attr, bench_worker, &w[i]) == 0;
    pthread_attr_destroy(&attr);
    for (unsigned i = 0; th && ok && i < n; i++) {
        if (ok[i])
            pthread_join(th[i], NULL);
        else
            bench_stats_error(&w[i].stats, BOP_PING, "thread", "cannot start a thread");
        bench_stats_merge(total, &w[i].stats);
    }
    free(th);
    free(ok);
    int64_t end = run->count > 0 ? atomic_load(&run->last_us) : run->end_us;
    int64_t now = bench_now_us();
    if (end > now)
        end = now;
    return (double)(end - run->warm_end_us) / 1e6;
}

int main(int argc, char **argv)
{
    static struct bench_run run;
    struct options o = {0};
    signal(SIGPIPE, SIG_IGN);
    if (parse_args(argc, argv, &o, &run) != 0)
        return 2;
    raise_nofile(o.conns * 2 + o.idle + o.logins);
    unsigned n_workers = o.conns + o.logins; /* the mix connections, then the login ones */
    char err[256];
    SSL_CTX *ctx = tlsctx_client_new(o.ca, NULL, NULL, err, sizeof err);
    if (ctx == NULL) {
        fprintf(stderr, "agency-bench: %s\n", err);
        return 2;
    }
    bench_pin_server(ctx);
    struct bench_target t = {.host = o.host, .port = o.port, .ctx = ctx};
    run.target = &t;
    struct bench_user *users = calloc(MAX_USERS, sizeof *users);
    struct bench_worker *w = calloc(n_workers, sizeof *w);
    struct bench_conn *idle = calloc(o.idle ? o.idle : 1, sizeof *idle);
    int rc = 2;
    if (users == NULL || w == NULL || idle == NULL)
        goto out;
    if (o.setup_users > 0) {
        struct bench_user admin = {0};
        if (split_cred(o.admin, &admin) != 0 ||
            bench_setup_users(&t, admin.name, admin.password, o.setup_users, o.password, err,
                              sizeof err) != 0) {
            fprintf(stderr, "agency-bench: set-up: %s\n", err);
            goto out;
        }
    }
    unsigned n_users = load_users(&o, users);
    if (n_users == 0)
        goto out;
    if (n_users > o.conns)
        n_users = o.conns; /* only the users a connection runs as are logged in */
    /* Users log in (each once) and read their clients; then idle sessions resume tokens. */
    struct setup_job job = {.t = &t,
                            .users = users,
                            .n_users = n_users,
                            .min_clients = o.setup_users > 0 ? o.setup_clients : 0};
    if (run_setup(&job) != 0 || check_clients(&run, users, n_users) != 0 ||
        (o.save_tokens != NULL && save_tokens(o.save_tokens, users, n_users) != 0))
        goto out;
    /* Each mix connection resumes its user's session, or logs in a session of its own when the
     * mix opens fresh connections (concurrent resumes of one session would all update its one
     * row: not what many users reconnecting do). Login connections only say hello. */
    bool own_session = run.weight[BOP_AUTH_RESUME] > 0 && o.tokens == NULL;
    for (unsigned i = 0; i < n_workers; i++) {
        w[i].run = &run;
        w[i].index = i;
        w[i].user = &users[i % n_users];
        w[i].login_only = i >= o.conns;
        int rc_s;
        if (w[i].login_only)
            rc_s = bench_session(&w[i].conn, &t, NULL, NULL, NULL, NULL, err, sizeof err);
        else if (own_session)
            rc_s = bench_session(&w[i].conn, &t, w[i].user->name, w[i].user->password, NULL,
                                 w[i].token, err, sizeof err);
        else {
            rc_s =
                bench_session(&w[i].conn, &t, NULL, NULL, w[i].user->token, NULL, err, sizeof err);
            memcpy(w[i].token, w[i].user->token, sizeof w[i].token);
        }
        if (rc_s != 0) {
            fprintf(stderr, "agency-bench: connection %u: %s\n", i, err);
            goto out;
        }
    }
    if (o.idle > 0) {
        /* Idle sessions resume the users' tokens; setup_thread maps the indexes after
         * n_users to idle[], so the job starts there. */
        struct setup_job view = {
            .t = &t, .users = users, .n_users = n_users, .idle = idle, .n_idle = o.idle};
        atomic_store(&view.next, n_users);
        if (run_setup(&view) != 0)
            goto out;
    }
    struct bench_stats total = {0};
    double secs = run_load(&run, w, n_workers, &o, &total);
    char setting[640];
    snprintf(setting, sizeof setting,
             "\"connections\": %u, \"pipeline\": %u, \"rate\": %.1f, \"idle\": %u, "
             "\"logins\": %u, \"users\": %u, \"warmup_s\": %.3f, \"mix\": \"%s\"",
             o.conns, o.pipeline, o.rate, o.idle, o.logins, n_users, o.warmup, o.mix);
    if (!o.json && o.rate > 0)
        printf("open loop: %.1f requests/s scheduled over %u connections\n", o.rate, o.conns);
    bool used[BOP__COUNT];
    for (int op = 0; op < BOP__COUNT; op++)
        used[op] = run.weight[op] > 0;
    used[BOP_AUTH_LOGIN] = used[BOP_AUTH_LOGIN] || o.logins > 0;
    uint64_t errors = bench_stats_report(&total, used, secs, setting, o.json);
    bench_stats_free(&total);
    rc = errors ? 1 : 0;
out:
    for (unsigned i = 0; w && i < n_workers; i++) {
        bench_close(&w[i].conn);
        bench_stats_free(&w[i].stats);
    }
    for (unsigned i = 0; idle && i < o.idle; i++)
        bench_close(&idle[i]);
    for (unsigned i = 0; users && i < MAX_USERS; i++)
        bench_user_free(&users[i]);
    free(users);
    free(w);
    free(idle);
    SSL_CTX_free(ctx);
    bench_pin_free();
    return rc;
}
