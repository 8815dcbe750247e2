/*
 * staff.c - staff operations: branches, teams and users. Directors change; everyone reads
 * names; managers also see the details of their own team. Row-level security in the
 * database independently allows changes to directors only.
 */
#include <stdio.h>
#include <string.h>

#include "op_schema.h"
#include "staff.h"
#include "op_util.h"

#define LIST_LIMIT_DEFAULT 50

/* ---- branches ---- */

#define BRANCH_COLS "id, name, city, timezone, allowed_networks::text AS _networks, version"

static const char sql_branch_list[] = "SELECT " BRANCH_COLS " FROM agency.branches ORDER BY name";
static const char sql_branch_create[] =
    "INSERT INTO agency.branches (name, city, timezone, allowed_networks)"
    " VALUES ($1, $2, $3, coalesce((SELECT array_agg(network(n)) FROM unnest($4::inet[]) n),"
    " '{}')) ON CONFLICT DO NOTHING RETURNING " BRANCH_COLS;

/* Packs row i of a branch result: name-level fields for everyone, networks and version for
 * directors. */
static void pack_branch(struct op_ctx *ctx, const PGresult *r, int i)
{
    bool full = ctx->sess.role == ROLE_DIRECTOR;
    msgpack_packer *pk = ctx->pk;
    msgpack_pack_map(pk, full ? 6 : 4);
    proto_kv_u64(pk, "id", opu_parse_u64(db_get(r, i, "id")));
    proto_kv_str(pk, "name", db_get(r, i, "name"));
    proto_kv_str(pk, "city", db_get(r, i, "city"));
    proto_kv_str(pk, "timezone", db_get(r, i, "timezone"));
    if (full) {
        proto_pack_cstr(pk, "allowed_networks");
        opu_pack_text_array(pk, db_get(r, i, "_networks"));
        proto_kv_u64(pk, "version", opu_parse_u64(db_get(r, i, "version")));
    }
}

static int op_branch_list(struct op_ctx *ctx)
{
    PGresult *r = db_exec(ctx, sql_branch_list, 0, NULL);
    if (!r)
        return -1;
    int n = PQntuples(r);
    msgpack_pack_map(ctx->pk, 2);
    proto_pack_cstr(ctx->pk, "items");
    msgpack_pack_array(ctx->pk, (uint32_t)n);
    for (int i = 0; i < n; i++)
        pack_branch(ctx, r, i);
    proto_kv_nil(ctx->pk, "next_cursor");
    PQclear(r);
    return 0;
}

static int op_branch_create(struct op_ctx *ctx)
{
    const char *params[4] = {op_text(ctx, "name"), op_text(ctx, "city"), op_text(ctx, "timezone"),
                             op_text(ctx, "allowed_networks")};
    PGresult *r = opu_insert_one(ctx, sql_branch_create, 4, params, "name",
                                 "is already used by another branch");
    if (!r)
        return -1;
    char target[40];
    snprintf(target, sizeof target, "branch:%s", db_get(r, 0, "id"));
    op_audit(ctx, target, "name=%s city=%s timezone=%s networks=%s", params[0], params[1],
             params[2], db_get(r, 0, "_networks"));
    pack_branch(ctx, r, 0);
    PQclear(r);
    return 0;
}

/* ---- teams ---- */

static const char sql_team_list[] =
    "SELECT t.id, t.name, t.branch_id, b.name AS branch_name, t.manager_id,"
    " m.full_name AS manager_name,"
    " (SELECT count(*) FROM agency.users x WHERE x.team_id = t.id AND x.active) AS members,"
    " t.created_at, t.version FROM agency.teams t"
    " JOIN agency.branches b ON b.id = t.branch_id JOIN agency.users m ON m.id = t.manager_id"
    " WHERE ($1::bigint IS NULL OR t.branch_id = $1::bigint) ORDER BY t.name";
static const char sql_team_manager[] =
    "SELECT EXISTS (SELECT 1 FROM agency.branches b WHERE b.id = $2::bigint) AS branch_ok,"
    " u.role, u.active, u.branch_id,"
    " (SELECT t.name FROM agency.teams t WHERE t.manager_id = u.id LIMIT 1) AS manages"
    " FROM (SELECT 1) one LEFT JOIN agency.users u ON u.id = $1::bigint";
static const char sql_team_create[] =
    "INSERT INTO agency.teams (name, branch_id, manager_id) VALUES ($1, $2::bigint, $3::bigint)"
    " ON CONFLICT DO NOTHING RETURNING id";
static const char sql_team_join[] =
    "UPDATE agency.users SET team_id = $2::bigint, version = version + 1 WHERE id = $1::bigint";
static const char sql_team_get[] =
    "SELECT t.id, t.name, t.branch_id, b.name AS branch_name, t.manager_id,"
    " m.full_name AS manager_name,"
    " (SELECT count(*) FROM agency.users x WHERE x.team_id = t.id AND x.active) AS members,"
    " t.created_at, t.version FROM agency.teams t"
    " JOIN agency.branches b ON b.id = t.branch_id JOIN agency.users m ON m.id = t.manager_id"
    " WHERE t.id = $1::bigint";

static int op_team_list(struct op_ctx *ctx)
{
    const char *params[1] = {op_text(ctx, "branch_id")};
    PGresult *r = db_exec(ctx, sql_team_list, 1, params);
    if (!r)
        return -1;
    db_pack_items(ctx->pk, r, NULL);
    PQclear(r);
    return 0;
}

/* The branch must exist; the proposed manager must be an active manager of that branch who
 * manages no other team yet. 0, or -1 with invalid(branch_id or manager_id). */
static int team_check_manager(struct op_ctx *ctx, const char *manager_id, const char *branch)
{
    const char *params[2] = {manager_id, branch};
    PGresult *r = db_one(ctx, sql_team_manager, 2, params, "no such user");
    if (!r)
        return -1;
    if (!opu_true(r, 0, "branch_ok")) {
        PQclear(r);
        return op_invalid(ctx, "branch_id", "no such branch");
    }
    uint64_t branch_id = opu_parse_u64(branch);
    const char *why = NULL;
    char buf[128];
    if (!db_get(r, 0, "role")) {
        why = "no such user";
    } else if (strcmp(db_get(r, 0, "role"), "manager") != 0) {
        why = "must be a user with the manager role";
    } else if (!opu_true(r, 0, "active")) {
        why = "is deactivated";
    } else if (opu_parse_u64(db_get(r, 0, "branch_id")) != branch_id) {
        why = "works in another branch";
    } else if (db_get(r, 0, "manages")) {
        snprintf(buf, sizeof buf, "already manages the team %s", db_get(r, 0, "manages"));
        why = buf;
    }
    int rc = why ? op_invalid(ctx, "manager_id", why) : 0;
    PQclear(r);
    return rc;
}

static int op_team_create(struct op_ctx *ctx)
{
    const char *name = op_text(ctx, "name");
    const char *branch = op_text(ctx, "branch_id");
    const char *manager = op_text(ctx, "manager_id");
    if (team_check_manager(ctx, manager, branch) < 0)
        return -1;
    const char *params[3] = {name, branch, manager};
    PGresult *r =
        opu_insert_one(ctx, sql_team_create, 3, params, "name", "is already used by another team");
    if (!r)
        return -1;
    char id[24];
    snprintf(id, sizeof id, "%s", db_get(r, 0, "id"));
    PQclear(r);
    const char *join[2] = {manager, id};
    if (opu_exec_count(ctx, sql_team_join, 2, join) < 0)
        return -1;
    char target[40];
    snprintf(target, sizeof target, "team:%s", id);
    op_audit(ctx, target, "name=%s branch=%s manager=%s", name, branch, manager);
    const char *get[1] = {id};
    if (!(r = db_one(ctx, sql_team_get, 1, get, "no such team")))
        return -1;
    db_pack_row(ctx->pk, r, 0);
    PQclear(r);
    return 0;
}

/* ---- users ---- */

/* Name-level fields: what every logged-in user may see of anyone. */
#define USER_NAME_COLS "u.id, u.username, u.full_name, u.role, u.team_id, u.branch_id, u.active"
/* Details: directors for everyone, managers for their own team. */
#define USER_DETAIL_COLS                                                                           \
    USER_NAME_COLS ", u.email, u.approval_limit, u.approval_currency, u.must_change_password,"     \
                   " u.created_at, u.deactivated_at, u.version"

#define USER_FILTER                                                                                \
    " WHERE ($1::text IS NULL OR u.role = $1) AND ($2::bigint IS NULL OR u.team_id = $2::bigint)"  \
    " AND ($3::bigint IS NULL OR u.branch_id = $3::bigint)"                                        \
    " AND ($4::boolean IS NULL OR u.active = $4::boolean)"                                         \
    " AND ($5::bigint IS NULL OR u.id > $5::bigint) ORDER BY u.id LIMIT $6::int"

static const char sql_user_list_names[] =
    "SELECT " USER_NAME_COLS " FROM agency.users u" USER_FILTER;
/* Lists stay narrow enough for a table: name-level fields plus e-mail and version (what an
 * update needs); user.get has every detail. */
static const char sql_user_list_director[] =
    "SELECT " USER_NAME_COLS ", u.email, u.version FROM agency.users u" USER_FILTER;
/* Managers: e-mail and version of their own team's members, nil for everyone else. */
static const char sql_user_list_manager[] =
    "SELECT " USER_NAME_COLS ","
    " CASE WHEN m THEN u.email END AS email, CASE WHEN m THEN u.version END AS version"
    " FROM agency.users u, LATERAL (SELECT u.team_id IS NOT NULL AND"
    " u.team_id = agency.current_team_id() AS m) s" USER_FILTER;

#define USER_JOINS                                                                                 \
    " t.name AS team_name, b.name AS branch_name FROM agency.users u"                              \
    " JOIN agency.branches b ON b.id = u.branch_id LEFT JOIN agency.teams t ON t.id = u.team_id"

static const char sql_user_get_names[] =
    "SELECT " USER_NAME_COLS "," USER_JOINS " WHERE u.id = $1::bigint";
static const char sql_user_get_detail[] =
    "SELECT " USER_DETAIL_COLS
    ", u.password_changed_at, l.failed_logins, l.locked_until," USER_JOINS
    " LEFT JOIN LATERAL agency.user_lock_state(u.id) l ON true"
    " WHERE u.id = $1::bigint AND (agency.is_director() OR (u.team_id IS NOT NULL AND"
    " u.team_id = agency.current_team_id()))";

int op_staff_pack_user(struct op_ctx *ctx, const char *id)
{
    const char *params[1] = {id};
    PGresult *r = NULL;
    if (ctx->sess.role == ROLE_DIRECTOR || ctx->sess.role == ROLE_MANAGER) {
        r = db_exec(ctx, sql_user_get_detail, 1, params);
        if (!r)
            return -1;
        if (PQntuples(r) != 1) {
            PQclear(r);
            r = NULL;
        }
    }
    if (!r && !(r = db_one(ctx, sql_user_get_names, 1, params, "no such user")))
        return -1;
    db_pack_row(ctx->pk, r, 0);
    PQclear(r);
    return 0;
}

static int op_user_list(struct op_ctx *ctx)
{
    int limit = op_has(ctx, "limit") ? (int)op_u64(ctx, "limit") : LIST_LIMIT_DEFAULT;
    const char *cursor = op_text(ctx, "cursor");
    if (cursor && (strspn(cursor, "0123456789") != strlen(cursor) || strlen(cursor) > 18))
        return op_invalid(ctx, "cursor", "is not a cursor this server gave");
    char fetch[16];
    snprintf(fetch, sizeof fetch, "%d", limit + 1); /* one more tells whether a page follows */
    const char *params[6] = {op_text(ctx, "role"),
                             op_text(ctx, "team_id"),
                             op_text(ctx, "branch_id"),
                             op_text(ctx, "active"),
                             cursor,
                             fetch};
    const char *sql = ctx->sess.role == ROLE_DIRECTOR  ? sql_user_list_director
                      : ctx->sess.role == ROLE_MANAGER ? sql_user_list_manager
                                                       : sql_user_list_names;
    PGresult *r = db_exec(ctx, sql, 6, params);
    if (!r)
        return -1;
    opu_pack_page(ctx->pk, r, limit, "id");
    PQclear(r);
    return 0;
}

static int op_user_get(struct op_ctx *ctx)
{
    return op_staff_pack_user(ctx, op_text(ctx, "id"));
}

/* ---- the rows of this area in the operation table (optable.c) ---- */

static const char *const role_choices[] = {"ae", "manager", "director", "finance", NULL};

static const struct arg_spec branch_create_args[] = {
    {"name", ARG_STR, true, 1, NAME_MAX_CHARS, NULL},
    {"city", ARG_STR, true, 1, NAME_MAX_CHARS, NULL},
    {"timezone", ARG_STR, true, 1, 64, NULL},
    {"allowed_networks", ARG_CIDR_LIST, false, 0, NETWORKS_MAX, NULL},
    END_ARGS,
};

static const struct arg_spec team_list_args[] = {
    {"branch_id", ARG_ID, false, 1, ID_MAX, NULL},
    END_ARGS,
};

static const struct arg_spec team_create_args[] = {
    {"name", ARG_STR, true, 1, NAME_MAX_CHARS, NULL},
    {"branch_id", ARG_ID, true, 1, ID_MAX, NULL},
    {"manager_id", ARG_ID, true, 1, ID_MAX, NULL},
    END_ARGS,
};

static const struct arg_spec user_list_args[] = {
    {"role", ARG_ENUM, false, 0, 0, role_choices},
    {"team_id", ARG_ID, false, 1, ID_MAX, NULL},
    {"branch_id", ARG_ID, false, 1, ID_MAX, NULL},
    {"active", ARG_BOOL, false, 0, 0, NULL},
    {"limit", ARG_U64, false, 1, LIST_LIMIT_MAX, NULL},
    {"cursor", ARG_STR, false, 1, CURSOR_MAX, NULL},
    END_ARGS,
};

static const struct arg_spec user_create_args[] = {
    {"username", ARG_STR, true, USERNAME_MIN, USERNAME_MAX, NULL},
    {"full_name", ARG_STR, true, 1, NAME_MAX_CHARS, NULL},
    {"email", ARG_STR, true, 3, EMAIL_MAX, NULL},
    {"role", ARG_ENUM, true, 0, 0, role_choices},
    {"branch_id", ARG_ID, true, 1, ID_MAX, NULL},
    {"team_id", ARG_ID, false, 1, ID_MAX, NULL},
    {"password", ARG_SECRET, true, PASSWORD_MIN, PASSWORD_MAX, NULL},
    {"approval_limit", ARG_U64, false, 0, MONEY_MAX, NULL},
    {"approval_currency", ARG_STR, false, 3, 3, NULL},
    END_ARGS,
};

static const struct arg_spec user_update_args[] = {
    {"id", ARG_ID, true, 1, ID_MAX, NULL},
    {"version", ARG_U64, true, 1, VERSION_MAX, NULL},
    {"full_name", ARG_STR, false, 1, NAME_MAX_CHARS, NULL},
    {"email", ARG_STR, false, 3, EMAIL_MAX, NULL},
    {"role", ARG_ENUM, false, 0, 0, role_choices},
    {"branch_id", ARG_ID, false, 1, ID_MAX, NULL},
    {"team_id", ARG_ID, false, 1, ID_MAX, NULL},
    {"approval_limit", ARG_U64, false, 0, MONEY_MAX, NULL},
    {"approval_currency", ARG_STR, false, 3, 3, NULL},
    END_ARGS,
};

static const struct arg_spec user_deactivate_args[] = {
    {"id", ARG_ID, true, 1, ID_MAX, NULL},
    {"reassign_to", ARG_ID, false, 1, ID_MAX, NULL},
    END_ARGS,
};

/* Staff: directors change, everyone reads names. */
static const struct op rows[] = {
    {"branch.list", op_branch_list, ROLES_ALL, 0, op_args_none, "List branch offices"},
    {"branch.create", op_branch_create, ROLE_DIRECTOR, MUT, branch_create_args,
     "Open a branch office"},
    {"team.list", op_team_list, ROLES_ALL, 0, team_list_args, "List teams"},
    {"team.create", op_team_create, ROLE_DIRECTOR, MUT, team_create_args,
     "Create a team in a branch with its manager"},
    {"user.list", op_user_list, ROLES_ALL, 0, user_list_args, "List staff"},
    {"user.get", op_user_get, ROLES_ALL, 0, op_args_id, "Show one member of staff"},
    {"user.create", op_user_create, ROLE_DIRECTOR, OPF_HASHES | MUT, user_create_args,
     "Create a staff account"},
    {"user.update", op_user_update, ROLE_DIRECTOR, MUT, user_update_args,
     "Change a staff account (send the version you read)"},
    {"user.deactivate", op_user_deactivate, ROLE_DIRECTOR, MUT, user_deactivate_args,
     "Deactivate a staff account and end its sessions"},
    {"user.unlock", op_user_unlock, ROLE_DIRECTOR, MUT, op_args_id,
     "Clear a lockout after failed logins"},
    {"user.reset_password", op_user_reset_password, ROLE_DIRECTOR, OPF_HASHES | OPF_AUDITED,
     op_args_id, "Give a user a one-time password to change at next login"},
};

OP_AREA(ops_staff, "staff", rows);
