/* One client connection: TLS over a non-blocking socket, bounded buffers, frame extraction,
   in-flight limit and backpressure (DESIGN §4). */
#include "conn.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/x509.h>

#include "config.h"
#include "dbpool.h"
#include "log.h"
#include "proxyproto.h"
#include "tls.h"

#define RBUF_INITIAL 4100u
#define WBUF_KEEP    (64u * 1024u)
/* Stop reading new requests while this much output waits for a slow reader. */
#define WBUF_HIGH (2u * 1024u * 1024u)

unsigned conn_parked_count;

static struct conn *conns;
static unsigned conns_max, conns_open;
static unsigned *free_slots, free_top;
static int conn_epfd = -1;
static const struct conn_upcalls *conn_up;
static unsigned *dirty_slots, dirty_top; /* connections with output to flush this turn */

int conn_table_init(unsigned max, int epfd, const struct conn_upcalls *up)
{
    conn_up = up;
    conns = calloc(max, sizeof(*conns));
    free_slots = calloc(max, sizeof(*free_slots));
    dirty_slots = calloc(max, sizeof(*dirty_slots));
    if (!conns || !free_slots || !dirty_slots)
        return -1;
    conns_max = max;
    conn_epfd = epfd;
    for (unsigned i = 0; i < max; i++) {
        conns[i].slot = i;
        conns[i].gen = 1;
        conns[i].fd = -1;
        free_slots[free_top++] = max - 1 - i;
    }
    return 0;
}

void conn_table_free(void)
{
    for (unsigned i = 0; i < conns_max; i++) {
        if (conns[i].state != CONN_FREE)
            conn_close(&conns[i], "shutdown");
    }
    free(conns);
    free(free_slots);
    free(dirty_slots);
    dirty_slots = NULL;
    dirty_top = 0;
    conns = NULL;
    free_slots = NULL;
    conns_max = free_top = 0;
}

unsigned conn_count(void)
{
    return conns_open;
}

unsigned conn_capacity(void)
{
    return conns_max;
}

uint64_t conn_id(const struct conn *c)
{
    return ((uint64_t)c->gen << 32) | c->slot;
}

struct conn *conn_lookup(uint64_t id)
{
    uint32_t slot = (uint32_t)id, gen = (uint32_t)(id >> 32);
    if (slot >= conns_max || conns[slot].gen != gen || conns[slot].state == CONN_FREE)
        return NULL;
    return &conns[slot];
}

struct conn *conn_at(unsigned i)
{
    return i < conns_max && conns[i].state != CONN_FREE ? &conns[i] : NULL;
}

bool conn_idle(const struct conn *c)
{
    return c->in_flight == 0 && c->wpos == c->wlen;
}

static bool conn_may_read(const struct conn *c)
{
    if (c->state == CONN_HANDSHAKE)
        return true;
    return !c->close_after_flush && !c->parked &&
           c->in_flight < (unsigned)config_get()->max_in_flight && c->wlen - c->wpos < WBUF_HIGH;
}

void conn_update_events(struct conn *c)
{
    uint32_t ev = 0;
    if (conn_may_read(c) ||
        (c->state == CONN_OPEN && !c->want_write && c->wpos == c->wlen && c->close_after_flush))
        ev |= EPOLLIN;
    if (c->want_write || c->wpos < c->wlen)
        ev |= EPOLLOUT;
    if (ev == c->events)
        return;
    struct epoll_event e = {.events = ev, .data.u64 = conn_id(c)};
    if (epoll_ctl(conn_epfd, EPOLL_CTL_MOD, c->fd, &e) == 0)
        c->events = ev;
}

struct conn *conn_open(int fd, const char *peer, const char *peer_ip, SSL_CTX *ctx, uint64_t now_ms)
{
    if (free_top == 0)
        return NULL;
    struct conn *c = &conns[free_slots[free_top - 1]];
    SSL *ssl = SSL_new(ctx);
    uint8_t *rbuf = malloc(RBUF_INITIAL);
    if (!ssl || !rbuf || SSL_set_fd(ssl, fd) != 1) {
        SSL_free(ssl);
        free(rbuf);
        return NULL;
    }
    free_top--;
    uint32_t gen = c->gen, slot = c->slot;
    bool dirty = c->dirty;
    memset(c, 0, sizeof(*c));
    c->gen = gen;
    c->slot = slot;
    c->dirty = dirty;
    c->state = CONN_HANDSHAKE;
    c->fd = fd;
    c->ssl = ssl;
    c->rbuf = rbuf;
    c->rcap = RBUF_INITIAL;
    c->max_frame = (uint32_t)config_get()->max_frame_prelogin;
    c->opened_ms = c->last_active_ms = now_ms;
    snprintf(c->peer, sizeof(c->peer), "%s", peer);
    snprintf(c->peer_ip, sizeof(c->peer_ip), "%s", peer_ip);
    SSL_set_accept_state(ssl);
    struct epoll_event e = {.events = EPOLLIN, .data.u64 = conn_id(c)};
    if (epoll_ctl(conn_epfd, EPOLL_CTL_ADD, fd, &e) != 0) {
        SSL_free(ssl);
        free(rbuf);
        c->state = CONN_FREE;
        free_slots[free_top++] = slot;
        return NULL;
    }
    c->events = EPOLLIN;
    conns_open++;
    /* debug: tls_established (info) names the peer once the handshake is done; one line fewer
       per connection counts when clients connect by the thousand per second */
    log_debug("event=conn_open conn=%u peer=%s", c->slot, c->peer);
    return c;
}

void conn_close(struct conn *c, const char *reason)
{
    if (c->state == CONN_FREE)
        return;
    if (c->state == CONN_OPEN && !c->want_write) {
        SSL_shutdown(c->ssl); /* one non-blocking attempt at close_notify */
        ERR_clear_error();    /* its failure must not reach another connection's I/O */
    }
    epoll_ctl(conn_epfd, EPOLL_CTL_DEL, c->fd, NULL);
    SSL_free(c->ssl);
    close(c->fd);
    free(c->rbuf);
    free(c->wbuf);
    if (c->parked)
        conn_parked_count--;
    log_info("event=conn_close conn=%u peer=%s reason=%s requests=%llu in_flight=%u", c->slot,
             c->peer, reason, (unsigned long long)c->requests, c->in_flight);
    uint32_t gen = c->gen + 1, slot = c->slot;
    bool dirty = c->dirty; /* the slot may still be listed for flushing this turn */
    memset(c, 0, sizeof(*c));
    c->gen = gen ? gen : 1;
    c->slot = slot;
    c->dirty = dirty;
    c->fd = -1;
    free_slots[free_top++] = slot;
    conns_open--;
}

void conn_send(struct conn *c, const void *data, size_t len)
{
    if (c->state != CONN_OPEN)
        return;
    if (c->wpos == c->wlen)
        c->wpos = c->wlen = 0;
    if (c->wlen + len > c->wcap) {
        size_t cap = c->wcap ? c->wcap : 4096;
        while (cap < c->wlen + len)
            cap *= 2;
        uint8_t *nb = realloc(c->wbuf, cap);
        if (!nb) {
            c->close_after_flush = true;
            return;
        }
        c->wbuf = nb;
        c->wcap = cap;
    }
    memcpy(c->wbuf + c->wlen, data, len);
    c->wlen += len;
    if (!c->dirty) {
        c->dirty = true;
        dirty_slots[dirty_top++] = c->slot;
    }
}

void conn_flush_dirty(uint64_t now_ms)
{
    while (dirty_top > 0) {
        struct conn *c = &conns[dirty_slots[--dirty_top]];
        c->dirty = false;
        if (c->state == CONN_OPEN)
            conn_flush(c, now_ms);
    }
}

void conn_flush(struct conn *c, uint64_t now_ms)
{
    char reason[128];
    while (c->wpos < c->wlen) {
        ERR_clear_error(); /* SSL_get_error reads the thread's queue: start it empty */
        int n = SSL_write(c->ssl, c->wbuf + c->wpos, (int)(c->wlen - c->wpos));
        if (n > 0) {
            c->wpos += (size_t)n;
            c->last_active_ms = now_ms;
            continue;
        }
        enum tls_io io = tls_io_result(c->ssl, n, reason, sizeof(reason));
        if (io == TLS_IO_WANT_WRITE || io == TLS_IO_WANT_READ) {
            c->want_write = io == TLS_IO_WANT_WRITE;
            conn_update_events(c);
            return;
        }
        conn_close(c, reason);
        return;
    }
    c->want_write = false;
    c->wpos = c->wlen = 0;
    if (c->wcap > WBUF_KEEP) {
        free(c->wbuf);
        c->wbuf = NULL;
        c->wcap = 0;
    }
    if (c->close_after_flush) {
        conn_close(c, "protocol_error");
        return;
    }
    if (c->rpos < c->rlen || SSL_pending(c->ssl) > 0) {
        conn_resume(c, now_ms); /* requests held back while answers were piling up */
        return;
    }
    conn_update_events(c);
}

/* Makes room for at least need bytes after rlen, compacting and growing up to 4 + max_frame. */
static bool conn_rbuf_room(struct conn *c, size_t need)
{
    if (c->rpos > 0 && (c->rpos == c->rlen || c->rlen + need > c->rcap)) {
        memmove(c->rbuf, c->rbuf + c->rpos, c->rlen - c->rpos);
        c->rlen -= c->rpos;
        c->rpos = 0;
    }
    if (c->rlen + need <= c->rcap)
        return true;
    size_t limit = PROTO_HEADER_SIZE + (size_t)config_get()->max_frame;
    size_t cap = c->rcap * 2;
    if (cap < c->rlen + need)
        cap = c->rlen + need;
    if (cap > limit)
        cap = limit;
    if (cap <= c->rcap)
        return c->rlen < c->rcap;
    uint8_t *nb = realloc(c->rbuf, cap);
    if (!nb)
        return false;
    c->rbuf = nb;
    c->rcap = cap;
    return true;
}

/* Gives a large read buffer back once it is empty (a big frame was a one-off). */
static void conn_rbuf_shrink(struct conn *c)
{
    if (c->rpos != c->rlen || c->rcap <= WBUF_KEEP)
        return;
    uint8_t *nb = realloc(c->rbuf, RBUF_INITIAL);
    if (nb) {
        c->rbuf = nb;
        c->rcap = RBUF_INITIAL;
    }
    c->rpos = c->rlen = 0;
}

/* Extracts and dispatches whole frames while the connection may take requests. */
static void conn_process_frames(struct conn *c, uint64_t now_ms)
{
    while (c->state == CONN_OPEN && conn_may_read(c) && c->rpos < c->rlen) {
        uint32_t plen = 0;
        enum proto_frame_status st =
            proto_frame_check(c->rbuf + c->rpos, c->rlen - c->rpos, c->max_frame, &plen);
        if (st == PROTO_FRAME_NEED_MORE) {
            if (c->rlen - c->rpos >= PROTO_HEADER_SIZE)
                conn_rbuf_room(c, PROTO_HEADER_SIZE + plen - (c->rlen - c->rpos));
            return;
        }
        if (st == PROTO_FRAME_TOO_LARGE) {
            log_info("event=frame_too_large conn=%u peer=%s max_frame=%u", c->slot, c->peer,
                     c->max_frame);
            conn_up->too_large(c);
            c->close_after_flush = true;
            c->rpos = c->rlen = 0;
            return;
        }
        if (!dbpool_can_submit()) {
            c->parked = true;
            conn_parked_count++;
            log_debug("event=conn_parked conn=%u reason=queue_full", c->slot);
            return;
        }
        const uint8_t *payload = c->rbuf + c->rpos + PROTO_HEADER_SIZE;
        c->rpos += PROTO_HEADER_SIZE + plen;
        c->last_active_ms = now_ms;
        c->requests++;
        if (conn_up->frame(c, payload, plen, now_ms) == CONN_FRAME_CLOSE) {
            c->close_after_flush = true;
            c->rpos = c->rlen = 0;
            return;
        }
    }
    conn_rbuf_shrink(c);
}

/* Reads what the socket and OpenSSL have, dispatching frames as they complete. */
static void conn_read(struct conn *c, uint64_t now_ms)
{
    char reason[128];
    /* A bounded number of socket reads per turn, so one fast client cannot hold the loop; past
       the bound only the rest of a record already inside OpenSSL (which epoll cannot see). */
    for (unsigned rounds = 0;
         c->state == CONN_OPEN && (rounds < 64 || SSL_pending(c->ssl) > 0) && conn_may_read(c);
         rounds++) {
        if (!conn_rbuf_room(c, 1))
            return; /* a whole frame is buffered and waits (in flight or queue full) */
        ERR_clear_error();
        int n = SSL_read(c->ssl, c->rbuf + c->rlen, (int)(c->rcap - c->rlen));
        if (n > 0) {
            c->rlen += (size_t)n;
            c->last_active_ms = now_ms;
            conn_process_frames(c, now_ms);
            continue;
        }
        enum tls_io io = tls_io_result(c->ssl, n, reason, sizeof(reason));
        if (io == TLS_IO_WANT_READ)
            return;
        if (io == TLS_IO_WANT_WRITE) {
            c->want_write = true;
            return;
        }
        conn_close(c, reason);
        return;
    }
}

/* The PROXY v2 header a trusted balancer may send before TLS, read exactly (the TLS bytes
   behind it stay in the socket): the client's address replaces the balancer's. 1 done (or no
   header: a TLS record starts with 0x16, the signature with 0x0D), 0 wait, -1 closed. */
static int conn_read_proxy(struct conn *c)
{
    if (c->rlen == 0) {
        uint8_t first;
        ssize_t n = recv(c->fd, &first, 1, MSG_PEEK);
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
            return 0;
        if (n <= 0) {
            conn_close(c, "peer_closed");
            return -1;
        }
        if (first != 0x0D) {
            c->proxy_pending = false;
            return 1;
        }
    }
    for (;;) {
        size_t need;
        char ip[48], peer[72];
        enum proxy_verdict v = proxy_v2_parse(c->rbuf, c->rlen, &need, ip, peer);
        if (v == PROXY_NEED_MORE) {
            ssize_t n = recv(c->fd, c->rbuf + c->rlen, need - c->rlen, 0);
            if (n > 0) {
                c->rlen += (size_t)n;
                continue;
            }
            if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
                return 0;
            conn_close(c, "peer_closed");
            return -1;
        }
        if (v == PROXY_NONE || v == PROXY_INVALID) {
            log_info("event=proxy_header_invalid conn=%u peer=%s", c->slot, c->peer);
            conn_close(c, "proxy_header_invalid");
            return -1;
        }
        if (v == PROXY_ADDRESS) {
            log_debug("event=proxy_header conn=%u via=%s peer=%s", c->slot, c->peer, peer);
            snprintf(c->peer, sizeof(c->peer), "%s", peer);
            snprintf(c->peer_ip, sizeof(c->peer_ip), "%s", ip);
        }
        c->rlen = 0;
        c->proxy_pending = false;
        return 1;
    }
}

static void conn_handshake(struct conn *c, uint64_t now_ms)
{
    char reason[128];
    if (c->proxy_pending && conn_read_proxy(c) <= 0)
        return;
    ERR_clear_error();
    int r = SSL_accept(c->ssl);
    if (r == 1) {
        tls_handshake_done(c->slot, c->peer, true, NULL);
        c->state = CONN_OPEN;
        c->want_write = false;
        c->last_active_ms = now_ms;
        const char *group = SSL_group_to_name(c->ssl, (int)SSL_get_negotiated_group(c->ssl));
        char cn[128] = "-", q[160];
        X509 *cert = SSL_get0_peer_certificate(c->ssl); /* mutual TLS: the branch's certificate */
        if (cert)
            X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName, cn, sizeof(cn));
        log_info("event=tls_established conn=%u peer=%s version=%s cipher=%s group=%s "
                 "client_cert=%s ms=%llu",
                 c->slot, c->peer, SSL_get_version(c->ssl), SSL_get_cipher_name(c->ssl),
                 group ? group : "-", log_quote(q, sizeof(q), cn),
                 (unsigned long long)(now_ms - c->opened_ms));
        conn_read(c, now_ms);
        return;
    }
    enum tls_io io = tls_io_result(c->ssl, r, reason, sizeof(reason));
    if (io == TLS_IO_WANT_READ || io == TLS_IO_WANT_WRITE) {
        c->want_write = io == TLS_IO_WANT_WRITE;
        return;
    }
    tls_handshake_done(c->slot, c->peer, false, reason);
    conn_close(c, "tls_handshake_failed");
}

void conn_on_event(struct conn *c, uint32_t events, uint64_t now_ms)
{
    if (c->state == CONN_HANDSHAKE) {
        conn_handshake(c, now_ms);
    } else {
        if ((events & EPOLLOUT) || c->want_write) {
            c->want_write = false;
            conn_flush(c, now_ms);
            if (c->state != CONN_OPEN)
                return;
        }
        if (events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
            if (conn_may_read(c))
                conn_read(c, now_ms);
            else if (events & (EPOLLHUP | EPOLLERR))
                conn_close(c, "peer_closed");
        }
    }
    if (c->state != CONN_FREE)
        conn_update_events(c);
}

void conn_resume(struct conn *c, uint64_t now_ms)
{
    if (c->state != CONN_OPEN)
        return;
    if (c->parked) {
        c->parked = false;
        conn_parked_count--;
    }
    conn_process_frames(c, now_ms);
    if (c->state == CONN_OPEN && conn_may_read(c))
        conn_read(c, now_ms);
    if (c->state == CONN_OPEN)
        conn_update_events(c);
}
