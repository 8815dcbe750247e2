/* conn.c - the connection to agencyd as the client's modules see it: hello, blocking calls
   with msgids, the queue of server push, the session token, reconnect and auth.resume. */
#include "conn.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "conn_io.h"
#include "tlsctx.h"

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
    c->cancel = o->cancel;
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
    c->draining = false;
}

void conn_free(struct conn *c)
{
    if (!c)
        return;
    if (c->ssl) { /* say goodbye properly (close_notify); failure does not matter now */
        ERR_clear_error();
        SSL_shutdown(c->ssl);
        ERR_clear_error();
    }
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

const char *conn_server(const struct conn *c)
{
    return c->server;
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

/* True when a notification's args ([{"kind": ...}]) name kind. */
static bool push_kind_is(const msgpack_object *args, const char *kind)
{
    if (!args || args->type != MSGPACK_OBJECT_ARRAY || args->via.array.size != 1 ||
        args->via.array.ptr[0].type != MSGPACK_OBJECT_MAP)
        return false;
    const msgpack_object_map *m = &args->via.array.ptr[0].via.map;
    size_t klen = strlen(kind);
    for (uint32_t i = 0; i < m->size; i++) {
        const msgpack_object *k = &m->ptr[i].key, *v = &m->ptr[i].val;
        if (k->type == MSGPACK_OBJECT_STR && k->via.str.size == 4 &&
            memcmp(k->via.str.ptr, "kind", 4) == 0)
            return v->type == MSGPACK_OBJECT_STR && v->via.str.size == klen &&
                   memcmp(v->via.str.ptr, kind, klen) == 0;
    }
    return false;
}

/* Sorts one incoming frame: a push is queued (server.draining only marks the connection); a
   response is returned through *r when its msgid is want (1), otherwise dropped (0). -1 when the
   frame is not a message. */
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
        bool draining = push_kind_is(msg.args, "server.draining");
        conn_reply_free(r);
        if (draining) {
            c->draining = true;
            free(copy);
        } else {
            queue_push(c, copy, len);
        }
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
        int n = conn_io_read_frame(c, conn_now_ms() + 1000, true, &payload, &len);
        if (n == 0)
            return 0;
        if (n < 0 || sort_frame(c, payload, len, 0, &r) < 0) {
            /* a clean close (close_notify: the server's idle timeout, or the end of a drain
               the client was told of) is routine and reopened quietly when needed; a cut one
               (the server died, the network failed) is said when the client reconnects */
            c->closed_idle = c->clean_close || c->draining;
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
    int64_t deadline = conn_now_ms() + c->timeout_ms;
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
    int rc = conn_io_send_all(c, sb.data, sb.size, deadline);
    OPENSSL_cleanse(sb.data, sb.size); /* may hold a password */
    msgpack_sbuffer_destroy(&sb);
    if (rc < 0)
        return -1;
    *sent = true;
    for (int i = 0; i < 100000; i++) {
        uint8_t *payload;
        size_t len;
        if (conn_io_read_frame(c, deadline, false, &payload, &len) <= 0)
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
    const char *server;
    size_t slen;
    if (r.code != PE_OK) {
        snprintf(err, errlen, "server refused hello: %s (%s)", r.message, proto_err_name(r.code));
        rc = -1;
    } else if (proto_get_str(r.result, "server", &server, &slen, sizeof(c->server) - 1) == PG_OK) {
        memcpy(c->server, server, slen);
        c->server[slen] = '\0';
    }
    conn_reply_free(&r);
    return rc;
}

int conn_open(struct conn *c, char *err, size_t errlen)
{
    int64_t deadline = conn_now_ms() + c->timeout_ms;
    conn_close(c);
    if (conn_io_tcp_connect(c, deadline, err, errlen) < 0)
        return -1;
    if (conn_io_tls_handshake(c, deadline, err, errlen) < 0 || say_hello(c, err, errlen) < 0) {
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

/* Reconnects with backoff and resumes the session if there is one. say, when not NULL, is the
   one line shown once the session is resumed ("connection lost; reconnecting..." comes before
   it only when the first attempt fails). */
static enum conn_status reconnect(struct conn *c, const char *say, char *err, size_t errlen)
{
    int backoff = 250;
    for (int attempt = 0; attempt < CONN_RECONNECT_TRIES; attempt++) {
        if (c->cancel && *c->cancel) {
            c->cancelled = true;
            return CONN_LOST;
        }
        if (attempt) {
            if (attempt == 1 && say)
                notice(c, "connection lost; reconnecting...");
            conn_sleep_ms(backoff);
            backoff *= 2;
        }
        if (conn_open(c, err, errlen) < 0) {
            if (c->cancelled)
                return CONN_LOST;
            continue;
        }
        if (!c->has_token)
            return CONN_OK;
        enum conn_status s = resume(c);
        if (s == CONN_OK) {
            if (say)
                notice(c, say);
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

/* A wait that Ctrl-C stopped: a request cut short leaves a broken frame, so the connection is
   closed; one that had left keeps it (its answer, when it comes, is dropped). */
static enum conn_status cancelled(struct conn *c, bool sent, struct conn_reply *r, char *err,
                                  size_t errlen)
{
    c->cancelled = false;
    if (!sent)
        conn_close(c);
    r->sent = sent;
    snprintf(err, errlen, "cancelled");
    return CONN_CANCELLED;
}

static enum conn_status call_retrying(struct conn *c, const char *method, const char *args,
                                      size_t args_len, bool retry_safe, struct conn_reply *r,
                                      char *err, size_t errlen)
{
    int unavailable = 0, backoff = 500;
    conn_reply_init(r);
    for (int attempt = 0; attempt < 2 + CONN_UNAVAILABLE_TRIES; attempt++) {
        bool sent = false;
        const char *say = NULL;
        if (c->ssl && c->draining && c->has_token) { /* shutting down: go elsewhere first */
            conn_close(c);
            say = "server shutting down; reconnected, session resumed";
        }
        if (!c->ssl) {
            if (attempt > 0)
                c->closed_idle = false; /* lost during a request: say so */
            if (!say && c->has_token && !c->closed_idle)
                say = "connection lost; reconnected, session resumed";
            enum conn_status s = reconnect(c, say, err, errlen);
            c->closed_idle = false;
            if (s != CONN_OK && c->cancelled)
                return cancelled(c, false, r, err, errlen);
            if (s != CONN_OK)
                return s;
        }
        if (exchange(c, method, args, args_len, r, &sent) < 0) {
            conn_reply_free(r);
            if (c->cancelled)
                return cancelled(c, sent, r, err, errlen);
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
        if (r->code == PE_UNAVAILABLE && retry_safe && unavailable++ < CONN_UNAVAILABLE_TRIES &&
            !(c->cancel && *c->cancel)) {
            conn_reply_free(r);
            conn_sleep_ms(backoff);
            backoff *= 2;
            continue;
        }
        if (r->code == PE_UNAUTHENTICATED && c->has_token && strcmp(method, "auth.login") != 0)
            conn_forget_session(c); /* expired or revoked while connected */
        return r->code == PE_OK ? CONN_OK : CONN_ERROR;
    }
    return r->zone ? (r->code == PE_OK ? CONN_OK : CONN_ERROR) : CONN_LOST;
}

enum conn_status conn_call(struct conn *c, const char *method, const char *args, size_t args_len,
                           bool retry_safe, struct conn_reply *r, char *err, size_t errlen)
{
    enum conn_status s = call_retrying(c, method, args, args_len, retry_safe, r, err, errlen);
    snprintf(r->method, sizeof(r->method), "%s", method);
    return s;
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
