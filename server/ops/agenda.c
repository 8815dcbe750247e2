/*
 * agenda.c - agenda: everything that waits for the caller (and, for a manager who asks, for
 * their team), overdue first, then what falls due within `days`. Each kind of item is a source
 * function in the database returning agency.agenda_item rows (sql/025); this file unions them
 * in one statement. Adding a kind of item: its source function in its area's migration, and one
 * AGENDA_SOURCE line below.
 */
#include <stdio.h>
#include <string.h>

#include "op_schema.h"
#include "op_util.h"

#define AGENDA_DAYS_DEFAULT 7
#define AGENDA_DAYS_MAX     90
#define AGENDA_ITEMS_MAX    2000

/* One source: a function (p_user, p_days, p_team) returning agency.agenda_item rows. */
#define AGENDA_SOURCE(fn) " UNION ALL SELECT * FROM agency." fn "($1::bigint, $2::int, $3)"

/* $3 is the team view: only a manager of a team has one. */
/* clang-format off */
static const char sql_agenda[] =
    "WITH items AS (SELECT * FROM agency.agenda_followups($1::bigint, $2::int, $3)"
    /* AGENDA_SOURCE("agenda_<kind>"): one line per further source */
    AGENDA_SOURCE("agenda_renewals")
    AGENDA_SOURCE("agenda_tasks")
    ")"
    " SELECT g.item, g.id, g.client_id, g.client_name, g.title, g.detail, g.due, g.due_at,"
    " g.overdue AS _overdue, g.owner_id AS \"owner.id\", g.owner_full_name AS \"owner.full_name\","
    " g.kind, g.status, g.amount, g.currency, g.activity_id, g.summary, g.next_action,"
    " g.next_due FROM items g"
    " ORDER BY g.overdue DESC, coalesce(g.due_at, g.due::timestamptz), g.item, g.id LIMIT 2001";
/* clang-format on */
static const char sql_team_view[] =
    "SELECT $1::boolean AND agency.manages_team(agency.current_user_id()) AS team";

/* Packs the rows of r that are (or are not) overdue as an array. */
static void pack_section(msgpack_packer *pk, const PGresult *r, int rows, bool overdue)
{
    uint32_t n = 0;
    for (int i = 0; i < rows; i++)
        n += opu_true(r, i, "_overdue") == overdue;
    msgpack_pack_array(pk, n);
    for (int i = 0; i < rows; i++)
        if (opu_true(r, i, "_overdue") == overdue)
            opu_pack_row_present(pk, r, i);
}

static int op_agenda(struct op_ctx *ctx)
{
    char me[24], days[24];
    uint64_t d = op_has(ctx, "days") ? op_u64(ctx, "days") : AGENDA_DAYS_DEFAULT;
    const char *want_team[1] = {op_bool(ctx, "team") ? "true" : "false"};
    PGresult *t = db_one(ctx, sql_team_view, 1, want_team, "no such user");
    if (!t)
        return -1;
    bool team = opu_true(t, 0, "team");
    PQclear(t);
    const char *params[3] = {opu_u64(me, ctx->sess.user_id), opu_u64(days, d),
                             team ? "true" : "false"};
    PGresult *r = db_exec(ctx, sql_agenda, 3, params);
    if (!r)
        return -1;
    int rows = PQntuples(r) > AGENDA_ITEMS_MAX ? AGENDA_ITEMS_MAX : PQntuples(r);
    msgpack_pack_map(ctx->pk, 5);
    proto_kv_u64(ctx->pk, "days", d);
    proto_kv_bool(ctx->pk, "team", team);
    proto_pack_cstr(ctx->pk, "overdue");
    pack_section(ctx->pk, r, rows, true);
    proto_pack_cstr(ctx->pk, "upcoming");
    pack_section(ctx->pk, r, rows, false);
    proto_kv_bool(ctx->pk, "truncated", PQntuples(r) > AGENDA_ITEMS_MAX);
    PQclear(r);
    return 0;
}

/* ---- the rows of this area in the operation table (optable.c) ---- */

static const struct arg_spec agenda_args[] = {
    {"days", ARG_U64, false, 0, AGENDA_DAYS_MAX, NULL},
    {"team", ARG_BOOL, false, 0, 0, NULL},
    END_ARGS,
};

/* The agenda: each source applies its own area's policies; never finance. */
static const struct op rows[] = {
    {"agenda", op_agenda, ROLES_STAFF, 0, agenda_args,
     "Your overdue and upcoming follow-ups (managers: team: true for the team's)"},
};

OP_AREA(ops_agenda, "agenda", rows);
