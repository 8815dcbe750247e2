/* commands.c - one command line to a built-in, a command of client/cmd/, or an operation. */
#include "commands.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "call.h"
#include "grammar.h"
#include "help.h"
#include "run.h"
#include "session.h"
#include "verb.h"

static enum cmd_status builtin(struct app *a, char *const *w, size_t n, bool *handled)
{
    *handled = true;
    if (strcmp(w[0], "help") == 0 || strcmp(w[0], "?") == 0)
        return help_run(a, w + 1, n - 1);
    if ((strcmp(w[0], "quit") == 0 || strcmp(w[0], "exit") == 0 || strcmp(w[0], "\\q") == 0) &&
        n == 1)
        return CMD_QUIT;
    if (strcmp(w[0], "whoami") == 0 && n == 1)
        return call_simple(a, "auth.whoami");
    if (strcmp(w[0], "sessions") == 0 && n == 1)
        return call_simple(a, "auth.sessions");
    if (strcmp(w[0], "password") == 0 && n == 1) {
        if (!a->interactive) {
            app_errorf(a, "password needs a terminal");
            return CMD_USAGE;
        }
        return session_password(a, NULL);
    }
    if (strcmp(w[0], "logout") == 0 && n == 1)
        return session_logout(a);
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

/* The command words after built-ins: the commands of client/cmd/, then the generic mapping
   onto operations. */
static enum cmd_status run_words(struct app *a, struct grammar_words *w)
{
    char method[160];
    bool handled;
    enum cmd_status st = verb_run(a, w->v, w->n, &handled);
    if (handled)
        return st;
    size_t used = grammar_resolve(&a->meta, w->v, w->n, method, sizeof(method));
    if (used)
        return run_op(a, meta_find(&a->meta, method), w->v + used, w->n - used);
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
