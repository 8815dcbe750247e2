/* agencyd's I/O thread: epoll over the listener, connections, worker completions and signals;
   connection timers, the janitors (audit sealing, the database's sweeps), TLS reload on SIGHUP
   and draining on SIGTERM. */
#include "loop.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "conn.h"
#include "dbpool.h"
#include "dispatch.h"
#include "health.h"
#include "listen.h"
#include "log.h"
#include "notify.h"
#include "proxyproto.h"
#include "ratelimit.h"
#include "tls.h"

/* epoll tokens that are never connection ids (those have a generation >= 1 above bit 32) */
#define TOKEN_LISTEN 0xFFFFFFF0ull
#define TOKEN_EVENTS 0xFFFFFFF1ull
#define TOKEN_SIGNAL 0xFFFFFFF2ull

#define TICK_MS        100
#define SEAL_EVERY_MS  2000
#define DRAIN_QUIET_MS 1000
#define CLOSING_MAX_MS 5000
#define ACCEPT_BATCH   64
/* Connections the kernel may hold before accept (it caps this at net.core.somaxconn): room for
   a reconnect storm - every client of a restarted server at once - without dropped SYNs, which
   the clients would only retry a second later. */
#define LISTEN_BACKLOG 4096

static struct {
    const struct config *cfg;
    int epfd, listen_fd, sig_fd;
    bool listen_paused;
    bool draining;
    uint64_t drain_started, drain_deadline;
    bool seal_pending, sweep_pending;
    uint64_t next_tick, next_seal, next_sweep;
} lp;

static void (*loop_reload)(void);

void loop_set_reload(void (*reload)(void))
{
    loop_reload = reload;
}

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

int loop_block_signals(void)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGHUP);
    signal(SIGPIPE, SIG_IGN);
    return pthread_sigmask(SIG_BLOCK, &set, NULL) == 0 ? 0 : -1;
}

int loop_listen(const struct config *cfg, char *err, size_t errlen)
{
    return listen_open(cfg->listen, cfg->port, LISTEN_BACKLOG, err, errlen);
}

static void peer_text(const struct sockaddr_storage *ss, char *peer, size_t plen, char *ip,
                      size_t iplen)
{
    unsigned port = 0;
    if (ss->ss_family == AF_INET6) {
        const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)ss;
        inet_ntop(AF_INET6, &s6->sin6_addr, ip, (socklen_t)iplen);
        port = ntohs(s6->sin6_port);
        snprintf(peer, plen, "[%s]:%u", ip, port);
    } else {
        const struct sockaddr_in *s4 = (const struct sockaddr_in *)ss;
        inet_ntop(AF_INET, &s4->sin_addr, ip, (socklen_t)iplen);
        port = ntohs(s4->sin_port);
        snprintf(peer, plen, "%s:%u", ip, port);
    }
}

static void listen_pause(bool pause)
{
    if (lp.listen_fd < 0 || lp.listen_paused == pause)
        return;
    struct epoll_event e = {.events = pause ? 0 : EPOLLIN, .data.u64 = TOKEN_LISTEN};
    epoll_ctl(lp.epfd, EPOLL_CTL_MOD, lp.listen_fd, &e);
    lp.listen_paused = pause;
}

static void loop_accept(uint64_t now)
{
    for (int i = 0; i < ACCEPT_BATCH; i++) {
        struct sockaddr_storage ss;
        socklen_t sl = sizeof(ss);
        int fd = accept4(lp.listen_fd, (struct sockaddr *)&ss, &sl, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
                log_warn("event=accept_failed error=\"%s\" action=pause", strerror(errno));
                listen_pause(true); /* the next tick listens again */
            }
            return;
        }
        char peer[72], ip[48];
        peer_text(&ss, peer, sizeof(peer), ip, sizeof(ip));
        if (conn_count() >= (unsigned)lp.cfg->max_connections) {
            log_warn("event=conn_refused peer=%s reason=max_connections limit=%lld", peer,
                     (long long)lp.cfg->max_connections);
            close(fd);
            continue;
        }
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
        struct conn *c = conn_open(fd, peer, ip, tls_current(), now);
        if (!c) {
            log_warn("event=conn_refused peer=%s reason=no_resources", peer);
            close(fd);
            continue;
        }
        c->proxy_pending = lp.cfg->proxy_from[0] && proxy_trusted(lp.cfg->proxy_from, ip);
        /* A client sends its ClientHello right after connecting: it is usually here already,
           so the handshake starts now rather than after another epoll_wait. */
        conn_on_event(c, EPOLLIN, now);
    }
}

static void loop_completions(uint64_t now)
{
    dbpool_ack();
    struct dbjob *job;
    while ((job = dbpool_take_done()) != NULL) {
        if (job->kind == DBJOB_SEAL || job->kind == DBJOB_SWEEP) {
            *(job->kind == DBJOB_SEAL ? &lp.seal_pending : &lp.sweep_pending) = false;
            dbjob_free(job);
            continue;
        }
        if (job->kind == DBJOB_NOTIFY) {
            dispatch_notify(job);
            continue;
        }
        dispatch_complete(job, now);
    }
}

/* Gives parked connections (waiting for room in the worker queue) another chance. */
static void loop_unpark(uint64_t now)
{
    for (unsigned i = 0; i < conn_capacity() && conn_parked_count > 0; i++) {
        if (!dbpool_can_submit())
            return;
        struct conn *c = conn_at(i);
        if (c && c->parked)
            conn_resume(c, now);
    }
}

static void loop_timers(uint64_t now)
{
    const struct config *cfg = lp.cfg;
    for (unsigned i = 0; i < conn_capacity(); i++) {
        struct conn *c = conn_at(i);
        if (!c)
            continue;
        if (c->state == CONN_HANDSHAKE) {
            if (now - c->opened_ms > (uint64_t)cfg->handshake_timeout * 1000u) {
                tls_handshake_done(c->slot, c->peer, false, "timeout");
                conn_close(c, "handshake_timeout");
            }
            continue;
        }
        if (c->close_after_flush) {
            if (!c->closing_ms)
                c->closing_ms = now;
            else if (now - c->closing_ms > CLOSING_MAX_MS)
                conn_close(c, "flush_timeout");
            continue;
        }
        if (cfg->idle_timeout > 0 && c->in_flight == 0 &&
            now - c->last_active_ms > (uint64_t)cfg->idle_timeout * 1000u)
            conn_close(c, "idle_timeout");
    }
}

/* Queues a janitor job of kind when its time has come and the previous one is done. */
static void loop_janitor(uint64_t now, enum dbjob_kind kind, uint64_t *next, bool *pending,
                         uint64_t every_ms)
{
    if (now < *next || *pending || lp.draining)
        return;
    *next = now + every_ms;
    struct dbjob *job = dbjob_new(kind);
    if (job && dbpool_submit(job) == 0)
        *pending = true;
    else
        dbjob_free(job);
}

/* SIGTERM/SIGINT: stop accepting (the listener closes, the readiness endpoint answers 503, so a
   load balancer sends new connections elsewhere), tell every open connection that this server
   is draining, and keep answering their requests until each has gone quiet (loop_drain_step). */
static void loop_start_drain(uint64_t now, const char *signame)
{
    if (lp.draining)
        return;
    log_info("event=draining signal=%s connections=%u pending=%u timeout_s=%lld", signame,
             conn_count(), dbpool_pending(), (long long)config_get()->drain_timeout);
    lp.draining = true;
    lp.drain_started = now;
    lp.drain_deadline = now + (uint64_t)config_get()->drain_timeout * 1000u;
    health_set_draining();
    if (lp.listen_fd >= 0) {
        epoll_ctl(lp.epfd, EPOLL_CTL_DEL, lp.listen_fd, NULL);
        close(lp.listen_fd);
        lp.listen_fd = -1;
    }
    for (unsigned i = 0; i < conn_capacity(); i++) {
        struct conn *c = conn_at(i);
        if (c && c->state == CONN_HANDSHAKE)
            conn_close(c, "draining");
        else if (c)
            dispatch_announce_draining(c);
    }
}

/* While draining: a connection closes once it has nothing in flight, nothing to send and has
   been quiet for DRAIN_QUIET_MS since the announcement (a request the client sent before it
   read the announcement still arrives and is answered), or when the drain times out. True
   when all are closed. */
static bool loop_drain_step(uint64_t now)
{
    bool late = now >= lp.drain_deadline;
    for (unsigned i = 0; i < conn_capacity(); i++) {
        struct conn *c = conn_at(i);
        if (!c)
            continue;
        uint64_t quiet_since =
            c->last_active_ms > lp.drain_started ? c->last_active_ms : lp.drain_started;
        if (late)
            conn_close(c, "drain_timeout");
        else if (conn_idle(c) && now - quiet_since >= DRAIN_QUIET_MS)
            conn_close(c, "draining");
    }
    return conn_count() == 0 && ((!lp.seal_pending && !lp.sweep_pending) || late);
}

static void loop_signal(uint64_t now)
{
    struct signalfd_siginfo si;
    while (read(lp.sig_fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
        if (si.ssi_signo == SIGHUP) {
            log_info("event=reload signal=SIGHUP");
            if (loop_reload)
                loop_reload();
            else
                tls_reload(lp.cfg);
        } else {
            loop_start_drain(now, si.ssi_signo == SIGINT ? "SIGINT" : "SIGTERM");
        }
    }
}

static int loop_setup(const struct config *cfg, int listen_fd)
{
    memset(&lp, 0, sizeof(lp));
    lp.cfg = cfg;
    lp.listen_fd = listen_fd;
    lp.epfd = epoll_create1(EPOLL_CLOEXEC);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGHUP);
    lp.sig_fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
    if (lp.epfd < 0 || lp.sig_fd < 0)
        return -1;
    struct epoll_event e = {.events = EPOLLIN, .data.u64 = TOKEN_LISTEN};
    if (epoll_ctl(lp.epfd, EPOLL_CTL_ADD, listen_fd, &e) < 0)
        return -1;
    e.data.u64 = TOKEN_EVENTS;
    if (epoll_ctl(lp.epfd, EPOLL_CTL_ADD, dbpool_eventfd(), &e) < 0)
        return -1;
    e.data.u64 = TOKEN_SIGNAL;
    if (epoll_ctl(lp.epfd, EPOLL_CTL_ADD, lp.sig_fd, &e) < 0)
        return -1;
    char err[256];
    if (health_open(cfg, lp.epfd, err, sizeof err) < 0) {
        log_error("event=fatal reason=health error=\"%s\"", err);
        return -1;
    }
    static const struct conn_upcalls up = {dispatch_frame, dispatch_too_large};
    if (conn_table_init((unsigned)cfg->max_connections, lp.epfd, &up) < 0)
        return -1;
    ratelimit_configure((unsigned)cfg->login_rate_per_minute, (unsigned)cfg->login_rate_burst);
    return 0;
}

static void loop_events(struct epoll_event *evs, int n, uint64_t now)
{
    for (int i = 0; i < n; i++) {
        uint64_t tok = evs[i].data.u64;
        if (tok == TOKEN_LISTEN) {
            if (!lp.draining)
                loop_accept(now);
        } else if (tok == TOKEN_EVENTS) {
            loop_completions(now);
        } else if (tok == TOKEN_SIGNAL) {
            loop_signal(now);
        } else if (health_owns(tok)) {
            health_on_event(tok, now);
        } else {
            struct conn *c = conn_lookup(tok);
            if (c)
                conn_on_event(c, evs[i].events, now);
        }
    }
}

int loop_run(const struct config *cfg, int listen_fd)
{
    if (loop_setup(cfg, listen_fd) < 0) {
        log_error("event=fatal error=\"cannot set up the event loop: %s\"", strerror(errno));
        return 1;
    }
    log_info("event=listening addr=%s port=%lld max_connections=%lld workers=%lld", cfg->listen,
             (long long)cfg->port, (long long)cfg->max_connections, (long long)cfg->workers);
    struct epoll_event evs[256];
    for (;;) {
        int n = epoll_wait(lp.epfd, evs, 256, TICK_MS);
        if (n < 0 && errno != EINTR) {
            log_error("event=fatal error=\"epoll_wait: %s\"", strerror(errno));
            break;
        }
        uint64_t now = now_ms();
        loop_events(evs, n > 0 ? n : 0, now);
        if (conn_parked_count > 0)
            loop_unpark(now);
        conn_flush_dirty(now);
        if (now >= lp.next_tick) {
            lp.next_tick = now + TICK_MS;
            loop_timers(now);
            health_tick(now);
            loop_janitor(now, DBJOB_SEAL, &lp.next_seal, &lp.seal_pending, SEAL_EVERY_MS);
            loop_janitor(now, DBJOB_SWEEP, &lp.next_sweep, &lp.sweep_pending,
                         (uint64_t)config_get()->sweep_interval * 1000u);
            listen_pause(false);
        }
        if (lp.draining && loop_drain_step(now))
            break;
    }
    conn_table_free();
    health_close();
    notify_stop(); /* before the pool: the listener posts into its completion queue */
    dbpool_stop();
    close(lp.sig_fd);
    close(lp.epfd);
    if (lp.listen_fd >= 0)
        close(lp.listen_fd);
    tls_log_stats();
    log_info("event=stopped");
    return 0;
}
