/*
 * proto.h - the Agency Desk wire protocol: framing, the allocation-free pre-scan,
 * MessagePack-RPC messages, error codes and bounds-checked accessors.
 *
 * Used by agencyd, agency and agency-bench. See protocol/PROTOCOL.md for the spec.
 */
#ifndef AGENCY_PROTO_H
#define AGENCY_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <msgpack.h>

#define PROTO_VERSION 1
#define PROTO_HEADER_SIZE 4
#define PROTO_MAX_FRAME_DEFAULT (1024u * 1024u) /* after login */
#define PROTO_MAX_FRAME_PRELOGIN 4096u          /* before login */
#define PROTO_MAX_DEPTH 16                      /* nesting levels of arrays/maps */
#define PROTO_MAX_VALUES 65536u                 /* values in one frame, all levels */

/* ---- error codes (stable names on the wire) ---- */

enum proto_err {
    PE_OK = 0,
    PE_BAD_REQUEST,
    PE_UNSUPPORTED_VERSION,
    PE_UNAUTHENTICATED,
    PE_FORBIDDEN,
    PE_NOT_FOUND,
    PE_INVALID,
    PE_CONFLICT,
    PE_DUPLICATE,
    PE_LOCKED,
    PE_RATE_LIMITED,
    PE_TOO_LARGE,
    PE_UNAVAILABLE,
    PE_INTERNAL,
    PE__COUNT
};

/* The wire name of an error code ("bad_request", ...); "internal" for out-of-range values. */
const char *proto_err_name(enum proto_err e);
/* Parses a wire name; returns PE_INTERNAL for unknown names (and sets *known=false if non-NULL). */
enum proto_err proto_err_from_name(const char *s, size_t len, bool *known);

/* ---- framing ---- */

enum proto_frame_status {
    PROTO_FRAME_NEED_MORE = 0, /* fewer than 4 + N bytes buffered */
    PROTO_FRAME_READY = 1,     /* a whole frame: *payload_len bytes follow the header */
    PROTO_FRAME_TOO_LARGE = -1 /* N == 0 or N > max_frame: answer too_large and close */
};

/*
 * Looks at the first bytes of buf. Never reads past len.
 * On READY, the payload is buf[4 .. 4 + *payload_len).
 * On NEED_MORE with len >= 4, *payload_len is set so the caller can size its buffer.
 */
enum proto_frame_status proto_frame_check(const uint8_t *buf, size_t len, uint32_t max_frame,
                                          uint32_t *payload_len);

/* Writes the 4-byte big-endian length header. */
void proto_frame_put_header(uint8_t out[PROTO_HEADER_SIZE], uint32_t payload_len);

/* ---- pre-scan ---- */

struct proto_limits {
    unsigned max_depth;  /* PROTO_MAX_DEPTH */
    uint32_t max_values; /* PROTO_MAX_VALUES */
};

enum proto_scan_status {
    PROTO_SCAN_OK = 0,
    PROTO_SCAN_TRUNCATED,   /* the value does not fit in the bytes given */
    PROTO_SCAN_TRAILING,    /* bytes left after exactly one value */
    PROTO_SCAN_COUNT,       /* an array/map/str/bin/ext declares more than the bytes left */
    PROTO_SCAN_DEPTH,       /* nesting deeper than max_depth */
    PROTO_SCAN_TOO_MANY,    /* more than max_values values */
    PROTO_SCAN_BAD_BYTE     /* 0xc1 (never used) */
};

/*
 * Walks exactly one MessagePack value in buf[0..len) without allocating and checks it
 * against limits (NULL means the defaults above). Only a frame that passes may be given
 * to msgpack-c. Returns PROTO_SCAN_OK or the first problem found.
 */
enum proto_scan_status proto_prescan(const uint8_t *buf, size_t len,
                                     const struct proto_limits *limits);
/* A short English description of a scan status, for error messages. */
const char *proto_scan_reason(enum proto_scan_status s);

/* ---- messages ---- */

enum proto_msg_type { PROTO_REQUEST = 0, PROTO_RESPONSE = 1, PROTO_NOTIFY = 2 };

/*
 * A decoded message. Pointers refer into the msgpack zone given to proto_decode
 * (and through it into the frame bytes): they live as long as both.
 */
struct proto_msg {
    enum proto_msg_type type;
    uint32_t msgid;             /* request, response */
    const char *method;         /* request: method name; notify: event name (not NUL-ended) */
    uint32_t method_len;
    const msgpack_object *args; /* request: the params map (MAP), or NULL if params == [] */
    const msgpack_object *error;  /* response: error map or NULL */
    const msgpack_object *result; /* response: result or NULL when error is set */
};

/*
 * Pre-scans and decodes one frame payload into *out using zone for storage.
 * Returns PE_OK, PE_BAD_REQUEST (with a reason in *why: static string) when the bytes are
 * not one well-formed MessagePack-RPC message, or PE_INTERNAL if the zone ran out of memory.
 * A request's params must be [] or [map]; every map key must be a string, unique in its map.
 * A request whose msgid is readable but whose other parts are wrong still sets out->msgid
 * and *msgid_known = true, so the answer can carry it.
 */
enum proto_err proto_decode(const uint8_t *payload, size_t len, msgpack_zone *zone,
                            struct proto_msg *out, bool *msgid_known, const char **why);

/* ---- encoding: frames built in a msgpack_sbuffer ---- */

/* Starts a frame: reserves the 4-byte header. Returns the offset to give proto_frame_end. */
size_t proto_frame_begin(msgpack_sbuffer *sb);
/* Finishes the frame that started at offset start: writes its length header. */
void proto_frame_end(msgpack_sbuffer *sb, size_t start);

/* [0, msgid, method, [ ...: caller then packs exactly one map (the arguments). */
void proto_pack_request_head(msgpack_packer *pk, uint32_t msgid, const char *method);
/* [1, msgid, nil, ...: caller then packs exactly one value (the result). */
void proto_pack_result_head(msgpack_packer *pk, uint32_t msgid);
/* [1, msgid, {code, message, ...extra}, nil]: packs the whole response when extra_pairs == 0;
 * otherwise the caller packs extra_pairs key/value pairs and then calls proto_pack_error_end. */
void proto_pack_error_head(msgpack_packer *pk, uint32_t msgid, enum proto_err code,
                           const char *message, uint32_t extra_pairs);
void proto_pack_error_end(msgpack_packer *pk);
/* [2, "event", [ ...: caller then packs exactly one map holding at least "kind". */
void proto_pack_notify_head(msgpack_packer *pk);

/* Small packing helpers: NUL-ended strings; a NULL string packs nil. */
void proto_pack_cstr(msgpack_packer *pk, const char *s);
void proto_pack_strn(msgpack_packer *pk, const char *s, size_t len);
void proto_kv_str(msgpack_packer *pk, const char *key, const char *val);
void proto_kv_strn(msgpack_packer *pk, const char *key, const char *val, size_t len);
void proto_kv_u64(msgpack_packer *pk, const char *key, uint64_t val);
void proto_kv_i64(msgpack_packer *pk, const char *key, int64_t val);
void proto_kv_bool(msgpack_packer *pk, const char *key, bool val);
void proto_kv_nil(msgpack_packer *pk, const char *key);

/* ---- bounds-checked accessors over decoded objects ---- */

enum proto_get {
    PG_OK = 0,
    PG_MISSING,  /* key absent, or present with nil */
    PG_TYPE,     /* present with another type */
    PG_RANGE     /* right type, out of the given limits */
};

/* Looks up key in a MAP object; NULL if obj is not a map or the key is absent. */
const msgpack_object *proto_map_get(const msgpack_object *map, const char *key);

/* Reads a string (not NUL-ended; *s points into the zone). max_len counts bytes; 0 = no limit.
 * The bytes are not checked for UTF-8 here: use proto_utf8_valid. */
enum proto_get proto_get_str(const msgpack_object *map, const char *key, const char **s,
                             size_t *len, size_t max_len);
/* Reads a non-negative integer within [min, max]; a negative integer is PG_RANGE. */
enum proto_get proto_get_u64(const msgpack_object *map, const char *key, uint64_t *v,
                             uint64_t min, uint64_t max);
/* Reads a signed integer within [min, max]. */
enum proto_get proto_get_i64(const msgpack_object *map, const char *key, int64_t *v,
                             int64_t min, int64_t max);
enum proto_get proto_get_bool(const msgpack_object *map, const char *key, bool *v);
/* Reads an array; *arr points to the ARRAY object. max_items 0 = no limit. */
enum proto_get proto_get_array(const msgpack_object *map, const char *key,
                               const msgpack_object **arr, uint32_t max_items);
/* Reads a nested map. */
enum proto_get proto_get_map(const msgpack_object *map, const char *key,
                             const msgpack_object **out);

/* Copies a string object into a fresh NUL-ended malloc'd string (caller frees); NULL if not STR. */
char *proto_strdup_obj(const msgpack_object *o);
/* True if s[0..len) is valid UTF-8 (no overlongs, no surrogates, <= U+10FFFF) and has no NUL. */
bool proto_utf8_valid(const char *s, size_t len);
/* Number of code points in valid UTF-8 s[0..len). */
size_t proto_utf8_chars(const char *s, size_t len);

#endif
