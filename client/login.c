/* login.c - start-up: connect, authenticate, forced password change, catalogue. */
#include "login.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

static void remember_user(struct app *a, const msgpack_object *result)
{
    const msgpack_object *user = proto_map_get(result, "user");
    const char *s;
    size_t len;
    if (proto_get_str(user, "username", &s, &len, sizeof(a->username) - 1) == PG_OK) {
        memcpy(a->username, s, len);
        a->username[len] = '\0';
    }
    if (proto_get_u64(user, "id", &a->user_id, 1, UINT64_MAX) != PG_OK)
        a->user_id = 0;
    if (proto_get_str(user, "role", &s, &len, sizeof(a->role) - 1) == PG_OK) {
        memcpy(a->role, s, len);
        a->role[len] = '\0';
    }
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
    return session_load_meta(a) == CMD_OK ? CMD_OK : CMD_CONN;
}
