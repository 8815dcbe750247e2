/* progress.c - "[#####.....]  50%  5000/10000 rows" redrawn in place on a terminal. */
#include "progress.h"

#include <stdio.h>
#include <unistd.h>

#define BAR_WIDTH 30

void progress_start(struct progress *p, size_t total, const char *what)
{
    p->on = isatty(STDERR_FILENO) == 1;
    p->total = total;
    p->last_percent = -1;
    p->what = what;
    progress_update(p, 0);
}

void progress_update(struct progress *p, size_t done)
{
    if (!p->on)
        return;
    if (done > p->total)
        done = p->total;
    int percent = p->total ? (int)(done * 100 / p->total) : 100;
    if (percent == p->last_percent)
        return;
    p->last_percent = percent;
    char bar[BAR_WIDTH + 1];
    size_t fill = (size_t)percent * BAR_WIDTH / 100;
    for (size_t i = 0; i < BAR_WIDTH; i++)
        bar[i] = i < fill ? '#' : '.';
    bar[BAR_WIDTH] = '\0';
    fflush(stdout);
    fprintf(stderr, "\r[%s] %3d%%  %zu/%zu %s", bar, percent, done, p->total, p->what);
    fflush(stderr);
}

void progress_end(struct progress *p)
{
    if (!p->on)
        return;
    fputs("\r\033[K", stderr);
    fflush(stderr);
    p->on = false;
}
