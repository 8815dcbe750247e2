/* forms.h - a form for an operation: one prompt per field in the command's own words
   (defaults, choices, people, teams and clients by name with Tab, secrets asked twice without
   echo), local validation messages, a summary and a final confirmation; the server's
   "invalid" answer re-asks the field it names; Ctrl-C or Ctrl-D cancels. */
#ifndef AGENCY_FORMS_H
#define AGENCY_FORMS_H

#include <stdbool.h>

#include "app.h"
#include "grammar.h"

/* Fills args (for args->op) field by field: every field without a value when ask_all is
   false, every field (current values as defaults) when true. Then confirms and sends; on an
   invalid answer asks that field again. Prints the result. */
enum cmd_status forms_run(struct app *a, struct grammar_args *args, bool ask_all);

/* "full_name" (or "full-name") -> "Full name" into out. */
void forms_label(const char *name, char *out, size_t outlen);

#endif
