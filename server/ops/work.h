/*
 * work.h - the account work area (contracts, campaigns, job cards, reviews): the handlers of
 * ops/work_*.c, whose rows of the operation table are in ops/work.c, and what they share.
 */
#ifndef AGENCY_OPS_WORK_H
#define AGENCY_OPS_WORK_H

#include "op_schema.h"
#include "op_util.h"

/* Currency codes: three capital letters (the tables' CHECK says which). */
#define WORK_CURRENCY_LEN 3
/* Contract numbers, KPI names and units, review periods. */
#define WORK_NUMBER_MAX 64
#define WORK_UNIT_MAX   32
#define WORK_KPIS_MAX   20
/* contract.renewals: the default window and the longest. */
#define WORK_RENEWAL_DAYS 60
#define WORK_RENEWAL_MAX  366

/* Packs every row of res (opu_pack_row) as an array. */
void work_pack_rows(msgpack_packer *pk, const PGresult *res);
/* Packs row 0 of rec with one more entry, key: the rows of lines (each a map), and frees both. */
void work_pack_with_lines(struct op_ctx *ctx, PGresult *rec, const char *key, PGresult *lines);
/* Runs sql_list ($1.. = params) and packs {"items": [every row]} (at most `max` rows are
 * asked for by the statement itself). 0, or -1 with ctx->err set. */
int work_pack_items(struct op_ctx *ctx, const char *sql_list, int nparams,
                    const char *const *params);
/* Sets the audit row of a change of `noun` id: "<noun>:<id>" and the formatted detail. */
void work_audit(struct op_ctx *ctx, const char *noun, const char *id, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

int work_contract_create(struct op_ctx *ctx);
int work_contract_get(struct op_ctx *ctx);
int work_contract_list(struct op_ctx *ctx);
int work_contract_update(struct op_ctx *ctx);
int work_contract_transition(struct op_ctx *ctx);
int work_contract_renewals(struct op_ctx *ctx);

#endif
