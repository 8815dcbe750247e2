/*
 * migrate.c - applies sql/NNN_name.sql migrations in order, each once and in its own
 * transaction, under an advisory lock; checks the installed schema version at start-up.
 */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <libpq-fe.h>

#include "sqlapi.h"

#define MIGRATIONS_MAX     1000
#define MIGRATION_FILE_MAX (16u * 1024 * 1024)
#define MIGRATE_LOCK_KEY   "7420000001" /* pg_advisory_lock key shared by every migrator */

struct migration {
    int version;
    char name[256];
};

static void set_err(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

/* Parses "NNN_name.sql" into its version; -1 if the name does not have that form. */
static int parse_name(const char *name)
{
    size_t n = strlen(name);
    if (n < 9 || n >= sizeof(((struct migration *)0)->name) || strcmp(name + n - 4, ".sql"))
        return -1;
    for (int i = 0; i < 3; i++)
        if (name[i] < '0' || name[i] > '9')
            return -1;
    if (name[3] != '_')
        return -1;
    return (name[0] - '0') * 100 + (name[1] - '0') * 10 + (name[2] - '0');
}

static int cmp_migration(const void *a, const void *b)
{
    return ((const struct migration *)a)->version - ((const struct migration *)b)->version;
}

/* Lists the migrations in dir, sorted by version, into a malloc'd array (caller frees).
 * Two files with one version are an error. Returns the count or -1. */
static int list_migrations(const char *dir, struct migration **out, char *err, size_t errlen)
{
    DIR *d = opendir(dir);
    if (!d) {
        set_err(err, errlen, "cannot open migrations folder %s: %s", dir, strerror(errno));
        return -1;
    }
    struct migration *m = calloc(MIGRATIONS_MAX, sizeof *m);
    int n = 0;
    struct dirent *e;
    while (m && (e = readdir(d)) != NULL && n < MIGRATIONS_MAX) {
        int v = parse_name(e->d_name);
        if (v < 0)
            continue;
        m[n].version = v;
        snprintf(m[n].name, sizeof m[n].name, "%s", e->d_name);
        n++;
    }
    closedir(d);
    if (!m) {
        set_err(err, errlen, "out of memory");
        return -1;
    }
    qsort(m, (size_t)n, sizeof *m, cmp_migration);
    for (int i = 1; i < n; i++) {
        if (m[i].version == m[i - 1].version) {
            set_err(err, errlen, "two migrations with version %03d: %s and %s", m[i].version,
                    m[i - 1].name, m[i].name);
            free(m);
            return -1;
        }
    }
    *out = m;
    return n;
}

/* Reads a whole file into a malloc'd NUL-ended string (caller frees); NULL on error. */
static char *read_file(const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        set_err(err, errlen, "cannot read %s: %s", path, strerror(errno));
        return NULL;
    }
    struct stat st;
    char *buf = NULL;
    if (fstat(fileno(f), &st) == 0 && st.st_size >= 0 && st.st_size <= MIGRATION_FILE_MAX) {
        buf = malloc((size_t)st.st_size + 1);
        if (buf && fread(buf, 1, (size_t)st.st_size, f) == (size_t)st.st_size) {
            buf[st.st_size] = '\0';
        } else {
            free(buf);
            buf = NULL;
        }
    }
    fclose(f);
    if (!buf)
        set_err(err, errlen, "cannot read %s (too large or unreadable)", path);
    return buf;
}

/* Runs sql; true on success, else false with PostgreSQL's message in err. */
static bool run(PGconn *db, const char *sql, const char *what, char *err, size_t errlen)
{
    PGresult *r = PQexec(db, sql);
    ExecStatusType st = PQresultStatus(r);
    bool ok = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;
    if (!ok)
        set_err(err, errlen, "%s: %s", what, PQerrorMessage(db));
    PQclear(r);
    return ok;
}

/* The highest version recorded in schema_migrations, 0 for none, -1 on error. */
static int db_version(PGconn *db, char *err, size_t errlen)
{
    PGresult *r = PQexec(db, "SELECT coalesce(max(version), 0) FROM agency.schema_migrations");
    int v = -1;
    if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1)
        v = atoi(PQgetvalue(r, 0, 0));
    else
        set_err(err, errlen, "cannot read the schema version: %s", PQerrorMessage(db));
    PQclear(r);
    return v;
}

static bool is_applied(PGconn *db, int version, bool *applied, char *err, size_t errlen)
{
    char v[16];
    snprintf(v, sizeof v, "%d", version);
    const char *params[1] = {v};
    PGresult *r = PQexecParams(db, "SELECT 1 FROM agency.schema_migrations WHERE version = $1", 1,
                               NULL, params, NULL, NULL, 0);
    bool ok = PQresultStatus(r) == PGRES_TUPLES_OK;
    if (ok)
        *applied = PQntuples(r) > 0;
    else
        set_err(err, errlen, "cannot read schema_migrations: %s", PQerrorMessage(db));
    PQclear(r);
    return ok;
}

/* Applies one migration file in its own transaction and records it. */
static bool apply_one(PGconn *db, const char *dir, const struct migration *m, char *err,
                      size_t errlen)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, m->name);
    char *sql = read_file(path, err, errlen);
    if (!sql)
        return false;
    bool ok = run(db, "BEGIN", m->name, err, errlen) && run(db, sql, m->name, err, errlen);
    free(sql);
    if (ok) {
        char v[16];
        snprintf(v, sizeof v, "%d", m->version);
        const char *params[2] = {v, m->name};
        PGresult *r = PQexecParams(db,
                                   "INSERT INTO agency.schema_migrations (version, name) "
                                   "VALUES ($1, $2)",
                                   2, NULL, params, NULL, NULL, 0);
        ok = PQresultStatus(r) == PGRES_COMMAND_OK;
        if (!ok)
            set_err(err, errlen, "%s: cannot record: %s", m->name, PQerrorMessage(db));
        PQclear(r);
    }
    if (ok)
        return run(db, "COMMIT", m->name, err, errlen);
    PGresult *r = PQexec(db, "ROLLBACK");
    PQclear(r);
    return false;
}

static void quiet_notices(void *arg, const char *message)
{
    (void)arg;
    (void)message;
}

static int migrate_locked(PGconn *db, const char *dir, char *err, size_t errlen)
{
    if (!run(db,
             "CREATE SCHEMA IF NOT EXISTS agency;"
             "CREATE TABLE IF NOT EXISTS agency.schema_migrations ("
             " version int PRIMARY KEY, name text NOT NULL,"
             " applied_at timestamptz NOT NULL DEFAULT now())",
             "creating schema_migrations", err, errlen))
        return -1;
    struct migration *m = NULL;
    int n = list_migrations(dir, &m, err, errlen);
    if (n < 0)
        return -1;
    int rc = 0;
    int newest = n > 0 ? m[n - 1].version : 0;
    int have = db_version(db, err, errlen);
    if (have < 0) {
        rc = -1;
    } else if (have > newest) {
        set_err(err, errlen,
                "the database schema (version %d) is newer than the newest migration here "
                "(%d): use a newer agencyd",
                have, newest);
        rc = -1;
    }
    for (int i = 0; rc == 0 && i < n; i++) {
        bool applied = false;
        if (!is_applied(db, m[i].version, &applied, err, errlen))
            rc = -1;
        else if (!applied && !apply_one(db, dir, &m[i], err, errlen))
            rc = -1;
    }
    free(m);
    return rc;
}

int migrate_run(const char *conninfo, const char *dir, char *err, size_t errlen)
{
    if (!conninfo || !dir) {
        set_err(err, errlen, "the owner connection and the migrations folder are required");
        return -1;
    }
    PGconn *db = PQconnectdb(conninfo);
    if (PQstatus(db) != CONNECTION_OK) {
        set_err(err, errlen, "cannot connect as the owner role: %s", PQerrorMessage(db));
        PQfinish(db);
        return -1;
    }
    PQsetNoticeProcessor(db, quiet_notices, NULL);
    int rc = -1;
    if (run(db, "SELECT pg_advisory_lock(" MIGRATE_LOCK_KEY ")", "taking the migration lock", err,
            errlen)) {
        rc = migrate_locked(db, dir, err, errlen);
        PGresult *r = PQexec(db, "SELECT pg_advisory_unlock(" MIGRATE_LOCK_KEY ")");
        PQclear(r);
    }
    PQfinish(db);
    return rc;
}

int migrate_check(PGconn *db, const char *dir, char *err, size_t errlen)
{
    struct migration *m = NULL;
    int n = list_migrations(dir, &m, err, errlen);
    if (n < 0)
        return -1;
    int newest = n > 0 ? m[n - 1].version : 0;
    free(m);
    int have = db_version(db, err, errlen);
    if (have < 0)
        return -1;
    if (have > newest) {
        set_err(err, errlen,
                "the database schema (version %d) is newer than this agencyd knows (%d): "
                "use a newer agencyd",
                have, newest);
        return -1;
    }
    if (have < newest) {
        set_err(err, errlen,
                "the database schema (version %d) is older than this agencyd needs (%d): "
                "run agencyd --migrate",
                have, newest);
        return -1;
    }
    return 0;
}
