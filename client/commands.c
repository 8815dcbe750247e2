/* commands.c - one command line to built-ins or to an operation of the catalogue. */
#include "commands.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "forms.h"
#include "help.h"
#include "prompt.h"
#include "show.h"

enum conn_status commands_send(struct app *a, const struct grammar_args *args, struct conn_reply *r,
                               char *err, size_t errlen)
{
    msgpack_sbuffer sb;
    msgpack_packer pk;
    const struct meta_op *op = args->op;
    /* a write is sent again after a reconnect only with its idempotency key */
    bool retry_safe = !op->mutating || meta_arg_find(op, "idempotency_key") != NULL;
    msgpack_sbuffer_init(&sb);
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    grammar_pack(args, &pk);
    enum conn_status s = conn_call(a->conn, op->name, sb.data, sb.size, retry_safe, r, err, errlen);
    memset(sb.data, 0, sb.size); /* may hold a password */
    msgpack_sbuffer_destroy(&sb);
    return s;
}

enum cmd_status commands_simple(struct app *a, const char *method)
{
    struct conn_reply r;
    char err[256];
    enum conn_status s = conn_call(a->conn, method, NULL, 0, true, &r, err, sizeof(err));
    enum cmd_status st = app_call_status(a, s, &r, err);
    if (st == CMD_OK)
        st = show_result(a, r.result);
    conn_reply_free(&r);
    return st;
}

enum cmd_status commands_load_meta(struct app *a)
{
    struct conn_reply r;
    char err[256];
    enum conn_status s = conn_call(a->conn, "meta.operations", NULL, 0, true, &r, err, sizeof(err));
    enum cmd_status st = app_call_status(a, s, &r, err);
    if (st == CMD_OK && meta_load(&a->meta, r.result) < 0) {
        app_errorf(a, "the server's operation list could not be read");
        st = CMD_CONN;
    }
    conn_reply_free(&r);
    return st;
}

/* Packs {old_password, new_password} and calls auth.password. */
static enum cmd_status send_password(struct app *a, const char *old, const char *new_pw)
{
    msgpack_sbuffer sb;
    msgpack_packer pk;
    struct conn_reply r;
    char err[256];
    msgpack_sbuffer_init(&sb);
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    msgpack_pack_map(&pk, 2);
    proto_kv_str(&pk, "old_password", old);
    proto_kv_str(&pk, "new_password", new_pw);
    enum conn_status s =
        conn_call(a->conn, "auth.password", sb.data, sb.size, false, &r, err, sizeof(err));
    memset(sb.data, 0, sb.size);
    msgpack_sbuffer_destroy(&sb);
    enum cmd_status st = app_call_status(a, s, &r, err);
    conn_reply_free(&r);
    if (st == CMD_OK)
        printf("Password changed; your other sessions have ended.\n");
    return st;
}

enum cmd_status commands_password(struct app *a, const char *old)
{
    char *cur = old ? strdup(old) : prompt_secret("Current password: ");
    enum cmd_status st = CMD_FAILED;
    if (!cur)
        return CMD_FAILED;
    for (int tries = 0; tries < 5; tries++) {
        char *p1 = prompt_secret("New password: ");
        char *p2 = p1 ? prompt_secret("Repeat new password: ") : NULL;
        if (!p1 || !p2) {
            prompt_wipe(p1);
            prompt_wipe(p2);
            break;
        }
        bool same = strcmp(p1, p2) == 0;
        size_t len = strlen(p1);
        prompt_wipe(p2);
        if (!same || len < 8) {
            printf(!same ? "  The two entries differ; try again.\n"
                         : "  Use at least 8 characters; try again.\n");
            prompt_wipe(p1);
            continue;
        }
        st = send_password(a, cur, p1);
        prompt_wipe(p1);
        break;
    }
    prompt_wipe(cur);
    return st;
}

static enum cmd_status logout(struct app *a)
{
    struct conn_reply r;
    char err[256];
    enum conn_status s = conn_call(a->conn, "auth.logout", NULL, 0, true, &r, err, sizeof(err));
    enum cmd_status st = app_call_status(a, s, &r, err);
    conn_reply_free(&r);
    conn_forget_session(a->conn);
    return st == CMD_OK ? CMD_QUIT : st;
}

/* Reads the record's current values into args (edit forms start from them) and its version. */
static enum cmd_status load_current(struct app *a, struct grammar_args *args, const char *get)
{
    struct conn_reply r;
    char err[256];
    const char *id = grammar_get(args, "id");
    struct grammar_args ga = {.op = meta_find(&a->meta, get)};
    if (!ga.op || !id || grammar_set(&ga, "id", id) < 0) {
        grammar_args_free(&ga);
        return CMD_USAGE;
    }
    enum conn_status s = commands_send(a, &ga, &r, err, sizeof(err));
    grammar_args_free(&ga);
    enum cmd_status st = app_call_status(a, s, &r, err);
    if (st != CMD_OK) {
        conn_reply_free(&r);
        return st;
    }
    bool ask_all = args->n <= 1;
    for (size_t k = 0; k < args->op->nargs; k++) {
        const struct meta_arg *arg = &args->op->args[k];
        const msgpack_object *v = proto_map_get(r.result, arg->name);
        enum render_kind kind;
        if (!v || grammar_get(args, arg->name) || meta_arg_hidden(arg) || arg->type == MT_SECRET)
            continue;
        if (!ask_all && strcmp(arg->name, "version") != 0)
            continue;
        char *text = show_value(v, &kind);
        if (text && kind != RK_JSON)
            grammar_set(args, arg->name, text);
        free(text);
    }
    conn_reply_free(&r);
    return CMD_OK;
}

/* "X edit ID [--flags]": X.update with the version read by X.get; a form when no flags. */
static enum cmd_status edit(struct app *a, struct grammar_args *args)
{
    char get[160];
    snprintf(get, sizeof(get), "%.*s.get", (int)strcspn(args->op->name, "."), args->op->name);
    bool ask_all = args->n <= 1;
    if (ask_all && !a->interactive) {
        app_errorf(a, "nothing to change (give --flags; see help %.*s)",
                   (int)strcspn(args->op->name, "."), args->op->name);
        return CMD_USAGE;
    }
    if (!grammar_get(args, "version") || ask_all) {
        enum cmd_status st = load_current(a, args, get);
        if (st != CMD_OK)
            return st;
    }
    if (ask_all)
        return forms_run(a, args, true);
    struct conn_reply r;
    char err[256];
    enum conn_status s = commands_send(a, args, &r, err, sizeof(err));
    enum cmd_status st = app_call_status(a, s, &r, err);
    if (st == CMD_OK)
        st = show_result(a, r.result);
    conn_reply_free(&r);
    return st;
}

static enum cmd_status run_op(struct app *a, const struct meta_op *op, char *const *words, size_t n)
{
    struct grammar_args args;
    char err[512], missing[256];
    struct conn_reply r;
    enum cmd_status st;
    const char *verb = strchr(op->name, '.');
    if (!strcmp(op->name, "auth.login") || !strcmp(op->name, "auth.resume")) {
        app_errorf(a, "this session is %s's; to work as someone else, start agency -U USER",
                   a->username);
        return CMD_USAGE;
    }
    if (!strcmp(op->name, "auth.logout") && n == 0)
        return logout(a);
    if (!strcmp(op->name, "auth.password") && n == 0 && a->interactive)
        return commands_password(a, NULL);
    if (grammar_parse(op, words, n, &args, err, sizeof(err)) < 0) {
        app_errorf(a, "%s (see help %.*s)", err, (int)strcspn(op->name, "."), op->name);
        return CMD_USAGE;
    }
    if (verb && strcmp(verb, ".update") == 0 && meta_arg_find(op, "version") &&
        grammar_get(&args, "id")) {
        st = edit(a, &args);
        grammar_args_free(&args);
        return st;
    }
    if (grammar_missing(&args, missing, sizeof(missing)) > 0) {
        if (a->interactive && op->mutating) {
            st = forms_run(a, &args, false);
            grammar_args_free(&args);
            return st;
        }
        app_errorf(a, "missing %s (see help %.*s)", missing, (int)strcspn(op->name, "."), op->name);
        grammar_args_free(&args);
        return CMD_USAGE;
    }
    enum conn_status s = commands_send(a, &args, &r, err, sizeof(err));
    grammar_args_free(&args);
    st = app_call_status(a, s, &r, err);
    if (st == CMD_OK)
        st = show_result(a, r.result);
    conn_reply_free(&r);
    return st;
}

static enum cmd_status builtin(struct app *a, char *const *w, size_t n, bool *handled)
{
    *handled = true;
    if (strcmp(w[0], "help") == 0 || strcmp(w[0], "?") == 0)
        return help_run(a, w + 1, n - 1);
    if ((strcmp(w[0], "quit") == 0 || strcmp(w[0], "exit") == 0 || strcmp(w[0], "\\q") == 0) &&
        n == 1)
        return CMD_QUIT;
    if (strcmp(w[0], "whoami") == 0 && n == 1)
        return commands_simple(a, "auth.whoami");
    if (strcmp(w[0], "sessions") == 0 && n == 1)
        return commands_simple(a, "auth.sessions");
    if (strcmp(w[0], "password") == 0 && n == 1) {
        if (!a->interactive) {
            app_errorf(a, "password needs a terminal");
            return CMD_USAGE;
        }
        return commands_password(a, NULL);
    }
    if (strcmp(w[0], "logout") == 0 && n == 1)
        return logout(a);
    *handled = false;
    return CMD_OK;
}

enum cmd_status commands_run(struct app *a, const char *line)
{
    struct grammar_words w;
    char err[256], method[160];
    bool handled;
    enum cmd_status st;
    if (grammar_split(line, &w, err, sizeof(err)) < 0) {
        app_errorf(a, "%s", err);
        return CMD_USAGE;
    }
    if (w.n == 0 || w.v[0][0] == '#') {
        grammar_words_free(&w);
        return CMD_OK;
    }
    st = builtin(a, w.v, w.n, &handled);
    if (!handled) {
        size_t used = grammar_resolve(&a->meta, w.v, w.n, method, sizeof(method));
        if (used) {
            st = run_op(a, meta_find(&a->meta, method), w.v + used, w.n - used);
        } else if (meta_has_noun(&a->meta, w.v[0])) {
            if (w.n > 1)
                app_errorf(a, "%s has no verb \"%s\" that you may use (type help %s)", w.v[0],
                           w.v[1], w.v[0]);
            else
                app_errorf(a, "%s what? (type help %s)", w.v[0], w.v[0]);
            st = CMD_USAGE;
        } else {
            app_errorf(a, "unknown command \"%s\" (type help)", w.v[0]);
            st = CMD_USAGE;
        }
    }
    grammar_words_free(&w);
    return st;
}
