/* grammar.c - command words to an operation and its typed argument map. */
#include "grammar.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto.h"
#include "value.h"

/* ---- splitting ---- */

static int push_word(struct grammar_words *w, const char *buf, size_t len)
{
    char **v = realloc(w->v, (w->n + 1) * sizeof(char *));
    if (!v)
        return -1;
    w->v = v;
    if (!(v[w->n] = strndup(buf, len)))
        return -1;
    w->n++;
    return 0;
}

void grammar_words_free(struct grammar_words *w)
{
    for (size_t i = 0; i < w->n; i++)
        free(w->v[i]);
    free(w->v);
    w->v = NULL;
    w->n = 0;
}

int grammar_split(const char *line, struct grammar_words *w, char *err, size_t errlen)
{
    size_t len = strlen(line), blen = 0;
    char *buf = malloc(len + 1);
    bool inword = false;
    char quote = 0;

    w->v = NULL;
    w->n = 0;
    if (!buf)
        goto nomem;
    for (size_t i = 0; i < len; i++) {
        char c = line[i];
        if (quote == '\'') {
            if (c == '\'')
                quote = 0;
            else
                buf[blen++] = c;
        } else if (quote == '"') {
            if (c == '"')
                quote = 0;
            else if (c == '\\' && i + 1 < len && (line[i + 1] == '"' || line[i + 1] == '\\'))
                buf[blen++] = line[++i];
            else
                buf[blen++] = c;
        } else if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            if (inword && push_word(w, buf, blen) < 0)
                goto nomem;
            inword = false;
            blen = 0;
        } else {
            inword = true;
            if (c == '\'' || c == '"')
                quote = c;
            else if (c == '\\' && i + 1 < len)
                buf[blen++] = line[++i];
            else
                buf[blen++] = c;
        }
    }
    if (quote) {
        snprintf(err, errlen, "unterminated %s quote", quote == '"' ? "double" : "single");
        free(buf);
        grammar_words_free(w);
        return -1;
    }
    if (inword && push_word(w, buf, blen) < 0)
        goto nomem;
    free(buf);
    return 0;
nomem:
    free(buf);
    grammar_words_free(w);
    snprintf(err, errlen, "out of memory");
    return -1;
}

/* ---- resolving ---- */

static const char *const verb_alias[][2] = {
    {"add", "create"}, {"show", "get"}, {"edit", "update"}, {"ls", "list"}};

size_t grammar_resolve(const struct meta *m, char *const *words, size_t n, char *out, size_t outlen)
{
    if (n == 0)
        return 0;
    if (n >= 2 && words[1][0] != '-') {
        char verb[64];
        snprintf(verb, sizeof(verb), "%s", words[1]);
        for (char *p = verb; *p; p++)
            if (*p == '-')
                *p = '_';
        snprintf(out, outlen, "%s.%s", words[0], verb);
        if (meta_find(m, out))
            return 2;
        for (size_t i = 0; i < sizeof(verb_alias) / sizeof(verb_alias[0]); i++) {
            if (strcmp(verb, verb_alias[i][0]) == 0) {
                snprintf(out, outlen, "%s.%s", words[0], verb_alias[i][1]);
                if (meta_find(m, out))
                    return 2;
            }
        }
    }
    snprintf(out, outlen, "%s", words[0]);
    if (!strchr(words[0], '.') && meta_find(m, out))
        return 1;
    /* "user.list" typed as the full operation name */
    if (strchr(words[0], '.') && meta_find(m, out))
        return 1;
    return 0;
}

/* ---- arguments ---- */

void grammar_flag_name(const char *arg, char *out, size_t outlen)
{
    snprintf(out, outlen, "--%s", arg);
    for (char *p = out + 2; *p; p++)
        if (*p == '_')
            *p = '-';
}

void grammar_args_free(struct grammar_args *a)
{
    for (size_t i = 0; i < a->n; i++)
        free(a->v[i].text);
    free(a->v);
    a->v = NULL;
    a->n = 0;
}

static struct grammar_val *find_val(const struct grammar_args *a, const char *name)
{
    for (size_t i = 0; i < a->n; i++)
        if (strcmp(a->v[i].arg->name, name) == 0)
            return &a->v[i];
    return NULL;
}

const char *grammar_get(const struct grammar_args *a, const char *name)
{
    struct grammar_val *v = find_val(a, name);
    return v ? v->text : NULL;
}

void grammar_unset(struct grammar_args *a, const char *name)
{
    struct grammar_val *v = find_val(a, name);
    if (!v)
        return;
    free(v->text);
    *v = a->v[--a->n];
}

int grammar_set(struct grammar_args *a, const char *name, const char *text)
{
    const struct meta_arg *arg = meta_arg_find(a->op, name);
    if (!arg)
        return -1;
    char *copy = strdup(text);
    if (!copy)
        return -1;
    struct grammar_val *v = find_val(a, name);
    if (v) {
        free(v->text);
        v->text = copy;
        return 0;
    }
    struct grammar_val *nv = realloc(a->v, (a->n + 1) * sizeof(*nv));
    if (!nv) {
        free(copy);
        return -1;
    }
    a->v = nv;
    nv[a->n].arg = arg;
    nv[a->n].text = copy;
    a->n++;
    return 0;
}

/* Handles one "--flag[=value]" word at words[*i]; may consume the next word. */
static int parse_flag(const struct meta_op *op, char *const *words, size_t n, size_t *i,
                      struct grammar_args *out, char *err, size_t errlen)
{
    char name[128];
    const char *word = words[*i] + 2, *eq = strchr(word, '='), *value = NULL;
    size_t len = eq ? (size_t)(eq - word) : strlen(word);
    bool negated = false;

    if (len == 0 || len >= sizeof(name)) {
        snprintf(err, errlen, "bad option %s", words[*i]);
        return -1;
    }
    memcpy(name, word, len);
    name[len] = '\0';
    for (char *p = name; *p; p++)
        if (*p == '-')
            *p = '_';
    const struct meta_arg *arg = meta_arg_find(op, name);
    if (!arg && strncmp(name, "no_", 3) == 0 && !eq) {
        arg = meta_arg_find(op, name + 3);
        negated = arg && arg->type == MT_BOOL;
        if (!negated)
            arg = NULL;
    }
    if (!arg || meta_arg_hidden(arg)) {
        snprintf(err, errlen, "unknown option --%.*s for %s", (int)len, word, op->name);
        return -1;
    }
    if (eq)
        value = eq + 1;
    else if (arg->type == MT_BOOL)
        value = negated ? "false" : "true";
    else if (*i + 1 < n)
        value = words[++*i];
    else {
        snprintf(err, errlen, "option --%.*s needs a value", (int)len, word);
        return -1;
    }
    char why[160];
    if (value_check(arg, value, why, sizeof(why)) < 0) {
        snprintf(err, errlen, "--%.*s %s", (int)len, word, why);
        return -1;
    }
    const char *prev = grammar_get(out, arg->name);
    if (prev && (arg->type == MT_ID_LIST || arg->type == MT_CIDR_LIST)) {
        size_t total = strlen(prev) + strlen(value) + 2;
        char *joined = malloc(total);
        if (!joined)
            return -1;
        snprintf(joined, total, "%s,%s", prev, value);
        int rc = grammar_set(out, arg->name, joined);
        free(joined);
        return rc;
    }
    return grammar_set(out, arg->name, value);
}

static int fill_positionals(const struct meta_op *op, char *const *pos, size_t npos,
                            struct grammar_args *out, char *err, size_t errlen)
{
    size_t next = 0;
    for (size_t k = 0; k < op->nargs && next < npos; k++) {
        const struct meta_arg *arg = &op->args[k];
        if (!arg->required || meta_arg_hidden(arg) || grammar_get(out, arg->name))
            continue;
        char why[160];
        if (value_check(arg, pos[next], why, sizeof(why)) < 0) {
            snprintf(err, errlen, "%s %s", arg->name, why);
            return -1;
        }
        if (grammar_set(out, arg->name, pos[next]) < 0)
            return -1;
        next++;
    }
    if (next < npos) {
        snprintf(err, errlen, "unexpected argument \"%s\"", pos[next]);
        return -1;
    }
    return 0;
}

int grammar_parse(const struct meta_op *op, char *const *words, size_t n, struct grammar_args *out,
                  char *err, size_t errlen)
{
    char **pos = calloc(n ? n : 1, sizeof(char *));
    size_t npos = 0;

    out->op = op;
    out->v = NULL;
    out->n = 0;
    if (!pos)
        goto fail;
    for (size_t i = 0; i < n; i++) {
        if (strncmp(words[i], "--", 2) == 0 && words[i][2] != '\0') {
            if (parse_flag(op, words, n, &i, out, err, errlen) < 0)
                goto fail;
        } else {
            pos[npos++] = words[i];
        }
    }
    if (fill_positionals(op, pos, npos, out, err, errlen) < 0)
        goto fail;
    free(pos);
    return 0;
fail:
    free(pos);
    grammar_args_free(out);
    out->op = op;
    return -1;
}

void grammar_pack(const struct grammar_args *a, msgpack_packer *pk)
{
    const struct meta_arg *idem = meta_arg_find(a->op, "idempotency_key");
    bool add_key = idem && !grammar_get(a, "idempotency_key");
    msgpack_pack_map(pk, (uint32_t)a->n + (add_key ? 1 : 0));
    for (size_t i = 0; i < a->n; i++) {
        proto_pack_cstr(pk, a->v[i].arg->name);
        value_pack(pk, a->v[i].arg, a->v[i].text);
    }
    if (add_key) {
        char uuid[37];
        value_uuid(uuid);
        proto_kv_str(pk, "idempotency_key", uuid);
    }
}
