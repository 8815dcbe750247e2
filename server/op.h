/*
 * op.h - the operation table and what a handler sees.
 *
 * One table (optable.c, the rows of every area of server/ops/) declares every operation:
 * name, handler, roles, flags, argument schema. The dispatcher (dispatch.c) checks, in this order
 * and for every operation: exists -> allowed in this phase (hello first, login) -> password change
 * pending -> role -> arguments. Only then does a worker run the handler. Handlers never test roles.
 */
#ifndef AGENCY_OP_H
#define AGENCY_OP_H

#include <stdbool.h>
#include <stdint.h>

#include <libpq-fe.h>
#include <msgpack.h>

#include "proto.h"

/* ---- roles (bit mask; wire names "ae", "manager", "director", "finance") ---- */

enum role {
    ROLE_AE = 1u << 0,
    ROLE_MANAGER = 1u << 1,
    ROLE_DIRECTOR = 1u << 2,
    ROLE_FINANCE = 1u << 3,
};
#define ROLES_ALL (ROLE_AE | ROLE_MANAGER | ROLE_DIRECTOR | ROLE_FINANCE)

/* Wire/database name of one role bit; NULL for anything else. */
const char *role_name(unsigned role);
/* Parses "ae"/"manager"/"director"/"finance"; 0 if unknown. */
unsigned role_from_name(const char *s);

/* ---- flags ---- */

enum op_flag {
    OPF_NO_AUTH = 1u << 0,    /* callable before login (hello, ping, auth.login, auth.resume) */
    OPF_MUTATING = 1u << 1,   /* writes: read-write transaction, idempotency_key accepted */
    OPF_AUDITED = 1u << 2,    /* writes an audit row on success too (mutating ops always do) */
    OPF_FINANCE = 1u << 3,    /* finance data: reads are audited */
    OPF_REAUTH = 1u << 4,     /* needs a login or auth.reauth within the last 5 minutes */
    OPF_LOOP = 1u << 5,       /* answered on the I/O thread, no database (hello, ping, meta) */
    OPF_PW_PENDING = 1u << 6, /* allowed while a password change is pending */
    OPF_HASHES = 1u << 7,     /* runs Argon2id: queued in the pool's hashing lane (dbpool.c) */
    OPF_REPLICA = 1u << 8     /* a read that may run on the streaming standby when one is
                                 configured ([database] replica, dbreplica.c); the handler
                                 answers where it ran from ctx->served */
};

/* ---- argument schema ---- */

enum arg_type {
    ARG_STR,       /* UTF-8 text, min..max characters (code points); control chars refused */
    ARG_TEXT,      /* UTF-8 text with newlines/tabs allowed, min..max characters */
    ARG_SECRET,    /* password: any valid UTF-8, min..max characters, never logged or audited */
    ARG_U64,       /* unsigned integer in [min, max] */
    ARG_I64,       /* signed integer in [min, max] */
    ARG_BOOL,      /* true/false */
    ARG_ID,        /* unsigned id, 1 .. 2^63-1 */
    ARG_ENUM,      /* a string from choices[] */
    ARG_DATE,      /* "YYYY-MM-DD", a real calendar date */
    ARG_TIMESTAMP, /* RFC 3339 UTC "YYYY-MM-DDTHH:MM:SS[.fff]Z" */
    ARG_ID_LIST,   /* array of ids, min..max items */
    ARG_CIDR_LIST, /* array of CIDR strings ("10.1.0.0/16", "2001:db8::/32"), min..max items */
    ARG_UUID,      /* canonical 8-4-4-4-12 hex UUID (idempotency_key) */
    ARG_MAP_LIST,  /* array of maps, min..max items; text holds the array re-encoded as
                      MessagePack (len bytes, not NUL-safe) for the handler to check each map */
};

struct arg_spec {
    const char *name;
    enum arg_type type;
    bool required;
    int64_t min, max;           /* characters for strings, value for numbers, items for lists */
    const char *const *choices; /* ARG_ENUM: NULL-terminated list */
};

#define OP_MAX_ARGS 24

/* A validated argument. text is NUL-ended and ready to be a libpq text parameter:
 * strings as given, numbers in decimal, bools "true"/"false", lists as a PostgreSQL
 * array literal ("{1,2,3}"). Absent arguments have present = false and text = NULL
 * (which libpq sends as SQL NULL). Memory belongs to the request's zone. */
struct arg_val {
    bool present;
    const char *text;
    size_t len; /* bytes of text */
    uint64_t u; /* ARG_U64, ARG_ID */
    int64_t i;  /* ARG_I64 */
    bool b;     /* ARG_BOOL */
};

struct op_args {
    struct arg_val v[OP_MAX_ARGS]; /* same order as op->args */
};

/* ---- the session a request runs as ---- */

struct session_info {
    uint64_t session_id; /* 0 = not logged in */
    uint64_t user_id;
    unsigned role;    /* one ROLE_* bit */
    uint64_t team_id; /* 0 = none */
    uint64_t branch_id;
    bool must_change_password;
    char username[64];
};

/* What a handler asks the connection to do with its session after the answer. */
enum session_action { SESS_KEEP = 0, SESS_SET, SESS_CLEAR };

struct op;

/* Everything a handler may touch. Lives on the worker thread for one request. */
struct op_ctx {
    PGconn *db;
    const struct op *op;
    const struct op_args *args;
    struct session_info sess; /* who is calling (zeroed before login) */
    const char *peer_addr;    /* source address, text */
    uint64_t request_id;      /* for logs */
    msgpack_packer *pk;       /* the handler packs exactly one value here on success */

    /* set by op_fail / op_invalid */
    enum proto_err err;
    char err_message[256];
    char err_field[64];
    char err_reason[128];
    char err_until[40];   /* locked: RFC 3339 end of the lock, answered as "until" (optional) */
    bool commit_on_error; /* keep the transaction's writes even though the answer is an error
                             (failed login attempts, lockouts) */
    /* extra fields of an error answer beyond code and message (duplicate: "candidates"):
       err_extra_pairs key/value pairs already packed as MessagePack in err_extra_len bytes
       (op_util.h: opu_error_extra_begin / opu_error_extra_end) */
    char err_extra[12288];
    size_t err_extra_len;
    uint32_t err_extra_pairs;

    /* audit: target and a short detail; the worker writes the row */
    char audit_target[96];
    char audit_detail[512];

    /* session changes (auth.login, auth.resume, auth.logout, auth.password) */
    enum session_action sess_action;
    struct session_info sess_new;

    /* where the handler's statements run (dbreplica.c): source "primary" or "replica", and the
       age of the data in milliseconds (0 on the primary) */
    struct {
        const char *source;
        int64_t age_ms;
    } served;
};

typedef int (*op_handler)(struct op_ctx *ctx);

struct op {
    const char *name;
    op_handler handler;          /* NULL only for OPF_LOOP operations answered by the loop */
    unsigned roles;              /* ROLE_* mask; ignored for OPF_NO_AUTH */
    unsigned flags;              /* OPF_* */
    const struct arg_spec *args; /* terminated by { NULL } */
    const char *summary;         /* one line for help */
};

/* One area's rows of the operation table: each file of server/ops/ that holds an area's
 * handlers declares them beside the handlers, as OP_AREA(ops_clients, "clients", rows). */
struct op_area {
    const char *name;
    const struct op *rows;
    unsigned nrows;
};
#define OP_AREA(var, area_name, row_array)                                                         \
    const struct op_area var = {area_name, row_array, sizeof row_array / sizeof row_array[0]}

/* Every area, in the order the table (and meta.operations) lists them: server/ops/areas.c. */
extern const struct op_area *const op_areas[];
extern const unsigned op_areas_len;

/* The table: the rows of op_areas concatenated (optable.c). op_table_init() builds it once
 * (thread-safe, idempotent; op_find calls it too) and stops the program on a broken table:
 * two rows with one name, a row without a handler that the loop does not answer. */
void op_table_init(void);
extern const struct op *op_table;
extern unsigned op_table_len;

/* Finds an operation by name (len bytes, not NUL-ended); NULL if unknown. */
const struct op *op_find(const char *name, size_t len);

/*
 * Validates the request's params map against op->args into *out (args.c).
 * map may be NULL (no params). Strings are copied NUL-ended into zone.
 * On failure fills field and reason (static or into the given buffers) and returns false.
 */
bool op_args_validate(const struct op *op, const msgpack_object *map, msgpack_zone *zone,
                      struct op_args *out, char field[64], char reason[128]);

/* ---- handler helpers (args.c) ---- */

/* The validated argument called name; absent or unknown name -> a static not-present value. */
const struct arg_val *op_arg(const struct op_ctx *ctx, const char *name);
/* Shorthands: text or NULL; presence; numbers (0 / false when absent). */
const char *op_text(const struct op_ctx *ctx, const char *name);
bool op_has(const struct op_ctx *ctx, const char *name);
uint64_t op_u64(const struct op_ctx *ctx, const char *name);
bool op_bool(const struct op_ctx *ctx, const char *name);

/* Sets the error answer; always returns -1 so handlers can `return op_fail(...)`. */
int op_fail(struct op_ctx *ctx, enum proto_err code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* invalid with field and reason. */
int op_invalid(struct op_ctx *ctx, const char *field, const char *reason);
/* Sets the audit target ("user:42") and detail (printf-style). */
void op_audit(struct op_ctx *ctx, const char *target, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
