/* prompt.h - asking the person at the terminal: a line (readline, with a default), a secret
   (no echo), a yes/no confirmation. */
#ifndef AGENCY_PROMPT_H
#define AGENCY_PROMPT_H

#include <stdbool.h>

/* Reads a secret without echo from the controlling terminal (or, without one, a line of
   stdin). Returns a malloc'd string without the newline, NULL on end of input. Wipe it with
   prompt_wipe. */
char *prompt_secret(const char *prompt);
/* Reads a line with readline, the edit buffer starting as initial (may be NULL). Not added to
   history. malloc'd; NULL on end of input or Ctrl-C (interrupt_pending() tells which). */
char *prompt_line(const char *prompt, const char *initial);
/* Asks question with " [y/N] "; true only for an answer starting with y or Y. */
bool prompt_yes(const char *question);
/* Overwrites and frees a secret (NULL is fine). */
void prompt_wipe(char *s);

#endif
