/* login.c - start-up: connect, authenticate, forced password change, catalogue. */
#include "login.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "session.h"
#include "prompt.h"

static char *ask_user(struct app *a)
{
    if (a->set.user)
        return strdup(a->set.user);
    if (!isatty(STDIN_FILENO) && !a->interactive)
        return NULL;
    char *u = prompt_line("User: ", NULL);
    if (u && !*u) {
        free(u);
        return NULL;
    }
    return u;
}

static char *ask_password(struct app *a, const char *user)
{
    char p[300];
    if (a->set.password)
        return strdup(a->set.password);
    char *pw = settings_passfile_lookup(a->set.passfile, a->set.host, a->set.port, user, stderr);
    if (pw)
        return pw;
    if (access("/dev/tty", R_OK | W_OK) != 0 && !isatty(STDIN_FILENO))
        return NULL;
    snprintf(p, sizeof(p), "Password for %s: ", user);
    return prompt_secret(p);
}

/* Copies the string key of map into out (size outlen); false when absent or too long. */
static bool copy_field(const msgpack_object *map, const char *key, char *out, size_t outlen)
{
    const char *s;
    size_t len;
    if (proto_get_str(map, key, &s, &len, outlen - 1) != PG_OK)
        return false;
    memcpy(out, s, len);
    out[len] = '\0';
    return true;
}

static void remember_user(struct app *a, const msgpack_object *result)
{
    const msgpack_object *user = proto_map_get(result, "user");
    copy_field(user, "username", a->username, sizeof(a->username));
    if (proto_get_u64(user, "id", &a->user_id, 1, UINT64_MAX) != PG_OK)
        a->user_id = 0;
    copy_field(user, "role", a->role, sizeof(a->role));
}

/* A time zone name as IANA spells them (Europe/Istanbul, UTC, Etc/GMT+3). */
static bool zone_name(const char *z)
{
    if (!*z || z[0] == '/' || strstr(z, ".."))
        return false;
    for (const char *p = z; *p; p++)
        if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
              *p == '/' || *p == '_' || *p == '-' || *p == '+'))
            return false;
    return true;
}

/* The user's branch from auth.whoami; times are shown in its zone unless TZ says otherwise. */
static void learn_branch(struct app *a)
{
    struct conn_reply r;
    char err[256], zone[64];
    if (conn_call(a->conn, "auth.whoami", NULL, 0, true, &r, err, sizeof(err)) == CONN_OK) {
        const msgpack_object *user = proto_map_get(r.result, "user");
        copy_field(user, "branch_name", a->branch, sizeof(a->branch));
        const char *tz = getenv("TZ");
        if ((!tz || !*tz) && copy_field(user, "branch_timezone", zone, sizeof(zone)) &&
            zone_name(zone)) {
            setenv("TZ", zone, 1);
            tzset();
        }
    }
    conn_reply_free(&r);
}

/* The server wants a new password before anything else. */
static enum cmd_status forced_change(struct app *a, const char *password)
{
    if (!a->interactive) {
        app_errorf(a, "the password of %s must be changed first: log in at a terminal",
                   a->username);
        return CMD_CONN;
    }
    printf("Your password must be changed before you continue.\n");
    enum cmd_status st = session_password(a, password);
    return st == CMD_OK ? CMD_OK : CMD_CONN;
}

enum cmd_status login_run(struct app *a)
{
    char err[512];
    struct conn_reply r;
    bool must_change = false;

    if (conn_open(a->conn, err, sizeof(err)) < 0) {
        if (!a->set.ca && strstr(err, "not trusted"))
            app_errorf(a, "%s (give the CA certificate with --ca or AGENCY_CA)", err);
        else
            app_errorf(a, "%s", err);
        return CMD_CONN;
    }
    char *user = ask_user(a);
    if (!user) {
        app_errorf(a, "no user name (use -U, AGENCY_USER or the config file)");
        return CMD_CONN;
    }
    char *password = ask_password(a, user);
    if (!password) {
        app_errorf(a, "no password for %s (AGENCY_PASSWORD, a password file, or a terminal)", user);
        free(user);
        return CMD_CONN;
    }
    enum conn_status s = conn_login(a->conn, user, password, &r, err, sizeof(err));
    free(user);
    enum cmd_status st = app_call_status(a, s, &r, err);
    if (st == CMD_OK) {
        remember_user(a, r.result);
        proto_get_bool(r.result, "must_change_password", &must_change);
    }
    conn_reply_free(&r);
    if (st == CMD_OK && must_change)
        st = forced_change(a, password);
    prompt_wipe(password);
    if (st != CMD_OK)
        return CMD_CONN;
    if (session_load_meta(a) != CMD_OK)
        return CMD_CONN;
    if (a->interactive || a->set.format == RENDER_TABLE)
        learn_branch(a);
    return CMD_OK;
}
