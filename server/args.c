/* Argument validation against the operation table's schemas, and the helpers handlers use to
   read validated arguments and to report errors and audit details (op.h). */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "op.h"

#define ARGS_REASON(...) snprintf(reason, 128, __VA_ARGS__)

static unsigned args_count(const struct op *op)
{
    unsigned n = 0;
    while (op->args && op->args[n].name)
        n++;
    return n;
}

/* Index of the argument called name[0..len) in op's schema, or the slot just after the schema
   for an implicit idempotency_key of a mutating operation; -1 if unknown. */
static int args_index(const struct op *op, const char *name, size_t len)
{
    unsigned n = args_count(op);
    for (unsigned i = 0; i < n; i++) {
        if (strlen(op->args[i].name) == len && memcmp(op->args[i].name, name, len) == 0)
            return (int)i;
    }
    if ((op->flags & OPF_MUTATING) && n < OP_MAX_ARGS && len == 15 &&
        memcmp(name, "idempotency_key", 15) == 0)
        return (int)n;
    return -1;
}

static const struct arg_spec args_implicit_key = {"idempotency_key", ARG_UUID, false, 0, 0, NULL};

static char *args_zone_strdup(msgpack_zone *zone, const char *s, size_t len)
{
    char *d = msgpack_zone_malloc(zone, len + 1);
    if (!d)
        return NULL;
    memcpy(d, s, len);
    d[len] = '\0';
    return d;
}

/* Control characters (C0, DEL, C1) in valid UTF-8 s; tabs and newlines allowed if multiline. */
static bool args_has_control(const char *s, size_t len, bool multiline)
{
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0; i < len; i++) {
        if (multiline && (p[i] == '\n' || p[i] == '\t' || p[i] == '\r'))
            continue;
        if (p[i] < 0x20 || p[i] == 0x7f)
            return true;
        if (p[i] == 0xc2 && i + 1 < len && p[i + 1] >= 0x80 && p[i + 1] <= 0x9f)
            return true;
    }
    return false;
}

static bool args_digits(const char *s, int n)
{
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
    }
    return true;
}

static int args_num(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++)
        v = v * 10 + (s[i] - '0');
    return v;
}

/* "YYYY-MM-DD" at s (exactly 10 bytes read), a real calendar date from year 1. */
static bool args_date_ok(const char *s)
{
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (!args_digits(s, 4) || s[4] != '-' || !args_digits(s + 5, 2) || s[7] != '-' ||
        !args_digits(s + 8, 2))
        return false;
    int y = args_num(s, 4), m = args_num(s + 5, 2), d = args_num(s + 8, 2);
    if (y < 1 || m < 1 || m > 12 || d < 1)
        return false;
    int max = mdays[m - 1];
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        max = 29;
    return d <= max;
}

static bool args_timestamp_ok(const char *s, size_t len)
{
    if (len < 20 || !args_date_ok(s) || s[10] != 'T' || !args_digits(s + 11, 2) || s[13] != ':' ||
        !args_digits(s + 14, 2) || s[16] != ':' || !args_digits(s + 17, 2))
        return false;
    if (args_num(s + 11, 2) > 23 || args_num(s + 14, 2) > 59 || args_num(s + 17, 2) > 59)
        return false;
    size_t i = 19;
    if (s[i] == '.') {
        size_t start = ++i;
        while (i < len && s[i] >= '0' && s[i] <= '9')
            i++;
        if (i == start || i - start > 9)
            return false;
    }
    return i + 1 == len && s[i] == 'Z';
}

static bool args_uuid_ok(const char *s, size_t len)
{
    if (len != 36)
        return false;
    for (size_t i = 0; i < 36; i++) {
        bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        char c = s[i];
        bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
        if (dash ? c != '-' : !hex)
            return false;
    }
    return true;
}

/* One CIDR "addr/prefix" (or a bare address) with no host bits set. */
static bool args_cidr_ok(const char *s, size_t len, char reason[128])
{
    char buf[64];
    if (len == 0 || len >= sizeof(buf)) {
        ARGS_REASON("must be networks like 10.1.0.0/16");
        return false;
    }
    memcpy(buf, s, len);
    buf[len] = '\0';
    char *slash = strchr(buf, '/');
    int prefix = -1;
    if (slash) {
        *slash = '\0';
        const char *p = slash + 1;
        int n = (int)strlen(p);
        if (n < 1 || n > 3 || !args_digits(p, n)) {
            ARGS_REASON("must be networks like 10.1.0.0/16");
            return false;
        }
        prefix = args_num(p, n);
    }
    unsigned char addr[16];
    int bits;
    if (inet_pton(AF_INET, buf, addr) == 1)
        bits = 32;
    else if (inet_pton(AF_INET6, buf, addr) == 1)
        bits = 128;
    else {
        ARGS_REASON("must be networks like 10.1.0.0/16");
        return false;
    }
    if (prefix < 0)
        prefix = bits;
    if (prefix > bits) {
        ARGS_REASON("network prefix must be at most /%d", bits);
        return false;
    }
    for (int b = prefix; b < bits; b++) {
        if (addr[b / 8] & (0x80 >> (b % 8))) {
            ARGS_REASON("network has bits set right of the /%d prefix", prefix);
            return false;
        }
    }
    return true;
}

static bool args_string(const struct arg_spec *spec, const msgpack_object *o, msgpack_zone *zone,
                        struct arg_val *v, char reason[128])
{
    if (o->type != MSGPACK_OBJECT_STR) {
        ARGS_REASON("must be a string");
        return false;
    }
    const char *s = o->via.str.ptr;
    size_t len = o->via.str.size;
    if (!proto_utf8_valid(s, len)) {
        ARGS_REASON("must be valid UTF-8");
        return false;
    }
    size_t chars = proto_utf8_chars(s, len);
    if ((int64_t)chars < spec->min) {
        if (spec->min == 1)
            ARGS_REASON("must not be empty");
        else
            ARGS_REASON("must be at least %lld characters", (long long)spec->min);
        return false;
    }
    if (spec->max > 0 && (int64_t)chars > spec->max) {
        ARGS_REASON("must be at most %lld characters", (long long)spec->max);
        return false;
    }
    if (spec->type != ARG_SECRET && args_has_control(s, len, spec->type == ARG_TEXT)) {
        ARGS_REASON("must not contain control characters");
        return false;
    }
    v->text = args_zone_strdup(zone, s, len);
    v->len = len;
    return v->text != NULL;
}

static bool args_integer(const struct arg_spec *spec, const msgpack_object *o, msgpack_zone *zone,
                         struct arg_val *v, char reason[128])
{
    char buf[32];
    if (spec->type == ARG_ID) {
        int64_t lo = spec->min < 1 ? 1 : spec->min, hi = spec->max < 1 ? INT64_MAX : spec->max;
        if (o->type != MSGPACK_OBJECT_POSITIVE_INTEGER || o->via.u64 < (uint64_t)lo ||
            o->via.u64 > (uint64_t)hi) {
            ARGS_REASON(o->type == MSGPACK_OBJECT_POSITIVE_INTEGER ||
                                o->type == MSGPACK_OBJECT_NEGATIVE_INTEGER
                            ? "must be an id from %lld to %lld"
                            : "must be an id (a positive whole number)",
                        (long long)lo, (long long)hi);
            return false;
        }
        v->u = o->via.u64;
        snprintf(buf, sizeof(buf), "%llu", (unsigned long long)v->u);
    } else {
        bool pos = o->type == MSGPACK_OBJECT_POSITIVE_INTEGER;
        if (!pos && o->type != MSGPACK_OBJECT_NEGATIVE_INTEGER) {
            ARGS_REASON("must be a whole number");
            return false;
        }
        bool in = pos ? o->via.u64 <= (uint64_t)INT64_MAX && (int64_t)o->via.u64 >= spec->min &&
                            (int64_t)o->via.u64 <= spec->max
                      : o->via.i64 >= spec->min && o->via.i64 <= spec->max;
        if (!in) {
            ARGS_REASON("must be between %lld and %lld", (long long)spec->min,
                        (long long)spec->max);
            return false;
        }
        if (pos) {
            v->u = o->via.u64;
            v->i = (int64_t)o->via.u64;
        } else {
            v->i = o->via.i64;
        }
        snprintf(buf, sizeof(buf), "%lld", (long long)v->i);
    }
    v->len = strlen(buf);
    v->text = args_zone_strdup(zone, buf, v->len);
    return v->text != NULL;
}

static bool args_choice(const struct arg_spec *spec, const msgpack_object *o, msgpack_zone *zone,
                        struct arg_val *v, char reason[128])
{
    if (o->type == MSGPACK_OBJECT_STR) {
        for (const char *const *c = spec->choices; c && *c; c++) {
            if (strlen(*c) == o->via.str.size && memcmp(*c, o->via.str.ptr, o->via.str.size) == 0) {
                v->text = *c;
                v->len = strlen(*c);
                return true;
            }
        }
    }
    size_t n = (size_t)snprintf(reason, 128, "must be one of:");
    for (const char *const *c = spec->choices; c && *c && n < 128; c++)
        n += (size_t)snprintf(reason + n, 128 - n, "%s %s", c == spec->choices ? "" : ",", *c);
    (void)zone;
    return false;
}

/* Validates a string-formatted value (date, timestamp, uuid) and copies it. */
static bool args_formatted(const struct arg_spec *spec, const msgpack_object *o, msgpack_zone *zone,
                           struct arg_val *v, char reason[128])
{
    const char *want = spec->type == ARG_DATE        ? "must be a date YYYY-MM-DD"
                       : spec->type == ARG_TIMESTAMP ? "must be a UTC time YYYY-MM-DDTHH:MM:SSZ"
                                                     : "must be a UUID";
    if (o->type != MSGPACK_OBJECT_STR) {
        ARGS_REASON("%s", want);
        return false;
    }
    const char *s = o->via.str.ptr;
    size_t len = o->via.str.size;
    bool ok = spec->type == ARG_DATE        ? len == 10 && args_date_ok(s)
              : spec->type == ARG_TIMESTAMP ? args_timestamp_ok(s, len)
                                            : args_uuid_ok(s, len);
    if (!ok) {
        ARGS_REASON("%s", want);
        return false;
    }
    v->text = args_zone_strdup(zone, s, len);
    v->len = len;
    return v->text != NULL;
}

/* True when a list of n items is within spec's min..max (max 0: no upper bound); false with
 * the reason otherwise. */
static bool args_count_ok(const struct arg_spec *spec, uint32_t n, char reason[128])
{
    if ((int64_t)n < spec->min || (spec->max > 0 && (int64_t)n > spec->max)) {
        ARGS_REASON("must have %lld to %lld items", (long long)spec->min, (long long)spec->max);
        return false;
    }
    return true;
}

static bool args_list(const struct arg_spec *spec, const msgpack_object *o, msgpack_zone *zone,
                      struct arg_val *v, char reason[128])
{
    bool ids = spec->type == ARG_ID_LIST;
    if (o->type != MSGPACK_OBJECT_ARRAY) {
        ARGS_REASON(ids ? "must be a list of ids" : "must be a list of networks");
        return false;
    }
    uint32_t n = o->via.array.size;
    if (!args_count_ok(spec, n, reason))
        return false;
    size_t cap = 3 + (size_t)n * (ids ? 21 : 64), len = 0;
    char *out = msgpack_zone_malloc(zone, cap);
    if (!out)
        return false;
    out[len++] = '{';
    for (uint32_t i = 0; i < n; i++) {
        const msgpack_object *e = &o->via.array.ptr[i];
        if (i)
            out[len++] = ',';
        if (ids) {
            if (e->type != MSGPACK_OBJECT_POSITIVE_INTEGER || e->via.u64 < 1 ||
                e->via.u64 > (uint64_t)INT64_MAX) {
                ARGS_REASON("must be a list of ids");
                return false;
            }
            len += (size_t)snprintf(out + len, cap - len, "%llu", (unsigned long long)e->via.u64);
        } else {
            if (e->type != MSGPACK_OBJECT_STR) {
                ARGS_REASON("must be a list of networks");
                return false;
            }
            if (!args_cidr_ok(e->via.str.ptr, e->via.str.size, reason))
                return false;
            memcpy(out + len, e->via.str.ptr, e->via.str.size);
            len += e->via.str.size;
        }
    }
    out[len++] = '}';
    out[len] = '\0';
    v->text = out;
    v->len = len;
    return true;
}

/* An array of maps: copied into zone as MessagePack bytes (each map is the handler's to check). */
static bool args_map_list(const struct arg_spec *spec, const msgpack_object *o, msgpack_zone *zone,
                          struct arg_val *v, char reason[128])
{
    if (o->type != MSGPACK_OBJECT_ARRAY) {
        ARGS_REASON("must be a list of maps");
        return false;
    }
    uint32_t n = o->via.array.size;
    if (!args_count_ok(spec, n, reason))
        return false;
    for (uint32_t i = 0; i < n; i++) {
        if (o->via.array.ptr[i].type != MSGPACK_OBJECT_MAP) {
            ARGS_REASON("must be a list of maps (item %u is not)", i + 1);
            return false;
        }
    }
    msgpack_sbuffer sb;
    msgpack_sbuffer_init(&sb);
    msgpack_packer pk;
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    bool ok = msgpack_pack_object(&pk, *o) == 0;
    char *copy = ok ? msgpack_zone_malloc(zone, sb.size + 1) : NULL;
    if (copy) {
        memcpy(copy, sb.data, sb.size);
        copy[sb.size] = '\0';
        v->text = copy;
        v->len = sb.size;
    }
    msgpack_sbuffer_destroy(&sb);
    return copy != NULL;
}

/* Validates one present, non-nil value against spec into *v. */
static bool args_one(const struct arg_spec *spec, const msgpack_object *o, msgpack_zone *zone,
                     struct arg_val *v, char reason[128])
{
    switch (spec->type) {
    case ARG_STR:
    case ARG_TEXT:
    case ARG_SECRET:
        return args_string(spec, o, zone, v, reason);
    case ARG_U64:
    case ARG_I64:
    case ARG_ID:
        return args_integer(spec, o, zone, v, reason);
    case ARG_BOOL:
        if (o->type != MSGPACK_OBJECT_BOOLEAN) {
            ARGS_REASON("must be true or false");
            return false;
        }
        v->b = o->via.boolean;
        v->text = v->b ? "true" : "false";
        v->len = strlen(v->text);
        return true;
    case ARG_ENUM:
        return args_choice(spec, o, zone, v, reason);
    case ARG_DATE:
    case ARG_TIMESTAMP:
    case ARG_UUID:
        return args_formatted(spec, o, zone, v, reason);
    case ARG_ID_LIST:
    case ARG_CIDR_LIST:
        return args_list(spec, o, zone, v, reason);
    case ARG_MAP_LIST:
        return args_map_list(spec, o, zone, v, reason);
    }
    ARGS_REASON("has an unsupported type");
    return false;
}

/* Cuts a UTF-8 sequence left incomplete at the end of s by truncation. */
static void args_utf8_trim(char *s)
{
    size_t len = strlen(s), i = len;
    while (i > 0 && ((unsigned char)s[i - 1] & 0xC0) == 0x80)
        i--;
    if (i == 0)
        return;
    unsigned char lead = (unsigned char)s[i - 1];
    size_t need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
    if (len - (i - 1) < need)
        s[i - 1] = '\0';
}

static void args_set_field(char field[64], const char *name, size_t len)
{
    if (len > 63)
        len = 63;
    memcpy(field, name, len);
    field[len] = '\0';
    args_utf8_trim(field);
}

bool op_args_validate(const struct op *op, const msgpack_object *map, msgpack_zone *zone,
                      struct op_args *out, char field[64], char reason[128])
{
    memset(out, 0, sizeof(*out));
    field[0] = reason[0] = '\0';
    unsigned n = args_count(op);
    if (map && map->type != MSGPACK_OBJECT_MAP) {
        args_set_field(field, "params", 6);
        ARGS_REASON("must be a map of named arguments");
        return false;
    }
    uint32_t npairs = map ? map->via.map.size : 0;
    for (uint32_t i = 0; i < npairs; i++) {
        const msgpack_object_kv *kv = &map->via.map.ptr[i];
        if (kv->key.type != MSGPACK_OBJECT_STR) {
            args_set_field(field, "params", 6);
            ARGS_REASON("argument names must be strings");
            return false;
        }
        const char *name = kv->key.via.str.ptr;
        size_t nlen = kv->key.via.str.size;
        int idx = args_index(op, name, nlen);
        if (idx < 0 || !proto_utf8_valid(name, nlen)) {
            args_set_field(field, name, proto_utf8_valid(name, nlen) ? nlen : 0);
            ARGS_REASON("unknown argument");
            return false;
        }
        const struct arg_spec *spec = (unsigned)idx < n ? &op->args[idx] : &args_implicit_key;
        struct arg_val *v = &out->v[idx];
        args_set_field(field, spec->name, strlen(spec->name));
        if (v->present) {
            ARGS_REASON("is given twice");
            return false;
        }
        if (kv->val.type == MSGPACK_OBJECT_NIL)
            continue;
        if (!args_one(spec, &kv->val, zone, v, reason)) {
            if (!reason[0])
                ARGS_REASON("cannot be stored");
            return false;
        }
        v->present = true;
    }
    for (unsigned i = 0; i < n; i++) {
        if (op->args[i].required && !out->v[i].present) {
            args_set_field(field, op->args[i].name, strlen(op->args[i].name));
            ARGS_REASON("is required");
            return false;
        }
    }
    field[0] = reason[0] = '\0';
    return true;
}

static const struct arg_val args_absent = {false, NULL, 0, 0, 0, false};

const struct arg_val *op_arg(const struct op_ctx *ctx, const char *name)
{
    if (!ctx->op || !ctx->args)
        return &args_absent;
    int idx = args_index(ctx->op, name, strlen(name));
    return idx < 0 ? &args_absent : &ctx->args->v[idx];
}

const char *op_text(const struct op_ctx *ctx, const char *name)
{
    return op_arg(ctx, name)->text;
}

bool op_has(const struct op_ctx *ctx, const char *name)
{
    return op_arg(ctx, name)->present;
}

uint64_t op_u64(const struct op_ctx *ctx, const char *name)
{
    return op_arg(ctx, name)->u;
}

bool op_bool(const struct op_ctx *ctx, const char *name)
{
    return op_arg(ctx, name)->b;
}

int op_fail(struct op_ctx *ctx, enum proto_err code, const char *fmt, ...)
{
    ctx->err = code;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ctx->err_message, sizeof(ctx->err_message), fmt, ap);
    va_end(ap);
    args_utf8_trim(ctx->err_message);
    return -1;
}

int op_invalid(struct op_ctx *ctx, const char *field, const char *reason)
{
    snprintf(ctx->err_field, sizeof(ctx->err_field), "%s", field);
    snprintf(ctx->err_reason, sizeof(ctx->err_reason), "%s", reason);
    args_utf8_trim(ctx->err_field);
    args_utf8_trim(ctx->err_reason);
    return op_fail(ctx, PE_INVALID, "%s %s", field, reason);
}

void op_audit(struct op_ctx *ctx, const char *target, const char *fmt, ...)
{
    snprintf(ctx->audit_target, sizeof(ctx->audit_target), "%s", target ? target : "");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ctx->audit_detail, sizeof(ctx->audit_detail), fmt, ap);
    va_end(ap);
    args_utf8_trim(ctx->audit_target); /* truncation must not leave half a character */
    args_utf8_trim(ctx->audit_detail);
}
