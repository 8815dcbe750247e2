/* grammar.c - command words to an operation and its typed argument map. */
#include "grammar.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/rand.h>

#include "proto.h"

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

static int parse_u64(const char *s, uint64_t *v)
{
    if (*s < '0' || *s > '9')
        return -1;
    char *end;
    errno = 0;
    unsigned long long x = strtoull(s, &end, 10);
    if (errno || *end)
        return -1;
    *v = x;
    return 0;
}

static int parse_i64(const char *s, int64_t *v)
{
    if (!((*s >= '0' && *s <= '9') || ((*s == '-' || *s == '+') && s[1] >= '0' && s[1] <= '9')))
        return -1;
    char *end;
    errno = 0;
    long long x = strtoll(s, &end, 10);
    if (errno || *end)
        return -1;
    *v = x;
    return 0;
}

static int parse_bool(const char *s, bool *v)
{
    static const char *const yes[] = {"true", "yes", "on", "1", "t", "y"};
    static const char *const no[] = {"false", "no", "off", "0", "f", "n"};
    for (size_t i = 0; i < 6; i++) {
        if (strcasecmp(s, yes[i]) == 0)
            return *v = true, 0;
        if (strcasecmp(s, no[i]) == 0)
            return *v = false, 0;
    }
    return -1;
}

static int check_range_u(const struct meta_arg *arg, uint64_t v, char *err, size_t errlen)
{
    if ((arg->has_min && arg->min > 0 && v < (uint64_t)arg->min) ||
        (arg->has_max && arg->max > 0 && v > (uint64_t)arg->max)) {
        snprintf(err, errlen, "must be between %lld and %lld", (long long)arg->min,
                 (long long)arg->max);
        return -1;
    }
    return 0;
}

static int check_text(const struct meta_arg *arg, const char *text, char *err, size_t errlen)
{
    size_t len = strlen(text);
    if (!proto_utf8_valid(text, len)) {
        snprintf(err, errlen, "is not valid UTF-8");
        return -1;
    }
    if (arg->type == MT_STR)
        for (const unsigned char *p = (const unsigned char *)text; *p; p++)
            if (*p < 0x20 || *p == 0x7F) {
                snprintf(err, errlen, "must not contain control characters");
                return -1;
            }
    int64_t chars = (int64_t)proto_utf8_chars(text, len);
    if (arg->has_min && arg->min > 0 && chars < arg->min) {
        snprintf(err, errlen, "must be at least %lld characters", (long long)arg->min);
        return -1;
    }
    if (arg->has_max && arg->max > 0 && chars > arg->max) {
        snprintf(err, errlen, "must be at most %lld characters", (long long)arg->max);
        return -1;
    }
    return 0;
}

static int check_date(const char *s, char *err, size_t errlen)
{
    int y, mo, d;
    char tail;
    if (strlen(s) != 10 || sscanf(s, "%4d-%2d-%2d%c", &y, &mo, &d, &tail) != 3 || mo < 1 ||
        mo > 12 || d < 1 || d > 31) {
        snprintf(err, errlen, "must be a date YYYY-MM-DD");
        return -1;
    }
    return 0;
}

/* Checks each comma-separated item of a list. */
static int check_list(const struct meta_arg *arg, const char *text, char *err, size_t errlen)
{
    int64_t items = 0;
    const char *p = text;
    while (*p) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        char item[256];
        uint64_t v;
        if (len == 0 || len >= sizeof(item)) {
            snprintf(err, errlen, "has an empty or overlong item");
            return -1;
        }
        memcpy(item, p, len);
        item[len] = '\0';
        if (arg->type == MT_ID_LIST && (parse_u64(item, &v) < 0 || v == 0)) {
            snprintf(err, errlen, "must be a comma-separated list of ids");
            return -1;
        }
        items++;
        p += len + (comma ? 1 : 0);
    }
    if ((arg->has_min && items < arg->min) || (arg->has_max && arg->max > 0 && items > arg->max)) {
        snprintf(err, errlen, "must have %lld to %lld items", (long long)arg->min,
                 (long long)arg->max);
        return -1;
    }
    return 0;
}

int grammar_check(const struct meta_arg *arg, const char *text, char *err, size_t errlen)
{
    uint64_t u;
    int64_t i;
    bool b;

    switch (arg->type) {
    case MT_U64:
    case MT_ID:
        if (parse_u64(text, &u) < 0 || (arg->type == MT_ID && u == 0)) {
            snprintf(err, errlen,
                     arg->type == MT_ID ? "must be an id (a positive number)"
                                        : "must be a whole number");
            return -1;
        }
        return check_range_u(arg, u, err, errlen);
    case MT_I64:
        if (parse_i64(text, &i) < 0) {
            snprintf(err, errlen, "must be a whole number");
            return -1;
        }
        if ((arg->has_min && i < arg->min) || (arg->has_max && i > arg->max)) {
            snprintf(err, errlen, "must be between %lld and %lld", (long long)arg->min,
                     (long long)arg->max);
            return -1;
        }
        return 0;
    case MT_BOOL:
        if (parse_bool(text, &b) < 0) {
            snprintf(err, errlen, "must be true or false");
            return -1;
        }
        return 0;
    case MT_ENUM:
        for (size_t k = 0; k < arg->nchoices; k++)
            if (strcmp(text, arg->choices[k]) == 0)
                return 0;
        {
            size_t off = (size_t)snprintf(err, errlen, "must be one of");
            for (size_t k = 0; k < arg->nchoices && off < errlen; k++)
                off += (size_t)snprintf(err + off, errlen - off, "%s %s", k ? "," : "",
                                        arg->choices[k]);
        }
        return -1;
    case MT_DATE:
        return check_date(text, err, errlen);
    case MT_ID_LIST:
    case MT_CIDR_LIST:
        return check_list(arg, text, err, errlen);
    default:
        return check_text(arg, text, err, errlen);
    }
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
    if (grammar_check(arg, value, why, sizeof(why)) < 0) {
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
        if (grammar_check(arg, pos[next], why, sizeof(why)) < 0) {
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

int grammar_missing(const struct grammar_args *a, char *out, size_t outlen)
{
    int missing = 0;
    size_t off = 0;
    if (outlen)
        out[0] = '\0';
    for (size_t k = 0; k < a->op->nargs; k++) {
        const struct meta_arg *arg = &a->op->args[k];
        if (!arg->required || meta_arg_hidden(arg) || grammar_get(a, arg->name))
            continue;
        if (off < outlen)
            off +=
                (size_t)snprintf(out + off, outlen - off, "%s%s", missing ? ", " : "", arg->name);
        missing++;
    }
    return missing;
}

/* ---- packing ---- */

void grammar_uuid(char out[37])
{
    unsigned char b[16];
    if (RAND_bytes(b, sizeof(b)) != 1) {
        /* RAND_bytes failing means no entropy at all: a fixed key would be wrong, so abort */
        abort();
    }
    b[6] = (unsigned char)((b[6] & 0x0F) | 0x40);
    b[8] = (unsigned char)((b[8] & 0x3F) | 0x80);
    snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0],
             b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13],
             b[14], b[15]);
}

static void pack_list(msgpack_packer *pk, const struct meta_arg *arg, const char *text)
{
    uint32_t items = 0;
    for (const char *p = text; *p; p++)
        items += *p == ',';
    msgpack_pack_array(pk, *text ? items + 1 : 0);
    const char *p = text;
    while (*p) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        if (arg->type == MT_ID_LIST)
            msgpack_pack_uint64(pk, strtoull(p, NULL, 10));
        else
            proto_pack_strn(pk, p, len);
        p += len + (comma ? 1 : 0);
    }
}

static void pack_value(msgpack_packer *pk, const struct meta_arg *arg, const char *text)
{
    bool b = false;
    int64_t i = 0;
    switch (arg->type) {
    case MT_U64:
    case MT_ID:
        msgpack_pack_uint64(pk, strtoull(text, NULL, 10));
        break;
    case MT_I64:
        parse_i64(text, &i);
        msgpack_pack_int64(pk, i);
        break;
    case MT_BOOL:
        parse_bool(text, &b);
        if (b)
            msgpack_pack_true(pk);
        else
            msgpack_pack_false(pk);
        break;
    case MT_ID_LIST:
    case MT_CIDR_LIST:
        pack_list(pk, arg, text);
        break;
    default:
        proto_pack_cstr(pk, text);
        break;
    }
}

void grammar_pack(const struct grammar_args *a, msgpack_packer *pk)
{
    const struct meta_arg *idem = meta_arg_find(a->op, "idempotency_key");
    bool add_key = idem && !grammar_get(a, "idempotency_key");
    msgpack_pack_map(pk, (uint32_t)a->n + (add_key ? 1 : 0));
    for (size_t i = 0; i < a->n; i++) {
        proto_pack_cstr(pk, a->v[i].arg->name);
        pack_value(pk, a->v[i].arg, a->v[i].text);
    }
    if (add_key) {
        char uuid[37];
        grammar_uuid(uuid);
        proto_kv_str(pk, "idempotency_key", uuid);
    }
}
