/* since.h - the words of a period given as a count of days or weeks back ("--since 7d"). */
#ifndef AGENCY_CMD_SINCE_H
#define AGENCY_CMD_SINCE_H

#include <stdbool.h>

#include "cmd.h"

#define SINCE_WORDS_MAX 64 /* words a command with a period may have */

/* "--since 7d" means seven days ago: a bare count of days or weeks after --since or --until
   gets the minus sign the date parser wants ("-7d"). Copies the words into out (buffers for
   the rewritten ones in bufs, SINCE_WORDS_MAX of them) and points c->in at them; false when
   there are too many. */
bool since_relative_back(struct verb_call *c, char *out[SINCE_WORDS_MAX], char bufs[][16]);

#endif
