/* call.h - sending one operation and waiting for its answer: a parsed argument map, words as
   typed, no arguments, or one id; errors printed and mapped to a command status. */
#ifndef AGENCY_CALL_H
#define AGENCY_CALL_H

#include <stddef.h>
#include <stdint.h>

#include "app.h"
#include "grammar.h"

/* Sends the operation of args (packed with grammar_pack) and waits for the answer into *r
   (always initialised: free it). A write is sent again after a reconnect only when it carries
   an idempotency key. */
enum conn_status call_send(struct app *a, const struct grammar_args *args, struct conn_reply *r,
                           char *err, size_t errlen);

/* Parses words (after the noun and verb) for op, checks its required arguments and sends it;
   CMD_OK with the answer in *r (always initialised: free it), or the status with the message
   printed (a usage error names "help NOUN"). */
enum cmd_status call_words(struct app *a, const struct meta_op *op, char *const *words, size_t n,
                           struct conn_reply *r);

/* Calls method {key: id} (and {limit} when limit > 0), a read; CMD_OK with *r (always
   initialised: free it), or the status with the error printed. */
enum cmd_status call_id(struct app *a, const char *method, const char *key, uint64_t id,
                        uint64_t limit, struct conn_reply *r);

/* Calls method with no arguments and prints the result (whoami, sessions, ...). */
enum cmd_status call_simple(struct app *a, const char *method);

/* Parses words for op into *args: CMD_OK, or CMD_USAGE with "<why> (see help NOUN)" printed
   (args is then empty). */
enum cmd_status call_parse(struct app *a, const struct meta_op *op, char *const *words, size_t n,
                           struct grammar_args *args);

/* Prints "<why> (see help COMMAND)" with the operation's name in why said as its command. */
void call_usage(struct app *a, const struct meta_op *op, const char *why);

/* "missing --name, CLIENT" for the required arguments args lacks, in the command's words, into
   out; returns how many are missing. */
int call_missing(const struct app *a, const struct grammar_args *args, char *out, size_t outlen);

#endif
