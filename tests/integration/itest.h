/*
 * itest.h - a small blocking TLS 1.3 client and helpers for the integration tests: the stack's
 * settings, MessagePack-RPC calls, raw frames for abuse tests, extra agencyd instances, libpq.
 */
#ifndef AGENCY_ITEST_H
#define AGENCY_ITEST_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <libpq-fe.h>
#include <msgpack.h>
#include <openssl/ssl.h>

#define IT_TIMEOUT_MS 15000 /* default bound for one answer */

/* ---- the stack's settings ---- */

/* Value of key from the file named by AGENCY_STACK_ENV (KEY=value lines); fails the test when
 * the file or the key is missing. The string lives until exit. */
const char *it_env(const char *key);
/* Same, but NULL when the key is absent. */
const char *it_env_opt(const char *key);
/* Splits a "user:password" setting (e.g. "AGENCY_DEMO_DIRECTOR") into user and password. */
void it_cred(const char *key, char user[64], char password[160]);
/* A name unique to this run: prefix + pid + a counter + the time, [a-z0-9.-] only. */
const char *it_uniq(const char *prefix, char *buf, size_t size);
/* Milliseconds from a monotonic clock. */
int64_t it_now_ms(void);

/* The UTC date `days` from today as YYYY-MM-DD into buf (11 bytes); returns buf. */
const char *it_day(char *buf, int days);
/* Sleeps ms milliseconds. */
void it_sleep_ms(int ms);

/* ---- connections ---- */

typedef struct it_conn it_conn;

/* Opens TCP + TLS 1.3 to host:port, verifying the chain against ca_file and the host name
 * (or IP). Returns NULL (reason on stderr) when the connection or handshake fails. Close with
 * it_close. */
it_conn *it_connect(const char *host, int port, const char *ca_file);
/* Same, sending pre_len bytes of pre on the TCP connection before the TLS handshake (a PROXY
 * protocol header, as a load balancer sends). */
it_conn *it_connect_preamble(const char *host, int port, const char *ca_file, const void *pre,
                             size_t pre_len);
/* A plain blocking TCP connection to host:port (IPv4) with 15 s send/receive timeouts; the fd or
 * -1. */
int it_tcp_connect(const char *host, int port);
/* Connects to the stack's agencyd (AGENCY_HOST, AGENCY_PORT, AGENCY_CA); fails the test on
 * error. */
it_conn *it_connect_stack(void);
/* Connects to the stack's host with the stack's CA on another port; fails the test on error. */
it_conn *it_connect_port(int port);
/* Closes the connection and frees it; NULL is fine. */
void it_close(it_conn *c);
/* Drops the connection the way a crashed or unplugged client does: the socket closes with no
 * TLS close_notify. Frees c like it_close. */
void it_drop(it_conn *c);
/* The peer certificate's SHA-256 fingerprint as 64 hex chars into out[65]. */
void it_peer_fingerprint(it_conn *c, char out[65]);

/* ---- answers ---- */

enum it_status {
    IT_OK = 0,    /* a result */
    IT_ERROR,     /* an error answer: code, message, field, reason are set */
    IT_CLOSED,    /* the peer closed the connection (or reset it) */
    IT_TIMEOUT,   /* no whole frame within the time limit */
    IT_MALFORMED, /* the server sent something that is not a well-formed response */
};

typedef struct it_resp {
    enum it_status status;
    uint32_t msgid;
    char code[32];
    char message[256];
    char field[64];
    char reason[128];
    const msgpack_object *result; /* IT_OK: the result value (in zone) */
    const msgpack_object *error;  /* IT_ERROR: the error map (in zone) */
    msgpack_zone *zone;
    uint8_t *frame;
} it_resp;

/* Frees an answer; NULL is fine. */
void it_resp_free(it_resp *r);
/* A short description ("ok", "error forbidden: ...", "closed", ...) into a static buffer. */
const char *it_resp_str(const it_resp *r);

/* ---- requests ---- */

/*
 * Argument builder: fmt lists "key:type" items separated by spaces; each consumes varargs:
 *   s  const char *           string (NULL packs nil)
 *   S  const char *, size_t   string of exactly that many bytes (may be invalid UTF-8)
 *   u  unsigned long long     unsigned integer
 *   i  long long              signed integer
 *   b  int                    boolean
 *   n  (none)                 nil
 *   a  const char *const *    array of strings, NULL-terminated
 *   I  const uint64_t *, size_t   array of unsigned integers (ids) of that length
 * A NULL or empty fmt sends no arguments (params []).
 */
typedef void (*it_pack_fn)(msgpack_packer *pk, void *ud);

/* Sends one request; returns its msgid (never 0), or 0 when the write failed. */
uint32_t it_send(it_conn *c, const char *method, const char *fmt, ...);
uint32_t it_sendv(it_conn *c, const char *method, const char *fmt, va_list ap);
/* Sends method with the it_call argument format and asserts the answer is invalid with the
 * given field and a non-empty reason; what names the case in the failure message. */
void it_expect_invalid(it_conn *c, const char *what, const char *field, const char *method,
                       const char *fmt, ...);
void it_expect_invalidv(it_conn *c, const char *what, const char *field, const char *method,
                        const char *fmt, va_list ap);
/* Sends one request whose single params map is packed by fn (which must pack one value). */
uint32_t it_send_pk(it_conn *c, const char *method, it_pack_fn fn, void *ud);
/* Reads the next response (notifications are skipped) within timeout_ms. Never NULL. */
it_resp *it_recv(it_conn *c, int timeout_ms);
/* True once it_recv (or a call) has skipped a {"kind": "server.draining"} notification on c: the
 * instance is shutting down and the client should reconnect before its next request. */
bool it_draining(const it_conn *c);
/* Sends and waits for the answer with the same msgid. Never NULL. */
it_resp *it_call(it_conn *c, const char *method, const char *fmt, ...);
it_resp *it_call_pk(it_conn *c, const char *method, it_pack_fn fn, void *ud);

/* Raw bytes, exactly as given (abuse tests). false when the write failed. */
bool it_send_raw(it_conn *c, const void *bytes, size_t len);
/* A 4-byte big-endian length then payload. */
bool it_send_frame(it_conn *c, const void *payload, size_t len);
/* True when the server closed the connection within timeout_ms (answers before are read and
 * dropped); false when it stayed open. */
bool it_wait_closed(it_conn *c, int timeout_ms);

/* hello with version 1; fails the test unless it answers a result. */
void it_hello(it_conn *c);
/* auth.login with a "user:password" setting name (e.g. "AGENCY_DEMO_DIRECTOR") after hello;
 * fails the test unless it succeeds. Returns the user's id. */
uint64_t it_login_as(it_conn *c, const char *cred_key);
/* auth.login with user and password; the answer (caller frees). */
it_resp *it_login(it_conn *c, const char *user, const char *password);
/* The "id" of an OK answer's result map; fails the test (naming what) when there is none. */
uint64_t it_result_id(const it_resp *r, const char *what);
/* client.create {name, owner_id, force: true} on c; fails the test unless OK; the new id. */
uint64_t it_client_create_forced(it_conn *c, const char *name, uint64_t owner);
/* Connect to the stack + hello + login as cred_key; fails the test on error. */
it_conn *it_session(const char *cred_key, uint64_t *user_id);
/* Same with an explicit user name and password. */
it_conn *it_session_user(const char *user, const char *password, uint64_t *user_id);

/* Waits up to timeout_ms for a notification [2, "event", [{kind, ...}]] whose kind equals kind
 * (other notifications and any responses read meanwhile are dropped). IT_OK with result = the
 * event map, or IT_TIMEOUT / IT_CLOSED. Never NULL; free with it_resp_free. */
it_resp *it_recv_event(it_conn *c, const char *kind, int timeout_ms);

/* Creates a fresh account through user.create on the director's connection: a unique user name
 * from prefix (copied to username), the given role and password, branch "Istanbul" and, for
 * "ae" and "manager", team "Istanbul Brands". Fails the test on error; returns the id. */
uint64_t it_create_user(it_conn *director, const char *prefix, const char *role,
                        const char *password, char *username, size_t size);

/* ---- reading results ---- */

/* Map lookup by string key; NULL if obj is not a map or the key is missing. */
const msgpack_object *it_get(const msgpack_object *map, const char *key);
/* Dotted path lookup ("user.id"). */
const msgpack_object *it_path(const msgpack_object *obj, const char *path);
/* String at path copied into buf (NUL-ended); NULL when missing or not a string. */
const char *it_str(const msgpack_object *obj, const char *path, char *buf, size_t size);
/* Non-negative integer at path; false when missing or another type. */
bool it_u64(const msgpack_object *obj, const char *path, uint64_t *out);
/* Boolean at path; false when missing or another type. */
bool it_bool(const msgpack_object *obj, const char *path, bool *out);
/* Items of a list answer {"items": [...]}; NULL (count 0) when not such an answer. */
const msgpack_object *it_items(const msgpack_object *result, uint32_t *count);
/* Id of the item of a list operation whose string field equals value (follows cursors);
 * 0 when absent. Fails the test when the call fails. */
uint64_t it_find_id(it_conn *c, const char *method, const char *field, const char *value);
/* Number of items a list operation answers in total (follows cursors); fails on error. */
long it_count_items(it_conn *c, const char *method);

/* ---- assertions (cmocka) ---- */

void it_assert_ok_(const it_resp *r, const char *what, const char *file, int line);
void it_assert_err_(const it_resp *r, const char *code, const char *what, const char *file,
                    int line);
/* Fails unless r is a result. Frees nothing. */
#define it_assert_ok(r, what) it_assert_ok_((r), (what), __FILE__, __LINE__)
/* Fails unless r is an error with the given code. */
#define it_assert_err(r, code, what) it_assert_err_((r), (code), (what), __FILE__, __LINE__)
/* Calls and asserts ok; returns the answer (caller frees). */
#define IT_CALL_OK(c, what, ...) it_call_ok_((c), (what), __FILE__, __LINE__, __VA_ARGS__)
it_resp *it_call_ok_(it_conn *c, const char *what, const char *file, int line, const char *method,
                     const char *fmt, ...);
/* Calls and asserts an error with code; frees the answer. */
#define IT_CALL_ERR(c, code, what, ...)                                                            \
    it_call_err_((c), (code), (what), __FILE__, __LINE__, __VA_ARGS__)
void it_call_err_(it_conn *c, const char *code, const char *what, const char *file, int line,
                  const char *method, const char *fmt, ...);
/* Fails the test with a formatted message. */
void it_fail_(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
#define it_fail(...) it_fail_(__FILE__, __LINE__, __VA_ARGS__)

/* ---- extra agencyd instances ---- */

struct it_server {
    pid_t pid;
    int port;
    char dir[256]; /* a private temporary folder (log file inside) */
    char log[300];
};

/* A TCP port on 127.0.0.1 that was free a moment ago. */
int it_free_port(void);
/* Starts AGENCYD_BIN -c AGENCYD_CONF --set server.port=<free> plus one --set per entry of sets
 * (NULL-terminated, "section.key=value"), waits until it answers hello over TLS. Fails the
 * test (printing the log) when it does not come up within 30 s. */
void it_server_start(struct it_server *s, const char *const *sets);
/* Waits up to timeout_ms for the server to exit (no signal sent). Returns the exit status, or
 * -1 when it died of a signal or was still running after the wait (then killed; log printed). */
int it_server_wait(struct it_server *s, int timeout_ms);
/* SIGTERM, then waits up to 20 s for the exit. Returns the exit status, or -1 when it had to be
 * killed or died of a signal (the log is printed). */
int it_server_stop(struct it_server *s);
/* Stops every extra agencyd still running (a test that failed half-way); for cmocka teardown,
 * always returns 0. Also closes the owner database connection. */
int it_teardown(void **state);
/* Prints the server's log to stderr. */
void it_server_dump_log(const struct it_server *s);

/* The stack agencyd's pid (AGENCYD_PID, else AGENCY_STACK_DIR/agencyd.pid); 0 if unknown. */
pid_t it_stack_pid(void);
/* True when the process's executable is built with AddressSanitizer (its resident size then
 * includes the sanitizer's quarantine of freed memory and says little about leaks). */
bool it_pid_sanitized(pid_t pid);
/* VmRSS of a process in KiB; -1 if unreadable. */
long it_rss_kib(pid_t pid);

/* ---- PostgreSQL (owner role, AGENCY_DB_URL) ---- */

/* The owner connection (opened once); fails the test when it cannot connect. */
PGconn *it_db(void);
/* Runs a query with nparams text parameters (const char *) and returns the first column of
 * the first row as an integer (0 for no rows or NULL). Fails the test on a query error. */
long long it_db_ll(const char *sql, int nparams, ...);
/* Audit rows of op whose outcome matches outcomes ("denied|forbidden": alternatives) for the
 * user given by name and/or id (matched on user_id, username, or a target/detail naming them). */
long long it_audit_count(const char *op, const char *outcomes, const char *username,
                         uint64_t user_id);
/* Text of the first column of the first row into buf ("" for no rows or NULL); fails the test
 * on a query error. */
const char *it_db_text(char *buf, size_t size, const char *sql, int nparams, ...);
/* The movable clock (sql/024, the stack runs agencyd with test.movable_clock = on): from now
 * on agency.now() reads the real time plus `shift` (a PostgreSQL interval, "4 min 59 s",
 * "2 days") on every agencyd of the stack's database. it_clock_reset() puts it back to the
 * real time; a test that moves the clock resets it before it ends. */
void it_clock_shift(const char *shift);
void it_clock_reset(void);
/* Closes the owner connection (tests call it at the end). */
void it_db_close(void);

#endif
