/* barchart.h - horizontal bar charts for a terminal: one line per bar, labels padded and cut by
   display width (Chinese double, combining marks none, Arabic kept whole per character), bars in
   eighths of a column, the values' text aligned after them. Pure: writes to the FILE given. */
#ifndef AGENCY_BARCHART_H
#define AGENCY_BARCHART_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct barchart_bar {
    const char *label; /* UTF-8, any script */
    uint64_t value;    /* the bar's length against the largest value */
    const char *note;  /* printed after the bar (e.g. "12 contracts"), may be NULL */
};

/* Prints n bars to out within width display columns (at least 20): the label column is as
   wide as the widest label, at most a third of width (longer ones cut with "…"); the largest
   value fills the bar column; a non-zero value shows at least an eighth; every note starts at
   the same column. No line ends in blanks. */
void barchart_print(FILE *out, const struct barchart_bar *bars, size_t n, unsigned width);

#endif
