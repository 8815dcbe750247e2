/*
 * test_clients.c - clients through the protocol: duplicate detection across scripts and
 * scopes, optimistic concurrency, idempotent creates, assignment history and its event, and
 * the hand-over of a leaver's clients (search and the agenda: test_clients_find.c).
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

#define PW "Marble-canyon-4417"

/* ---- helpers ---- */

static void u64s(char *buf, size_t size, uint64_t v)
{
    snprintf(buf, size, "%llu", (unsigned long long)v);
}

static uint64_t user_id(it_conn *d, const char *username)
{
    uint64_t id = it_find_id(d, "user.list", "username", username);
    if (id == 0)
        it_fail("user %s not found", username);
    return id;
}

static long long db_count1(const char *sql, uint64_t a)
{
    char s[32];
    u64s(s, sizeof s, a);
    return it_db_ll(sql, 1, s);
}

/* The candidate with id in the error of a duplicate answer, checked for its shape: only id,
 * name, owner_name and an integer similarity 0..100. NULL when absent. */
static const msgpack_object *candidate(const it_resp *r, uint64_t id)
{
    const msgpack_object *cands = it_get(r->error, "candidates");
    if (cands == NULL || cands->type != MSGPACK_OBJECT_ARRAY)
        it_fail("duplicate answer without a candidates array");
    const msgpack_object *found = NULL;
    for (uint32_t i = 0; i < cands->via.array.size; i++) {
        const msgpack_object *m = &cands->via.array.ptr[i];
        uint64_t cid = 0, sim = 0;
        char buf[512];
        if (m->type != MSGPACK_OBJECT_MAP || m->via.map.size != 4)
            it_fail("a duplicate candidate is not a map of exactly 4 fields");
        if (!it_u64(m, "id", &cid) || it_str(m, "name", buf, sizeof buf) == NULL ||
            it_str(m, "owner_name", buf, sizeof buf) == NULL || !it_u64(m, "similarity", &sim) ||
            sim > 100)
            it_fail("a duplicate candidate lacks id, name, owner_name or similarity 0..100");
        if (cid == id)
            found = m;
    }
    return found;
}

/* ---- duplicates ---- */

struct dup_pair {
    const char *first, *second;
};

static void test_duplicates_across_scripts(void **state)
{
    (void)state;
    static const struct dup_pair pairs[] = {
        {"Shanghai Ocean Trading Co., Ltd.", "shanghai ocean trading"},
        {"\xe4\xb8\x8a\xe6\xb5\xb7\xe6\xb5\xb7\xe6\xb4\x8b\xe8\xb4\xb8\xe6\x98\x93\xe6\x9c\x89"
         "\xe9\x99\x90\xe5\x85\xac\xe5\x8f\xb8",
         "\xe4\xb8\x8a\xe6\xb5\xb7\xe6\xb5\xb7\xe6\xb4\x8b\xe8\xb4\xb8\xe6\x98\x93\xe8\x82\xa1"
         "\xe4\xbb\xbd\xe6\x9c\x89\xe9\x99\x90\xe5\x85\xac\xe5\x8f\xb8"},
        {"\xd8\xb4\xd8\xb1\xd9\x83\xd8\xa9 \xd8\xa7\xd9\x84\xd9\x86\xd9\x88\xd8\xb1 \xd9\x84\xd9"
         "\x84\xd8\xaa\xd8\xac\xd8\xa7\xd8\xb1\xd8\xa9 \xd8\xb4.\xd9\x85.\xd9\x85",
         "\xd8\xb4\xd8\xb1\xd9\x83\xd8\xa9 \xd8\xa7\xd9\x84\xd9\x86\xd9\x88\xd8\xb1 \xd9\x84\xd9"
         "\x84\xd8\xaa\xd8\xac\xd8\xa7\xd8\xb1\xd8\xa9"},
        {"Y\xc4\xb1ld\xc4\xb1z Tekstil A.\xc5\x9e.", "Yildiz Tekstil Ltd. \xc5\x9e"
                                                     "ti."},
        {"Rossi Moda S.p.A.", "Rossi Moda S.r.l."},
    };
    char user[64], pw[160], buf[256];
    uint64_t ae_id = 0;
    it_conn *d = it_session("AGENCY_DEMO_DIRECTOR", NULL);
    it_conn *ae = it_session("AGENCY_DEMO_AE", &ae_id);
    uint64_t giulia = user_id(d, "giulia.rossi");
    it_cred("AGENCY_DEMO_AE", user, pw);

    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
        /* what normalisation promises: case, punctuation, spacing and company forms removed, so
           each pair normalises to one name - except that the Turkish dotless i stays a letter
           of its own (lower() keeps it), so that pair is equal once it is read as i */
        if (it_db_ll("SELECT (translate(agency.normalize_name($1), '\xc4\xb1', 'i') ="
                     " agency.normalize_name($2))::int",
                     2, pairs[i].first, pairs[i].second) != 1)
            it_fail("'%s' and '%s' do not normalise to one name", pairs[i].first, pairs[i].second);
        /* the first is another team's client: the AE cannot see it, yet it is a duplicate */
        uint64_t first = it_client_create_forced(d, pairs[i].first, giulia);
        long long clients = it_db_ll("SELECT count(*) FROM agency.clients", 0);
        it_resp *r = it_call(ae, "client.create", "name:s", pairs[i].second);
        it_assert_err(r, "duplicate", pairs[i].second);
        const msgpack_object *c = candidate(r, first);
        if (c == NULL)
            it_fail("'%s' is not offered as a duplicate of '%s'", pairs[i].first, pairs[i].second);
        assert_string_equal(it_str(c, "name", buf, sizeof buf), pairs[i].first);
        assert_string_equal(it_str(c, "owner_name", buf, sizeof buf), "Giulia Rossi");
        it_resp_free(r);
        assert_int_equal(it_db_ll("SELECT count(*) FROM agency.clients", 0), clients);

        /* check_duplicate answers the same candidate */
        r = IT_CALL_OK(ae, "check_duplicate", "client.check_duplicate", "name:s", pairs[i].second);
        const msgpack_object *cands = it_get(r->result, "candidates");
        bool seen = false;
        for (uint32_t k = 0;
             cands && cands->type == MSGPACK_OBJECT_ARRAY && k < cands->via.array.size; k++) {
            uint64_t id = 0;
            seen |= it_u64(&cands->via.array.ptr[k], "id", &id) && id == first;
        }
        if (!seen)
            it_fail("client.check_duplicate '%s' does not offer '%s'", pairs[i].second,
                    pairs[i].first);
        it_resp_free(r);

        /* forced: created, and audited with the candidate it overrode */
        char fid[32], aid[32];
        u64s(fid, sizeof fid, first);
        u64s(aid, sizeof aid, ae_id);
        long long audited = it_db_ll(
            "SELECT count(*) FROM agency.audit_log WHERE op = 'client.create' AND outcome = 'ok'"
            " AND user_id = $1::bigint AND detail ~ ('(^|[^0-9])' || $2 || '([^0-9]|$)')",
            2, aid, fid);
        r = IT_CALL_OK(ae, "forced create", "client.create", "name:s force:b", pairs[i].second, 1);
        uint64_t second = it_result_id(r, "forced create");
        it_resp_free(r);
        assert_true(second != first);
        /* archived, the pair no longer crowds the candidates of a later run on this database */
        it_resp *ar = IT_CALL_OK(d, "archive the first", "client.archive", "id:u reason:s",
                                 (unsigned long long)first, "duplicate test done");
        it_resp_free(ar);
        ar = IT_CALL_OK(d, "archive the second", "client.archive", "id:u reason:s",
                        (unsigned long long)second, "duplicate test done");
        it_resp_free(ar);
        assert_int_equal(
            it_db_ll("SELECT count(*) FROM agency.audit_log WHERE op = 'client.create' AND"
                     " outcome = 'ok' AND user_id = $1::bigint AND"
                     " detail ~ ('(^|[^0-9])' || $2 || '([^0-9]|$)')",
                     2, aid, fid),
            audited + 1);
    }

    /* a name that resembles none of them is no duplicate of them */
    char other[96], uniq[64];
    snprintf(other, sizeof other, "Northwind Bakery %s", it_uniq("", uniq, sizeof uniq));
    it_resp *r = IT_CALL_OK(ae, "an unrelated name", "client.check_duplicate", "name:s", other);
    const msgpack_object *cands = it_get(r->result, "candidates");
    for (uint32_t k = 0; cands && cands->type == MSGPACK_OBJECT_ARRAY && k < cands->via.array.size;
         k++)
        if (it_str(&cands->via.array.ptr[k], "name", buf, sizeof buf) != NULL &&
            strstr(buf, "Rossi Moda") != NULL)
            it_fail("'%s' is offered as a duplicate of '%s'", buf, other);
    it_resp_free(r);
    it_close(ae);
    it_close(d);
}

static void test_registration_number_duplicate(void **state)
{
    (void)state;
    char reg[64], name[96], uniq[64];
    it_conn *d = it_session("AGENCY_DEMO_DIRECTOR", NULL);
    it_conn *ae = it_session("AGENCY_DEMO_AE", NULL);
    uint64_t giulia = user_id(d, "giulia.rossi");
    it_uniq("REG-", reg, sizeof reg);
    snprintf(name, sizeof name, "Registered Holder %s", it_uniq("", uniq, sizeof uniq));
    it_resp *r = IT_CALL_OK(d, "client with a registration number", "client.create",
                            "name:s registration_no:s owner_id:u force:b", name, reg,
                            (unsigned long long)giulia, 1);
    uint64_t first = it_result_id(r, "client.create");
    it_resp_free(r);

    long long clients = it_db_ll("SELECT count(*) FROM agency.clients", 0);
    r = it_call(ae, "client.create", "name:s registration_no:s", "Zz Totally Unrelated Name Qq",
                reg);
    it_assert_err(r, "duplicate", "the same registration number under another name");
    if (candidate(r, first) == NULL)
        it_fail("the client with the same registration number is not a candidate");
    it_resp_free(r);
    r = it_call(ae, "client.check_duplicate", "name:s registration_no:s",
                "Zz Totally Unrelated Name Qq", reg);
    it_assert_ok(r, "check_duplicate by registration number");
    const msgpack_object *cands = it_get(r->result, "candidates");
    bool seen = false;
    for (uint32_t k = 0; cands && cands->type == MSGPACK_OBJECT_ARRAY && k < cands->via.array.size;
         k++) {
        uint64_t id = 0;
        seen |= it_u64(&cands->via.array.ptr[k], "id", &id) && id == first;
    }
    assert_true(seen);
    it_resp_free(r);
    /* never two live clients with one registration number, even when forced */
    r = it_call(ae, "client.create", "name:s registration_no:s force:b",
                "Zz Totally Unrelated Name Qq", reg, 1);
    if (r->status == IT_OK)
        it_fail("a forced create stored a second client with registration number %s", reg);
    it_resp_free(r);
    assert_int_equal(it_db_ll("SELECT count(*) FROM agency.clients", 0), clients);
    it_close(ae);
    it_close(d);
}

/* ---- concurrency and idempotency ---- */

static void test_concurrent_update_conflict(void **state)
{
    (void)state;
    char name[96], uniq[64];
    uint64_t ae_id = 0;
    it_conn *ae = it_session("AGENCY_DEMO_AE", &ae_id);
    it_conn *mgr = it_session("AGENCY_DEMO_MANAGER", NULL);
    snprintf(name, sizeof name, "Race Client %s", it_uniq("", uniq, sizeof uniq));
    uint64_t id = it_client_create_forced(ae, name, ae_id);
    it_resp *r = IT_CALL_OK(ae, "client.get", "client.get", "id:u", (unsigned long long)id);
    uint64_t v = 0;
    assert_true(it_u64(r->result, "version", &v));
    it_resp_free(r);

    for (int round = 0; round < 3; round++) {
        /* both read version v; both send their update before either answer is read */
        uint32_t a = it_send(ae, "client.update", "id:u version:u phone:s", (unsigned long long)id,
                             (unsigned long long)v, "+90 212 555 0101");
        uint32_t b = it_send(mgr, "client.update", "id:u version:u phone:s", (unsigned long long)id,
                             (unsigned long long)v, "+90 212 555 0202");
        assert_true(a != 0 && b != 0);
        it_resp *ra = it_recv(ae, IT_TIMEOUT_MS);
        it_resp *rb = it_recv(mgr, IT_TIMEOUT_MS);
        int ok = (ra->status == IT_OK) + (rb->status == IT_OK);
        int conflict = (ra->status == IT_ERROR && strcmp(ra->code, "conflict") == 0) +
                       (rb->status == IT_ERROR && strcmp(rb->code, "conflict") == 0);
        if (ok != 1 || conflict != 1)
            it_fail("two updates of version %llu: expected one ok and one conflict, got %s and "
                    "%s",
                    (unsigned long long)v, it_resp_str(ra), it_resp_str(rb));
        it_resp_free(ra);
        it_resp_free(rb);
        assert_int_equal(db_count1("SELECT version FROM agency.clients WHERE id = $1::bigint", id),
                         (long long)v + 1);
        v++;
    }
    it_close(mgr);
    it_close(ae);
}

static void test_idempotent_create(void **state)
{
    (void)state;
    char name[96], uniq[64], key[40];
    unsigned char b[16];
    FILE *f = fopen("/dev/urandom", "rb");
    assert_non_null(f);
    assert_int_equal(fread(b, 1, sizeof b, f), sizeof b);
    fclose(f);
    b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
    snprintf(key, sizeof key,
             "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
             b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14],
             b[15]);
    snprintf(name, sizeof name, "Retry Client %s", it_uniq("", uniq, sizeof uniq));
    it_conn *ae = it_session("AGENCY_DEMO_AE", NULL);
    it_resp *r = IT_CALL_OK(ae, "first try", "client.create", "name:s force:b idempotency_key:s",
                            name, 1, key);
    uint64_t first = it_result_id(r, "first try");
    it_resp_free(r);
    /* the retry comes on a new connection, as after a connection lost mid-request */
    it_close(ae);
    ae = it_session("AGENCY_DEMO_AE", NULL);
    r = IT_CALL_OK(ae, "retry", "client.create", "name:s force:b idempotency_key:s", name, 1, key);
    assert_int_equal(it_result_id(r, "retry"), first);
    it_resp_free(r);
    assert_int_equal(it_db_ll("SELECT count(*) FROM agency.clients WHERE name = $1", 1, name), 1);
    it_close(ae);
}

/* ---- assignment ---- */

/* True when an event map names the client: client_id, or an array client_ids / ids holding it. */
static bool event_names(const msgpack_object *ev, uint64_t client)
{
    uint64_t v = 0;
    if (it_u64(ev, "client_id", &v) && v == client)
        return true;
    static const char *const keys[] = {"client_ids", "ids"};
    for (size_t k = 0; k < 2; k++) {
        const msgpack_object *a = it_get(ev, keys[k]);
        for (uint32_t i = 0; a && a->type == MSGPACK_OBJECT_ARRAY && i < a->via.array.size; i++)
            if (a->via.array.ptr[i].type == MSGPACK_OBJECT_POSITIVE_INTEGER &&
                a->via.array.ptr[i].via.u64 == client)
                return true;
    }
    return false;
}

static void test_assign_history_and_event(void **state)
{
    (void)state;
    char name[96], uniq[64], user[64], pw[160], buf[128];
    it_conn *d = it_session("AGENCY_DEMO_DIRECTOR", NULL);
    uint64_t mgr_id = 0, ae_id = 0, layla = 0;
    it_conn *mgr = it_session("AGENCY_DEMO_MANAGER", &mgr_id);
    it_conn *ae = it_session("AGENCY_DEMO_AE", &ae_id);
    it_cred("AGENCY_DEMO_AE", user, pw);
    it_conn *lc = it_session_user("layla.mansour", pw, &layla);
    snprintf(name, sizeof name, "Handover Client %s", it_uniq("", uniq, sizeof uniq));
    uint64_t id = it_client_create_forced(d, name, ae_id);
    uint64_t ids[1] = {id};
    assert_int_equal(db_count1("SELECT count(*) FROM agency.client_owners WHERE client_id ="
                               " $1::bigint AND valid_to IS NULL",
                               id),
                     1);

    IT_CALL_ERR(mgr, "invalid", "assign without a reason", "client.assign", "ids:I owner_id:u", ids,
                (size_t)1, (unsigned long long)layla);
    it_resp *r = IT_CALL_OK(mgr, "manager assigns within the team", "client.assign",
                            "ids:I owner_id:u reason:s", ids, (size_t)1, (unsigned long long)layla,
                            "Mehmet moves to the Milano launch");
    uint64_t n = 0;
    assert_true(it_u64(r->result, "assigned", &n));
    assert_int_equal(n, 1);
    it_resp_free(r);

    char cid[32];
    u64s(cid, sizeof cid, id);
    assert_int_equal(db_count1("SELECT owner_id FROM agency.clients WHERE id = $1::bigint", id),
                     (long long)layla);
    /* history: the AE's row closed, layla's open, by the manager with the reason */
    assert_int_equal(db_count1("SELECT count(*) FROM agency.client_owners WHERE client_id ="
                               " $1::bigint",
                               id),
                     2);
    char first_from[64];
    it_db_text(first_from, sizeof first_from,
               "SELECT valid_from::text FROM agency.client_owners WHERE client_id = $1::bigint"
               " ORDER BY valid_from, id LIMIT 1",
               1, cid);
    char aid[32], lid[32], mid[32];
    u64s(aid, sizeof aid, ae_id);
    u64s(lid, sizeof lid, layla);
    u64s(mid, sizeof mid, mgr_id);
    assert_int_equal(it_db_ll("SELECT count(*) FROM agency.client_owners WHERE client_id ="
                              " $1::bigint AND owner_id = $2::bigint AND valid_to IS NOT NULL"
                              " AND valid_to >= valid_from",
                              2, cid, aid),
                     1);
    assert_int_equal(it_db_ll("SELECT count(*) FROM agency.client_owners WHERE client_id ="
                              " $1::bigint AND owner_id = $2::bigint AND valid_to IS NULL AND"
                              " assigned_by = $3::bigint AND reason = $4",
                              4, cid, lid, mid, "Mehmet moves to the Milano launch"),
                     1);
    /* the AE no longer sees it; a second move adds a row and keeps the first untouched */
    IT_CALL_ERR(ae, "not_found", "the former owner", "client.get", "id:u", (unsigned long long)id);
    r = IT_CALL_OK(d, "director moves it back", "client.assign", "ids:I owner_id:u reason:s", ids,
                   (size_t)1, (unsigned long long)ae_id, "Back from Milano");
    it_resp_free(r);
    assert_int_equal(db_count1("SELECT count(*) FROM agency.client_owners WHERE client_id ="
                               " $1::bigint",
                               id),
                     3);
    assert_int_equal(db_count1("SELECT count(*) FROM agency.client_owners WHERE client_id ="
                               " $1::bigint AND valid_to IS NULL",
                               id),
                     1);
    assert_string_equal(it_db_text(buf, sizeof buf,
                                   "SELECT valid_from::text FROM agency.client_owners WHERE"
                                   " client_id = $1::bigint ORDER BY valid_from, id LIMIT 1",
                                   1, cid),
                        first_from);
    /* the application role cannot rewrite or remove history: at most it closes a row */
    assert_int_equal(it_db_ll("SELECT count(*) FROM unnest(ARRAY['client_id', 'owner_id',"
                              " 'valid_from', 'assigned_by', 'reason']) c WHERE"
                              " has_column_privilege('agency_app', 'agency.client_owners', c,"
                              " 'UPDATE')",
                              0),
                     0);
    assert_int_equal(it_db_ll("SELECT count(*) FROM unnest(ARRAY['DELETE', 'TRUNCATE']) p WHERE"
                              " has_table_privilege('agency_app', 'agency.client_owners', p)",
                              0),
                     0);

    /* the new owner's connection was told, without asking (read last, so that the history
       above is checked even when no event comes) */
    r = it_recv_event(lc, "client.assigned", 10000);
    if (r->status != IT_OK)
        it_fail("layla's session got no client.assigned event: %s", it_resp_str(r));
    if (!event_names(r->result, id))
        it_fail("the client.assigned event does not name client %llu (client_id, client_ids)",
                (unsigned long long)id);
    it_resp_free(r);
    it_close(lc);
    it_close(ae);
    it_close(mgr);
    it_close(d);
}

static void test_deactivation_hands_clients_over(void **state)
{
    (void)state;
    char user[64], name[96], uniq[64], uid[32];
    it_conn *d = it_session("AGENCY_DEMO_DIRECTOR", NULL);
    uint64_t leaver = it_create_user(d, "leaver", "ae", PW, user, sizeof user);
    uint64_t layla = user_id(d, "layla.mansour");
    for (int i = 0; i < 4; i++) {
        snprintf(name, sizeof name, "Leaver Client %d %s", i, it_uniq("", uniq, sizeof uniq));
        it_client_create_forced(d, name, leaver);
    }
    u64s(uid, sizeof uid, leaver);
    assert_int_equal(
        it_db_ll("SELECT count(*) FROM agency.clients WHERE owner_id = $1::bigint", 1, uid), 4);
    it_resp *r = IT_CALL_OK(d, "deactivate with hand-over", "user.deactivate", "id:u reassign_to:u",
                            (unsigned long long)leaver, (unsigned long long)layla);
    it_resp_free(r);
    assert_int_equal(
        it_db_ll("SELECT count(*) FROM agency.clients WHERE owner_id = $1::bigint", 1, uid), 0);
    /* all four moved to layla in one transaction: one common valid_from on the new rows */
    char lid[32];
    u64s(lid, sizeof lid, layla);
    assert_int_equal(it_db_ll("SELECT count(*) FROM agency.client_owners o JOIN agency.clients c"
                              " ON c.id = o.client_id WHERE c.name LIKE 'Leaver Client %'"
                              " AND o.owner_id = $1::bigint AND o.valid_to IS NULL"
                              " AND c.id IN (SELECT client_id FROM agency.client_owners"
                              "  WHERE owner_id = $2::bigint)",
                              2, lid, uid),
                     4);
    assert_int_equal(it_db_ll("SELECT count(DISTINCT o.valid_from) FROM agency.client_owners o"
                              " WHERE o.valid_to IS NULL AND o.client_id IN (SELECT client_id"
                              " FROM agency.client_owners WHERE owner_id = $1::bigint)",
                              1, uid),
                     1);
    assert_int_equal(it_db_ll("SELECT count(*) FROM agency.client_owners WHERE owner_id ="
                              " $1::bigint AND valid_to IS NOT NULL",
                              1, uid),
                     4);
    /* a hand-over to someone who cannot own clients is refused and moves nothing */
    uint64_t leaver2 = it_create_user(d, "leaver", "ae", PW, user, sizeof user);
    snprintf(name, sizeof name, "Leaver Client X %s", it_uniq("", uniq, sizeof uniq));
    uint64_t kept = it_client_create_forced(d, name, leaver2);
    uint64_t finance = user_id(d, "sam.carter");
    r = it_call(d, "user.deactivate", "id:u reassign_to:u", (unsigned long long)leaver2,
                (unsigned long long)finance);
    if (r->status == IT_OK)
        it_fail("clients were handed over to a finance account");
    it_resp_free(r);
    assert_int_equal(db_count1("SELECT owner_id FROM agency.clients WHERE id = $1::bigint", kept),
                     (long long)leaver2);
    it_close(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_duplicates_across_scripts),
        cmocka_unit_test(test_registration_number_duplicate),
        cmocka_unit_test(test_concurrent_update_conflict),
        cmocka_unit_test(test_idempotent_create),
        cmocka_unit_test(test_assign_history_and_event),
        cmocka_unit_test(test_deactivation_hands_clients_over),
    };
    return cmocka_run_group_tests(tests, NULL, it_teardown);
}
