/* since.c - "--since 7d" and "--until 2w" as the commands that take a period let people type
   them: a bare count of days or weeks back. */
#include <stdio.h>
#include <string.h>

#include "since.h"

/* "--since 7d" means seven days ago: a bare count of days or weeks after --since or --until
   gets the minus sign the date parser wants ("-7d"). Copies the words into out (buffers for
   the rewritten ones in bufs) and points c->in at them; false when there are too many. */
bool since_relative_back(struct verb_call *c, char *out[SINCE_WORDS_MAX], char bufs[][16])
{
    if (c->nin > SINCE_WORDS_MAX)
        return false;
    size_t nb = 0;
    for (size_t i = 0; i < c->nin; i++) {
        const char *w = c->in[i];
        out[i] = c->in[i];
        bool after_period =
            i > 0 && (strcmp(c->in[i - 1], "--since") == 0 || strcmp(c->in[i - 1], "--until") == 0);
        size_t len = strlen(w), digits = strspn(w, "0123456789");
        if (after_period && digits > 0 && digits == len - 1 && len < 14 &&
            (w[len - 1] == 'd' || w[len - 1] == 'w')) {
            snprintf(bufs[nb], 16, "-%s", w);
            out[i] = bufs[nb++];
        }
    }
    c->in = out;
    return true;
}
