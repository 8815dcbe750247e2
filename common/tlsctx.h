/* TLS 1.3-only OpenSSL contexts for both programs: the client (chain + host name verification)
   and the server (groups X25519:P-256:P-384, no renegotiation, no compression, optional mTLS). */
#ifndef AGENCY_TLSCTX_H
#define AGENCY_TLSCTX_H

#include <stddef.h>
#include <openssl/ssl.h>

/* TLS 1.3-only client context: verifies the chain against ca_file (NULL = system store) and, at
   connect time, the host name (use tlsctx_client_set_host on the SSL). cert_file/key_file (both
   or neither) give a client certificate for mutual TLS. NULL + message in err on error; the
   caller owns the context (SSL_CTX_free). */
SSL_CTX *tlsctx_client_new(const char *ca_file, const char *cert_file, const char *key_file,
                           char *err, size_t errlen);
/* Sets SNI (for names, not IP literals) and the name or IP address the server certificate must
   match. 0 ok, -1 on error. */
int tlsctx_client_set_host(SSL *ssl, const char *host);
/* TLS 1.3-only server context (groups X25519:P-256:P-384, no renegotiation, no compression,
   no session tickets); client_ca non-NULL and non-empty → require client certificates signed by
   it. Checks that the key matches the certificate. NULL + message in err on error; the caller
   owns the context. */
SSL_CTX *tlsctx_server_new(const char *cert_file, const char *key_file, const char *client_ca,
                           char *err, size_t errlen);
/* Writes the first queued OpenSSL error (or `fallback`) into err after `what: `; clears the
   queue. */
void tlsctx_error(char *err, size_t errlen, const char *what);

#endif
