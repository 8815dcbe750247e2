/* meta.h - the operation catalogue the server answers to meta.operations, kept by the client
   for the command grammar, help, completion and forms. */
#ifndef AGENCY_META_H
#define AGENCY_META_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <msgpack.h>

enum meta_type {
    MT_STR = 0,
    MT_TEXT,
    MT_SECRET,
    MT_U64,
    MT_I64,
    MT_BOOL,
    MT_ID,
    MT_ENUM,
    MT_DATE,
    MT_TIMESTAMP,
    MT_ID_LIST,
    MT_CIDR_LIST,
    MT_UUID,
    MT_UNKNOWN /* a type this client does not know: sent as a string */
};

struct meta_arg {
    char *name;
    enum meta_type type;
    bool required;
    bool has_min, has_max;
    int64_t min, max;
    char **choices; /* MT_ENUM */
    size_t nchoices;
};

struct meta_op {
    char *name;    /* "user.reset_password" */
    char *summary; /* may be "" */
    bool mutating; /* flags contain "mutating" */
    struct meta_arg *args;
    size_t nargs;
};

struct meta {
    struct meta_op *ops;
    size_t nops;
    char **denied; /* operations that exist but not for the caller's role (not_permitted) */
    size_t ndenied;
};

/* Fills m (zeroed by the caller, or freed before) from a meta.operations result
   {"operations": [...]}. Entries it cannot read are skipped. Returns 0, or -1 when result has
   no operations array or memory ran out (m is then empty). */
int meta_load(struct meta *m, const msgpack_object *result);
/* Frees everything meta_load allocated and empties m. */
void meta_free(struct meta *m);
/* The operation called name, or NULL. */
const struct meta_op *meta_find(const struct meta *m, const char *name);
/* True when the server said operation name exists but is not for the caller's role. */
bool meta_denied(const struct meta *m, const char *name);
/* The argument called name of op, or NULL. */
const struct meta_arg *meta_arg_find(const struct meta_op *op, const char *name);
/* True if some operation's name starts with "noun." (or equals noun). */
bool meta_has_noun(const struct meta *m, const char *noun);
/* Type name on the wire ("str", "id", ...) <-> enum. */
enum meta_type meta_type_from_name(const char *s, size_t len);
const char *meta_type_name(enum meta_type t);
/* True for arguments the client fills itself and never shows (idempotency_key). */
bool meta_arg_hidden(const struct meta_arg *a);

/* Adds one operation by hand (for tests and built-in fallbacks): args given as a static table
   terminated by a NULL name; copied. Returns 0 or -1. */
int meta_add(struct meta *m, const char *name, const char *summary, bool mutating,
             const struct meta_arg *args);

#endif
