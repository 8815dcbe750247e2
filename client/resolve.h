/* resolve.h - names typed on the command line to ids: CLIENT (an id, or a name in any script
   looked up with client.list, so only clients the caller may see are ever found), USER (an id or
   a user name), TEAM (an id or a team name); and the client names offered by Tab. */
#ifndef AGENCY_RESOLVE_H
#define AGENCY_RESOLVE_H

#include <stddef.h>
#include <stdint.h>

#include "app.h"
#include "noun.h"

enum { RESOLVE_NONE = -1, RESOLVE_AMBIGUOUS = -2 };

/* Writes the comparison form of a name into out (NUL-ended, truncated to outlen): ASCII
   letters lower-cased, runs of blanks (space, tab, ideographic space U+3000, no-break space)
   as one space, no leading or trailing blanks. Other characters are kept as they are. */
void resolve_normalise(const char *name, char *out, size_t outlen);

/* Chooses among the names a search answered for typed: the index of the only name equal to
   typed once both are normalised; else, with exactly one name, 0; RESOLVE_NONE when n is 0;
   RESOLVE_AMBIGUOUS otherwise (several exact matches, or several results and none exact). */
int resolve_choose(const char *typed, const char *const *names, size_t n);

/* True when text is a plain id (decimal digits, not 0, fits 64 bits); *id is set. */
int resolve_is_id(const char *text, uint64_t *id);

/* CLIENT to an id: a plain id is taken as it is (the server answers not_found if it is out of
   scope); a name is searched with client.list {q, limit 10} and chosen with resolve_choose.
   Several candidates: listed (id, name, owner), and at a terminal the person picks one;
   otherwise an error. Returns CMD_OK with *id set, or the status to end the command with
   (messages printed). */
enum cmd_status resolve_client(struct app *a, const char *text, uint64_t *id);

/* USER (id or user name, or a full name) to a user id via user.list. Same returns. */
enum cmd_status resolve_user(struct app *a, const char *text, uint64_t *id);

/* TEAM (id or name) to a team id via team.list. Same returns. */
enum cmd_status resolve_team(struct app *a, const char *text, uint64_t *id);

/* BRANCH (id, name or city) to a branch id via branch.list. Same returns. */
enum cmd_status resolve_branch(struct app *a, const char *text, uint64_t *id);

/* A word naming what conv says (noun.h) to its id; NOUN_AS_TYPED leaves *id alone. Same
   returns. */
enum cmd_status resolve_conv(struct app *a, enum noun_conv conv, const char *text, uint64_t *id);

/* The names of what conv names that start with prefix (ASCII case ignored) among those the
   caller may see: client names by search, user names, team and branch names from their
   lists. A malloc'd NULL-terminated array (free with complete_free); NULL on any failure;
   no message printed. */
char **resolve_names(struct app *a, enum noun_conv conv, const char *prefix);

#endif
