/* agencyd: the Agency Desk server. Parses the command line and configuration, then runs one of
   --check-config, --migrate, --create-director NAME, or the server itself. */
#include <errno.h>
#include <getopt.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "config.h"
#include "dbpool.h"
#include "log.h"
#include "loop.h"
#include "notify.h"
#include "op.h"
#include "password.h"
#include "sqlapi.h"
#include "stats.h"
#include "tls.h"

enum mode { MODE_SERVE, MODE_CHECK, MODE_MIGRATE, MODE_DIRECTOR };

#define MAX_OVERRIDES 64

struct cmdline {
    enum mode mode;
    const char *config_file;
    const char *director;
    const char *overrides[MAX_OVERRIDES]; /* "section.key=value", in order */
    unsigned noverrides;
};

static void usage(FILE *out)
{
    fprintf(out,
            "usage: agencyd [-c FILE] [--set section.key=value]... [--listen ADDR] [--port N]\n"
            "               [--check-config | --migrate | --create-director NAME]\n"
            "  -c, --config FILE        read settings from an INI file\n"
            "      --set S.K=V          override one setting (repeatable)\n"
            "      --listen ADDR        same as --set server.listen=ADDR\n"
            "      --port N             same as --set server.port=N\n"
            "      --check-config       print the effective settings and exit (0 valid, 1 not)\n"
            "      --migrate            apply database migrations as the owner role and exit\n"
            "      --create-director NAME  create the first account of an empty database\n"
            "                           (password from the terminal, or one line on stdin)\n"
            "      --version            print the version and exit\n"
            "  -h, --help               this text\n");
}

static int add_override(struct cmdline *cl, const char *prefix, const char *value)
{
    if (cl->noverrides >= MAX_OVERRIDES) {
        fprintf(stderr, "agencyd: too many overrides\n");
        return -1;
    }
    if (!prefix) {
        cl->overrides[cl->noverrides++] = value;
        return 0;
    }
    size_t len = strlen(prefix) + strlen(value) + 1;
    char *s = malloc(len);
    if (!s)
        return -1;
    snprintf(s, len, "%s%s", prefix, value);
    cl->overrides[cl->noverrides++] = s; /* lives until exit */
    return 0;
}

/* Parses argv; returns -1 to exit with status 2, 1 to exit 0 (help/version), 0 to go on. */
static int parse_cmdline(int argc, char **argv, struct cmdline *cl)
{
    enum { OPT_SET = 256, OPT_LISTEN, OPT_PORT, OPT_CHECK, OPT_MIGRATE, OPT_DIRECTOR, OPT_VER };
    static const struct option opts[] = {
        {"config", required_argument, NULL, 'c'},
        {"set", required_argument, NULL, OPT_SET},
        {"listen", required_argument, NULL, OPT_LISTEN},
        {"port", required_argument, NULL, OPT_PORT},
        {"check-config", no_argument, NULL, OPT_CHECK},
        {"migrate", no_argument, NULL, OPT_MIGRATE},
        {"create-director", required_argument, NULL, OPT_DIRECTOR},
        {"version", no_argument, NULL, OPT_VER},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int opt, rc = 0;
    while (rc == 0 && (opt = getopt_long(argc, argv, "c:h", opts, NULL)) != -1) {
        switch (opt) {
        case 'c':
            cl->config_file = optarg;
            break;
        case OPT_SET:
            rc = add_override(cl, NULL, optarg);
            break;
        case OPT_LISTEN:
            rc = add_override(cl, "server.listen=", optarg);
            break;
        case OPT_PORT:
            rc = add_override(cl, "server.port=", optarg);
            break;
        case OPT_CHECK:
            cl->mode = MODE_CHECK;
            break;
        case OPT_MIGRATE:
            cl->mode = MODE_MIGRATE;
            break;
        case OPT_DIRECTOR:
            cl->mode = MODE_DIRECTOR;
            cl->director = optarg;
            break;
        case OPT_VER:
            printf("agencyd %s\n", AGENCY_VERSION);
            return 1;
        case 'h':
            usage(stdout);
            return 1;
        default:
            usage(stderr);
            return -1;
        }
    }
    if (rc == 0 && optind < argc) {
        fprintf(stderr, "agencyd: unexpected argument \"%s\"\n", argv[optind]);
        usage(stderr);
        return -1;
    }
    return rc;
}

/* Defaults, then the file, then the overrides. 0, or -1 with the problem in err. */
static int load_config(const struct cmdline *cl, struct config *cfg, char *err, size_t errlen)
{
    config_defaults(cfg);
    if (cl->config_file && config_load_file(cfg, cl->config_file, err, errlen) < 0)
        return -1;
    for (unsigned i = 0; i < cl->noverrides; i++) {
        if (config_set(cfg, cl->overrides[i], err, errlen) < 0)
            return -1;
    }
    return 0;
}

static struct cmdline main_cmdline;

/* SIGHUP: re-reads the file and overrides; a valid result updates the reloadable settings and
   then the certificate (both all-or-nothing); an invalid one changes nothing. */
static void reload_config(void)
{
    struct config next;
    char err[512] = "", q[600];
    if (load_config(&main_cmdline, &next, err, sizeof(err)) < 0 ||
        config_validate(&next, err, sizeof(err)) < 0) {
        log_warn("event=config_reload_failed error=%s kept=old", log_quote(q, sizeof(q), err));
        config_free(&next);
        return;
    }
    config_reload_from(&next);
    config_free(&next);
    tls_reload(config_get());
}

/* Reads one line without echo when stdin is a terminal. 0 or -1. */
static int read_secret(const char *prompt, char *buf, size_t len)
{
    bool tty = isatty(STDIN_FILENO);
    struct termios old, quiet;
    bool restore = false;
    if (tty) {
        fprintf(stderr, "%s", prompt);
        fflush(stderr);
        if (tcgetattr(STDIN_FILENO, &old) == 0) {
            quiet = old;
            quiet.c_lflag &= ~(tcflag_t)ECHO;
            restore = tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) == 0;
        }
    }
    char *got = fgets(buf, (int)len, stdin);
    if (restore)
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
    if (tty)
        fprintf(stderr, "\n");
    if (!got)
        return -1;
    buf[strcspn(buf, "\r\n")] = '\0';
    return 0;
}

static int run_create_director(const struct config *cfg, const char *name)
{
    char pw[256] = "", again[256] = "", err[512];
    int rc = 1;
    if (!cfg->db_owner_conninfo[0]) {
        fprintf(stderr, "agencyd: database.owner_conninfo is required\n");
        return 1;
    }
    if (read_secret("Password for the new director: ", pw, sizeof(pw)) < 0 || !pw[0]) {
        fprintf(stderr, "agencyd: no password given\n");
        goto out;
    }
    if (isatty(STDIN_FILENO)) {
        if (read_secret("Again: ", again, sizeof(again)) < 0 || strcmp(pw, again) != 0) {
            fprintf(stderr, "agencyd: the passwords do not match\n");
            goto out;
        }
    }
    if (bootstrap_director(cfg->db_owner_conninfo, name, pw, err, sizeof(err)) < 0) {
        fprintf(stderr, "agencyd: cannot create director: %s\n", err);
        goto out;
    }
    printf("created director %s\n", name);
    rc = 0;
out:
    explicit_bzero(pw, sizeof(pw));
    explicit_bzero(again, sizeof(again));
    return rc;
}

static int run_migrate(const struct config *cfg)
{
    char err[512];
    if (!cfg->db_owner_conninfo[0]) {
        fprintf(stderr, "agencyd: database.owner_conninfo is required\n");
        return 1;
    }
    if (migrate_run(cfg->db_owner_conninfo, cfg->migrations_dir, err, sizeof(err)) < 0) {
        fprintf(stderr, "agencyd: migration failed: %s\n", err);
        return 1;
    }
    printf("database schema is up to date\n");
    return 0;
}

static int check_schema(const struct config *cfg)
{
    char err[512], q[600];
    PGconn *db = dbpool_connect(cfg, err, sizeof(err));
    if (!db) {
        log_error("event=fatal reason=database error=%s", log_quote(q, sizeof(q), err));
        return -1;
    }
    int rc = migrate_check(db, cfg->migrations_dir, err, sizeof(err));
    PQfinish(db);
    if (rc < 0)
        log_error("event=fatal reason=schema error=%s", log_quote(q, sizeof(q), err));
    return rc;
}

static int run_server(const struct config *cfg)
{
    char err[512], q[600];
    if (loop_block_signals() < 0 || check_schema(cfg) < 0)
        return 1;
    op_table_init(); /* a broken table stops the start here, not at the first request */
    if (cfg->test_movable_clock)
        log_warn("event=movable_clock reason=\"test.movable_clock is on: agency.now() follows "
                 "agency.test_clock; never in production\"");
    if (tls_init(cfg, err, sizeof(err)) < 0) {
        log_error("event=fatal reason=tls error=%s", log_quote(q, sizeof(q), err));
        return 1;
    }
    /* Argon2id on a low-priority pool of cores - 1 threads: logins queue there instead of
       taking every core from the I/O thread. */
    log_info("event=password_pool threads=%u", password_pool_start(0));
    stats_start();
    if (dbpool_start(cfg, err, sizeof(err)) < 0) {
        log_error("event=fatal reason=database error=%s", log_quote(q, sizeof(q), err));
        dbpool_stop();
        password_pool_stop();
        return 1;
    }
    int fd = loop_listen(cfg, err, sizeof(err));
    if (fd < 0) {
        log_error("event=fatal reason=listen error=%s", log_quote(q, sizeof(q), err));
        dbpool_stop();
        password_pool_stop();
        return 1;
    }
    if (notify_start(cfg, err, sizeof(err)) < 0) {
        log_error("event=fatal reason=notify error=%s", log_quote(q, sizeof(q), err));
        close(fd);
        dbpool_stop();
        password_pool_stop();
        return 1;
    }
    loop_set_reload(reload_config);
    int rc = loop_run(cfg, fd);
    password_pool_stop(); /* after the workers (loop_run stops them): nobody waits on it */
    tls_shutdown();
    return rc;
}

int main(int argc, char **argv)
{
    /* A fixed mmap threshold: large blocks (each Argon2id hash takes 19 MiB) are mapped and
       returned to the system when freed, instead of raising glibc's dynamic threshold and then
       staying resident in the workers' heaps. */
    mallopt(M_MMAP_THRESHOLD, 256 * 1024);
    struct cmdline cl;
    memset(&cl, 0, sizeof(cl));
    int prc = parse_cmdline(argc, argv, &cl);
    main_cmdline = cl;
    if (prc != 0)
        return prc > 0 ? 0 : 2;
    struct config cfg;
    char err[512];
    if (load_config(&cl, &cfg, err, sizeof(err)) < 0) {
        fprintf(stderr, "agencyd: %s\n", err);
        return cl.mode == MODE_CHECK ? 1 : 2;
    }
    enum log_level level = LOG_LEVEL_INFO;
    log_level_from_name(cfg.log_level, &level);
    log_init(level, stderr);
    config_install(&cfg);
    const struct config *c = config_get();
    switch (cl.mode) {
    case MODE_CHECK:
        config_print(c, stdout);
        if (config_validate(c, err, sizeof(err)) < 0) {
            fprintf(stderr, "agencyd: invalid configuration: %s\n", err);
            return 1;
        }
        fprintf(stderr, "agencyd: configuration is valid\n");
        return 0;
    case MODE_MIGRATE:
        return run_migrate(c);
    case MODE_DIRECTOR:
        return run_create_director(c, cl.director);
    case MODE_SERVE:
        break;
    }
    if (config_validate(c, err, sizeof(err)) < 0) {
        char q[600];
        log_error("event=fatal reason=config error=%s", log_quote(q, sizeof(q), err));
        return 1;
    }
    return run_server(c);
}
