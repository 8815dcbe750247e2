/*
 * itest.c - the integration tests' client library: stack settings, a blocking TLS 1.3 client
 * speaking length-prefixed MessagePack-RPC, extra agencyd processes, and owner-role SQL.
 * It encodes and decodes with msgpack-c directly, independently of the protocol library.
 */
#include "itest.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509v3.h>

#define IT_MAX_ANSWER (16u * 1024u * 1024u) /* largest frame the tests accept from a server */
#define IT_ENV_MAX    64

struct it_conn {
    int fd;
    SSL_CTX *ctx;
    SSL *ssl;
    uint32_t next_msgid;
    uint8_t *buf; /* bytes read but not yet returned as frames */
    size_t len, cap;
    bool closed;
    bool draining; /* a server.draining notification was read */
};

/* ---- settings ---- */

static struct {
    char *key[IT_ENV_MAX];
    char *val[IT_ENV_MAX];
    int n;
    bool loaded;
} env;
static pthread_once_t env_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t misc_lock = PTHREAD_MUTEX_INITIALIZER;

/* Removes surrounding quotes and trailing blanks from a value in place. */
static char *env_unquote(char *v)
{
    size_t n = strlen(v);
    while (n > 0 && (v[n - 1] == '\n' || v[n - 1] == '\r' || v[n - 1] == ' '))
        v[--n] = '\0';
    if (n >= 2 && (v[0] == '"' || v[0] == '\'') && v[n - 1] == v[0]) {
        v[n - 1] = '\0';
        return v + 1;
    }
    return v;
}

static void env_load(void)
{
    signal(SIGPIPE, SIG_IGN);
    const char *path = getenv("AGENCY_STACK_ENV");
    if (path == NULL)
        return;
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return;
    char line[4096];
    while (env.n < IT_ENV_MAX && fgets(line, sizeof line, f) != NULL) {
        char *p = line;
        if (strncmp(p, "export ", 7) == 0)
            p += 7;
        char *eq = strchr(p, '=');
        if (*p == '#' || eq == NULL || eq == p)
            continue;
        *eq = '\0';
        env.key[env.n] = strdup(p);
        env.val[env.n] = strdup(env_unquote(eq + 1));
        env.n++;
    }
    fclose(f);
    env.loaded = true;
}

const char *it_env_opt(const char *key)
{
    pthread_once(&env_once, env_load);
    for (int i = 0; i < env.n; i++)
        if (strcmp(env.key[i], key) == 0)
            return env.val[i];
    return NULL;
}

const char *it_env(const char *key)
{
    const char *v = it_env_opt(key);
    if (v == NULL || v[0] == '\0')
        it_fail("stack setting %s missing (AGENCY_STACK_ENV=%s)", key,
                getenv("AGENCY_STACK_ENV") ? getenv("AGENCY_STACK_ENV") : "(unset)");
    return v;
}

void it_cred(const char *key, char user[64], char password[160])
{
    const char *v = it_env(key);
    const char *colon = strchr(v, ':');
    if (colon == NULL || colon - v >= 64 || strlen(colon + 1) >= 160)
        it_fail("setting %s is not user:password", key);
    memcpy(user, v, (size_t)(colon - v));
    user[colon - v] = '\0';
    snprintf(password, 160, "%s", colon + 1);
}

const char *it_uniq(const char *prefix, char *buf, size_t size)
{
    static unsigned counter;
    pthread_mutex_lock(&misc_lock);
    unsigned n = ++counter;
    pthread_mutex_unlock(&misc_lock);
    snprintf(buf, size, "%s%ld-%u-%lld", prefix, (long)getpid() % 100000, n,
             (long long)(time(NULL) % 1000000));
    return buf;
}

const char *it_day(char *buf, int days)
{
    time_t t = time(NULL) + (time_t)days * 86400;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, 11, "%Y-%m-%d", &tm);
    return buf;
}

int64_t it_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void it_sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

/* ---- failures ---- */

void it_fail_(const char *file, int line, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    print_error("%s\n", msg);
    _fail(file, line);
}

/* ---- connections ---- */

int it_tcp_connect(const char *host, int port)
{
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    if (inet_pton(AF_INET, host, &sa.sin_addr) != 1) {
        if (strcmp(host, "localhost") != 0)
            return -1;
        sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    }
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    struct timeval tv = {IT_TIMEOUT_MS / 1000, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static void print_ssl_errors(const char *what)
{
    unsigned long e;
    char buf[256];
    fprintf(stderr, "itest: %s failed", what);
    while ((e = ERR_get_error()) != 0) {
        ERR_error_string_n(e, buf, sizeof buf);
        fprintf(stderr, ": %s", buf);
    }
    fprintf(stderr, "\n");
}

it_conn *it_connect(const char *host, int port, const char *ca_file)
{
    return it_connect_preamble(host, port, ca_file, NULL, 0);
}

it_conn *it_connect_preamble(const char *host, int port, const char *ca_file, const void *pre,
                             size_t pre_len)
{
    pthread_once(&env_once, env_load);
    it_conn *c = calloc(1, sizeof *c);
    if (c == NULL)
        return NULL;
    c->fd = -1;
    c->next_msgid = 1;
    c->ctx = SSL_CTX_new(TLS_client_method());
    if (c->ctx == NULL || !SSL_CTX_set_min_proto_version(c->ctx, TLS1_3_VERSION) ||
        SSL_CTX_load_verify_locations(c->ctx, ca_file, NULL) != 1) {
        print_ssl_errors("client context");
        goto fail;
    }
    SSL_CTX_set_verify(c->ctx, SSL_VERIFY_PEER, NULL);
    c->fd = it_tcp_connect(host, port);
    if (c->fd < 0) {
        fprintf(stderr, "itest: connect %s:%d: %s\n", host, port, strerror(errno));
        goto fail;
    }
    if (pre_len > 0 && send(c->fd, pre, pre_len, MSG_NOSIGNAL) != (ssize_t)pre_len)
        goto fail;
    c->ssl = SSL_new(c->ctx);
    if (c->ssl == NULL)
        goto fail;
    struct in_addr ip;
    X509_VERIFY_PARAM *vp = SSL_get0_param(c->ssl);
    if (inet_pton(AF_INET, host, &ip) == 1) {
        X509_VERIFY_PARAM_set1_ip_asc(vp, host);
    } else {
        SSL_set_tlsext_host_name(c->ssl, host);
        X509_VERIFY_PARAM_set1_host(vp, host, 0);
    }
    SSL_set_fd(c->ssl, c->fd);
    if (SSL_connect(c->ssl) != 1) {
        print_ssl_errors("TLS handshake");
        goto fail;
    }
    return c;
fail:
    it_close(c);
    return NULL;
}

it_conn *it_connect_port(int port)
{
    it_conn *c = it_connect(it_env("AGENCY_HOST"), port, it_env("AGENCY_CA"));
    if (c == NULL)
        it_fail("cannot connect over TLS to %s:%d", it_env("AGENCY_HOST"), port);
    return c;
}

it_conn *it_connect_stack(void)
{
    return it_connect_port(atoi(it_env("AGENCY_PORT")));
}

void it_close(it_conn *c)
{
    if (c == NULL)
        return;
    if (c->ssl != NULL) {
        if (!c->closed)
            SSL_shutdown(c->ssl);
        SSL_free(c->ssl);
    }
    if (c->fd >= 0)
        close(c->fd);
    SSL_CTX_free(c->ctx);
    free(c->buf);
    free(c);
}

void it_drop(it_conn *c)
{
    if (c == NULL)
        return;
    c->closed = true; /* it_close then skips close_notify */
    it_close(c);
}

void it_peer_fingerprint(it_conn *c, char out[65])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    out[0] = '\0';
    X509 *cert = SSL_get1_peer_certificate(c->ssl);
    if (cert == NULL)
        return;
    if (X509_digest(cert, EVP_sha256(), md, &n) == 1 && n == 32)
        for (unsigned i = 0; i < n; i++)
            snprintf(out + 2 * i, 3, "%02x", md[i]);
    X509_free(cert);
}

/* ---- raw I/O ---- */

bool it_send_raw(it_conn *c, const void *bytes, size_t len)
{
    const uint8_t *p = bytes;
    while (len > 0) {
        size_t chunk = len > 65536 ? 65536 : len;
        int n = SSL_write(c->ssl, p, (int)chunk);
        if (n <= 0) {
            ERR_clear_error();
            return false;
        }
        p += n;
        len -= (size_t)n;
    }
    return true;
}

bool it_send_frame(it_conn *c, const void *payload, size_t len)
{
    uint8_t *f = malloc(4 + len);
    if (f == NULL)
        return false;
    f[0] = (uint8_t)(len >> 24);
    f[1] = (uint8_t)(len >> 16);
    f[2] = (uint8_t)(len >> 8);
    f[3] = (uint8_t)len;
    if (len > 0)
        memcpy(f + 4, payload, len);
    bool ok = it_send_raw(c, f, 4 + len);
    free(f);
    return ok;
}

/* Reads more bytes into c->buf within the deadline: 1 read, 0 timeout, -1 closed. */
static int conn_fill(it_conn *c, int64_t deadline)
{
    if (c->closed)
        return -1;
    if (c->cap - c->len < 16384) {
        size_t ncap = c->cap ? c->cap * 2 : 65536;
        uint8_t *nb = realloc(c->buf, ncap);
        if (nb == NULL)
            return -1;
        c->buf = nb;
        c->cap = ncap;
    }
    if (SSL_pending(c->ssl) == 0) {
        int64_t left = deadline - it_now_ms();
        if (left <= 0)
            return 0;
        struct pollfd pfd = {.fd = c->fd, .events = POLLIN};
        int pr = poll(&pfd, 1, (int)left);
        if (pr == 0)
            return 0;
        if (pr < 0)
            return errno == EINTR ? 0 : -1;
    }
    int n = SSL_read(c->ssl, c->buf + c->len, (int)(c->cap - c->len));
    if (n > 0) {
        c->len += (size_t)n;
        return 1;
    }
    int e = SSL_get_error(c->ssl, n);
    ERR_clear_error();
    if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE)
        return 1; /* a handshake message (ticket) only; try again */
    if (e == SSL_ERROR_SYSCALL && (errno == EAGAIN || errno == EWOULDBLOCK))
        return 0;
    c->closed = true;
    return -1;
}

/* Waits for one whole frame; IT_OK with *payload (malloc'd) and *plen, or CLOSED/TIMEOUT. */
static enum it_status conn_read_frame(it_conn *c, int timeout_ms, uint8_t **payload, size_t *plen)
{
    int64_t deadline = it_now_ms() + timeout_ms;
    for (;;) {
        if (c->len >= 4) {
            uint32_t n = (uint32_t)c->buf[0] << 24 | (uint32_t)c->buf[1] << 16 |
                         (uint32_t)c->buf[2] << 8 | c->buf[3];
            if (n > IT_MAX_ANSWER)
                return IT_MALFORMED;
            if (c->len >= 4 + (size_t)n) {
                *payload = malloc(n ? n : 1);
                if (*payload == NULL)
                    return IT_MALFORMED;
                memcpy(*payload, c->buf + 4, n);
                *plen = n;
                memmove(c->buf, c->buf + 4 + n, c->len - 4 - n);
                c->len -= 4 + (size_t)n;
                return IT_OK;
            }
        }
        int r = conn_fill(c, deadline);
        if (r == 0)
            return IT_TIMEOUT;
        if (r < 0)
            return IT_CLOSED;
    }
}

bool it_wait_closed(it_conn *c, int timeout_ms)
{
    int64_t deadline = it_now_ms() + timeout_ms;
    for (;;) {
        c->len = 0; /* answers before the close are not looked at */
        int r = conn_fill(c, deadline);
        if (r < 0)
            return true;
        if (r == 0)
            return false;
    }
}

/* ---- encoding ---- */

static void pack_str(msgpack_packer *pk, const char *s, size_t len)
{
    msgpack_pack_str(pk, len);
    msgpack_pack_str_body(pk, s, len);
}

static void pack_cstr(msgpack_packer *pk, const char *s)
{
    if (s == NULL)
        msgpack_pack_nil(pk);
    else
        pack_str(pk, s, strlen(s));
}

/* Counts "key:type" items in fmt. */
static uint32_t fmt_count(const char *fmt)
{
    uint32_t n = 0;
    for (const char *p = fmt; p && *p; p++)
        if (*p == ':')
            n++;
    return n;
}

/* Packs the params map described by fmt from ap. */
static void pack_fmt_map(msgpack_packer *pk, const char *fmt, va_list ap)
{
    msgpack_pack_map(pk, fmt_count(fmt));
    const char *p = fmt;
    while (p && *p) {
        while (*p == ' ' || *p == ',')
            p++;
        const char *colon = strchr(p, ':');
        if (colon == NULL)
            break;
        pack_str(pk, p, (size_t)(colon - p));
        char t = colon[1];
        switch (t) {
        case 's':
            pack_cstr(pk, va_arg(ap, const char *));
            break;
        case 'S': {
            const char *s = va_arg(ap, const char *);
            size_t len = va_arg(ap, size_t);
            pack_str(pk, s, len);
            break;
        }
        case 'u':
            msgpack_pack_uint64(pk, va_arg(ap, unsigned long long));
            break;
        case 'i':
            msgpack_pack_int64(pk, va_arg(ap, long long));
            break;
        case 'b':
            if (va_arg(ap, int))
                msgpack_pack_true(pk);
            else
                msgpack_pack_false(pk);
            break;
        case 'I': {
            const uint64_t *ids = va_arg(ap, const uint64_t *);
            size_t n = va_arg(ap, size_t);
            msgpack_pack_array(pk, (uint32_t)n);
            for (size_t i = 0; i < n; i++)
                msgpack_pack_uint64(pk, ids[i]);
            break;
        }
        case 'a': {
            const char *const *arr = va_arg(ap, const char *const *);
            uint32_t n = 0;
            while (arr != NULL && arr[n] != NULL)
                n++;
            msgpack_pack_array(pk, n);
            for (uint32_t i = 0; i < n; i++)
                pack_cstr(pk, arr[i]);
            break;
        }
        default:
            msgpack_pack_nil(pk);
            break;
        }
        p = colon + 2;
    }
}

struct fmt_ud {
    const char *fmt;
    va_list *ap;
};

static void pack_fmt_cb(msgpack_packer *pk, void *ud)
{
    struct fmt_ud *f = ud;
    pack_fmt_map(pk, f->fmt, *f->ap);
}

/* Builds [0, msgid, method, [params]] framed and sends it. */
static uint32_t send_request(it_conn *c, const char *method, it_pack_fn fn, void *ud)
{
    msgpack_sbuffer sb;
    msgpack_packer pk;
    msgpack_sbuffer_init(&sb);
    msgpack_sbuffer_write(&sb, "\0\0\0\0", 4);
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    uint32_t id = c->next_msgid++;
    if (c->next_msgid == 0)
        c->next_msgid = 1;
    msgpack_pack_array(&pk, 4);
    msgpack_pack_uint32(&pk, 0);
    msgpack_pack_uint32(&pk, id);
    pack_cstr(&pk, method);
    if (fn == NULL) {
        msgpack_pack_array(&pk, 0);
    } else {
        msgpack_pack_array(&pk, 1);
        fn(&pk, ud);
    }
    uint32_t n = (uint32_t)(sb.size - 4);
    uint8_t *h = (uint8_t *)sb.data;
    h[0] = (uint8_t)(n >> 24);
    h[1] = (uint8_t)(n >> 16);
    h[2] = (uint8_t)(n >> 8);
    h[3] = (uint8_t)n;
    bool ok = it_send_raw(c, sb.data, sb.size);
    msgpack_sbuffer_destroy(&sb);
    return ok ? id : 0;
}

uint32_t it_sendv(it_conn *c, const char *method, const char *fmt, va_list ap)
{
    if (fmt == NULL || fmt[0] == '\0')
        return send_request(c, method, NULL, NULL);
    va_list cp;
    va_copy(cp, ap);
    struct fmt_ud f = {fmt, &cp};
    uint32_t id = send_request(c, method, pack_fmt_cb, &f);
    va_end(cp);
    return id;
}

uint32_t it_send(it_conn *c, const char *method, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    uint32_t id = it_sendv(c, method, fmt, ap);
    va_end(ap);
    return id;
}

uint32_t it_send_pk(it_conn *c, const char *method, it_pack_fn fn, void *ud)
{
    return send_request(c, method, fn, ud);
}

/* ---- decoding ---- */

void it_resp_free(it_resp *r)
{
    if (r == NULL)
        return;
    if (r->zone != NULL)
        msgpack_zone_free(r->zone);
    free(r->frame);
    free(r);
}

static bool obj_is_str(const msgpack_object *o)
{
    return o != NULL && o->type == MSGPACK_OBJECT_STR;
}

const msgpack_object *it_get(const msgpack_object *map, const char *key)
{
    if (map == NULL || map->type != MSGPACK_OBJECT_MAP)
        return NULL;
    size_t klen = strlen(key);
    for (uint32_t i = 0; i < map->via.map.size; i++) {
        const msgpack_object_kv *kv = &map->via.map.ptr[i];
        if (obj_is_str(&kv->key) && kv->key.via.str.size == klen &&
            memcmp(kv->key.via.str.ptr, key, klen) == 0)
            return &kv->val;
    }
    return NULL;
}

const msgpack_object *it_path(const msgpack_object *obj, const char *path)
{
    char part[64];
    const char *p = path;
    while (obj != NULL && *p) {
        const char *dot = strchr(p, '.');
        size_t n = dot ? (size_t)(dot - p) : strlen(p);
        if (n >= sizeof part)
            return NULL;
        memcpy(part, p, n);
        part[n] = '\0';
        obj = it_get(obj, part);
        p += n + (dot ? 1 : 0);
    }
    return obj;
}

const char *it_str(const msgpack_object *obj, const char *path, char *buf, size_t size)
{
    const msgpack_object *o = it_path(obj, path);
    if (!obj_is_str(o) || size == 0)
        return NULL;
    size_t n = o->via.str.size < size - 1 ? o->via.str.size : size - 1;
    memcpy(buf, o->via.str.ptr, n);
    buf[n] = '\0';
    return buf;
}

bool it_u64(const msgpack_object *obj, const char *path, uint64_t *out)
{
    const msgpack_object *o = it_path(obj, path);
    if (o == NULL || o->type != MSGPACK_OBJECT_POSITIVE_INTEGER)
        return false;
    *out = o->via.u64;
    return true;
}

bool it_bool(const msgpack_object *obj, const char *path, bool *out)
{
    const msgpack_object *o = it_path(obj, path);
    if (o == NULL || o->type != MSGPACK_OBJECT_BOOLEAN)
        return false;
    *out = o->via.boolean;
    return true;
}

const msgpack_object *it_items(const msgpack_object *result, uint32_t *count)
{
    const msgpack_object *items = it_get(result, "items");
    *count = 0;
    if (items == NULL || items->type != MSGPACK_OBJECT_ARRAY)
        return NULL;
    *count = items->via.array.size;
    return items->via.array.ptr;
}

/* Fills the error fields of r from its error map. */
static void resp_read_error(it_resp *r)
{
    r->status = IT_ERROR;
    if (it_str(r->error, "code", r->code, sizeof r->code) == NULL)
        r->status = IT_MALFORMED;
    it_str(r->error, "message", r->message, sizeof r->message);
    it_str(r->error, "field", r->field, sizeof r->field);
    it_str(r->error, "reason", r->reason, sizeof r->reason);
}

/* Decodes a response frame into r: [1, msgid, error|nil, result|nil], exactly one value. */
static void resp_decode(it_resp *r, size_t len, bool *is_notify)
{
    msgpack_object root;
    size_t off = 0;
    *is_notify = false;
    r->zone = msgpack_zone_new(4096);
    r->status = IT_MALFORMED;
    if (r->zone == NULL)
        return;
    if (msgpack_unpack((const char *)r->frame, len, &off, r->zone, &root) != MSGPACK_UNPACK_SUCCESS)
        return;
    if (root.type != MSGPACK_OBJECT_ARRAY || root.via.array.size < 1)
        return;
    const msgpack_object *a = root.via.array.ptr;
    if (a[0].type != MSGPACK_OBJECT_POSITIVE_INTEGER)
        return;
    if (a[0].via.u64 == 2 && root.via.array.size == 3) {
        *is_notify = true;
        /* the event map, when the notification is well formed */
        if (a[2].type == MSGPACK_OBJECT_ARRAY && a[2].via.array.size == 1 &&
            a[2].via.array.ptr[0].type == MSGPACK_OBJECT_MAP)
            r->result = &a[2].via.array.ptr[0];
        return;
    }
    if (a[0].via.u64 != 1 || root.via.array.size != 4 ||
        a[1].type != MSGPACK_OBJECT_POSITIVE_INTEGER || a[1].via.u64 > UINT32_MAX)
        return;
    r->msgid = (uint32_t)a[1].via.u64;
    bool err_nil = a[2].type == MSGPACK_OBJECT_NIL;
    bool res_nil = a[3].type == MSGPACK_OBJECT_NIL;
    if (!err_nil && res_nil && a[2].type == MSGPACK_OBJECT_MAP) {
        r->error = &a[2];
        resp_read_error(r);
    } else if (err_nil) {
        r->result = &a[3];
        r->status = IT_OK;
    }
}

/* Reads the next frame before deadline and decodes it. Returns false (r->status says why:
 * closed, timeout) when no frame arrived; else true with *notify telling whether it was a
 * server push. *out is never NULL. */
static bool recv_frame(it_conn *c, int64_t deadline, it_resp **out, bool *notify)
{
    it_resp *r = calloc(1, sizeof *r);
    if (r == NULL)
        abort();
    *out = r;
    size_t len = 0;
    int left = (int)(deadline - it_now_ms());
    r->status = conn_read_frame(c, left > 0 ? left : 0, &r->frame, &len);
    if (r->status != IT_OK)
        return false;
    resp_decode(r, len, notify);
    return true;
}

it_resp *it_recv(it_conn *c, int timeout_ms)
{
    int64_t deadline = it_now_ms() + timeout_ms;
    for (;;) {
        it_resp *r;
        bool notify;
        if (!recv_frame(c, deadline, &r, &notify) || !notify)
            return r;
        char kind[32];
        if (r->result != NULL && it_str(r->result, "kind", kind, sizeof kind) != NULL &&
            strcmp(kind, "server.draining") == 0)
            c->draining = true;
        it_resp_free(r);
    }
}

bool it_draining(const it_conn *c)
{
    return c->draining;
}

it_resp *it_recv_event(it_conn *c, const char *kind, int timeout_ms)
{
    int64_t deadline = it_now_ms() + timeout_ms;
    char got[64];
    for (;;) {
        it_resp *r;
        bool notify;
        if (!recv_frame(c, deadline, &r, &notify))
            return r;
        if (notify && r->result != NULL && it_str(r->result, "kind", got, sizeof got) != NULL &&
            strcmp(got, kind) == 0) {
            r->status = IT_OK;
            return r;
        }
        it_resp_free(r);
    }
}

static it_resp *call_wait(it_conn *c, uint32_t id)
{
    if (id == 0) {
        it_resp *r = calloc(1, sizeof *r);
        if (r == NULL)
            abort();
        r->status = IT_CLOSED;
        return r;
    }
    int64_t deadline = it_now_ms() + IT_TIMEOUT_MS;
    for (;;) {
        int left = (int)(deadline - it_now_ms());
        it_resp *r = it_recv(c, left > 0 ? left : 0);
        if (r->status == IT_CLOSED || r->status == IT_TIMEOUT || r->msgid == id || r->msgid == 0)
            return r;
        it_resp_free(r); /* an answer to an earlier pipelined request */
    }
}

it_resp *it_call(it_conn *c, const char *method, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    uint32_t id = it_sendv(c, method, fmt, ap);
    va_end(ap);
    return call_wait(c, id);
}

it_resp *it_call_pk(it_conn *c, const char *method, it_pack_fn fn, void *ud)
{
    return call_wait(c, send_request(c, method, fn, ud));
}

const char *it_resp_str(const it_resp *r)
{
    static __thread char buf[512];
    switch (r->status) {
    case IT_OK:
        return "ok";
    case IT_ERROR:
        snprintf(buf, sizeof buf, "error %s: %s%s%s%s%s", r->code, r->message,
                 r->field[0] ? " field=" : "", r->field, r->reason[0] ? " reason=" : "", r->reason);
        return buf;
    case IT_CLOSED:
        return "connection closed";
    case IT_TIMEOUT:
        return "no answer (timeout)";
    default:
        return "malformed answer";
    }
}

/* ---- assertions ---- */

void it_assert_ok_(const it_resp *r, const char *what, const char *file, int line)
{
    if (r->status != IT_OK)
        it_fail_(file, line, "%s: expected a result, got %s", what, it_resp_str(r));
}

void it_assert_err_(const it_resp *r, const char *code, const char *what, const char *file,
                    int line)
{
    if (r->status != IT_ERROR || strcmp(r->code, code) != 0)
        it_fail_(file, line, "%s: expected error %s, got %s", what, code, it_resp_str(r));
    if (r->message[0] == '\0')
        it_fail_(file, line, "%s: error %s without a message", what, code);
}

it_resp *it_call_ok_(it_conn *c, const char *what, const char *file, int line, const char *method,
                     const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    uint32_t id = it_sendv(c, method, fmt, ap);
    va_end(ap);
    it_resp *r = call_wait(c, id);
    if (r->status != IT_OK) {
        char msg[600];
        snprintf(msg, sizeof msg, "%s", it_resp_str(r));
        it_resp_free(r);
        it_fail_(file, line, "%s (%s): expected a result, got %s", what, method, msg);
    }
    return r;
}

void it_call_err_(it_conn *c, const char *code, const char *what, const char *file, int line,
                  const char *method, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    uint32_t id = it_sendv(c, method, fmt, ap);
    va_end(ap);
    it_resp *r = call_wait(c, id);
    bool good = r->status == IT_ERROR && strcmp(r->code, code) == 0 && r->message[0] != '\0';
    char msg[600];
    snprintf(msg, sizeof msg, "%s", it_resp_str(r));
    it_resp_free(r);
    if (!good)
        it_fail_(file, line, "%s (%s): expected error %s, got %s", what, method, code, msg);
}

/* ---- session helpers ---- */

void it_hello(it_conn *c)
{
    it_resp *r = it_call(c, "hello", "version:u client:s", 1ULL, "itest/1.0");
    if (r->status != IT_OK) {
        char msg[600];
        snprintf(msg, sizeof msg, "%s", it_resp_str(r));
        it_resp_free(r);
        it_fail("hello: %s", msg);
    }
    it_resp_free(r);
}

it_resp *it_login(it_conn *c, const char *user, const char *password)
{
    return it_call(c, "auth.login", "username:s password:s", user, password);
}

uint64_t it_login_as(it_conn *c, const char *cred_key)
{
    char user[64], pw[160];
    it_cred(cred_key, user, pw);
    it_resp *r = it_login(c, user, pw);
    uint64_t id = 0;
    if (r->status != IT_OK || !it_u64(r->result, "user.id", &id)) {
        char msg[600];
        snprintf(msg, sizeof msg, "%s", it_resp_str(r));
        it_resp_free(r);
        it_fail("login as %s: %s", user, msg);
    }
    it_resp_free(r);
    return id;
}

it_conn *it_session_user(const char *user, const char *password, uint64_t *user_id)
{
    it_conn *c = it_connect_stack();
    it_hello(c);
    it_resp *r = it_login(c, user, password);
    uint64_t id = 0;
    if (r->status != IT_OK || !it_u64(r->result, "user.id", &id)) {
        char msg[600];
        snprintf(msg, sizeof msg, "%s", it_resp_str(r));
        it_resp_free(r);
        it_close(c);
        it_fail("login as %s: %s", user, msg);
    }
    it_resp_free(r);
    if (user_id != NULL)
        *user_id = id;
    return c;
}

it_conn *it_session(const char *cred_key, uint64_t *user_id)
{
    it_conn *c = it_connect_stack();
    it_hello(c);
    uint64_t id = it_login_as(c, cred_key);
    if (user_id != NULL)
        *user_id = id;
    return c;
}

/* Calls a list operation page by page; for each item calls fn; stops when fn returns true. */
static void list_walk(it_conn *c, const char *method,
                      bool (*fn)(const msgpack_object *item, void *ud), void *ud)
{
    char cursor[256] = "";
    for (int page = 0; page < 100; page++) {
        it_resp *r = cursor[0] ? it_call(c, method, "cursor:s", cursor) : it_call(c, method, "");
        if (r->status != IT_OK) {
            char msg[600];
            snprintf(msg, sizeof msg, "%s", it_resp_str(r));
            it_resp_free(r);
            it_fail("%s: %s", method, msg);
        }
        uint32_t n;
        const msgpack_object *items = it_items(r->result, &n);
        if (items == NULL) {
            it_resp_free(r);
            it_fail("%s: the answer has no items array", method);
        }
        for (uint32_t i = 0; i < n; i++)
            if (fn(&items[i], ud)) {
                it_resp_free(r);
                return;
            }
        bool more = it_str(r->result, "next_cursor", cursor, sizeof cursor) != NULL;
        it_resp_free(r);
        if (!more)
            return;
    }
}

struct find_ud {
    const char *field, *value;
    uint64_t id;
    long count;
};

static bool find_cb(const msgpack_object *item, void *ud)
{
    struct find_ud *f = ud;
    char buf[4096];
    f->count++;
    if (f->field != NULL && it_str(item, f->field, buf, sizeof buf) != NULL &&
        strcmp(buf, f->value) == 0) {
        it_u64(item, "id", &f->id);
        return true;
    }
    return false;
}

uint64_t it_find_id(it_conn *c, const char *method, const char *field, const char *value)
{
    struct find_ud f = {field, value, 0, 0};
    list_walk(c, method, find_cb, &f);
    return f.id;
}

long it_count_items(it_conn *c, const char *method)
{
    struct find_ud f = {NULL, NULL, 0, 0};
    list_walk(c, method, find_cb, &f);
    return f.count;
}

uint64_t it_create_user(it_conn *director, const char *prefix, const char *role,
                        const char *password, char *username, size_t size)
{
    char email[160], full[160];
    uint64_t branch = it_find_id(director, "branch.list", "name", "Istanbul");
    uint64_t team = it_find_id(director, "team.list", "name", "Istanbul Brands");
    if (branch == 0 || team == 0)
        it_fail("demo branch Istanbul / team Istanbul Brands not found");
    it_uniq(prefix, username, size);
    snprintf(email, sizeof email, "%s@example.test", username);
    snprintf(full, sizeof full, "Test %s", username);
    it_resp *r;
    if (strcmp(role, "ae") == 0 || strcmp(role, "manager") == 0)
        r = it_call(director, "user.create",
                    "username:s full_name:s email:s role:s branch_id:u team_id:u password:s",
                    username, full, email, role, (unsigned long long)branch,
                    (unsigned long long)team, password);
    else
        r = it_call(director, "user.create",
                    "username:s full_name:s email:s role:s branch_id:u password:s", username, full,
                    email, role, (unsigned long long)branch, password);
    uint64_t id = 0;
    if (r->status != IT_OK ||
        (!it_u64(r->result, "id", &id) && !it_u64(r->result, "user.id", &id))) {
        char msg[600];
        snprintf(msg, sizeof msg, "%s", it_resp_str(r));
        it_resp_free(r);
        it_fail("user.create %s: %s", username, msg);
    }
    it_resp_free(r);
    return id;
}

/* ---- extra servers ---- */

int it_free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t sl = sizeof sa;
    int port = 0;
    if (fd >= 0 && bind(fd, (struct sockaddr *)&sa, sizeof sa) == 0 &&
        getsockname(fd, (struct sockaddr *)&sa, &sl) == 0)
        port = ntohs(sa.sin_port);
    if (fd >= 0)
        close(fd);
    return port;
}

#define IT_MAX_SERVERS 16
static pid_t running[IT_MAX_SERVERS]; /* extra servers started and not yet stopped */

static void running_set(pid_t old, pid_t pid)
{
    for (int i = 0; i < IT_MAX_SERVERS; i++)
        if (running[i] == old) {
            running[i] = pid;
            return;
        }
}

int it_teardown(void **state)
{
    for (int i = 0; i < IT_MAX_SERVERS; i++) {
        if (running[i] <= 0)
            continue;
        struct it_server s = {.pid = running[i]};
        snprintf(s.log, sizeof s.log, "/dev/null");
        fprintf(stderr, "itest: stopping leftover agencyd pid %ld\n", (long)running[i]);
        it_server_stop(&s);
        running[i] = 0;
    }
    it_db_close();
    return 0;
}

void it_server_dump_log(const struct it_server *s)
{
    FILE *f = fopen(s->log, "r");
    if (f == NULL)
        return;
    char line[1024];
    fprintf(stderr, "---- %s ----\n", s->log);
    for (int i = 0; i < 400 && fgets(line, sizeof line, f) != NULL; i++)
        fputs(line, stderr);
    fclose(f);
}

/* Builds argv for agencyd and execs it with stderr/stdout into the log; never returns. */
static void server_exec(const struct it_server *s, const char *const *sets)
{
    const char *argv[64];
    char portset[64];
    int n = 0;
    snprintf(portset, sizeof portset, "server.port=%d", s->port);
    argv[n++] = it_env("AGENCYD_BIN");
    argv[n++] = "-c";
    argv[n++] = it_env("AGENCYD_CONF");
    argv[n++] = "--set";
    argv[n++] = portset;
    for (int i = 0; sets != NULL && sets[i] != NULL && n < 60; i++) {
        argv[n++] = "--set";
        argv[n++] = sets[i];
    }
    argv[n] = NULL;
    int fd = open(s->log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd >= 0) {
        dup2(fd, 1);
        dup2(fd, 2);
        close(fd);
    }
    int nul = open("/dev/null", O_RDONLY);
    if (nul >= 0) {
        dup2(nul, 0);
        close(nul);
    }
    execv(argv[0], (char *const *)argv);
    _exit(127);
}

/* True when a TLS connection + hello to the server works. */
static bool server_answers(const struct it_server *s)
{
    it_conn *c = it_connect(it_env("AGENCY_HOST"), s->port, it_env("AGENCY_CA"));
    if (c == NULL)
        return false;
    it_resp *r = it_call(c, "hello", "version:u", 1ULL);
    bool ok = r->status == IT_OK;
    it_resp_free(r);
    it_close(c);
    return ok;
}

void it_server_start(struct it_server *s, const char *const *sets)
{
    memset(s, 0, sizeof *s);
    const char *base = it_env_opt("AGENCY_STACK_DIR");
    snprintf(s->dir, sizeof s->dir, "%s/itest-XXXXXX", base && base[0] ? base : "/tmp");
    if (mkdtemp(s->dir) == NULL)
        it_fail("mkdtemp %s: %s", s->dir, strerror(errno));
    snprintf(s->log, sizeof s->log, "%s/agencyd.log", s->dir);
    s->port = it_free_port();
    it_env("AGENCYD_BIN");
    it_env("AGENCYD_CONF");
    fflush(NULL);
    s->pid = fork();
    if (s->pid < 0)
        it_fail("fork: %s", strerror(errno));
    if (s->pid == 0)
        server_exec(s, sets);
    running_set(0, s->pid);
    int64_t deadline = it_now_ms() + 30000;
    while (it_now_ms() < deadline) {
        int st;
        if (waitpid(s->pid, &st, WNOHANG) == s->pid) {
            running_set(s->pid, 0);
            s->pid = 0;
            it_server_dump_log(s);
            it_fail("extra agencyd exited during start-up (status %d)", st);
        }
        int fd = it_tcp_connect("127.0.0.1", s->port);
        if (fd >= 0) {
            close(fd);
            if (server_answers(s))
                return;
        }
        it_sleep_ms(100);
    }
    it_server_stop(s);
    it_server_dump_log(s);
    it_fail("extra agencyd on port %d did not answer within 30 s", s->port);
}

int it_server_wait(struct it_server *s, int timeout_ms)
{
    if (s->pid <= 0)
        return -1;
    running_set(s->pid, 0);
    int st = 0;
    int64_t deadline = it_now_ms() + timeout_ms;
    pid_t w = 0;
    while ((w = waitpid(s->pid, &st, WNOHANG)) == 0 && it_now_ms() < deadline)
        it_sleep_ms(20);
    if (w == 0) {
        kill(s->pid, SIGKILL);
        waitpid(s->pid, &st, 0);
        s->pid = 0;
        fprintf(stderr, "itest: agencyd did not exit within %d ms\n", timeout_ms);
        it_server_dump_log(s);
        return -1;
    }
    s->pid = 0;
    if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
        return 0;
    fprintf(stderr, "itest: agencyd ended with wait status %d\n", st);
    it_server_dump_log(s);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

int it_server_stop(struct it_server *s)
{
    if (s->pid <= 0)
        return -1;
    kill(s->pid, SIGTERM);
    return it_server_wait(s, 20000);
}

pid_t it_stack_pid(void)
{
    const char *v = it_env_opt("AGENCYD_PID");
    if (v != NULL && atol(v) > 0)
        return (pid_t)atol(v);
    const char *dir = it_env_opt("AGENCY_STACK_DIR");
    if (dir == NULL)
        return 0;
    char path[512];
    snprintf(path, sizeof path, "%s/agencyd.pid", dir);
    FILE *f = fopen(path, "r");
    long pid = 0;
    if (f != NULL) {
        if (fscanf(f, "%ld", &pid) != 1)
            pid = 0;
        fclose(f);
    }
    return (pid_t)pid;
}

/* True when the process maps a shared sanitizer runtime (gcc links libasan dynamically). */
static bool pid_maps_asan(pid_t pid)
{
    char path[64], line[512];
    snprintf(path, sizeof path, "/proc/%ld/maps", (long)pid);
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return false;
    bool found = false;
    for (int i = 0; i < 100000 && !found && fgets(line, sizeof line, f) != NULL; i++)
        found = strstr(line, "/libasan.so") != NULL;
    fclose(f);
    return found;
}

bool it_pid_sanitized(pid_t pid)
{
    static const char mark[] = "AddressSanitizer";
    char path[64], buf[65536 + sizeof mark];
    if (pid_maps_asan(pid))
        return true;
    snprintf(path, sizeof path, "/proc/%ld/exe", (long)pid);
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return false;
    bool found = false;
    size_t keep = 0, n;
    while (!found && (n = fread(buf + keep, 1, sizeof buf - keep, f)) > 0) {
        size_t len = keep + n;
        found = memmem(buf, len, mark, sizeof mark - 1) != NULL;
        keep = len < sizeof mark ? len : sizeof mark - 1;
        memmove(buf, buf + len - keep, keep);
    }
    fclose(f);
    return found;
}

long it_rss_kib(pid_t pid)
{
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%ld/status", (long)pid);
    FILE *f = fopen(path, "r");
    long kib = -1;
    if (f == NULL)
        return -1;
    while (fgets(line, sizeof line, f) != NULL)
        if (sscanf(line, "VmRSS: %ld kB", &kib) == 1)
            break;
    fclose(f);
    return kib;
}

/* ---- PostgreSQL ---- */

static PGconn *owner_db;

PGconn *it_db(void)
{
    if (owner_db != NULL && PQstatus(owner_db) == CONNECTION_OK)
        return owner_db;
    if (owner_db != NULL)
        PQfinish(owner_db);
    owner_db = PQconnectdb(it_env("AGENCY_DB_URL"));
    if (PQstatus(owner_db) != CONNECTION_OK) {
        char msg[512];
        snprintf(msg, sizeof msg, "%s", PQerrorMessage(owner_db));
        PQfinish(owner_db);
        owner_db = NULL;
        it_fail("cannot connect as the owner role: %s", msg);
    }
    return owner_db;
}

long long it_db_ll(const char *sql, int nparams, ...)
{
    const char *params[16];
    va_list ap;
    va_start(ap, nparams);
    for (int i = 0; i < nparams && i < 16; i++)
        params[i] = va_arg(ap, const char *);
    va_end(ap);
    PGresult *res = PQexecParams(it_db(), sql, nparams, NULL, params, NULL, NULL, 0);
    ExecStatusType st = PQresultStatus(res);
    if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) {
        char msg[512];
        snprintf(msg, sizeof msg, "%s", PQresultErrorMessage(res));
        PQclear(res);
        it_fail("SQL failed: %s\n  %s", msg, sql);
    }
    long long v = 0;
    if (st == PGRES_TUPLES_OK && PQntuples(res) > 0 && !PQgetisnull(res, 0, 0))
        v = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
    PQclear(res);
    return v;
}

void it_clock_shift(const char *shift)
{
    it_db_ll("INSERT INTO agency.test_clock (shift, set_at) VALUES ($1::interval, now())"
             " ON CONFLICT (id) DO UPDATE SET shift = excluded.shift, set_at = now()",
             1, shift);
}

void it_clock_reset(void)
{
    it_clock_shift("0");
}

const char *it_db_text(char *buf, size_t size, const char *sql, int nparams, ...)
{
    const char *params[16];
    va_list ap;
    va_start(ap, nparams);
    for (int i = 0; i < nparams && i < 16; i++)
        params[i] = va_arg(ap, const char *);
    va_end(ap);
    PGresult *res = PQexecParams(it_db(), sql, nparams, NULL, params, NULL, NULL, 0);
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        char msg[512];
        snprintf(msg, sizeof msg, "%s", PQresultErrorMessage(res));
        PQclear(res);
        it_fail("SQL failed: %s\n  %s", msg, sql);
    }
    buf[0] = '\0';
    if (PQntuples(res) > 0 && !PQgetisnull(res, 0, 0))
        snprintf(buf, size, "%s", PQgetvalue(res, 0, 0));
    PQclear(res);
    return buf;
}

long long it_audit_count(const char *op, const char *outcomes, const char *username,
                         uint64_t user_id)
{
    char id[32], re[160];
    snprintf(id, sizeof id, "%llu", (unsigned long long)user_id);
    snprintf(re, sizeof re, "^(%s)$", outcomes);
    return it_db_ll("SELECT count(*) FROM agency.audit_log WHERE op = $1 AND outcome ~ $2"
                    " AND (user_id = $4::bigint OR username = $3 OR target = $3"
                    "      OR target = 'user:' || $4 OR detail LIKE '%' || $3 || '%')",
                    4, op, re, username ? username : "", id);
}

void it_db_close(void)
{
    if (owner_db != NULL)
        PQfinish(owner_db);
    owner_db = NULL;
}

uint64_t it_result_id(const it_resp *r, const char *what)
{
    uint64_t id = 0;
    if (!it_u64(r->result, "id", &id))
        it_fail("%s: the answer has no id", what);
    return id;
}

uint64_t it_client_create_forced(it_conn *c, const char *name, uint64_t owner)
{
    it_resp *r = IT_CALL_OK(c, name, "client.create", "name:s owner_id:u force:b", name,
                            (unsigned long long)owner, 1);
    uint64_t id = it_result_id(r, "client.create");
    it_resp_free(r);
    return id;
}

void it_expect_invalidv(it_conn *c, const char *what, const char *field, const char *method,
                        const char *fmt, va_list ap)
{
    uint32_t id = it_sendv(c, method, fmt, ap);
    if (id == 0)
        it_fail("%s: the request could not be sent", what);
    it_resp *r = it_recv(c, IT_TIMEOUT_MS);
    bool good = r->status == IT_ERROR && strcmp(r->code, "invalid") == 0 &&
                strcmp(r->field, field) == 0 && r->reason[0] != '\0';
    if (!good)
        it_fail("%s (%s): expected invalid field=%s with a reason, got %s", what, method, field,
                it_resp_str(r));
    it_resp_free(r);
}

void it_expect_invalid(it_conn *c, const char *what, const char *field, const char *method,
                       const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    it_expect_invalidv(c, what, field, method, fmt, ap);
    va_end(ap);
}
