/* app.h - the state of one agency client run, shared by the command, form, completion,
   output and main-loop modules. */
#ifndef AGENCY_APP_H
#define AGENCY_APP_H

#include <stdbool.h>
#include <stdint.h>

#include "conn.h"
#include "meta.h"
#include "render.h"
#include "settings.h"
#include "status.h"

struct noun;     /* noun.h */
struct show_col; /* show.h */
struct page;     /* page.h */

/* The display options of one command line (--columns, --all, --expanded) and the columns of
   the command's row; reset before every line. */
struct app_cmd {
    const char *columns; /* --columns a,b,c */
    bool all;            /* --all: every page */
    bool expanded;       /* --expanded */
    const struct show_col *cols;
    size_t ncols;
};

struct app {
    struct settings set;
    struct conn *conn;
    struct meta meta;
    bool interactive;   /* a person at a terminal typing commands */
    bool readline_on;   /* a readline prompt is on the screen (push goes above it) */
    bool colour;        /* colour on stdout */
    bool colour_err;    /* colour on stderr */
    char username[128]; /* who is logged in */
    char role[32];
    char branch[128];                /* the user's branch (auth.whoami), or "" */
    uint64_t user_id;                /* the logged-in user's id (0 when the server did not say) */
    const struct noun *const *nouns; /* the commands of client/cmd/ (NULL-ended), set by main */
    enum render_expand expand;       /* \x: expanded display on, off or auto */
    bool timing;                     /* \timing: print how long each command took */
    struct app_cmd cmd;              /* this line's own */
    struct page *page;               /* the list that "next" goes on with (page.h), or NULL */
};

/* Prints "error: <message> (<code>)" and "  <field>: <reason>" for invalid, to stderr. */
void app_print_error(const struct app *a, const struct conn_reply *r);
/* Prints "error: <text>" to stderr (red on a terminal). */
void app_errorf(const struct app *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Maps a conn_call status to a command status, printing the error when there is one. */
enum cmd_status app_call_status(const struct app *a, enum conn_status s, const struct conn_reply *r,
                                const char *err);

#endif
