/*
 * bootstrap.c - creates the first director of an empty database (agencyd --create-director).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <libpq-fe.h>

#include "password.h"
#include "sqlapi.h"

static void set_err(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

/* Lower-case letters, digits, '.', '_' and '-', 3 to 64 of them (the users table's rule). */
static bool username_ok(const char *s)
{
    size_t n = strlen(s);
    if (n < 3 || n > 64)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-'))
            return false;
    }
    return true;
}

/* Runs one parameterised statement; the result on success (caller clears), else NULL with
 * PostgreSQL's message in err. */
static PGresult *exec(PGconn *db, const char *sql, int n, const char *const *params, char *err,
                      size_t errlen)
{
    PGresult *r = PQexecParams(db, sql, n, NULL, params, NULL, NULL, 0);
    ExecStatusType st = PQresultStatus(r);
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK)
        return r;
    set_err(err, errlen, "%s",
            PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY)
                ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY)
                : PQerrorMessage(db));
    PQclear(r);
    return NULL;
}

static const char sql_count_users[] = "SELECT count(*) FROM agency.users";
static const char sql_branch[] = "WITH made AS (INSERT INTO agency.branches (name, city, timezone)"
                                 " SELECT 'Head office', 'Head office', 'UTC'"
                                 " WHERE NOT EXISTS (SELECT 1 FROM agency.branches) RETURNING id)"
                                 " SELECT id FROM made UNION ALL"
                                 " (SELECT id FROM agency.branches ORDER BY id LIMIT 1) LIMIT 1";
static const char sql_user[] =
    "INSERT INTO agency.users (username, full_name, email, role, branch_id, password_changed_at)"
    " VALUES ($1, $1, $1 || '@localhost', 'director', $2::bigint, now()) RETURNING id";
static const char sql_secret[] =
    "INSERT INTO agency.user_secrets (user_id, password_hash) VALUES ($1::bigint, $2)";
static const char sql_audit[] =
    "INSERT INTO agency.audit_log (user_id, username, role, branch_id, op, target, outcome,"
    " detail) VALUES ($1::bigint, $2, 'director', $3::bigint, 'bootstrap.director',"
    " 'user:' || $1, 'ok', 'first director of an empty database')";

/* The statements of one bootstrap, inside the caller's transaction. 0 or -1 with err. */
static int bootstrap_tx(PGconn *db, const char *username, const char *hash, char *err,
                        size_t errlen)
{
    PGresult *r = exec(db, sql_count_users, 0, NULL, err, errlen);
    if (!r)
        return -1;
    bool empty = strcmp(PQgetvalue(r, 0, 0), "0") == 0;
    PQclear(r);
    if (!empty) {
        set_err(err, errlen, "the database already has users; directors create accounts");
        return -1;
    }
    if (!(r = exec(db, sql_branch, 0, NULL, err, errlen)))
        return -1;
    char branch[24], user[24];
    snprintf(branch, sizeof branch, "%s", PQgetvalue(r, 0, 0));
    PQclear(r);
    const char *p_user[2] = {username, branch};
    if (!(r = exec(db, sql_user, 2, p_user, err, errlen)))
        return -1;
    snprintf(user, sizeof user, "%s", PQgetvalue(r, 0, 0));
    PQclear(r);
    const char *p_secret[2] = {user, hash};
    if (!(r = exec(db, sql_secret, 2, p_secret, err, errlen)))
        return -1;
    PQclear(r);
    const char *p_audit[3] = {user, username, branch};
    if (!(r = exec(db, sql_audit, 3, p_audit, err, errlen)))
        return -1;
    PQclear(r);
    return 0;
}

int bootstrap_director(const char *conninfo, const char *username, const char *password, char *err,
                       size_t errlen)
{
    if (!conninfo || !username || !password) {
        set_err(err, errlen, "owner connection, user name and password are required");
        return -1;
    }
    if (!username_ok(username)) {
        set_err(err, errlen, "the user name must be 3 to 64 of a-z 0-9 . _ -");
        return -1;
    }
    const char *why = password_policy_check(password, username);
    if (why) {
        set_err(err, errlen, "the password %s", why);
        return -1;
    }
    char hash[PASSWORD_HASH_MAX];
    if (password_hash(password, hash) != 0) {
        set_err(err, errlen, "cannot hash the password");
        return -1;
    }
    PGconn *db = PQconnectdb(conninfo);
    if (PQstatus(db) != CONNECTION_OK) {
        set_err(err, errlen, "cannot connect as the owner role: %s", PQerrorMessage(db));
        PQfinish(db);
        return -1;
    }
    int rc = -1;
    PGresult *r = exec(db, "BEGIN ISOLATION LEVEL SERIALIZABLE", 0, NULL, err, errlen);
    if (r) {
        PQclear(r);
        rc = bootstrap_tx(db, username, hash, err, errlen);
        r = PQexec(db, rc == 0 ? "COMMIT" : "ROLLBACK");
        if (rc == 0 && PQresultStatus(r) != PGRES_COMMAND_OK) {
            set_err(err, errlen, "cannot commit: %s", PQerrorMessage(db));
            rc = -1;
        }
        PQclear(r);
    }
    PQfinish(db);
    return rc;
}
