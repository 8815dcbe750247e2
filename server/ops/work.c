/*
 * work.c - the account work area's rows of the operation table (contracts, campaigns, job
 * cards, reviews; handlers in ops/work_*.c) and the helpers those files share. Scope is the
 * client's, enforced by each table's forced row-level security; finance reads contracts and
 * campaigns (their budgets) and nothing else of this area.
 */
#include <stdarg.h>
#include <stdio.h>

#include "work.h"

void work_pack_rows(msgpack_packer *pk, const PGresult *res)
{
    msgpack_pack_array(pk, (uint32_t)PQntuples(res));
    for (int i = 0; i < PQntuples(res); i++)
        opu_pack_row(pk, res, i);
}

void work_pack_with_lines(struct op_ctx *ctx, PGresult *rec, const char *key, PGresult *lines)
{
    opu_pack_row_extra(ctx->pk, rec, 0, 1);
    proto_pack_cstr(ctx->pk, key);
    work_pack_rows(ctx->pk, lines);
    PQclear(rec);
    PQclear(lines);
}

int work_pack_items(struct op_ctx *ctx, const char *sql_list, int nparams,
                    const char *const *params)
{
    PGresult *r = db_exec(ctx, sql_list, nparams, params);
    if (!r)
        return -1;
    msgpack_pack_map(ctx->pk, 1);
    proto_pack_cstr(ctx->pk, "items");
    work_pack_rows(ctx->pk, r);
    PQclear(r);
    return 0;
}

void work_audit(struct op_ctx *ctx, const char *noun, const char *id, const char *fmt, ...)
{
    char target[48], detail[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
    snprintf(target, sizeof target, "%s:%s", noun, id);
    op_audit(ctx, target, "%s", detail);
}

/* ---- the rows of this area in the operation table (optable.c) ---- */

static const char *const contract_targets[] = {"active", "completed", "terminated", "void", NULL};
static const char *const contract_statuses[] = {"draft",      "active", "completed",
                                                "terminated", "void",   NULL};

static const struct arg_spec contract_create_args[] = {
    {"client_id", ARG_ID, true, 1, ID_MAX, NULL},
    {"number", ARG_STR, true, 1, WORK_NUMBER_MAX, NULL},
    {"title", ARG_STR, true, 1, NAME_MAX_CHARS, NULL},
    {"starts_on", ARG_DATE, true, 0, 0, NULL},
    {"ends_on", ARG_DATE, true, 0, 0, NULL},
    {"amount", ARG_U64, true, 0, MONEY_MAX, NULL},
    {"currency", ARG_STR, true, WORK_CURRENCY_LEN, WORK_CURRENCY_LEN, NULL},
    {"payment_terms", ARG_TEXT, false, 0, ADDRESS_MAX, NULL},
    {"scope", ARG_TEXT, false, 0, TEXT_MAX, NULL},
    {"renews_id", ARG_ID, false, 1, ID_MAX, NULL},
    END_ARGS,
};

static const struct arg_spec contract_list_args[] = {
    {"client_id", ARG_ID, false, 1, ID_MAX, NULL},
    {"status", ARG_ENUM, false, 0, 0, contract_statuses},
    {"limit", ARG_U64, false, 1, LIST_LIMIT_MAX, NULL},
    {"cursor", ARG_STR, false, 1, CURSOR_MAX, NULL},
    END_ARGS,
};

static const struct arg_spec contract_update_args[] = {
    {"id", ARG_ID, true, 1, ID_MAX, NULL},
    {"version", ARG_U64, true, 1, VERSION_MAX, NULL},
    {"number", ARG_STR, false, 1, WORK_NUMBER_MAX, NULL},
    {"title", ARG_STR, false, 1, NAME_MAX_CHARS, NULL},
    {"starts_on", ARG_DATE, false, 0, 0, NULL},
    {"ends_on", ARG_DATE, false, 0, 0, NULL},
    {"amount", ARG_U64, false, 0, MONEY_MAX, NULL},
    {"currency", ARG_STR, false, WORK_CURRENCY_LEN, WORK_CURRENCY_LEN, NULL},
    {"payment_terms", ARG_TEXT, false, 0, ADDRESS_MAX, NULL},
    {"scope", ARG_TEXT, false, 0, TEXT_MAX, NULL},
    {"reason", ARG_STR, false, 1, SUMMARY_MAX, NULL},
    END_ARGS,
};

static const struct arg_spec contract_transition_args[] = {
    {"id", ARG_ID, true, 1, ID_MAX, NULL},
    {"to", ARG_ENUM, true, 0, 0, contract_targets},
    {"reason", ARG_STR, false, 1, SUMMARY_MAX, NULL},
    END_ARGS,
};

static const struct arg_spec contract_renewals_args[] = {
    {"within_days", ARG_U64, false, 0, WORK_RENEWAL_MAX, NULL},
    END_ARGS,
};

/* Contracts: the client's scope; finance reads them; activating and terminating is a manager's
 * or a director's (the contracts guard, sql/041). */
static const struct op rows[] = {
    {"contract.create", work_contract_create, ROLES_STAFF, MUT, contract_create_args,
     "Draft a contract for a client (renews_id: the contract it renews)"},
    {"contract.get", work_contract_get, ROLES_ALL, 0, op_args_id,
     "One contract with its amendments"},
    {"contract.list", work_contract_list, ROLES_ALL, 0, contract_list_args,
     "List contracts, newest first"},
    {"contract.update", work_contract_update, ROLES_STAFF, MUT, contract_update_args,
     "Change a contract (an active one's value or period: with a reason, as an amendment)"},
    {"contract.transition", work_contract_transition, ROLES_STAFF, MUT, contract_transition_args,
     "Move a contract: draft->active->completed|terminated, draft->void (reason for the last two)"},
    {"contract.renewals", work_contract_renewals, ROLES_ALL, 0, contract_renewals_args,
     "Active contracts ending within N days (default 60) with no renewal"},
};

OP_AREA(ops_work, "work", rows);
