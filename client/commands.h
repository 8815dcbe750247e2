/* commands.h - runs one command line: the built-ins (help, whoami, password, sessions, logout,
   quit) and the generic "noun verb args --flags" mapping onto the server's operations, with
   forms for create/edit when arguments are missing at a terminal. */
#ifndef AGENCY_COMMANDS_H
#define AGENCY_COMMANDS_H

#include "app.h"
#include "grammar.h"

/* Runs line; prints results and errors. Returns what happened (see enum cmd_status). */
enum cmd_status commands_run(struct app *a, const char *line);

/* Sends the operation of args (packed with grammar_pack) and waits for the answer. */
enum conn_status commands_send(struct app *a, const struct grammar_args *args, struct conn_reply *r,
                               char *err, size_t errlen);

/* Runs op with the words after its noun and verb, as typed commands do: parse, a form for
   missing arguments at a terminal, edit for X.update, the duplicate/force dialogue; prints
   the result. */
enum cmd_status commands_run_op(struct app *a, const struct meta_op *op, char *const *words,
                                size_t n);

/* Parses words for op, checks required arguments and sends it; CMD_OK with the answer in *r
   (always initialised: free it), or the status with the message printed. */
enum cmd_status commands_call_words(struct app *a, const struct meta_op *op, char *const *words,
                                    size_t n, struct conn_reply *r);

/* Calls method with no arguments and prints the result (whoami, sessions, ...). */
enum cmd_status commands_simple(struct app *a, const char *method);

/* The password change dialogue: asks the current password (unless old is given), the new
   one twice, and calls auth.password. */
enum cmd_status commands_password(struct app *a, const char *old);

/* Fetches meta.operations into a->meta. */
enum cmd_status commands_load_meta(struct app *a);

#endif
