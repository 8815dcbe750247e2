/* prompt.c - line, secret and confirmation prompts. */
#include "prompt.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <readline/readline.h>

#include "interrupt.h"

#define SECRET_MAX 1024

void prompt_wipe(char *s)
{
    if (!s)
        return;
    OPENSSL_cleanse(s, strlen(s));
    free(s);
}

/* Reads one line from fd byte by byte (no stdio buffering that readline would miss). */
static char *read_line_fd(int fd)
{
    char *buf = malloc(SECRET_MAX);
    size_t n = 0;
    if (!buf)
        return NULL;
    for (;;) {
        char c;
        ssize_t r = read(fd, &c, 1);
        if (r < 0 && errno == EINTR) { /* Ctrl-C: give up */
            OPENSSL_cleanse(buf, n);
            free(buf);
            return NULL;
        }
        if (r <= 0) {
            if (n == 0) {
                free(buf);
                return NULL;
            }
            break;
        }
        if (c == '\n')
            break;
        if (c == '\r')
            continue;
        if (n + 1 < SECRET_MAX)
            buf[n++] = c;
    }
    buf[n] = '\0';
    return buf;
}

char *prompt_secret(const char *prompt)
{
    struct sigaction sa, old_sa;
    struct termios old, quiet;
    int fd = open("/dev/tty", O_RDWR | O_CLOEXEC);
    int in = fd >= 0 ? fd : STDIN_FILENO;
    bool tty = isatty(in) && tcgetattr(in, &old) == 0;

    if (tty) {
        if (write(in, prompt, strlen(prompt)) < 0) { /* the prompt is best effort */
        }
        quiet = old;
        quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
        quiet.c_lflag |= ICANON;
        tcsetattr(in, TCSAFLUSH, &quiet);
    } else {
        fputs(prompt, stderr);
        fflush(stderr);
    }
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = interrupt_handle; /* no SA_RESTART: Ctrl-C ends the read, echo comes back */
    sigaction(SIGINT, &sa, &old_sa);
    char *line = read_line_fd(in);
    sigaction(SIGINT, &old_sa, NULL);
    if (tty) {
        tcsetattr(in, TCSAFLUSH, &old);
        if (write(in, "\n", 1) < 0) {
        }
    }
    if (fd >= 0)
        close(fd);
    return line;
}

static const char *initial_text;

static int insert_initial(void)
{
    if (initial_text) {
        rl_insert_text(initial_text);
        initial_text = NULL;
    }
    rl_startup_hook = NULL;
    return 0;
}

static char *read_result;
static bool read_done;

static void on_read_line(char *line)
{
    rl_callback_handler_remove();
    read_result = line;
    read_done = true;
}

/* readline's callback interface on stdin, so that Ctrl-C (the interrupt flag) ends the
   question instead of leaving what is typed next to answer it. */
static char *read_interruptible(const char *prompt)
{
    read_result = NULL;
    read_done = false;
    rl_callback_handler_install(prompt, on_read_line);
    while (!read_done) {
        struct pollfd p = {STDIN_FILENO, POLLIN, 0};
        int n = poll(&p, 1, 1000);
        if (interrupt_pending()) {
            rl_callback_handler_remove();
            rl_free_line_state();
            rl_callback_sigcleanup();
            fputc('\n', stdout);
            fflush(stdout);
            return NULL;
        }
        if (n < 0 && errno != EINTR)
            break;
        if (n > 0)
            rl_callback_read_char();
    }
    if (!read_done)
        rl_callback_handler_remove();
    return read_result;
}

char *prompt_line(const char *prompt, const char *initial)
{
    if (!isatty(STDIN_FILENO)) {
        fputs(prompt, stdout);
        fflush(stdout);
        return read_line_fd(STDIN_FILENO);
    }
    initial_text = initial;
    rl_startup_hook = initial ? insert_initial : NULL;
    char *line = read_interruptible(prompt);
    initial_text = NULL;
    rl_startup_hook = NULL;
    return line;
}

bool prompt_yes(const char *question)
{
    char p[512];
    snprintf(p, sizeof(p), "%s [y/N] ", question);
    char *answer = prompt_line(p, NULL);
    bool yes = answer && (answer[0] == 'y' || answer[0] == 'Y');
    free(answer);
    return yes;
}
