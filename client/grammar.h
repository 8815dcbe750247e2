/* grammar.h - the command language: split a line into words (shell-like quoting), resolve
   "noun verb" to an operation of the catalogue, and turn "args --flags" into its argument map. */
#ifndef AGENCY_GRAMMAR_H
#define AGENCY_GRAMMAR_H

#include <stdbool.h>
#include <stddef.h>

#include <msgpack.h>

#include "meta.h"

struct grammar_words {
    char **v; /* each malloc'd, NUL-ended */
    size_t n;
};

/* Splits line into words: blanks separate, '...' is literal, "..." allows \" and \\, a
   backslash outside quotes escapes the next character. Returns 0, or -1 with a message in err
   (unterminated quote); w is then empty. The caller frees w with grammar_words_free. */
int grammar_split(const char *line, struct grammar_words *w, char *err, size_t errlen);
void grammar_words_free(struct grammar_words *w);

/* The operation name of "noun verb": dashes become underscores and the verbs add/show/edit/ls
   stand for create/get/update/list. Writes "noun.verb" (or just "noun" for ping/hello) into out
   and returns the number of words used (1 or 2); 0 when nothing in m matches. */
size_t grammar_resolve(const struct meta *m, char *const *words, size_t n, char *out,
                       size_t outlen);

/* Arguments as typed: the raw text for each argument of op that was given. */
struct grammar_val {
    const struct meta_arg *arg;
    char *text; /* malloc'd; lists are comma-separated */
};

struct grammar_args {
    const struct meta_op *op;
    struct grammar_val *v;
    size_t n;
};

/* Reads words (after the noun and verb) as positional values and --flags of op into *out:
   positionals fill the required arguments not given as flags, in schema order; --name value,
   --name=value; booleans as --name, --no-name, --name=false; a repeated list flag appends.
   Every value is checked with value_check. Returns 0, or -1 with a usage message in err. */
int grammar_parse(const struct meta_op *op, char *const *words, size_t n, struct grammar_args *out,
                  char *err, size_t errlen);
/* Sets (or replaces) the value of argument name, unchecked. Returns 0, or -1 (unknown name,
   no memory). */
int grammar_set(struct grammar_args *a, const char *name, const char *text);
/* Removes the value of argument name, if any. */
void grammar_unset(struct grammar_args *a, const char *name);
/* The text given for name, or NULL. */
const char *grammar_get(const struct grammar_args *a, const char *name);
void grammar_args_free(struct grammar_args *a);

/* Packs a's values as one MessagePack map, converted by type (ids and numbers as integers,
   booleans, lists as arrays). When the op takes an idempotency_key and none was given, a fresh
   random UUID is added. Values must have passed value_check. */
void grammar_pack(const struct grammar_args *a, msgpack_packer *pk);

/* Flag spelling of an argument name: "full_name" -> "--full-name" into out. */
void grammar_flag_name(const char *arg, char *out, size_t outlen);

#endif
