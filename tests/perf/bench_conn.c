/*
 * bench_conn.c - agency-bench's connection: blocking TCP + TLS 1.3 to 127.0.0.1, requests built
 * and answers decoded with the protocol library (framing, pre-scan, decode).
 */
#include "bench.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <stdatomic.h>

#include <openssl/err.h>
#include <openssl/x509.h>

#include "tlsctx.h"

static const char *const op_names[BOP__COUNT] = {
    "ping",         "client.get",  "client.list", "agenda",
    "activity.log", "auth.resume", "auth.login",  "audit.search",
};

const char *bench_op_name(enum bench_op op)
{
    return op < BOP__COUNT ? op_names[op] : "?";
}

int64_t bench_now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* The server certificate a full verification accepted, once one has. */
static _Atomic(X509 *) pinned_cert;

/* Certificate verification of the bench's client context: a server presenting the very
 * certificate an earlier full verification (chain to the CA, IP address or host name, dates)
 * accepted is accepted without building the chain again - the handshake still checks that the
 * server holds its key (CertificateVerify); any other certificate gets the full verification. */
static int verify_pinned(X509_STORE_CTX *x, void *arg)
{
    (void)arg;
    X509 *leaf = X509_STORE_CTX_get0_cert(x);
    X509 *pin = atomic_load(&pinned_cert);
    if (pin != NULL && leaf != NULL && X509_cmp(leaf, pin) == 0)
        return 1;
    int ok = X509_verify_cert(x);
    if (ok == 1 && pin == NULL && leaf != NULL && X509_up_ref(leaf) == 1) {
        X509 *none = NULL;
        if (!atomic_compare_exchange_strong(&pinned_cert, &none, leaf))
            X509_free(leaf);
    }
    return ok;
}

void bench_pin_server(SSL_CTX *ctx)
{
    SSL_CTX_set_cert_verify_callback(ctx, verify_pinned, NULL);
}

void bench_pin_free(void)
{
    X509_free(atomic_exchange(&pinned_cert, NULL));
}

/* A TCP connection to host:port (IPv4 literal or "localhost") with I/O timeouts; fd or -1. */
static int tcp_connect(const char *host, int port)
{
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    if (inet_pton(AF_INET, host, &sa.sin_addr) != 1) {
        if (strcmp(host, "localhost") != 0) {
            errno = EINVAL;
            return -1;
        }
        sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    }
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    struct timeval tv = {BENCH_IO_TIMEOUT, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
        int e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    return fd;
}

int bench_connect(struct bench_conn *c, const struct bench_target *t, char *err, size_t errlen)
{
    memset(c, 0, sizeof *c);
    c->next_msgid = 1;
    msgpack_sbuffer_init(&c->out);
    msgpack_zone_init(&c->zone, 4096);
    c->fd = tcp_connect(t->host, t->port);
    if (c->fd < 0) {
        snprintf(err, errlen, "connect %s:%d: %s", t->host, t->port, strerror(errno));
        return -1;
    }
    c->ssl = SSL_new(t->ctx);
    if (c->ssl == NULL || tlsctx_client_set_host(c->ssl, t->host) != 0 ||
        SSL_set_fd(c->ssl, c->fd) != 1 || SSL_connect(c->ssl) != 1) {
        tlsctx_error(err, errlen, "TLS handshake");
        return -1;
    }
    return 0;
}

void bench_close(struct bench_conn *c)
{
    if (c->ssl != NULL) {
        if (SSL_is_init_finished(c->ssl))
            SSL_shutdown(c->ssl); /* close_notify, as a well-behaved client sends */
        ERR_clear_error();
        SSL_free(c->ssl);
    }
    if (c->fd > 0)
        close(c->fd);
    free(c->buf);
    free(c->frame);
    if (c->out.data != NULL || c->next_msgid != 0) {
        msgpack_sbuffer_destroy(&c->out);
        msgpack_zone_destroy(&c->zone);
    }
    memset(c, 0, sizeof *c);
    c->fd = -1;
}

msgpack_packer *bench_begin(struct bench_conn *c, const char *method, uint32_t *msgid,
                            size_t *frame_start)
{
    static __thread msgpack_packer pk;
    msgpack_packer_init(&pk, &c->out, msgpack_sbuffer_write);
    *frame_start = proto_frame_begin(&c->out);
    *msgid = c->next_msgid++;
    if (c->next_msgid == 0)
        c->next_msgid = 1;
    proto_pack_request_head(&pk, *msgid, method);
    return &pk;
}

void bench_end(struct bench_conn *c, size_t frame_start)
{
    proto_frame_end(&c->out, frame_start);
}

int bench_flush(struct bench_conn *c)
{
    size_t off = 0;
    while (off < c->out.size) {
        int n = SSL_write(c->ssl, c->out.data + off, (int)(c->out.size - off));
        if (n <= 0) {
            ERR_clear_error();
            c->out.size = 0;
            return -1;
        }
        off += (size_t)n;
    }
    c->out.size = 0;
    return 0;
}

/* Reads more bytes into c->buf: 0, or -1 when closed, timed out or failed. */
static int conn_fill(struct bench_conn *c)
{
    if (c->cap - c->len < 16384) {
        size_t ncap = c->cap ? c->cap * 2 : 65536;
        if (ncap > BENCH_MAX_ANSWER + 65536)
            return -1;
        uint8_t *nb = realloc(c->buf, ncap);
        if (nb == NULL)
            return -1;
        c->buf = nb;
        c->cap = ncap;
    }
    for (int tries = 0; tries < 16; tries++) {
        int n = SSL_read(c->ssl, c->buf + c->len, (int)(c->cap - c->len));
        if (n > 0) {
            c->len += (size_t)n;
            return 0;
        }
        int e = SSL_get_error(c->ssl, n);
        if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE) {
            unsigned long code = ERR_peek_error();
            snprintf(c->why, sizeof c->why, "%s",
                     e == SSL_ERROR_ZERO_RETURN ? "closed by the server"
                     : code != 0                ? ERR_reason_error_string(code)
                     : n == 0                   ? "connection closed"
                                                : strerror(errno));
            ERR_clear_error();
            return -1;
        }
        ERR_clear_error();
    }
    return -1;
}

/* Fills a->code / a->message from an error map. */
static void answer_error(struct bench_answer *a, const msgpack_object *err)
{
    const char *s = NULL;
    size_t n = 0;
    snprintf(a->code, sizeof a->code, "malformed");
    a->message[0] = '\0';
    if (proto_get_str(err, "code", &s, &n, sizeof a->code - 1) == PG_OK)
        snprintf(a->code, sizeof a->code, "%.*s", (int)n, s);
    if (proto_get_str(err, "message", &s, &n, 0) == PG_OK)
        snprintf(a->message, sizeof a->message, "%.*s", (int)n, s);
}

/* Marks a transport failure. */
static int answer_io(struct bench_answer *a, const char *why)
{
    a->ok = false;
    a->result = NULL;
    snprintf(a->code, sizeof a->code, "io");
    snprintf(a->message, sizeof a->message, "%s", why);
    return -1;
}

bool bench_ready(const struct bench_conn *c)
{
    uint32_t plen = 0;
    return proto_frame_check(c->buf, c->len, BENCH_MAX_ANSWER, &plen) == PROTO_FRAME_READY;
}

int bench_read(struct bench_conn *c, struct bench_answer *a)
{
    for (int frames = 0; frames < 1000; frames++) {
        uint32_t plen = 0;
        enum proto_frame_status st;
        while ((st = proto_frame_check(c->buf, c->len, BENCH_MAX_ANSWER, &plen)) ==
               PROTO_FRAME_NEED_MORE)
            if (conn_fill(c) != 0)
                return answer_io(a, c->why[0] ? c->why : "connection closed or timed out");
        if (st != PROTO_FRAME_READY)
            return answer_io(a, "answer frame too large");
        free(c->frame);
        c->frame = malloc(plen);
        if (c->frame == NULL)
            return answer_io(a, "out of memory");
        memcpy(c->frame, c->buf + PROTO_HEADER_SIZE, plen);
        memmove(c->buf, c->buf + PROTO_HEADER_SIZE + plen, c->len - PROTO_HEADER_SIZE - plen);
        c->len -= PROTO_HEADER_SIZE + plen;
        msgpack_zone_clear(&c->zone);
        bool known = false;
        const char *why = NULL;
        if (proto_decode(c->frame, plen, &c->zone, &c->msg, &known, &why) != PE_OK)
            return answer_io(a, why ? why : "malformed answer");
        if (c->msg.type == PROTO_NOTIFY)
            continue;
        if (c->msg.type != PROTO_RESPONSE)
            return answer_io(a, "a request from the server");
        a->msgid = c->msg.msgid;
        a->result = c->msg.result;
        a->ok = c->msg.error == NULL;
        a->code[0] = '\0';
        a->message[0] = '\0';
        if (!a->ok)
            answer_error(a, c->msg.error);
        return 0;
    }
    return answer_io(a, "too many notifications");
}

int bench_call(struct bench_conn *c, const char *method, const char *const *kv,
               struct bench_answer *a)
{
    uint32_t msgid;
    size_t start;
    msgpack_packer *pk = bench_begin(c, method, &msgid, &start);
    uint32_t pairs = 0;
    while (kv != NULL && kv[2 * pairs] != NULL)
        pairs++;
    msgpack_pack_map(pk, pairs);
    for (uint32_t i = 0; i < pairs; i++) {
        const char *v = kv[2 * i + 1];
        proto_pack_cstr(pk, kv[2 * i]);
        if (v[0] == '#')
            msgpack_pack_uint64(pk, strtoull(v + 1, NULL, 10));
        else if (strcmp(v, "true") == 0)
            msgpack_pack_true(pk);
        else
            proto_pack_cstr(pk, v);
    }
    bench_end(c, start);
    if (bench_flush(c) != 0)
        return answer_io(a, "write failed");
    for (int skip = 0; skip < 64; skip++) {
        if (bench_read(c, a) != 0)
            return -1;
        if (a->msgid == msgid)
            return 0;
    }
    return answer_io(a, "answer with another msgid");
}

int bench_session(struct bench_conn *c, const struct bench_target *t, const char *user,
                  const char *password, const char *token, char token_out[65], char *err,
                  size_t errlen)
{
    struct bench_answer a;
    if (bench_connect(c, t, err, errlen) != 0)
        return -1;
    const char *hello[] = {"version", "#1", "client", "agency-bench", NULL};
    if (bench_call(c, "hello", hello, &a) != 0 || !a.ok) {
        snprintf(err, errlen, "hello: %s %s", a.code, a.message);
        return -1;
    }
    if (user == NULL && token == NULL)
        return 0; /* hello only: the caller logs in itself */
    const char *login[] = {"username", user, "password", password, NULL};
    const char *resume[] = {"token", token, NULL};
    const char *method = token ? "auth.resume" : "auth.login";
    if (bench_call(c, method, token ? resume : login, &a) != 0 || !a.ok) {
        snprintf(err, errlen, "%s as %s: %s %s", method, user ? user : "(token)", a.code,
                 a.message);
        return -1;
    }
    if (token_out != NULL) {
        const char *s = NULL;
        size_t n = 0;
        if (proto_get_str(a.result, "token", &s, &n, 64) != PG_OK || n != 64) {
            snprintf(err, errlen, "%s: no token in the answer", method);
            return -1;
        }
        memcpy(token_out, s, 64);
        token_out[64] = '\0';
    }
    return 0;
}
