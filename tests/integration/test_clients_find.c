/*
 * test_clients_find.c - finding clients and follow-ups through the protocol: client.list {q}
 * by contact name and registration number, ranked, with keyset paging that answers every row
 * once; the agenda's overdue and upcoming windows for an AE and a manager's team.
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

/* ---- helpers ---- */

/* ---- search ---- */

/* Ids of every item client.list {q} answers, page by page with limit; returns the count and
 * fails on a page error. Stops after 200 pages. */
static int list_all(it_conn *c, const char *q, unsigned limit, uint64_t *ids, int max)
{
    char cursor[512] = "";
    int n = 0;
    for (int page = 0; page < 200; page++) {
        it_resp *r = cursor[0]
                         ? it_call(c, "client.list", "q:s limit:u cursor:s", q,
                                   (unsigned long long)limit, cursor)
                         : it_call(c, "client.list", "q:s limit:u", q, (unsigned long long)limit);
        it_assert_ok(r, "client.list page");
        uint32_t count;
        const msgpack_object *items = it_items(r->result, &count);
        if (items == NULL && count == 0 && it_get(r->result, "items") == NULL)
            it_fail("client.list: no items");
        if (count > limit)
            it_fail("client.list answered %u items for limit %u", count, limit);
        for (uint32_t i = 0; i < count && n < max; i++)
            if (!it_u64(&items[i], "id", &ids[n++]))
                it_fail("client.list item without id");
        bool more = it_str(r->result, "next_cursor", cursor, sizeof cursor) != NULL;
        it_resp_free(r);
        if (!more)
            return n;
    }
    it_fail("client.list did not end within 200 pages");
    return n;
}

static int index_of(const uint64_t *ids, int n, uint64_t id)
{
    for (int i = 0; i < n; i++)
        if (ids[i] == id)
            return i;
    return -1;
}

static void test_search_and_paging(void **state)
{
    (void)state;
    char tok[48], name[160], contact[160], reg[64];
    uint64_t ae_id = 0, ids[600];
    it_conn *ae = it_session("AGENCY_DEMO_AE", &ae_id);
    it_conn *d = it_session("AGENCY_DEMO_DIRECTOR", NULL);
    it_uniq("", tok, sizeof tok);
    for (char *p = tok; *p; p++)
        if (*p == '-')
            *p = 'x';

    /* by contact name (Chinese and Latin) and by registration number */
    snprintf(name, sizeof name, "Harbour Lights %s", tok);
    snprintf(reg, sizeof reg, "HL-%s", tok);
    it_resp *r = IT_CALL_OK(ae, "client to search", "client.create",
                            "name:s registration_no:s force:b", name, reg, 1);
    uint64_t target = it_result_id(r, "client.create");
    it_resp_free(r);
    snprintf(contact, sizeof contact, "\xe7\x8e\x8b\xe5\xb0\x8f\xe6\x98\x8e Wang%s", tok);
    r = IT_CALL_OK(ae, "its contact", "contact.create", "client_id:u name:s",
                   (unsigned long long)target, contact);
    it_resp_free(r);
    int n = list_all(ae, contact, 50, ids, 600);
    if (index_of(ids, n, target) < 0)
        it_fail("client.list {q: contact name} does not find the client");
    n = list_all(ae, reg, 50, ids, 600);
    if (index_of(ids, n, target) != 0)
        it_fail("client.list {q: registration number} does not rank the client first");

    /* ranking: the closest name first */
    char close[160], far[160];
    snprintf(close, sizeof close, "Rankq%s", tok);
    snprintf(far, sizeof far, "Rankq%s Consolidated International Holdings Group", tok);
    uint64_t far_id = it_client_create_forced(ae, far, ae_id);
    uint64_t close_id = it_client_create_forced(ae, close, ae_id);
    n = list_all(ae, close, 50, ids, 600);
    int ci = index_of(ids, n, close_id), fi = index_of(ids, n, far_id);
    if (ci != 0 || fi < 0)
        it_fail("client.list {q: '%s'}: the exact name is at %d, the longer one at %d", close, ci,
                fi);

    /* keyset paging: 11 clients, pages of 3, each exactly once; also with rows added between
       pages the first pages' items do not come again */
    uint64_t made[11];
    for (int i = 0; i < 11; i++) {
        snprintf(name, sizeof name, "Pagecheck%s %02d", tok, i);
        made[i] = it_client_create_forced(d, name, ae_id);
    }
    snprintf(name, sizeof name, "Pagecheck%s", tok);
    n = list_all(ae, name, 3, ids, 600);
    for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++)
            if (ids[i] == ids[j])
                it_fail("client.list paging answered id %llu twice", (unsigned long long)ids[i]);
    for (int i = 0; i < 11; i++)
        if (index_of(ids, n, made[i]) < 0)
            it_fail("client.list paging lost client %d of 11", i);
    uint64_t all[600];
    int m = list_all(ae, name, 500, all, 600);
    assert_int_equal(m, n);
    it_close(d);
    it_close(ae);
}

/* ---- agenda ---- */

static bool agenda_has(const msgpack_object *arr, uint64_t activity, const char *client_name,
                       const char *due)
{
    char buf[256];
    if (arr == NULL || arr->type != MSGPACK_OBJECT_ARRAY)
        it_fail("agenda: a list is missing");
    for (uint32_t i = 0; i < arr->via.array.size; i++) {
        const msgpack_object *it = &arr->via.array.ptr[i];
        uint64_t id = 0;
        if (!it_u64(it, "activity_id", &id) || id != activity)
            continue;
        if (it_str(it, "client_name", buf, sizeof buf) == NULL || strcmp(buf, client_name) != 0)
            it_fail("agenda item %llu: wrong client_name", (unsigned long long)id);
        if (it_str(it, "next_due", buf, sizeof buf) == NULL || strcmp(buf, due) != 0)
            it_fail("agenda item %llu: next_due '%s', expected %s", (unsigned long long)id, buf,
                    due);
        if (it_str(it, "next_action", buf, sizeof buf) == NULL || buf[0] == '\0')
            it_fail("agenda item %llu: no next_action", (unsigned long long)id);
        return true;
    }
    return false;
}

static uint64_t log_followup(it_conn *c, uint64_t client, const char *action, const char *due)
{
    it_resp *r = IT_CALL_OK(c, action, "activity.log",
                            "client_id:u kind:s summary:s next_action:s next_due:s",
                            (unsigned long long)client, "call", "Agenda call", action, due);
    uint64_t id = it_result_id(r, "activity.log");
    it_resp_free(r);
    return id;
}

static void test_agenda(void **state)
{
    (void)state;
    char name[96], uniq[64], d_over[11], d_soon[11], d_later[11], d_done[11], user[64], pw[160];
    uint64_t ae_id = 0, layla = 0;
    it_conn *ae = it_session("AGENCY_DEMO_AE", &ae_id);
    it_conn *mgr = it_session("AGENCY_DEMO_MANAGER", NULL);
    it_cred("AGENCY_DEMO_AE", user, pw);
    it_conn *lc = it_session_user("layla.mansour", pw, &layla);
    snprintf(name, sizeof name, "Agenda Client %s", it_uniq("", uniq, sizeof uniq));
    uint64_t client = it_client_create_forced(ae, name, ae_id);
    uint64_t over = log_followup(ae, client, "Send the signed brief", it_day(d_over, -2));
    uint64_t soon = log_followup(ae, client, "Book the shoot", it_day(d_soon, 3));
    uint64_t later = log_followup(ae, client, "Quarterly review", it_day(d_later, 20));
    uint64_t done = log_followup(ae, client, "Already handled", it_day(d_done, -1));
    it_resp *r = IT_CALL_OK(ae, "activity.done", "activity.done", "id:u", (unsigned long long)done);
    char first_done[40], again_done[40];
    if (!it_str(r->result, "done_at", first_done, sizeof first_done))
        it_fail("activity.done: no done_at in %s", it_resp_str(r));
    it_resp_free(r);
    /* done again (a retry, a colleague): answered ok with the first done_at, not a conflict */
    r = IT_CALL_OK(ae, "activity.done again", "activity.done", "id:u", (unsigned long long)done);
    if (!it_str(r->result, "done_at", again_done, sizeof again_done) ||
        strcmp(first_done, again_done) != 0)
        it_fail("activity.done again changed done_at: %s", it_resp_str(r));
    it_resp_free(r);
    char lname[96];
    snprintf(lname, sizeof lname, "Agenda Teammate %s", it_uniq("", uniq, sizeof uniq));
    uint64_t lclient = it_client_create_forced(lc, lname, layla);
    uint64_t lsoon = log_followup(lc, lclient, "Teammate follow-up", d_soon);

    r = IT_CALL_OK(ae, "agenda 7 days", "agenda", "days:u", 7ULL);
    const msgpack_object *o = it_get(r->result, "overdue"), *u = it_get(r->result, "upcoming");
    if (!agenda_has(o, over, name, d_over))
        it_fail("agenda: the follow-up due two days ago is not overdue");
    if (agenda_has(u, over, name, d_over))
        it_fail("agenda: an overdue follow-up is listed as upcoming");
    if (!agenda_has(u, soon, name, d_soon) || agenda_has(o, soon, name, d_soon))
        it_fail("agenda: the follow-up due in three days is not (only) upcoming");
    if (agenda_has(u, later, name, d_later) || agenda_has(o, later, name, d_later))
        it_fail("agenda {days: 7}: a follow-up due in 20 days is listed");
    if (agenda_has(u, done, name, d_done) || agenda_has(o, done, name, d_done))
        it_fail("agenda: a follow-up marked done is listed");
    if (agenda_has(u, lsoon, lname, d_soon) || agenda_has(o, lsoon, lname, d_soon))
        it_fail("agenda: the AE sees a teammate's follow-up");
    it_resp_free(r);

    /* the generic item keys (sql/025) beside the follow-up's own */
    r = IT_CALL_OK(ae, "agenda 7 days", "agenda", "days:u", 7ULL);
    const msgpack_object *first = &it_get(r->result, "overdue")->via.array.ptr[0];
    char item[32], due[16];
    if (!it_str(first, "item", item, sizeof item) || strcmp(item, "follow_up") != 0 ||
        !it_str(first, "due", due, sizeof due) || !it_get(first, "title") ||
        !it_get(first, "owner"))
        it_fail("agenda: a follow-up lacks item, due, title or owner");
    it_resp_free(r);
    /* an AE has no team view: team: true answers their own agenda and says team: false */
    r = IT_CALL_OK(ae, "AE team agenda", "agenda", "days:u team:b", 7ULL, 1);
    bool team = true;
    if (!it_bool(r->result, "team", &team) || team)
        it_fail("agenda {team: true} as an AE answers team: true");
    if (agenda_has(it_get(r->result, "upcoming"), lsoon, lname, d_soon))
        it_fail("agenda {team: true}: the AE sees a teammate's follow-up");
    it_resp_free(r);

    r = IT_CALL_OK(ae, "agenda 30 days", "agenda", "days:u", 30ULL);
    if (!agenda_has(it_get(r->result, "upcoming"), later, name, d_later))
        it_fail("agenda {days: 30}: the follow-up due in 20 days is missing");
    it_resp_free(r);
    r = IT_CALL_OK(ae, "agenda 0 days", "agenda", "days:u", 0ULL);
    if (agenda_has(it_get(r->result, "upcoming"), soon, name, d_soon))
        it_fail("agenda {days: 0}: a follow-up due in three days is upcoming");
    if (!agenda_has(it_get(r->result, "overdue"), over, name, d_over))
        it_fail("agenda {days: 0}: the overdue follow-up is missing");
    it_resp_free(r);

    /* the manager: her own by default, the team's on request */
    r = IT_CALL_OK(mgr, "manager agenda", "agenda", "days:u", 7ULL);
    if (agenda_has(it_get(r->result, "upcoming"), soon, name, d_soon))
        it_fail("the manager's own agenda lists the AE's follow-up");
    it_resp_free(r);
    r = IT_CALL_OK(mgr, "manager team agenda", "agenda", "days:u team:b", 7ULL, 1);
    if (!agenda_has(it_get(r->result, "upcoming"), soon, name, d_soon) ||
        !agenda_has(it_get(r->result, "upcoming"), lsoon, lname, d_soon) ||
        !agenda_has(it_get(r->result, "overdue"), over, name, d_over))
        it_fail("the manager's team agenda misses the team's follow-ups");
    team = false;
    if (!it_bool(r->result, "team", &team) || !team)
        it_fail("agenda {team: true} as the team's manager does not say team: true");
    it_resp_free(r);

    /* someone with nothing waiting: two empty lists, not a row of nulls */
    it_conn *dir = it_session("AGENCY_DEMO_DIRECTOR", NULL);
    char fresh[64];
    it_create_user(dir, "agenda", "ae", pw, fresh, sizeof fresh);
    it_conn *fc = it_session_user(fresh, pw, NULL);
    r = IT_CALL_OK(fc, "the new AE's own password", "auth.password",
                   "old_password:s new_password:s", pw, "quiet harbour lantern 2026");
    it_resp_free(r);
    r = IT_CALL_OK(fc, "an empty agenda", "agenda", "days:u", 90ULL);
    uint32_t n_over = 1, n_up = 1;
    const msgpack_object *o_over = it_get(r->result, "overdue"),
                         *o_up = it_get(r->result, "upcoming");
    if (o_over && o_over->type == MSGPACK_OBJECT_ARRAY)
        n_over = o_over->via.array.size;
    if (o_up && o_up->type == MSGPACK_OBJECT_ARRAY)
        n_up = o_up->via.array.size;
    if (n_over != 0 || n_up != 0 || !it_bool(r->result, "team", &team) || team)
        it_fail("a new AE's agenda is not empty: %s", it_resp_str(r));
    it_resp_free(r);
    it_close(fc);
    it_close(dir);
    it_close(lc);
    it_close(mgr);
    it_close(ae);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_search_and_paging),
        cmocka_unit_test(test_agenda),
    };
    return cmocka_run_group_tests(tests, NULL, it_teardown);
}
