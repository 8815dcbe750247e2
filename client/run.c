/* run.c - the generic path of a command: arguments, form, edit, duplicates, result. */
#include "run.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "call.h"
#include "force.h"
#include "forms.h"
#include "page.h"
#include "session.h"
#include "show.h"

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
    enum conn_status s = call_send(a, &ga, &r, err, sizeof(err));
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

/* Sends args and prints the answer. */
static enum cmd_status send_and_show(struct app *a, struct grammar_args *args)
{
    struct conn_reply r;
    char err[256];
    enum conn_status s = call_send(a, args, &r, err, sizeof(err));
    enum cmd_status st = app_call_status(a, s, &r, err);
    if (st == CMD_OK)
        st = show_result(a, r.result);
    conn_reply_free(&r);
    return st;
}

/* "X edit ID [--flags]": X.update with the version read by X.get; a form when no flags. */
static enum cmd_status edit(struct app *a, struct grammar_args *args)
{
    char get[160];
    snprintf(get, sizeof(get), "%.*s.get", (int)strcspn(args->op->name, "."), args->op->name);
    bool ask_all = args->n <= 1;
    if (ask_all && !a->interactive) {
        call_usage(a, args->op, "nothing to change: give the --flags to change");
        return CMD_USAGE;
    }
    if (!grammar_get(args, "version") || ask_all) {
        enum cmd_status st = load_current(a, args, get);
        if (st != CMD_OK)
            return st;
    }
    if (ask_all)
        return forms_run(a, args, true);
    return send_and_show(a, args);
}

/* Sends args; a "duplicate" answer may be overridden at a terminal (force_offer). */
static enum cmd_status send_with_force(struct app *a, struct grammar_args *args)
{
    struct conn_reply r;
    char err[256];
    enum conn_status s = call_send(a, args, &r, err, sizeof(err));
    int offer = force_offer(a, args, s, &r);
    if (offer < 0)
        return CMD_FAILED;
    if (offer > 0)
        s = call_send(a, args, &r, err, sizeof(err));
    enum cmd_status st = app_call_status(a, s, &r, err);
    if (st == CMD_OK && page_op_pages(args->op))
        st = page_show(a, args, r.result);
    else if (st == CMD_OK)
        st = show_result(a, r.result);
    conn_reply_free(&r);
    return st;
}

enum cmd_status run_op(struct app *a, const struct meta_op *op, char *const *words, size_t n)
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
        return session_logout(a);
    if (!strcmp(op->name, "auth.password") && n == 0 && a->interactive)
        return session_password(a, NULL);
    if ((st = call_parse(a, op, words, n, &args)) != CMD_OK)
        return st;
    if (verb && strcmp(verb, ".update") == 0 && meta_arg_find(op, "version") &&
        grammar_get(&args, "id")) {
        st = edit(a, &args);
        grammar_args_free(&args);
        return st;
    }
    if (call_missing(a, &args, missing, sizeof(missing)) > 0) {
        if (a->interactive && op->mutating) {
            st = forms_run(a, &args, false);
            grammar_args_free(&args);
            return st;
        }
        call_usage(a, op, missing);
        grammar_args_free(&args);
        return CMD_USAGE;
    }
    if (a->cmd.all && !page_op_pages(op)) {
        app_errorf(a, "--all: %s answers in one piece already", op->name);
        st = CMD_USAGE;
    } else {
        st = a->cmd.all ? page_all(a, &args) : send_with_force(a, &args);
    }
    grammar_args_free(&args);
    return st;
}
