/* vocab.h - the one mapping from an operation's arguments to the words a person types: the
   flag (the command row's own, else the default for the argument's name: owner_id is --owner
   USER, team_id --team TEAM, client_id --client CLIENT, user_id --user USER, manager_id
   --manager USER, branch_id --branch BRANCH; else the name dashed), its placeholder and what
   its value names. The dispatcher, help, completion, forms and error messages all read it, so
   they speak the same words. */
#ifndef AGENCY_VOCAB_H
#define AGENCY_VOCAB_H

#include <stdbool.h>
#include <stddef.h>

#include "meta.h"
#include "noun.h"

/* One argument as typed. */
struct vocab_word {
    char flag[64];        /* "--owner" */
    char placeholder[64]; /* "USER", "CLIENT", "ID", "N", "DATE", "TIME", "a|b|c", "TEXT"; "" for a
                             flag */
    enum noun_conv conv;  /* what its value names */
    bool positional; /* the command takes it as a positional word (the CLIENT of client show) */
};

/* The row of the command files that runs op (name), or NULL. */
const struct noun_verb *vocab_row(const struct noun *const *nouns, const char *op);

/* How arg of op is typed. */
void vocab_word(const struct noun *const *nouns, const struct meta_op *op,
                const struct meta_arg *arg, struct vocab_word *w);

/* The flag table entry for the flag typed as word[0..len) (without "--") of op run by row
   (NULL: none): the row's, or the default for an argument op has; NULL when it is typed as
   the argument is named. */
const struct noun_flag *vocab_flag(const struct noun_verb *row, const struct meta_op *op,
                                   const char *word, size_t len);

/* The command a person types for op: "client add" for client.create, "log" for activity.log,
   "user reset-password". */
void vocab_command(const struct noun *const *nouns, const char *op, char *out, size_t outlen);

/* Copies text to out with the arguments of op it names in the command's words: an identifier
   with an underscore (next_due), a name followed by ':' (force:), "NAME: true" (--force), and
   "send NAME: true" (add --force). */
void vocab_translate(const struct noun *const *nouns, const struct meta_op *op, const char *text,
                     char *out, size_t outlen);

#endif
