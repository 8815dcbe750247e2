/* Unit tests for agencyd's configuration (server/config.c) and durations (common/duration.c):
   defaults, INI files, overrides, ranges, validation and masking of secrets. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "config.h"
#include "duration.h"

static void test_durations(void **state)
{
    (void)state;
    int64_t s = -1;
    assert_int_equal(duration_parse("30", &s), 0);
    assert_int_equal(s, 30);
    assert_int_equal(duration_parse("30s", &s), 0);
    assert_int_equal(s, 30);
    assert_int_equal(duration_parse("5m", &s), 0);
    assert_int_equal(s, 300);
    assert_int_equal(duration_parse("12h", &s), 0);
    assert_int_equal(s, 43200);
    assert_int_equal(duration_parse("0", &s), 0);
    assert_int_equal(s, 0);
    static const char *const bad[] = {
        "", "m", "-5s", "5d", "5 m", "5mm", "1.5h", "99999999h", "99999999999999999999"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        s = 77;
        assert_int_equal(duration_parse(bad[i], &s), -1);
        assert_int_equal(s, 77);
    }
    char buf[32];
    assert_string_equal(duration_format(300, buf, sizeof(buf)), "5m");
    assert_string_equal(duration_format(43200, buf, sizeof(buf)), "12h");
    assert_string_equal(duration_format(90, buf, sizeof(buf)), "90s");
    assert_string_equal(duration_format(0, buf, sizeof(buf)), "0s");
}

static void test_defaults(void **state)
{
    (void)state;
    struct config c;
    config_defaults(&c);
    assert_string_equal(c.listen, "127.0.0.1");
    assert_int_equal(c.port, 7420);
    assert_int_equal(c.max_connections, 1024);
    assert_int_equal(c.handshake_timeout, 10);
    assert_int_equal(c.idle_timeout, 300);
    assert_int_equal(c.max_frame, 1048576);
    assert_int_equal(c.max_frame_prelogin, 4096);
    assert_int_equal(c.max_in_flight, 32);
    assert_int_equal(c.workers, 4);
    assert_int_equal(c.queue_size, 1024);
    assert_string_equal(c.log_level, "info");
    assert_int_equal(c.statement_timeout, 5);
    assert_int_equal(c.session_idle_timeout, 1800);
    assert_int_equal(c.session_absolute_timeout, 43200);
    assert_int_equal(c.lockout_failures, 5);
    assert_int_equal(c.lockout_duration, 900);
    assert_int_equal(c.login_rate_per_minute, 60);
    assert_int_equal(c.login_rate_burst, 20);
    assert_int_equal(c.argon2_memory_kib, 19456);
    assert_int_equal(c.argon2_time, 2);
    assert_int_equal(c.argon2_parallelism, 1);
    assert_int_equal(c.reauth_window, 300);
    config_free(&c);
}

static void test_overrides(void **state)
{
    (void)state;
    struct config c;
    char err[256];
    config_defaults(&c);
    assert_int_equal(config_set(&c, "server.port=7500", err, sizeof(err)), 0);
    assert_int_equal(c.port, 7500);
    assert_int_equal(config_set(&c, "auth.session_idle_timeout=2s", err, sizeof(err)), 0);
    assert_int_equal(c.session_idle_timeout, 2);
    assert_int_equal(config_set(&c, "database.conninfo=dbname=x user=y", err, sizeof(err)), 0);
    assert_string_equal(c.db_conninfo, "dbname=x user=y");
    assert_int_equal(config_set(&c, "server.port=0", err, sizeof(err)), -1);
    assert_non_null(strstr(err, "out of range"));
    assert_int_equal(c.port, 7500);
    assert_int_equal(config_set(&c, "server.port=70000", err, sizeof(err)), -1);
    assert_int_equal(config_set(&c, "server.port=12ab", err, sizeof(err)), -1);
    assert_non_null(strstr(err, "whole number"));
    assert_int_equal(config_set(&c, "auth.argon2_memory_kib=1024", err, sizeof(err)), -1);
    assert_int_equal(config_set(&c, "auth.argon2_time=1", err, sizeof(err)), -1);
    assert_int_equal(config_set(&c, "server.idle_timeout=soon", err, sizeof(err)), -1);
    assert_non_null(strstr(err, "duration"));
    assert_int_equal(config_set(&c, "server.nosuch=1", err, sizeof(err)), -1);
    assert_non_null(strstr(err, "unknown setting server.nosuch"));
    assert_int_equal(config_set(&c, "port=1", err, sizeof(err)), -1);
    assert_int_equal(config_set(&c, "server.port", err, sizeof(err)), -1);
    config_free(&c);
}

static char *write_temp(const char *text)
{
    static char path[512];
    const char *dir = getenv("TMPDIR");
    snprintf(path, sizeof(path), "%s/agency-test-config-XXXXXX", dir && *dir ? dir : P_tmpdir);
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    return path;
}

static void test_ini_file(void **state)
{
    (void)state;
    struct config c;
    char err[256];
    config_defaults(&c);
    char *path = write_temp("; a comment\n"
                            "[server]\n"
                            "port = 7600\n"
                            "idle_timeout = 2m\n"
                            "log_level = debug\n"
                            "[auth]\n"
                            "lockout_failures = 3\n");
    assert_int_equal(config_load_file(&c, path, err, sizeof(err)), 0);
    unlink(path);
    assert_int_equal(c.port, 7600);
    assert_int_equal(c.idle_timeout, 120);
    assert_string_equal(c.log_level, "debug");
    assert_int_equal(c.lockout_failures, 3);
    assert_int_equal(c.workers, 4); /* untouched keys keep their defaults */

    path = write_temp("[server]\nport = 7600\n\n[tls]\ncertificate = x.pem\n");
    assert_int_equal(config_load_file(&c, path, err, sizeof(err)), -1);
    unlink(path);
    assert_non_null(strstr(err, ":5:"));
    assert_non_null(strstr(err, "unknown setting tls.certificate"));

    path = write_temp("[server]\nworkers = 0\n");
    assert_int_equal(config_load_file(&c, path, err, sizeof(err)), -1);
    unlink(path);
    assert_non_null(strstr(err, "server.workers"));

    assert_int_equal(config_load_file(&c, "/nonexistent/agencyd.conf", err, sizeof(err)), -1);
    assert_non_null(strstr(err, "cannot open"));
    config_free(&c);
}

static void test_validate(void **state)
{
    (void)state;
    struct config c;
    char err[256];
    config_defaults(&c);
    assert_int_equal(config_validate(&c, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "tls.cert"));
    char *cert = strdup(write_temp("not really a certificate\n"));
    config_set_kv(&c, "tls", "cert", cert, err, sizeof(err));
    config_set_kv(&c, "tls", "key", "/nonexistent/server.key", err, sizeof(err));
    assert_int_equal(config_validate(&c, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "tls.key"));
    config_set_kv(&c, "tls", "key", cert, err, sizeof(err));
    assert_int_equal(config_validate(&c, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "database.conninfo"));
    config_set_kv(&c, "database", "conninfo", "dbname=agency", err, sizeof(err));
    assert_int_equal(config_validate(&c, err, sizeof(err)), 0);
    config_set_kv(&c, "server", "log_level", "loud", err, sizeof(err));
    assert_int_equal(config_validate(&c, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "log_level"));
    config_set_kv(&c, "server", "log_level", "warn", err, sizeof(err));
    config_set_kv(&c, "server", "max_frame_prelogin", "65536", err, sizeof(err));
    config_set_kv(&c, "server", "max_frame", "8192", err, sizeof(err));
    assert_int_equal(config_validate(&c, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "max_frame_prelogin"));
    unlink(cert);
    free(cert);
    config_free(&c);
}

static void test_masking(void **state)
{
    (void)state;
    char buf[256];
    assert_string_equal(
        config_mask_conninfo("host=/run/pg user=app password=s3cret dbname=a", buf, sizeof(buf)),
        "host=/run/pg user=app password=*** dbname=a");
    assert_string_equal(config_mask_conninfo("password='two words' user=app", buf, sizeof(buf)),
                        "password=*** user=app");
    assert_string_equal(
        config_mask_conninfo("postgresql://app:s3cret@localhost/agency", buf, sizeof(buf)),
        "postgresql://app:***@localhost/agency");
    assert_string_equal(config_mask_conninfo("dbname=agency", buf, sizeof(buf)), "dbname=agency");

    struct config c;
    char err[64];
    config_defaults(&c);
    config_set_kv(&c, "database", "conninfo", "user=app password=topsecret", err, sizeof(err));
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);
    config_print(&c, f);
    fclose(f);
    assert_null(strstr(out, "topsecret"));
    assert_non_null(strstr(out, "conninfo = user=app password=***"));
    assert_non_null(strstr(out, "session_absolute_timeout = 12h"));
    assert_non_null(strstr(out, "[auth]"));
    free(out);
    config_free(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_durations), cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_overrides), cmocka_unit_test(test_ini_file),
        cmocka_unit_test(test_validate),  cmocka_unit_test(test_masking),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
