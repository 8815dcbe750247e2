/* verb.h - running a command line through the rows of the command files (noun.h): the noun and
   verb found, flags renamed and CLIENT/USER/TEAM names turned into ids, the positional words
   placed, then the verb's own run or the generic path (run.h). */
#ifndef AGENCY_VERB_H
#define AGENCY_VERB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "app.h"
#include "noun.h"

/* One verb being run; what a noun_fn gets. */
struct verb_call {
    struct app *a;
    const struct noun *noun;
    const struct noun_verb *verb; /* NULL: an operation typed by its name */
    const struct meta_op *op;     /* the verb's operation (NULL only for an "always" verb) */
    char *const *in;              /* the words after the verb, as typed */
    size_t nin;
    char **v; /* the words for run_op: rewritten flags, then positionals (malloc'd) */
    size_t n;
    char **pos; /* the positional words of in (pointers into in), set by verb_rewrite */
    size_t npos;
    bool pass; /* a run sets it to leave the line to the generic mapping of operations */
};

/* Runs w[0..n) when w[0] is a noun of a->nouns and what follows one of its verbs whose
   operation the server offers (*handled = true); otherwise *handled = false. */
enum cmd_status verb_run(struct app *a, char *const *w, size_t n, bool *handled);

/* Runs op, typed by its own name (w after "noun verb"), the generic way with the flags of the
   vocabulary (vocab.h): "user list --branch Milano". */
enum cmd_status verb_run_op(struct app *a, const struct meta_op *op, char *const *w, size_t n);

/* Says "X: not available to the ROLE role" when w names a command whose operation the server
   lists as not for the caller's role (meta.operations' not_permitted). True when said. */
bool verb_refused(struct app *a, char *const *w, size_t n);

/* The positional words joined by blanks (malloc'd), or NULL when out of memory. */
char *verb_joined(const struct verb_call *c);

/* Reads c->in: flags of the verb's table are renamed and their values converted (a bad value
   is named as typed), other flags are copied with their values into c->v, positional words are
   collected in c->pos. CMD_OK, or the status with the message printed. */
enum cmd_status verb_rewrite(struct verb_call *c);

/* Places the positional words as the verb's pos says (a name in the first becomes an id) and
   runs the operation the generic way (run_op). */
enum cmd_status verb_finish(struct verb_call *c);

/* Appends a copy of word to c->v; 0, or -1 when out of memory or too many words. */
int verb_push(struct verb_call *c, const char *word);
/* Appends flag (when not NULL) and id. 0 or -1. */
int verb_push_id(struct verb_call *c, const char *flag, uint64_t id);

#endif
