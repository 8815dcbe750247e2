/* complete.c - readline completion of commands from meta.operations. */
#include "complete.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <readline/readline.h>

#include "grammar.h"
#include "noun.h"
#include "vocab.h"

#define COMPLETE_MAX 512

static const struct meta *cat;
static const struct noun *const *nouns;
static char **(*names_lookup)(void *ud, enum noun_conv conv, const char *prefix);
static void *names_ud;
static bool gen_nofilter; /* the candidates are names: quoted, not filtered by prefix */
static char *const *form_choices;
static size_t form_nchoices;
static enum noun_conv form_names; /* a form field that names someone or something */

static const char *const builtins[] = {"help", "whoami", "password", "sessions", "logout",
                                       "next", "clear",  "quit",     "exit"};
static const char *const alias_of[][2] = {{"create", "add"}, {"get", "show"}, {"update", "edit"}};

struct cands {
    char **v;
    size_t n;
};

static void add(struct cands *c, const char *s, size_t len)
{
    if (c->n + 1 >= COMPLETE_MAX)
        return;
    for (size_t i = 0; i < c->n; i++)
        if (strlen(c->v[i]) == len && strncmp(c->v[i], s, len) == 0)
            return;
    char *copy = strndup(s, len);
    if (copy)
        c->v[c->n++] = copy;
}

static void add_str(struct cands *c, const char *s)
{
    add(c, s, strlen(s));
}

/* The nouns of the operations, and those of the command files whose operation is offered. */
static void add_nouns(struct cands *c, const struct meta *m)
{
    for (size_t i = 0; i < m->nops; i++) {
        const char *name = m->ops[i].name;
        if (strcmp(name, "hello") == 0)
            continue;
        add(c, name, strcspn(name, "."));
    }
    for (size_t i = 0; nouns && nouns[i]; i++)
        for (const struct noun_verb *v = nouns[i]->verbs; v->op; v++)
            if (meta_find(m, v->op)) {
                add_str(c, nouns[i]->name);
                break;
            }
}

static void add_verbs(struct cands *c, const struct meta *m, const char *noun)
{
    size_t nl = strlen(noun);
    for (size_t i = 0; i < m->nops; i++) {
        const char *name = m->ops[i].name;
        if (strncmp(name, noun, nl) != 0 || name[nl] != '.')
            continue;
        char verb[128];
        snprintf(verb, sizeof(verb), "%s", name + nl + 1);
        for (char *p = verb; *p; p++)
            if (*p == '_')
                *p = '-';
        add_str(c, verb);
        for (size_t k = 0; k < sizeof(alias_of) / sizeof(alias_of[0]); k++)
            if (strcmp(verb, alias_of[k][0]) == 0)
                add_str(c, alias_of[k][1]);
    }
}

/* The argument of op that the flag word names (as its vocabulary spells it or by its own name),
   or NULL. */
static const struct meta_arg *flag_arg(const struct meta_op *op, const char *word)
{
    char name[128];
    const char *eq = strchr(word, '=');
    size_t len = eq ? (size_t)(eq - word - 2) : strlen(word + 2);
    const struct noun_flag *f = vocab_flag(vocab_row(nouns, op->name), op, word + 2, len);
    if (f)
        return meta_arg_find(op, f->arg);
    snprintf(name, sizeof(name), "%.*s", (int)len, word + 2);
    for (char *p = name; *p; p++)
        if (*p == '-')
            *p = '_';
    return meta_arg_find(op, name);
}

/* True when some word before upto gives arg (in any spelling). */
static bool arg_present(const struct meta_op *op, const struct grammar_words *w, size_t upto,
                        const struct meta_arg *arg)
{
    for (size_t i = 0; i < upto; i++)
        if (strncmp(w->v[i], "--", 2) == 0 && w->v[i][2] && flag_arg(op, w->v[i]) == arg)
            return true;
    return false;
}

/* Words after the verb (up to cur) that are values, not --flags or their values. */
static size_t count_positional(const struct meta_op *op, const struct grammar_words *w, size_t from,
                               size_t cur)
{
    size_t n = 0;
    for (size_t i = from; i < cur; i++) {
        if (strncmp(w->v[i], "--", 2) != 0) {
            n++;
            continue;
        }
        const struct meta_arg *arg = flag_arg(op, w->v[i]);
        if (arg && arg->type != MT_BOOL && !strchr(w->v[i], '='))
            i++; /* its value */
    }
    return n;
}

static void add_names(struct cands *c, enum noun_conv conv, const char *word, char open_quote);

/* Flags of op not yet typed, or the values of the flag just before the word: its choices, or
   the names it takes. True when the candidates are names (not to be filtered again). */
static bool add_args(struct cands *c, const struct meta_op *op, const struct grammar_words *w,
                     size_t from, size_t cur, const char *word, char open_quote)
{
    if (cur > 0 && strncmp(w->v[cur - 1], "--", 2) == 0 && !strchr(w->v[cur - 1], '=')) {
        const struct meta_arg *arg = flag_arg(op, w->v[cur - 1]);
        struct vocab_word vw;
        if (arg && arg->type != MT_BOOL) {
            vocab_word(nouns, op, arg, &vw);
            if (vw.conv != NOUN_AS_TYPED && !arg->nchoices) {
                add_names(c, vw.conv, word, open_quote);
                return true;
            }
            for (size_t k = 0; k < arg->nchoices; k++)
                add_str(c, arg->choices[k]);
            return false;
        }
    }
    if (word[0] != '-' && word[0] != '\0')
        return false;
    size_t positional = count_positional(op, w, from, cur);
    for (size_t k = 0; k < op->nargs; k++) {
        const struct meta_arg *arg = &op->args[k];
        struct vocab_word vw;
        if (meta_arg_hidden(arg) || arg_present(op, w, cur, arg))
            continue;
        vocab_word(nouns, op, arg, &vw);
        if ((arg->required || vw.positional) && positional > 0) { /* given as a positional word */
            positional--;
            continue;
        }
        add_str(c, vw.flag);
    }
    return false;
}

/* The row of the command files that the words before cur name (noun and verb, or a noun used
   alone), with the index of its first positional word in *first; NULL when none. */
static const struct noun_verb *row_of(const struct grammar_words *w, size_t cur, size_t *first)
{
    const struct noun *noun = nouns ? noun_find(nouns, w->v[0]) : NULL;
    if (!noun)
        return NULL;
    if (noun_alone(noun)) {
        const struct noun_verb *v = noun_verb(noun, NULL);
        *first = v->lead ? 2 : 1;
        return v;
    }
    *first = 2;
    return cur >= 2 ? noun_verb(noun, w->v[1]) : NULL;
}

/* Is word number cur a CLIENT of its command (a row's positional CLIENT)? */
static bool client_position(const struct meta *m, const struct grammar_words *w, size_t cur)
{
    size_t first = 0;
    if (cur < 2 || (cur > 0 && strncmp(w->v[cur - 1], "--", 2) == 0 && !strchr(w->v[cur - 1], '=')))
        return false;
    const struct noun_verb *v = row_of(w, cur, &first);
    if (!v || v->first != NOUN_CLIENT || cur < first || !meta_find(m, v->op))
        return false;
    if (v->pos == NOUN_POS_ALL)
        return true;
    if (v->pos == NOUN_POS_TEXT)
        return cur < w->n && w->v[cur][0] != '\0'; /* a search word being typed */
    size_t pos = 0;
    for (size_t i = first; i < cur; i++)
        pos += strncmp(w->v[i], "--", 2) != 0;
    return v->pos == NOUN_POS_FIRST && pos == 0;
}

/* Quotes name for the command line: "..." with \" and \\ escaped. malloc'd. */
static char *quote_name(const char *name)
{
    size_t n = strlen(name);
    char *q = malloc(2 * n + 3), *o = q;
    if (!q)
        return NULL;
    *o++ = '"';
    for (const char *p = name; *p; p++) {
        if (*p == '"' || *p == '\\')
            *o++ = '\\';
        *o++ = *p;
    }
    *o++ = '"';
    *o = '\0';
    return q;
}

static bool needs_quotes(const char *s)
{
    return strpbrk(s, " \t\"'\\") != NULL;
}

/* The server's names of what conv names for word into c: quoted when any needs it and no quote
   is open (open_quote is the quote typed before the word, or 0). */
static void add_names(struct cands *c, enum noun_conv conv, const char *word, char open_quote)
{
    char **names = names_lookup ? names_lookup(names_ud, conv, word) : NULL;
    bool quote = false;
    for (char **p = names; p && *p && !open_quote; p++)
        quote |= needs_quotes(*p);
    for (char **p = names; p && *p; p++) {
        if (open_quote == '\'' && strchr(*p, '\''))
            continue; /* cannot be written inside single quotes */
        if (quote) {
            char *q = quote_name(*p);
            if (q)
                add_str(c, q);
            free(q);
        } else if (open_quote == '"' && strpbrk(*p, "\"\\")) {
            char *q = quote_name(*p);
            if (q) {
                q[strlen(q) - 1] = '\0';
                add_str(c, q + 1);
            }
            free(q);
        } else {
            add_str(c, *p);
        }
    }
    complete_free(names);
}

/* Splits line for completion: an unterminated quote is closed (its character in *open). */
static int split_open(const char *line, struct grammar_words *w, char *open)
{
    char err[64];
    *open = 0;
    if (grammar_split(line, w, err, sizeof(err)) == 0)
        return 0;
    size_t len = strlen(line);
    char *closed = malloc(len + 2);
    if (!closed)
        return -1;
    for (const char *q = "\"'"; *q; q++) {
        memcpy(closed, line, len);
        closed[len] = *q;
        closed[len + 1] = '\0';
        if (grammar_split(closed, w, err, sizeof(err)) == 0 && w->n > 0) {
            *open = *q;
            free(closed);
            return 0;
        }
    }
    free(closed);
    return -1;
}

/* The argument that the first word after noun is, for a noun used alone ("log KIND"). */
static const struct meta_arg *lead_arg(const struct meta *m, const char *name)
{
    const struct noun *noun = nouns ? noun_find(nouns, name) : NULL;
    const struct noun_verb *v = noun ? noun_verb(noun, NULL) : NULL;
    const struct meta_op *op = v && v->lead ? meta_find(m, v->op) : NULL;
    return op ? meta_arg_find(op, v->lead) : NULL;
}

char **complete_candidates(const struct meta *m, const char *line)
{
    struct grammar_words w;
    char method[160], open_quote;
    struct cands c = {calloc(COMPLETE_MAX, sizeof(char *)), 0};
    gen_nofilter = false;
    if (!c.v)
        return NULL;
    if (form_names != NOUN_AS_TYPED) { /* the whole line is the name */
        add_names(&c, form_names, line, 0);
        for (size_t i = 0; i < c.n; i++) /* a form takes the name as it is, unquoted */
            if (c.v[i][0] == '"') {
                char *q = c.v[i];
                memmove(q, q + 1, strlen(q));
                q[strlen(q) - 1] = '\0';
            }
        gen_nofilter = true;
        return c.v;
    }
    if (form_choices) {
        const char *sp = strrchr(line, ' ');
        const char *typed = sp ? sp + 1 : line;
        for (size_t i = 0; i < form_nchoices; i++)
            if (strncmp(form_choices[i], typed, strlen(typed)) == 0)
                add_str(&c, form_choices[i]);
        return c.v;
    }
    if (split_open(line, &w, &open_quote) < 0)
        return c.v;
    size_t len = strlen(line);
    bool new_word = !open_quote && (len == 0 || line[len - 1] == ' ' || line[len - 1] == '\t');
    size_t cur = new_word ? w.n : w.n - 1; /* index of the word being completed */
    const char *word = new_word ? "" : w.v[cur];

    if (cur == 0) {
        add_nouns(&c, m);
        for (size_t i = 0; i < sizeof(builtins) / sizeof(builtins[0]); i++)
            add_str(&c, builtins[i]);
    } else if (cur == 1 && strcmp(w.v[0], "help") == 0) {
        add_nouns(&c, m);
    } else if (cur == 1 && lead_arg(m, w.v[0])) {
        const struct meta_arg *lead = lead_arg(m, w.v[0]);
        for (size_t k = 0; k < lead->nchoices; k++)
            add_str(&c, lead->choices[k]);
    } else if (cur == 1) {
        add_verbs(&c, m, w.v[0]);
    } else if (word[0] != '-' && client_position(m, &w, cur)) {
        add_names(&c, NOUN_CLIENT, word, open_quote);
        gen_nofilter = true;
    } else {
        size_t first = 2;
        const struct noun_verb *row = row_of(&w, cur, &first);
        const struct meta_op *op = row ? meta_find(m, row->op) : NULL;
        if (!op) {
            size_t used = grammar_resolve(m, w.v, cur, method, sizeof(method));
            op = used ? meta_find(m, method) : NULL;
            first = used;
        }
        if (op)
            gen_nofilter = add_args(&c, op, &w, first, cur, word, open_quote);
    }
    if (gen_nofilter) {
        c.v[c.n] = NULL;
        grammar_words_free(&w);
        return c.v;
    }
    /* keep only what starts with the word typed */
    size_t keep = 0, wl = strlen(word);
    for (size_t i = 0; i < c.n; i++) {
        if (strncmp(c.v[i], word, wl) == 0)
            c.v[keep++] = c.v[i];
        else
            free(c.v[i]);
    }
    c.v[keep] = NULL;
    grammar_words_free(&w);
    return c.v;
}

void complete_free(char **cands)
{
    if (!cands)
        return;
    for (char **p = cands; *p; p++)
        free(*p);
    free(cands);
}

static char **gen_list;
static size_t gen_index;

static char *generator(const char *text, int state)
{
    size_t tl = strlen(text);
    if (!gen_list)
        return NULL;
    if (state == 0)
        gen_index = 0;
    for (char *s; (s = gen_list[gen_index]) != NULL;) {
        gen_index++;
        if (gen_nofilter || strncmp(s, text, tl) == 0)
            return strdup(s);
    }
    return NULL;
}

static char **attempt(const char *text, int start, int end)
{
    (void)start;
    rl_attempted_completion_over = 1; /* never fall back to file names */
    char *upto = strndup(rl_line_buffer, (size_t)end);
    if (!upto || !cat)
        return free(upto), NULL;
    complete_free(gen_list);
    gen_list = complete_candidates(cat, upto);
    free(upto);
    if (!gen_list || !gen_list[0])
        return NULL;
    return rl_completion_matches(text, generator);
}

void complete_init(const struct meta *m, const struct noun *const *table)
{
    cat = m;
    nouns = table;
    rl_readline_name = "agency";
    rl_attempted_completion_function = attempt;
    rl_basic_word_break_characters = " \t";
    rl_completer_word_break_characters = " \t";
    rl_completer_quote_characters = "\"'";
}

void complete_set_lookup(char **(*lookup)(void *ud, enum noun_conv conv, const char *prefix),
                         void *ud)
{
    names_lookup = lookup;
    names_ud = ud;
}

void complete_set_names(enum noun_conv conv)
{
    form_names = conv;
}

void complete_set_choices(char *const *choices, size_t n)
{
    form_choices = choices;
    form_nchoices = n;
}
