/* conn_io.h - the connection's state and its low-level I/O (sockets, TLS, frames: conn_io.c),
   below conn.c (messages, calls, reconnect). Private to the connection. */
#ifndef AGENCY_CONN_IO_H
#define AGENCY_CONN_IO_H

#include <stdbool.h>
#include <stddef.h>
#include <signal.h>
#include <stdint.h>

#include <openssl/ssl.h>

#define CONN_MAX_FRAME         (64u * 1024u * 1024u) /* answers we accept (lists can be long) */
#define CONN_RECONNECT_TRIES   5
#define CONN_UNAVAILABLE_TRIES 3
#define CONN_PUSH_MAX          256

struct push {
    uint8_t *payload;
    size_t len;
};

struct conn {
    char *host, *ca, *cert, *key;
    unsigned port;
    int timeout_ms;
    void (*notice)(void *ud, const char *msg);
    void *notice_ud;
    const volatile sig_atomic_t *cancel; /* set: stop waiting (conn_opts) */
    bool cancelled;                      /* the last wait stopped for it */

    SSL_CTX *ctx;
    SSL *ssl;
    int fd;
    uint8_t *rbuf;
    size_t rlen, rcap;
    uint32_t next_msgid;

    char server[64]; /* what hello said the server is ("agencyd/0.1.0") */
    char token[128];
    bool has_token;
    bool closed_idle; /* the server closed the connection while nothing was asked (idle) */
    bool draining;    /* the server said server.draining: move before the next request */
    bool clean_close; /* the last failed read met the server's close_notify */

    struct push q[CONN_PUSH_MAX];
    size_t qhead, qlen;
};

/* Monotonic milliseconds, and a sleep that survives signals. */
int64_t conn_now_ms(void);
void conn_sleep_ms(int ms);

/* Connects c->fd to host:port (non-blocking socket) before deadline. 0, or -1 with err. */
int conn_io_tcp_connect(struct conn *c, int64_t deadline, char *err, size_t errlen);
/* TLS handshake on c->fd with host-name verification. 0, or -1 with err. */
int conn_io_tls_handshake(struct conn *c, int64_t deadline, char *err, size_t errlen);
/* Writes all of buf before deadline. 0, or -1. */
int conn_io_send_all(struct conn *c, const char *buf, size_t len, int64_t deadline);
/* The next whole frame's payload (malloc'd, caller frees): 1 got one, 0 none yet (only when
   nonblocking), -1 connection closed, failed or timed out, or a frame too large. */
int conn_io_read_frame(struct conn *c, int64_t deadline, bool nonblocking, uint8_t **payload,
                       size_t *len);

#endif
