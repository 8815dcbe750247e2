/*
 * op_page.c - the handler kit's lists: rows packed as maps (with "a.b" columns nested), pages
 * of a keyset-paged list and their opaque cursors, the limit argument.
 */
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "op_util.h"

#define CURSOR_TEXT_MAX 80

/* Length of the "a" of a column named "a.b", or 0 when the name has no dot. */
static size_t prefix_len(const char *name)
{
    const char *dot = strchr(name, '.');
    return dot ? (size_t)(dot - name) : 0;
}

static bool same_prefix(const char *a, const char *b)
{
    size_t la = prefix_len(a);
    return la > 0 && la == prefix_len(b) && memcmp(a, b, la) == 0;
}

/* Whether column c of row is packed: not handler-private, and not NULL when skip_null. */
static bool col_packed(const PGresult *res, int row, int c, bool skip_null)
{
    return PQfname(res, c)[0] != '_' && !(skip_null && PQgetisnull(res, row, c));
}

/* End of the run of "a.b" columns that starts at c (c + 1 for a plain column), and whether any
 * of them is packed. */
static int col_group(const PGresult *res, int row, int c, bool skip_null, bool *any)
{
    int end = c + 1, ncols = PQnfields(res);
    if (prefix_len(PQfname(res, c)) > 0)
        while (end < ncols && same_prefix(PQfname(res, c), PQfname(res, end)))
            end++;
    *any = false;
    for (int k = c; k < end; k++)
        *any = *any || col_packed(res, row, k, skip_null);
    return end;
}

/* Packs row `row` as opu_pack_row does; with skip_null, leaves out NULL columns (and a nested
 * map whose columns are all NULL). */
static void pack_row(msgpack_packer *pk, const PGresult *res, int row, bool skip_null,
                     uint32_t extra)
{
    int ncols = PQnfields(res);
    uint32_t keys = extra;
    bool any;
    for (int c = 0; c < ncols;) {
        int end = col_group(res, row, c, skip_null, &any);
        keys += any;
        c = end;
    }
    msgpack_pack_map(pk, keys);
    for (int c = 0; c < ncols;) {
        const char *name = PQfname(res, c);
        size_t pl = prefix_len(name);
        int end = col_group(res, row, c, skip_null, &any);
        if (!any) {
            c = end;
        } else if (pl == 0) {
            proto_pack_cstr(pk, name);
            db_pack_value(pk, res, row, c++);
        } else {
            uint32_t inner = 0;
            for (int k = c; k < end; k++)
                inner += col_packed(res, row, k, skip_null);
            proto_pack_strn(pk, name, pl);
            msgpack_pack_map(pk, inner);
            for (; c < end; c++) {
                if (!col_packed(res, row, c, skip_null))
                    continue;
                proto_pack_cstr(pk, PQfname(res, c) + pl + 1);
                db_pack_value(pk, res, row, c);
            }
        }
    }
}

void opu_pack_row(msgpack_packer *pk, const PGresult *res, int row)
{
    pack_row(pk, res, row, false, 0);
}

void opu_pack_row_extra(msgpack_packer *pk, const PGresult *res, int row, uint32_t extra)
{
    pack_row(pk, res, row, false, extra);
}

void opu_pack_row_present(msgpack_packer *pk, const PGresult *res, int row)
{
    pack_row(pk, res, row, true, 0);
}

static const char b64url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* base64url without padding of s into out (size >= 4 * len / 3 + 4). */
static void b64_encode(const char *s, size_t len, char *out)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t o = 0, i = 0;
    for (; i + 2 < len; i += 3) {
        uint32_t v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 | p[i + 2];
        out[o++] = b64url[v >> 18 & 63];
        out[o++] = b64url[v >> 12 & 63];
        out[o++] = b64url[v >> 6 & 63];
        out[o++] = b64url[v & 63];
    }
    if (i < len) {
        uint32_t v = (uint32_t)p[i] << 16 | (i + 1 < len ? (uint32_t)p[i + 1] << 8 : 0);
        out[o++] = b64url[v >> 18 & 63];
        out[o++] = b64url[v >> 12 & 63];
        if (i + 1 < len)
            out[o++] = b64url[v >> 6 & 63];
    }
    out[o] = '\0';
}

/* Decodes base64url s into out (outlen bytes, NUL-ended); false on a bad character or size. */
static bool b64_decode(const char *s, char *out, size_t outlen)
{
    size_t o = 0;
    uint32_t acc = 0;
    int bits = 0;
    for (; *s; s++) {
        const char *q = strchr(b64url, *s);
        if (!q || *s == '\0')
            return false;
        acc = acc << 6 | (uint32_t)(q - b64url);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            if (o + 1 >= outlen)
                return false;
            out[o++] = (char)(acc >> bits & 0xff);
        }
    }
    out[o] = '\0';
    return true;
}

void opu_pack_keyset_page(msgpack_packer *pk, const PGresult *res, int limit)
{
    int row = opu_pack_page_items(pk, res, limit, opu_pack_row);
    const char *last = row >= 0 ? db_get(res, row, "_cursor") : NULL;
    if (last && strlen(last) <= CURSOR_TEXT_MAX) {
        char enc[CURSOR_TEXT_MAX * 2];
        b64_encode(last, strlen(last), enc);
        proto_pack_cstr(pk, enc);
    } else {
        msgpack_pack_nil(pk);
    }
}

int opu_cursor(struct op_ctx *ctx, char kind, int64_t out[2])
{
    const char *c = op_text(ctx, "cursor");
    if (!c)
        return 0;
    char text[CURSOR_TEXT_MAX + 1];
    if (!b64_decode(c, text, sizeof text) || text[0] != kind || text[1] != ',')
        return op_invalid(ctx, "cursor", "is not a cursor of this list");
    int n = 0;
    const char *p = text + 2;
    while (n < 2 && *p) {
        char *end;
        long long v = strtoll(p, &end, 10);
        if (end == p || (*end != ',' && *end != '\0') || v < 0 || v == LLONG_MAX)
            return op_invalid(ctx, "cursor", "is not a cursor of this list");
        out[n++] = v;
        p = *end ? end + 1 : end;
    }
    if (*p || n == 0)
        return op_invalid(ctx, "cursor", "is not a cursor of this list");
    return n;
}

int opu_limit(const struct op_ctx *ctx)
{
    return op_has(ctx, "limit") ? (int)op_u64(ctx, "limit") : OPU_PAGE_DEFAULT;
}

int opu_cursor_one(struct op_ctx *ctx, char kind, char out[24])
{
    int64_t cur[2];
    int n = opu_cursor(ctx, kind, cur);
    if (n < 0)
        return -1;
    if (n > 1)
        return op_invalid(ctx, "cursor", "is not a cursor of this list");
    if (n == 1)
        snprintf(out, 24, "%lld", (long long)cur[0]);
    return n;
}
