/*
 * errors.c - the stable wire names of the protocol's error codes.
 */
#include <string.h>

#include "proto.h"

static const char *const err_names[PE__COUNT] = {
    [PE_OK] = "ok",
    [PE_BAD_REQUEST] = "bad_request",
    [PE_UNSUPPORTED_VERSION] = "unsupported_version",
    [PE_UNAUTHENTICATED] = "unauthenticated",
    [PE_FORBIDDEN] = "forbidden",
    [PE_NOT_FOUND] = "not_found",
    [PE_INVALID] = "invalid",
    [PE_CONFLICT] = "conflict",
    [PE_DUPLICATE] = "duplicate",
    [PE_LOCKED] = "locked",
    [PE_RATE_LIMITED] = "rate_limited",
    [PE_TOO_LARGE] = "too_large",
    [PE_UNAVAILABLE] = "unavailable",
    [PE_INTERNAL] = "internal",
};

const char *proto_err_name(enum proto_err e)
{
    if ((unsigned)e >= PE__COUNT)
        return err_names[PE_INTERNAL];
    return err_names[e];
}

enum proto_err proto_err_from_name(const char *s, size_t len, bool *known)
{
    if (s != NULL) {
        for (unsigned i = 0; i < PE__COUNT; i++) {
            if (strlen(err_names[i]) == len && memcmp(err_names[i], s, len) == 0) {
                if (known != NULL)
                    *known = true;
                return (enum proto_err)i;
            }
        }
    }
    if (known != NULL)
        *known = false;
    return PE_INTERNAL;
}
