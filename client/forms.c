/* forms.c - field-by-field forms for operations (user add, team add, edits). */
#include "forms.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "call.h"
#include "complete.h"
#include "force.h"
#include "interrupt.h"
#include "prompt.h"
#include "resolve.h"
#include "show.h"
#include "value.h"
#include "vocab.h"

#define FORM_TRIES    20
#define FORM_ROUNDS   10
#define FORM_MAX_ARGS 64

/* A form being filled: the values, and for each argument that names someone or something the
   text typed for it (shown in the summary instead of the id). */
struct form {
    struct app *a;
    struct grammar_args *args;
    char *typed[FORM_MAX_ARGS];
};

void forms_label(const char *name, char *out, size_t outlen)
{
    snprintf(out, outlen, "%s", name);
    for (char *p = out; *p; p++)
        if (*p == '_' || *p == '-')
            *p = ' ';
    if (out[0])
        out[0] = (char)toupper((unsigned char)out[0]);
}

/* The label of arg: its flag's words ("--owner" -> "Owner"). */
static void label_of(const struct form *f, const struct meta_arg *arg, struct vocab_word *w,
                     char *out, size_t outlen)
{
    vocab_word(f->a->nouns, f->args->op, arg, w);
    forms_label(w->positional && w->conv == NOUN_AS_TYPED ? arg->name : w->flag + 2, out, outlen);
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        s[--n] = '\0';
    return s;
}

static size_t arg_index(const struct meta_op *op, const struct meta_arg *arg)
{
    return (size_t)(arg - op->args);
}

/* The value check shared by every kind of field: 1 accepted (stored), 0 ask again. A name of
   someone or something is looked up (a list to choose from when several match). */
static int accept_value(struct form *f, const struct meta_arg *arg, const char *v)
{
    char why[160], label[96], idtext[24];
    struct vocab_word w;
    size_t k = arg_index(f->args->op, arg);
    label_of(f, arg, &w, label, sizeof(label));
    if (!*v) {
        if (arg->required) {
            printf("  %s is required.\n", label);
            return 0;
        }
        grammar_unset(f->args, arg->name);
        return 1;
    }
    if (w.conv != NOUN_AS_TYPED && arg->type == MT_ID) {
        uint64_t id;
        if (resolve_conv(f->a, w.conv, v, &id) != CMD_OK)
            return interrupt_pending() ? -1 : 0;
        snprintf(idtext, sizeof(idtext), "%llu", (unsigned long long)id);
        if (k < FORM_MAX_ARGS) {
            free(f->typed[k]);
            f->typed[k] = resolve_is_id(v, &id) ? NULL : strdup(v);
        }
        v = idtext;
    }
    if (value_check(arg, v, why, sizeof(why)) < 0) {
        printf("  %s %s.\n", label, why);
        return 0;
    }
    return grammar_set(f->args, arg->name, v) == 0 ? 1 : 0;
}

/* A secret: asked twice without echo. 0 done, -1 cancelled. */
static int ask_secret(struct form *f, const struct meta_arg *arg)
{
    char label[96], p1[128], p2[128];
    struct vocab_word w;
    label_of(f, arg, &w, label, sizeof(label));
    snprintf(p1, sizeof(p1), "%s%s: ", label, arg->required ? "" : " (optional)");
    snprintf(p2, sizeof(p2), "Repeat %s: ", arg->name);
    for (int t = 0; t < FORM_TRIES; t++) {
        char *a = prompt_secret(p1);
        if (!a)
            return -1;
        if (*a) {
            char *b = prompt_secret(p2);
            if (!b) {
                prompt_wipe(a);
                return -1;
            }
            bool same = strcmp(a, b) == 0;
            prompt_wipe(b);
            if (!same) {
                printf("  The two entries differ; try again.\n");
                prompt_wipe(a);
                continue;
            }
        }
        int ok = accept_value(f, arg, a);
        prompt_wipe(a);
        if (ok)
            return ok > 0 ? 0 : -1;
    }
    return -1;
}

/* "Owner (a user name or id) [optional]: " into prompt. */
static void field_prompt(const struct form *f, const struct meta_arg *arg, char *prompt, size_t len)
{
    static const char *const names[] = {[NOUN_USER] = "a user name or id",
                                        [NOUN_TEAM] = "a team name or id",
                                        [NOUN_CLIENT] = "a client name or id",
                                        [NOUN_BRANCH] = "a branch name or id"};
    char label[96];
    struct vocab_word w;
    label_of(f, arg, &w, label, sizeof(label));
    size_t off = (size_t)snprintf(prompt, len, "%s", label);
    if (w.conv != NOUN_AS_TYPED && arg->type == MT_ID)
        off += (size_t)snprintf(prompt + off, len - off, " (%s)", names[w.conv]);
    if (arg->nchoices) {
        off += (size_t)snprintf(prompt + off, len - off, " (");
        for (size_t k = 0; k < arg->nchoices && off < len; k++)
            off += (size_t)snprintf(prompt + off, len - off, "%s%s", k ? "/" : "", arg->choices[k]);
        if (off < len)
            off += (size_t)snprintf(prompt + off, len - off, ")");
    }
    if (arg->type == MT_BOOL && off < len)
        off += (size_t)snprintf(prompt + off, len - off, " (yes/no)");
    if (!arg->required && off < len)
        off += (size_t)snprintf(prompt + off, len - off, " [optional]");
    if (off < len)
        snprintf(prompt + off, len - off, ": ");
}

/* One field at the prompt, with its current value to edit. 0 done, -1 cancelled. */
static int ask_field(struct form *f, const struct meta_arg *arg)
{
    char prompt[1024];
    struct vocab_word w;
    if (arg->type == MT_SECRET)
        return ask_secret(f, arg);
    vocab_word(f->a->nouns, f->args->op, arg, &w);
    field_prompt(f, arg, prompt, sizeof(prompt));
    size_t k = arg_index(f->args->op, arg);
    for (int t = 0; t < FORM_TRIES; t++) {
        const char *cur =
            k < FORM_MAX_ARGS && f->typed[k] ? f->typed[k] : grammar_get(f->args, arg->name);
        char *initial = cur ? strdup(cur) : NULL;
        complete_set_choices(arg->choices, arg->nchoices);
        complete_set_names(arg->type == MT_ID ? w.conv : NOUN_AS_TYPED);
        char *line = prompt_line(prompt, initial);
        complete_set_choices(NULL, 0);
        complete_set_names(NOUN_AS_TYPED);
        free(initial);
        if (!line)
            return -1;
        int ok = accept_value(f, arg, trim(line));
        free(line);
        if (ok)
            return ok > 0 ? 0 : -1;
    }
    return -1;
}

static bool fixed_field(const struct meta_arg *arg, const struct grammar_args *args)
{
    if (meta_arg_hidden(arg) || strcmp(arg->name, "force") == 0)
        return true; /* force is asked for only when the server finds duplicates */
    /* the record being edited and the version read are not for the person to type */
    return (strcmp(arg->name, "id") == 0 || strcmp(arg->name, "version") == 0) &&
           grammar_get(args, arg->name);
}

static void show_summary(const struct form *f)
{
    const struct grammar_args *args = f->args;
    struct render_table *t = render_table_new(2);
    if (!t)
        return;
    render_table_header(t, 0, "field");
    render_table_header(t, 1, "value");
    render_table_footer(t, NULL);
    for (size_t k = 0; k < args->op->nargs; k++) {
        const struct meta_arg *arg = &args->op->args[k];
        const char *v = grammar_get(args, arg->name);
        char shown[512];
        struct vocab_word w;
        if (meta_arg_hidden(arg) || !v)
            continue;
        vocab_word(f->a->nouns, args->op, arg, &w);
        if (k < FORM_MAX_ARGS && f->typed[k])
            snprintf(shown, sizeof(shown), "%s (%s)", f->typed[k], v);
        else
            snprintf(shown, sizeof(shown), "%s", arg->type == MT_SECRET ? "********" : v);
        render_table_add(t, RK_TEXT, w.positional ? arg->name : w.flag + 2);
        render_table_add(t, RK_TEXT, shown);
    }
    struct app plain = *f->a;
    plain.set.format = RENDER_TABLE;
    plain.set.pager = false;
    show_table(&plain, t);
    render_table_free(t);
}

/* Sends and handles the answer: 1 done (status in *st), 0 ask field *again and retry. */
static int submit(struct form *f, enum cmd_status *st, const struct meta_arg **again)
{
    struct app *a = f->a;
    struct conn_reply r;
    char err[256];
    enum conn_status s = call_send(a, f->args, &r, err, sizeof(err));
    *again = NULL;
    if (s == CONN_OK) {
        *st = show_result(a, r.result);
        conn_reply_free(&r);
        return 1;
    }
    int offer = force_offer(a, f->args, s, &r);
    if (offer < 0) {
        *st = CMD_FAILED;
        return 1;
    }
    if (offer > 0)
        return submit(f, st, again);
    *st = app_call_status(a, s, &r, err);
    if (s == CONN_ERROR && r.code == PE_INVALID && r.field[0])
        *again = meta_arg_find(f->args->op, r.field);
    conn_reply_free(&r);
    return *again ? 0 : 1;
}

/* Asks, confirms and sends; the status, CMD_FAILED with "Cancelled" said when cancelled. */
static enum cmd_status fill(struct form *f, bool ask_all)
{
    const struct meta_op *op = f->args->op;
    char command[160], summary[300], question[300];
    enum cmd_status st = CMD_FAILED;
    vocab_command(f->a->nouns, op->name, command, sizeof(command));
    vocab_translate(f->a->nouns, op, op->summary, summary, sizeof(summary));
    summary[strcspn(summary, "(")] = '\0'; /* the first words say it; the rest is for help */
    trim(summary);
    printf("%s%s%s (Ctrl-C cancels)\n", command, summary[0] ? ": " : "", summary);
    for (size_t k = 0; k < op->nargs; k++) {
        const struct meta_arg *arg = &op->args[k];
        if (fixed_field(arg, f->args) || (!ask_all && grammar_get(f->args, arg->name)))
            continue;
        if (ask_field(f, arg) < 0)
            goto cancelled;
    }
    snprintf(question, sizeof(question), "%s with these values?", command);
    for (int round = 0; round < FORM_ROUNDS; round++) {
        const struct meta_arg *again;
        show_summary(f);
        if (!prompt_yes(question))
            goto cancelled;
        if (submit(f, &st, &again))
            return st;
        if (ask_field(f, again) < 0)
            goto cancelled;
    }
    return st;
cancelled:
    printf("Cancelled; nothing was changed.\n");
    return CMD_FAILED;
}

enum cmd_status forms_run(struct app *a, struct grammar_args *args, bool ask_all)
{
    struct form f = {.a = a, .args = args};
    enum cmd_status st = fill(&f, ask_all);
    for (size_t k = 0; k < FORM_MAX_ARGS; k++)
        free(f.typed[k]);
    return st;
}
