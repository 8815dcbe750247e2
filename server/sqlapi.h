/*
 * sqlapi.h - the server-side entry points the worker and main() call around handlers,
 * implemented next to the SQL they call (audit.c, session.c, migrate.c, bootstrap.c).
 */
#ifndef AGENCY_SQLAPI_H
#define AGENCY_SQLAPI_H

#include <stdbool.h>

#include "op.h"

/*
 * Opens the request context in the current transaction (session.c).
 * Logged in (ctx->sess.session_id != 0): calls agency.begin_request(session_id,
 * idle_timeout_s, peer), refreshes ctx->sess (role, team, branch, must_change_password
 * may have changed since login) and sets *touch when the session's last-seen time should
 * be refreshed after the transaction (session_touch). An expired or revoked session sets
 * ctx->err = PE_UNAUTHENTICATED, ctx->sess_action = SESS_CLEAR and returns -1.
 * Not logged in: calls agency.begin_anonymous(peer). Returns 0 or -1 (ctx->err set).
 */
int session_begin(struct op_ctx *ctx, int idle_timeout_s, bool *touch);
/* Refreshes the session's last-seen time (own autocommit statement). 0 or -1. */
int session_touch(PGconn *db, uint64_t session_id);

/*
 * Writes this request's audit row in the current transaction (audit.c): time, user, role,
 * branch, peer, session, ctx->op->name, ctx->audit_target, outcome ("ok", "denied",
 * or the error code's name), ctx->audit_detail. Never writes secrets. 0 or -1.
 */
int audit_write(struct op_ctx *ctx, const char *outcome);
/* Seals audit rows written since the last call into the hash chain (own transaction).
 * Returns the number sealed or -1. Called periodically by one worker. */
long audit_seal(PGconn *db);
/* Rows one audit_seal call seals at most: a full batch means more are waiting. */
#define AUDIT_SEAL_BATCH 10000

/* Runs the database's due sweeps (agency.sweep(), sql/026: SLA escalations, renewal
 * reminders, whatever the areas registered in agency.sweeps) in its own transaction. Returns
 * the number of rows they acted on, or -1. Called periodically (server.sweep_interval). */
long sweep_run(PGconn *db);

/*
 * Applies sql/NNN_*.sql migrations not yet in schema_migrations, in order, each in its
 * own transaction under an advisory lock, connecting as the owner role with conninfo.
 * Refuses (returns -1 with a message in err) a database whose schema is newer than the
 * newest file known. dir is the folder holding the .sql files. 0 on success.
 */
int migrate_run(const char *conninfo, const char *dir, char *err, size_t errlen);
/* Checks that the schema is exactly the newest version this build knows (startup). */
int migrate_check(PGconn *db, const char *dir, char *err, size_t errlen);

/*
 * Creates the first director of an empty database (no users yet) with the given user
 * name and password, in a branch "Head office" it creates when none exists. Connects as
 * the owner role. 0 on success, -1 with a message in err.
 */
int bootstrap_director(const char *conninfo, const char *username, const char *password, char *err,
                       size_t errlen);

#endif
