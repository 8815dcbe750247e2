/* settings.h - where the client's settings come from, strongest first: command-line flags,
   AGENCY_* environment variables, ~/.config/agency/agency.conf, built-in defaults; and the
   password file (host:port:user:password lines, like .pgpass). */
#ifndef AGENCY_SETTINGS_H
#define AGENCY_SETTINGS_H

#include <stdbool.h>
#include <stdio.h>

#include "render.h"

#define SETTINGS_DEFAULT_HOST "localhost"
#define SETTINGS_DEFAULT_PORT 7420

enum settings_colour { COLOUR_AUTO = 0, COLOUR_NEVER, COLOUR_ALWAYS };

struct settings {
    char *host;
    unsigned port;
    char *user;     /* NULL: ask */
    char *ca;       /* NULL: the system trust store */
    char *cert;     /* client certificate for mutual TLS, or NULL */
    char *key;      /* its key, or NULL */
    char *password; /* AGENCY_PASSWORD, or NULL */
    char *passfile; /* AGENCY_PASSFILE, or the default path */
    char *command;  /* -c */
    char *file;     /* -f */
    enum render_format format;
    bool pager;
    enum settings_colour colour;
};

enum settings_result {
    SETTINGS_OK = 0,
    SETTINGS_EXIT = 1,   /* --help or --version printed: exit 0 */
    SETTINGS_USAGE = -1, /* bad flag or value: message in err, exit 2 */
};

/* Fills s from argv, the environment and the config file (AGENCY_CONFIG or
   $XDG_CONFIG_HOME/agency/agency.conf or ~/.config/agency/agency.conf). Prints --help and
   --version to out. The strings in s are malloc'd; free them with settings_free. */
enum settings_result settings_load(struct settings *s, int argc, char **argv, FILE *out, char *err,
                                   size_t errlen);
void settings_free(struct settings *s);

/* Parses "table", "csv", "json"; -1 if none of them. */
int settings_format(const char *name);

/* Looks up host:port:user in the password file at path (lines host:port:user:password, '*'
   matches anything, '\:' and '\\' escape). A file readable by group or others is ignored with
   a warning on warn. Returns a malloc'd password or NULL. */
char *settings_passfile_lookup(const char *path, const char *host, unsigned port, const char *user,
                               FILE *warn);

/* The directory for history and similar state: $XDG_STATE_HOME/agency or
   ~/.local/state/agency, written into out; -1 if there is no home. */
int settings_state_dir(char *out, size_t outlen);

#endif
