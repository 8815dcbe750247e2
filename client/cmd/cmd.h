/* cmd.h - the one header a command file of client/cmd/ includes: the rows it declares
   (noun.h), the verb being run and its helpers (verb.h), the generic path (run.h), calls
   (call.h), names to ids (resolve.h), tables and record views (view.h, show.h).

   A command file defines one `const struct noun cmd_NAME` (declared in nouns.h, listed in
   nouns.c): its verbs, each with the operation it runs, its flag renames, what its positional
   words are, an optional run function for what the generic path cannot do, and help lines. */
#ifndef AGENCY_CMD_H
#define AGENCY_CMD_H

#include "app.h"
#include "call.h"
#include "noun.h"
#include "resolve.h"
#include "run.h"
#include "show.h"
#include "verb.h"
#include "view.h"

#define CMD_LEN(array) (sizeof(array) / sizeof((array)[0]))

#endif
