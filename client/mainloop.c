/* mainloop.c - the interactive readline loop with server push, and the script runner. */
#include "mainloop.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <readline/readline.h>

#include "commands.h"
#include "complete.h"
#include "resolve.h"
#include "history.h"
#include "interrupt.h"
#include "login.h"
#include "render.h"
#include "show.h"

#define SCRIPT_MAX_LINES 1000000

static char *pending_line;
static bool line_ready;
static volatile sig_atomic_t got_sigwinch;

static void on_sigwinch(int sig)
{
    (void)sig;
    got_sigwinch = 1;
}

static void on_line(char *line)
{
    rl_callback_handler_remove(); /* no prompt until the command has run */
    pending_line = line;
    line_ready = true;
}

/* One push event as a line: "-- kind: key=value, key=value". */
static void print_event(const msgpack_object *ev)
{
    const char *kind = "event";
    size_t klen = 5;
    proto_get_str(ev, "kind", &kind, &klen, 64);
    fputs("-- ", stdout);
    render_text(stdout, kind, klen);
    fputc(':', stdout);
    for (uint32_t i = 0; ev && ev->type == MSGPACK_OBJECT_MAP && i < ev->via.map.size; i++) {
        const msgpack_object_kv *kv = &ev->via.map.ptr[i];
        enum render_kind rk;
        if (kv->key.type != MSGPACK_OBJECT_STR ||
            (kv->key.via.str.size == 4 && memcmp(kv->key.via.str.ptr, "kind", 4) == 0))
            continue;
        char *v = show_value(&kv->val, &rk);
        fputc(' ', stdout);
        render_text(stdout, kv->key.via.str.ptr, kv->key.via.str.size);
        fputc('=', stdout);
        render_text(stdout, v ? v : "null", strlen(v ? v : "null"));
        free(v);
    }
    fputc('\n', stdout);
}

void mainloop_print_push(struct app *a)
{
    struct conn_reply r;
    bool cleared = false;
    while (conn_next_push(a->conn, &r)) {
        if (a->readline_on && !cleared) {
            rl_clear_visible_line();
            cleared = true;
        }
        print_event(r.result);
        conn_reply_free(&r);
    }
    fflush(stdout);
    if (cleared) {
        rl_on_new_line();
        rl_forced_update_display();
    }
}

static void install_prompt(struct app *a, char *prompt, size_t len)
{
    snprintf(prompt, len, "%s%sagency> ", a->username, a->username[0] ? "@" : "");
    rl_callback_handler_install(prompt, on_line);
    a->readline_on = true;
}

static void clear_typed_line(void)
{
    rl_free_line_state();
    rl_callback_sigcleanup();
    rl_replace_line("", 0);
    rl_point = rl_end = 0;
    fputc('\n', stdout);
    rl_on_new_line();
    rl_redisplay();
}

/* Runs the line just read. Returns false when the loop should end (status in *st). */
static bool handle_line(struct app *a, enum cmd_status *st)
{
    char *line = pending_line;
    pending_line = NULL;
    line_ready = false;
    a->readline_on = false;
    if (!line) { /* Ctrl-D */
        fputc('\n', stdout);
        *st = CMD_OK;
        return false;
    }
    history_add_line(&a->meta, line);
    interrupt_clear();
    enum cmd_status s = commands_run(a, line);
    interrupt_clear(); /* a Ctrl-C that ended the command ends nothing else */
    free(line);
    mainloop_print_push(a);
    if (s == CMD_QUIT) {
        *st = CMD_OK;
        return false;
    }
    if (s == CMD_CONN && !conn_has_session(a->conn)) {
        printf("Log in again.\n");
        if (login_run(a) != CMD_OK) {
            *st = CMD_CONN;
            return false;
        }
    }
    return true;
}

/* Tab on a CLIENT, USER, TEAM or BRANCH: the names the server lets this user see. */
static char **names(void *ud, enum noun_conv conv, const char *prefix)
{
    return resolve_names(ud, conv, prefix);
}

static void set_signals(void)
{
    struct sigaction sa;
    interrupt_install(); /* no SA_RESTART: poll returns EINTR */
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_sigwinch;
    sigaction(SIGWINCH, &sa, NULL);
}

/* One line: who, as what, where, and to which server. */
static void welcome(const struct app *a)
{
    const char *server = conn_server(a->conn), *slash = strchr(server, '/');
    int name = slash ? (int)(slash - server) : (int)strlen(server);
    printf("agency %s: %s (%s%s%s)", AGENCY_VERSION, a->username, a->role, a->branch[0] ? ", " : "",
           a->branch);
    if (*server)
        printf(" on %.*s%s%s", name, server, slash ? " " : "", slash ? slash + 1 : "");
    printf(". Type help, or quit.\n");
    fflush(stdout);
}

enum cmd_status mainloop_interactive(struct app *a)
{
    char prompt[200];
    enum cmd_status st = CMD_OK;
    rl_catch_signals = 0;
    rl_catch_sigwinch = 0;
    set_signals();
    history_open();
    complete_init(&a->meta, a->nouns);
    complete_set_lookup(names, a);
    welcome(a);
    install_prompt(a, prompt, sizeof(prompt));
    for (;;) {
        if (conn_has_buffered(a->conn) && conn_pump(a->conn) == 0)
            mainloop_print_push(a);
        struct pollfd p[2] = {{STDIN_FILENO, POLLIN, 0}, {conn_fd(a->conn), POLLIN, 0}};
        int n = poll(p, p[1].fd >= 0 ? 2 : 1, 1000);
        if (got_sigwinch) {
            got_sigwinch = 0;
            rl_resize_terminal();
        }
        if (interrupt_pending()) {
            interrupt_clear();
            clear_typed_line();
            continue;
        }
        if (n < 0 && errno != EINTR)
            break;
        if (n <= 0)
            continue;
        if (p[0].revents & (POLLIN | POLLHUP | POLLERR))
            rl_callback_read_char();
        if (line_ready) {
            if (!handle_line(a, &st))
                break;
            install_prompt(a, prompt, sizeof(prompt));
            continue;
        }
        if (p[1].fd >= 0 && (p[1].revents & (POLLIN | POLLHUP | POLLERR))) {
            conn_pump(a->conn); /* a closed connection is reopened by the next command */
            mainloop_print_push(a);
        }
    }
    if (a->readline_on)
        rl_callback_handler_remove();
    a->readline_on = false;
    history_close();
    return st;
}

enum cmd_status mainloop_script(struct app *a, FILE *in, const char *name)
{
    char *line = NULL;
    size_t cap = 0;
    enum cmd_status st = CMD_OK;
    for (long lineno = 1; lineno <= SCRIPT_MAX_LINES; lineno++) {
        ssize_t len = getline(&line, &cap, in);
        if (len < 0)
            break;
        line[strcspn(line, "\r\n")] = '\0';
        st = commands_run(a, line);
        mainloop_print_push(a);
        if (st == CMD_QUIT) {
            st = CMD_OK;
            break;
        }
        if (st != CMD_OK) {
            fprintf(stderr, "agency: stopped at line %ld of %s\n", lineno, name);
            break;
        }
    }
    free(line);
    return st;
}
