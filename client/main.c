/* main.c - agency, the Agency Desk client: settings, connection and login, then one command
   (-c), a file of commands (-f), piped commands, or the interactive prompt. */
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "app.h"
#include "cmd/nouns.h"
#include "commands.h"
#include "interrupt.h"
#include "login.h"
#include "mainloop.h"
#include "page.h"

static void print_notice(void *ud, const char *msg)
{
    (void)ud;
    fflush(stdout);
    fprintf(stderr, "agency: %s\n", msg);
}

/* Ends the session on the server when the connection is still there (best effort). */
static void end_session(struct app *a)
{
    struct conn_reply r;
    char err[128];
    if (!conn_is_open(a->conn) || !conn_has_session(a->conn) || conn_pump(a->conn) < 0)
        return; /* gone already: do not reconnect only to log out */
    conn_call(a->conn, "auth.logout", NULL, 0, false, &r, err, sizeof(err));
    conn_reply_free(&r);
    conn_forget_session(a->conn);
}

static int run(struct app *a)
{
    if (a->set.command)
        return commands_run(a, a->set.command);
    if (a->set.file) {
        FILE *f = strcmp(a->set.file, "-") == 0 ? stdin : fopen(a->set.file, "r");
        if (!f) {
            app_errorf(a, "cannot read %s", a->set.file);
            return CMD_USAGE;
        }
        enum cmd_status st = mainloop_script(a, f, a->set.file);
        if (f != stdin)
            fclose(f);
        return st;
    }
    if (a->interactive)
        return mainloop_interactive(a);
    return mainloop_script(a, stdin, "standard input");
}

int main(int argc, char **argv)
{
    struct app a;
    char err[512];
    memset(&a, 0, sizeof(a));
    a.nouns = cmd_nouns;
    setlocale(LC_ALL, ""); /* readline edits multibyte input in the user's locale */
    signal(SIGPIPE, SIG_IGN);

    enum settings_result sr = settings_load(&a.set, argc, argv, stdout, err, sizeof(err));
    if (sr != SETTINGS_OK) {
        if (sr == SETTINGS_USAGE)
            fprintf(stderr, "agency: %s\n", err);
        settings_free(&a.set);
        return sr == SETTINGS_EXIT ? 0 : CMD_USAGE;
    }
    a.interactive = !a.set.command && !a.set.file && isatty(STDIN_FILENO);
    a.colour = a.set.colour != COLOUR_NEVER && isatty(STDOUT_FILENO);
    a.colour_err = a.set.colour != COLOUR_NEVER && isatty(STDERR_FILENO);

    struct conn_opts co = {.host = a.set.host,
                           .port = a.set.port,
                           .ca = a.set.ca,
                           .cert = a.set.cert,
                           .key = a.set.key,
                           .notice = print_notice,
                           .cancel = interrupt_flag()};
    a.conn = conn_new(&co, err, sizeof(err));
    int status = CMD_CONN;
    if (!a.conn)
        app_errorf(&a, "%s", err);
    else if (login_run(&a) == CMD_OK)
        status = run(&a);
    if (status == CMD_QUIT)
        status = CMD_OK;
    if (a.conn) {
        end_session(&a);
        conn_free(a.conn);
    }
    page_forget(&a);
    meta_free(&a.meta);
    settings_free(&a.set);
    return status;
}
