/*
 * frame.c - length-prefixed framing: a 4-byte big-endian length, then one MessagePack value.
 */
#include <string.h>

#include "proto.h"

enum proto_frame_status proto_frame_check(const uint8_t *buf, size_t len, uint32_t max_frame,
                                          uint32_t *payload_len)
{
    if (payload_len != NULL)
        *payload_len = 0;
    if (buf == NULL || len < PROTO_HEADER_SIZE)
        return PROTO_FRAME_NEED_MORE;
    uint32_t n = ((uint32_t)buf[0] << 24) | ((uint32_t)buf[1] << 16) | ((uint32_t)buf[2] << 8) |
                 (uint32_t)buf[3];
    if (payload_len != NULL)
        *payload_len = n;
    if (n == 0 || n > max_frame)
        return PROTO_FRAME_TOO_LARGE;
    if (len - PROTO_HEADER_SIZE < n)
        return PROTO_FRAME_NEED_MORE;
    return PROTO_FRAME_READY;
}

void proto_frame_put_header(uint8_t out[PROTO_HEADER_SIZE], uint32_t payload_len)
{
    out[0] = (uint8_t)(payload_len >> 24);
    out[1] = (uint8_t)(payload_len >> 16);
    out[2] = (uint8_t)(payload_len >> 8);
    out[3] = (uint8_t)payload_len;
}

size_t proto_frame_begin(msgpack_sbuffer *sb)
{
    static const char zero[PROTO_HEADER_SIZE] = {0};
    size_t start = sb->size;
    msgpack_sbuffer_write(sb, zero, sizeof zero);
    return start;
}

void proto_frame_end(msgpack_sbuffer *sb, size_t start)
{
    if (sb->data == NULL || start + PROTO_HEADER_SIZE > sb->size)
        return;
    size_t n = sb->size - start - PROTO_HEADER_SIZE;
    proto_frame_put_header((uint8_t *)sb->data + start, n > UINT32_MAX ? UINT32_MAX : (uint32_t)n);
}
