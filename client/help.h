/* help.h - "help", "help NOUN" and "help NOUN VERB", all from the server's operation table
   (meta.operations), printed through the table renderer. */
#ifndef AGENCY_HELP_H
#define AGENCY_HELP_H

#include "app.h"

/* words: what followed "help" (0, 1 or 2 words). */
enum cmd_status help_run(struct app *a, char *const *words, size_t n);

/* The arguments of op as typed ("CLIENT [--tier standard|growth|key] [--owner USER]"), in the
   vocabulary of the command files (vocab.h), into out. */
void help_synopsis(const struct app *a, const struct meta_op *op, char *out, size_t outlen);

#endif
