/* Server push: the listener thread (LISTEN agency_events on its own PostgreSQL connection,
   reconnecting with backoff) and the delivery of events to connections on the I/O thread. */
#include "notify.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "dbpool.h"
#include "log.h"

#define BACKOFF_MIN_MS 100
#define BACKOFF_MAX_MS 1000

static struct {
    const struct config *cfg;
    pthread_t thread;
    bool started;
    int stop_fd; /* eventfd: written once to stop the thread */
    atomic_ullong delivered, dropped;
} nt = {.stop_fd = -1};

/* Waits up to ms for the stop signal; true when asked to stop. */
static bool notify_wait_stop(int ms)
{
    struct pollfd p = {.fd = nt.stop_fd, .events = POLLIN};
    return poll(&p, 1, ms) > 0;
}

static PGconn *notify_connect(void)
{
    char err[256], q[300];
    PGconn *db = dbpool_connect(nt.cfg, err, sizeof(err));
    if (!db) {
        log_warn("event=notify_connect_failed error=%s", log_quote(q, sizeof(q), err));
        return NULL;
    }
    PGresult *r = PQexec(db, "LISTEN " NOTIFY_CHANNEL);
    bool ok = r && PQresultStatus(r) == PGRES_COMMAND_OK;
    PQclear(r);
    if (!ok || PQsetnonblocking(db, 1) != 0) {
        log_warn("event=notify_listen_failed error=%s",
                 log_quote(q, sizeof(q), PQerrorMessage(db)));
        PQfinish(db);
        return NULL;
    }
    log_info("event=notify_listening channel=%s", NOTIFY_CHANNEL);
    return db;
}

/* Turns one NOTIFY into a notification frame for the I/O thread. */
static void notify_forward(const PGnotify *n)
{
    struct dbjob *job = dbjob_new(DBJOB_NOTIFY);
    if (!job)
        return;
    msgpack_packer pk;
    msgpack_packer_init(&pk, &job->answer, msgpack_sbuffer_write);
    size_t start = proto_frame_begin(&job->answer);
    proto_pack_notify_head(&pk);
    uint64_t user = 0;
    if (notify_json_to_msgpack(n->extra, strlen(n->extra), &pk, &user) < 0 || user == 0) {
        char q[200];
        log_warn("event=notify_bad_payload payload=%s", log_quote(q, sizeof(q), n->extra));
        dbjob_free(job);
        return;
    }
    proto_frame_end(&job->answer, start);
    job->notify_user = user;
    dbpool_post(job);
}

static void *notify_main(void *arg)
{
    (void)arg;
    PGconn *db = NULL;
    unsigned backoff = BACKOFF_MIN_MS;
    for (;;) {
        if (!db) {
            db = notify_connect();
            if (!db) {
                if (notify_wait_stop((int)backoff))
                    break;
                backoff = backoff * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : backoff * 2;
                continue;
            }
            backoff = BACKOFF_MIN_MS;
        }
        struct pollfd p[2] = {{.fd = PQsocket(db), .events = POLLIN},
                              {.fd = nt.stop_fd, .events = POLLIN}};
        int rc = poll(p, 2, 1000);
        if (rc < 0 && errno != EINTR)
            break;
        if (p[1].revents)
            break;
        if (rc > 0 && PQconsumeInput(db) == 0) {
            log_warn("event=notify_lost error=\"%.*s\"", (int)strcspn(PQerrorMessage(db), "\n"),
                     PQerrorMessage(db));
            PQfinish(db);
            db = NULL;
            continue;
        }
        PGnotify *n;
        while ((n = PQnotifies(db)) != NULL) {
            notify_forward(n);
            PQfreemem(n);
        }
    }
    PQfinish(db);
    return NULL;
}

int notify_start(const struct config *cfg, char *err, size_t errlen)
{
    nt.cfg = cfg;
    nt.stop_fd = eventfd(0, EFD_CLOEXEC);
    if (nt.stop_fd < 0 || pthread_create(&nt.thread, NULL, notify_main, NULL) != 0) {
        snprintf(err, errlen, "cannot start the event listener: %s", strerror(errno));
        return -1;
    }
    nt.started = true;
    return 0;
}

void notify_stop(void)
{
    if (!nt.started)
        return;
    uint64_t one = 1;
    ssize_t n = write(nt.stop_fd, &one, sizeof(one));
    (void)n;
    pthread_join(nt.thread, NULL);
    close(nt.stop_fd);
    nt.stop_fd = -1;
    nt.started = false;
    log_info("event=notify_stats delivered=%llu dropped=%llu",
             (unsigned long long)atomic_load(&nt.delivered),
             (unsigned long long)atomic_load(&nt.dropped));
}

void notify_count(unsigned delivered)
{
    if (delivered)
        atomic_fetch_add(&nt.delivered, delivered);
    else
        atomic_fetch_add(&nt.dropped, 1);
}
