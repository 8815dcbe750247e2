/* import_map.h - which client field each column of an imported spreadsheet fills: headers
   matched case-insensitively with common synonyms ("Company" -> name, "VAT" ->
   registration_no, ...), --map COLUMN=FIELD and --ignore COLUMN from the command line. */
#ifndef AGENCY_IMPORT_MAP_H
#define AGENCY_IMPORT_MAP_H

#include <stdbool.h>
#include <stddef.h>

/* The client field a header stands for (a static string such as "legal_name"), or NULL. */
const char *import_field_for_header(const char *header);

/* True when name is a client field an import row may set. */
bool import_is_field(const char *name);

/* Writes the comparison form of a header into out: ASCII lower case, '_', '-', '.', '/' and
   runs of blanks as one space, no blanks at either end. */
void import_header_key(const char *header, char *out, size_t outlen);

/* Fills fields[0..n) with the field of each of the n headers (NULL for an ignored column).
   maps are "COLUMN=FIELD" words (they win over the synonyms), ignores are column names.
   Returns 0, or -1 with a message in err: a --map that is not COLUMN=FIELD or names no client
   field or no column, unknown columns (all listed, with how to map or ignore them), two
   columns for one field, or no column for name. */
int import_map_build(char *const *headers, size_t n, char *const *maps, size_t nmaps,
                     char *const *ignores, size_t nignores, const char **fields, char *err,
                     size_t errlen);

#endif
