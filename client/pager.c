/* pager.c - terminal size and the pager for long output. */
#include "pager.h"

#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "interrupt.h"

void pager_term_size(unsigned *cols, unsigned *rows)
{
    struct winsize ws;
    *cols = *rows = 0;
    if (!isatty(STDOUT_FILENO))
        return;
    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) {
        *cols = ws.ws_col;
        *rows = ws.ws_row;
        return;
    }
    const char *c = getenv("COLUMNS"), *l = getenv("LINES");
    *cols = c ? (unsigned)atoi(c) : 80;
    *rows = l ? (unsigned)atoi(l) : 24;
}

static size_t count_lines(const char *buf, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        n += buf[i] == '\n';
    return n;
}

/* True if an executable called name is on $PATH. */
static bool on_path(const char *name)
{
    const char *path = getenv("PATH");
    char dir[4096], full[4200];
    while (path && *path) {
        size_t n = strcspn(path, ":");
        snprintf(dir, sizeof(dir), "%.*s", (int)n, path);
        snprintf(full, sizeof(full), "%s/%s", dir[0] ? dir : ".", name);
        if (access(full, X_OK) == 0)
            return true;
        path += n + (path[n] == ':');
    }
    return false;
}

/* $PAGER, else less -FRX, else more; NULL when there is none. */
static const char *pager_command(void)
{
    const char *cmd = getenv("PAGER");
    if (cmd && *cmd)
        return cmd;
    if (on_path("less"))
        return "less -FRX";
    if (on_path("more"))
        return "more";
    return NULL;
}

/* True when keys typed ahead wait on stdin: they are the next command, not the pager's. */
static bool typed_ahead(void)
{
    struct pollfd p = {STDIN_FILENO, POLLIN, 0};
    return isatty(STDIN_FILENO) && poll(&p, 1, 0) > 0 && (p.revents & POLLIN);
}

int pager_emit(const char *buf, size_t len, bool use_pager)
{
    unsigned cols, rows;
    pager_term_size(&cols, &rows);
    if (use_pager && rows > 0 && count_lines(buf, len) >= rows && !typed_ahead()) {
        const char *cmd = pager_command();
        fflush(stdout);
        /* less without its shell, editor and save-to-file commands */
        setenv("LESSSECURE", "1", 1);
        FILE *p = cmd ? popen(cmd, "w") : NULL;
        if (p) {
            fwrite(buf, 1, len, p); /* the pager may quit early: SIGPIPE is ignored */
            pclose(p);
            interrupt_clear(); /* a Ctrl-C in the pager was the pager's */
            return 0;
        }
    }
    if (fwrite(buf, 1, len, stdout) != len)
        return -1;
    return fflush(stdout) == 0 ? 0 : -1;
}
