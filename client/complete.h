/* complete.h - tab completion from the server's operation catalogue: nouns, verbs, --flags and
   the values of enum arguments, and client names asked from the server (so only what the
   caller may see); never file names. */
#ifndef AGENCY_COMPLETE_H
#define AGENCY_COMPLETE_H

#include <stddef.h>

#include "meta.h"
#include "noun.h"

/* Installs the completion function; m is read at every completion (it may be reloaded), and
   the rows of nouns (NULL-ended, or NULL) say which words are CLIENTs and kinds. */
void complete_init(const struct meta *m, const struct noun *const *nouns);
/* While a form asks one field: complete only these values (NULL: back to commands). */
void complete_set_choices(char *const *choices, size_t n);

/* Where names are completed from: lookup(ud, conv, prefix) answers the names of what conv
   names (clients, users, teams, branches) that the caller may see and that start with prefix
   (NULL-terminated, malloc'd; freed here). NULL: none. */
void complete_set_lookup(char **(*lookup)(void *ud, enum noun_conv conv, const char *prefix),
                         void *ud);
/* While a form asks a field that names someone or something: complete only those names (the
   whole line is the name); NOUN_AS_TYPED: back to commands. */
void complete_set_names(enum noun_conv conv);

/* The candidates for the word at the end of line (what the user typed so far, up to the
   cursor), in a NULL-terminated malloc'd array of malloc'd strings; for tests and for the
   readline hook. */
char **complete_candidates(const struct meta *m, const char *line);
void complete_free(char **cands);

#endif
