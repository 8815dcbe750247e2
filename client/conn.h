/* conn.h - the client's connection to agencyd: TCP + TLS 1.3 with chain and host-name
   verification, hello, a blocking request/response API, server push kept in a queue, and
   reconnect with auth.resume after a dropped connection. The session token lives only here,
   in memory. */
#ifndef AGENCY_CONN_H
#define AGENCY_CONN_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <msgpack.h>

#include "proto.h"

struct conn_opts {
    const char *host;
    unsigned port;
    const char *ca;   /* NULL: the system trust store */
    const char *cert; /* mutual TLS, or NULL */
    const char *key;
    int timeout_ms; /* per request and per connect; 0 = 30 s */
    /* Called with one line for the person at the terminal ("reconnecting..."); may be NULL. */
    void (*notice)(void *ud, const char *msg);
    void *notice_ud;
    /* When it becomes non-zero (Ctrl-C), a call stops waiting and answers CONN_CANCELLED; the
       connection stays open if the request had left (its late answer is dropped). May be NULL. */
    const volatile sig_atomic_t *cancel;
};

/* The answer to one request, or one server push. Holds the frame and the zone its objects
   point into; release with conn_reply_free. */
struct conn_reply {
    char method[64]; /* the operation asked (for messages) */
    uint8_t *frame;
    msgpack_zone *zone;
    const msgpack_object *result; /* the result (or the pushed event map); NULL on error */
    enum proto_err code;          /* PE_OK or the error code */
    char message[256];
    char field[64];              /* invalid: the argument */
    char reason[160];            /* invalid: why */
    const msgpack_object *error; /* the whole error map (for details such as candidates) */
    bool sent;                   /* CONN_CANCELLED: the request had reached the server */
};

enum conn_status {
    CONN_OK = 0,         /* a result */
    CONN_ERROR = 1,      /* the server answered an error: see reply code/message */
    CONN_LOST = -1,      /* no connection (could not connect or reconnect): message in err */
    CONN_AMBIGUOUS = -2, /* lost while a mutating request without a key was in flight */
    CONN_SESSION = -3,   /* reconnected but the session could not be resumed (expired) */
    CONN_CANCELLED = -4  /* Ctrl-C while waiting: abandoned here (see reply.sent) */
};

struct conn;

/* Prepares a connection (TLS context with the CA). NULL with a message in err if the CA or
   client certificate cannot be loaded. Does not connect. */
struct conn *conn_new(const struct conn_opts *opts, char *err, size_t errlen);
/* Closes and frees everything; the token is wiped. */
void conn_free(struct conn *c);

/* Connects, completes the TLS handshake (verifying chain and host name) and says hello.
   Returns 0, or -1 with a message in err. */
int conn_open(struct conn *c, char *err, size_t errlen);
/* Drops the connection (the token is kept for a later resume). */
void conn_close(struct conn *c);
bool conn_is_open(const struct conn *c);
/* The socket to poll for server push while idle, or -1. */
int conn_fd(const struct conn *c);
/* True when decrypted bytes are waiting (poll would not see them). */
bool conn_has_buffered(const struct conn *c);

/* Sends method with args (packed MessagePack map bytes, or NULL for no arguments) and waits
   for its answer into *r (always initialised; free it). retry_safe: the request may be sent
   again after a reconnect (reads, and writes carrying an idempotency_key). Frames that are
   not the answer (server push) are queued. */
enum conn_status conn_call(struct conn *c, const char *method, const char *args, size_t args_len,
                           bool retry_safe, struct conn_reply *r, char *err, size_t errlen);

/* auth.login; on success remembers the token for auth.resume. Same returns as conn_call. */
enum conn_status conn_login(struct conn *c, const char *user, const char *password,
                            struct conn_reply *r, char *err, size_t errlen);
/* The server program and version its hello answered ("agencyd/0.1.0"), or "". */
const char *conn_server(const struct conn *c);
/* Forgets the session token (after logout). */
void conn_forget_session(struct conn *c);
bool conn_has_session(const struct conn *c);

/* Reads whatever the server has sent without waiting; push is queued. Returns 0, or -1 when
   the connection turned out closed (it is then closed here). */
int conn_pump(struct conn *c);
/* Takes the oldest queued push into *r (result = the event map). false when none. */
bool conn_next_push(struct conn *c, struct conn_reply *r);

void conn_reply_init(struct conn_reply *r);
void conn_reply_free(struct conn_reply *r);

#endif
