/* agencyd's TLS glue: the current server context (swapped whole on SIGHUP), the one mapping
   of SSL_get_error results, and logging of handshake failures. */
#ifndef AGENCY_TLS_H
#define AGENCY_TLS_H

#include <stdbool.h>

#include <openssl/ssl.h>

#include "config.h"

enum tls_io {
    TLS_IO_WANT_READ = 0, /* retry when the socket is readable */
    TLS_IO_WANT_WRITE,    /* retry when the socket is writable */
    TLS_IO_CLOSED,        /* the peer closed the connection (cleanly or not) */
    TLS_IO_ERROR          /* protocol or system error: close */
};

/* Builds the first server context from cfg. 0, or -1 with a message in err (fatal at start). */
int tls_init(const struct config *cfg, char *err, size_t errlen);
/* Builds a new context from cfg's certificate files and swaps it in only if every step
   succeeded; on failure logs a warning and keeps the old one. 0 swapped, -1 kept. Existing
   connections keep the context they started with. */
int tls_reload(const struct config *cfg);
/* The context new connections use (borrowed). */
SSL_CTX *tls_current(void);
/* Frees the current context (shutdown). */
void tls_shutdown(void);

/* Counts a finished handshake of connection conn (peer text) and logs a failure with its
   reason (unsupported protocol version, plain text on the TLS port, timeout, ...). */
void tls_handshake_done(unsigned conn, const char *peer, bool ok, const char *reason);
/* Logs the handshake counters (at shutdown). */
void tls_log_stats(void);

/* Classifies the result ret of an SSL_* I/O call on ssl; clears the error queue. On
   TLS_IO_ERROR / TLS_IO_CLOSED, copies a short reason into reason (size len). */
enum tls_io tls_io_result(SSL *ssl, int ret, char *reason, size_t len);

#endif
