/*
 * op_schema.h - what the areas' rows of the operation table share: limits of the argument
 * schemas, the role sets and flag sets most rows use, and the schemas several areas take.
 */
#ifndef AGENCY_OP_SCHEMA_H
#define AGENCY_OP_SCHEMA_H

#include <stdint.h>

#include "op.h"

/* Limits (characters for text, items for lists, values for numbers). */
#define NAME_MAX_CHARS 200
#define USERNAME_MIN   3
#define USERNAME_MAX   64
#define EMAIL_MAX      254
#define PASSWORD_MIN   8
#define PASSWORD_MAX   128
#define ID_MAX         INT64_MAX
#define VERSION_MAX    INT32_MAX
#define MONEY_MAX      1000000000000000LL /* 10^15 minor units */
#define NETWORKS_MAX   64
#define LIST_LIMIT_MAX 500
#define CURSOR_MAX     128
#define SHORT_MAX      64    /* phone numbers, registration numbers */
#define ADDRESS_MAX    2000  /* addresses, web sites */
#define TEXT_MAX       20000 /* notes, details */
#define SUMMARY_MAX    500   /* activity summaries, next actions, reasons */

/* Everyone who works on clients: not finance. */
#define ROLES_STAFF (ROLE_AE | ROLE_MANAGER | ROLE_DIRECTOR)

/* Answered on the I/O thread before login (hello, ping). */
#define LOOP_NO_AUTH (OPF_LOOP | OPF_NO_AUTH | OPF_PW_PENDING)
/* Mutating operations accept an idempotency_key (added by the argument validator). auth.login,
 * auth.resume and user.reset_password write but are not replayable: their answers hold
 * secrets (a token, a one-time password) that must never be stored. */
#define MUT (OPF_MUTATING | OPF_AUDITED)

/* The end of every argument schema. */
#define END_ARGS                                                                                   \
    {                                                                                              \
        NULL, 0, false, 0, 0, NULL                                                                 \
    }

/* Schemas several areas use (op_schema.c): none; {id}; {id, reason} (archiving). */
extern const struct arg_spec op_args_none[];
extern const struct arg_spec op_args_id[];
extern const struct arg_spec op_args_archive[];

#endif
