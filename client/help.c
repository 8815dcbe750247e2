/* help.c - help from the operation catalogue. */
#include "help.h"

#include <stdio.h>
#include <string.h>

#include "grammar.h"
#include "noun.h"
#include "show.h"
#include "vocab.h"

static const char *const builtin_help[][2] = {
    {"help [NOUN [VERB]]", "Show commands, a noun's verbs, or one command's arguments"},
    {"whoami", "Show who you are logged in as"},
    {"password", "Change your password (asks without echo)"},
    {"sessions", "List your sessions"},
    {"logout", "End the session and leave"},
    {"next", "The next page of the list shown last"},
    {"clear", "Clear the screen"},
    {"\\x [on|off|auto]", "Expanded display: one block per record (--expanded: this command)"},
    {"\\timing [on|off]", "Say how long each command took"},
    {"\\watch [N] [COMMAND]", "Run a command (the last one) every N seconds until Ctrl-C"},
    {"quit", "Leave (also exit, \\q or Ctrl-D)"},
};

static const char noun_footer[] =
    "CLIENT is an id or a name in any script (Tab completes it); USER an id or user name; "
    "dates YYYY-MM-DD, today, tomorrow, +3d. Every listing takes --format table|csv|json.";

/* help NOUN for a noun of the command files: its rows, then its other operations. Returns
   false when noun is not one of them. */
static bool help_rows(struct app *a, const char *noun, enum cmd_status *st);

/* Operations the built-ins stand for, or that no one types (shown as the built-in instead). */
static bool not_typed(const struct app *a, const char *op)
{
    static const char *const hidden[] = {"hello",         "meta.operations", "auth.login",
                                         "auth.resume",   "auth.logout",     "auth.whoami",
                                         "auth.password", "auth.sessions",   NULL};
    for (const char *const *h = hidden; *h; h++)
        if (strcmp(*h, op) == 0)
            return true;
    return noun_op_is_step(a->nouns, op);
}

/* One synopsis element into out at *off: "CLIENT", "[--tier standard|growth|key]", "[--team]". */
static void add_part(char *out, size_t outlen, size_t *off, const struct meta_arg *arg,
                     const struct vocab_word *w)
{
    const char *sp = *off ? " " : "";
    if (*off >= outlen)
        return;
    if (w->positional || arg->required)
        *off += (size_t)snprintf(out + *off, outlen - *off, "%s%s", sp,
                                 w->positional ? w->placeholder : w->flag + 2);
    else if (!w->placeholder[0])
        *off += (size_t)snprintf(out + *off, outlen - *off, "%s[%s]", sp, w->flag);
    else
        *off +=
            (size_t)snprintf(out + *off, outlen - *off, "%s[%s %s]", sp, w->flag, w->placeholder);
}

void help_synopsis(const struct app *a, const struct meta_op *op, char *out, size_t outlen)
{
    size_t off = 0;
    out[0] = '\0';
    for (size_t pass = 0; pass < 2; pass++) {
        for (size_t k = 0; k < op->nargs && off < outlen; k++) {
            const struct meta_arg *arg = &op->args[k];
            struct vocab_word w;
            if (meta_arg_hidden(arg) ||
                (strstr(op->name, ".update") && !strcmp(arg->name, "version")))
                continue;
            vocab_word(a->nouns, op, arg, &w);
            bool first = w.positional || arg->required;
            if (first != (pass == 0))
                continue;
            if (arg->required && !w.positional) { /* a required value: positional, upper case */
                struct vocab_word up = w;
                snprintf(up.placeholder, sizeof(up.placeholder), "%s", arg->name);
                for (char *p = up.placeholder; *p; p++)
                    *p = (char)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p);
                up.positional = true;
                add_part(out, outlen, &off, arg, &up);
                continue;
            }
            add_part(out, outlen, &off, arg, &w);
        }
    }
}

static enum cmd_status help_all(struct app *a)
{
    struct render_table *t = render_table_new(2);
    char name[160], what[512];
    if (!t)
        return CMD_FAILED;
    render_table_header(t, 0, "command");
    render_table_header(t, 1, "description");
    render_table_whole(t, 0); /* what to type stays whole; the description is cut */
    for (size_t i = 0; i < a->meta.nops; i++) {
        const struct meta_op *op = &a->meta.ops[i];
        const struct noun_verb *v = noun_verb_of_op(a->nouns, op->name);
        if (not_typed(a, op->name))
            continue;
        /* the full list stays narrow: only commands whose words differ get a short form */
        if (v && v->listed)
            snprintf(name, sizeof(name), "%s", v->listed);
        else
            vocab_command(a->nouns, op->name, name, sizeof(name));
        const char *said = v && v->listed_what ? v->listed_what : v && v->what ? v->what : NULL;
        vocab_translate(a->nouns, op, said ? said : op->summary, what, sizeof(what));
        render_table_add(t, RK_TEXT, name);
        render_table_add(t, RK_TEXT, what);
    }
    for (size_t i = 0; i < sizeof(builtin_help) / sizeof(builtin_help[0]); i++) {
        render_table_add(t, RK_TEXT, builtin_help[i][0]);
        render_table_add(t, RK_TEXT, builtin_help[i][1]);
    }
    render_table_footer(t, "NOUN VERB [ARGS] [--FLAGS]; help NOUN for its commands, --help on any "
                           "command. Lists take --columns a,b, --all, --format csv|json.");
    enum cmd_status s = show_table(a, t);
    render_table_free(t);
    return s;
}

/* "user get ID": the command with its positional arguments (the version of an update is
   read by the client itself). */
static void usage_line(const struct app *a, const struct meta_op *op, char *out, size_t outlen)
{
    size_t off;
    vocab_command(a->nouns, op->name, out, outlen);
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
    render_table_whole(t, 0); /* what to type stays whole; the description is cut */
    for (size_t i = 0; i < a->meta.nops; i++) {
        const struct meta_op *op = &a->meta.ops[i];
        if (strncmp(op->name, noun, nl) != 0 || (op->name[nl] != '.' && op->name[nl] != '\0'))
            continue;
        char what[512];
        if (rows == 0)
            vocab_command(a->nouns, op->name, first, sizeof(first));
        usage_line(a, op, name, sizeof(name));
        vocab_translate(a->nouns, op, op->summary, what, sizeof(what));
        render_table_add(t, RK_TEXT, name);
        render_table_add(t, RK_TEXT, what);
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
    const struct noun_verb *row = vocab_row(a->nouns, op->name);
    struct render_table *t = render_table_new(4);
    char lim[512], syn[1024], name[160], what[512];
    if (!t)
        return CMD_FAILED;
    vocab_command(a->nouns, op->name, name, sizeof(name));
    help_synopsis(a, op, syn, sizeof(syn));
    vocab_translate(a->nouns, op, row && row->what ? row->what : op->summary, what, sizeof(what));
    if (row && row->usage)
        printf("%s\n  %s\n\n", row->usage, what);
    else
        printf("%s %s\n  %s\n\n", name, syn, what);
    render_table_whole(t, 0);
    render_table_header(t, 0, "argument");
    render_table_header(t, 1, "type");
    render_table_header(t, 2, "required");
    render_table_header(t, 3, "allowed");
    render_table_footer(t, NULL);
    for (size_t k = 0; k < op->nargs; k++) {
        const struct meta_arg *arg = &op->args[k];
        struct vocab_word w;
        if (meta_arg_hidden(arg) || (strstr(op->name, ".update") && !strcmp(arg->name, "version")))
            continue;
        vocab_word(a->nouns, op, arg, &w);
        limits_text(arg, lim, sizeof(lim));
        if (w.conv != NOUN_AS_TYPED && !lim[0])
            snprintf(lim, sizeof(lim), "a name or an id");
        render_table_add(t, RK_TEXT, w.positional ? w.placeholder : w.flag);
        render_table_add(t, RK_TEXT,
                         w.conv != NOUN_AS_TYPED ? w.placeholder + 0 : meta_type_name(arg->type));
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
    render_table_whole(t, 0); /* what to type stays whole; the description is cut */
    for (const struct noun_verb *v = noun->verbs; v->op; v++) {
        const struct meta_op *op = meta_find(&a->meta, v->op);
        char usage[300];
        if (!op)
            continue;
        char what[512];
        if (!v->usage)
            usage_line(a, op, usage, sizeof(usage));
        vocab_translate(a->nouns, op, v->what ? v->what : op->summary, what, sizeof(what));
        render_table_add(t, RK_TEXT, v->usage ? v->usage : usage);
        render_table_add(t, RK_TEXT, what);
        rows++;
    }
    for (size_t i = 0; i < a->meta.nops; i++) {
        const struct meta_op *op = &a->meta.ops[i];
        char usage[300];
        if (strncmp(op->name, name, nl) != 0 || op->name[nl] != '.' ||
            noun_verb_of_op(a->nouns, op->name) || noun_op_is_step(a->nouns, op->name))
            continue;
        char what[512];
        usage_line(a, op, usage, sizeof(usage));
        vocab_translate(a->nouns, op, op->summary, what, sizeof(what));
        render_table_add(t, RK_TEXT, usage);
        render_table_add(t, RK_TEXT, what);
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
