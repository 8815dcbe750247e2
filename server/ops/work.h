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
#define WORK_PERIOD_MAX 32
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

/* The array of the ARG_MAP_LIST argument `name` unpacked into up (the caller destroys up), or
 * NULL when it is absent or (ctx->err set) cannot be read back. */
const msgpack_object *work_map_list(struct op_ctx *ctx, const char *name, msgpack_unpacked *up);
/* Item i of list argument `field` is a map with no key outside keys (NULL-terminated): 0, or
 * -1 with invalid `field` "item N: ..." set. The same for the readers below. */
int work_item_keys(struct op_ctx *ctx, const char *field, uint32_t i, const msgpack_object *m,
                   const char *const *keys);
/* Text of 1..max_chars characters (no control characters) at key, into buf (size bytes); ""
 * when absent and not required. */
int work_item_text(struct op_ctx *ctx, const char *field, uint32_t i, const msgpack_object *m,
                   const char *key, bool required, size_t max_chars, char *buf, size_t size);
/* An exact decimal at key: an integer, or text such as "-12.5" (15 digits, 4 after the point),
 * as decimal text into out. */
int work_item_decimal(struct op_ctx *ctx, const char *field, uint32_t i, const msgpack_object *m,
                      const char *key, char out[48]);

int work_contract_create(struct op_ctx *ctx);
int work_contract_get(struct op_ctx *ctx);
int work_contract_list(struct op_ctx *ctx);
int work_contract_update(struct op_ctx *ctx);
int work_contract_transition(struct op_ctx *ctx);
int work_contract_renewals(struct op_ctx *ctx);

int work_campaign_create(struct op_ctx *ctx);
int work_campaign_get(struct op_ctx *ctx);
int work_campaign_list(struct op_ctx *ctx);
int work_campaign_update(struct op_ctx *ctx);
int work_campaign_transition(struct op_ctx *ctx);
int work_campaign_report(struct op_ctx *ctx);
int work_campaign_reports(struct op_ctx *ctx);

int work_job_open(struct op_ctx *ctx);
int work_job_get(struct op_ctx *ctx);
int work_job_minutes(struct op_ctx *ctx);
int work_job_task(struct op_ctx *ctx);
int work_job_task_done(struct op_ctx *ctx);
int work_job_close(struct op_ctx *ctx);
int work_job_list(struct op_ctx *ctx);

int work_review_record(struct op_ctx *ctx);
int work_review_list(struct op_ctx *ctx);

#endif
