/* verb.c - command lines through the command files' rows onto the operations. */
#include "verb.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grammar.h"
#include "resolve.h"
#include "run.h"
#include "value.h"
#include "vocab.h"

#define VERB_MAX_WORDS 1024

int verb_push(struct verb_call *c, const char *word)
{
    if (c->n >= VERB_MAX_WORDS)
        return -1;
    char **v = realloc(c->v, (c->n + 1) * sizeof(char *));
    if (!v)
        return -1;
    c->v = v;
    if (!(v[c->n] = strdup(word)))
        return -1;
    c->n++;
    return 0;
}

int verb_push_id(struct verb_call *c, const char *flag, uint64_t id)
{
    char num[24];
    snprintf(num, sizeof(num), "%llu", (unsigned long long)id);
    if (flag && verb_push(c, flag) < 0)
        return -1;
    return verb_push(c, num);
}

static void call_free(struct verb_call *c)
{
    for (size_t i = 0; i < c->n; i++)
        free(c->v[i]);
    free(c->v);
    free(c->pos);
    c->v = c->pos = NULL;
    c->n = c->npos = 0;
}

/* Does the flag word (an argument of op, not renamed) take the next word as its value? */
static bool takes_value(const struct meta_op *op, const char *word)
{
    char name[128];
    if (strchr(word, '='))
        return false;
    snprintf(name, sizeof(name), "%s", word + 2);
    for (char *p = name; *p; p++)
        if (*p == '-')
            *p = '_';
    const struct meta_arg *arg = op ? meta_arg_find(op, name) : NULL;
    if (!arg && strncmp(name, "no_", 3) == 0)
        return false;
    return !arg || arg->type != MT_BOOL;
}

/* The flag entry for "--word[=...]" (the verb's table, then the defaults), or NULL. */
static const struct noun_flag *renamed(const struct verb_call *c, const char *word)
{
    const char *eq = strchr(word, '=');
    size_t len = eq ? (size_t)(eq - word - 2) : strlen(word + 2);
    return vocab_flag(c->verb, c->op, word + 2, len);
}

/* Pushes the renamed flag m with value, checked or converted. */
static enum cmd_status push_renamed(struct verb_call *c, const struct noun_flag *m,
                                    const char *value)
{
    char flag[140];
    grammar_flag_name(m->arg, flag, sizeof(flag));
    if (m->conv == NOUN_AS_TYPED) {
        char why[160];
        const struct meta_arg *arg = c->op ? meta_arg_find(c->op, m->arg) : NULL;
        if (arg && value_check(arg, value, why, sizeof(why)) < 0) {
            app_errorf(c->a, "--%s %s", m->flag, why); /* named as the person typed it */
            return CMD_USAGE;
        }
        return verb_push(c, flag) < 0 || verb_push(c, value) < 0 ? CMD_FAILED : CMD_OK;
    }
    uint64_t id;
    enum cmd_status st = resolve_conv(c->a, m->conv, value, &id);
    if (st != CMD_OK)
        return st;
    return verb_push_id(c, flag, id) < 0 ? CMD_FAILED : CMD_OK;
}

enum cmd_status verb_rewrite(struct verb_call *c)
{
    c->pos = calloc(c->nin ? c->nin : 1, sizeof(char *));
    if (!c->pos)
        return CMD_FAILED;
    for (size_t i = 0; i < c->nin; i++) {
        const char *word = c->in[i];
        if (strncmp(word, "--", 2) != 0 || word[2] == '\0') {
            c->pos[c->npos++] = c->in[i];
            continue;
        }
        const struct noun_flag *m = renamed(c, word);
        if (!m) {
            if (verb_push(c, word) < 0)
                return CMD_FAILED;
            if (takes_value(c->op, word) && i + 1 < c->nin && verb_push(c, c->in[++i]) < 0)
                return CMD_FAILED;
            continue;
        }
        const char *eq = strchr(word, '=');
        const char *value = eq ? eq + 1 : (i + 1 < c->nin ? c->in[++i] : NULL);
        if (!value) {
            app_errorf(c->a, "option --%s needs a value", m->flag);
            return CMD_USAGE;
        }
        enum cmd_status st = push_renamed(c, m, value);
        if (st != CMD_OK)
            return st;
    }
    return CMD_OK;
}

char *verb_joined(const struct verb_call *c)
{
    size_t len = 1;
    for (size_t i = 0; i < c->npos; i++)
        len += strlen(c->pos[i]) + 1;
    char *text = calloc(1, len);
    for (size_t i = 0; text && i < c->npos; i++) {
        if (i)
            strcat(text, " ");
        strcat(text, c->pos[i]);
    }
    return text;
}

/* True when the flags in c->v give argument name. */
static bool given(const struct verb_call *c, const char *name)
{
    char typed[128];
    for (size_t i = 0; i < c->n; i++) {
        if (strncmp(c->v[i], "--", 2) != 0)
            continue;
        snprintf(typed, sizeof(typed), "%s", c->v[i] + 2);
        typed[strcspn(typed, "=")] = '\0';
        for (char *p = typed; *p; p++)
            if (*p == '-')
                *p = '_';
        if (strcmp(typed, name) == 0 || (strncmp(typed, "no_", 3) == 0 && !strcmp(typed + 3, name)))
            return true;
    }
    return false;
}

/* NOUN_POS_FIRST with more words than arguments left to fill: the words are one name typed
   without quotes ("client show Blue Moon Media"). */
static bool one_name(const struct verb_call *c)
{
    if (c->npos < 2 || !c->op)
        return false;
    for (size_t k = 0; k < c->op->nargs; k++) {
        const struct meta_arg *arg = &c->op->args[k];
        if (!arg->required || meta_arg_hidden(arg) || strcmp(arg->name, c->verb->first_arg) == 0)
            continue;
        if (strcmp(arg->name, "version") == 0 && strstr(c->op->name, ".update"))
            continue; /* read by the client */
        if (!given(c, arg->name))
            return false;
    }
    return true;
}

/* NOUN_POS_TEXT: the positional words joined by blanks as the text of first_arg. */
static enum cmd_status push_text(struct verb_call *c)
{
    char flag[140];
    char *text = verb_joined(c);
    if (!text)
        return CMD_FAILED;
    grammar_flag_name(c->verb->first_arg, flag, sizeof(flag));
    int rc = verb_push(c, flag) < 0 || verb_push(c, text) < 0 ? -1 : 0;
    free(text);
    return rc < 0 ? CMD_FAILED : CMD_OK;
}

enum cmd_status verb_finish(struct verb_call *c)
{
    const struct noun_verb *v = c->verb;
    size_t from = 0;
    if (v && v->pos == NOUN_POS_TEXT && c->npos) {
        enum cmd_status st = push_text(c);
        if (st != CMD_OK)
            return st;
        from = c->npos;
    } else if (v && v->pos == NOUN_POS_FIRST && c->npos) {
        char flag[140];
        uint64_t id;
        bool joined = one_name(c);
        char *name = joined ? verb_joined(c) : strdup(c->pos[0]);
        enum cmd_status st = name ? resolve_conv(c->a, v->first, name, &id) : CMD_FAILED;
        free(name);
        if (st != CMD_OK)
            return st;
        grammar_flag_name(v->first_arg, flag, sizeof(flag));
        if (verb_push_id(c, flag, id) < 0)
            return CMD_FAILED;
        from = joined ? c->npos : 1;
    }
    for (size_t i = from; i < c->npos; i++)
        if (verb_push(c, c->pos[i]) < 0)
            return CMD_FAILED;
    return run_op(c->a, c->op, c->v, c->n);
}

/* Runs the verb (its run, or the generic path) on c and frees c. */
static enum cmd_status run_call(struct verb_call *c, bool *handled)
{
    enum cmd_status st;
    if (c->verb) {
        c->a->cmd.cols = c->verb->cols;
        c->a->cmd.ncols = c->verb->ncols;
    }
    if (c->verb && c->verb->run)
        st = c->verb->run(c);
    else if ((st = verb_rewrite(c)) == CMD_OK)
        st = verb_finish(c);
    if (handled)
        *handled = !c->pass;
    call_free(c);
    return st;
}

/* "agenda: not available to the finance role" when op is one the server lists as not for the
   caller's role. True when said. */
static bool refuse(struct app *a, const char *op)
{
    char command[160];
    if (!op || !meta_denied(&a->meta, op))
        return false;
    vocab_command(a->nouns, op, command, sizeof(command));
    app_errorf(a, "%s: not available to the %s role", command, a->role[0] ? a->role : "your");
    return true;
}

enum cmd_status verb_run(struct app *a, char *const *w, size_t n, bool *handled)
{
    const struct noun *noun = n ? noun_find(a->nouns, w[0]) : NULL;
    const struct noun_verb *verb = NULL;
    size_t used = 1;
    *handled = false;
    if (noun && noun_alone(noun))
        verb = noun_verb(noun, NULL);
    else if (noun && n >= 2 && (verb = noun_verb(noun, w[1])) != NULL)
        used = 2;
    const struct meta_op *op = verb ? meta_find(&a->meta, verb->op) : NULL;
    if (verb && !op && !verb->always && refuse(a, verb->op)) {
        *handled = true;
        return CMD_USAGE;
    }
    if (!verb || (!op && !verb->always))
        return CMD_OK;
    struct verb_call c = {
        .a = a, .noun = noun, .verb = verb, .op = op, .in = w + used, .nin = n - used};
    return run_call(&c, handled);
}

enum cmd_status verb_run_op(struct app *a, const struct meta_op *op, char *const *w, size_t n)
{
    struct verb_call c = {
        .a = a, .verb = vocab_row(a->nouns, op->name), .op = op, .in = w, .nin = n};
    if (c.verb && c.verb->run)
        c.verb = NULL; /* typed by its operation's name: the generic path, with its flags */
    return run_call(&c, NULL);
}

bool verb_refused(struct app *a, char *const *w, size_t n)
{
    static const char *const alias[][2] = {
        {"add", "create"}, {"show", "get"}, {"edit", "update"}, {"ls", "list"}};
    char op[160];
    if (n == 0)
        return false;
    if (refuse(a, w[0]))
        return true;
    if (n < 2)
        return false;
    snprintf(op, sizeof(op), "%s.%s", w[0], w[1]);
    for (char *p = strchr(op, '.'); p && *p; p++)
        if (*p == '-')
            *p = '_';
    if (refuse(a, op))
        return true;
    for (size_t i = 0; i < sizeof(alias) / sizeof(alias[0]); i++)
        if (strcmp(w[1], alias[i][0]) == 0) {
            snprintf(op, sizeof(op), "%s.%s", w[0], alias[i][1]);
            if (refuse(a, op))
                return true;
        }
    return false;
}
