/*
 * bench.h - agency-bench's parts: one blocking TLS 1.3 connection speaking MessagePack-RPC
 * through the protocol library, the set-up of bench users and their clients, and the options.
 */
#ifndef AGENCY_BENCH_H
#define AGENCY_BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <msgpack.h>
#include <openssl/ssl.h>

#include "proto.h"

#define BENCH_MAX_ANSWER (4u * 1024u * 1024u) /* largest answer frame accepted */
#define BENCH_IO_TIMEOUT 30                   /* seconds a blocking read or write may take */

/* The operations a mix may hold, in report order. */
enum bench_op {
    BOP_PING = 0,
    BOP_CLIENT_GET,
    BOP_CLIENT_LIST,
    BOP_AGENDA,
    BOP_ACTIVITY_LOG,
    BOP_AUTH_RESUME,
    BOP_AUTH_LOGIN,
    BOP_AUDIT_SEARCH,
    BOP__COUNT
};

/* Wire name of an operation. */
const char *bench_op_name(enum bench_op op);

/* Where the server is. */
struct bench_target {
    const char *host;
    int port;
    SSL_CTX *ctx; /* TLS 1.3 client context verifying the server against the CA */
};

/* One connection: blocking socket with timeouts, TLS, a read buffer and a packer. */
struct bench_conn {
    int fd;
    SSL *ssl;
    uint32_t next_msgid;
    uint8_t *buf;
    size_t len, cap;
    msgpack_sbuffer out;
    msgpack_zone zone;
    struct proto_msg msg; /* the last answer read (points into buf / zone until the next read) */
    uint8_t *frame;       /* copy of the last answer's payload (owned) */
    char why[128];        /* why the last read failed */
};

/* An answer: ok, or an error with its wire code (or a transport failure: "io"). */
struct bench_answer {
    bool ok;
    uint32_t msgid;
    char code[32];
    char message[160];
    const msgpack_object *result; /* ok: the result (valid until the next read) */
};

/* Makes ctx verify the server certificate fully once, then accept that same certificate
 * without rebuilding its chain (the server still proves it holds the key): a fresh handshake
 * then costs the client what a client that knows its server pays. */
void bench_pin_server(SSL_CTX *ctx);
/* Forgets the pinned certificate. */
void bench_pin_free(void);

/* Opens TCP + TLS to the target. 0, or -1 with a reason in err. conn is zeroed first. */
int bench_connect(struct bench_conn *c, const struct bench_target *t, char *err, size_t errlen);
/* Closes and frees what the connection holds (safe on a zeroed or half-opened one). */
void bench_close(struct bench_conn *c);

/* Packs the request head [0, msgid, method, [ into c->out (after proto_frame_begin); the caller
 * packs exactly one map with the returned packer, then calls bench_send_end. */
msgpack_packer *bench_begin(struct bench_conn *c, const char *method, uint32_t *msgid,
                            size_t *frame_start);
/* Ends the frame started by bench_begin; the bytes stay queued in c->out. */
void bench_end(struct bench_conn *c, size_t frame_start);
/* Writes every queued frame. 0, or -1 when the write failed. */
int bench_flush(struct bench_conn *c);
/* Reads the next response (notifications are skipped). 0 with *a filled, -1 on a transport
 * failure or a malformed answer (a->code "io" and a->message say why). */
int bench_read(struct bench_conn *c, struct bench_answer *a);
/* True when a whole answer frame is already buffered (bench_read will not block). */
bool bench_ready(const struct bench_conn *c);
/* Sends one request whose arguments are the string pairs kv (NULL-terminated key, value list;
 * a value starting with '#' packs the number after it) and waits for its answer. 0 when the
 * exchange worked (a->ok says whether the answer is a result), -1 on a transport failure. */
int bench_call(struct bench_conn *c, const char *method, const char *const *kv,
               struct bench_answer *a);

/* A connection, hello and then auth.login with user/password or auth.resume with token
 * (64 hex digits) when token is non-NULL (neither when both user and token are NULL). On success
 * the session token is copied to token_out[65] (if non-NULL) and 0 returned; otherwise -1 with a
 * reason in err. */
int bench_session(struct bench_conn *c, const struct bench_target *t, const char *user,
                  const char *password, const char *token, char token_out[65], char *err,
                  size_t errlen);

/* ---- set-up ---- */

/* A bench user: credentials, session token and the clients it sees. */
struct bench_user {
    char name[64];
    char password[160];
    char token[65];
    uint64_t *client_ids; /* clients visible to the user (first page of client.list) */
    char **client_names;
    uint32_t n_clients;
};

/* Creates users bench.0001 .. bench.<n> (role ae, branch Istanbul, team Istanbul Brands) as the
 * director admin_user, skipping names that exist. 0, or -1 with a reason in err. */
int bench_setup_users(const struct bench_target *t, const char *admin_user,
                      const char *admin_password, unsigned n, const char *password, char *err,
                      size_t errlen);
/* Logs the user in (u->token set) or, when u->token is already set, resumes that session; makes
 * sure it owns at least min_clients clients (creating "Bench <user> client <k>" ones when it owns
 * fewer and min_clients > 0) and reads the ids and names it sees. 0, or -1 with a reason in err. */
int bench_prepare_user(const struct bench_target *t, struct bench_user *u, unsigned min_clients,
                       char *err, size_t errlen);
/* Frees the client lists of a user. */
void bench_user_free(struct bench_user *u);

/* Monotonic time in microseconds. */
int64_t bench_now_us(void);

#endif
