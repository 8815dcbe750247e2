/* progress.h - a one-line progress bar on stderr, drawn only when stderr is a terminal. */
#ifndef AGENCY_PROGRESS_H
#define AGENCY_PROGRESS_H

#include <stdbool.h>
#include <stddef.h>

struct progress {
    bool on;          /* stderr is a terminal */
    size_t total;     /* units of work (rows) */
    int last_percent; /* what was drawn last, -1 none */
    const char *what; /* "rows" */
};

/* Starts a bar for total units; draws nothing unless stderr is a terminal. */
void progress_start(struct progress *p, size_t total, const char *what);
/* Redraws the bar for done units when the percentage changed. */
void progress_update(struct progress *p, size_t done);
/* Clears the bar's line. */
void progress_end(struct progress *p);

#endif
