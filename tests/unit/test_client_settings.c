/* test_client_settings.c - the client's settings: flags over AGENCY_* over the config file over
   defaults, bad values as usage errors, the password file (wildcards, escapes, mode 0600 only),
   and which command lines are kept out of the history. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "history.h"
#include "meta.h"
#include "settings.h"

static char dir[] = "/tmp/agency-settings-XXXXXX";
static char conf[256], passfile[256];

static void clear_env(void)
{
    const char *vars[] = {"AGENCY_HOST",   "AGENCY_PORT",   "AGENCY_USER",     "AGENCY_CA",
                          "AGENCY_CERT",   "AGENCY_KEY",    "AGENCY_PASSWORD", "AGENCY_PASSFILE",
                          "AGENCY_FORMAT", "AGENCY_CONFIG", "NO_COLOR"};
    for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++)
        unsetenv(vars[i]);
}

static int setup(void **state)
{
    (void)state;
    assert_non_null(mkdtemp(dir));
    snprintf(conf, sizeof(conf), "%s/agency.conf", dir);
    snprintf(passfile, sizeof(passfile), "%s/passfile", dir);
    FILE *f = fopen(conf, "w");
    fputs("[connection]\nhost = conf.example\nport = 7000\nuser = conf.user\nca = /conf/ca.crt\n"
          "[display]\nformat = csv\npager = off\n",
          f);
    fclose(f);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    unlink(conf);
    unlink(passfile);
    rmdir(dir);
    return 0;
}

static enum settings_result load(struct settings *s, int argc, char **argv, char *err)
{
    FILE *out = fopen("/dev/null", "w");
    enum settings_result r = settings_load(s, argc, argv, out, err, 256);
    fclose(out);
    return r;
}

static void test_defaults(void **state)
{
    (void)state;
    struct settings s;
    char err[256];
    char *argv[] = {"agency", NULL};
    clear_env();
    setenv("AGENCY_CONFIG", "/nonexistent/agency.conf", 1);
    assert_int_equal(load(&s, 1, argv, err), SETTINGS_USAGE); /* an explicit file must exist */
    settings_free(&s);
    setenv("HOME", dir, 1);
    unsetenv("AGENCY_CONFIG");
    unsetenv("XDG_CONFIG_HOME");
    assert_int_equal(load(&s, 1, argv, err), SETTINGS_OK);
    assert_string_equal(s.host, "localhost");
    assert_int_equal(s.port, 7420);
    assert_null(s.user);
    assert_null(s.ca);
    assert_int_equal(s.format, RENDER_TABLE);
    assert_true(s.pager);
    settings_free(&s);
}

static void test_precedence(void **state)
{
    (void)state;
    struct settings s;
    char err[256];
    clear_env();
    setenv("AGENCY_CONFIG", conf, 1);
    char *argv0[] = {"agency", NULL};
    assert_int_equal(load(&s, 1, argv0, err), SETTINGS_OK);
    assert_string_equal(s.host, "conf.example");
    assert_int_equal(s.port, 7000);
    assert_string_equal(s.user, "conf.user");
    assert_string_equal(s.ca, "/conf/ca.crt");
    assert_int_equal(s.format, RENDER_CSV);
    assert_false(s.pager);
    settings_free(&s);

    setenv("AGENCY_HOST", "env.example", 1);
    setenv("AGENCY_PORT", "7100", 1);
    setenv("AGENCY_FORMAT", "json", 1);
    assert_int_equal(load(&s, 1, argv0, err), SETTINGS_OK);
    assert_string_equal(s.host, "env.example");
    assert_int_equal(s.port, 7100);
    assert_string_equal(s.user, "conf.user");
    assert_int_equal(s.format, RENDER_JSON);
    settings_free(&s);

    char *argv[] = {"agency",       "-h",        "flag.example", "-p",    "7200",
                    "-U",           "flag.user", "--format",     "table", "--ca",
                    "/flag/ca.crt", "-c",        "user list",    NULL};
    assert_int_equal(load(&s, 13, argv, err), SETTINGS_OK);
    assert_string_equal(s.host, "flag.example");
    assert_int_equal(s.port, 7200);
    assert_string_equal(s.user, "flag.user");
    assert_string_equal(s.ca, "/flag/ca.crt");
    assert_int_equal(s.format, RENDER_TABLE);
    assert_string_equal(s.command, "user list");
    settings_free(&s);
    clear_env();
}

static void test_usage_errors(void **state)
{
    (void)state;
    struct settings s;
    char err[256];
    clear_env();
    setenv("AGENCY_CONFIG", conf, 1);
    char *bad_port[] = {"agency", "-p", "70000", NULL};
    assert_int_equal(load(&s, 3, bad_port, err), SETTINGS_USAGE);
    assert_non_null(strstr(err, "bad port"));
    settings_free(&s);
    char *bad_format[] = {"agency", "--format", "xml", NULL};
    assert_int_equal(load(&s, 3, bad_format, err), SETTINGS_USAGE);
    settings_free(&s);
    char *both[] = {"agency", "-c", "whoami", "-f", "x", NULL};
    assert_int_equal(load(&s, 5, both, err), SETTINGS_USAGE);
    settings_free(&s);
    char *stray[] = {"agency", "user", "list", NULL};
    assert_int_equal(load(&s, 3, stray, err), SETTINGS_USAGE);
    settings_free(&s);
    char *missing[] = {"agency", "-U", NULL};
    assert_int_equal(load(&s, 2, missing, err), SETTINGS_USAGE);
    settings_free(&s);
    char *version[] = {"agency", "--version", NULL};
    assert_int_equal(load(&s, 2, version, err), SETTINGS_EXIT);
    settings_free(&s);
    setenv("AGENCY_PORT", "x", 1);
    char *plain[] = {"agency", NULL};
    assert_int_equal(load(&s, 1, plain, err), SETTINGS_USAGE);
    settings_free(&s);
    clear_env();
}

static void write_passfile(const char *text, mode_t mode)
{
    FILE *f = fopen(passfile, "w");
    fputs(text, f);
    fclose(f);
    chmod(passfile, mode);
}

static void test_passfile(void **state)
{
    (void)state;
    FILE *warn = fopen("/dev/null", "w");
    write_passfile("# comment\n"
                   "other.host:7420:li.wei:wrong\n"
                   "desk.example:7420:li.wei:pa\\:ss\\\\word\n"
                   "*:*:sam.carter:finance-pw\n",
                   0600);
    char *pw = settings_passfile_lookup(passfile, "desk.example", 7420, "li.wei", warn);
    assert_non_null(pw);
    assert_string_equal(pw, "pa:ss\\word");
    free(pw);
    pw = settings_passfile_lookup(passfile, "any.host", 9999, "sam.carter", warn);
    assert_non_null(pw);
    assert_string_equal(pw, "finance-pw");
    free(pw);
    assert_null(settings_passfile_lookup(passfile, "desk.example", 7421, "li.wei", warn));
    /* readable by others: ignored */
    write_passfile("*:*:*:secret\n", 0644);
    assert_null(settings_passfile_lookup(passfile, "desk.example", 7420, "li.wei", warn));
    chmod(passfile, 0600);
    pw = settings_passfile_lookup(passfile, "desk.example", 7420, "li.wei", warn);
    assert_non_null(pw);
    free(pw);
    assert_null(settings_passfile_lookup("/nonexistent", "h", 1, "u", warn));
    fclose(warn);
}

static void test_history_secrets(void **state)
{
    (void)state;
    struct meta m = {0};
    struct meta_arg pw_args[] = {{.name = "old_password", .type = MT_SECRET, .required = true},
                                 {.name = "new_password", .type = MT_SECRET, .required = true},
                                 {.name = NULL}};
    struct meta_arg create_args[] = {{.name = "username", .type = MT_STR, .required = true},
                                     {.name = "pin", .type = MT_SECRET},
                                     {.name = NULL}};
    struct meta_arg id_args[] = {{.name = "id", .type = MT_ID, .required = true}, {.name = NULL}};
    assert_int_equal(meta_add(&m, "auth.password", "", true, pw_args), 0);
    assert_int_equal(meta_add(&m, "user.create", "", true, create_args), 0);
    assert_int_equal(meta_add(&m, "user.reset_password", "", true, id_args), 0);
    assert_int_equal(meta_add(&m, "user.list", "", false, NULL), 0);
    assert_true(history_is_secret(&m, "password"));
    assert_true(history_is_secret(&m, "auth password old new-one"));
    assert_true(history_is_secret(&m, "user reset-password 7"));
    assert_true(history_is_secret(&m, "user create bob --pin 1234"));
    assert_true(history_is_secret(&m, "user create bob --password=abc"));
    assert_true(history_is_secret(&m, "user add \"unterminated password"));
    assert_false(history_is_secret(&m, "user list --role ae"));
    assert_false(history_is_secret(&m, "whoami"));
    meta_free(&m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),        cmocka_unit_test(test_precedence),
        cmocka_unit_test(test_usage_errors),    cmocka_unit_test(test_passfile),
        cmocka_unit_test(test_history_secrets),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
