/*
 * op_schema.c - the argument schemas several areas' rows share (op_schema.h).
 */
#include "op_schema.h"

const struct arg_spec op_args_none[] = {END_ARGS};

const struct arg_spec op_args_id[] = {
    {"id", ARG_ID, true, 1, ID_MAX, NULL},
    END_ARGS,
};

const struct arg_spec op_args_archive[] = {
    {"id", ARG_ID, true, 1, ID_MAX, NULL},
    {"reason", ARG_STR, true, 1, SUMMARY_MAX, NULL},
    END_ARGS,
};
