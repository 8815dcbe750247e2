/* value.h - one argument value as typed: checked against its schema (type, number range,
   characters, choices) as the server will check it, and packed as typed MessagePack. */
#ifndef AGENCY_VALUE_H
#define AGENCY_VALUE_H

#include <stddef.h>

#include <msgpack.h>

#include "meta.h"

/* Checks text against arg's schema; 0, or -1 with the reason in err ("must be a number", ...). */
int value_check(const struct meta_arg *arg, const char *text, char *err, size_t errlen);

/* Packs text (which passed value_check) as arg's type: ids and numbers as integers, booleans,
   lists as arrays, dates and times converted to what the server takes. */
void value_pack(msgpack_packer *pk, const struct meta_arg *arg, const char *text);

/* Writes a random (version 4) UUID, NUL-ended, into out. */
void value_uuid(char out[37]);

#endif
