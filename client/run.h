/* run.h - running one operation from the words typed after its noun and verb, the generic way
   every command goes: parse and check the arguments, a form for missing ones at a terminal,
   "X edit" through X.get for the version, the duplicate/force dialogue; the result printed. */
#ifndef AGENCY_RUN_H
#define AGENCY_RUN_H

#include <stddef.h>

#include "app.h"

/* Runs op with words (positional values and --flags of its schema); prints the result or the
   error. Returns what happened. */
enum cmd_status run_op(struct app *a, const struct meta_op *op, char *const *words, size_t n);

#endif
