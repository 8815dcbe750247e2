/*
 * prescan.c - the allocation-free walk that every frame passes before msgpack-c sees it.
 *
 * msgpack-c allocates count * sizeof(msgpack_object) as soon as it reads an array or map
 * header, so a few bytes could ask for gigabytes. This walker checks one value with an
 * explicit stack of counters: declared counts and lengths must fit in the bytes left,
 * nesting and the number of values are bounded, and nothing may follow the value.
 */
#include "proto.h"

/* Never deeper than msgpack-c's own unpack stack, whatever the caller asks for. */
#define SCAN_STACK_MAX 32

/* What the header of one value says about it. */
struct item {
    size_t head;       /* header bytes, including the marker byte */
    uint64_t payload;  /* str/bin/ext/scalar bytes after the header */
    uint64_t children; /* array: items; map: 2 * entries */
    bool container;
    bool sized; /* payload length was declared in the header (str/bin/ext), not fixed */
};

/* Reads a big-endian unsigned integer of n bytes (1, 2 or 4) at p. */
static uint64_t be_read(const uint8_t *p, size_t n)
{
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++)
        v = (v << 8) | p[i];
    return v;
}

/* Fixed-size forms: header 1 byte, then the payload. Returns false if b is not one. */
static bool classify_fixed(uint8_t b, struct item *it)
{
    static const uint8_t fixed_len[] = {
        /* 0xca float32 */ 4,
        /* 0xcb float64 */ 8,
        /* 0xcc..0xcf uint8..64 */ 1,
        2,
        4,
        8,
        /* 0xd0..0xd3 int8..64 */ 1,
        2,
        4,
        8,
        /* 0xd4..0xd8 fixext 1..16, plus the type byte */ 2,
        3,
        5,
        9,
        17,
    };
    if (b >= 0xca && b <= 0xd8) {
        it->head = 1;
        it->payload = fixed_len[b - 0xca];
        return true;
    }
    if (b <= 0x7f || b >= 0xe0 || b == 0xc0 || b == 0xc2 || b == 0xc3) {
        it->head = 1;
        return true;
    }
    return false;
}

/* Size and kind of the value whose marker byte is b, for forms with a length field.
 * lenbytes is the width of that field; extra is bytes after it that belong to the header. */
static void classify_sized(uint8_t b, size_t *lenbytes, size_t *extra, bool *container,
                           unsigned *per_entry)
{
    *extra = 0;
    *container = false;
    *per_entry = 1;
    switch (b) {
    case 0xc4: /* bin8 */
    case 0xd9: /* str8 */
        *lenbytes = 1;
        break;
    case 0xc5: /* bin16 */
    case 0xda: /* str16 */
        *lenbytes = 2;
        break;
    case 0xc6: /* bin32 */
    case 0xdb: /* str32 */
        *lenbytes = 4;
        break;
    case 0xc7: /* ext8: length, then type */
        *lenbytes = 1;
        *extra = 1;
        break;
    case 0xc8: /* ext16 */
        *lenbytes = 2;
        *extra = 1;
        break;
    case 0xc9: /* ext32 */
        *lenbytes = 4;
        *extra = 1;
        break;
    case 0xdc: /* array16 */
    case 0xde: /* map16 */
        *lenbytes = 2;
        *container = true;
        *per_entry = b == 0xde ? 2 : 1;
        break;
    default: /* 0xdd array32, 0xdf map32 */
        *lenbytes = 4;
        *container = true;
        *per_entry = b == 0xdf ? 2 : 1;
        break;
    }
}

/* Decodes the header of the value starting at buf[0..left). */
static enum proto_scan_status read_item(const uint8_t *buf, size_t left, struct item *it)
{
    *it = (struct item){0};
    uint8_t b = buf[0];
    if (b == 0xc1)
        return PROTO_SCAN_BAD_BYTE;
    if (b >= 0x80 && b <= 0x9f) { /* fixmap, fixarray */
        it->head = 1;
        it->container = true;
        it->children = b <= 0x8f ? 2u * (b & 0x0fu) : (b & 0x0fu);
        return PROTO_SCAN_OK;
    }
    if (b >= 0xa0 && b <= 0xbf) { /* fixstr */
        it->head = 1;
        it->payload = b & 0x1fu;
        it->sized = true;
        return PROTO_SCAN_OK;
    }
    if (classify_fixed(b, it))
        return PROTO_SCAN_OK;

    size_t lenbytes, extra;
    bool container;
    unsigned per_entry;
    classify_sized(b, &lenbytes, &extra, &container, &per_entry);
    it->head = 1 + lenbytes + extra;
    if (left < it->head)
        return PROTO_SCAN_TRUNCATED;
    uint64_t n = be_read(buf + 1, lenbytes);
    if (container) {
        it->container = true;
        it->children = n * per_entry;
    } else {
        it->payload = n;
        it->sized = true;
    }
    return PROTO_SCAN_OK;
}

enum proto_scan_status proto_prescan(const uint8_t *buf, size_t len,
                                     const struct proto_limits *limits)
{
    unsigned max_depth = limits != NULL ? limits->max_depth : PROTO_MAX_DEPTH;
    uint32_t max_values = limits != NULL ? limits->max_values : PROTO_MAX_VALUES;
    if (max_depth > SCAN_STACK_MAX)
        max_depth = SCAN_STACK_MAX;

    uint64_t todo[SCAN_STACK_MAX]; /* per open container: values not yet started */
    unsigned depth = 0;
    uint64_t owed = 0; /* values that must still start after the current one, all levels */
    uint64_t values = 0;
    size_t pos = 0;

    if (buf == NULL && len > 0)
        return PROTO_SCAN_TRUNCATED;
    for (;;) {
        if (depth > 0) {
            todo[depth - 1]--;
            owed--;
        }
        if (++values > max_values)
            return PROTO_SCAN_TOO_MANY;
        if (pos >= len)
            return PROTO_SCAN_TRUNCATED;

        struct item it;
        enum proto_scan_status st = read_item(buf + pos, len - pos, &it);
        if (st != PROTO_SCAN_OK)
            return st;
        if (len - pos < it.head)
            return PROTO_SCAN_TRUNCATED;
        pos += it.head;
        size_t left = len - pos;

        if (it.container) {
            /* every child needs at least one byte, and so does every value still owed */
            if (owed + it.children > left)
                return PROTO_SCAN_COUNT;
            if (depth >= max_depth)
                return PROTO_SCAN_DEPTH;
            if (it.children > 0) {
                todo[depth++] = it.children;
                owed += it.children;
                continue;
            }
        } else {
            if (it.payload > left)
                return it.sized ? PROTO_SCAN_COUNT : PROTO_SCAN_TRUNCATED;
            if (it.sized && owed > left - it.payload)
                return PROTO_SCAN_COUNT;
            pos += (size_t)it.payload;
        }

        /* the value is complete: close every container whose last value this was */
        while (depth > 0 && todo[depth - 1] == 0)
            depth--;
        if (depth == 0)
            break;
    }
    return pos == len ? PROTO_SCAN_OK : PROTO_SCAN_TRAILING;
}

const char *proto_scan_reason(enum proto_scan_status s)
{
    switch (s) {
    case PROTO_SCAN_OK:
        return "well-formed";
    case PROTO_SCAN_TRUNCATED:
        return "truncated MessagePack value";
    case PROTO_SCAN_TRAILING:
        return "trailing bytes after the MessagePack value";
    case PROTO_SCAN_COUNT:
        return "declared length larger than the frame";
    case PROTO_SCAN_DEPTH:
        return "nesting too deep";
    case PROTO_SCAN_TOO_MANY:
        return "too many values in one frame";
    case PROTO_SCAN_BAD_BYTE:
        return "invalid MessagePack byte 0xc1";
    }
    return "malformed MessagePack";
}
