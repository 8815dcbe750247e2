/* The readiness endpoint (server.health_port): GET /ready answers 200 "ready" until a drain
   starts and 503 "draining" after; GET /live answers 200 while the loop runs. Both come from the
   I/O thread without touching the database, like ping: a load balancer takes a draining or
   stuck instance out of rotation, and a database outage, which every instance shares, stays an
   `unavailable` answer to the clients instead of refused connections. */
#include "health.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "conn.h"
#include "dbpool.h"
#include "log.h"
#include "listen.h"

#define CHECK_BUF        512
#define CHECK_TIMEOUT_MS 1000

struct check {
    int fd; /* -1 when free */
    uint64_t opened_ms;
    size_t len;
    char buf[CHECK_BUF];
};

static struct {
    int epfd, listen_fd;
    bool draining;
    const struct config *cfg;
    struct check checks[HEALTH_MAX_CHECKS];
} hl = {.epfd = -1, .listen_fd = -1};

int health_open(const struct config *cfg, int epfd, char *err, size_t errlen)
{
    hl.cfg = cfg;
    hl.epfd = epfd;
    hl.draining = false;
    for (unsigned i = 0; i < HEALTH_MAX_CHECKS; i++)
        hl.checks[i].fd = -1;
    if (cfg->health_port == 0)
        return 0;
    hl.listen_fd = listen_open(cfg->listen, cfg->health_port, 64, err, errlen);
    if (hl.listen_fd < 0)
        return -1;
    struct epoll_event e = {.events = EPOLLIN, .data.u64 = HEALTH_TOKEN_LISTEN};
    if (epoll_ctl(epfd, EPOLL_CTL_ADD, hl.listen_fd, &e) < 0) {
        snprintf(err, errlen, "cannot watch the health port: %s", strerror(errno));
        close(hl.listen_fd);
        hl.listen_fd = -1;
        return -1;
    }
    log_info("event=health_listening addr=%s port=%lld", cfg->listen, (long long)cfg->health_port);
    return 0;
}

bool health_owns(uint64_t tok)
{
    return tok == HEALTH_TOKEN_LISTEN ||
           (tok >= HEALTH_TOKEN_BASE && tok < HEALTH_TOKEN_BASE + HEALTH_MAX_CHECKS);
}

void health_set_draining(void)
{
    hl.draining = true;
}

static void check_close(struct check *k)
{
    epoll_ctl(hl.epfd, EPOLL_CTL_DEL, k->fd, NULL);
    close(k->fd);
    k->fd = -1;
}

/* Writes the whole (small) answer at once: the socket's buffer is empty. */
static void check_answer(struct check *k)
{
    int status = 404;
    char body[192];
    snprintf(body, sizeof body, "not found\n");
    bool head = strncmp(k->buf, "HEAD ", 5) == 0;
    const char *path = strchr(k->buf, ' ');
    if (path && (strncmp(k->buf, "GET ", 4) == 0 || head)) {
        path++;
        if (strncmp(path, "/ready ", 7) == 0 || strncmp(path, "/ready\r", 7) == 0) {
            status = hl.draining ? 503 : 200;
            snprintf(body, sizeof body, "%s instance=%s connections=%u db_workers=%u/%lld\n",
                     hl.draining ? "draining" : "ready",
                     hl.cfg->instance[0] ? hl.cfg->instance : "-", conn_count(), dbpool_connected(),
                     (long long)hl.cfg->workers);
        } else if (strncmp(path, "/live ", 6) == 0 || strncmp(path, "/live\r", 6) == 0) {
            status = 200;
            snprintf(body, sizeof body, "alive\n");
        }
    }
    char out[400];
    int n = snprintf(out, sizeof out,
                     "HTTP/1.0 %d %s\r\nContent-Type: text/plain\r\nContent-Length: %zu\r\n"
                     "Cache-Control: no-store\r\nConnection: close\r\n\r\n%s",
                     status,
                     status == 200   ? "OK"
                     : status == 503 ? "Service Unavailable"
                                     : "Not Found",
                     strlen(body), head ? "" : body);
    ssize_t w = send(k->fd, out, (size_t)n, MSG_NOSIGNAL | MSG_DONTWAIT);
    (void)w; /* a checker that cannot take 200 bytes gets nothing: it will call the check failed */
    check_close(k);
}

static void check_read(struct check *k)
{
    for (;;) {
        ssize_t n = recv(k->fd, k->buf + k->len, CHECK_BUF - 1 - k->len, MSG_DONTWAIT);
        if (n > 0) {
            k->len += (size_t)n;
            k->buf[k->len] = '\0';
            if (strstr(k->buf, "\r\n\r\n") || strstr(k->buf, "\n\n") || k->len == CHECK_BUF - 1) {
                check_answer(k);
                return;
            }
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EINTR))
            return;
        check_close(k); /* closed before sending a whole request */
        return;
    }
}

static void health_accept(uint64_t now_ms)
{
    for (int burst = 0; burst < HEALTH_MAX_CHECKS; burst++) {
        int fd = accept4(hl.listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0)
            return;
        struct check *k = NULL;
        for (unsigned i = 0; i < HEALTH_MAX_CHECKS && !k; i++)
            k = hl.checks[i].fd < 0 ? &hl.checks[i] : NULL;
        struct epoll_event e = {.events = EPOLLIN};
        if (k)
            e.data.u64 = HEALTH_TOKEN_BASE + (uint64_t)(k - hl.checks);
        if (!k || epoll_ctl(hl.epfd, EPOLL_CTL_ADD, fd, &e) < 0) {
            close(fd); /* more checks at once than any balancer sends */
            continue;
        }
        k->fd = fd;
        k->len = 0;
        k->opened_ms = now_ms;
        check_read(k); /* the request usually came with the connection */
    }
}

void health_on_event(uint64_t tok, uint64_t now_ms)
{
    if (tok == HEALTH_TOKEN_LISTEN) {
        health_accept(now_ms);
        return;
    }
    struct check *k = &hl.checks[tok - HEALTH_TOKEN_BASE];
    if (k->fd >= 0)
        check_read(k);
}

void health_tick(uint64_t now_ms)
{
    for (unsigned i = 0; i < HEALTH_MAX_CHECKS; i++) {
        struct check *k = &hl.checks[i];
        if (k->fd >= 0 && now_ms - k->opened_ms > CHECK_TIMEOUT_MS)
            check_close(k);
    }
}

void health_close(void)
{
    for (unsigned i = 0; i < HEALTH_MAX_CHECKS; i++) {
        if (hl.checks[i].fd >= 0)
            check_close(&hl.checks[i]);
    }
    if (hl.listen_fd >= 0) {
        epoll_ctl(hl.epfd, EPOLL_CTL_DEL, hl.listen_fd, NULL);
        close(hl.listen_fd);
        hl.listen_fd = -1;
    }
}
