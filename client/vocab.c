/* vocab.c - operation arguments in the words people type. */
#include "vocab.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "grammar.h"

/* The flags every operation gets for the ids it takes, unless its row says otherwise. */
static const struct noun_flag defaults[] = {
    {"owner", "owner_id", NOUN_USER},     {"user", "user_id", NOUN_USER},
    {"manager", "manager_id", NOUN_USER}, {"team", "team_id", NOUN_TEAM},
    {"client", "client_id", NOUN_CLIENT}, {"branch", "branch_id", NOUN_BRANCH},
    {NULL, NULL, NOUN_AS_TYPED}};

static const char *const conv_names[] = {[NOUN_AS_TYPED] = "",
                                         [NOUN_USER] = "USER",
                                         [NOUN_TEAM] = "TEAM",
                                         [NOUN_CLIENT] = "CLIENT",
                                         [NOUN_BRANCH] = "BRANCH"};

const struct noun_verb *vocab_row(const struct noun *const *nouns, const char *op)
{
    return noun_verb_of_op(nouns, op);
}

/* The row's (or else the default) flag entry for argument name, or NULL. */
static const struct noun_flag *flag_for_arg(const struct noun_verb *row, const char *name)
{
    for (const struct noun_flag *f = row ? row->flags : NULL; f && f->flag; f++)
        if (strcmp(f->arg, name) == 0)
            return f;
    for (const struct noun_flag *f = defaults; f->flag; f++)
        if (strcmp(f->arg, name) == 0)
            return f;
    return NULL;
}

static void type_placeholder(const struct meta_arg *arg, char *out, size_t outlen)
{
    size_t off = 0;
    out[0] = '\0';
    switch (arg->type) {
    case MT_BOOL:
        return;
    case MT_ID:
        snprintf(out, outlen, "ID");
        return;
    case MT_U64:
    case MT_I64:
        snprintf(out, outlen, "N");
        return;
    case MT_DATE:
        snprintf(out, outlen, "DATE");
        return;
    case MT_TIMESTAMP:
        snprintf(out, outlen, "TIME");
        return;
    case MT_ID_LIST:
        snprintf(out, outlen, "ID,...");
        return;
    case MT_CIDR_LIST:
        snprintf(out, outlen, "CIDR,...");
        return;
    case MT_ENUM:
        for (size_t c = 0; c < arg->nchoices && off < outlen; c++)
            off += (size_t)snprintf(out + off, outlen - off, "%s%s", c ? "|" : "", arg->choices[c]);
        return;
    default:
        snprintf(out, outlen, "TEXT");
        return;
    }
}

void vocab_word(const struct noun *const *nouns, const struct meta_op *op,
                const struct meta_arg *arg, struct vocab_word *w)
{
    const struct noun_verb *row = vocab_row(nouns, op->name);
    const struct noun_flag *f = flag_for_arg(row, arg->name);
    memset(w, 0, sizeof(*w));
    if (f && meta_arg_find(op, f->flag) && strcmp(f->flag, arg->name) != 0)
        f = NULL; /* the operation has an argument of the flag's own name: it keeps it */
    w->conv = f ? f->conv : NOUN_AS_TYPED;
    grammar_flag_name(f ? f->flag : arg->name, w->flag, sizeof(w->flag));
    if (w->conv != NOUN_AS_TYPED)
        snprintf(w->placeholder, sizeof(w->placeholder), "%s", conv_names[w->conv]);
    else
        type_placeholder(arg, w->placeholder, sizeof(w->placeholder));
    if (row && row->first_arg && strcmp(row->first_arg, arg->name) == 0 &&
        (row->pos == NOUN_POS_FIRST || row->pos == NOUN_POS_TEXT || row->pos == NOUN_POS_ALL)) {
        w->positional = true;
        if (row->first != NOUN_AS_TYPED && row->pos != NOUN_POS_TEXT) {
            w->conv = row->first;
            snprintf(w->placeholder, sizeof(w->placeholder), "%s%s", conv_names[row->first],
                     row->pos == NOUN_POS_ALL ? "..." : "");
        } else {
            snprintf(w->placeholder, sizeof(w->placeholder), "TEXT");
        }
    }
}

const struct noun_flag *vocab_flag(const struct noun_verb *row, const struct meta_op *op,
                                   const char *word, size_t len)
{
    char name[64];
    if (!op || len == 0 || len >= sizeof(name))
        return NULL;
    for (const struct noun_flag *f = row ? row->flags : NULL; f && f->flag; f++)
        if (strlen(f->flag) == len && strncmp(f->flag, word, len) == 0)
            return f;
    snprintf(name, sizeof(name), "%.*s", (int)len, word);
    for (char *p = name; *p; p++)
        if (*p == '-')
            *p = '_';
    if (meta_arg_find(op, name))
        return NULL; /* typed as the argument is named */
    for (const struct noun_flag *f = defaults; f->flag; f++)
        if (strcmp(f->flag, name) == 0 && meta_arg_find(op, f->arg))
            return f;
    return NULL;
}

/* The first word of a blank-separated list into out. */
static void first_word(const char *list, char *out, size_t outlen)
{
    snprintf(out, outlen, "%.*s", (int)strcspn(list, " "), list);
}

void vocab_command(const struct noun *const *nouns, const char *op, char *out, size_t outlen)
{
    static const char *const alias[][2] = {{"create", "add"}, {"get", "show"}, {"update", "edit"}};
    char verb[64];
    for (size_t i = 0; nouns && nouns[i]; i++)
        for (const struct noun_verb *v = nouns[i]->verbs; v->op; v++)
            if (strcmp(v->op, op) == 0) {
                if (!v->words) {
                    snprintf(out, outlen, "%s", nouns[i]->name);
                    return;
                }
                first_word(v->words, verb, sizeof(verb));
                snprintf(out, outlen, "%s %s", nouns[i]->name, verb);
                return;
            }
    const char *dot = strchr(op, '.');
    if (!dot) {
        snprintf(out, outlen, "%s", op);
        return;
    }
    snprintf(verb, sizeof(verb), "%s", dot + 1);
    for (size_t i = 0; i < sizeof(alias) / sizeof(alias[0]); i++)
        if (strcmp(verb, alias[i][0]) == 0)
            snprintf(verb, sizeof(verb), "%s", alias[i][1]);
    for (char *p = verb; *p; p++)
        if (*p == '_')
            *p = '-';
    snprintf(out, outlen, "%.*s %s", (int)(dot - op), op, verb);
}

static bool ident_char(char c)
{
    return isalnum((unsigned char)c) || c == '_';
}

void vocab_translate(const struct noun *const *nouns, const struct meta_op *op, const char *text,
                     char *out, size_t outlen)
{
    static const char *const wire[] = {" (send the version you read)", NULL};
    size_t o = 0;
    if (!outlen)
        return;
    for (const char *p = text; *p && o + 1 < outlen;) {
        bool dropped = false;
        for (const char *const *d = wire; *d && !dropped; d++) /* what the client does itself */
            if (strncmp(p, *d, strlen(*d)) == 0) {
                p += strlen(*d);
                dropped = true;
            }
        if (dropped)
            continue;
        size_t n = 0;
        while (ident_char(p[n]))
            n++;
        bool word_start = p == text || (!ident_char(p[-1]) && p[-1] != '-');
        char name[64];
        const struct meta_arg *arg = NULL;
        if (n && word_start && n < sizeof(name) && op) {
            snprintf(name, sizeof(name), "%.*s", (int)n, p);
            arg = meta_arg_find(op, name);
        }
        bool colon = arg && p[n] == ':';
        bool is_true = colon && strncmp(p + n, ": true", 6) == 0 && !ident_char(p[n + 6]);
        bool unless = arg && arg->type == MT_BOOL && p - text >= 7 && !strncmp(p - 7, "unless ", 7);
        if (arg && (strchr(name, '_') || colon || unless) && !meta_arg_hidden(arg)) {
            struct vocab_word w;
            vocab_word(nouns, op, arg, &w);
            const char *said = w.positional ? w.placeholder : w.flag;
            if (is_true && o >= 5 && strncmp(out + o - 5, "send ", 5) == 0)
                memcpy(out + o - 5, "add ", 4), o--; /* "send force: true" -> "add --force" */
            o += (size_t)snprintf(out + o, outlen - o, "%s", said);
            p += n + (is_true ? 6 : 0);
            if (o >= outlen)
                o = outlen - 1;
            continue;
        }
        size_t copy = n ? n : 1;
        if (o + copy >= outlen)
            copy = outlen - 1 - o;
        memcpy(out + o, p, copy);
        o += copy;
        p += n ? n : 1;
    }
    out[o] = '\0';
}
