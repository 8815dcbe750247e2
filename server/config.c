/* agencyd's configuration table: INI file (inih), overrides, validation, printing. */
#include "config.h"

#include <errno.h>
#include <ini.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "duration.h"
#include "log.h"
#include "proxyproto.h"

enum cfg_type { CFG_STR, CFG_INT, CFG_DURATION, CFG_BOOL /* on/off, held as 1/0 */ };

struct cfg_param {
    const char *section;
    const char *name;
    enum cfg_type type;
    size_t offset;
    const char *def;
    int64_t min, max; /* CFG_INT / CFG_DURATION */
    bool reloadable;
    bool secret; /* conninfo strings: passwords masked when printed */
};

#define OFF(field) offsetof(struct config, field)
#define DAY        (24 * 3600)

static const struct cfg_param cfg_params[] = {
    {"server", "listen", CFG_STR, OFF(listen), "127.0.0.1", 0, 0, false, false},
    {"server", "port", CFG_INT, OFF(port), "7420", 1, 65535, false, false},
    {"server", "max_connections", CFG_INT, OFF(max_connections), "1024", 1, 100000, false, false},
    {"server", "handshake_timeout", CFG_DURATION, OFF(handshake_timeout), "10s", 1, 3600, true,
     false},
    {"server", "idle_timeout", CFG_DURATION, OFF(idle_timeout), "300s", 0, 30 * DAY, true, false},
    {"server", "max_frame", CFG_INT, OFF(max_frame), "1048576", 4096, 64 * 1024 * 1024, false,
     false},
    {"server", "max_frame_prelogin", CFG_INT, OFF(max_frame_prelogin), "4096", 256, 1048576, false,
     false},
    {"server", "max_in_flight", CFG_INT, OFF(max_in_flight), "32", 1, 4096, false, false},
    {"server", "workers", CFG_INT, OFF(workers), "4", 1, 256, false, false},
    {"server", "queue_size", CFG_INT, OFF(queue_size), "1024", 1, 1000000, false, false},
    {"server", "sweep_interval", CFG_DURATION, OFF(sweep_interval), "10s", 1, 3600, true, false},
    {"server", "drain_timeout", CFG_DURATION, OFF(drain_timeout), "15s", 1, 3600, true, false},
    {"server", "health_port", CFG_INT, OFF(health_port), "0", 0, 65535, false, false},
    {"server", "instance", CFG_STR, OFF(instance), "", 0, 0, false, false},
    {"server", "proxy_from", CFG_STR, OFF(proxy_from), "", 0, 0, false, false},
    {"server", "log_level", CFG_STR, OFF(log_level), "info", 0, 0, true, false},
    {"tls", "cert", CFG_STR, OFF(tls_cert), "", 0, 0, true, false},
    {"tls", "key", CFG_STR, OFF(tls_key), "", 0, 0, true, false},
    {"tls", "client_ca", CFG_STR, OFF(tls_client_ca), "", 0, 0, true, false},
    {"database", "conninfo", CFG_STR, OFF(db_conninfo), "", 0, 0, false, true},
    {"database", "owner_conninfo", CFG_STR, OFF(db_owner_conninfo), "", 0, 0, false, true},
    {"database", "statement_timeout", CFG_DURATION, OFF(statement_timeout), "5s", 0, 3600, false,
     false},
    {"database", "migrations_dir", CFG_STR, OFF(migrations_dir), "sql", 0, 0, false, false},
    {"auth", "session_idle_timeout", CFG_DURATION, OFF(session_idle_timeout), "30m", 1, 30 * DAY,
     false, false},
    {"auth", "session_absolute_timeout", CFG_DURATION, OFF(session_absolute_timeout), "12h", 1,
     366 * DAY, false, false},
    {"auth", "lockout_failures", CFG_INT, OFF(lockout_failures), "5", 1, 1000, false, false},
    {"auth", "lockout_duration", CFG_DURATION, OFF(lockout_duration), "15m", 1, 30 * DAY, false,
     false},
    {"auth", "login_rate_per_minute", CFG_INT, OFF(login_rate_per_minute), "60", 1, 1000000, false,
     false},
    {"auth", "login_rate_burst", CFG_INT, OFF(login_rate_burst), "20", 1, 1000000, false, false},
    {"auth", "argon2_memory_kib", CFG_INT, OFF(argon2_memory_kib), "19456", 19456, 4194304, false,
     false},
    {"auth", "argon2_time", CFG_INT, OFF(argon2_time), "2", 2, 100, false, false},
    {"auth", "argon2_parallelism", CFG_INT, OFF(argon2_parallelism), "1", 1, 64, false, false},
    {"auth", "reauth_window", CFG_DURATION, OFF(reauth_window), "5m", 1, DAY, false, false},
    {"test", "movable_clock", CFG_BOOL, OFF(test_movable_clock), "off", 0, 1, false, false},
};
#define CFG_NPARAMS (sizeof(cfg_params) / sizeof(cfg_params[0]))

static struct config cfg_current;
static bool cfg_installed;

const struct config *config_get(void)
{
    if (!cfg_installed) {
        config_defaults(&cfg_current);
        cfg_installed = true;
    }
    return &cfg_current;
}

void config_install(const struct config *cfg)
{
    cfg_current = *cfg;
    cfg_installed = true;
}

static bool cfg_same(const struct cfg_param *p, const struct config *a, const struct config *b)
{
    const char *pa = (const char *)a + p->offset, *pb = (const char *)b + p->offset;
    if (p->type == CFG_STR)
        return strcmp(*(char *const *)pa, *(char *const *)pb) == 0;
    return *(const int64_t *)pa == *(const int64_t *)pb;
}

void config_reload_from(struct config *next)
{
    struct config *cur = &cfg_current;
    for (size_t i = 0; i < CFG_NPARAMS; i++) {
        const struct cfg_param *p = &cfg_params[i];
        if (cfg_same(p, cur, next))
            continue;
        if (!p->reloadable) {
            log_warn("event=config_reload_ignored key=%s.%s reason=needs_restart", p->section,
                     p->name);
            continue;
        }
        char *a = (char *)cur + p->offset, *b = (char *)next + p->offset;
        char tmp[sizeof(int64_t) > sizeof(char *) ? sizeof(int64_t) : sizeof(char *)];
        size_t size = p->type == CFG_STR ? sizeof(char *) : sizeof(int64_t);
        memcpy(tmp, a, size);
        memcpy(a, b, size);
        memcpy(b, tmp, size);
        log_info("event=config_reloaded key=%s.%s", p->section, p->name);
    }
    enum log_level level;
    if (log_level_from_name(cur->log_level, &level) == 0)
        log_set_level(level);
}

static const struct cfg_param *cfg_find(const char *section, const char *name)
{
    for (size_t i = 0; i < CFG_NPARAMS; i++) {
        if (strcmp(cfg_params[i].section, section) == 0 && strcmp(cfg_params[i].name, name) == 0)
            return &cfg_params[i];
    }
    return NULL;
}

static int cfg_assign(struct config *cfg, const struct cfg_param *p, const char *value, char *err,
                      size_t errlen)
{
    char *base = (char *)cfg + p->offset;
    if (p->type == CFG_STR) {
        char *dup = strdup(value);
        if (!dup) {
            snprintf(err, errlen, "out of memory");
            return -1;
        }
        free(*(char **)base);
        *(char **)base = dup;
        return 0;
    }
    int64_t v = 0;
    if (p->type == CFG_BOOL) {
        if (!strcmp(value, "on") || !strcmp(value, "true") || !strcmp(value, "yes") ||
            !strcmp(value, "1"))
            v = 1;
        else if (strcmp(value, "off") && strcmp(value, "false") && strcmp(value, "no") &&
                 strcmp(value, "0")) {
            snprintf(err, errlen, "%s.%s: \"%s\" is not on or off", p->section, p->name, value);
            return -1;
        }
    } else if (p->type == CFG_DURATION) {
        if (duration_parse(value, &v) < 0) {
            snprintf(err, errlen, "%s.%s: \"%s\" is not a duration (like 30s, 5m, 12h)", p->section,
                     p->name, value);
            return -1;
        }
    } else {
        char *end = NULL;
        errno = 0;
        long long ll = strtoll(value, &end, 10);
        if (errno || end == value || *end != '\0') {
            snprintf(err, errlen, "%s.%s: \"%s\" is not a whole number", p->section, p->name,
                     value);
            return -1;
        }
        v = ll;
    }
    if (v < p->min || v > p->max) {
        snprintf(err, errlen, "%s.%s: %lld is out of range %lld..%lld", p->section, p->name,
                 (long long)v, (long long)p->min, (long long)p->max);
        return -1;
    }
    *(int64_t *)base = v;
    return 0;
}

void config_defaults(struct config *cfg)
{
    char err[64];
    memset(cfg, 0, sizeof(*cfg));
    for (size_t i = 0; i < CFG_NPARAMS; i++) {
        if (cfg_assign(cfg, &cfg_params[i], cfg_params[i].def, err, sizeof(err)) < 0)
            abort(); /* a default out of its own range is a broken invariant */
    }
}

void config_free(struct config *cfg)
{
    for (size_t i = 0; i < CFG_NPARAMS; i++) {
        if (cfg_params[i].type == CFG_STR) {
            char **s = (char **)((char *)cfg + cfg_params[i].offset);
            free(*s);
            *s = NULL;
        }
    }
}

int config_set_kv(struct config *cfg, const char *section, const char *name, const char *value,
                  char *err, size_t errlen)
{
    const struct cfg_param *p = cfg_find(section, name);
    if (!p) {
        snprintf(err, errlen, "unknown setting %s.%s", section, name);
        return -1;
    }
    return cfg_assign(cfg, p, value, err, errlen);
}

int config_set(struct config *cfg, const char *assignment, char *err, size_t errlen)
{
    char section[64], name[64];
    const char *dot = strchr(assignment, '.');
    const char *eq = strchr(assignment, '=');
    if (!dot || !eq || dot > eq || (size_t)(dot - assignment) >= sizeof(section) ||
        (size_t)(eq - dot - 1) >= sizeof(name)) {
        snprintf(err, errlen, "\"%s\" is not section.key=value", assignment);
        return -1;
    }
    memcpy(section, assignment, (size_t)(dot - assignment));
    section[dot - assignment] = '\0';
    memcpy(name, dot + 1, (size_t)(eq - dot - 1));
    name[eq - dot - 1] = '\0';
    return config_set_kv(cfg, section, name, eq + 1, err, errlen);
}

struct cfg_parse_state {
    struct config *cfg;
    char *err;
    size_t errlen;
    bool failed;
};

static int cfg_ini_handler(void *user, const char *section, const char *name, const char *value)
{
    struct cfg_parse_state *st = user;
    if (st->failed)
        return 0;
    if (config_set_kv(st->cfg, section, name, value, st->err, st->errlen) < 0) {
        st->failed = true;
        return 0;
    }
    return 1;
}

int config_load_file(struct config *cfg, const char *path, char *err, size_t errlen)
{
    char msg[256] = "";
    struct cfg_parse_state st = {cfg, msg, sizeof(msg), false};
    int rc = ini_parse(path, cfg_ini_handler, &st);
    if (rc == -1) {
        snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        return -1;
    }
    if (rc == -2) {
        snprintf(err, errlen, "%s: out of memory", path);
        return -1;
    }
    if (rc > 0) {
        snprintf(err, errlen, "%s:%d: %s", path, rc, msg[0] ? msg : "syntax error");
        return -1;
    }
    return 0;
}

static int cfg_readable(const char *what, const char *path, char *err, size_t errlen)
{
    if (access(path, R_OK) != 0) {
        snprintf(err, errlen, "%s \"%s\" is not readable: %s", what, path, strerror(errno));
        return -1;
    }
    return 0;
}

int config_validate(const struct config *cfg, char *err, size_t errlen)
{
    enum log_level lvl;
    if (log_level_from_name(cfg->log_level, &lvl) < 0) {
        snprintf(err, errlen, "server.log_level: \"%s\" is not debug, info, warn or error",
                 cfg->log_level);
        return -1;
    }
    if (cfg->max_frame_prelogin > cfg->max_frame) {
        snprintf(err, errlen, "server.max_frame_prelogin is larger than server.max_frame");
        return -1;
    }
    if (cfg->health_port != 0 && cfg->health_port == cfg->port) {
        snprintf(err, errlen, "server.health_port must differ from server.port");
        return -1;
    }
    if (strlen(cfg->instance) > 64 ||
        strspn(cfg->instance, "abcdefghijklmnopqrstuvwxyz"
                              "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                              "0123456789.-_:") != strlen(cfg->instance)) {
        snprintf(err, errlen, "server.instance: at most 64 of A-Z a-z 0-9 . - _ :");
        return -1;
    }
    char perr[128];
    if (proxy_check_list(cfg->proxy_from, perr, sizeof perr) < 0) {
        snprintf(err, errlen, "server.proxy_from: %s", perr);
        return -1;
    }
    if (!cfg->tls_cert[0] || !cfg->tls_key[0]) {
        snprintf(err, errlen, "tls.cert and tls.key are required");
        return -1;
    }
    if (cfg_readable("tls.cert", cfg->tls_cert, err, errlen) < 0 ||
        cfg_readable("tls.key", cfg->tls_key, err, errlen) < 0)
        return -1;
    if (cfg->tls_client_ca[0] && cfg_readable("tls.client_ca", cfg->tls_client_ca, err, errlen) < 0)
        return -1;
    if (!cfg->db_conninfo[0]) {
        snprintf(err, errlen, "database.conninfo is required");
        return -1;
    }
    return 0;
}

const char *config_mask_conninfo(const char *conninfo, char *buf, size_t buflen)
{
    size_t o = 0;
    const char *p = conninfo;
    while (*p && o + 1 < buflen) {
        /* key=value form: password=secret or password='se cret' */
        if (strncmp(p, "password", 8) == 0 && (p == conninfo || p[-1] == ' ')) {
            const char *q = p + 8;
            while (*q == ' ')
                q++;
            if (*q == '=') {
                q++;
                while (*q == ' ')
                    q++;
                if (*q == '\'') {
                    for (q++; *q && *q != '\''; q++)
                        if (*q == '\\' && q[1])
                            q++;
                    if (*q)
                        q++;
                } else {
                    while (*q && *q != ' ')
                        q++;
                }
                o += (size_t)snprintf(buf + o, buflen - o, "password=***");
                if (o >= buflen)
                    o = buflen - 1;
                p = q;
                continue;
            }
        }
        /* URI form: scheme://user:secret@host */
        if (*p == ':' && o > 0 && strstr(conninfo, "://") && p > strstr(conninfo, "://") + 2) {
            const char *at = strchr(p, '@');
            const char *slash = strchr(p, '/');
            if (at && (!slash || at < slash)) {
                o += (size_t)snprintf(buf + o, buflen - o, ":***");
                if (o >= buflen)
                    o = buflen - 1;
                p = at;
                continue;
            }
        }
        buf[o++] = *p++;
    }
    buf[o] = '\0';
    return buf;
}

void config_print(const struct config *cfg, FILE *out)
{
    const char *section = "";
    for (size_t i = 0; i < CFG_NPARAMS; i++) {
        const struct cfg_param *p = &cfg_params[i];
        if (strcmp(section, p->section) != 0) {
            fprintf(out, "%s[%s]\n", i ? "\n" : "", p->section);
            section = p->section;
        }
        const char *base = (const char *)cfg + p->offset;
        char buf[1024];
        if (p->type == CFG_STR) {
            const char *s = *(char *const *)base;
            fprintf(out, "%s = %s\n", p->name,
                    p->secret ? config_mask_conninfo(s, buf, sizeof(buf)) : s);
        } else if (p->type == CFG_BOOL) {
            fprintf(out, "%s = %s\n", p->name, *(const int64_t *)base ? "on" : "off");
        } else if (p->type == CFG_DURATION) {
            fprintf(out, "%s = %s\n", p->name,
                    duration_format(*(const int64_t *)base, buf, sizeof(buf)));
        } else {
            fprintf(out, "%s = %lld\n", p->name, (long long)*(const int64_t *)base);
        }
    }
}
