/* render_aligned.h - the aligned layout of a table ("id | name" with a dashed rule), fitted to
   the terminal: the columns of the highest priority number hidden first, text cut with "…"
   between characters, and a note naming what was left out. */
#ifndef AGENCY_RENDER_ALIGNED_H
#define AGENCY_RENDER_ALIGNED_H

#include <stdbool.h>
#include <stdio.h>

#include "render_table.h"

/* Prints t aligned in at most term_width columns (0: unknown, every column at full width).
   When even the columns that are never hidden do not fit at their narrowest, prints nothing
   and returns 1 if may_refuse is set (the caller shows records instead), else prints them
   anyway. Returns 0 printed, 1 refused, -1 out of memory. */
int render_aligned_print(const struct render_table *t, unsigned term_width, bool colour,
                         bool may_refuse, FILE *out);

#endif
