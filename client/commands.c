/* commands.c - one command line: a backslash command, a built-in, a command of client/cmd/, or
   an operation; with the display options of the line taken out first. */
#include "commands.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "call.h"
#include "grammar.h"
#include "help.h"
#include "interrupt.h"
#include "page.h"
#include "run.h"
#include "session.h"
#include "verb.h"

#define WATCH_DEFAULT_S 2
#define WATCH_MAX_S     86400

static enum cmd_status builtin(struct app *a, char *const *w, size_t n, bool *handled)
{
    *handled = true;
    if (strcmp(w[0], "help") == 0 || strcmp(w[0], "?") == 0)
        return help_run(a, w + 1, n - 1);
    if ((strcmp(w[0], "quit") == 0 || strcmp(w[0], "exit") == 0) && n == 1)
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
    if (strcmp(w[0], "next") == 0 && n == 1)
        return page_next(a);
    if (strcmp(w[0], "clear") == 0 && n == 1) {
        if (isatty(STDOUT_FILENO))
            fputs("\033[H\033[2J", stdout);
        fflush(stdout);
        return CMD_OK;
    }
    *handled = false;
    return CMD_OK;
}

/* Removes words[i..i+drop) from w. */
static void drop_words(struct grammar_words *w, size_t i, size_t drop)
{
    for (size_t k = i; k < i + drop; k++)
        free(w->v[k]);
    memmove(&w->v[i], &w->v[i + drop], (w->n - i - drop) * sizeof(char *));
    w->n -= drop;
}

/* The value of display option name at w->v[i] ("--name value" or "--name=value"), with the
   number of words it takes in *drop; NULL when the word is not that option. */
static const char *option_at(const struct grammar_words *w, size_t i, const char *name,
                             bool takes_value, size_t *drop)
{
    size_t nl = strlen(name);
    const char *word = w->v[i];
    if (strncmp(word, "--", 2) != 0 || strncmp(word + 2, name, nl) != 0)
        return NULL;
    if (!takes_value && word[2 + nl] == '\0')
        return *drop = 1, "";
    if (takes_value && word[2 + nl] == '=')
        return *drop = 1, word + 3 + nl;
    if (takes_value && word[2 + nl] == '\0' && i + 1 < w->n)
        return *drop = 2, w->v[i + 1];
    return NULL;
}

/* Takes this line's display options out of w: --format table|csv|json, --expanded,
   --columns a,b,c and --all, each only when the command's operation has no argument of that
   name itself. 0, or -1 for a bad value (message printed). */
static int take_options(struct app *a, struct grammar_words *w, char **columns)
{
    char method[160];
    size_t used = grammar_resolve(&a->meta, w->v, w->n, method, sizeof(method));
    const struct meta_op *op = used ? meta_find(&a->meta, method) : NULL;
    for (size_t i = 1; i < w->n;) {
        size_t drop = 0;
        const char *v;
        if ((!op || !meta_arg_find(op, "format")) && (v = option_at(w, i, "format", true, &drop))) {
            int f = settings_format(v);
            if (f < 0) {
                app_errorf(a, "--format must be table, csv or json");
                return -1;
            }
            a->set.format = (enum render_format)f;
        } else if ((!op || !meta_arg_find(op, "expanded")) &&
                   option_at(w, i, "expanded", false, &drop)) {
            a->cmd.expanded = true;
        } else if ((!op || !meta_arg_find(op, "all")) && option_at(w, i, "all", false, &drop)) {
            a->cmd.all = true;
        } else if ((!op || !meta_arg_find(op, "columns")) &&
                   (v = option_at(w, i, "columns", true, &drop))) {
            free(*columns);
            *columns = strdup(v);
            a->cmd.columns = *columns;
        }
        if (drop)
            drop_words(w, i, drop);
        else
            i++;
    }
    return 0;
}

/* "X Y --help": help for the words before it. 1 when there was one (status in *st). */
static int help_flag(struct app *a, const struct grammar_words *w, enum cmd_status *st)
{
    for (size_t i = 0; i < w->n; i++)
        if (strcmp(w->v[i], "--help") == 0) {
            size_t words = 0;
            while (words < i && words < 2 && w->v[words][0] != '-')
                words++;
            *st = help_run(a, w->v, words);
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
        return verb_run_op(a, meta_find(&a->meta, method), w->v + used, w->n - used);
    if (verb_refused(a, w->v, w->n))
        return CMD_USAGE;
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

/* One line of words with its display options. */
static enum cmd_status run_line(struct app *a, struct grammar_words *w)
{
    bool handled;
    char *columns = NULL;
    enum cmd_status st;
    if (help_flag(a, w, &st))
        return st;
    st = builtin(a, w->v, w->n, &handled);
    if (handled)
        return st;
    enum render_format keep = a->set.format;
    if (take_options(a, w, &columns) < 0)
        st = CMD_USAGE;
    else if (w->n == 1 && a->cmd.all && strcmp(w->v[0], "next") == 0)
        st = page_next(a);
    else
        st = run_words(a, w);
    a->set.format = keep;
    memset(&a->cmd, 0, sizeof(a->cmd));
    free(columns);
    return st;
}

/* \x [on|off|auto]: the expanded display, as psql (no argument: on <-> off). */
static enum cmd_status expanded(struct app *a, const char *arg)
{
    static const char *const names[] = {"auto", "on", "off"};
    if (!*arg)
        a->expand = a->expand == RENDER_EXPAND_ON ? RENDER_EXPAND_OFF : RENDER_EXPAND_ON;
    else if (strcmp(arg, "on") == 0)
        a->expand = RENDER_EXPAND_ON;
    else if (strcmp(arg, "off") == 0)
        a->expand = RENDER_EXPAND_OFF;
    else if (strcmp(arg, "auto") == 0)
        a->expand = RENDER_EXPAND_AUTO;
    else {
        app_errorf(a, "\\x takes on, off or auto");
        return CMD_USAGE;
    }
    printf("Expanded display is %s.\n", names[a->expand]);
    return CMD_OK;
}

/* \timing [on|off] */
static enum cmd_status timing(struct app *a, const char *arg)
{
    if (!*arg)
        a->timing = !a->timing;
    else if (strcmp(arg, "on") == 0 || strcmp(arg, "off") == 0)
        a->timing = strcmp(arg, "on") == 0;
    else {
        app_errorf(a, "\\timing takes on or off");
        return CMD_USAGE;
    }
    printf("Timing is %s.\n", a->timing ? "on" : "off");
    return CMD_OK;
}

static char last_line[4096]; /* what \watch repeats */

/* \watch [N] [COMMAND]: runs COMMAND (or the last command) every N seconds until Ctrl-C or a
   failure, each time under a line with the command and the time. */
static enum cmd_status watch(struct app *a, const char *arg)
{
    char *end;
    long secs = strtol(arg, &end, 10);
    if (end == arg)
        secs = WATCH_DEFAULT_S;
    while (*end == ' ')
        end++;
    char command[sizeof(last_line)];
    snprintf(command, sizeof(command), "%s", *end ? end : last_line);
    if (secs < 1 || secs > WATCH_MAX_S || !command[0] || command[0] == '\\') {
        app_errorf(a,
                   "usage: \\watch [SECONDS] [COMMAND] (1 to %d seconds; repeats the last "
                   "command when none is given)",
                   WATCH_MAX_S);
        return CMD_USAGE;
    }
    enum cmd_status st = CMD_OK;
    while (st == CMD_OK && !interrupt_pending()) {
        char when[32];
        time_t now = time(NULL);
        struct tm tm;
        strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", localtime_r(&now, &tm));
        printf("%s (every %lds)  %s\n\n", command, secs, when);
        st = commands_run(a, command);
        if (st == CMD_OK && interrupt_sleep((int)secs * 1000))
            break;
        printf("\n");
    }
    interrupt_clear();
    return st == CMD_QUIT ? CMD_QUIT : CMD_OK;
}

/* A psql-style backslash command (\x, \timing, \watch, \q, \?). */
static enum cmd_status backslash(struct app *a, const char *line)
{
    size_t n = strcspn(line, " \t");
    const char *arg = line + n;
    while (*arg == ' ' || *arg == '\t')
        arg++;
    if (n == 2 && strncmp(line, "\\x", 2) == 0)
        return expanded(a, arg);
    if (n == 7 && strncmp(line, "\\timing", 7) == 0)
        return timing(a, arg);
    if (n == 6 && strncmp(line, "\\watch", 6) == 0)
        return watch(a, arg);
    if (n == 2 && strncmp(line, "\\q", 2) == 0)
        return CMD_QUIT;
    if (n == 2 && strncmp(line, "\\?", 2) == 0)
        return help_run(a, NULL, 0);
    app_errorf(a, "unknown command \"%.*s\" (\\x, \\timing, \\watch, \\q)", (int)n, line);
    return CMD_USAGE;
}

static double seconds_since(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

enum cmd_status commands_run(struct app *a, const char *line)
{
    struct grammar_words w;
    char err[256];
    struct timespec t0;
    enum cmd_status st;
    while (*line == ' ' || *line == '\t')
        line++;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (line[0] == '\\')
        return backslash(a, line);
    if (grammar_split(line, &w, err, sizeof(err)) < 0) {
        app_errorf(a, "%s", err);
        return CMD_USAGE;
    }
    if (w.n == 0 || w.v[0][0] == '#') {
        grammar_words_free(&w);
        return CMD_OK;
    }
    if (strcmp(w.v[0], "next") != 0)
        snprintf(last_line, sizeof(last_line), "%s", line);
    st = run_line(a, &w);
    grammar_words_free(&w);
    if (a->timing) {
        FILE *out = a->set.format == RENDER_TABLE ? stdout : stderr;
        fprintf(out, "Time: %.3f ms\n", seconds_since(&t0) * 1000.0);
        fflush(out);
    }
    return st;
}
