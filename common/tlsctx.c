/* TLS 1.3-only OpenSSL contexts shared by agencyd and agency. */
#include "tlsctx.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>

static const char tlsctx_groups[] = "X25519:P-256:P-384";

void tlsctx_error(char *err, size_t errlen, const char *what)
{
    unsigned long e = ERR_get_error();
    char buf[256] = "unknown error";
    if (e)
        ERR_error_string_n(e, buf, sizeof(buf));
    if (err && errlen)
        snprintf(err, errlen, "%s: %s", what, buf);
    ERR_clear_error();
}

/* Settings both sides share: TLS 1.3 only, our groups, no compression or renegotiation. */
static int tlsctx_common(SSL_CTX *ctx, char *err, size_t errlen)
{
    if (!SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION) ||
        !SSL_CTX_set_max_proto_version(ctx, TLS1_3_VERSION)) {
        tlsctx_error(err, errlen, "cannot restrict to TLS 1.3");
        return -1;
    }
    if (!SSL_CTX_set1_groups_list(ctx, tlsctx_groups)) {
        tlsctx_error(err, errlen, "cannot set groups");
        return -1;
    }
    SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION);
    SSL_CTX_set_mode(ctx, SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER | SSL_MODE_RELEASE_BUFFERS);
    return 0;
}

static int tlsctx_load_pair(SSL_CTX *ctx, const char *cert_file, const char *key_file, char *err,
                            size_t errlen)
{
    if (SSL_CTX_use_certificate_chain_file(ctx, cert_file) != 1) {
        tlsctx_error(err, errlen, "cannot load certificate");
        return -1;
    }
    if (SSL_CTX_use_PrivateKey_file(ctx, key_file, SSL_FILETYPE_PEM) != 1) {
        tlsctx_error(err, errlen, "cannot load private key");
        return -1;
    }
    if (SSL_CTX_check_private_key(ctx) != 1) {
        tlsctx_error(err, errlen, "private key does not match certificate");
        return -1;
    }
    return 0;
}

SSL_CTX *tlsctx_client_new(const char *ca_file, const char *cert_file, const char *key_file,
                           char *err, size_t errlen)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    if (!ctx) {
        tlsctx_error(err, errlen, "cannot create TLS context");
        return NULL;
    }
    if (tlsctx_common(ctx, err, errlen) < 0)
        goto fail;
    if (ca_file && *ca_file) {
        if (SSL_CTX_load_verify_locations(ctx, ca_file, NULL) != 1) {
            tlsctx_error(err, errlen, "cannot load CA file");
            goto fail;
        }
    } else if (SSL_CTX_set_default_verify_paths(ctx) != 1) {
        tlsctx_error(err, errlen, "cannot load system CA store");
        goto fail;
    }
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
    if (cert_file && *cert_file) {
        if (tlsctx_load_pair(ctx, cert_file, key_file && *key_file ? key_file : cert_file, err,
                             errlen) < 0)
            goto fail;
    }
    return ctx;
fail:
    SSL_CTX_free(ctx);
    return NULL;
}

int tlsctx_client_set_host(SSL *ssl, const char *host)
{
    unsigned char addr[16];
    int is_ip = inet_pton(AF_INET, host, addr) == 1 || inet_pton(AF_INET6, host, addr) == 1;
    if (is_ip) {
        X509_VERIFY_PARAM *param = SSL_get0_param(ssl);
        if (X509_VERIFY_PARAM_set1_ip_asc(param, host) != 1)
            return -1;
        return 0;
    }
    if (SSL_set_tlsext_host_name(ssl, host) != 1)
        return -1;
    SSL_set_hostflags(ssl, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    if (SSL_set1_host(ssl, host) != 1)
        return -1;
    return 0;
}

SSL_CTX *tlsctx_server_new(const char *cert_file, const char *key_file, const char *client_ca,
                           char *err, size_t errlen)
{
    if (!cert_file || !*cert_file || !key_file || !*key_file) {
        snprintf(err, errlen, "certificate and key files are required");
        return NULL;
    }
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    if (!ctx) {
        tlsctx_error(err, errlen, "cannot create TLS context");
        return NULL;
    }
    if (tlsctx_common(ctx, err, errlen) < 0)
        goto fail;
    SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET | SSL_OP_CIPHER_SERVER_PREFERENCE);
    SSL_CTX_set_num_tickets(ctx, 0);
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
    if (tlsctx_load_pair(ctx, cert_file, key_file, err, errlen) < 0)
        goto fail;
    if (client_ca && *client_ca) {
        STACK_OF(X509_NAME) *names = SSL_load_client_CA_file(client_ca);
        if (SSL_CTX_load_verify_locations(ctx, client_ca, NULL) != 1 || !names) {
            sk_X509_NAME_pop_free(names, X509_NAME_free);
            tlsctx_error(err, errlen, "cannot load client CA file");
            goto fail;
        }
        SSL_CTX_set_client_CA_list(ctx, names);
        SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
    } else {
        SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
    }
    return ctx;
fail:
    SSL_CTX_free(ctx);
    return NULL;
}
