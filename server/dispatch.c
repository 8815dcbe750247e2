/* The request dispatcher (op.h order): hello first → exists → logged in → pending password
   change → role → arguments; loop operations answered here, the rest queued for a worker. */
#include "dispatch.h"

#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>

#include "config.h"
#include "log.h"
#include "notify.h"
#include "ratelimit.h"

static uint64_t dispatch_request_seq;

/* Packs into a fresh buffer and queues it on c. */
struct dispatch_out {
    msgpack_sbuffer sb;
    msgpack_packer pk;
    size_t start;
};

static void out_begin(struct dispatch_out *o)
{
    msgpack_sbuffer_init(&o->sb);
    msgpack_packer_init(&o->pk, &o->sb, msgpack_sbuffer_write);
    o->start = proto_frame_begin(&o->sb);
}

static void out_send(struct dispatch_out *o, struct conn *c)
{
    proto_frame_end(&o->sb, o->start);
    conn_send(c, o->sb.data, o->sb.size);
    msgpack_sbuffer_destroy(&o->sb);
}

void dispatch_send_error(struct conn *c, uint32_t msgid, enum proto_err code, const char *message,
                         const char *field, const char *reason)
{
    struct dispatch_out o;
    out_begin(&o);
    if (code == PE_INVALID) {
        proto_pack_error_head(&o.pk, msgid, code, message, 2);
        proto_kv_str(&o.pk, "field", field ? field : "argument");
        proto_kv_str(&o.pk, "reason", reason ? reason : message);
        proto_pack_error_end(&o.pk);
    } else {
        proto_pack_error_head(&o.pk, msgid, code, message, 0);
    }
    out_send(&o, c);
}

void dispatch_too_large(struct conn *c)
{
    dispatch_send_error(c, 0, PE_TOO_LARGE, "frame too large", NULL, NULL);
}

/* One line per answered request: at debug level when it succeeded (a busy server answers
 * thousands a second, and the audit trail already records every change), at info otherwise. */
static void log_request(const struct conn *c, const char *op, double ms, const char *outcome)
{
    if (strcmp(outcome, "ok") == 0)
        log_debug("event=request conn=%u user=%llu op=%s ms=%.1f outcome=ok", c->slot,
                  (unsigned long long)c->sess.user_id, op, ms);
    else
        log_info("event=request conn=%u user=%llu op=%s ms=%.1f outcome=%s", c->slot,
                 (unsigned long long)c->sess.user_id, op, ms, outcome);
}

static double ms_since(const struct timespec *t0)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - t0->tv_sec) * 1e3 + (double)(now.tv_nsec - t0->tv_nsec) / 1e6;
}

static void now_rfc3339(char buf[96])
{
    struct timespec ts;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    snprintf(buf, 96, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ", tm.tm_year + 1900, tm.tm_mon + 1,
             tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000L);
}

static void answer_hello(struct conn *c, uint32_t msgid)
{
    const char *instance = config_get()->instance;
    struct dispatch_out o;
    out_begin(&o);
    proto_pack_result_head(&o.pk, msgid);
    msgpack_pack_map(&o.pk, instance[0] ? 5 : 4);
    proto_kv_u64(&o.pk, "version", PROTO_VERSION);
    proto_kv_str(&o.pk, "server", "agencyd/" AGENCY_VERSION);
    if (instance[0])
        proto_kv_str(&o.pk, "instance", instance);
    proto_kv_u64(&o.pk, "max_frame", c->max_frame);
    proto_pack_cstr(&o.pk, "features");
    msgpack_pack_array(&o.pk, 2);
    proto_pack_cstr(&o.pk, "pipelining");
    proto_pack_cstr(&o.pk, "notifications");
    out_send(&o, c);
}

static void answer_ping(struct conn *c, uint32_t msgid)
{
    char now[96];
    now_rfc3339(now);
    struct dispatch_out o;
    out_begin(&o);
    proto_pack_result_head(&o.pk, msgid);
    msgpack_pack_map(&o.pk, 2);
    proto_kv_bool(&o.pk, "pong", true);
    proto_kv_str(&o.pk, "time", now);
    out_send(&o, c);
}

static const char *arg_type_name(enum arg_type t)
{
    static const char *const names[] = {"str",     "text",      "secret", "u64",     "i64",
                                        "bool",    "id",        "enum",   "date",    "timestamp",
                                        "id_list", "cidr_list", "uuid",   "map_list"};
    return (unsigned)t < sizeof(names) / sizeof(names[0]) ? names[t] : "str";
}

static void pack_op_flags(msgpack_packer *pk, unsigned flags)
{
    static const struct {
        unsigned bit;
        const char *name;
    } names[] = {{OPF_NO_AUTH, "no_auth"},      {OPF_MUTATING, "mutating"},
                 {OPF_AUDITED, "audited"},      {OPF_FINANCE, "finance"},
                 {OPF_REAUTH, "reauth"},        {OPF_LOOP, "loop"},
                 {OPF_PW_PENDING, "pw_pending"}};
    uint32_t n = 0;
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        n += (flags & names[i].bit) != 0;
    msgpack_pack_array(pk, n);
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (flags & names[i].bit)
            proto_pack_cstr(pk, names[i].name);
    }
}

static void pack_arg_spec(msgpack_packer *pk, const struct arg_spec *a)
{
    msgpack_pack_map(pk, 6);
    proto_kv_str(pk, "name", a->name);
    proto_kv_str(pk, "type", arg_type_name(a->type));
    proto_kv_bool(pk, "required", a->required);
    proto_kv_i64(pk, "min", a->min);
    proto_kv_i64(pk, "max", a->max);
    proto_pack_cstr(pk, "choices");
    if (!a->choices) {
        msgpack_pack_nil(pk);
        return;
    }
    uint32_t n = 0;
    while (a->choices[n])
        n++;
    msgpack_pack_array(pk, n);
    for (uint32_t i = 0; i < n; i++)
        proto_pack_cstr(pk, a->choices[i]);
}

static void pack_op(msgpack_packer *pk, const struct op *op)
{
    static const struct arg_spec implicit_key = {"idempotency_key", ARG_UUID, false, 0, 0, NULL};
    msgpack_pack_map(pk, 5);
    proto_kv_str(pk, "name", op->name);
    proto_kv_str(pk, "summary", op->summary);
    proto_pack_cstr(pk, "roles");
    unsigned roles = (op->flags & OPF_NO_AUTH) ? ROLES_ALL : op->roles;
    msgpack_pack_array(pk, (uint32_t)__builtin_popcount(roles & ROLES_ALL));
    for (unsigned bit = ROLE_AE; bit <= ROLE_FINANCE; bit <<= 1) {
        if (roles & bit)
            proto_pack_cstr(pk, role_name(bit));
    }
    proto_pack_cstr(pk, "flags");
    pack_op_flags(pk, op->flags);
    uint32_t n = 0;
    bool has_key = false;
    for (; op->args && op->args[n].name; n++)
        has_key |= strcmp(op->args[n].name, "idempotency_key") == 0;
    bool add_key = (op->flags & OPF_MUTATING) && !has_key;
    proto_pack_cstr(pk, "args");
    msgpack_pack_array(pk, n + add_key);
    for (uint32_t i = 0; i < n; i++)
        pack_arg_spec(pk, &op->args[i]);
    if (add_key)
        pack_arg_spec(pk, &implicit_key);
}

/* The operations the caller may call, and the names of those that exist but not for the
 * caller's role, so a client can say "not available to your role". */
/* True when meta.operations offers op to the caller: callable before login, or by its role. */
static bool op_offered(const struct conn *c, const struct op *op)
{
    return (op->flags & OPF_NO_AUTH) || (op->roles & c->sess.role);
}

static void answer_meta_operations(struct conn *c, uint32_t msgid)
{
    uint32_t n = 0;
    for (unsigned i = 0; i < op_table_len; i++)
        n += op_offered(c, &op_table[i]);
    struct dispatch_out o;
    out_begin(&o);
    proto_pack_result_head(&o.pk, msgid);
    msgpack_pack_map(&o.pk, 2);
    proto_pack_cstr(&o.pk, "operations");
    msgpack_pack_array(&o.pk, n);
    for (unsigned i = 0; i < op_table_len; i++)
        if (op_offered(c, &op_table[i]))
            pack_op(&o.pk, &op_table[i]);
    proto_pack_cstr(&o.pk, "not_permitted");
    msgpack_pack_array(&o.pk, op_table_len - n);
    for (unsigned i = 0; i < op_table_len; i++)
        if (!op_offered(c, &op_table[i]))
            proto_pack_cstr(&o.pk, op_table[i].name);
    out_send(&o, c);
}

/* Queues a job for op; takes ownership of zone. Returns the job or NULL (out of memory). */
static struct dbjob *make_job(struct conn *c, uint32_t msgid, const struct op *op,
                              msgpack_zone *zone)
{
    struct dbjob *job = dbjob_new(DBJOB_REQUEST);
    if (!job) {
        msgpack_zone_free(zone);
        return NULL;
    }
    job->zone = zone;
    job->conn_id = conn_id(c);
    job->msgid = msgid;
    job->op = op;
    job->sess = c->sess;
    snprintf(job->peer, sizeof(job->peer), "%s", c->peer_ip);
    job->request_id = ++dispatch_request_seq;
    clock_gettime(CLOCK_MONOTONIC, &job->started);
    return job;
}

static void submit_job(struct conn *c, struct dbjob *job)
{
    if (dbpool_submit(job) < 0) { /* cannot happen: the caller checked for room */
        dispatch_send_error(c, job->msgid, PE_UNAVAILABLE, "the server is busy; try again", NULL,
                            NULL);
        dbjob_free(job);
        return;
    }
    c->in_flight++;
}

/* A denial the worker records in the audit trail before answering. */
static void submit_denial(struct conn *c, uint32_t msgid, const struct op *op, msgpack_zone *zone,
                          const struct op_args *args, enum proto_err code, const char *message)
{
    struct dbjob *job = make_job(c, msgid, op, zone);
    if (!job) {
        dispatch_send_error(c, msgid, code, message, NULL, NULL);
        return;
    }
    if (args)
        job->args = *args; /* validated: the audit detail may name the user */
    else
        memset(&job->args, 0, sizeof(job->args));
    job->preset = code;
    snprintf(job->preset_message, sizeof(job->preset_message), "%s", message);
    submit_job(c, job);
}

/* Answers a request the dispatcher refuses without the database; frees zone. */
static enum conn_frame_verdict refuse(struct conn *c, uint32_t msgid, msgpack_zone *zone,
                                      const char *opname, enum proto_err code, const char *message,
                                      const char *field, const char *reason)
{
    dispatch_send_error(c, msgid, code, message, field, reason);
    log_request(c, opname, 0.0, proto_err_name(code));
    msgpack_zone_free(zone);
    return CONN_FRAME_OK;
}

/* The text of the validated argument name of op, or NULL. */
static const char *loop_arg(const struct op *op, const struct op_args *args, const char *name)
{
    for (unsigned i = 0; op->args && op->args[i].name && i < OP_MAX_ARGS; i++) {
        if (strcmp(op->args[i].name, name) == 0)
            return args->v[i].text;
    }
    return NULL;
}

static enum conn_frame_verdict dispatch_loop_op(struct conn *c, const struct op *op,
                                                const struct op_args *args, uint32_t msgid,
                                                msgpack_zone *zone)
{
    if (strcmp(op->name, "hello") == 0) {
        char q[160];
        const char *client = loop_arg(op, args, "client");
        log_info("event=hello conn=%u client=%s", c->slot, log_quote(q, sizeof(q), client));
        c->hello_done = true;
        answer_hello(c, msgid);
    } else if (strcmp(op->name, "ping") == 0) {
        answer_ping(c, msgid);
    } else if (strcmp(op->name, "meta.operations") == 0) {
        answer_meta_operations(c, msgid);
    } else {
        return refuse(c, msgid, zone, op->name, PE_INTERNAL, "internal error", NULL, NULL);
    }
    log_request(c, op->name, 0.0, "ok");
    msgpack_zone_free(zone);
    return CONN_FRAME_OK;
}

/* hello with a version other than ours answers unsupported_version. */
static bool hello_version_ok(const struct proto_msg *msg)
{
    uint64_t v = 0;
    enum proto_get g = proto_get_u64(msg->args, "version", &v, 0, UINT64_MAX);
    return g != PG_OK || v == PROTO_VERSION;
}

static enum conn_frame_verdict dispatch_request(struct conn *c, const struct proto_msg *msg,
                                                msgpack_zone *zone, uint64_t now_ms)
{
    const struct op *op = op_find(msg->method, msg->method_len);
    const char *name = op ? op->name : "unknown";
    bool logged_in = c->sess.session_id != 0;
    if (!c->hello_done && !(op && strcmp(op->name, "hello") == 0))
        return refuse(c, msg->msgid, zone, name, PE_BAD_REQUEST, "send hello first", NULL, NULL);
    if (!op)
        return refuse(c, msg->msgid, zone, name, PE_BAD_REQUEST, "unknown method", NULL, NULL);
    if (!logged_in && !(op->flags & OPF_NO_AUTH))
        return refuse(c, msg->msgid, zone, name, PE_UNAUTHENTICATED, "log in first", NULL, NULL);
    if (logged_in && !(op->flags & OPF_NO_AUTH)) {
        if (c->sess.must_change_password && !(op->flags & OPF_PW_PENDING)) {
            submit_denial(c, msg->msgid, op, zone, NULL, PE_FORBIDDEN,
                          "change your password first (auth.password)");
            return CONN_FRAME_OK;
        }
        if (!(op->roles & c->sess.role)) {
            char m[128];
            snprintf(m, sizeof(m), "your role may not call %s", op->name);
            submit_denial(c, msg->msgid, op, zone, NULL, PE_FORBIDDEN, m);
            return CONN_FRAME_OK;
        }
    }
    if (strcmp(op->name, "hello") == 0 && !hello_version_ok(msg))
        return refuse(c, msg->msgid, zone, name, PE_UNSUPPORTED_VERSION,
                      "this server speaks protocol version 1", NULL, NULL);
    struct op_args args;
    char field[64], reason[128];
    if (!op_args_validate(op, msg->args, zone, &args, field, reason)) {
        char m[256];
        snprintf(m, sizeof(m), "%s %s", field, reason);
        return refuse(c, msg->msgid, zone, name, PE_INVALID, m, field, reason);
    }
    if (op->flags & OPF_LOOP)
        return dispatch_loop_op(c, op, &args, msg->msgid, zone);
    if (strcmp(op->name, "auth.login") == 0 && !ratelimit_take(c->peer_ip, now_ms)) {
        log_warn("event=login_rate_limited conn=%u peer=%s", c->slot, c->peer);
        submit_denial(c, msg->msgid, op, zone, &args, PE_RATE_LIMITED,
                      "too many login attempts from your address; wait a minute");
        return CONN_FRAME_OK;
    }
    struct dbjob *job = make_job(c, msg->msgid, op, zone);
    if (!job)
        return refuse(c, msg->msgid, NULL, name, PE_INTERNAL, "out of memory", NULL, NULL);
    job->args = args;
    submit_job(c, job);
    return CONN_FRAME_OK;
}

enum conn_frame_verdict dispatch_frame(struct conn *c, const uint8_t *payload, size_t len,
                                       uint64_t now_ms)
{
    msgpack_zone *zone = msgpack_zone_new(MSGPACK_ZONE_CHUNK_SIZE);
    if (!zone) {
        dispatch_send_error(c, 0, PE_INTERNAL, "out of memory", NULL, NULL);
        return CONN_FRAME_CLOSE;
    }
    struct proto_msg msg;
    bool known = false;
    const char *why = NULL;
    memset(&msg, 0, sizeof(msg));
    enum proto_err e = proto_decode(payload, len, zone, &msg, &known, &why);
    if (e == PE_OK && msg.type != PROTO_REQUEST) {
        e = PE_BAD_REQUEST;
        why = "only requests may be sent to the server";
        known = false;
    }
    if (e != PE_OK) {
        uint32_t msgid = known ? msg.msgid : 0;
        char q[160];
        log_info("event=bad_request conn=%u peer=%s reason=%s", c->slot, c->peer,
                 log_quote(q, sizeof(q), why ? why : "malformed message"));
        dispatch_send_error(c, msgid, e == PE_BAD_REQUEST ? PE_BAD_REQUEST : PE_INTERNAL,
                            why ? why : "malformed message", NULL, NULL);
        msgpack_zone_free(zone);
        return CONN_FRAME_CLOSE;
    }
    return dispatch_request(c, &msg, zone, now_ms);
}

static void apply_session(struct conn *c, const struct dbjob *job)
{
    const struct config *cfg = config_get();
    if (job->sess_action == SESS_SET) {
        c->sess = job->sess_new;
        c->max_frame = (uint32_t)cfg->max_frame;
    } else if (job->sess_action == SESS_CLEAR) {
        memset(&c->sess, 0, sizeof(c->sess));
        c->max_frame = (uint32_t)cfg->max_frame_prelogin;
    }
}

void dispatch_complete(struct dbjob *job, uint64_t now_ms)
{
    struct conn *c = conn_lookup(job->conn_id);
    if (!c || c->state != CONN_OPEN) {
        if (job->op)
            log_info("event=request_dropped op=%s reason=connection_closed", job->op->name);
        dbjob_free(job);
        return;
    }
    bool held = !(c->events & EPOLLIN);
    if (c->in_flight)
        c->in_flight--;
    apply_session(c, job);
    if (job->err == PE_OK && strcmp(job->op->name, "auth.login") == 0)
        ratelimit_refund(c->peer_ip); /* only failed attempts count against the address */
    conn_send(c, job->answer.data, job->answer.size);
    log_request(c, job->op->name, ms_since(&job->started),
                job->err == PE_OK ? "ok" : proto_err_name(job->err));
    dbjob_free(job);
    if (held)
        conn_resume(c, now_ms);
}

void dispatch_announce_draining(struct conn *c)
{
    struct dispatch_out o;
    out_begin(&o);
    proto_pack_notify_head(&o.pk);
    msgpack_pack_map(&o.pk, 1);
    proto_kv_str(&o.pk, "kind", "server.draining");
    out_send(&o, c);
}

void dispatch_notify(struct dbjob *job)
{
    unsigned delivered = 0;
    for (unsigned i = 0; i < conn_capacity(); i++) {
        struct conn *c = conn_at(i);
        if (c && c->state == CONN_OPEN && c->sess.session_id != 0 &&
            c->sess.user_id == job->notify_user && !c->close_after_flush) {
            conn_send(c, job->answer.data, job->answer.size);
            delivered++;
        }
    }
    notify_count(delivered);
    log_debug("event=notify user=%llu connections=%u", (unsigned long long)job->notify_user,
              delivered);
    dbjob_free(job);
}
