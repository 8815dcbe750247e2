/* help.c - help from the operation catalogue. */
#include "help.h"

#include <stdio.h>
#include <string.h>

#include "grammar.h"
#include "noun.h"
#include "show.h"

static const char *const builtin_help[][2] = {
    {"help [NOUN [VERB]]", "Show commands, a noun's verbs, or one command's arguments"},
    {"whoami", "Show who you are logged in as"},
    {"password", "Change your password (asks without echo)"},
    {"sessions", "List your sessions"},
    {"logout", "End the session and leave"},
    {"quit", "Leave (also exit or Ctrl-D)"},
};

static const char noun_footer[] =
    "CLIENT is an id or a name in any script (Tab completes it); USER an id or user name; "
    "dates YYYY-MM-DD, today, tomorrow, +3d. Every listing takes --format table|csv|json.";

/* help NOUN for a noun of the command files: its rows, then its other operations. Returns
   false when noun is not one of them. */
static bool help_rows(struct app *a, const char *noun, enum cmd_status *st);

/* "user.reset_password" -> "user reset-password". */
static void command_name(const char *op, char *out, size_t outlen)
{
    snprintf(out, outlen, "%s", op);
    char *dot = strchr(out, '.');
    if (dot) {
        *dot = ' ';
        for (char *p = dot + 1; *p; p++)
            if (*p == '_')
                *p = '-';
    }
}

static const char *placeholder(const struct meta_arg *arg)
{
    switch (arg->type) {
    case MT_ID:
        return "ID";
    case MT_U64:
    case MT_I64:
        return "N";
    case MT_DATE:
        return "YYYY-MM-DD";
    case MT_ID_LIST:
        return "ID,...";
    case MT_CIDR_LIST:
        return "CIDR,...";
    default:
        return "TEXT";
    }
}

void help_synopsis(const struct meta_op *op, char *out, size_t outlen)
{
    size_t off = 0;
    out[0] = '\0';
    for (size_t pass = 0; pass < 2; pass++) {
        for (size_t k = 0; k < op->nargs && off < outlen; k++) {
            const struct meta_arg *arg = &op->args[k];
            char flag[140], upper[128];
            if (meta_arg_hidden(arg) || arg->required != (pass == 0))
                continue;
            if (arg->required) { /* positional */
                snprintf(upper, sizeof(upper), "%s", arg->name);
                for (char *p = upper; *p; p++)
                    *p = (char)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p);
                off += (size_t)snprintf(out + off, outlen - off, "%s%s", off ? " " : "", upper);
                continue;
            }
            grammar_flag_name(arg->name, flag, sizeof(flag));
            if (arg->type == MT_BOOL)
                off += (size_t)snprintf(out + off, outlen - off, "%s[%s]", off ? " " : "", flag);
            else if (arg->nchoices) {
                off += (size_t)snprintf(out + off, outlen - off, "%s[%s ", off ? " " : "", flag);
                for (size_t c = 0; c < arg->nchoices && off < outlen; c++)
                    off += (size_t)snprintf(out + off, outlen - off, "%s%s", c ? "|" : "",
                                            arg->choices[c]);
                if (off < outlen)
                    off += (size_t)snprintf(out + off, outlen - off, "]");
            } else
                off += (size_t)snprintf(out + off, outlen - off, "%s[%s %s]", off ? " " : "", flag,
                                        placeholder(arg));
        }
    }
}

static enum cmd_status help_all(struct app *a)
{
    struct render_table *t = render_table_new(2);
    char name[160];
    if (!t)
        return CMD_FAILED;
    render_table_header(t, 0, "command");
    render_table_header(t, 1, "description");
    for (size_t i = 0; i < a->meta.nops; i++) {
        const struct meta_op *op = &a->meta.ops[i];
        const struct noun_verb *v = noun_verb_of_op(a->nouns, op->name);
        if (strcmp(op->name, "hello") == 0 || noun_op_is_step(a->nouns, op->name))
            continue;
        /* the full list stays narrow: only commands whose words differ get a short form */
        if (v && v->listed)
            snprintf(name, sizeof(name), "%s", v->listed);
        else
            command_name(op->name, name, sizeof(name));
        render_table_add(t, RK_TEXT, name);
        render_table_add(t, RK_TEXT, v && v->listed_what ? v->listed_what : op->summary);
    }
    for (size_t i = 0; i < sizeof(builtin_help) / sizeof(builtin_help[0]); i++) {
        render_table_add(t, RK_TEXT, builtin_help[i][0]);
        render_table_add(t, RK_TEXT, builtin_help[i][1]);
    }
    render_table_footer(t, "Commands are NOUN VERB [ARGS] [--FLAGS]; add is create, show is get, "
                           "edit is update. Type help NOUN for arguments, e.g. help user.");
    enum cmd_status s = show_table(a, t);
    render_table_free(t);
    return s;
}

/* "user get ID": the command with its positional arguments (the version of an update is
   read by the client itself). */
static void usage_line(const struct meta_op *op, char *out, size_t outlen)
{
    size_t off;
    command_name(op->name, out, outlen);
    off = strlen(out);
    bool update = strstr(op->name, ".update") != NULL;
    for (size_t k = 0; k < op->nargs && off < outlen; k++) {
        const struct meta_arg *arg = &op->args[k];
        if (!arg->required || meta_arg_hidden(arg) || (update && !strcmp(arg->name, "version")))
            continue;
        off += (size_t)snprintf(out + off, outlen - off, " ");
        for (const char *p = arg->name; *p && off + 1 < outlen; p++)
            out[off++] = (char)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p);
        out[off] = '\0';
    }
}

static enum cmd_status help_noun(struct app *a, const char *noun)
{
    enum cmd_status cst;
    if (help_rows(a, noun, &cst))
        return cst;
    struct render_table *t = render_table_new(2);
    size_t nl = strlen(noun), rows = 0;
    char name[300], footer[400], first[160] = "";
    if (!t)
        return CMD_FAILED;
    render_table_header(t, 0, "command");
    render_table_header(t, 1, "description");
    for (size_t i = 0; i < a->meta.nops; i++) {
        const struct meta_op *op = &a->meta.ops[i];
        if (strncmp(op->name, noun, nl) != 0 || (op->name[nl] != '.' && op->name[nl] != '\0'))
            continue;
        if (rows == 0)
            command_name(op->name, first, sizeof(first));
        usage_line(op, name, sizeof(name));
        render_table_add(t, RK_TEXT, name);
        render_table_add(t, RK_TEXT, op->summary);
        rows++;
    }
    enum cmd_status s = CMD_USAGE;
    if (rows == 0)
        app_errorf(a, "no commands for \"%s\" (type help for the list)", noun);
    else {
        snprintf(footer, sizeof(footer), "Arguments of one command: help %s VERB (e.g. help %s)",
                 noun, first);
        render_table_footer(t, footer);
        s = show_table(a, t);
    }
    render_table_free(t);
    return s;
}

static void limits_text(const struct meta_arg *arg, char *out, size_t outlen)
{
    size_t off = 0;
    out[0] = '\0';
    for (size_t c = 0; c < arg->nchoices && off < outlen; c++)
        off += (size_t)snprintf(out + off, outlen - off, "%s%s", c ? ", " : "", arg->choices[c]);
    if (arg->nchoices || !(arg->has_min || arg->has_max) || arg->type == MT_ID)
        return;
    const char *unit = (arg->type == MT_STR || arg->type == MT_TEXT || arg->type == MT_SECRET)
                           ? " characters"
                       : (arg->type == MT_ID_LIST || arg->type == MT_CIDR_LIST) ? " items"
                                                                                : "";
    snprintf(out, outlen, "%lld to %lld%s", (long long)arg->min, (long long)arg->max, unit);
}

static enum cmd_status help_op(struct app *a, const struct meta_op *op)
{
    struct render_table *t = render_table_new(4);
    char flag[140], lim[512], syn[1024], name[160];
    if (!t)
        return CMD_FAILED;
    command_name(op->name, name, sizeof(name));
    help_synopsis(op, syn, sizeof(syn));
    printf("%s %s\n  %s\n\n", name, syn, op->summary);
    render_table_header(t, 0, "argument");
    render_table_header(t, 1, "type");
    render_table_header(t, 2, "required");
    render_table_header(t, 3, "allowed");
    render_table_footer(t, NULL);
    for (size_t k = 0; k < op->nargs; k++) {
        const struct meta_arg *arg = &op->args[k];
        if (meta_arg_hidden(arg))
            continue;
        grammar_flag_name(arg->name, flag, sizeof(flag));
        limits_text(arg, lim, sizeof(lim));
        render_table_add(t, RK_TEXT, flag);
        render_table_add(t, RK_TEXT, meta_type_name(arg->type));
        render_table_add(t, RK_TEXT, arg->required ? "yes" : "no");
        render_table_add(t, RK_TEXT, lim);
    }
    enum cmd_status s = render_table_rows(t) ? show_table(a, t) : CMD_OK;
    render_table_free(t);
    return s;
}

enum cmd_status help_run(struct app *a, char *const *words, size_t n)
{
    char method[160];
    if (n == 0)
        return help_all(a);
    const struct noun *noun = noun_find(a->nouns, words[0]);
    const struct noun_verb *v = noun && n >= 2 ? noun_verb(noun, words[1]) : NULL;
    if (v && v->help && meta_find(&a->meta, v->op)) {
        printf("%s\n  %s\n\n%s", v->usage, v->what, v->help);
        return CMD_OK;
    }
    if (noun && noun_alone(noun) && noun->verbs[0].lead && n >= 2) /* help log call */
        return help_noun(a, noun->name);
    if (n >= 2) {
        size_t used = grammar_resolve(&a->meta, words, n, method, sizeof(method));
        const struct meta_op *op = used ? meta_find(&a->meta, method) : NULL;
        if (!op) {
            app_errorf(a, "no command \"%s %s\" (type help %s)", words[0], words[1], words[0]);
            return CMD_USAGE;
        }
        return help_op(a, op);
    }
    return help_noun(a, words[0]);
}

static bool help_rows(struct app *a, const char *name, enum cmd_status *st)
{
    const struct noun *noun = noun_find(a->nouns, name);
    size_t nl = strlen(name), rows = 0;
    if (!noun)
        return false;
    struct render_table *t = render_table_new(2);
    if (!t) {
        *st = CMD_FAILED;
        return true;
    }
    render_table_header(t, 0, "command");
    render_table_header(t, 1, "description");
    for (const struct noun_verb *v = noun->verbs; v->op; v++) {
        const struct meta_op *op = meta_find(&a->meta, v->op);
        char usage[300];
        if (!op)
            continue;
        if (!v->usage)
            usage_line(op, usage, sizeof(usage));
        render_table_add(t, RK_TEXT, v->usage ? v->usage : usage);
        render_table_add(t, RK_TEXT, v->what ? v->what : op->summary);
        rows++;
    }
    for (size_t i = 0; i < a->meta.nops; i++) {
        const struct meta_op *op = &a->meta.ops[i];
        char usage[300];
        if (strncmp(op->name, name, nl) != 0 || op->name[nl] != '.' ||
            noun_verb_of_op(a->nouns, op->name) || noun_op_is_step(a->nouns, op->name))
            continue;
        usage_line(op, usage, sizeof(usage));
        render_table_add(t, RK_TEXT, usage);
        render_table_add(t, RK_TEXT, op->summary);
        rows++;
    }
    if (rows == 0) {
        app_errorf(a, "no commands for \"%s\" that you may use (type help for the list)", name);
        *st = CMD_USAGE;
    } else {
        render_table_footer(t, noun_footer);
        *st = show_table(a, t);
    }
    render_table_free(t);
    return true;
}
