/*
 * test_fault.c - the cluster of scripts/test-cluster (three agencyd behind HAProxy, a
 * synchronous streaming standby) under faults: kill -9 of agencyd under 100 writing clients,
 * a SIGTERM drain, pushes across instances, PostgreSQL backend kills and a restart under 200
 * writers, and a failover to the standby. Every write carries an idempotency key and is retried
 * after a cut until it is answered; the database then holds exactly the acknowledged rows.
 */
#include <pthread.h>
#include <signal.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include <cmocka.h>
#include <openssl/rand.h>

#include "itest.h"

#define MAX_WRITERS    200
#define WRITE_LIMIT_MS 20000 /* one write still unanswered after this long is a failure */
#define RECOVERY_MS    5000  /* writes succeed again this long after a database fault */
#define ACK_IDS_MAX    4096

struct writer {
    pthread_t th;
    int idx;
    it_conn *c;
    unsigned writes, acked, cut, unavailable, drained, errors;
    int64_t max_ms;
    char error[256];
    uint64_t *ids; /* the id each acknowledged write answered */
};

static struct {
    char token[128];
    uint64_t client_id;
    char run[48];
    struct writer w[MAX_WRITERS];
    int nw;
    atomic_int stop;
    atomic_llong fault_done;  /* monotonic ms the last fault command returned; 0 = none */
    atomic_llong first_after; /* the first acknowledgement of a write sent after fault_done */
} fx;

static void uuid_text(char out[37])
{
    unsigned char b[16];
    if (RAND_bytes(b, sizeof b) != 1)
        abort();
    b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
    snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0],
             b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13],
             b[14], b[15]);
}

/* A connection through HAProxy with the shared session resumed, or NULL. */
static it_conn *writer_connect(void)
{
    it_conn *c =
        it_connect(it_env("AGENCY_HOST"), atoi(it_env("AGENCY_PORT")), it_env("AGENCY_CA"));
    if (c == NULL)
        return NULL;
    it_resp *r = it_call(c, "hello", "version:u", 1ull);
    bool ok = r->status == IT_OK;
    it_resp_free(r);
    if (ok) {
        r = it_call(c, "auth.resume", "token:s", fx.token);
        ok = r->status == IT_OK;
        it_resp_free(r);
    }
    if (!ok) {
        it_drop(c);
        return NULL;
    }
    return c;
}

/* One write, retried with the same key after a cut or `unavailable` until it is answered.
   Returns the answered id, or 0 (w->error says why). */
static uint64_t writer_write(struct writer *w, unsigned n)
{
    char key[37], summary[96];
    uuid_text(key);
    snprintf(summary, sizeof summary, "%s-%d-%u", fx.run, w->idx, n);
    int64_t start = it_now_ms();
    while (it_now_ms() - start < WRITE_LIMIT_MS) {
        if (w->c == NULL && (w->c = writer_connect()) == NULL) {
            it_sleep_ms(50);
            continue;
        }
        int64_t sent = it_now_ms();
        it_resp *r = it_call(w->c, "activity.log", "client_id:u kind:s summary:s idempotency_key:s",
                             (unsigned long long)fx.client_id, "note", summary, key);
        uint64_t id = 0;
        if (r->status == IT_OK && it_u64(r->result, "id", &id) && id > 0) {
            it_resp_free(r);
            int64_t now = it_now_ms();
            if (now - start > w->max_ms)
                w->max_ms = now - start;
            long long fault = atomic_load(&fx.fault_done), zero = 0;
            if (fault != 0 && sent >= fault)
                atomic_compare_exchange_strong(&fx.first_after, &zero, now);
            return id;
        }
        if (r->status == IT_ERROR && strcmp(r->code, "unavailable") == 0) {
            w->unavailable++;
            it_resp_free(r);
            it_sleep_ms(20);
            continue;
        }
        if (r->status == IT_ERROR) {
            snprintf(w->error, sizeof w->error, "write %s: %s", summary, it_resp_str(r));
            it_resp_free(r);
            return 0;
        }
        w->cut++; /* closed, reset or timed out: reconnect and send the same key again */
        it_resp_free(r);
        it_drop(w->c);
        w->c = NULL;
    }
    snprintf(w->error, sizeof w->error, "write %s unanswered after %d ms", summary, WRITE_LIMIT_MS);
    return 0;
}

static void *writer_main(void *arg)
{
    struct writer *w = arg;
    while (!atomic_load(&fx.stop) && w->writes < ACK_IDS_MAX) {
        uint64_t id = writer_write(w, w->writes++);
        if (id == 0) {
            w->errors++;
            break;
        }
        w->ids[w->acked++] = id;
        if (w->c != NULL && it_draining(w->c)) { /* the instance is going: move before the next */
            w->drained++;
            it_close(w->c);
            w->c = NULL;
        }
    }
    it_close(w->c);
    w->c = NULL;
    return NULL;
}

static void writers_start(int n, const char *phase)
{
    char buf[40];
    snprintf(fx.run, sizeof fx.run, "%s", it_uniq(phase, buf, sizeof buf));
    memset(fx.w, 0, sizeof fx.w);
    fx.nw = n;
    atomic_store(&fx.stop, 0);
    atomic_store(&fx.fault_done, 0);
    atomic_store(&fx.first_after, 0);
    for (int i = 0; i < n; i++) {
        fx.w[i].idx = i;
        fx.w[i].ids = calloc(ACK_IDS_MAX, sizeof(uint64_t));
        if (fx.w[i].ids == NULL || pthread_create(&fx.w[i].th, NULL, writer_main, &fx.w[i]) != 0)
            it_fail("cannot start writer %d", i);
    }
}

struct totals {
    unsigned writes, acked, cut, unavailable, drained, errors;
    int64_t max_ms;
};

/* Stops and joins the writers, then checks the database against their acknowledgements: every
   acknowledged id is there with its summary, no summary twice, no row nobody was told of, and
   every row has its audit row (no partial write). */
static struct totals writers_finish(const char *phase)
{
    atomic_store(&fx.stop, 1);
    struct totals t = {0};
    size_t cap = 64, len = 0;
    char *ids = malloc(cap);
    if (ids == NULL)
        abort();
    ids[len++] = '{';
    for (int i = 0; i < fx.nw; i++) {
        struct writer *w = &fx.w[i];
        pthread_join(w->th, NULL);
        if (w->errors > 0)
            fprintf(stderr, "fault: %s: writer %d: %s\n", phase, i, w->error);
        t.writes += w->writes;
        t.acked += w->acked;
        t.cut += w->cut;
        t.unavailable += w->unavailable;
        t.drained += w->drained;
        t.errors += w->errors;
        t.max_ms = w->max_ms > t.max_ms ? w->max_ms : t.max_ms;
        for (unsigned k = 0; k < w->acked; k++) {
            if (cap - len < 24 && (ids = realloc(ids, cap *= 2)) == NULL)
                abort();
            len += (size_t)snprintf(ids + len, cap - len, "%s%llu", len > 1 ? "," : "",
                                    (unsigned long long)w->ids[k]);
        }
        free(w->ids);
        w->ids = NULL;
    }
    ids[len++] = '}';
    ids[len] = '\0';
    char like[64];
    snprintf(like, sizeof like, "%s-%%", fx.run);
    it_db_close(); /* a fault may have taken the owner connection (or its server) away */
    long long rows =
        it_db_ll("SELECT count(*) FROM agency.activities WHERE summary LIKE $1", 1, like);
    long long distinct = it_db_ll(
        "SELECT count(DISTINCT summary) FROM agency.activities WHERE summary LIKE $1", 1, like);
    long long found = it_db_ll("SELECT count(*) FROM agency.activities WHERE summary LIKE $1"
                               " AND id = ANY($2::bigint[])",
                               2, like, ids);
    long long partial = it_db_ll(
        "SELECT count(*) FROM agency.activities a WHERE a.summary LIKE $1 AND NOT EXISTS"
        " (SELECT 1 FROM agency.audit_log l WHERE l.op = 'activity.log' AND l.outcome = 'ok'"
        " AND l.target = 'activity:' || a.id)",
        1, like);
    free(ids);
    fprintf(stderr,
            "fault: %s: writers=%d writes=%u acknowledged=%u rows=%lld lost=%lld duplicates=%lld"
            " unacknowledged_rows=%lld partial=%lld cuts_retried=%u unavailable_retried=%u"
            " moved_on_drain=%u slowest_write_ms=%lld\n",
            phase, fx.nw, t.writes, t.acked, rows, (long long)t.acked - found, rows - distinct,
            distinct - found, partial, t.cut, t.unavailable, t.drained, (long long)t.max_ms);
    assert_int_equal(t.errors, 0);
    assert_true(t.acked > 0);
    assert_int_equal(found, t.acked);  /* no acknowledged write lost */
    assert_int_equal(rows, distinct);  /* no write applied twice */
    assert_int_equal(distinct, found); /* no row that was not acknowledged */
    assert_int_equal(partial, 0);      /* no change without its audit row */
    return t;
}

/* Runs scripts/test-cluster CMD DIR [ARG]; fails the test unless it exits 0. */
static void cluster(const char *cmd, int arg)
{
    char line[1024];
    if (arg > 0)
        snprintf(line, sizeof line, "bash '%s' %s '%s' %d >&2", it_env("AGENCY_CLUSTER_SCRIPT"),
                 cmd, it_env("AGENCY_STACK_DIR"), arg);
    else
        snprintf(line, sizeof line, "bash '%s' %s '%s' >&2", it_env("AGENCY_CLUSTER_SCRIPT"), cmd,
                 it_env("AGENCY_STACK_DIR"));
    if (system(line) != 0)
        it_fail("scripts/test-cluster %s failed", cmd);
}

/* The HTTP status of GET /ready on instance i (0 when it does not answer). */
static int ready_status(int i)
{
    char key[48];
    snprintf(key, sizeof key, "AGENCY_INSTANCE_%d_HEALTH", i);
    int fd = it_tcp_connect("127.0.0.1", atoi(it_env(key)));
    if (fd < 0)
        return 0;
    static const char req[] = "GET /ready HTTP/1.0\r\n\r\n";
    char buf[512];
    size_t len = 0;
    if (write(fd, req, sizeof req - 1) == (ssize_t)(sizeof req - 1)) {
        ssize_t n;
        while (len < sizeof buf - 1 && (n = read(fd, buf + len, sizeof buf - 1 - len)) > 0)
            len += (size_t)n;
    }
    close(fd);
    buf[len] = '\0';
    int status = 0;
    return sscanf(buf, "HTTP/1.%*d %d", &status) == 1 ? status : 0;
}

/* Waits (bounded) until instance i answers /ready with 200. */
static void wait_ready(int i)
{
    int64_t deadline = it_now_ms() + 30000;
    while (ready_status(i) != 200) {
        if (it_now_ms() > deadline)
            it_fail("agencyd a%d is not ready 30 s after its start", i);
        it_sleep_ms(50);
    }
}

static pid_t instance_pid(int i)
{
    char key[48], buf[32];
    snprintf(key, sizeof key, "AGENCY_INSTANCE_%d_PIDFILE", i);
    FILE *f = fopen(it_env(key), "r");
    if (f == NULL)
        return 0;
    pid_t pid = fgets(buf, sizeof buf, f) ? (pid_t)atol(buf) : 0;
    fclose(f);
    return pid;
}

static int setup(void **state)
{
    char user[64], password[160];
    it_cred("AGENCY_DEMO_DIRECTOR", user, password);
    it_conn *c = it_connect_stack();
    it_hello(c);
    it_resp *r = it_login(c, user, password);
    it_assert_ok(r, "director login through HAProxy");
    uint64_t me = 0;
    if (it_str(r->result, "token", fx.token, sizeof fx.token) == NULL ||
        !it_u64(r->result, "user.id", &me))
        it_fail("auth.login answered no token or user.id");
    it_resp_free(r);
    char name[64];
    fx.client_id = it_client_create_forced(c, it_uniq("fault-client", name, sizeof name), me);
    it_close(c);
    for (int i = 1; i <= atoi(it_env("AGENCY_CLUSTER_N")); i++)
        wait_ready(i);
    return 0;
}

/* kill -9 of an agencyd, 20 times round the instances, under 100 writing clients; each killed
   instance is started again at once. */
static void test_kill9(void **state)
{
    int n = atoi(it_env("AGENCY_CLUSTER_N"));
    writers_start(100, "kill9");
    it_sleep_ms(1000);
    for (int k = 0; k < 20; k++) {
        int i = 1 + k % n;
        cluster("kill9", i);
        cluster("restart", i);
        it_sleep_ms(300);
    }
    for (int i = 1; i <= n; i++)
        wait_ready(i);
    it_sleep_ms(1000);
    struct totals t = writers_finish("kill9 x20");
    assert_true(t.cut > 0); /* the kills did cut writes in flight, and they were retried */
}

/* SIGTERM drain under 40 writers: /ready turns 503, every request is answered, none is cut,
   agencyd exits 0; the clients move to the other instances when told server.draining. */
static void test_drain(void **state)
{
    writers_start(40, "drain");
    it_sleep_ms(1000);
    pid_t pid = instance_pid(2);
    assert_true(pid > 0);
    char line[1024];
    snprintf(line, sizeof line, "bash '%s' term '%s' 2", it_env("AGENCY_CLUSTER_SCRIPT"),
             it_env("AGENCY_STACK_DIR"));
    int64_t t0 = it_now_ms();
    FILE *p = popen(line, "r");
    assert_non_null(p);
    int seen503 = 0;
    while (ready_status(2) == 200 && it_now_ms() - t0 < 5000)
        it_sleep_ms(5);
    seen503 = ready_status(2) == 503;
    char status[32] = "";
    if (fgets(status, sizeof status, p) == NULL)
        status[0] = '\0';
    int rc = pclose(p);
    int64_t drain_ms = it_now_ms() - t0;
    it_sleep_ms(500);
    struct totals t = writers_finish("sigterm drain");
    fprintf(stderr, "fault: drain took %lld ms, agencyd exit status %s", (long long)drain_ms,
            status[0] ? status : "?\n");
    assert_int_equal(rc, 0);
    assert_int_equal(atoi(status), 0);
    assert_int_equal(t.cut, 0); /* no request cut by the drain */
    assert_true(t.drained > 0); /* the drained instance's clients were told and moved */
    assert_true(seen503 || drain_ms < 200);
    cluster("restart", 2);
    wait_ready(2);
}

static int cmp_ll(const void *a, const void *b)
{
    long long x = *(const long long *)a, y = *(const long long *)b;
    return (x > y) - (x < y);
}

static it_conn *session_on(int instance, const char *cred, uint64_t *user_id)
{
    char key[48], user[64], password[160];
    snprintf(key, sizeof key, "AGENCY_INSTANCE_%d_PORT", instance);
    it_conn *c = it_connect_port(atoi(it_env(key)));
    it_hello(c);
    it_cred(cred, user, password);
    it_resp *r = it_login(c, user, password);
    it_assert_ok(r, cred);
    if (!it_u64(r->result, "user.id", user_id))
        it_fail("auth.login answered no user.id for %s", user);
    it_resp_free(r);
    return c;
}

/* Hands fx.client_id to owner on dir (one instance) and waits up to wait_ms for the
   client.assigned push on to (another); the milliseconds it took, or -1 when none came. */
static long long hand_over(it_conn *dir, it_conn *to, uint64_t owner, int wait_ms)
{
    int64_t t0 = it_now_ms();
    uint32_t id = it_send(dir, "client.assign", "ids:I owner_id:u reason:s", &fx.client_id,
                          (size_t)1, (unsigned long long)owner, "fault test hand-over");
    assert_true(id != 0);
    it_resp *ev = it_recv_event(to, "client.assigned", wait_ms);
    long long ms = ev->status == IT_OK ? it_now_ms() - t0 : -1;
    it_resp_free(ev);
    it_resp *r = it_recv(dir, IT_TIMEOUT_MS);
    it_assert_ok(r, "client.assign");
    it_resp_free(r);
    return ms;
}

/* client.assign made on instance 1 reaches the new owner connected to instance 2 or 3: 60
   hand-overs, p99 under a second. */
static void test_push_across(void **state)
{
    uint64_t me, owner[2];
    it_conn *dir = session_on(1, "AGENCY_DEMO_DIRECTOR", &me);
    it_conn *ae[2] = {session_on(2, "AGENCY_DEMO_AE", &owner[0]),
                      session_on(3, "AGENCY_DEMO_AE_OTHER", &owner[1])};
    enum { SAMPLES = 60 };
    long long ms[SAMPLES];
    for (int s = 0; s < SAMPLES; s++) {
        ms[s] = hand_over(dir, ae[s % 2], owner[s % 2], 5000);
        if (ms[s] < 0)
            it_fail("hand-over %d: no client.assigned on the other instance within 5 s", s);
    }
    qsort(ms, SAMPLES, sizeof ms[0], cmp_ll);
    fprintf(stderr, "fault: push across instances: %d hand-overs, p50 %lld ms, p99 %lld ms\n",
            SAMPLES, ms[SAMPLES / 2], ms[(SAMPLES * 99 + 99) / 100 - 1]);
    assert_true(ms[(SAMPLES * 99 + 99) / 100 - 1] < 1000);
    it_close(dir);
    it_close(ae[0]);
    it_close(ae[1]);
}

/* After a failover, pushes flow across instances again once the listeners have found the new
   primary (a push raised before that is lost: NOTIFY is not durable); bounded. */
static void push_after_failover(void)
{
    uint64_t me, owner;
    it_conn *dir = session_on(1, "AGENCY_DEMO_DIRECTOR", &me);
    it_conn *ae = session_on(2, "AGENCY_DEMO_AE", &owner);
    uint64_t other;
    it_conn *ae2 = session_on(3, "AGENCY_DEMO_AE_OTHER", &other);
    long long ms = -1;
    int k;
    for (k = 0; k < 10 && ms < 0; k++) {
        hand_over(dir, ae2, other, 100); /* away from ae, so that the next one is a change */
        ms = hand_over(dir, ae, owner, 1000);
    }
    fprintf(stderr, "fault: failover: pushes across instances again (hand-over %d, %lld ms)\n", k,
            ms);
    assert_true(ms >= 0);
    it_close(dir);
    it_close(ae);
    it_close(ae2);
}

/* Marks a fault done and waits (bounded) for the first write sent after it to be answered. */
static long long recovery_ms(void)
{
    long long done = it_now_ms();
    atomic_store(&fx.first_after, 0);
    atomic_store(&fx.fault_done, done);
    while (atomic_load(&fx.first_after) == 0 && it_now_ms() - done < 3 * RECOVERY_MS)
        it_sleep_ms(10);
    long long first = atomic_load(&fx.first_after);
    return first ? first - done : -1;
}

/* 200 writers: every agency_app backend killed three times, then PostgreSQL restarted. */
static void test_pg_faults(void **state)
{
    writers_start(200, "pgfault");
    it_sleep_ms(1500);
    long long worst = 0;
    for (int k = 0; k < 4; k++) {
        cluster(k < 3 ? "pg-kill" : "pg-restart", 0);
        long long r = recovery_ms();
        fprintf(stderr, "fault: %s: writes answered again after %lld ms\n",
                k < 3 ? "backends killed" : "postgresql restarted", r);
        if (r < 0)
            r = 1000000;
        if (r > worst)
            worst = r;
        it_sleep_ms(500);
    }
    writers_finish("backend kills x3 + postgresql restart");
    assert_true(worst <= RECOVERY_MS);
}

/* The primary stops at once and the standby is promoted: writes answer `unavailable` during the
   switch (never another error, no connection cut), then go on, without restarting agencyd. */
static void test_failover(void **state)
{
    int n = atoi(it_env("AGENCY_CLUSTER_N"));
    pid_t before[10];
    for (int i = 1; i <= n; i++)
        before[i] = instance_pid(i);
    writers_start(30, "failover");
    it_sleep_ms(1000);
    cluster("failover", 0);
    long long r = recovery_ms();
    fprintf(stderr, "fault: failover: writes answered again %lld ms after the promotion\n", r);
    it_sleep_ms(500);
    struct totals t = writers_finish("failover to the standby");
    assert_true(r >= 0 && r <= RECOVERY_MS);
    assert_int_equal(t.cut, 0);
    assert_true(t.unavailable > 0);
    for (int i = 1; i <= n; i++) {
        assert_int_equal(instance_pid(i), before[i]);
        assert_int_equal(kill(before[i], 0), 0);
    }
    assert_int_equal(it_db_ll("SELECT pg_is_in_recovery()::int", 0), 0);
    push_after_failover();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kill9),       cmocka_unit_test(test_drain),
        cmocka_unit_test(test_push_across), cmocka_unit_test(test_pg_faults),
        cmocka_unit_test(test_failover),
    };
    return cmocka_run_group_tests(tests, setup, it_teardown);
}
