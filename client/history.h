/* history.h - the readline history in ~/.local/state/agency/history (mode 0600), never
   holding a line that carries or asks for a secret. */
#ifndef AGENCY_HISTORY_H
#define AGENCY_HISTORY_H

#include <stdbool.h>

#include "meta.h"

/* Loads the history file, creating its directory (0700) when needed. */
void history_open(void);
/* Adds line to the history unless history_is_secret says no. */
void history_add_line(const struct meta *m, const char *line);
/* True for lines that must never be saved: password commands, user reset-password, anything
   with a secret-typed --flag or an argument named like a password. */
bool history_is_secret(const struct meta *m, const char *line);
/* Writes the history file (mode 0600), keeping the last 1000 lines. */
void history_close(void);

#endif
