/*
 * test_matrix.c - the permission matrix of clients, contacts, activities, the agenda and the
 * import: every operation x role (AE, manager, director, finance) x the target's scope (own,
 * same team, other team), driven through the protocol, each cell's answer written down below.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "itest.h"
#include "matrix_scope.h"

/*
 * Callers: the demo AE mehmet.yilmaz (team Istanbul Brands), the demo manager fatima.haddad
 * (manages Istanbul Brands), the director li.wei and finance sam.carter.
 * Targets are clients owned by one of: the AE, his teammate layla.mansour, the manager herself,
 * or giulia.rossi (team Milano Retail). Which owner a scope names depends on the caller:
 *   AE:       own = the AE's client,      team = layla's client, other = giulia's client
 *   manager:  own = the manager's client, team = the AE's client, other = giulia's client
 *   director and finance own no clients: their columns name the AE's row's clients.
 * Expected answers:
 *   ok         a result; a list, search or agenda shows the target
 *   hidden     a list, search or agenda that does not show the target (for a list filtered by
 *              the target's client id, not_found is as good: neither reveals the row)
 *   forbidden  the role may not call the operation
 *   not_found  the target is out of scope and answered as if it did not exist
 *   invalid    an argument names something out of scope (an owner the caller may not use)
 *   "a|b"      either answer (only where two checks can each come first and both leak nothing)
 *   -          no such cell (the operation has no target)
 * Scoped arguments: client.create and client.import_commit use the scope's owner as owner_id;
 * client.assign moves the target to the AE (or to layla when the AE owns it);
 * "client.assign zhang" moves it to zhang.min of Shanghai Digital, a team the manager does not
 * manage.
 */
struct row {
    const char *op;
    const char *role;
    const char *cell[3]; /* own, team, other */
};

static const struct row matrix[] = {
    /* op                        role        own          team          other */
    {"client.create", "ae", {"ok", "invalid", "invalid"}},
    {"client.create", "manager", {"ok", "ok", "invalid"}},
    {"client.create", "director", {"ok", "ok", "ok"}},
    {"client.create", "finance", {"forbidden", "forbidden", "forbidden"}},
    {"client.check_duplicate", "ae", {"ok", "ok", "ok"}},
    {"client.check_duplicate", "manager", {"ok", "ok", "ok"}},
    {"client.check_duplicate", "director", {"ok", "ok", "ok"}},
    {"client.check_duplicate", "finance", {"ok", "ok", "ok"}},
    {"client.get", "ae", {"ok", "not_found", "not_found"}},
    {"client.get", "manager", {"ok", "ok", "not_found"}},
    {"client.get", "director", {"ok", "ok", "ok"}},
    {"client.get", "finance", {"ok", "ok", "ok"}},
    {"client.list", "ae", {"ok", "hidden", "hidden"}},
    {"client.list", "manager", {"ok", "ok", "hidden"}},
    {"client.list", "director", {"ok", "ok", "ok"}},
    {"client.list", "finance", {"ok", "ok", "ok"}},
    {"client.update", "ae", {"ok", "not_found", "not_found"}},
    {"client.update", "manager", {"ok", "ok", "not_found"}},
    {"client.update", "director", {"ok", "ok", "ok"}},
    {"client.update", "finance", {"forbidden", "forbidden", "forbidden"}},
    {"client.assign", "ae", {"forbidden", "forbidden", "forbidden"}},
    {"client.assign", "manager", {"ok", "ok", "not_found"}},
    {"client.assign", "director", {"ok", "ok", "ok"}},
    {"client.assign", "finance", {"forbidden", "forbidden", "forbidden"}},
    {"client.assign zhang", "ae", {"forbidden", "forbidden", "forbidden"}},
    {"client.assign zhang", "manager", {"invalid", "invalid", "not_found|invalid"}},
    {"client.assign zhang", "director", {"ok", "ok", "ok"}},
    {"client.assign zhang", "finance", {"forbidden", "forbidden", "forbidden"}},
    {"client.archive", "ae", {"ok", "not_found", "not_found"}},
    {"client.archive", "manager", {"ok", "ok", "not_found"}},
    {"client.archive", "director", {"ok", "ok", "ok"}},
    {"client.archive", "finance", {"forbidden", "forbidden", "forbidden"}},
    {"contact.create", "ae", {"ok", "not_found", "not_found"}},
    {"contact.create", "manager", {"ok", "ok", "not_found"}},
    {"contact.create", "director", {"ok", "ok", "ok"}},
    {"contact.create", "finance", {"forbidden", "forbidden", "forbidden"}},
    {"contact.list", "ae", {"ok", "hidden", "hidden"}},
    {"contact.list", "manager", {"ok", "ok", "hidden"}},
    {"contact.list", "director", {"ok", "ok", "ok"}},
    {"contact.list", "finance", {"ok", "ok", "ok"}},
    {"contact.update", "ae", {"ok", "not_found", "not_found"}},
    {"contact.update", "manager", {"ok", "ok", "not_found"}},
    {"contact.update", "director", {"ok", "ok", "ok"}},
    {"contact.update", "finance", {"forbidden", "forbidden", "forbidden"}},
    {"contact.archive", "ae", {"ok", "not_found", "not_found"}},
    {"contact.archive", "manager", {"ok", "ok", "not_found"}},
    {"contact.archive", "director", {"ok", "ok", "ok"}},
    {"contact.archive", "finance", {"forbidden", "forbidden", "forbidden"}},
    {"activity.log", "ae", {"ok", "not_found", "not_found"}},
    {"activity.log", "manager", {"ok", "ok", "not_found"}},
    {"activity.log", "director", {"ok", "ok", "ok"}},
    {"activity.log", "finance", {"forbidden", "forbidden", "forbidden"}},
    {"activity.list", "ae", {"ok", "hidden", "hidden"}},
    {"activity.list", "manager", {"ok", "ok", "hidden"}},
    {"activity.list", "director", {"ok", "ok", "ok"}},
    {"activity.list", "finance", {"forbidden", "forbidden", "forbidden"}},
    {"activity.done", "ae", {"ok", "not_found", "not_found"}},
    {"activity.done", "manager", {"ok", "ok", "not_found"}},
    {"activity.done", "director", {"ok", "ok", "ok"}},
    {"activity.done", "finance", {"forbidden", "forbidden", "forbidden"}},
    /* agenda: the AE's own follow-ups; the manager asks for the team's (team: true); the
       director's agenda holds the director's own follow-ups, and the targets are others' */
    {"agenda", "ae", {"ok", "hidden", "hidden"}},
    {"agenda", "manager", {"ok", "ok", "hidden"}},
    {"agenda", "director", {"hidden", "hidden", "hidden"}},
    {"agenda", "finance", {"forbidden", "forbidden", "forbidden"}},
    {"client.import_begin", "ae", {"ok", "-", "-"}},
    {"client.import_begin", "manager", {"ok", "-", "-"}},
    {"client.import_begin", "director", {"ok", "-", "-"}},
    {"client.import_begin", "finance", {"forbidden", "-", "-"}},
    {"client.import_rows", "ae", {"ok", "-", "-"}},
    {"client.import_rows", "manager", {"ok", "-", "-"}},
    {"client.import_rows", "director", {"ok", "-", "-"}},
    {"client.import_rows", "finance", {"forbidden", "-", "-"}},
    {"client.import_commit", "ae", {"ok", "invalid", "invalid"}},
    {"client.import_commit", "manager", {"ok", "ok", "invalid"}},
    {"client.import_commit", "director", {"ok", "ok", "ok"}},
    {"client.import_commit", "finance", {"forbidden", "forbidden", "forbidden"}},
};

/* A client with one contact and one open follow-up logged by its owner. */
struct target {
    uint64_t client, contact, activity;
    char name[96];
    char secret[96];
};

struct fx {
    it_conn *caller[CA_N];
    uint64_t caller_id[CA_N];
    char caller_user[CA_N][64];
    it_conn *owner[OW_N]; /* the owners' own sessions (they log the follow-ups) */
    uint64_t owner_id[OW_N];
    uint64_t zhang;
    struct target base[OW_N];
    char due[16]; /* a follow-up date three days ahead */
};

static struct fx fx;

/* ---- small helpers ---- */

static void u64s(char *buf, size_t size, uint64_t v)
{
    snprintf(buf, size, "%llu", (unsigned long long)v);
}

/* The id in a create answer ({id} or {<noun>: {id}}); fails the test when missing. */
static uint64_t answer_id(const it_resp *r, const char *noun, const char *what)
{
    char path[64];
    uint64_t id = 0;
    snprintf(path, sizeof path, "%s.id", noun);
    if (!it_u64(r->result, "id", &id) && !it_u64(r->result, path, &id))
        it_fail("%s: the answer has no id", what);
    return id;
}

/* Fresh client owned by ow (created by the director with force), its contact and its open
 * follow-up (logged by the owner), into t. */
static void make_target(enum owner ow, struct target *t)
{
    char uniq[64];
    it_uniq("", uniq, sizeof uniq);
    snprintf(t->name, sizeof t->name, "Matrix Client %d %s", (int)ow, uniq);
    snprintf(t->secret, sizeof t->secret, "confidential %s", uniq);
    it_conn *d = fx.caller[CA_DIRECTOR];
    it_resp *r = IT_CALL_OK(d, "fixture client", "client.create",
                            "name:s owner_id:u confidential_notes:s force:b", t->name,
                            (unsigned long long)fx.owner_id[ow], t->secret, 1);
    t->client = answer_id(r, "client", "fixture client.create");
    it_resp_free(r);
    r = IT_CALL_OK(d, "fixture contact", "contact.create", "client_id:u name:s title:s",
                   (unsigned long long)t->client, "Matrix Contact", "Buyer");
    t->contact = answer_id(r, "contact", "fixture contact.create");
    it_resp_free(r);
    r = IT_CALL_OK(fx.owner[ow], "fixture follow-up", "activity.log",
                   "client_id:u kind:s summary:s next_action:s next_due:s",
                   (unsigned long long)t->client, "call", "Matrix follow-up", "Call back", fx.due);
    t->activity = answer_id(r, "activity", "fixture activity.log");
    it_resp_free(r);
}

/* True when an array holds a map whose key equals id. */
static bool array_has_id(const msgpack_object *arr, const char *key, uint64_t id)
{
    if (arr == NULL || arr->type != MSGPACK_OBJECT_ARRAY)
        return false;
    for (uint32_t i = 0; i < arr->via.array.size; i++) {
        uint64_t v = 0;
        if (it_u64(&arr->via.array.ptr[i], key, &v) && v == id)
            return true;
    }
    return false;
}

/* Audit rows of op by user uid whose outcome matches re. */
static long long audit_rows(const char *op, const char *re, uint64_t uid)
{
    char id[32];
    u64s(id, sizeof id, uid);
    return it_db_ll("SELECT count(*) FROM agency.audit_log WHERE op = $1 AND outcome ~ $2"
                    " AND user_id = $3::bigint",
                    3, op, re, id);
}

/* Audit rows of op by uid naming client id in target or detail (confidential reads). */
static long long audit_rows_naming(const char *op, uint64_t uid, uint64_t client)
{
    char id[32], cid[32];
    u64s(id, sizeof id, uid);
    u64s(cid, sizeof cid, client);
    return it_db_ll("SELECT count(*) FROM agency.audit_log WHERE op = $1 AND outcome = 'ok'"
                    " AND user_id = $2::bigint AND coalesce(target, '') || ' ' ||"
                    " coalesce(detail, '') ~ ('(^|[^0-9])' || $3 || '([^0-9]|$)')",
                    3, op, id, cid);
}

static long long db_count(const char *sql, uint64_t id)
{
    char s[32];
    u64s(s, sizeof s, id);
    return it_db_ll(sql, 1, s);
}

static long long client_version(uint64_t id)
{
    return db_count("SELECT version FROM agency.clients WHERE id = $1::bigint", id);
}

/* ---- import packing ---- */

struct import_ud {
    uint64_t import_id;
    const char *name;
    uint64_t owner_id;
};

static void pack_key(msgpack_packer *pk, const char *k)
{
    msgpack_pack_str(pk, strlen(k));
    msgpack_pack_str_body(pk, k, strlen(k));
}

static void pack_import_rows(msgpack_packer *pk, void *ud)
{
    const struct import_ud *u = ud;
    msgpack_pack_map(pk, 2);
    pack_key(pk, "import_id");
    msgpack_pack_uint64(pk, u->import_id);
    pack_key(pk, "rows");
    msgpack_pack_array(pk, 1);
    msgpack_pack_map(pk, u->owner_id ? 3 : 2);
    pack_key(pk, "line");
    msgpack_pack_uint64(pk, 2);
    pack_key(pk, "name");
    pack_key(pk, u->name);
    if (u->owner_id) {
        pack_key(pk, "owner_id");
        msgpack_pack_uint64(pk, u->owner_id);
    }
}

/* client.import_begin as c; the import id (fails the test on error). */
static uint64_t import_begin(it_conn *c)
{
    it_resp *r = IT_CALL_OK(c, "client.import_begin", "client.import_begin", "");
    uint64_t id = 0;
    if (!it_u64(r->result, "import_id", &id))
        it_fail("client.import_begin: no import_id in the answer");
    it_resp_free(r);
    return id;
}

/* ---- one cell ---- */

struct cell {
    const char *op;
    enum caller ca;
    int scope;
    const char *expect;
    it_conn *c;
    uint64_t uid;
    enum owner ow;
    struct target *t;
    struct target fresh;
    char note[160]; /* unique name or value the cell wrote, for the state checks */
    uint64_t new_owner;
    long long before; /* state before the call (version, count, ...) */
};

static bool is(const struct cell *cl, const char *op)
{
    return strcmp(cl->op, op) == 0;
}

/* Operations that change their target get a fresh one in every cell. */
static bool needs_fresh(const struct cell *cl)
{
    return is(cl, "client.assign") || is(cl, "client.assign zhang") || is(cl, "client.archive") ||
           is(cl, "contact.archive") || is(cl, "activity.done");
}

/* Sends the cell's request and returns the answer. */
static it_resp *cell_call(struct cell *cl)
{
    unsigned long long cid = cl->t ? cl->t->client : 0, oid = fx.owner_id[cl->ow];
    it_conn *c = cl->c;
    char uniq[64];
    it_uniq("", uniq, sizeof uniq);
    if (is(cl, "client.create")) {
        snprintf(cl->note, sizeof cl->note, "Matrix Created %s", uniq);
        return it_call(c, cl->op, "name:s owner_id:u force:b", cl->note, oid, 1);
    }
    if (is(cl, "client.check_duplicate"))
        return it_call(c, cl->op, "name:s", cl->t->name);
    if (is(cl, "client.get"))
        return it_call(c, cl->op, "id:u", cid);
    if (is(cl, "client.list"))
        return it_call(c, cl->op, "q:s limit:u", cl->t->name, 500ULL);
    if (is(cl, "client.update")) {
        snprintf(cl->note, sizeof cl->note, "+90 212 %s", uniq);
        cl->note[24] = '\0';
        cl->before = client_version(cl->t->client);
        return it_call(c, cl->op, "id:u version:u phone:s", cid, (unsigned long long)cl->before,
                       cl->note);
    }
    if (is(cl, "client.assign") || is(cl, "client.assign zhang")) {
        uint64_t ids[1] = {cl->t->client};
        if (is(cl, "client.assign zhang"))
            cl->new_owner = fx.zhang;
        else
            cl->new_owner = cl->ow == OW_AE ? fx.owner_id[OW_TEAMMATE] : fx.owner_id[OW_AE];
        return it_call(c, "client.assign", "ids:I owner_id:u reason:s", ids, (size_t)1,
                       (unsigned long long)cl->new_owner, "matrix reassignment");
    }
    if (is(cl, "client.archive"))
        return it_call(c, cl->op, "id:u reason:s", cid, "matrix archive");
    if (is(cl, "contact.create")) {
        snprintf(cl->note, sizeof cl->note, "Matrix Person %s", uniq);
        return it_call(c, cl->op, "client_id:u name:s", cid, cl->note);
    }
    if (is(cl, "contact.list"))
        return it_call(c, cl->op, "client_id:u", cid);
    if (is(cl, "contact.update")) {
        snprintf(cl->note, sizeof cl->note, "Title %s", uniq);
        long long v =
            db_count("SELECT version FROM agency.contacts WHERE id = $1::bigint", cl->t->contact);
        return it_call(c, cl->op, "id:u version:u title:s", (unsigned long long)cl->t->contact,
                       (unsigned long long)v, cl->note);
    }
    if (is(cl, "contact.archive"))
        return it_call(c, cl->op, "id:u reason:s", (unsigned long long)cl->t->contact,
                       "matrix archive");
    if (is(cl, "activity.log")) {
        snprintf(cl->note, sizeof cl->note, "Matrix call %s", uniq);
        return it_call(c, cl->op, "client_id:u kind:s summary:s", cid, "call", cl->note);
    }
    if (is(cl, "activity.list"))
        return it_call(c, cl->op, "client_id:u limit:u", cid, 500ULL);
    if (is(cl, "activity.done"))
        return it_call(c, cl->op, "id:u", (unsigned long long)cl->t->activity);
    if (is(cl, "agenda")) {
        if (cl->ca == CA_MANAGER)
            return it_call(c, cl->op, "days:u team:b", 30ULL, 1);
        return it_call(c, cl->op, "days:u", 30ULL);
    }
    if (is(cl, "client.import_begin"))
        return it_call(c, cl->op, "");
    struct import_ud u = {1, cl->note, 0};
    snprintf(cl->note, sizeof cl->note, "Matrix Imported %s", uniq);
    if (is(cl, "client.import_rows")) {
        if (cl->ca != CA_FINANCE)
            u.import_id = import_begin(c);
        return it_call_pk(c, cl->op, pack_import_rows, &u);
    }
    /* client.import_commit: one row owned by the scope's owner */
    if (cl->ca != CA_FINANCE) {
        u.import_id = import_begin(c);
        u.owner_id = oid;
        it_resp *r = it_call_pk(c, "client.import_rows", pack_import_rows, &u);
        if (r->status != IT_OK)
            it_fail("client.import_rows before the commit cell: %s", it_resp_str(r));
        it_resp_free(r);
    }
    return it_call(c, cl->op, "import_id:u", (unsigned long long)u.import_id);
}

/* For list-like answers: does the answer show the target? */
static bool answer_shows(const struct cell *cl, const it_resp *r)
{
    if (is(cl, "client.list") || is(cl, "contact.list") || is(cl, "activity.list")) {
        const msgpack_object *items = it_get(r->result, "items");
        if (items == NULL)
            it_fail("%s: the answer has no items", cl->op);
        uint64_t id = is(cl, "client.list")    ? cl->t->client
                      : is(cl, "contact.list") ? cl->t->contact
                                               : cl->t->activity;
        return array_has_id(items, "id", id);
    }
    if (is(cl, "agenda")) {
        const msgpack_object *over = it_get(r->result, "overdue");
        const msgpack_object *up = it_get(r->result, "upcoming");
        if (over == NULL || up == NULL)
            it_fail("agenda: the answer lacks overdue or upcoming");
        return array_has_id(over, "activity_id", cl->t->activity) ||
               array_has_id(up, "activity_id", cl->t->activity);
    }
    if (is(cl, "client.check_duplicate")) {
        const msgpack_object *cands = it_get(r->result, "candidates");
        if (cands == NULL || cands->type != MSGPACK_OBJECT_ARRAY)
            it_fail("client.check_duplicate: the answer has no candidates array");
        return array_has_id(cands, "id", cl->t->client);
    }
    return true;
}

/* Checks what a successful read answered. */
static void check_ok_read(struct cell *cl, const it_resp *r, long long conf_before)
{
    char buf[256];
    if (is(cl, "client.get")) {
        uint64_t id = 0, owner = 0;
        if (!it_u64(r->result, "id", &id) || id != cl->t->client)
            it_fail("client.get: wrong or missing id");
        if (!it_u64(r->result, "owner.id", &owner) || owner != fx.owner_id[cl->ow])
            it_fail("client.get: owner.id is not the target's owner");
        const msgpack_object *notes = it_get(r->result, "confidential_notes");
        if (cl->ca == CA_FINANCE) {
            if (notes != NULL && notes->type != MSGPACK_OBJECT_NIL)
                it_fail("client.get as finance shows confidential_notes");
            static const char *const activity_keys[] = {"activities", "last_activity",
                                                        "next_action", "next_due"};
            for (size_t k = 0; k < sizeof activity_keys / sizeof activity_keys[0]; k++) {
                const msgpack_object *a = it_get(r->result, activity_keys[k]);
                if (a != NULL && a->type != MSGPACK_OBJECT_NIL)
                    it_fail("client.get as finance shows activity data (%s)", activity_keys[k]);
            }
        } else {
            if (it_str(r->result, "confidential_notes", buf, sizeof buf) == NULL ||
                strcmp(buf, cl->t->secret) != 0)
                it_fail("client.get as %s: confidential_notes missing or wrong",
                        caller_roles[cl->ca]);
            if (audit_rows_naming("client.get", cl->uid, cl->t->client) != conf_before + 1)
                it_fail("client.get as %s: reading confidential notes left no audit row",
                        caller_roles[cl->ca]);
        }
    }
    if (is(cl, "client.check_duplicate")) {
        /* candidates carry id, name, owner_name, similarity and nothing more */
        const msgpack_object *cands = it_get(r->result, "candidates");
        for (uint32_t i = 0; i < cands->via.array.size; i++) {
            const msgpack_object *m = &cands->via.array.ptr[i];
            if (m->type != MSGPACK_OBJECT_MAP)
                it_fail("check_duplicate: a candidate is not a map");
            for (uint32_t k = 0; k < m->via.map.size; k++) {
                const msgpack_object *key = &m->via.map.ptr[k].key;
                int n = key->type == MSGPACK_OBJECT_STR ? (int)key->via.str.size : 0;
                const char *s = n ? key->via.str.ptr : "";
                if (!((n == 2 && memcmp(s, "id", 2) == 0) ||
                      (n == 4 && memcmp(s, "name", 4) == 0) ||
                      (n == 10 && memcmp(s, "owner_name", 10) == 0) ||
                      (n == 10 && memcmp(s, "similarity", 10) == 0)))
                    it_fail("check_duplicate as %s: a candidate carries the field '%.*s'",
                            caller_roles[cl->ca], n, s);
            }
        }
    }
}

/* The state after the call matches the answer: changed when ok, untouched otherwise. */
static void check_state(struct cell *cl, bool ok)
{
    char id[32];
    const char *what = cl->op;
    long long got = -1, want = ok ? 1 : 0;
    if (is(cl, "client.create") || is(cl, "client.import_commit")) {
        got = it_db_ll("SELECT count(*) FROM agency.clients WHERE name = $1", 1, cl->note);
    } else if (is(cl, "client.update")) {
        got = client_version(cl->t->client) != cl->before;
    } else if (is(cl, "client.assign") || is(cl, "client.assign zhang")) {
        u64s(id, sizeof id, cl->t->client);
        char nid[32];
        u64s(nid, sizeof nid, cl->new_owner);
        got = it_db_ll("SELECT count(*) FROM agency.clients WHERE id = $1::bigint"
                       " AND owner_id = $2::bigint",
                       2, id, nid);
    } else if (is(cl, "client.archive")) {
        got = db_count("SELECT count(*) FROM agency.clients WHERE id = $1::bigint"
                       " AND archived_at IS NOT NULL",
                       cl->t->client);
    } else if (is(cl, "contact.create")) {
        got = it_db_ll("SELECT count(*) FROM agency.contacts WHERE name = $1", 1, cl->note);
    } else if (is(cl, "contact.update")) {
        u64s(id, sizeof id, cl->t->contact);
        got = it_db_ll("SELECT count(*) FROM agency.contacts WHERE id = $1::bigint"
                       " AND title = $2",
                       2, id, cl->note);
    } else if (is(cl, "contact.archive")) {
        got = db_count("SELECT count(*) FROM agency.contacts WHERE id = $1::bigint"
                       " AND archived_at IS NOT NULL",
                       cl->t->contact);
    } else if (is(cl, "activity.log")) {
        got = it_db_ll("SELECT count(*) FROM agency.activities WHERE summary = $1", 1, cl->note);
    } else if (is(cl, "activity.done")) {
        got = db_count("SELECT count(*) FROM agency.activities WHERE id = $1::bigint"
                       " AND done_at IS NOT NULL",
                       cl->t->activity);
    } else {
        return;
    }
    if (got != want)
        it_fail("%s as %s (%s): the answer was %s but the database %s", what, caller_roles[cl->ca],
                scope_names[cl->scope], ok ? "ok" : cl->expect,
                want ? "holds no such change" : "changed");
}

/* True when expect (a code or "a|b") lists code. */
static bool expect_has(const char *expect, const char *code)
{
    size_t n = strlen(code);
    for (const char *p = expect; p != NULL && *p; p = strchr(p, '|') ? strchr(p, '|') + 1 : NULL)
        if (strncmp(p, code, n) == 0 && (p[n] == '\0' || p[n] == '|'))
            return true;
    return false;
}

/* Runs one cell; returns true when the answer matched (a mismatch is printed and counted). */
static bool run_cell(struct cell *cl)
{
    const char *audit_op = is(cl, "client.assign zhang") ? "client.assign" : cl->op;
    cl->c = fx.caller[cl->ca];
    cl->uid = fx.caller_id[cl->ca];
    cl->ow = scope_owner[cl->ca][cl->scope];
    cl->t = &fx.base[cl->ow];
    if (needs_fresh(cl)) {
        make_target(cl->ow, &cl->fresh);
        cl->t = &cl->fresh;
    }
    long long denials = audit_rows(audit_op, "^(denied|forbidden|not_found)$", cl->uid);
    long long conf = audit_rows_naming("client.get", cl->uid, cl->t->client);
    it_resp *r = cell_call(cl);
    char got[48];
    bool shown = false;
    if (r->status == IT_OK) {
        shown = answer_shows(cl, r);
        snprintf(got, sizeof got, "%s", shown ? "ok" : "hidden");
    } else if (r->status == IT_ERROR) {
        snprintf(got, sizeof got, "%s", r->code);
    } else {
        snprintf(got, sizeof got, "%s", it_resp_str(r));
    }
    bool match = expect_has(cl->expect, got) ||
                 (strcmp(cl->expect, "hidden") == 0 && strcmp(got, "not_found") == 0 &&
                  (is(cl, "contact.list") || is(cl, "activity.list")));
    if (!match) {
        fprintf(stderr, "MISMATCH %-22s %-8s %-5s expected %-10s got %s\n", cl->op,
                caller_roles[cl->ca], scope_names[cl->scope], cl->expect,
                r->status == IT_OK ? got : it_resp_str(r));
        it_resp_free(r);
        return false;
    }
    if (r->status == IT_OK)
        check_ok_read(cl, r, conf);
    if (strcmp(got, "invalid") == 0 && r->field[0] == '\0')
        it_fail("%s as %s: invalid without a field", cl->op, caller_roles[cl->ca]);
    if (strcmp(got, "forbidden") == 0 || strcmp(got, "not_found") == 0) {
        long long after = audit_rows(audit_op, "^(denied|forbidden|not_found)$", cl->uid);
        if (after != denials + 1)
            it_fail("%s denied to %s (%s): %lld audit rows before, %lld after", cl->op,
                    caller_roles[cl->ca], scope_names[cl->scope], denials, after);
    }
    check_state(cl, r->status == IT_OK);
    it_resp_free(r);
    return true;
}

/* ---- set-up ---- */

static void setup_sessions(void)
{
    static const char *const keys[CA_N] = {"AGENCY_DEMO_AE", "AGENCY_DEMO_MANAGER",
                                           "AGENCY_DEMO_DIRECTOR", "AGENCY_DEMO_FINANCE"};
    char user[64], pw[160];
    time_t due = time(NULL) + 3 * 86400;
    struct tm tm;
    gmtime_r(&due, &tm);
    strftime(fx.due, sizeof fx.due, "%Y-%m-%d", &tm);
    for (int i = 0; i < CA_N; i++) {
        it_cred(keys[i], fx.caller_user[i], pw);
        fx.caller[i] = it_session(keys[i], &fx.caller_id[i]);
    }
    fx.owner[OW_AE] = fx.caller[CA_AE];
    fx.owner_id[OW_AE] = fx.caller_id[CA_AE];
    fx.owner[OW_MANAGER] = fx.caller[CA_MANAGER];
    fx.owner_id[OW_MANAGER] = fx.caller_id[CA_MANAGER];
    fx.owner[OW_OTHER] = it_session("AGENCY_DEMO_AE_OTHER", &fx.owner_id[OW_OTHER]);
    it_cred("AGENCY_DEMO_AE", user, pw); /* every demo account shares the demo password */
    fx.owner[OW_TEAMMATE] = it_session_user("layla.mansour", pw, &fx.owner_id[OW_TEAMMATE]);
    fx.zhang = it_find_id(fx.caller[CA_DIRECTOR], "user.list", "username", "zhang.min");
    assert_true(fx.zhang > 0);
}

static void close_sessions(void)
{
    it_close(fx.owner[OW_OTHER]);
    it_close(fx.owner[OW_TEAMMATE]);
    for (int i = 0; i < CA_N; i++)
        it_close(fx.caller[i]);
    memset(&fx, 0, sizeof fx);
}

static enum caller caller_of(const char *role)
{
    for (int i = 0; i < CA_N; i++)
        if (strcmp(caller_roles[i], role) == 0)
            return (enum caller)i;
    it_fail("matrix row with unknown role %s", role);
    return CA_AE;
}

static void test_permission_matrix(void **state)
{
    (void)state;
    setup_sessions();
    for (int ow = 0; ow < OW_N; ow++)
        make_target((enum owner)ow, &fx.base[ow]);

    /* every operation of the issue has rows for every role */
    static const char *const ops[] = {
        "client.create",      "client.check_duplicate", "client.get",      "client.list",
        "client.update",      "client.assign",          "client.archive",  "contact.create",
        "contact.list",       "contact.update",         "contact.archive", "activity.log",
        "activity.list",      "activity.done",          "agenda",          "client.import_begin",
        "client.import_rows", "client.import_commit",
    };
    size_t nrows = sizeof matrix / sizeof matrix[0];
    for (size_t o = 0; o < sizeof ops / sizeof ops[0]; o++)
        for (int ca = 0; ca < CA_N; ca++) {
            bool found = false;
            for (size_t i = 0; i < nrows; i++)
                found |= strcmp(matrix[i].op, ops[o]) == 0 &&
                         strcmp(matrix[i].role, caller_roles[ca]) == 0;
            if (!found)
                it_fail("the matrix lacks %s x %s", ops[o], caller_roles[ca]);
        }

    int cells = 0, bad = 0;
    for (size_t i = 0; i < nrows; i++)
        for (int s = 0; s < 3; s++) {
            if (strcmp(matrix[i].cell[s], "-") == 0)
                continue;
            struct cell cl = {.op = matrix[i].op,
                              .ca = caller_of(matrix[i].role),
                              .scope = s,
                              .expect = matrix[i].cell[s]};
            cells++;
            if (!run_cell(&cl))
                bad++;
        }
    printf("permission matrix: %d cells (%zu operations x 4 roles x own/team/other), %d "
           "mismatched\n",
           cells, sizeof ops / sizeof ops[0], bad);
    close_sessions();
    if (bad > 0)
        it_fail("%d of %d permission-matrix cells answered otherwise than written down", bad,
                cells);
}

/* msg with every occurrence of the decimal id replaced by "ID", into out. */
static void mask_id(const char *msg, unsigned long long id, char *out, size_t size)
{
    char num[32];
    int n = snprintf(num, sizeof num, "%llu", id);
    size_t o = 0;
    for (const char *p = msg; *p && o + 3 < size;) {
        if (strncmp(p, num, (size_t)n) == 0) {
            memcpy(out + o, "ID", 2);
            o += 2;
            p += n;
        } else {
            out[o++] = *p++;
        }
    }
    out[o] = '\0';
}

/* Two answers are the same error, word for word once the requested id itself is masked. */
static void same_answer(const char *what, it_resp *hidden, unsigned long long hid, it_resp *missing,
                        unsigned long long mid)
{
    char a[300], b[300], sa[600], sb[600];
    mask_id(hidden->message, hid, a, sizeof a);
    mask_id(missing->message, mid, b, sizeof b);
    snprintf(sa, sizeof sa, "%s", it_resp_str(hidden));
    snprintf(sb, sizeof sb, "%s", it_resp_str(missing));
    if (hidden->status != IT_ERROR || missing->status != IT_ERROR ||
        strcmp(hidden->code, "not_found") != 0 || strcmp(hidden->code, missing->code) != 0 ||
        strcmp(a, b) != 0 || strcmp(hidden->field, missing->field) != 0)
        it_fail("%s: another scope's row answers '%s', a missing one '%s'", what, sa, sb);
    it_resp_free(hidden);
    it_resp_free(missing);
}

/* An id of another scope is answered exactly like an id that does not exist. */
static void test_out_of_scope_gives_no_hint(void **state)
{
    (void)state;
    const unsigned long long none = 900000000000ULL;
    setup_sessions();
    struct target t;
    make_target(OW_OTHER, &t);
    it_conn *c = fx.caller[CA_AE];
    unsigned long long cid = t.client, kid = t.contact, aid = t.activity;
    same_answer("client.get", it_call(c, "client.get", "id:u", cid), cid,
                it_call(c, "client.get", "id:u", none), none);
    same_answer("client.update",
                it_call(c, "client.update", "id:u version:u phone:s", cid, 1ULL, "1"), cid,
                it_call(c, "client.update", "id:u version:u phone:s", none, 1ULL, "1"), none);
    same_answer("client.archive", it_call(c, "client.archive", "id:u reason:s", cid, "x"), cid,
                it_call(c, "client.archive", "id:u reason:s", none, "x"), none);
    same_answer("contact.create", it_call(c, "contact.create", "client_id:u name:s", cid, "X"), cid,
                it_call(c, "contact.create", "client_id:u name:s", none, "X"), none);
    same_answer("contact.list", it_call(c, "contact.list", "client_id:u", cid), cid,
                it_call(c, "contact.list", "client_id:u", none), none);
    same_answer("contact.update",
                it_call(c, "contact.update", "id:u version:u title:s", kid, 1ULL, "X"), kid,
                it_call(c, "contact.update", "id:u version:u title:s", none, 1ULL, "X"), none);
    same_answer("contact.archive", it_call(c, "contact.archive", "id:u reason:s", kid, "x"), kid,
                it_call(c, "contact.archive", "id:u reason:s", none, "x"), none);
    same_answer("activity.log",
                it_call(c, "activity.log", "client_id:u kind:s summary:s", cid, "call", "X"), cid,
                it_call(c, "activity.log", "client_id:u kind:s summary:s", none, "call", "X"),
                none);
    same_answer("activity.done", it_call(c, "activity.done", "id:u", aid), aid,
                it_call(c, "activity.done", "id:u", none), none);
    /* the same for a manager and another team's client */
    c = fx.caller[CA_MANAGER];
    uint64_t ids[1] = {t.client}, nids[1] = {none};
    same_answer("client.assign",
                it_call(c, "client.assign", "ids:I owner_id:u reason:s", ids, (size_t)1,
                        (unsigned long long)fx.owner_id[OW_AE], "x"),
                cid,
                it_call(c, "client.assign", "ids:I owner_id:u reason:s", nids, (size_t)1,
                        (unsigned long long)fx.owner_id[OW_AE], "x"),
                none);
    assert_int_equal(
        db_count("SELECT owner_id FROM agency.clients WHERE id = $1::bigint", t.client),
        (long long)fx.owner_id[OW_OTHER]);
    close_sessions();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_permission_matrix),
        cmocka_unit_test(test_out_of_scope_gives_no_hint),
    };
    return cmocka_run_group_tests(tests, NULL, it_teardown);
}
