/* The database worker pool: bounded job queue, worker threads with one libpq connection each,
   reconnection with backoff, completion queue and eventfd towards the I/O thread. */
#include "dbpool.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "log.h"
#include "password.h"

#define BACKOFF_MIN_MS 100
/* a lost database is retried at least every second: back within a second of its return */
#define BACKOFF_MAX_MS 1000

struct jobq {
    struct dbjob *head, *tail;
    unsigned len;
};

static struct {
    const struct config *cfg;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    struct jobq todo;
    /* The hashing lane: requests that run Argon2id (OPF_HASHES) wait here and at most
       hash_cap of them are on workers at once, so that a burst of logins, each holding its
       worker while the password pool hashes, leaves the other workers to everyone else. */
    struct jobq hashq;
    unsigned hashing, hash_cap;
    struct jobq done;
    unsigned running;
    bool stopping;
    int efd;
    unsigned nworkers;
    struct dbworker *workers;
    pthread_t *threads;
    atomic_uint connected; /* workers holding a database connection */
} pool = {.mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER, .efd = -1};

static void jobq_push(struct jobq *q, struct dbjob *j)
{
    j->next = NULL;
    if (q->tail)
        q->tail->next = j;
    else
        q->head = j;
    q->tail = j;
    q->len++;
}

static struct dbjob *jobq_pop(struct jobq *q)
{
    struct dbjob *j = q->head;
    if (j) {
        q->head = j->next;
        if (!q->head)
            q->tail = NULL;
        q->len--;
        j->next = NULL;
    }
    return j;
}

struct dbjob *dbjob_new(enum dbjob_kind kind)
{
    struct dbjob *j = calloc(1, sizeof(*j));
    if (!j)
        return NULL;
    j->kind = kind;
    msgpack_sbuffer_init(&j->answer);
    return j;
}

void dbjob_free(struct dbjob *job)
{
    if (!job)
        return;
    if (job->zone)
        msgpack_zone_free(job->zone);
    msgpack_sbuffer_destroy(&job->answer);
    free(job);
}

static void timespec_add_ms(struct timespec *t, unsigned ms)
{
    t->tv_sec += ms / 1000;
    t->tv_nsec += (long)(ms % 1000) * 1000000L;
    if (t->tv_nsec >= 1000000000L) {
        t->tv_sec++;
        t->tv_nsec -= 1000000000L;
    }
}

static bool timespec_reached(const struct timespec *t)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return now.tv_sec > t->tv_sec || (now.tv_sec == t->tv_sec && now.tv_nsec >= t->tv_nsec);
}

PGconn *dbpool_connect(const struct config *cfg, char *err, size_t errlen)
{
    char options[192];
    /* agency.movable_clock=on lets agency.now() follow agency.test_clock (sql/024): tests only */
    snprintf(options, sizeof(options),
             "-c statement_timeout=%lld -c TimeZone=UTC -c DateStyle=ISO,YMD%s",
             (long long)cfg->statement_timeout * 1000,
             cfg->test_movable_clock ? " -c agency.movable_clock=on" : "");
    const char *keys[] = {"dbname", "application_name", "options", "connect_timeout", NULL};
    const char *vals[] = {cfg->db_conninfo, "agencyd", options, "5", NULL};
    PGconn *db = PQconnectdbParams(keys, vals, 1);
    if (!db || PQstatus(db) != CONNECTION_OK) {
        const char *m = db ? PQerrorMessage(db) : "out of memory";
        snprintf(err, errlen, "%.*s", (int)strcspn(m, "\n"), m);
        PQfinish(db);
        return NULL;
    }
    return db;
}

/* Drops the worker's connection and schedules the next attempt with exponential backoff. */
static void worker_drop(struct dbworker *w)
{
    if (w->db) {
        PQfinish(w->db);
        w->db = NULL;
        atomic_fetch_sub(&pool.connected, 1);
        log_warn("event=db_lost worker=%u", w->index);
    }
    dbpool_forget_statements(w);
    w->lost = false;
    clock_gettime(CLOCK_MONOTONIC, &w->next_try);
    timespec_add_ms(&w->next_try, w->backoff_ms);
    w->backoff_ms = w->backoff_ms * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : w->backoff_ms * 2;
}

/* Tries to reconnect if the backoff allows. */
static void worker_try_connect(struct dbworker *w)
{
    if (w->db || !timespec_reached(&w->next_try))
        return;
    char err[256];
    w->db = dbpool_connect(w->cfg, err, sizeof(err));
    if (!w->db) {
        char q[300];
        log_warn("event=db_reconnect_failed worker=%u retry_ms=%u error=%s", w->index,
                 w->backoff_ms, log_quote(q, sizeof(q), err));
        worker_drop(w);
        return;
    }
    w->backoff_ms = BACKOFF_MIN_MS;
    atomic_fetch_add(&pool.connected, 1);
    log_info("event=db_reconnected worker=%u", w->index);
}

/* After a job: a connection goes back into use only when idle outside a transaction (or with
   only a finished transaction's deferred results to read). */
static void worker_check_idle(struct dbworker *w)
{
    if (!w->db)
        return;
    if (w->lost || PQstatus(w->db) != CONNECTION_OK) {
        worker_drop(w);
        return;
    }
    if (w->pipe_len > 0) {
        /* a READ ONLY transaction's COMMIT sent, its result read before the next statement */
        if (dbpool_pipe_only_deferred(w))
            return;
        if (dbpool_pipe_settle(w) < 0) {
            worker_drop(w);
            return;
        }
    }
    if (PQtransactionStatus(w->db) != PQTRANS_IDLE) {
        PQclear(PQexec(w->db, "ROLLBACK"));
        if (PQtransactionStatus(w->db) != PQTRANS_IDLE) {
            log_warn("event=db_reset worker=%u reason=not_idle", w->index);
            worker_drop(w);
        }
    }
}

static bool job_hashes(const struct dbjob *j)
{
    return j->kind == DBJOB_REQUEST && j->op && (j->op->flags & OPF_HASHES) && j->preset == PE_OK;
}

/* Hands a finished job to the I/O thread. The eventfd is written only when the done queue was
   empty: the I/O thread takes every job after each wake-up (dbpool_ack, then dbpool_take_done
   until NULL), so a non-empty queue already has a wake-up on its way. */
static void worker_complete(struct dbjob *job)
{
    bool hashed = job_hashes(job);
    pthread_mutex_lock(&pool.mu);
    bool wake = pool.done.head == NULL;
    jobq_push(&pool.done, job);
    pool.running--;
    if (hashed)
        pool.hashing--;
    bool more_hashing = hashed && pool.hashq.head != NULL;
    pthread_mutex_unlock(&pool.mu);
    if (more_hashing)
        pthread_cond_signal(&pool.cv); /* a waiting worker may take the lane's next job */
    if (wake) {
        uint64_t one = 1;
        ssize_t n = write(pool.efd, &one, sizeof(one));
        (void)n; /* the counter saturating still leaves the eventfd readable */
    }
}

/* The next job a worker may take (pool.mu held): the hashing lane's first while it is under
   its cap (it cannot crowd the others out: it never holds more than hash_cap workers), else
   the common queue's. NULL when there is none. */
static struct dbjob *pool_next(void)
{
    struct dbjob *j = NULL;
    if (pool.hashq.head && pool.hashing < pool.hash_cap) {
        j = jobq_pop(&pool.hashq);
        pool.hashing++;
    } else if (pool.todo.head) {
        j = jobq_pop(&pool.todo);
    }
    if (j)
        pool.running++;
    return j;
}

static struct dbjob *worker_wait(struct dbworker *w)
{
    pthread_mutex_lock(&pool.mu);
    for (;;) {
        struct dbjob *j = pool_next();
        if (j) {
            pthread_mutex_unlock(&pool.mu);
            return j;
        }
        if (pool.stopping && !pool.hashq.head)
            break;
        if (w->db && w->pipe_unsent) {
            /* no more work: send the last job's COMMIT rather than hold it (and its
               transaction) until the next job */
            pthread_mutex_unlock(&pool.mu);
            if (dbpool_pipe_flush(w) < 0)
                worker_drop(w);
            pthread_mutex_lock(&pool.mu);
        } else if (w->db) {
            pthread_cond_wait(&pool.cv, &pool.mu);
        } else {
            struct timespec until;
            clock_gettime(CLOCK_REALTIME, &until);
            timespec_add_ms(&until, 200);
            pthread_cond_timedwait(&pool.cv, &pool.mu, &until);
            pthread_mutex_unlock(&pool.mu);
            worker_try_connect(w);
            pthread_mutex_lock(&pool.mu);
        }
    }
    pthread_mutex_unlock(&pool.mu);
    return NULL;
}

static void *worker_main(void *arg)
{
    struct dbworker *w = arg;
    dbpool_self = w;
    struct dbjob *job;
    while ((job = worker_wait(w)) != NULL) {
        worker_try_connect(w);
        dbpool_run_job(w, job);
        worker_check_idle(w);
        worker_complete(job);
    }
    if (w->db) {
        PQfinish(w->db);
        atomic_fetch_sub(&pool.connected, 1);
    }
    w->db = NULL;
    return NULL;
}

int dbpool_start(const struct config *cfg, char *err, size_t errlen)
{
    pool.cfg = cfg;
    pool.nworkers = (unsigned)cfg->workers;
    /* as many hashing requests as the password pool hashes at once, plus one reading its
       user meanwhile; never every worker while there are two or more */
    pool.hash_cap = password_pool_threads() + 1;
    if (pool.hash_cap > pool.nworkers - 1)
        pool.hash_cap = pool.nworkers > 1 ? pool.nworkers - 1 : 1;
    pool.efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    pool.workers = calloc(pool.nworkers, sizeof(*pool.workers));
    pool.threads = calloc(pool.nworkers, sizeof(*pool.threads));
    if (pool.efd < 0 || !pool.workers || !pool.threads) {
        snprintf(err, errlen, "cannot set up the worker pool: %s", strerror(errno));
        return -1;
    }
    for (unsigned i = 0; i < pool.nworkers; i++) {
        struct dbworker *w = &pool.workers[i];
        w->index = i;
        w->cfg = cfg;
        w->backoff_ms = BACKOFF_MIN_MS;
        w->db = dbpool_connect(cfg, err, errlen);
        if (!w->db)
            return -1;
        atomic_fetch_add(&pool.connected, 1);
    }
    for (unsigned i = 0; i < pool.nworkers; i++) {
        if (pthread_create(&pool.threads[i], NULL, worker_main, &pool.workers[i]) != 0) {
            snprintf(err, errlen, "cannot start worker thread");
            return -1;
        }
    }
    log_info("event=db_pool_started workers=%u queue_size=%lld", pool.nworkers,
             (long long)cfg->queue_size);
    return 0;
}

int dbpool_eventfd(void)
{
    return pool.efd;
}

void dbpool_ack(void)
{
    uint64_t v;
    ssize_t n = read(pool.efd, &v, sizeof(v));
    (void)n;
}

bool dbpool_can_submit(void)
{
    pthread_mutex_lock(&pool.mu);
    bool ok = !pool.stopping && pool.todo.len + pool.hashq.len < (unsigned)pool.cfg->queue_size;
    pthread_mutex_unlock(&pool.mu);
    return ok;
}

int dbpool_submit(struct dbjob *job)
{
    pthread_mutex_lock(&pool.mu);
    if (pool.stopping || pool.todo.len + pool.hashq.len >= (unsigned)pool.cfg->queue_size) {
        pthread_mutex_unlock(&pool.mu);
        return -1;
    }
    jobq_push(job_hashes(job) ? &pool.hashq : &pool.todo, job);
    pthread_mutex_unlock(&pool.mu);
    /* after unlocking: the worker woken does not then wait for the lock held here */
    pthread_cond_signal(&pool.cv);
    return 0;
}

void dbpool_post(struct dbjob *job)
{
    pthread_mutex_lock(&pool.mu);
    jobq_push(&pool.done, job);
    pthread_mutex_unlock(&pool.mu);
    uint64_t one = 1;
    ssize_t n = write(pool.efd, &one, sizeof(one));
    (void)n;
}

/* The I/O thread takes the whole done queue under one lock and hands the jobs out from this
   list (only the I/O thread calls dbpool_take_done). */
static struct dbjob *done_batch;

struct dbjob *dbpool_take_done(void)
{
    if (!done_batch) {
        pthread_mutex_lock(&pool.mu);
        done_batch = pool.done.head;
        pool.done.head = pool.done.tail = NULL;
        pool.done.len = 0;
        pthread_mutex_unlock(&pool.mu);
    }
    struct dbjob *j = done_batch;
    if (j) {
        done_batch = j->next;
        j->next = NULL;
    }
    return j;
}

unsigned dbpool_connected(void)
{
    return atomic_load(&pool.connected);
}

unsigned dbpool_pending(void)
{
    pthread_mutex_lock(&pool.mu);
    unsigned n = pool.todo.len + pool.hashq.len + pool.running;
    pthread_mutex_unlock(&pool.mu);
    return n;
}

void dbpool_stop(void)
{
    if (!pool.threads)
        return;
    pthread_mutex_lock(&pool.mu);
    pool.stopping = true;
    pthread_cond_broadcast(&pool.cv);
    pthread_mutex_unlock(&pool.mu);
    for (unsigned i = 0; i < pool.nworkers; i++) {
        if (pool.threads[i])
            pthread_join(pool.threads[i], NULL);
    }
    struct dbjob *j;
    while ((j = dbpool_take_done()) != NULL)
        dbjob_free(j);
    free(pool.threads);
    free(pool.workers);
    pool.threads = NULL;
    pool.workers = NULL;
    if (pool.efd >= 0)
        close(pool.efd);
    pool.efd = -1;
}
