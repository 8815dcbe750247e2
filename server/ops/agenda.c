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
#define AGENDA_SOURCE(fn)                                                                          \
    " UNION ALL SELECT * FROM agency." fn "($1::bigint, $2::int, (SELECT team FROM t))"

/*
 * One statement: t is the team view ($3 asked, and only a manager of a team has one); every row
 * carries it, and when nothing waits the one row has it alone (no item).
 */
/* clang-format off */
static const char sql_agenda[] =
    "WITH t AS (SELECT $3::boolean AND agency.manages_team($1::bigint) AS team),"
    " items AS (SELECT * FROM agency.agenda_followups($1::bigint, $2::int, (SELECT team FROM t))"
    /* client issues: sql/050 */
    AGENDA_SOURCE("agenda_issues")
    /* AGENDA_SOURCE("agenda_<kind>"): one line per further source */
    AGENDA_SOURCE("agenda_renewals")
    AGENDA_SOURCE("agenda_tasks")
    ")"
    " SELECT t.team AS _team, g.item, g.id, g.client_id, g.client_name, g.title, g.detail, g.due,"
    " g.due_at, g.overdue AS _overdue, g.owner_id AS \"owner.id\","
    " g.owner_full_name AS \"owner.full_name\", g.kind, g.status, g.amount, g.currency,"
    " g.activity_id, g.summary, g.next_action, g.next_due"
    " FROM t LEFT JOIN items g ON true"
    " ORDER BY g.overdue DESC, coalesce(g.due_at, g.due::timestamptz), g.item, g.id LIMIT 2001";
/* clang-format on */

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
    const char *params[3] = {opu_u64(me, ctx->sess.user_id), opu_u64(days, d),
                             op_bool(ctx, "team") ? "true" : "false"};
    PGresult *r = db_exec(ctx, sql_agenda, 3, params);
    if (!r)
        return -1;
    bool team = PQntuples(r) > 0 && opu_true(r, 0, "_team");
    /* the row without an item stands for an empty agenda */
    int rows = PQntuples(r) == 1 && PQgetisnull(r, 0, PQfnumber(r, "item")) ? 0 : PQntuples(r);
    bool truncated = rows > AGENDA_ITEMS_MAX;
    if (truncated)
        rows = AGENDA_ITEMS_MAX;
    msgpack_pack_map(ctx->pk, 5);
    proto_kv_u64(ctx->pk, "days", d);
    proto_kv_bool(ctx->pk, "team", team);
    proto_pack_cstr(ctx->pk, "overdue");
    pack_section(ctx->pk, r, rows, true);
    proto_pack_cstr(ctx->pk, "upcoming");
    pack_section(ctx->pk, r, rows, false);
    proto_kv_bool(ctx->pk, "truncated", truncated);
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
