/* conn_io.c - the connection's sockets, TLS and framing: non-blocking connect, handshake,
   reads and writes with deadlines, frames cut out of the read buffer. */
#include "conn_io.h"

#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/x509.h>

#include "proto.h"
#include "tlsctx.h"

int64_t conn_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void conn_sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
}

/* Waits for events on fd until deadline: 1 ready, 0 timed out, -1 error, -2 Ctrl-C (*cancel
   set when a signal interrupted the wait). */
static int wait_fd(const volatile sig_atomic_t *cancel, int fd, short events, int64_t deadline)
{
    for (;;) {
        int64_t left = deadline - conn_now_ms();
        if (left <= 0)
            return 0;
        struct pollfd p = {fd, events, 0};
        int n = poll(&p, 1, (int)(left > 60000 ? 60000 : left));
        if (n > 0)
            return 1;
        if (n < 0 && errno != EINTR)
            return -1;
        if (n < 0 && cancel && *cancel)
            return -2;
    }
}

/* After an SSL call returned ret <= 0: waits as OpenSSL asks. 1 try again, 0 would block with
   no time left (or nonblocking and WANT_READ), -1 failed. */
static int ssl_wait(struct conn *c, int ret, int64_t deadline)
{
    int w;
    switch (SSL_get_error(c->ssl, ret)) {
    case SSL_ERROR_WANT_READ:
        w = wait_fd(c->cancel, c->fd, POLLIN, deadline);
        break;
    case SSL_ERROR_WANT_WRITE:
        w = wait_fd(c->cancel, c->fd, POLLOUT, deadline);
        break;
    default:
        return -1;
    }
    if (w == -2)
        c->cancelled = true;
    return w < 0 ? -1 : w;
}

static int tcp_connect_one(const volatile sig_atomic_t *cancel, const struct addrinfo *ai,
                           int64_t deadline)
{
    int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0)
        return -1;
    if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
        return fd;
    if (errno == EINPROGRESS && wait_fd(cancel, fd, POLLOUT, deadline) == 1) {
        int soerr = 0;
        socklen_t sl = sizeof(soerr);
        if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) == 0 && soerr == 0)
            return fd;
        errno = soerr ? soerr : ETIMEDOUT;
    } else if (errno == EINPROGRESS) {
        errno = ETIMEDOUT;
    }
    int saved = errno;
    close(fd);
    errno = saved;
    return -1;
}

int conn_io_tcp_connect(struct conn *c, int64_t deadline, char *err, size_t errlen)
{
    struct addrinfo hints = {0}, *res = NULL;
    char port[16];
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    snprintf(port, sizeof(port), "%u", c->port);
    int rc = getaddrinfo(c->host, port, &hints, &res);
    if (rc != 0) {
        snprintf(err, errlen, "cannot resolve %s: %s", c->host, gai_strerror(rc));
        return -1;
    }
    int fd = -1, last = ECONNREFUSED;
    for (struct addrinfo *ai = res; ai && fd < 0; ai = ai->ai_next) {
        fd = tcp_connect_one(c->cancel, ai, deadline);
        if (fd < 0)
            last = errno;
    }
    freeaddrinfo(res);
    if (fd < 0 && c->cancel && *c->cancel) {
        c->cancelled = true;
        snprintf(err, errlen, "cancelled");
        return -1;
    }
    if (fd < 0) {
        snprintf(err, errlen, "cannot connect to %s:%u: %s", c->host, c->port, strerror(last));
        return -1;
    }
    c->fd = fd;
    return 0;
}

int conn_io_tls_handshake(struct conn *c, int64_t deadline, char *err, size_t errlen)
{
    c->ssl = SSL_new(c->ctx);
    if (!c->ssl || tlsctx_client_set_host(c->ssl, c->host) < 0 || SSL_set_fd(c->ssl, c->fd) != 1) {
        tlsctx_error(err, errlen, "TLS set-up failed");
        return -1;
    }
    for (;;) {
        ERR_clear_error();
        int ret = SSL_connect(c->ssl);
        if (ret == 1)
            return 0;
        int w = ssl_wait(c, ret, deadline);
        if (w == 1)
            continue;
        long vr = SSL_get_verify_result(c->ssl);
        if (vr != X509_V_OK)
            snprintf(err, errlen, "server certificate not trusted: %s",
                     X509_verify_cert_error_string(vr));
        else if (w == 0)
            snprintf(err, errlen, "TLS handshake with %s:%u timed out", c->host, c->port);
        else
            tlsctx_error(err, errlen, "TLS handshake failed");
        return -1;
    }
}

int conn_io_send_all(struct conn *c, const char *buf, size_t len, int64_t deadline)
{
    size_t off = 0;
    while (off < len) {
        ERR_clear_error();
        int n = SSL_write(c->ssl, buf + off, (int)(len - off));
        if (n > 0) {
            off += (size_t)n;
            continue;
        }
        if (ssl_wait(c, n, deadline) != 1)
            return -1;
    }
    return 0;
}

/* Reads more bytes into rbuf. 1 got some, 0 nothing yet (nonblocking), -1 closed/failed. */
static int read_more(struct conn *c, int64_t deadline, bool nonblocking)
{
    if (c->rcap - c->rlen < 16384) {
        size_t cap = c->rcap ? c->rcap * 2 : 65536;
        uint8_t *nb = realloc(c->rbuf, cap);
        if (!nb)
            return -1;
        c->rbuf = nb;
        c->rcap = cap;
    }
    for (;;) {
        ERR_clear_error();
        int n = SSL_read(c->ssl, c->rbuf + c->rlen, (int)(c->rcap - c->rlen));
        if (n > 0) {
            c->rlen += (size_t)n;
            return 1;
        }
        int e = SSL_get_error(c->ssl, n);
        if (nonblocking && e == SSL_ERROR_WANT_READ)
            return 0;
        c->clean_close = e == SSL_ERROR_ZERO_RETURN;
        if (ssl_wait(c, n, deadline) != 1)
            return -1;
    }
}

/* Takes one whole frame out of rbuf (malloc'd payload). 1 got one, 0 need more, -1 bad. */
static int take_frame(struct conn *c, uint8_t **payload, size_t *len)
{
    uint32_t plen = 0;
    enum proto_frame_status st = proto_frame_check(c->rbuf, c->rlen, CONN_MAX_FRAME, &plen);
    if (st == PROTO_FRAME_TOO_LARGE)
        return -1;
    if (st == PROTO_FRAME_NEED_MORE)
        return 0;
    uint8_t *p = malloc(plen);
    if (!p)
        return -1;
    memcpy(p, c->rbuf + PROTO_HEADER_SIZE, plen);
    size_t used = PROTO_HEADER_SIZE + (size_t)plen;
    memmove(c->rbuf, c->rbuf + used, c->rlen - used);
    c->rlen -= used;
    *payload = p;
    *len = plen;
    return 1;
}

/* Reads the next frame, waiting until deadline. 1 frame, 0 none (nonblocking), -1 lost. */
int conn_io_read_frame(struct conn *c, int64_t deadline, bool nonblocking, uint8_t **payload,
                       size_t *len)
{
    for (;;) {
        int t = take_frame(c, payload, len);
        if (t != 0)
            return t;
        int r = read_more(c, deadline, nonblocking);
        if (r <= 0)
            return r;
    }
}
