/* commands.h - runs one command line: the built-ins (help, whoami, password, sessions, logout,
   quit), a "--format" for this line only, then the commands of client/cmd/ (app.nouns) and
   the generic "noun verb args --flags" mapping onto the server's operations. */
#ifndef AGENCY_COMMANDS_H
#define AGENCY_COMMANDS_H

#include "app.h"

/* Runs line; prints results and errors. Returns what happened (see enum cmd_status). */
enum cmd_status commands_run(struct app *a, const char *line);

#endif
