/* One client connection of agencyd: TLS over a non-blocking socket, bounded read and write
   buffers, frame extraction, in-flight accounting and backpressure. I/O thread only. */
#ifndef AGENCY_CONN_H
#define AGENCY_CONN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/ssl.h>

#include "op.h"

enum conn_state { CONN_FREE = 0, CONN_HANDSHAKE, CONN_OPEN };

struct conn {
    enum conn_state state;
    uint32_t slot;
    uint32_t gen; /* bumped on close: a late completion for an old connection is dropped */
    int fd;
    SSL *ssl;
    char peer[72];    /* "ip:port" */
    char peer_ip[48]; /* "ip" */
    uint8_t *rbuf;
    size_t rpos, rlen, rcap; /* unread bytes are rbuf[rpos..rlen) */
    uint8_t *wbuf;
    size_t wpos, wlen, wcap; /* unsent bytes are wbuf[wpos..wlen) */
    unsigned in_flight;
    uint32_t max_frame; /* max_frame_prelogin until logged in */
    bool hello_done;
    bool close_after_flush;
    bool parked;        /* a frame waits for room in the worker queue */
    bool want_write;    /* OpenSSL wants the socket writable before it can go on */
    bool dirty;         /* has output to flush at the end of this loop turn */
    bool proxy_pending; /* from a trusted balancer: a PROXY v2 header may come before TLS */
    uint32_t events;    /* epoll mask currently registered */
    uint64_t opened_ms, last_active_ms, closing_ms;
    uint64_t requests;
    struct session_info sess;
};

/* What a frame did to its connection (the upward layer's verdict). */
enum conn_frame_verdict {
    CONN_FRAME_OK = 0, /* answered or queued: go on reading */
    CONN_FRAME_CLOSE,  /* answered bad_request for a malformed message: close after flushing */
};

/* The layer above the connections (the dispatcher), installed by the loop: the connection
 * layer calls up through these and never names that layer. */
struct conn_upcalls {
    /* One whole frame payload of c (the worker queue has room). */
    enum conn_frame_verdict (*frame)(struct conn *c, const uint8_t *payload, size_t len,
                                     uint64_t now_ms);
    /* c announced a frame over its max_frame: answer too_large (c closes after flushing). */
    void (*too_large)(struct conn *c);
};

/* Allocates the connection table (max connections) whose frames go to up. 0 or -1. */
int conn_table_init(unsigned max, int epfd, const struct conn_upcalls *up);
void conn_table_free(void);
/* Number of open connections. */
unsigned conn_count(void);
/* The id of c: generation and slot. Never 0. */
uint64_t conn_id(const struct conn *c);
/* The connection with this id, or NULL when it has been closed since. */
struct conn *conn_lookup(uint64_t id);
/* The connection in slot i, or NULL when the slot is free (for periodic scans). */
struct conn *conn_at(unsigned i);
unsigned conn_capacity(void);

/* Takes over an accepted non-blocking socket: starts the TLS handshake. NULL when the table
   is full (the caller closes fd). */
struct conn *conn_open(int fd, const char *peer, const char *peer_ip, SSL_CTX *ctx,
                       uint64_t now_ms);
/* Handles epoll events for c. */
void conn_on_event(struct conn *c, uint32_t events, uint64_t now_ms);
/* Appends a whole framed message to c's output (flushed at the end of the loop turn). */
void conn_send(struct conn *c, const void *data, size_t len);
/* Flushes c's output now if it is marked dirty; may close c. */
void conn_flush(struct conn *c, uint64_t now_ms);
/* Flushes every connection that got output during this loop turn. */
void conn_flush_dirty(uint64_t now_ms);
/* Closes c at once (logged with reason); pending answers for it will be dropped. */
void conn_close(struct conn *c, const char *reason);
/* Re-evaluates reading after a completion or when the queue has room: processes buffered
   frames and reads again if allowed. */
void conn_resume(struct conn *c, uint64_t now_ms);
/* Registers the epoll events c needs now (read unless held back, write while output waits). */
void conn_update_events(struct conn *c);
/* True when c has no requests in flight and nothing left to send. */
bool conn_idle(const struct conn *c);

/* Connections waiting for room in the worker queue. */
extern unsigned conn_parked_count;

#endif
