/* A small, bounded JSON reader that re-encodes event payloads as MessagePack (notify.h). */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "notify.h"

#define JSON_MAX_DEPTH 16

struct jp {
    const char *s;
    size_t len, pos;
    unsigned depth;
};

static void jp_ws(struct jp *p)
{
    while (p->pos < p->len && (p->s[p->pos] == ' ' || p->s[p->pos] == '\t' ||
                               p->s[p->pos] == '\n' || p->s[p->pos] == '\r'))
        p->pos++;
}

static bool jp_lit(struct jp *p, const char *lit)
{
    size_t n = strlen(lit);
    if (p->len - p->pos < n || memcmp(p->s + p->pos, lit, n) != 0)
        return false;
    p->pos += n;
    return true;
}

static int jp_hex4(struct jp *p, unsigned *out)
{
    if (p->len - p->pos < 4)
        return -1;
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        char c = p->s[p->pos++];
        v <<= 4;
        if (c >= '0' && c <= '9')
            v |= (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f')
            v |= (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            v |= (unsigned)(c - 'A' + 10);
        else
            return -1;
    }
    *out = v;
    return 0;
}

static size_t jp_utf8(unsigned cp, char out[4])
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* One escape after the backslash into out; returns bytes written or 0 on error. */
static size_t jp_escape(struct jp *p, char out[4])
{
    if (p->pos >= p->len)
        return 0;
    char c = p->s[p->pos++];
    static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
    const char *k = strchr(from, c);
    if (k && c) {
        out[0] = to[k - from];
        return 1;
    }
    unsigned cp;
    if (c != 'u' || jp_hex4(p, &cp) < 0)
        return 0;
    if (cp >= 0xD800 && cp <= 0xDBFF) {
        unsigned lo;
        if (!jp_lit(p, "\\u") || jp_hex4(p, &lo) < 0 || lo < 0xDC00 || lo > 0xDFFF)
            return 0;
        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
    } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
        return 0;
    }
    return jp_utf8(cp, out);
}

/* A string (p at the opening quote) into a malloc'd buffer; NULL on error. */
static char *jp_string(struct jp *p, size_t *outlen)
{
    if (!jp_lit(p, "\""))
        return NULL;
    char *buf = malloc(p->len - p->pos + 1);
    size_t n = 0;
    while (buf && p->pos < p->len) {
        char c = p->s[p->pos++];
        if (c == '"') {
            *outlen = n;
            return buf;
        }
        if ((unsigned char)c < 0x20)
            break;
        if (c == '\\') {
            char tmp[4];
            size_t k = jp_escape(p, tmp);
            if (k == 0)
                break;
            memcpy(buf + n, tmp, k);
            n += k;
        } else {
            buf[n++] = c;
        }
    }
    free(buf);
    return NULL;
}

static int jp_number(struct jp *p, msgpack_packer *pk)
{
    size_t start = p->pos;
    bool integer = true;
    if (p->pos < p->len && p->s[p->pos] == '-')
        p->pos++;
    while (p->pos < p->len && strchr("0123456789.eE+-", p->s[p->pos]) && p->s[p->pos]) {
        if (strchr(".eE", p->s[p->pos]))
            integer = false;
        p->pos++;
    }
    char buf[64];
    size_t n = p->pos - start;
    if (n == 0 || n >= sizeof(buf))
        return -1;
    memcpy(buf, p->s + start, n);
    buf[n] = '\0';
    char *end = NULL;
    if (integer && buf[0] == '-') {
        long long v = strtoll(buf, &end, 10);
        msgpack_pack_int64(pk, v);
    } else if (integer) {
        unsigned long long v = strtoull(buf, &end, 10);
        msgpack_pack_uint64(pk, v);
    } else {
        double d = strtod(buf, &end);
        msgpack_pack_double(pk, d);
    }
    return end && *end == '\0' ? 0 : -1;
}

static int jp_value(struct jp *p, msgpack_packer *pk, uint64_t *user_id);

/* Packs the children of an array or object into a scratch buffer first, to know their count. */
static int jp_container(struct jp *p, msgpack_packer *pk, bool object, uint64_t *user_id)
{
    if (++p->depth > JSON_MAX_DEPTH)
        return -1;
    p->pos++; /* [ or { */
    msgpack_sbuffer sb;
    msgpack_sbuffer_init(&sb);
    msgpack_packer inner;
    msgpack_packer_init(&inner, &sb, msgpack_sbuffer_write);
    uint32_t count = 0;
    int rc = -1;
    jp_ws(p);
    if (jp_lit(p, object ? "}" : "]")) {
        rc = 0;
        goto done;
    }
    for (;;) {
        jp_ws(p);
        if (object) {
            size_t klen = 0;
            char *key = jp_string(p, &klen);
            jp_ws(p);
            if (!key || !jp_lit(p, ":")) {
                free(key);
                goto done;
            }
            jp_ws(p);
            bool route = user_id && p->depth == 1 && klen == 7 && memcmp(key, "user_id", 7) == 0;
            if (route) {
                free(key);
                uint64_t v = 0;
                size_t digits = 0;
                for (; p->pos < p->len && p->s[p->pos] >= '0' && p->s[p->pos] <= '9'; p->pos++)
                    if (++digits <= 19)
                        v = v * 10 + (uint64_t)(p->s[p->pos] - '0');
                if (digits == 0 || digits > 19)
                    goto done;
                *user_id = v;
            } else {
                msgpack_pack_str(&inner, klen);
                msgpack_pack_str_body(&inner, key, klen);
                free(key);
                if (jp_value(p, &inner, NULL) < 0)
                    goto done;
                count++;
            }
        } else {
            if (jp_value(p, &inner, NULL) < 0)
                goto done;
            count++;
        }
        jp_ws(p);
        if (jp_lit(p, ","))
            continue;
        if (jp_lit(p, object ? "}" : "]")) {
            rc = 0;
            break;
        }
        goto done;
    }
done:
    if (rc == 0) {
        if (object)
            msgpack_pack_map(pk, count);
        else
            msgpack_pack_array(pk, count);
        if (sb.size)
            pk->callback(pk->data, sb.data, sb.size);
    }
    msgpack_sbuffer_destroy(&sb);
    p->depth--;
    return rc;
}

static int jp_value(struct jp *p, msgpack_packer *pk, uint64_t *user_id)
{
    jp_ws(p);
    if (p->pos >= p->len)
        return -1;
    char c = p->s[p->pos];
    if (c == '{' || c == '[')
        return jp_container(p, pk, c == '{', user_id);
    if (c == '"') {
        size_t n = 0;
        char *s = jp_string(p, &n);
        if (!s)
            return -1;
        msgpack_pack_str(pk, n);
        msgpack_pack_str_body(pk, s, n);
        free(s);
        return 0;
    }
    if (jp_lit(p, "true"))
        return msgpack_pack_true(pk), 0;
    if (jp_lit(p, "false"))
        return msgpack_pack_false(pk), 0;
    if (jp_lit(p, "null"))
        return msgpack_pack_nil(pk), 0;
    return jp_number(p, pk);
}

int notify_json_to_msgpack(const char *json, size_t len, msgpack_packer *pk, uint64_t *user_id)
{
    struct jp p = {json, len, 0, 0};
    *user_id = 0;
    jp_ws(&p);
    if (p.pos >= p.len || json[p.pos] != '{')
        return -1;
    if (jp_value(&p, pk, user_id) < 0)
        return -1;
    jp_ws(&p);
    return p.pos == p.len ? 0 : -1;
}
