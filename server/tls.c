/* agencyd's TLS glue: context set-up and all-or-nothing reload, SSL_get_error mapping. */
#include "tls.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <openssl/err.h>

#include "log.h"
#include "tlsctx.h"

static SSL_CTX *tls_ctx;
static unsigned long tls_generation;
static unsigned long long tls_ok, tls_failed;

void tls_handshake_done(unsigned conn, const char *peer, bool ok, const char *reason)
{
    char q[160];
    if (ok) {
        tls_ok++;
        return;
    }
    tls_failed++;
    log_info("event=tls_handshake_failed conn=%u peer=%s reason=%s", conn, peer,
             log_quote(q, sizeof(q), reason));
}

void tls_log_stats(void)
{
    log_info("event=tls_stats handshakes_ok=%llu handshakes_failed=%llu reloads=%lu", tls_ok,
             tls_failed, tls_generation ? tls_generation - 1 : 0);
}

int tls_init(const struct config *cfg, char *err, size_t errlen)
{
    SSL_CTX *ctx = tlsctx_server_new(cfg->tls_cert, cfg->tls_key, cfg->tls_client_ca, err, errlen);
    if (!ctx)
        return -1;
    tls_ctx = ctx;
    tls_generation = 1;
    return 0;
}

int tls_reload(const struct config *cfg)
{
    char err[256], q[300];
    SSL_CTX *ctx =
        tlsctx_server_new(cfg->tls_cert, cfg->tls_key, cfg->tls_client_ca, err, sizeof(err));
    if (!ctx) {
        log_warn("event=tls_reload_failed error=%s kept=old", log_quote(q, sizeof(q), err));
        return -1;
    }
    SSL_CTX *old = tls_ctx;
    tls_ctx = ctx;
    SSL_CTX_free(old); /* connections made with it hold their own reference */
    tls_generation++;
    log_info("event=tls_reloaded generation=%lu cert=%s", tls_generation,
             log_quote(q, sizeof(q), cfg->tls_cert));
    return 0;
}

SSL_CTX *tls_current(void)
{
    return tls_ctx;
}

void tls_shutdown(void)
{
    SSL_CTX_free(tls_ctx);
    tls_ctx = NULL;
}

enum tls_io tls_io_result(SSL *ssl, int ret, char *reason, size_t len)
{
    int e = SSL_get_error(ssl, ret);
    int saved_errno = errno;
    enum tls_io res;
    switch (e) {
    case SSL_ERROR_WANT_READ:
        res = TLS_IO_WANT_READ;
        break;
    case SSL_ERROR_WANT_WRITE:
        res = TLS_IO_WANT_WRITE;
        break;
    case SSL_ERROR_ZERO_RETURN:
        snprintf(reason, len, "peer_closed");
        res = TLS_IO_CLOSED;
        break;
    case SSL_ERROR_SYSCALL:
        if (ERR_peek_error() == 0) {
            snprintf(reason, len, "%s", saved_errno && ret < 0 ? strerror(saved_errno) : "eof");
            res = TLS_IO_CLOSED;
            break;
        }
        __attribute__((fallthrough)); /* a queued OpenSSL error says more */
    default: {
        unsigned long ossl = ERR_peek_error();
        if (ERR_GET_REASON(ossl) == SSL_R_UNEXPECTED_EOF_WHILE_READING) {
            snprintf(reason, len, "peer_closed");
            res = TLS_IO_CLOSED; /* closed without close_notify: nothing was cut short */
            break;
        }
        const char *r = ossl ? ERR_reason_error_string(ossl) : NULL;
        snprintf(reason, len, "%s", r ? r : "tls_error");
        res = TLS_IO_ERROR;
        break;
    }
    }
    ERR_clear_error();
    return res;
}
