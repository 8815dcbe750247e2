/* verb.c - command lines through the command files' rows onto the operations. */
#include "verb.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grammar.h"
#include "resolve.h"
#include "run.h"
#include "value.h"

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

enum cmd_status verb_convert(struct app *a, enum noun_conv conv, const char *text, uint64_t *id)
{
    switch (conv) {
    case NOUN_USER:
        return resolve_user(a, text, id);
    case NOUN_TEAM:
        return resolve_team(a, text, id);
    case NOUN_CLIENT:
        return resolve_client(a, text, id);
    default:
        return CMD_OK;
    }
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

/* The row of the verb's flag table for "--word[=...]", or NULL. */
static const struct noun_flag *renamed(const struct noun_flag *map, const char *word)
{
    const char *eq = strchr(word, '=');
    size_t len = eq ? (size_t)(eq - word - 2) : strlen(word + 2);
    for (const struct noun_flag *m = map; m && m->flag; m++)
        if (strlen(m->flag) == len && strncmp(m->flag, word + 2, len) == 0)
            return m;
    return NULL;
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
    enum cmd_status st = verb_convert(c->a, m->conv, value, &id);
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
        const struct noun_flag *m = renamed(c->verb->flags, word);
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

/* NOUN_POS_TEXT: the positional words joined by blanks as the text of first_arg. */
static enum cmd_status push_text(struct verb_call *c)
{
    char flag[140];
    size_t len = 1;
    for (size_t i = 0; i < c->npos; i++)
        len += strlen(c->pos[i]) + 1;
    char *text = calloc(1, len);
    if (!text)
        return CMD_FAILED;
    for (size_t i = 0; i < c->npos; i++) {
        if (i)
            strcat(text, " ");
        strcat(text, c->pos[i]);
    }
    grammar_flag_name(c->verb->first_arg, flag, sizeof(flag));
    int rc = verb_push(c, flag) < 0 || verb_push(c, text) < 0 ? -1 : 0;
    free(text);
    return rc < 0 ? CMD_FAILED : CMD_OK;
}

enum cmd_status verb_finish(struct verb_call *c)
{
    const struct noun_verb *v = c->verb;
    size_t from = 0;
    if (v->pos == NOUN_POS_TEXT && c->npos) {
        enum cmd_status st = push_text(c);
        if (st != CMD_OK)
            return st;
        from = c->npos;
    } else if (v->pos == NOUN_POS_FIRST && c->npos) {
        char flag[140];
        uint64_t id;
        enum cmd_status st = verb_convert(c->a, v->first, c->pos[0], &id);
        if (st != CMD_OK)
            return st;
        grammar_flag_name(v->first_arg, flag, sizeof(flag));
        if (verb_push_id(c, flag, id) < 0)
            return CMD_FAILED;
        from = 1;
    }
    for (size_t i = from; i < c->npos; i++)
        if (verb_push(c, c->pos[i]) < 0)
            return CMD_FAILED;
    return run_op(c->a, c->op, c->v, c->n);
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
    if (!verb || (!op && !verb->always))
        return CMD_OK;
    struct verb_call c = {
        .a = a, .noun = noun, .verb = verb, .op = op, .in = w + used, .nin = n - used};
    enum cmd_status st;
    if (verb->run)
        st = verb->run(&c);
    else if ((st = verb_rewrite(&c)) == CMD_OK)
        st = verb_finish(&c);
    *handled = !c.pass;
    call_free(&c);
    return st;
}
