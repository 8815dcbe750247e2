/* mainloop.h - reading commands: the interactive loop (readline's callback interface, so server
   push is printed above the prompt without breaking the line being typed) and the script
   runner for -c, -f and piped input. */
#ifndef AGENCY_MAINLOOP_H
#define AGENCY_MAINLOOP_H

#include <stdio.h>

#include "app.h"

/* Reads and runs commands at the terminal until quit, Ctrl-D or a lost session.
   Returns the status to exit with (0, or 3 after a lost session). */
enum cmd_status mainloop_interactive(struct app *a);
/* Runs each line of in (named name in messages); stops at the first failing line with its
   status, printing where it stopped. */
enum cmd_status mainloop_script(struct app *a, FILE *in, const char *name);
/* Prints the queued server push (above the prompt when one is showing). */
void mainloop_print_push(struct app *a);

#endif
