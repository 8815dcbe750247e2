/* import.h - "client import FILE.csv [--dry-run] [--skip-bad] [--map COLUMN=FIELD]...
   [--ignore COLUMN]...": a spreadsheet's rows staged on the server in chunks of at most 500
   (client.import_begin / import_rows / import_commit), committed in one transaction, with a
   progress bar on a terminal and a per-row error report (line, field, reason). */
#ifndef AGENCY_IMPORT_H
#define AGENCY_IMPORT_H

#include <stddef.h>

#include "app.h"

#define IMPORT_CHUNK    500
#define IMPORT_MAX_FILE (256u << 20)

/* Runs the command with the words after "client import". Nothing is imported when any row
   is bad unless --skip-bad; --dry-run imports nothing. Exit status 1 when rows were rejected
   and nothing was imported. */
enum cmd_status import_run(struct app *a, char *const *words, size_t n);

#endif
