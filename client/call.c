/* call.c - one operation sent and its answer mapped to a command status. */
#include "call.h"

#include <stdio.h>
#include <string.h>

#include "show.h"
#include "vocab.h"

enum conn_status call_send(struct app *a, const struct grammar_args *args, struct conn_reply *r,
                           char *err, size_t errlen)
{
    msgpack_sbuffer sb;
    msgpack_packer pk;
    const struct meta_op *op = args->op;
    /* a write is sent again after a reconnect only with its idempotency key */
    bool retry_safe = !op->mutating || meta_arg_find(op, "idempotency_key") != NULL;
    msgpack_sbuffer_init(&sb);
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    grammar_pack(args, &pk);
    enum conn_status s = conn_call(a->conn, op->name, sb.data, sb.size, retry_safe, r, err, errlen);
    memset(sb.data, 0, sb.size); /* may hold a password */
    msgpack_sbuffer_destroy(&sb);
    if (s == CONN_CANCELLED && op->mutating && r->sent)
        snprintf(err, errlen,
                 "Cancelled; the server may still make the change, once (it carries "
                 "its key): look before you run it again.");
    return s;
}

/* Replaces the first "op.name" in text by the command's words. */
static void name_command(const struct app *a, const struct meta_op *op, char *text, size_t len)
{
    char command[160], rest[512];
    char *at = strstr(text, op->name);
    if (!at)
        return;
    vocab_command(a->nouns, op->name, command, sizeof(command));
    snprintf(rest, sizeof(rest), "%s", at + strlen(op->name));
    snprintf(at, len - (size_t)(at - text), "%s%s", command, rest);
}

void call_usage(struct app *a, const struct meta_op *op, const char *why)
{
    char command[160], text[512];
    vocab_command(a->nouns, op->name, command, sizeof(command));
    vocab_translate(a->nouns, op, why, text, sizeof(text));
    name_command(a, op, text, sizeof(text));
    app_errorf(a, "%s (see help %s)", text, command);
}

enum cmd_status call_parse(struct app *a, const struct meta_op *op, char *const *words, size_t n,
                           struct grammar_args *args)
{
    char err[512];
    if (grammar_parse(op, words, n, args, err, sizeof(err)) < 0) {
        call_usage(a, op, err);
        return CMD_USAGE;
    }
    return CMD_OK;
}

int call_missing(const struct app *a, const struct grammar_args *args, char *out, size_t outlen)
{
    int missing = 0;
    size_t off = (size_t)snprintf(out, outlen, "missing ");
    for (size_t k = 0; k < args->op->nargs && off < outlen; k++) {
        const struct meta_arg *arg = &args->op->args[k];
        struct vocab_word w;
        if (!arg->required || meta_arg_hidden(arg) || grammar_get(args, arg->name))
            continue;
        vocab_word(a->nouns, args->op, arg, &w);
        off += (size_t)snprintf(out + off, outlen - off, "%s%s", missing++ ? ", " : "",
                                w.positional ? w.placeholder : w.flag);
    }
    return missing;
}

enum cmd_status call_words(struct app *a, const struct meta_op *op, char *const *words, size_t n,
                           struct conn_reply *r)
{
    struct grammar_args args;
    char err[512], missing[256];
    conn_reply_init(r);
    enum cmd_status st = call_parse(a, op, words, n, &args);
    if (st != CMD_OK)
        return st;
    if (call_missing(a, &args, missing, sizeof(missing)) > 0) {
        call_usage(a, op, missing);
        grammar_args_free(&args);
        return CMD_USAGE;
    }
    enum conn_status s = call_send(a, &args, r, err, sizeof(err));
    grammar_args_free(&args);
    return app_call_status(a, s, r, err);
}

enum cmd_status call_id(struct app *a, const char *method, const char *key, uint64_t id,
                        uint64_t limit, struct conn_reply *r)
{
    msgpack_sbuffer sb;
    msgpack_packer pk;
    char err[256];
    msgpack_sbuffer_init(&sb);
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    msgpack_pack_map(&pk, limit ? 2 : 1);
    proto_kv_u64(&pk, key, id);
    if (limit)
        proto_kv_u64(&pk, "limit", limit);
    enum conn_status s = conn_call(a->conn, method, sb.data, sb.size, true, r, err, sizeof(err));
    msgpack_sbuffer_destroy(&sb);
    return app_call_status(a, s, r, err);
}

enum cmd_status call_simple(struct app *a, const char *method)
{
    struct conn_reply r;
    char err[256];
    enum conn_status s = conn_call(a->conn, method, NULL, 0, true, &r, err, sizeof(err));
    enum cmd_status st = app_call_status(a, s, &r, err);
    if (st == CMD_OK)
        st = show_result(a, r.result);
    conn_reply_free(&r);
    return st;
}
