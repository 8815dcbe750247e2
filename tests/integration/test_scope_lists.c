/*
 * test_scope_lists.c - on whatever the database holds (demo data included), each demo account
 * sees exactly its scope through the protocol: client.list is the scope, searches for other
 * scopes' client names find nothing of theirs, get answers not_found outside it, and activity
 * lists and the agenda stay inside it (compared with the owner role's ground truth).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "itest.h"

#define MAX_IDS 200000

struct idset {
    uint64_t *v;
    size_t n;
};

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static void set_add(struct idset *s, uint64_t id)
{
    if (s->v == NULL)
        s->v = malloc(MAX_IDS * sizeof *s->v);
    assert_non_null(s->v);
    if (s->n >= MAX_IDS)
        it_fail("more than %d ids", MAX_IDS);
    s->v[s->n++] = id;
}

static void set_sort(struct idset *s)
{
    if (s->n > 0)
        qsort(s->v, s->n, sizeof *s->v, cmp_u64);
}

static bool set_has(const struct idset *s, uint64_t id)
{
    return s->n > 0 && bsearch(&id, s->v, s->n, sizeof *s->v, cmp_u64) != NULL;
}

static void set_free(struct idset *s)
{
    free(s->v);
    s->v = NULL;
    s->n = 0;
}

/* Ids answered by an owner-role query with one text parameter, into s (sorted). */
static void db_ids(const char *sql, const char *param, struct idset *s)
{
    const char *params[1] = {param};
    PGresult *res = PQexecParams(it_db(), sql, 1, NULL, params, NULL, NULL, 0);
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        char msg[512];
        snprintf(msg, sizeof msg, "%s", PQresultErrorMessage(res));
        PQclear(res);
        it_fail("SQL failed: %s", msg);
    }
    for (int i = 0; i < PQntuples(res); i++)
        set_add(s, strtoull(PQgetvalue(res, i, 0), NULL, 10));
    PQclear(res);
    set_sort(s);
}

/* The owners whose clients user $1 sees (the same rule as the policies, written anew). */
#define SCOPE_OWNERS                                                                               \
    "(SELECT CASE u.role WHEN 'ae' THEN ARRAY[u.id]"                                               \
    "  WHEN 'manager' THEN ARRAY[u.id] || ARRAY(SELECT m.id FROM agency.users m"                   \
    "    JOIN agency.teams t ON t.id = m.team_id WHERE t.manager_id = u.id)"                       \
    "  ELSE ARRAY(SELECT a.id FROM agency.users a) END"                                            \
    " FROM agency.users u WHERE u.id = $1::bigint)::bigint[]"

/* Every id a list operation answers (following cursors), with q when qkey is "q". */
static void list_ids(it_conn *c, const char *method, const char *qkey, const char *q,
                     struct idset *s)
{
    char cursor[512] = "";
    for (int page = 0; page < 2000; page++) {
        it_resp *r;
        if (cursor[0] && qkey)
            r = it_call(c, method, "q:s limit:u cursor:s", q, 500ULL, cursor);
        else if (cursor[0])
            r = it_call(c, method, "limit:u cursor:s", 500ULL, cursor);
        else if (qkey)
            r = it_call(c, method, "q:s limit:u", q, 500ULL);
        else
            r = it_call(c, method, "limit:u", 500ULL);
        if (r->status != IT_OK)
            it_fail("%s: %s", method, it_resp_str(r));
        uint32_t n;
        const msgpack_object *items = it_items(r->result, &n);
        for (uint32_t i = 0; i < n; i++) {
            uint64_t id = 0;
            if (!it_u64(&items[i], "id", &id))
                it_fail("%s: an item without id", method);
            set_add(s, id);
        }
        bool more = it_str(r->result, "next_cursor", cursor, sizeof cursor) != NULL;
        it_resp_free(r);
        if (!more) {
            set_sort(s);
            return;
        }
    }
    it_fail("%s did not end within 2000 pages", method);
}

struct user {
    const char *name;
    char id[24];
    char role[16];
};

/* client.list without a filter answers exactly the scope's live clients, each once. */
static void check_client_list(it_conn *c, const struct user *u, const struct idset *scope)
{
    struct idset got = {0};
    list_ids(c, "client.list", NULL, NULL, &got);
    for (size_t i = 1; i < got.n; i++)
        if (got.v[i] == got.v[i - 1])
            it_fail("%s: client.list answers client %llu twice", u->name,
                    (unsigned long long)got.v[i]);
    size_t outside = 0;
    for (size_t i = 0; i < got.n; i++)
        outside += !set_has(scope, got.v[i]);
    if (outside > 0 || got.n != scope->n)
        it_fail("%s (%s): client.list answers %zu clients (%zu outside the scope), the scope "
                "holds %zu",
                u->name, u->role, got.n, outside, scope->n);
    set_free(&got);
}

/* Searching for clients outside the scope, by name, finds nothing outside it; asking for them
 * by id answers not_found. */
static void check_search_and_get(it_conn *c, const struct user *u, const struct idset *scope)
{
    const char *params[1] = {u->id};
    PGresult *res = PQexecParams(it_db(),
                                 "SELECT id, name FROM agency.clients WHERE archived_at IS NULL"
                                 " AND NOT owner_id = ANY (" SCOPE_OWNERS ")"
                                 " ORDER BY id DESC LIMIT 6",
                                 1, NULL, params, NULL, NULL, 0);
    assert_int_equal(PQresultStatus(res), PGRES_TUPLES_OK);
    for (int i = 0; i < PQntuples(res); i++) {
        struct idset got = {0};
        const char *name = PQgetvalue(res, i, 1);
        list_ids(c, "client.list", "q", name, &got);
        for (size_t k = 0; k < got.n; k++)
            if (!set_has(scope, got.v[k]))
                it_fail("%s: searching '%s' finds client %llu outside the scope", u->name, name,
                        (unsigned long long)got.v[k]);
        set_free(&got);
        it_resp *r = it_call(c, "client.get", "id:u", strtoull(PQgetvalue(res, i, 0), NULL, 10));
        if (r->status != IT_ERROR || strcmp(r->code, "not_found") != 0)
            it_fail("%s: client.get of out-of-scope client %s: %s", u->name, PQgetvalue(res, i, 0),
                    it_resp_str(r));
        it_resp_free(r);
    }
    PQclear(res);
}

/* Activities and agenda items all belong to clients in scope. */
static void check_activities(it_conn *c, const struct user *u)
{
    struct idset acts = {0}, allowed = {0}, clients = {0};
    list_ids(c, "activity.list", NULL, NULL, &acts);
    db_ids("SELECT a.id FROM agency.activities a JOIN agency.clients k ON k.id = a.client_id"
           " WHERE k.owner_id = ANY (" SCOPE_OWNERS ")",
           u->id, &allowed);
    db_ids("SELECT k.id FROM agency.clients k WHERE k.owner_id = ANY (" SCOPE_OWNERS ")", u->id,
           &clients);
    for (size_t i = 0; i < acts.n; i++)
        if (!set_has(&allowed, acts.v[i]))
            it_fail("%s: activity.list answers activity %llu of a client outside the scope",
                    u->name, (unsigned long long)acts.v[i]);
    it_resp *r = strcmp(u->role, "manager") == 0 ? it_call(c, "agenda", "days:u team:b", 90ULL, 1)
                                                 : it_call(c, "agenda", "days:u", 90ULL);
    if (r->status != IT_OK)
        it_fail("%s: agenda: %s", u->name, it_resp_str(r));
    static const char *const lists[] = {"overdue", "upcoming"};
    for (int l = 0; l < 2; l++) {
        const msgpack_object *a = it_get(r->result, lists[l]);
        if (a == NULL || a->type != MSGPACK_OBJECT_ARRAY)
            it_fail("%s: agenda without %s", u->name, lists[l]);
        for (uint32_t i = 0; i < a->via.array.size; i++) {
            const msgpack_object *item = &a->via.array.ptr[i];
            uint64_t id = 0, client = 0, owner = 0;
            char kind[32] = "";
            it_str(item, "item", kind, sizeof kind);
            if (strcmp(kind, "follow_up") == 0) {
                if (!it_u64(item, "activity_id", &id) || !set_has(&allowed, id))
                    it_fail("%s: agenda item %llu is not an activity in scope", u->name,
                            (unsigned long long)id);
                continue;
            }
            /* other kinds: about a client in scope, or (a task) the caller's own */
            it_u64(item, "client_id", &client);
            it_u64(item, "owner.id", &owner);
            if (!set_has(&clients, client) && owner != strtoull(u->id, NULL, 10))
                it_fail("%s: agenda %s item about client %llu outside the scope", u->name, kind,
                        (unsigned long long)client);
        }
    }
    it_resp_free(r);
    set_free(&acts);
    set_free(&allowed);
    set_free(&clients);
}

static void test_demo_accounts_see_their_scope(void **state)
{
    (void)state;
    static const char *const names[] = {"li.wei",       "fatima.haddad", "marco.bianchi",
                                        "chen.jing",    "mehmet.yilmaz", "layla.mansour",
                                        "giulia.rossi", "zhang.min",     "sam.carter"};
    char demo_user[64], pw[160];
    it_cred("AGENCY_DEMO_AE", demo_user, pw); /* the demo accounts share one password */
    size_t total = 0;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        struct user u = {names[i], "", ""};
        it_db_text(u.id, sizeof u.id, "SELECT id FROM agency.users WHERE username = $1", 1, u.name);
        it_db_text(u.role, sizeof u.role, "SELECT role FROM agency.users WHERE username = $1", 1,
                   u.name);
        struct idset scope = {0};
        db_ids("SELECT id FROM agency.clients WHERE archived_at IS NULL"
               " AND owner_id = ANY (" SCOPE_OWNERS ")",
               u.id, &scope);
        it_conn *c = it_session_user(u.name, pw, NULL);
        check_client_list(c, &u, &scope);
        check_search_and_get(c, &u, &scope);
        if (strcmp(u.role, "finance") != 0)
            check_activities(c, &u);
        printf("%-14s %-8s sees %zu clients, exactly its scope\n", u.name, u.role, scope.n);
        total += scope.n;
        set_free(&scope);
        it_close(c);
    }
    assert_true(total > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_demo_accounts_see_their_scope),
    };
    return cmocka_run_group_tests(tests, NULL, it_teardown);
}
