/* forms.c - field-by-field forms for operations (user add, team add, edits). */
#include "forms.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "call.h"
#include "complete.h"
#include "force.h"
#include "prompt.h"
#include "show.h"
#include "value.h"

#define FORM_TRIES  20
#define FORM_ROUNDS 10

void forms_label(const char *name, char *out, size_t outlen)
{
    snprintf(out, outlen, "%s", name);
    for (char *p = out; *p; p++)
        if (*p == '_')
            *p = ' ';
    if (out[0])
        out[0] = (char)toupper((unsigned char)out[0]);
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

/* The value check shared by both kinds of field: 1 accepted (stored), 0 ask again. */
static int accept_value(struct grammar_args *args, const struct meta_arg *arg, const char *v)
{
    char why[160], label[96];
    forms_label(arg->name, label, sizeof(label));
    if (!*v) {
        if (arg->required) {
            printf("  %s is required.\n", label);
            return 0;
        }
        grammar_unset(args, arg->name);
        return 1;
    }
    if (value_check(arg, v, why, sizeof(why)) < 0) {
        printf("  %s %s.\n", label, why);
        return 0;
    }
    return grammar_set(args, arg->name, v) == 0 ? 1 : 0;
}

/* A secret: asked twice without echo. 0 done, -1 cancelled. */
static int ask_secret(struct grammar_args *args, const struct meta_arg *arg)
{
    char label[96], p1[128], p2[128];
    forms_label(arg->name, label, sizeof(label));
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
        int ok = accept_value(args, arg, a);
        prompt_wipe(a);
        if (ok)
            return 0;
    }
    return -1;
}

/* One field at the prompt, with its current value to edit. 0 done, -1 cancelled. */
static int ask_field(struct grammar_args *args, const struct meta_arg *arg)
{
    char label[96], prompt[1024];
    size_t off;
    if (arg->type == MT_SECRET)
        return ask_secret(args, arg);
    forms_label(arg->name, label, sizeof(label));
    off = (size_t)snprintf(prompt, sizeof(prompt), "%s", label);
    if (arg->nchoices) {
        off += (size_t)snprintf(prompt + off, sizeof(prompt) - off, " (");
        for (size_t k = 0; k < arg->nchoices && off < sizeof(prompt); k++)
            off += (size_t)snprintf(prompt + off, sizeof(prompt) - off, "%s%s", k ? "/" : "",
                                    arg->choices[k]);
        off += (size_t)snprintf(prompt + off, sizeof(prompt) - off, ")");
    }
    if (arg->type == MT_BOOL && off < sizeof(prompt))
        off += (size_t)snprintf(prompt + off, sizeof(prompt) - off, " (yes/no)");
    if (!arg->required && off < sizeof(prompt))
        off += (size_t)snprintf(prompt + off, sizeof(prompt) - off, " [optional]");
    if (off < sizeof(prompt))
        snprintf(prompt + off, sizeof(prompt) - off, ": ");
    for (int t = 0; t < FORM_TRIES; t++) {
        const char *cur = grammar_get(args, arg->name);
        char *initial = cur ? strdup(cur) : NULL;
        complete_set_choices(arg->choices, arg->nchoices);
        char *line = prompt_line(prompt, initial);
        complete_set_choices(NULL, 0);
        free(initial);
        if (!line)
            return -1;
        int ok = accept_value(args, arg, trim(line));
        free(line);
        if (ok)
            return 0;
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

static void show_summary(const struct app *a, const struct grammar_args *args)
{
    struct render_table *t = render_table_new(2);
    if (!t)
        return;
    render_table_header(t, 0, "field");
    render_table_header(t, 1, "value");
    render_table_footer(t, NULL);
    for (size_t k = 0; k < args->op->nargs; k++) {
        const struct meta_arg *arg = &args->op->args[k];
        const char *v = grammar_get(args, arg->name);
        if (meta_arg_hidden(arg) || !v)
            continue;
        render_table_add(t, RK_TEXT, arg->name);
        render_table_add(t, RK_TEXT, arg->type == MT_SECRET ? "********" : v);
    }
    struct app plain = *a;
    plain.set.format = RENDER_TABLE;
    plain.set.pager = false;
    show_table(&plain, t);
    render_table_free(t);
}

/* Sends and handles the answer: 1 done (status in *st), 0 ask field *again and retry. */
static int submit(struct app *a, struct grammar_args *args, enum cmd_status *st,
                  const struct meta_arg **again)
{
    struct conn_reply r;
    char err[256];
    enum conn_status s = call_send(a, args, &r, err, sizeof(err));
    *again = NULL;
    if (s == CONN_OK) {
        *st = show_result(a, r.result);
        conn_reply_free(&r);
        return 1;
    }
    int offer = force_offer(a, args, s, &r);
    if (offer < 0) {
        *st = CMD_FAILED;
        return 1;
    }
    if (offer > 0)
        return submit(a, args, st, again);
    *st = app_call_status(a, s, &r, err);
    if (s == CONN_ERROR && r.code == PE_INVALID && r.field[0])
        *again = meta_arg_find(args->op, r.field);
    conn_reply_free(&r);
    return *again ? 0 : 1;
}

enum cmd_status forms_run(struct app *a, struct grammar_args *args, bool ask_all)
{
    const struct meta_op *op = args->op;
    enum cmd_status st = CMD_FAILED;
    printf("%s (Ctrl-D cancels)\n", op->summary[0] ? op->summary : op->name);
    for (size_t k = 0; k < op->nargs; k++) {
        const struct meta_arg *arg = &op->args[k];
        if (fixed_field(arg, args) || (!ask_all && grammar_get(args, arg->name)))
            continue;
        if (ask_field(args, arg) < 0)
            goto cancelled;
    }
    for (int round = 0; round < FORM_ROUNDS; round++) {
        char question[300];
        const struct meta_arg *again;
        show_summary(a, args);
        snprintf(question, sizeof(question), "%s with these values?",
                 op->summary[0] ? op->summary : op->name);
        if (!prompt_yes(question))
            goto cancelled;
        if (submit(a, args, &st, &again))
            return st;
        if (ask_field(args, again) < 0)
            goto cancelled;
    }
    return st;
cancelled:
    printf("Cancelled; nothing was changed.\n");
    return CMD_FAILED;
}
