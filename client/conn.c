/* conn.c - TCP + TLS connection to agencyd, hello, blocking calls, push queue, reconnect. */
#include "conn.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "tlsctx.h"

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

    SSL_CTX *ctx;
    SSL *ssl;
    int fd;
    uint8_t *rbuf;
    size_t rlen, rcap;
    uint32_t next_msgid;

    char token[128];
    bool has_token;

    struct push q[CONN_PUSH_MAX];
    size_t qhead, qlen;
};

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
}

static void notice(struct conn *c, const char *msg)
{
    if (c->notice)
        c->notice(c->notice_ud, msg);
}

void conn_reply_init(struct conn_reply *r)
{
    memset(r, 0, sizeof(*r));
}

void conn_reply_free(struct conn_reply *r)
{
    if (r->zone)
        msgpack_zone_free(r->zone);
    free(r->frame);
    conn_reply_init(r);
}

static char *dup_or_null(const char *s)
{
    return s && *s ? strdup(s) : NULL;
}

struct conn *conn_new(const struct conn_opts *o, char *err, size_t errlen)
{
    struct conn *c = calloc(1, sizeof(*c));
    if (!c) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    c->fd = -1;
    c->host = strdup(o->host);
    c->ca = dup_or_null(o->ca);
    c->cert = dup_or_null(o->cert);
    c->key = dup_or_null(o->key);
    c->port = o->port;
    c->timeout_ms = o->timeout_ms > 0 ? o->timeout_ms : 30000;
    c->notice = o->notice;
    c->notice_ud = o->notice_ud;
    c->next_msgid = 1;
    c->ctx = tlsctx_client_new(c->ca, c->cert, c->key, err, errlen);
    if (!c->host || !c->ctx) {
        conn_free(c);
        return NULL;
    }
    return c;
}

void conn_close(struct conn *c)
{
    if (c->ssl) {
        SSL_free(c->ssl);
        c->ssl = NULL;
    }
    if (c->fd >= 0) {
        close(c->fd);
        c->fd = -1;
    }
    c->rlen = 0;
}

void conn_free(struct conn *c)
{
    if (!c)
        return;
    conn_close(c);
    if (c->ctx)
        SSL_CTX_free(c->ctx);
    OPENSSL_cleanse(c->token, sizeof(c->token));
    while (c->qlen) {
        free(c->q[c->qhead].payload);
        c->qhead = (c->qhead + 1) % CONN_PUSH_MAX;
        c->qlen--;
    }
    free(c->rbuf);
    free(c->host);
    free(c->ca);
    free(c->cert);
    free(c->key);
    free(c);
}

bool conn_is_open(const struct conn *c)
{
    return c->ssl != NULL;
}

int conn_fd(const struct conn *c)
{
    return c->ssl ? c->fd : -1;
}

bool conn_has_buffered(const struct conn *c)
{
    return c->ssl && (SSL_pending(c->ssl) > 0 || c->rlen >= PROTO_HEADER_SIZE);
}

bool conn_has_session(const struct conn *c)
{
    return c->has_token;
}

void conn_forget_session(struct conn *c)
{
    OPENSSL_cleanse(c->token, sizeof(c->token));
    c->has_token = false;
}

/* ---- low-level I/O ---- */

/* Waits for events on fd until deadline: 1 ready, 0 timed out, -1 error. */
static int wait_fd(int fd, short events, int64_t deadline)
{
    for (;;) {
        int64_t left = deadline - now_ms();
        if (left <= 0)
            return 0;
        struct pollfd p = {fd, events, 0};
        int n = poll(&p, 1, (int)(left > 60000 ? 60000 : left));
        if (n > 0)
            return 1;
        if (n < 0 && errno != EINTR)
            return -1;
    }
}

/* After an SSL call returned ret <= 0: waits as OpenSSL asks. 1 try again, 0 would block with
   no time left (or nonblocking and WANT_READ), -1 failed. */
static int ssl_wait(struct conn *c, int ret, int64_t deadline)
{
    switch (SSL_get_error(c->ssl, ret)) {
    case SSL_ERROR_WANT_READ:
        return wait_fd(c->fd, POLLIN, deadline);
    case SSL_ERROR_WANT_WRITE:
        return wait_fd(c->fd, POLLOUT, deadline);
    default:
        return -1;
    }
}

static int tcp_connect_one(const struct addrinfo *ai, int64_t deadline)
{
    int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0)
        return -1;
    if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
        return fd;
    if (errno == EINPROGRESS && wait_fd(fd, POLLOUT, deadline) == 1) {
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

static int tcp_connect(struct conn *c, int64_t deadline, char *err, size_t errlen)
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
        fd = tcp_connect_one(ai, deadline);
        if (fd < 0)
            last = errno;
    }
    freeaddrinfo(res);
    if (fd < 0) {
        snprintf(err, errlen, "cannot connect to %s:%u: %s", c->host, c->port, strerror(last));
        return -1;
    }
    c->fd = fd;
    return 0;
}

static int tls_handshake(struct conn *c, int64_t deadline, char *err, size_t errlen)
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

static int send_all(struct conn *c, const char *buf, size_t len, int64_t deadline)
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
static int read_frame(struct conn *c, int64_t deadline, bool nonblocking, uint8_t **payload,
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

/* ---- messages ---- */

static void copy_str(const msgpack_object *map, const char *key, char *out, size_t outlen)
{
    const char *s;
    size_t len;
    out[0] = '\0';
    if (proto_get_str(map, key, &s, &len, 0) == PG_OK) {
        if (len >= outlen)
            len = outlen - 1;
        memcpy(out, s, len);
        out[len] = '\0';
    }
}

static void fill_error(struct conn_reply *r, const msgpack_object *err)
{
    const char *code;
    size_t len;
    r->error = err;
    r->code = PE_INTERNAL;
    if (proto_get_str(err, "code", &code, &len, 64) == PG_OK)
        r->code = proto_err_from_name(code, len, NULL);
    if (r->code == PE_OK)
        r->code = PE_INTERNAL;
    copy_str(err, "message", r->message, sizeof(r->message));
    copy_str(err, "field", r->field, sizeof(r->field));
    copy_str(err, "reason", r->reason, sizeof(r->reason));
}

/* Decodes payload (taking ownership) into r and msg. 0, or -1 when it is not a message. */
static int decode(uint8_t *payload, size_t len, struct conn_reply *r, struct proto_msg *msg)
{
    const char *why = NULL;
    conn_reply_init(r);
    r->frame = payload;
    r->zone = msgpack_zone_new(8192);
    if (!r->zone || proto_decode(payload, len, r->zone, msg, NULL, &why) != PE_OK) {
        conn_reply_free(r);
        return -1;
    }
    if (msg->type == PROTO_NOTIFY) {
        r->result = msg->args;
    } else if (msg->error) {
        fill_error(r, msg->error);
    } else {
        r->result = msg->result;
    }
    return 0;
}

static void queue_push(struct conn *c, uint8_t *payload, size_t len)
{
    if (c->qlen == CONN_PUSH_MAX) { /* drop the oldest rather than grow without bound */
        free(c->q[c->qhead].payload);
        c->qhead = (c->qhead + 1) % CONN_PUSH_MAX;
        c->qlen--;
    }
    struct push *p = &c->q[(c->qhead + c->qlen) % CONN_PUSH_MAX];
    p->payload = payload;
    p->len = len;
    c->qlen++;
}

bool conn_next_push(struct conn *c, struct conn_reply *r)
{
    struct proto_msg msg;
    while (c->qlen) {
        struct push p = c->q[c->qhead];
        c->qhead = (c->qhead + 1) % CONN_PUSH_MAX;
        c->qlen--;
        if (decode(p.payload, p.len, r, &msg) == 0)
            return true;
    }
    conn_reply_init(r);
    return false;
}

/* Sorts one incoming frame: a push is queued; a response is returned through *r when its
   msgid is want (1), otherwise dropped (0). -1 when the frame is not a message. */
static int sort_frame(struct conn *c, uint8_t *payload, size_t len, uint32_t want,
                      struct conn_reply *r)
{
    struct proto_msg msg;
    uint8_t *copy = malloc(len ? len : 1);
    if (!copy) {
        free(payload);
        return -1;
    }
    memcpy(copy, payload, len);
    if (decode(payload, len, r, &msg) < 0) {
        free(copy);
        return -1;
    }
    if (msg.type == PROTO_NOTIFY) {
        conn_reply_free(r);
        queue_push(c, copy, len);
        return 0;
    }
    free(copy);
    if (msg.type == PROTO_RESPONSE && msg.msgid == want)
        return 1;
    conn_reply_free(r);
    return 0;
}

int conn_pump(struct conn *c)
{
    uint8_t *payload;
    size_t len;
    struct conn_reply r;
    if (!c->ssl)
        return -1;
    for (int i = 0; i < 1000; i++) {
        int n = read_frame(c, now_ms() + 1000, true, &payload, &len);
        if (n == 0)
            return 0;
        if (n < 0 || sort_frame(c, payload, len, 0, &r) < 0) {
            conn_close(c);
            return -1;
        }
        conn_reply_free(&r);
    }
    return 0;
}

/* One request on the open connection: 1 answered (in *r), -1 connection failed (sent tells
   whether the request left completely). */
static int exchange(struct conn *c, const char *method, const char *args, size_t args_len,
                    struct conn_reply *r, bool *sent)
{
    msgpack_sbuffer sb;
    msgpack_packer pk;
    int64_t deadline = now_ms() + c->timeout_ms;
    uint32_t id = c->next_msgid++;
    if (c->next_msgid == 0)
        c->next_msgid = 1;

    *sent = false;
    msgpack_sbuffer_init(&sb);
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    size_t start = proto_frame_begin(&sb);
    proto_pack_request_head(&pk, id, method);
    if (args && args_len)
        msgpack_sbuffer_write(&sb, args, args_len);
    else
        msgpack_pack_map(&pk, 0);
    proto_frame_end(&sb, start);
    int rc = send_all(c, sb.data, sb.size, deadline);
    OPENSSL_cleanse(sb.data, sb.size); /* may hold a password */
    msgpack_sbuffer_destroy(&sb);
    if (rc < 0)
        return -1;
    *sent = true;
    for (int i = 0; i < 100000; i++) {
        uint8_t *payload;
        size_t len;
        if (read_frame(c, deadline, false, &payload, &len) <= 0)
            return -1;
        int s = sort_frame(c, payload, len, id, r);
        if (s < 0)
            return -1;
        if (s == 1)
            return 1;
    }
    return -1;
}

/* hello on a fresh connection. */
static int say_hello(struct conn *c, char *err, size_t errlen)
{
    char args[128];
    msgpack_sbuffer sb;
    msgpack_packer pk;
    struct conn_reply r;
    bool sent;
    msgpack_sbuffer_init(&sb);
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    msgpack_pack_map(&pk, 2);
    proto_kv_u64(&pk, "version", PROTO_VERSION);
    proto_kv_str(&pk, "client", "agency/" AGENCY_VERSION);
    size_t n = sb.size < sizeof(args) ? sb.size : sizeof(args);
    memcpy(args, sb.data, n);
    msgpack_sbuffer_destroy(&sb);
    if (exchange(c, "hello", args, n, &r, &sent) < 0) {
        snprintf(err, errlen, "connection to %s:%u closed during hello", c->host, c->port);
        return -1;
    }
    int rc = 0;
    if (r.code != PE_OK) {
        snprintf(err, errlen, "server refused hello: %s (%s)", r.message, proto_err_name(r.code));
        rc = -1;
    }
    conn_reply_free(&r);
    return rc;
}

int conn_open(struct conn *c, char *err, size_t errlen)
{
    int64_t deadline = now_ms() + c->timeout_ms;
    conn_close(c);
    if (tcp_connect(c, deadline, err, errlen) < 0)
        return -1;
    if (tls_handshake(c, deadline, err, errlen) < 0 || say_hello(c, err, errlen) < 0) {
        conn_close(c);
        return -1;
    }
    return 0;
}

/* auth.resume with the kept token on the open connection: CONN_OK, CONN_SESSION (refused),
   CONN_LOST (connection failed), CONN_ERROR (unavailable: try later). */
static enum conn_status resume(struct conn *c)
{
    msgpack_sbuffer sb;
    msgpack_packer pk;
    struct conn_reply r;
    bool sent;
    msgpack_sbuffer_init(&sb);
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    msgpack_pack_map(&pk, 2);
    proto_kv_str(&pk, "token", c->token);
    proto_kv_str(&pk, "client", "agency/" AGENCY_VERSION);
    int rc = exchange(c, "auth.resume", sb.data, sb.size, &r, &sent);
    OPENSSL_cleanse(sb.data, sb.size);
    msgpack_sbuffer_destroy(&sb);
    if (rc < 0)
        return CONN_LOST;
    enum proto_err code = r.code;
    conn_reply_free(&r);
    if (code == PE_OK)
        return CONN_OK;
    if (code == PE_UNAVAILABLE || code == PE_RATE_LIMITED)
        return CONN_ERROR;
    conn_forget_session(c);
    return CONN_SESSION;
}

/* Reconnects with backoff and resumes the session if there is one. */
static enum conn_status reconnect(struct conn *c, char *err, size_t errlen)
{
    int backoff = 250;
    for (int attempt = 0; attempt < CONN_RECONNECT_TRIES; attempt++) {
        if (attempt) {
            sleep_ms(backoff);
            backoff *= 2;
        }
        if (conn_open(c, err, errlen) < 0)
            continue;
        if (!c->has_token)
            return CONN_OK;
        enum conn_status s = resume(c);
        if (s == CONN_OK) {
            notice(c, "reconnected; session resumed");
            return CONN_OK;
        }
        if (s == CONN_SESSION) {
            conn_close(c);
            snprintf(err, errlen, "the session has ended (expired or revoked); log in again");
            return CONN_SESSION;
        }
        conn_close(c);
        snprintf(err, errlen, "server unavailable");
    }
    return CONN_LOST;
}

enum conn_status conn_call(struct conn *c, const char *method, const char *args, size_t args_len,
                           bool retry_safe, struct conn_reply *r, char *err, size_t errlen)
{
    int unavailable = 0, backoff = 500;
    conn_reply_init(r);
    for (int attempt = 0; attempt < 2 + CONN_UNAVAILABLE_TRIES; attempt++) {
        bool sent = false;
        if (!c->ssl) {
            if (attempt > 0 || c->has_token)
                notice(c, "connection lost; reconnecting...");
            enum conn_status s = reconnect(c, err, errlen);
            if (s != CONN_OK)
                return s;
        }
        if (exchange(c, method, args, args_len, r, &sent) < 0) {
            conn_reply_free(r);
            conn_close(c);
            if (sent && !retry_safe) {
                snprintf(err, errlen, "connection lost during %s: it may or may not have been done",
                         method);
                return CONN_AMBIGUOUS;
            }
            if (attempt >= 1) {
                snprintf(err, errlen, "connection to %s:%u lost", c->host, c->port);
                return CONN_LOST;
            }
            continue;
        }
        if (r->code == PE_UNAVAILABLE && retry_safe && unavailable++ < CONN_UNAVAILABLE_TRIES) {
            conn_reply_free(r);
            sleep_ms(backoff);
            backoff *= 2;
            continue;
        }
        if (r->code == PE_UNAUTHENTICATED && c->has_token && strcmp(method, "auth.login") != 0)
            conn_forget_session(c); /* expired or revoked while connected */
        return r->code == PE_OK ? CONN_OK : CONN_ERROR;
    }
    return r->zone ? (r->code == PE_OK ? CONN_OK : CONN_ERROR) : CONN_LOST;
}

enum conn_status conn_login(struct conn *c, const char *user, const char *password,
                            struct conn_reply *r, char *err, size_t errlen)
{
    msgpack_sbuffer sb;
    msgpack_packer pk;
    msgpack_sbuffer_init(&sb);
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    msgpack_pack_map(&pk, 3);
    proto_kv_str(&pk, "username", user);
    proto_kv_str(&pk, "password", password);
    proto_kv_str(&pk, "client", "agency/" AGENCY_VERSION);
    conn_forget_session(c);
    enum conn_status s = conn_call(c, "auth.login", sb.data, sb.size, false, r, err, errlen);
    OPENSSL_cleanse(sb.data, sb.size);
    msgpack_sbuffer_destroy(&sb);
    if (s == CONN_OK) {
        const char *tok;
        size_t len;
        if (proto_get_str(r->result, "token", &tok, &len, sizeof(c->token) - 1) == PG_OK) {
            memcpy(c->token, tok, len);
            c->token[len] = '\0';
            c->has_token = true;
        }
    }
    return s;
}
