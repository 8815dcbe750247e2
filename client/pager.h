/* pager.h - the terminal: its size, and the pager ($PAGER, default "less -FRX") for output
   taller than the window when stdout is a terminal. */
#ifndef AGENCY_PAGER_H
#define AGENCY_PAGER_H

#include <stdbool.h>
#include <stddef.h>

/* Columns and rows of the terminal on stdout; 0 and 0 when stdout is not a terminal. */
void pager_term_size(unsigned *cols, unsigned *rows);

/* Writes buf[0..len) to stdout, through the pager when use_pager is set, stdout is a terminal,
   the text has more lines than the window and no keys typed ahead wait on stdin (they would
   go to the pager). The pager runs with LESSSECURE=1. Returns 0, or -1 on a write error. */
int pager_emit(const char *buf, size_t len, bool use_pager);

#endif
