/* app.c - error reporting shared by the client's modules. */
#include "app.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "render.h"
#include "vocab.h"

#define RED   "\033[31m"
#define RESET "\033[0m"

static void put_prefix(const struct app *a)
{
    fflush(stdout);
    if (a->colour_err)
        fputs(RED "error:" RESET " ", stderr);
    else
        fputs("error: ", stderr);
}

void app_errorf(const struct app *a, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    put_prefix(a);
    render_text(stderr, buf, strlen(buf));
    fputc('\n', stderr);
}

void app_print_error(const struct app *a, const struct conn_reply *r)
{
    char said[512];
    const struct meta_op *op = r->method[0] ? meta_find(&a->meta, r->method) : NULL;
    const char *msg = r->message[0] ? r->message : "the server refused the request";
    if (r->code == PE_CONFLICT) /* the one thing to say, whatever the record */
        msg = "changed by someone else since you read it; run it again";
    vocab_translate(a->nouns, op, msg, said, sizeof(said)); /* in the command's own words */
    put_prefix(a);
    render_text(stderr, said, strlen(said));
    fprintf(stderr, " (%s)\n", proto_err_name(r->code));
    if (r->field[0]) {
        const struct meta_arg *arg = op ? meta_arg_find(op, r->field) : NULL;
        struct vocab_word w;
        if (arg)
            vocab_word(a->nouns, op, arg, &w);
        const char *field = !arg ? r->field : w.positional ? w.placeholder : w.flag;
        vocab_translate(a->nouns, op, r->reason[0] ? r->reason : "invalid", said, sizeof(said));
        fputs("  ", stderr);
        render_text(stderr, field, strlen(field));
        fputs(": ", stderr);
        render_text(stderr, said, strlen(said));
        fputc('\n', stderr);
    }
}

enum cmd_status app_call_status(const struct app *a, enum conn_status s, const struct conn_reply *r,
                                const char *err)
{
    switch (s) {
    case CONN_OK:
        return CMD_OK;
    case CONN_ERROR:
        app_print_error(a, r);
        return r->code == PE_UNAUTHENTICATED ? CMD_CONN : CMD_FAILED;
    case CONN_AMBIGUOUS:
        app_errorf(a, "%s", err);
        return CMD_FAILED;
    case CONN_CANCELLED: /* not an error: what the person asked for */
        fflush(stdout);
        printf("%s%s\n", a->interactive ? "\n" : "", /* after the terminal's ^C */
               strcmp(err, "cancelled") == 0 ? "Cancelled; nothing was changed." : err);
        fflush(stdout);
        return CMD_FAILED;
    case CONN_SESSION:
    case CONN_LOST:
    default:
        app_errorf(a, "%s", err);
        return CMD_CONN;
    }
}
