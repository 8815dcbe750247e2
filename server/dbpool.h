/* The database worker pool: N threads, each owning one libpq connection, fed by a bounded job
   queue from the I/O thread and answering through a completion queue and an eventfd. */
#ifndef AGENCY_DBPOOL_H
#define AGENCY_DBPOOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <msgpack.h>

#include "config.h"
#include "op.h"

enum dbjob_kind { DBJOB_REQUEST = 0, DBJOB_SEAL, DBJOB_SWEEP, DBJOB_NOTIFY };

/* One request for a worker. The I/O thread fills the request part and gives the job away with
   dbpool_submit; it gets it back from dbpool_take_done with the answer filled in. */
struct dbjob {
    struct dbjob *next;
    enum dbjob_kind kind;
    /* request */
    uint64_t conn_id; /* connection slot and generation, see conn.h */
    uint32_t msgid;
    const struct op *op;
    struct op_args args;
    msgpack_zone *zone; /* owns the argument strings; freed by dbjob_free */
    struct session_info sess;
    char peer[64];         /* source address, text */
    enum proto_err preset; /* != PE_OK: a denial found by the dispatcher, to audit */
    char preset_message[128];
    uint64_t request_id;
    struct timespec started; /* CLOCK_MONOTONIC at dispatch */
    uint64_t notify_user;    /* DBJOB_NOTIFY: the user whose connections get answer */
    /* answer */
    msgpack_sbuffer answer; /* one whole framed response (or notification) */
    enum proto_err err;
    enum session_action sess_action;
    struct session_info sess_new;
};

/* A fresh zeroed job of the given kind, or NULL when out of memory. */
struct dbjob *dbjob_new(enum dbjob_kind kind);
/* Frees the job, its zone and its answer. NULL is fine. */
void dbjob_free(struct dbjob *job);

/* Connects cfg->workers connections (fatal problems at start-up are returned: -1 with err)
   and starts the workers. cfg must outlive the pool. */
int dbpool_start(const struct config *cfg, char *err, size_t errlen);
/* Becomes readable when finished jobs are waiting; the loop reads it (dbpool_ack) and then
   calls dbpool_take_done until NULL. */
int dbpool_eventfd(void);
void dbpool_ack(void);
/* True when dbpool_submit would accept a job now (only the I/O thread submits). */
bool dbpool_can_submit(void);
/* Queues a job (ownership moves to the pool). 0, or -1 when the queue is full (ownership
   stays with the caller). */
int dbpool_submit(struct dbjob *job);
/* Hands a finished job to the I/O thread from any thread (the notify listener's events). */
void dbpool_post(struct dbjob *job);
/* The next finished job (ownership moves to the caller), or NULL. I/O thread only. */
struct dbjob *dbpool_take_done(void);
/* Workers holding a database connection right now (any thread). */
unsigned dbpool_connected(void);
/* Jobs queued or running. */
unsigned dbpool_pending(void);
/* Lets the workers finish every queued job, then joins them and closes the connections. */
void dbpool_stop(void);

/* ---- between the dbpool files (dbpool.c, dbpool_job.c, dbpool_exec.c) ---- */

#define DBPOOL_STMT_SLOTS 1024
#define DBPOOL_PIPE_MAX   32 /* results a worker's pipeline may have outstanding */

struct dbworker {
    unsigned index;
    PGconn *db;
    bool lost;                /* the connection failed during this job: reconnect */
    unsigned backoff_ms;      /* next reconnect delay */
    struct timespec next_try; /* CLOCK_MONOTONIC */
    const struct config *cfg;
    unsigned stmt_count;
    struct {
        const char *sql;
        unsigned id;
    } stmts[DBPOOL_STMT_SLOTS]; /* prepared statements of this connection, keyed by pointer */
    /* Pipeline mode: what each result still to be read answers, oldest first (a Parse, a
       statement or a Sync; deferred ones belong to earlier jobs). */
    unsigned pipe_head, pipe_len, pipe_deferred;
    bool pipe_unsent; /* deferred statements still in libpq's buffer (no Sync after them) */
    unsigned char pipe_kind[DBPOOL_PIPE_MAX];
};

/* The worker running on this thread (NULL elsewhere). */
extern _Thread_local struct dbworker *dbpool_self;

/* Opens a connection with the pool's session settings; NULL with err on failure. */
PGconn *dbpool_connect(const struct config *cfg, char *err, size_t errlen);
/* Runs one job on worker w (dbpool_job.c); fills job->answer, err and session results. */
void dbpool_run_job(struct dbworker *w, struct dbjob *job);
/* Maps a failed result (NULL allowed) to ctx->err; marks the worker's connection lost when
   the failure says so (dbpool_exec.c). */
void dbpool_map_error(struct op_ctx *ctx, PGconn *db, const PGresult *res);
/* Forgets the prepared statements and the pipeline state (after a reconnect). */
void dbpool_forget_statements(struct dbworker *w);

/*
 * Pipelined statements (dbpool_exec.c), so that what a request sends in a row costs one write
 * and one wait: queue statements with dbpool_pipe_send, end the segment with dbpool_pipe_sync
 * (which sends it), read each statement's result in order with dbpool_pipe_result or
 * dbpool_pipe_next, then dbpool_pipe_finish. A segment whose outcome the answer does not depend
 * on (the COMMIT of a READ ONLY transaction, a last-seen refresh) may instead be left with
 * dbpool_pipe_defer: its results are read and checked before the worker's next statement,
 * so the answer goes out without waiting for them. Only the worker's own connection.
 */
/* Queues one statement, prepared once per connection (keyed by the sql pointer: pass string
   literals or static arrays; a first Parse travels in the same pipeline). params, lengths,
   formats and result_format as PQsendQueryPrepared (NULL lengths/formats: text). 0, or -1
   with ctx->err set. */
int dbpool_pipe_send(struct op_ctx *ctx, const char *sql, int nparams, const char *const *params,
                     const int *lengths, const int *formats, int result_format);
/* Ends the queued segment with a Sync and sends everything queued. 0, or -1 with ctx->err. */
int dbpool_pipe_sync(struct op_ctx *ctx);
/* The next queued statement's result whatever its status (caller PQclear()s), after reading
   the deferred results ahead of it; NULL when the connection was lost (ctx->err unavailable). */
PGresult *dbpool_pipe_next(struct op_ctx *ctx);
/* Same, keeping only PGRES_TUPLES_OK / PGRES_COMMAND_OK; on failure maps it to ctx->err (a
   statement skipped after an earlier failure keeps that failure's error) and returns NULL. */
PGresult *dbpool_pipe_result(struct op_ctx *ctx);
/* Reads and drops every result still queued and leaves pipeline mode. 0, or -1 when the
   connection was lost (ctx->err unavailable). */
int dbpool_pipe_finish(struct op_ctx *ctx);
/* Leaves every statement queued so far to be read before the worker's next statement. Those
   not yet followed by a Sync stay in libpq's buffer and go out with the next segment (the
   server runs them first, in order) or with dbpool_pipe_flush. */
void dbpool_pipe_defer(struct dbworker *w);
/* Sends what dbpool_pipe_defer left in libpq's buffer (before the worker waits for work). 0, or
   -1 when the connection was lost (w->lost set). */
int dbpool_pipe_flush(struct dbworker *w);
/* Reads the deferred results and leaves pipeline mode (before anything synchronous). 0, or -1
   when the connection was lost (w->lost set). */
int dbpool_pipe_settle(struct dbworker *w);
/* True when only deferred results are outstanding (the transaction has ended server-side). */
bool dbpool_pipe_only_deferred(const struct dbworker *w);

/* Queues this request's audit row on the worker's pipeline, as audit_write (sqlapi.h) writes
   it (audit.c). 0, or -1 with ctx->err set. */
int audit_send(struct op_ctx *ctx, const char *outcome);
/* Reads the result of the row audit_send queued: 0, or -1 (logged; ctx->err untouched unless
   the connection was lost). */
int audit_check(struct op_ctx *ctx);

#endif
