/* settings.c - client settings: flags > AGENCY_* environment > config file > defaults. */
#include "settings.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <ini.h>

static void set_str(char **dst, const char *val)
{
    free(*dst);
    *dst = val && *val ? strdup(val) : NULL;
}

int settings_format(const char *name)
{
    if (strcmp(name, "table") == 0 || strcmp(name, "aligned") == 0)
        return RENDER_TABLE;
    if (strcmp(name, "csv") == 0)
        return RENDER_CSV;
    if (strcmp(name, "json") == 0)
        return RENDER_JSON;
    return -1;
}

static int parse_port(const char *s, unsigned *port)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (*s == '\0' || *end || v < 1 || v > 65535)
        return -1;
    *port = (unsigned)v;
    return 0;
}

static int parse_yesno(const char *s)
{
    if (!strcmp(s, "on") || !strcmp(s, "yes") || !strcmp(s, "true") || !strcmp(s, "1"))
        return 1;
    if (!strcmp(s, "off") || !strcmp(s, "no") || !strcmp(s, "false") || !strcmp(s, "0"))
        return 0;
    return -1;
}

struct ini_ctx {
    struct settings *s;
    char *err;
    size_t errlen;
    const char *path;
};

static int set_display(struct ini_ctx *c, const char *name, const char *value, int line)
{
    struct settings *s = c->s;
    int v;
    if (strcmp(name, "format") == 0 && (v = settings_format(value)) >= 0) {
        s->format = (enum render_format)v;
        return 1;
    }
    if (strcmp(name, "pager") == 0 && (v = parse_yesno(value)) >= 0) {
        s->pager = v;
        return 1;
    }
    if ((strcmp(name, "colour") == 0 || strcmp(name, "color") == 0)) {
        if (strcmp(value, "auto") == 0)
            s->colour = COLOUR_AUTO;
        else if ((v = parse_yesno(value)) >= 0)
            s->colour = v ? COLOUR_AUTO : COLOUR_NEVER;
        else
            goto bad;
        return 1;
    }
bad:
    snprintf(c->err, c->errlen, "%s:%d: bad value for %s", c->path, line, name);
    return 0;
}

static int on_ini_entry(void *user, const char *section, const char *name, const char *value
#if INI_HANDLER_LINENO
                        ,
                        int line
#endif
)
{
    struct ini_ctx *c = user;
    struct settings *s = c->s;
#if !INI_HANDLER_LINENO
    int line = 0;
#endif
    if (strcmp(section, "connection") == 0) {
        if (strcmp(name, "host") == 0)
            set_str(&s->host, value);
        else if (strcmp(name, "port") == 0) {
            if (parse_port(value, &s->port) < 0) {
                snprintf(c->err, c->errlen, "%s: bad port \"%s\"", c->path, value);
                return 0;
            }
        } else if (strcmp(name, "user") == 0)
            set_str(&s->user, value);
        else if (strcmp(name, "ca") == 0)
            set_str(&s->ca, value);
        else if (strcmp(name, "cert") == 0)
            set_str(&s->cert, value);
        else if (strcmp(name, "key") == 0)
            set_str(&s->key, value);
        else
            goto unknown;
        return 1;
    }
    if (strcmp(section, "display") == 0)
        return set_display(c, name, value, line);
unknown:
    snprintf(c->err, c->errlen, "%s: unknown setting [%s] %s", c->path, section, name);
    return 0;
}

static void home_path(char *out, size_t outlen, const char *xdg_var, const char *fallback,
                      const char *tail)
{
    const char *xdg = getenv(xdg_var), *home = getenv("HOME");
    if (xdg && *xdg == '/')
        snprintf(out, outlen, "%s/agency%s", xdg, tail);
    else if (home && *home)
        snprintf(out, outlen, "%s/%s/agency%s", home, fallback, tail);
    else
        out[0] = '\0';
}

int settings_state_dir(char *out, size_t outlen)
{
    home_path(out, outlen, "XDG_STATE_HOME", ".local/state", "");
    return out[0] ? 0 : -1;
}

static int load_config(struct settings *s, char *err, size_t errlen)
{
    char path[4096];
    const char *explicit = getenv("AGENCY_CONFIG");
    if (explicit && *explicit)
        snprintf(path, sizeof(path), "%s", explicit);
    else
        home_path(path, sizeof(path), "XDG_CONFIG_HOME", ".config", "/agency.conf");
    if (!path[0])
        return 0;
    FILE *f = fopen(path, "r");
    if (!f) {
        if (explicit && *explicit) {
            snprintf(err, errlen, "cannot read config file %s", path);
            return -1;
        }
        return 0;
    }
    struct ini_ctx c = {s, err, errlen, path};
    err[0] = '\0';
    int rc = ini_parse_file(f, on_ini_entry, &c);
    fclose(f);
    if (rc != 0) {
        if (!err[0])
            snprintf(err, errlen, "%s:%d: syntax error", path, rc);
        return -1;
    }
    return 0;
}

static int load_env(struct settings *s, char *err, size_t errlen)
{
    const char *v;
    int f;
    if ((v = getenv("AGENCY_HOST")) && *v)
        set_str(&s->host, v);
    if ((v = getenv("AGENCY_PORT")) && *v && parse_port(v, &s->port) < 0) {
        snprintf(err, errlen, "AGENCY_PORT: bad port \"%s\"", v);
        return -1;
    }
    if ((v = getenv("AGENCY_USER")) && *v)
        set_str(&s->user, v);
    if ((v = getenv("AGENCY_CA")) && *v)
        set_str(&s->ca, v);
    if ((v = getenv("AGENCY_CERT")) && *v)
        set_str(&s->cert, v);
    if ((v = getenv("AGENCY_KEY")) && *v)
        set_str(&s->key, v);
    if ((v = getenv("AGENCY_PASSWORD")) && *v)
        set_str(&s->password, v);
    if ((v = getenv("AGENCY_PASSFILE")) && *v)
        set_str(&s->passfile, v);
    if ((v = getenv("AGENCY_FORMAT")) && *v) {
        if ((f = settings_format(v)) < 0) {
            snprintf(err, errlen, "AGENCY_FORMAT: unknown format \"%s\"", v);
            return -1;
        }
        s->format = (enum render_format)f;
    }
    return 0;
}

static void print_help(FILE *out)
{
    fputs("agency - the Agency Desk client\n\n"
          "Usage: agency [OPTION]...\n\n"
          "  -h, --host HOST      server host (default localhost; AGENCY_HOST)\n"
          "  -p, --port PORT      server port (default 7420; AGENCY_PORT)\n"
          "  -U, --user NAME      user name (AGENCY_USER)\n"
          "      --ca FILE        CA certificate that signed the server's (AGENCY_CA)\n"
          "      --cert FILE      client certificate for mutual TLS (AGENCY_CERT)\n"
          "      --key FILE       its private key (AGENCY_KEY)\n"
          "  -c, --command CMD    run one command and exit\n"
          "  -f, --file FILE      run the commands in FILE and exit (stops at the first error)\n"
          "      --format FMT     table, csv or json (AGENCY_FORMAT)\n"
          "      --no-pager       never page output\n"
          "      --help           show this help\n"
          "      --version        show the version\n\n"
          "Password: AGENCY_PASSWORD, a mode 0600 password file (AGENCY_PASSFILE or\n"
          "~/.config/agency/passfile, lines host:port:user:password), or a prompt.\n"
          "Settings file: ~/.config/agency/agency.conf ([connection] host port user ca cert\n"
          "key, [display] format pager colour).\n"
          "Exit status: 0 ok, 1 operation error, 2 usage, 3 connection or authentication.\n",
          out);
}

enum { OPT_CA = 256, OPT_CERT, OPT_KEY, OPT_FORMAT, OPT_NO_PAGER, OPT_HELP, OPT_VERSION };

static const struct option long_opts[] = {
    {"host", required_argument, NULL, 'h'},
    {"port", required_argument, NULL, 'p'},
    {"user", required_argument, NULL, 'U'},
    {"command", required_argument, NULL, 'c'},
    {"file", required_argument, NULL, 'f'},
    {"ca", required_argument, NULL, OPT_CA},
    {"cert", required_argument, NULL, OPT_CERT},
    {"key", required_argument, NULL, OPT_KEY},
    {"format", required_argument, NULL, OPT_FORMAT},
    {"no-pager", no_argument, NULL, OPT_NO_PAGER},
    {"help", no_argument, NULL, OPT_HELP},
    {"version", no_argument, NULL, OPT_VERSION},
    {NULL, 0, NULL, 0},
};

/* Applies one parsed flag; SETTINGS_USAGE with err on a bad value. */
static enum settings_result apply_flag(struct settings *s, int opt, const char *arg, FILE *out,
                                       char *err, size_t errlen)
{
    int f;
    switch (opt) {
    case 'h':
        set_str(&s->host, arg);
        break;
    case 'p':
        if (parse_port(arg, &s->port) < 0) {
            snprintf(err, errlen, "bad port \"%s\"", arg);
            return SETTINGS_USAGE;
        }
        break;
    case 'U':
        set_str(&s->user, arg);
        break;
    case 'c':
        set_str(&s->command, arg);
        break;
    case 'f':
        set_str(&s->file, arg);
        break;
    case OPT_CA:
        set_str(&s->ca, arg);
        break;
    case OPT_CERT:
        set_str(&s->cert, arg);
        break;
    case OPT_KEY:
        set_str(&s->key, arg);
        break;
    case OPT_FORMAT:
        if ((f = settings_format(arg)) < 0) {
            snprintf(err, errlen, "unknown format \"%s\" (table, csv or json)", arg);
            return SETTINGS_USAGE;
        }
        s->format = (enum render_format)f;
        break;
    case OPT_NO_PAGER:
        s->pager = false;
        break;
    case OPT_HELP:
        print_help(out);
        return SETTINGS_EXIT;
    case OPT_VERSION:
        fprintf(out, "agency %s\n", AGENCY_VERSION);
        return SETTINGS_EXIT;
    default:
        snprintf(err, errlen, "try \"agency --help\"");
        return SETTINGS_USAGE;
    }
    return SETTINGS_OK;
}

enum settings_result settings_load(struct settings *s, int argc, char **argv, FILE *out, char *err,
                                   size_t errlen)
{
    char path[4096];
    int opt;

    memset(s, 0, sizeof(*s));
    s->port = SETTINGS_DEFAULT_PORT;
    s->pager = true;
    s->format = RENDER_TABLE;
    if (load_config(s, err, errlen) < 0 || load_env(s, err, errlen) < 0)
        return SETTINGS_USAGE;
    opterr = 0;
    optind = 1;
    while ((opt = getopt_long(argc, argv, ":h:p:U:c:f:", long_opts, NULL)) != -1) {
        if (opt == ':' || opt == '?') {
            if (opt == ':')
                snprintf(err, errlen, "option %s needs a value", argv[optind - 1]);
            else
                snprintf(err, errlen, "unknown option %s (try \"agency --help\")",
                         argv[optind - 1]);
            return SETTINGS_USAGE;
        }
        enum settings_result r = apply_flag(s, opt, optarg, out, err, errlen);
        if (r != SETTINGS_OK)
            return r;
    }
    if (optind < argc) {
        snprintf(err, errlen, "unexpected argument \"%s\" (commands go in -c)", argv[optind]);
        return SETTINGS_USAGE;
    }
    if (s->command && s->file) {
        snprintf(err, errlen, "-c and -f cannot be used together");
        return SETTINGS_USAGE;
    }
    if (!s->host)
        s->host = strdup(SETTINGS_DEFAULT_HOST);
    if (!s->passfile) {
        home_path(path, sizeof(path), "XDG_CONFIG_HOME", ".config", "/passfile");
        set_str(&s->passfile, path);
    }
    if (getenv("NO_COLOR"))
        s->colour = COLOUR_NEVER;
    return SETTINGS_OK;
}

void settings_free(struct settings *s)
{
    free(s->host);
    free(s->user);
    free(s->ca);
    free(s->cert);
    free(s->key);
    if (s->password) {
        memset(s->password, 0, strlen(s->password));
        free(s->password);
    }
    free(s->passfile);
    free(s->command);
    free(s->file);
    memset(s, 0, sizeof(*s));
}

/* Splits the next ':'-separated field of a passfile line into out (unescaped); returns a
   pointer past it, or NULL at the end of the line. */
static char *next_field(char *p, char *out, size_t outlen)
{
    size_t n = 0;
    if (!p)
        return NULL;
    while (*p && *p != ':') {
        if (*p == '\\' && (p[1] == ':' || p[1] == '\\'))
            p++;
        if (n + 1 < outlen)
            out[n++] = *p;
        p++;
    }
    out[n] = '\0';
    return *p == ':' ? p + 1 : NULL;
}

static bool field_match(const char *pattern, const char *value)
{
    return strcmp(pattern, "*") == 0 || strcmp(pattern, value) == 0;
}

char *settings_passfile_lookup(const char *path, const char *host, unsigned port, const char *user,
                               FILE *warn)
{
    struct stat st;
    char line[1024], portstr[16], fh[256], fp[16], fu[256], pw[512];
    char *found = NULL;

    if (!path || !*path || stat(path, &st) < 0 || !S_ISREG(st.st_mode))
        return NULL;
    if (st.st_mode & (S_IRWXG | S_IRWXO)) {
        fprintf(warn, "warning: password file %s has group or world access; ignored (chmod 0600)\n",
                path);
        return NULL;
    }
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    snprintf(portstr, sizeof(portstr), "%u", port);
    for (int n = 0; n < 10000 && fgets(line, sizeof(line), f); n++) {
        line[strcspn(line, "\r\n")] = '\0';
        if (line[0] == '#' || line[0] == '\0')
            continue;
        char *p = next_field(line, fh, sizeof(fh));
        p = next_field(p, fp, sizeof(fp));
        p = next_field(p, fu, sizeof(fu));
        if (!p)
            continue;
        next_field(p, pw, sizeof(pw));
        if (field_match(fh, host) && field_match(fp, portstr) && field_match(fu, user)) {
            found = strdup(pw);
            break;
        }
    }
    memset(line, 0, sizeof(line));
    memset(pw, 0, sizeof(pw));
    fclose(f);
    return found;
}
