/* noun.h - what a command file of client/cmd/ declares: a noun, its verbs, the operation each
   verb runs, the words a person types for its arguments (flag names, CLIENT, USER and TEAM
   names for ids, what the positional words are) and its help lines. The dispatcher (verb.c),
   help and completion all read these rows; nothing here calls the server. */
#ifndef AGENCY_NOUN_H
#define AGENCY_NOUN_H

#include <stdbool.h>
#include <stddef.h>

#include "status.h"

/* What a typed word names, and so how it becomes the argument's value. */
enum noun_conv {
    NOUN_AS_TYPED = 0, /* the value as typed (checked against the argument's schema) */
    NOUN_USER,         /* an id, a user name, a full name or "me": the user's id */
    NOUN_TEAM,         /* an id or a team name: the team's id */
    NOUN_CLIENT,       /* an id or a client name (searched, chosen): the client's id */
    NOUN_BRANCH        /* an id or a branch name: the branch's id */
};

/* A flag as typed and the argument it fills: {"owner", "owner_id", NOUN_USER} makes
   "--owner mehmet.yilmaz" send owner_id with that user's id. Tables end with {NULL}. */
struct noun_flag {
    const char *flag; /* without "--" */
    const char *arg;  /* the operation's argument */
    enum noun_conv conv;
};

/* What the positional words of a verb are (flags are whatever its flag table says). */
enum noun_pos {
    NOUN_POS_ARGS = 0, /* the operation's required arguments, in schema order */
    NOUN_POS_FIRST,    /* the first (if any) names `first` for argument first_arg; then ARGS */
    NOUN_POS_TEXT,     /* all of them, joined by blanks, are the text of first_arg ("q") */
    NOUN_POS_ALL       /* each names `first`, for the list argument first_arg (own run) */
};

struct verb_call; /* a verb being run: verb.h */
struct show_col;  /* show.h */
typedef enum cmd_status (*noun_fn)(struct verb_call *c);

struct noun_verb {
    const char *words; /* the verb and its aliases, blank-separated: "show get"; NULL for a
                          noun used alone ("agenda", "log KIND ...") */
    const char *op;    /* the operation it runs; the verb exists only when the server offers it */
    const struct noun_flag *flags; /* flags renamed or converted; NULL: all as the schema says */
    enum noun_pos pos;
    enum noun_conv first;  /* NOUN_POS_FIRST/ALL: what the words name (Tab offers those names) */
    const char *first_arg; /* and the argument they fill */
    const char *lead;      /* a noun used alone: the argument its first word is ("kind") */
    noun_fn run;           /* NULL: the generic path (verb_rewrite, then verb_finish) */
    bool always;           /* run even when the server does not offer op (run says so itself) */
    const struct show_col
        *cols; /* its list's columns, in table order (show.h); NULL: the answer's */
    size_t ncols;
    /* help */
    const char *usage;       /* "client show CLIENT"; NULL: made from the schema */
    const char *what;        /* one line; NULL: the operation's summary */
    const char *listed;      /* its name in the full command list, when not "noun verb" */
    const char *listed_what; /* its line there, when not the operation's summary */
    const char *help;        /* more text for "help NOUN VERB" instead of the argument table */
    const char *also;        /* other operations it runs (blank-separated), never listed alone */
};

struct noun {
    const char *name;              /* "client" */
    const struct noun_verb *verbs; /* ended by a row with op NULL */
};

/* The noun called name in the NULL-ended table nouns, or NULL (nouns may be NULL). */
const struct noun *noun_find(const struct noun *const *nouns, const char *name);

/* The verb of noun typed as word (or the noun's only row when it is used alone and word is
   NULL), or NULL. */
const struct noun_verb *noun_verb(const struct noun *noun, const char *word);

/* True when the noun is used alone (its row has no verb words). */
bool noun_alone(const struct noun *noun);

/* The first row of any noun whose op is op; NULL when none. */
const struct noun_verb *noun_verb_of_op(const struct noun *const *nouns, const char *op);

/* True when op is an operation some row runs besides its own (its "also" list). */
bool noun_op_is_step(const struct noun *const *nouns, const char *op);

#endif
