/* commands.c - one command line to built-ins or to an operation of the catalogue. */
#include "commands.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd_clients.h"
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

/* Parses words for op into *args: CMD_OK, or CMD_USAGE with the message printed. */
static enum cmd_status parse_args(struct app *a, const struct meta_op *op, char *const *words,
                                  size_t n, struct grammar_args *args)
{
    char err[512];
    if (grammar_parse(op, words, n, args, err, sizeof(err)) < 0) {
        app_errorf(a, "%s (see help %.*s)", err, (int)strcspn(op->name, "."), op->name);
        return CMD_USAGE;
    }
    return CMD_OK;
}

enum cmd_status commands_call_words(struct app *a, const struct meta_op *op, char *const *words,
                                    size_t n, struct conn_reply *r)
{
    struct grammar_args args;
    char err[512], missing[256];
    conn_reply_init(r);
    enum cmd_status st = parse_args(a, op, words, n, &args);
    if (st != CMD_OK)
        return st;
    if (grammar_missing(&args, missing, sizeof(missing)) > 0) {
        app_errorf(a, "missing %s (see help %.*s)", missing, (int)strcspn(op->name, "."), op->name);
        grammar_args_free(&args);
        return CMD_USAGE;
    }
    enum conn_status s = commands_send(a, &args, r, err, sizeof(err));
    grammar_args_free(&args);
    return app_call_status(a, s, r, err);
}

/* Sends args; a "duplicate" answer of an operation with a force flag lists the candidates and,
   at a terminal, asks whether to create the record anyway (then sends it again with force). */
static enum cmd_status send_with_force(struct app *a, struct grammar_args *args)
{
    struct conn_reply r;
    char err[256];
    enum conn_status s = commands_send(a, args, &r, err, sizeof(err));
    enum cmd_status st;
    if (s == CONN_ERROR && r.code == PE_DUPLICATE && meta_arg_find(args->op, "force") &&
        !grammar_get(args, "force")) {
        app_print_error(a, &r);
        cmd_clients_print_candidates(a, r.error);
        conn_reply_free(&r);
        if (!a->interactive) {
            fprintf(stderr, "  (add --force to create it anyway)\n");
            return CMD_FAILED;
        }
        if (!prompt_yes("Create anyway?")) {
            printf("Nothing was created.\n");
            return CMD_FAILED;
        }
        grammar_set(args, "force", "true");
        s = commands_send(a, args, &r, err, sizeof(err));
    }
    st = app_call_status(a, s, &r, err);
    if (st == CMD_OK)
        st = show_result(a, r.result);
    conn_reply_free(&r);
    return st;
}

enum cmd_status commands_run_op(struct app *a, const struct meta_op *op, char *const *words,
                                size_t n)
{
    struct grammar_args args;
    char missing[256];
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
    if ((st = parse_args(a, op, words, n, &args)) != CMD_OK)
        return st;
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
    st = send_with_force(a, &args);
    grammar_args_free(&args);
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

/* Takes a "--format table|csv|json" (or --format=...) out of the words of a command whose
   operation has no format argument of its own; 1 and *fmt set when one was there, -1 for a
   bad value (message printed), 0 when none. */
static int take_format(struct app *a, struct grammar_words *w, enum render_format *fmt)
{
    char method[160];
    size_t used = grammar_resolve(&a->meta, w->v, w->n, method, sizeof(method));
    const struct meta_op *op = used ? meta_find(&a->meta, method) : NULL;
    if (op && meta_arg_find(op, "format"))
        return 0;
    for (size_t i = 1; i < w->n; i++) {
        const char *v = NULL;
        size_t drop = 0;
        if (strcmp(w->v[i], "--format") == 0 && i + 1 < w->n)
            v = w->v[i + 1], drop = 2;
        else if (strncmp(w->v[i], "--format=", 9) == 0)
            v = w->v[i] + 9, drop = 1;
        if (!v)
            continue;
        int f = settings_format(v);
        if (f < 0) {
            app_errorf(a, "--format must be table, csv or json");
            return -1;
        }
        *fmt = (enum render_format)f;
        for (size_t k = i; k < i + drop; k++)
            free(w->v[k]);
        memmove(&w->v[i], &w->v[i + drop], (w->n - i - drop) * sizeof(char *));
        w->n -= drop;
        return 1;
    }
    return 0;
}

/* The command words after built-ins: the client/contact/activity commands, then the generic
   mapping onto operations. */
static enum cmd_status run_words(struct app *a, struct grammar_words *w)
{
    char method[160];
    bool handled;
    enum cmd_status st = cmd_clients_run(a, w->v, w->n, &handled);
    if (handled)
        return st;
    size_t used = grammar_resolve(&a->meta, w->v, w->n, method, sizeof(method));
    if (used)
        return commands_run_op(a, meta_find(&a->meta, method), w->v + used, w->n - used);
    if (meta_has_noun(&a->meta, w->v[0])) {
        if (w->n > 1)
            app_errorf(a, "%s has no verb \"%s\" that you may use (type help %s)", w->v[0], w->v[1],
                       w->v[0]);
        else
            app_errorf(a, "%s what? (type help %s)", w->v[0], w->v[0]);
        return CMD_USAGE;
    }
    app_errorf(a, "unknown command \"%s\" (type help)", w->v[0]);
    return CMD_USAGE;
}

enum cmd_status commands_run(struct app *a, const char *line)
{
    struct grammar_words w;
    char err[256];
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
        enum render_format keep = a->set.format, fmt = keep;
        int took = take_format(a, &w, &fmt);
        if (took < 0) {
            grammar_words_free(&w);
            return CMD_USAGE;
        }
        a->set.format = fmt;
        st = run_words(a, &w);
        a->set.format = keep;
    }
    grammar_words_free(&w);
    return st;
}
