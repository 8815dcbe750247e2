/*
 * test_reload.c - SIGHUP reloads the certificate all-or-nothing (a broken one is ignored, a
 * good one is served to new connections) and SIGTERM drains in-flight requests and exits 0.
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "itest.h"

static struct it_server srv;
static char cert[320], key[320], newdir[300];

/* Copies file from to file to (mode 0600); fails the test on error. */
static void copy_file(const char *from, const char *to)
{
    FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
    if (in == NULL || out == NULL)
        it_fail("copy %s -> %s: %s", from, to, strerror(errno));
    char buf[8192];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, in)) > 0)
        assert_int_equal(fwrite(buf, 1, n, out), n);
    fclose(in);
    assert_int_equal(fclose(out), 0);
    chmod(to, 0600);
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
}

/* Runs a shell command; fails the test unless it exits 0. */
static void run(const char *cmd)
{
    int rc = system(cmd);
    if (rc != 0)
        it_fail("command failed (%d): %s", rc, cmd);
}

/* A new CA and a server certificate for 127.0.0.1/localhost signed by it, in dir. */
static void make_new_cert(const char *dir)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd,
             "cd '%s' && exec >openssl.log 2>&1 && "
             "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes "
             "-keyout ca.key -out ca.crt -days 2 -subj '/CN=Reload test CA' "
             "-addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign && "
             "openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout server.key "
             "-out server.csr -subj '/CN=localhost' && "
             "printf 'basicConstraints=critical,CA:FALSE\\nextendedKeyUsage=serverAuth\\n"
             "subjectAltName=DNS:localhost,IP:127.0.0.1\\n' >server.ext && "
             "openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial "
             "-days 2 -extfile server.ext -out server.crt",
             dir);
    run(cmd);
}

/* Fingerprint of the certificate a new connection verified with ca sees; "" when the
 * handshake fails. */
static void fingerprint_with(const char *ca, char fp[65])
{
    it_conn *c = it_connect("127.0.0.1", srv.port, ca);
    fp[0] = '\0';
    if (c == NULL)
        return;
    it_hello(c);
    it_peer_fingerprint(c, fp);
    it_close(c);
}

static void hup(void)
{
    assert_int_equal(kill(srv.pid, SIGHUP), 0);
    it_sleep_ms(700);
}

static void test_reload_and_drain(void **state)
{
    const char *stack = it_env("AGENCY_STACK_DIR");
    const char *old_ca = it_env("AGENCY_CA");
    char dir[256], src[320], set_cert[400], set_key[400], fp0[65], fp[65];
    snprintf(dir, sizeof dir, "%s/reload-XXXXXX", stack);
    assert_non_null(mkdtemp(dir));
    snprintf(cert, sizeof cert, "%s/server.crt", dir);
    snprintf(key, sizeof key, "%s/server.key", dir);
    snprintf(src, sizeof src, "%s/tls/server.crt", stack);
    copy_file(src, cert);
    snprintf(src, sizeof src, "%s/tls/server.key", stack);
    copy_file(src, key);
    snprintf(set_cert, sizeof set_cert, "tls.cert=%s", cert);
    snprintf(set_key, sizeof set_key, "tls.key=%s", key);
    const char *const sets[] = {set_cert, set_key, NULL};
    it_server_start(&srv, sets);

    fingerprint_with(old_ca, fp0);
    assert_int_equal(strlen(fp0), 64);
    it_conn *kept = it_connect_port(srv.port); /* an existing connection across reloads */
    it_hello(kept);
    it_login_as(kept, "AGENCY_DEMO_DIRECTOR");

    /* 1. a corrupt certificate: ignored, the old one is still served */
    write_file(cert, "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n"
                     "-----END CERTIFICATE-----\n");
    hup();
    fingerprint_with(old_ca, fp);
    assert_string_equal(fp, fp0);

    /* 2. a valid certificate with a key that does not match it: ignored as a whole */
    snprintf(newdir, sizeof newdir, "%s/new", dir);
    char cmd[700];
    snprintf(cmd, sizeof cmd, "mkdir -p '%s'", newdir);
    run(cmd);
    make_new_cert(newdir);
    snprintf(src, sizeof src, "%s/server.crt", newdir);
    copy_file(src, cert);
    hup();
    fingerprint_with(old_ca, fp);
    assert_string_equal(fp, fp0);
    it_resp *r = IT_CALL_OK(kept, "an open connection after two bad reloads", "auth.whoami", "");
    it_resp_free(r);

    /* 3. the new key too: new connections see the new certificate */
    snprintf(src, sizeof src, "%s/server.key", newdir);
    copy_file(src, key);
    hup();
    char new_ca[320];
    snprintf(new_ca, sizeof new_ca, "%s/ca.crt", newdir);
    fingerprint_with(new_ca, fp);
    assert_int_equal(strlen(fp), 64);
    assert_string_not_equal(fp, fp0);
    it_conn *refused = it_connect("127.0.0.1", srv.port, old_ca);
    if (refused != NULL) {
        it_close(refused);
        it_fail("after the reload a client trusting only the old CA still connected");
    }
    r = IT_CALL_OK(kept, "the connection opened before the reload", "auth.whoami", "");
    it_resp_free(r);
    it_close(kept);

    /* 4. SIGTERM while requests are in flight: they are answered, then a clean exit */
    char user[64], pw[160];
    it_cred("AGENCY_DEMO_DIRECTOR", user, pw);
    it_conn *c = it_connect("127.0.0.1", srv.port, new_ca);
    assert_non_null(c);
    it_hello(c);
    enum { N = 6 };
    uint32_t ids[N];
    for (int i = 0; i < N; i++)
        ids[i] = it_send(c, "auth.login", "username:s password:s", user, pw);
    it_sleep_ms(30);
    assert_int_equal(kill(srv.pid, SIGTERM), 0);
    for (int i = 0; i < N; i++) {
        r = it_recv(c, IT_TIMEOUT_MS);
        if (r->status != IT_OK)
            it_fail("in-flight login %d during the drain: %s", i + 1, it_resp_str(r));
        bool known = false;
        for (int k = 0; k < N; k++)
            known = known || ids[k] == r->msgid;
        assert_true(known);
        it_resp_free(r);
    }
    it_sleep_ms(300);
    it_conn *late = it_connect("127.0.0.1", srv.port, new_ca);
    if (late != NULL) {
        it_resp *lr = it_call(late, "hello", "version:u", 1ULL);
        bool served = lr->status == IT_OK;
        it_resp_free(lr);
        it_close(late);
        if (served)
            it_fail("a new connection was served after SIGTERM");
    }
    it_close(c);
    assert_int_equal(it_server_wait(&srv, 20000), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_reload_and_drain, it_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, it_teardown);
}
