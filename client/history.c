/* history.c - saved command history without secrets. */
#include "history.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <readline/history.h>

#include "grammar.h"
#include "settings.h"

#define HISTORY_LINES 1000

static char history_path[4096];

static int mkdir_p(const char *dir)
{
    char tmp[4096];
    snprintf(tmp, sizeof(tmp), "%s", dir);
    for (char *p = tmp + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(tmp, 0700) < 0 && errno != EEXIST)
            return -1;
        *p = '/';
    }
    return mkdir(tmp, 0700) < 0 && errno != EEXIST ? -1 : 0;
}

void history_open(void)
{
    char dir[4000];
    using_history();
    stifle_history(HISTORY_LINES);
    if (settings_state_dir(dir, sizeof(dir)) < 0 || mkdir_p(dir) < 0)
        return;
    snprintf(history_path, sizeof(history_path), "%s/history", dir);
    read_history(history_path);
}

bool history_is_secret(const struct meta *m, const char *line)
{
    struct grammar_words w;
    char err[64], method[128];
    bool secret = false;
    if (grammar_split(line, &w, err, sizeof(err)) < 0)
        return strstr(line, "password") != NULL; /* cannot tell: be careful */
    if (w.n == 0) {
        grammar_words_free(&w);
        return false;
    }
    if (strcmp(w.v[0], "password") == 0)
        secret = true;
    size_t used = m ? grammar_resolve(m, w.v, w.n, method, sizeof(method)) : 0;
    if (used && (strcmp(method, "auth.password") == 0 || strcmp(method, "auth.reauth") == 0 ||
                 strcmp(method, "auth.login") == 0 || strcmp(method, "auth.resume") == 0 ||
                 strcmp(method, "user.reset_password") == 0))
        secret = true;
    for (size_t i = 1; i < w.n && !secret; i++) {
        if (strncmp(w.v[i], "--", 2) != 0)
            continue;
        if (strstr(w.v[i], "password") || strstr(w.v[i], "token") || strstr(w.v[i], "secret"))
            secret = true;
        const struct meta_op *op = used ? meta_find(m, method) : NULL;
        if (op) {
            char name[128];
            snprintf(name, sizeof(name), "%s", w.v[i] + 2);
            name[strcspn(name, "=")] = '\0';
            for (char *p = name; *p; p++)
                if (*p == '-')
                    *p = '_';
            const struct meta_arg *arg = meta_arg_find(op, name);
            if (arg && arg->type == MT_SECRET)
                secret = true;
        }
    }
    grammar_words_free(&w);
    return secret;
}

void history_add_line(const struct meta *m, const char *line)
{
    if (!line[0] || history_is_secret(m, line))
        return;
    HIST_ENTRY *last = history_length ? history_get(history_base + history_length - 1) : NULL;
    if (last && strcmp(last->line, line) == 0)
        return;
    add_history(line);
}

void history_close(void)
{
    if (!history_path[0])
        return;
    int fd = open(history_path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
    if (fd >= 0) {
        fchmod(fd, 0600);
        close(fd);
    }
    if (write_history(history_path) == 0)
        history_truncate_file(history_path, HISTORY_LINES);
}
