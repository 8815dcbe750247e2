/* agencyd's configuration: one table of settings read from an INI file, then command-line
   overrides, then validated. Handlers read it through config_get(). */
#ifndef AGENCY_CONFIG_H
#define AGENCY_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Durations are whole seconds; strings are malloc'd and owned by the config. */
struct config {
    /* [server] */
    char *listen;
    int64_t port;
    int64_t max_connections;
    int64_t handshake_timeout; /* seconds */
    int64_t idle_timeout;      /* seconds, 0 = never */
    int64_t max_frame;
    int64_t max_frame_prelogin;
    int64_t max_in_flight;
    int64_t workers;
    int64_t queue_size;
    int64_t sweep_interval; /* seconds between runs of agency.sweep() */
    int64_t drain_timeout;  /* seconds a SIGTERM drain may take before cutting connections */
    int64_t health_port;    /* readiness endpoint (HTTP) on listen:health_port, 0 = none */
    char *instance;         /* this instance's name, announced in hello ("" = none) */
    char *proxy_from;       /* CIDR blocks whose connections may start with a PROXY v2 header */
    char *log_level;
    /* [tls] */
    char *tls_cert;
    char *tls_key;
    char *tls_client_ca;
    /* [database] */
    char *db_conninfo;
    char *db_owner_conninfo;
    int64_t statement_timeout; /* seconds */
    char *migrations_dir;
    /* [auth] */
    int64_t session_idle_timeout;
    int64_t session_absolute_timeout;
    int64_t lockout_failures;
    int64_t lockout_duration;
    int64_t login_rate_per_minute;
    int64_t login_rate_burst;
    int64_t argon2_memory_kib;
    int64_t argon2_time;
    int64_t argon2_parallelism;
    int64_t reauth_window;
    /* [test] */
    int64_t test_movable_clock; /* 1: agency.now() follows agency.test_clock (tests only) */
};

/* Sets every setting to its default (strings duplicated). */
void config_defaults(struct config *cfg);
/* Frees the strings a config owns (not cfg itself). */
void config_free(struct config *cfg);

/* Reads an INI file over cfg. Returns 0, or -1 with "file:line: message" in err. Unknown
   sections or keys are errors. */
int config_load_file(struct config *cfg, const char *path, char *err, size_t errlen);
/* Applies one "section.key=value" override. 0, or -1 with a message in err. */
int config_set(struct config *cfg, const char *assignment, char *err, size_t errlen);
/* Sets one key by section and name from text. 0, or -1 with a message in err. */
int config_set_kv(struct config *cfg, const char *section, const char *name, const char *value,
                  char *err, size_t errlen);
/* Checks ranges and that the certificate and key files are readable. 0, or -1 with the first
   problem in err. */
int config_validate(const struct config *cfg, char *err, size_t errlen);
/* Prints every setting as INI (secrets such as passwords in conninfo strings masked). */
void config_print(const struct config *cfg, FILE *out);

/* The configuration the running server uses (set once at start-up by main, read-only after). */
const struct config *config_get(void);
void config_install(const struct config *cfg);

/* SIGHUP: takes the reloadable settings (log level, timeouts, TLS files) of next into the
   running configuration, giving next the old values (the caller then config_free's next).
   Changed settings that need a restart are logged and left as they are. Loop thread only. */
void config_reload_from(struct config *next);

/* Copies conninfo into buf with any password=... value replaced by "***" (also in URIs). */
const char *config_mask_conninfo(const char *conninfo, char *buf, size_t buflen);

#endif
