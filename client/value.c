/* value.c - argument values: checked against their schema as the server will check them, and
   packed as typed MessagePack (ids and numbers as integers, lists as arrays). */
#include "value.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <openssl/rand.h>

#include "dates.h"
#include "proto.h"

static int parse_u64(const char *s, uint64_t *v)
{
    if (*s < '0' || *s > '9')
        return -1;
    char *end;
    errno = 0;
    unsigned long long x = strtoull(s, &end, 10);
    if (errno || *end)
        return -1;
    *v = x;
    return 0;
}

static int parse_i64(const char *s, int64_t *v)
{
    if (!((*s >= '0' && *s <= '9') || ((*s == '-' || *s == '+') && s[1] >= '0' && s[1] <= '9')))
        return -1;
    char *end;
    errno = 0;
    long long x = strtoll(s, &end, 10);
    if (errno || *end)
        return -1;
    *v = x;
    return 0;
}

static int parse_bool(const char *s, bool *v)
{
    static const char *const yes[] = {"true", "yes", "on", "1", "t", "y"};
    static const char *const no[] = {"false", "no", "off", "0", "f", "n"};
    for (size_t i = 0; i < 6; i++) {
        if (strcasecmp(s, yes[i]) == 0)
            return *v = true, 0;
        if (strcasecmp(s, no[i]) == 0)
            return *v = false, 0;
    }
    return -1;
}

static int check_range_u(const struct meta_arg *arg, uint64_t v, char *err, size_t errlen)
{
    if ((arg->has_min && arg->min > 0 && v < (uint64_t)arg->min) ||
        (arg->has_max && arg->max > 0 && v > (uint64_t)arg->max)) {
        snprintf(err, errlen, "must be between %lld and %lld", (long long)arg->min,
                 (long long)arg->max);
        return -1;
    }
    return 0;
}

static int check_text(const struct meta_arg *arg, const char *text, char *err, size_t errlen)
{
    size_t len = strlen(text);
    if (!proto_utf8_valid(text, len)) {
        snprintf(err, errlen, "is not valid UTF-8");
        return -1;
    }
    if (arg->type == MT_STR)
        for (const unsigned char *p = (const unsigned char *)text; *p; p++)
            if (*p < 0x20 || *p == 0x7F) {
                snprintf(err, errlen, "must not contain control characters");
                return -1;
            }
    int64_t chars = (int64_t)proto_utf8_chars(text, len);
    if (arg->has_min && arg->min > 0 && chars < arg->min) {
        snprintf(err, errlen, "must be at least %lld characters", (long long)arg->min);
        return -1;
    }
    if (arg->has_max && arg->max > 0 && chars > arg->max) {
        snprintf(err, errlen, "must be at most %lld characters", (long long)arg->max);
        return -1;
    }
    return 0;
}

static int check_date(const char *s, char *err, size_t errlen)
{
    char day[11];
    if (dates_parse_date(s, time(NULL), day) < 0) {
        snprintf(err, errlen, "must be a date YYYY-MM-DD (or today, tomorrow, +3d)");
        return -1;
    }
    return 0;
}

static int check_timestamp(const char *s, char *err, size_t errlen)
{
    char ts[21];
    if (dates_parse_timestamp(s, time(NULL), ts) < 0) {
        snprintf(err, errlen, "must be a time YYYY-MM-DD HH:MM, an RFC 3339 timestamp or now");
        return -1;
    }
    return 0;
}

/* Checks each comma-separated item of a list. */
static int check_list(const struct meta_arg *arg, const char *text, char *err, size_t errlen)
{
    int64_t items = 0;
    const char *p = text;
    while (*p) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        char item[256];
        uint64_t v;
        if (len == 0 || len >= sizeof(item)) {
            snprintf(err, errlen, "has an empty or overlong item");
            return -1;
        }
        memcpy(item, p, len);
        item[len] = '\0';
        if (arg->type == MT_ID_LIST && (parse_u64(item, &v) < 0 || v == 0)) {
            snprintf(err, errlen, "must be a comma-separated list of ids");
            return -1;
        }
        items++;
        p += len + (comma ? 1 : 0);
    }
    if ((arg->has_min && items < arg->min) || (arg->has_max && arg->max > 0 && items > arg->max)) {
        snprintf(err, errlen, "must have %lld to %lld items", (long long)arg->min,
                 (long long)arg->max);
        return -1;
    }
    return 0;
}

int value_check(const struct meta_arg *arg, const char *text, char *err, size_t errlen)
{
    uint64_t u;
    int64_t i;
    bool b;

    switch (arg->type) {
    case MT_U64:
    case MT_ID:
        if (parse_u64(text, &u) < 0 || (arg->type == MT_ID && u == 0)) {
            snprintf(err, errlen,
                     arg->type == MT_ID ? "must be an id (a positive number)"
                                        : "must be a whole number");
            return -1;
        }
        return check_range_u(arg, u, err, errlen);
    case MT_I64:
        if (parse_i64(text, &i) < 0) {
            snprintf(err, errlen, "must be a whole number");
            return -1;
        }
        if ((arg->has_min && i < arg->min) || (arg->has_max && i > arg->max)) {
            snprintf(err, errlen, "must be between %lld and %lld", (long long)arg->min,
                     (long long)arg->max);
            return -1;
        }
        return 0;
    case MT_BOOL:
        if (parse_bool(text, &b) < 0) {
            snprintf(err, errlen, "must be true or false");
            return -1;
        }
        return 0;
    case MT_ENUM:
        for (size_t k = 0; k < arg->nchoices; k++)
            if (strcmp(text, arg->choices[k]) == 0)
                return 0;
        {
            size_t off = (size_t)snprintf(err, errlen, "must be one of");
            for (size_t k = 0; k < arg->nchoices && off < errlen; k++)
                off += (size_t)snprintf(err + off, errlen - off, "%s %s", k ? "," : "",
                                        arg->choices[k]);
        }
        return -1;
    case MT_DATE:
        return check_date(text, err, errlen);
    case MT_TIMESTAMP:
        return check_timestamp(text, err, errlen);
    case MT_ID_LIST:
    case MT_CIDR_LIST:
        return check_list(arg, text, err, errlen);
    default:
        return check_text(arg, text, err, errlen);
    }
}

/* ---- packing ---- */

void value_uuid(char out[37])
{
    unsigned char b[16];
    if (RAND_bytes(b, sizeof(b)) != 1) {
        /* RAND_bytes failing means no entropy at all: a fixed key would be wrong, so abort */
        abort();
    }
    b[6] = (unsigned char)((b[6] & 0x0F) | 0x40);
    b[8] = (unsigned char)((b[8] & 0x3F) | 0x80);
    snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0],
             b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13],
             b[14], b[15]);
}

static void pack_list(msgpack_packer *pk, const struct meta_arg *arg, const char *text)
{
    uint32_t items = 0;
    for (const char *p = text; *p; p++)
        items += *p == ',';
    msgpack_pack_array(pk, *text ? items + 1 : 0);
    const char *p = text;
    while (*p) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        if (arg->type == MT_ID_LIST)
            msgpack_pack_uint64(pk, strtoull(p, NULL, 10));
        else
            proto_pack_strn(pk, p, len);
        p += len + (comma ? 1 : 0);
    }
}

void value_pack(msgpack_packer *pk, const struct meta_arg *arg, const char *text)
{
    bool b = false;
    int64_t i = 0;
    switch (arg->type) {
    case MT_U64:
    case MT_ID:
        msgpack_pack_uint64(pk, strtoull(text, NULL, 10));
        break;
    case MT_I64:
        parse_i64(text, &i);
        msgpack_pack_int64(pk, i);
        break;
    case MT_BOOL:
        parse_bool(text, &b);
        if (b)
            msgpack_pack_true(pk);
        else
            msgpack_pack_false(pk);
        break;
    case MT_ID_LIST:
    case MT_CIDR_LIST:
        pack_list(pk, arg, text);
        break;
    case MT_DATE: {
        char day[11];
        proto_pack_cstr(pk, dates_parse_date(text, time(NULL), day) == 0 ? day : text);
        break;
    }
    case MT_TIMESTAMP: {
        char ts[21];
        proto_pack_cstr(pk, dates_parse_timestamp(text, time(NULL), ts) == 0 ? ts : text);
        break;
    }
    default:
        proto_pack_cstr(pk, text);
        break;
    }
}
