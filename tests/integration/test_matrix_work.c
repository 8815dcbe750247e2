/*
 * test_matrix_work.c - the permission matrix of the account work: every contract, campaign,
 * job and review operation x role (AE, manager, director, finance) x the target's scope (own,
 * same team, other team), driven through the protocol; each cell's answer is written down
 * below, each denial must leave an audit row, and the database must change exactly when the
 * answer is ok.
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

typedef unsigned long long ull;

/*
 * Callers and scopes as in test_matrix.c: the demo AE mehmet.yilmaz, the manager fatima.haddad
 * (manages his team), the director li.wei and finance sam.carter; targets belong to clients
 * owned by the AE, his teammate layla.mansour, the manager, or giulia.rossi of another team.
 *   AE:       own = the AE's client,      team = layla's client, other = giulia's client
 *   manager:  own = the manager's client, team = the AE's client, other = giulia's client
 *   director and finance: the AE's row's clients.
 * Every cell gets fresh targets made by the director: a client, a draft contract ending in 30
 * days, a campaign in brief, a job card with one task assigned to the client's owner.
 * Answers: ok, hidden (a list that does not show the target; not_found is as good for a list
 * filtered by the target's client or campaign), forbidden, not_found.
 */
struct row {
    const char *op;
    const char *cell[4][3]; /* ae, manager, director, finance x own, team, other */
};

#define SCOPED                                                                                     \
    {                                                                                              \
        {"ok", "not_found", "not_found"}, {"ok", "ok", "not_found"}, {"ok", "ok", "ok"},           \
        {                                                                                          \
            "forbidden", "forbidden", "forbidden"                                                  \
        }                                                                                          \
    }
#define SCOPED_FIN_READS                                                                           \
    {                                                                                              \
        {"ok", "not_found", "not_found"}, {"ok", "ok", "not_found"}, {"ok", "ok", "ok"},           \
        {                                                                                          \
            "ok", "ok", "ok"                                                                       \
        }                                                                                          \
    }
#define LISTED                                                                                     \
    {                                                                                              \
        {"ok", "hidden", "hidden"}, {"ok", "ok", "hidden"}, {"ok", "ok", "ok"},                    \
        {                                                                                          \
            "forbidden", "forbidden", "forbidden"                                                  \
        }                                                                                          \
    }
#define LISTED_FIN_READS                                                                           \
    {                                                                                              \
        {"ok", "hidden", "hidden"}, {"ok", "ok", "hidden"}, {"ok", "ok", "ok"},                    \
        {                                                                                          \
            "ok", "ok", "ok"                                                                       \
        }                                                                                          \
    }

static const struct row matrix[] = {
    {"contract.create", SCOPED},
    {"contract.get", SCOPED_FIN_READS},
    {"contract.list", LISTED_FIN_READS},
    {"contract.update", SCOPED},
    /* only a manager or a director signs: the AE's own contract answers forbidden */
    {"contract.transition",
     {{"forbidden", "not_found", "not_found"},
      {"ok", "ok", "not_found"},
      {"ok", "ok", "ok"},
      {"forbidden", "forbidden", "forbidden"}}},
    {"contract.renewals", LISTED_FIN_READS},
    {"campaign.create", SCOPED},
    {"campaign.get", SCOPED_FIN_READS},
    {"campaign.list", LISTED_FIN_READS},
    {"campaign.update", SCOPED},
    {"campaign.transition", SCOPED},
    {"campaign.report", SCOPED},
    {"campaign.reports", SCOPED},
    {"job.open", SCOPED},
    {"job.get", SCOPED},
    {"job.minutes", SCOPED},
    {"job.task", SCOPED},
    {"job.task_done", SCOPED},
    {"job.close", SCOPED},
    {"job.list", LISTED},
    {"review.record", SCOPED},
    {"review.list", LISTED},
};

struct target {
    uint64_t client, contract, campaign, job, task;
};

static struct {
    it_conn *caller[CA_N];
    uint64_t caller_id[CA_N];
    uint64_t owner_id[OW_N];
    char start[16], end[16];
} fx;

static uint64_t id_of(it_resp *r, const char *what)
{
    uint64_t id = it_result_id(r, what);
    it_resp_free(r);
    return id;
}

static char *s_of(char *buf, uint64_t v)
{
    snprintf(buf, 24, "%llu", (ull)v);
    return buf;
}

static void make_target(enum owner ow, struct target *t)
{
    char uniq[64], name[96], num[96];
    it_conn *d = fx.caller[CA_DIRECTOR];
    it_uniq("", uniq, sizeof uniq);
    snprintf(name, sizeof name, "Work Matrix %d %s", (int)ow, uniq);
    snprintf(num, sizeof num, "WM-%s", uniq);
    t->client = it_client_create_forced(d, name, fx.owner_id[ow]);
    t->contract =
        id_of(IT_CALL_OK(d, "fixture contract", "contract.create",
                         "client_id:u number:s title:s starts_on:s ends_on:s amount:u "
                         "currency:s",
                         (ull)t->client, num, "Retainer", fx.start, fx.end, 100ULL, "EUR"),
              "fixture contract");
    t->campaign = id_of(IT_CALL_OK(d, "fixture campaign", "campaign.create",
                                   "client_id:u name:s objectives:s budget_amount:u currency:s "
                                   "starts_on:s ends_on:s",
                                   (ull)t->client, "Matrix campaign", "Objectives", 100ULL, "EUR",
                                   fx.start, fx.end),
                        "fixture campaign");
    t->job = id_of(IT_CALL_OK(d, "fixture job", "job.open", "campaign_id:u title:s",
                              (ull)t->campaign, "Matrix job"),
                   "fixture job");
    char id[24];
    it_resp *r =
        IT_CALL_OK(d, "fixture task", "job.task", "job_id:u title:s assignee_id:u due_on:s",
                   (ull)t->job, "Matrix task", (ull)fx.owner_id[ow], fx.end);
    it_resp_free(r);
    t->task = (uint64_t)it_db_ll("SELECT max(id) FROM agency.job_tasks WHERE job_id = $1::bigint",
                                 1, s_of(id, t->job));
}

struct cell {
    const char *op;
    enum caller ca;
    struct target t;
    char note[96];
};

static bool is(const struct cell *cl, const char *op)
{
    return strcmp(cl->op, op) == 0;
}

static long long version_of(const char *table, uint64_t id)
{
    char sql[128], s[24];
    snprintf(sql, sizeof sql, "SELECT version FROM agency.%s WHERE id = $1::bigint", table);
    return it_db_ll(sql, 1, s_of(s, id));
}

static it_resp *cell_call(struct cell *cl, long long *before)
{
    it_conn *c = fx.caller[cl->ca];
    const struct target *t = &cl->t;
    char uniq[64];
    snprintf(cl->note, sizeof cl->note, "WMN-%s", it_uniq("", uniq, sizeof uniq));
    *before = 0;
    if (is(cl, "contract.create"))
        return it_call(c, cl->op,
                       "client_id:u number:s title:s starts_on:s ends_on:s amount:u currency:s",
                       (ull)t->client, cl->note, "T", fx.start, fx.end, 1ULL, "EUR");
    if (is(cl, "contract.get"))
        return it_call(c, cl->op, "id:u", (ull)t->contract);
    if (is(cl, "contract.list"))
        return it_call(c, cl->op, "client_id:u", (ull)t->client);
    if (is(cl, "contract.update")) {
        *before = version_of("contracts", t->contract);
        return it_call(c, cl->op, "id:u version:u title:s", (ull)t->contract, (ull)*before,
                       cl->note);
    }
    if (is(cl, "contract.transition"))
        return it_call(c, cl->op, "id:u to:s", (ull)t->contract, "active");
    if (is(cl, "contract.renewals"))
        return it_call(c, cl->op, "within_days:u", 60ULL);
    if (is(cl, "campaign.create"))
        return it_call(c, cl->op,
                       "client_id:u name:s objectives:s budget_amount:u currency:s starts_on:s "
                       "ends_on:s",
                       (ull)t->client, cl->note, "O", 1ULL, "EUR", fx.start, fx.end);
    if (is(cl, "campaign.get"))
        return it_call(c, cl->op, "id:u", (ull)t->campaign);
    if (is(cl, "campaign.list"))
        return it_call(c, cl->op, "client_id:u", (ull)t->client);
    if (is(cl, "campaign.update")) {
        *before = version_of("campaigns", t->campaign);
        return it_call(c, cl->op, "id:u version:u name:s", (ull)t->campaign, (ull)*before,
                       cl->note);
    }
    if (is(cl, "campaign.transition"))
        return it_call(c, cl->op, "id:u to:s note:s", (ull)t->campaign, "proposal", cl->note);
    if (is(cl, "campaign.report"))
        return it_call(c, cl->op, "campaign_id:u kind:s summary:s", (ull)t->campaign, "progress",
                       cl->note);
    if (is(cl, "campaign.reports"))
        return it_call(c, cl->op, "campaign_id:u", (ull)t->campaign);
    if (is(cl, "job.open"))
        return it_call(c, cl->op, "campaign_id:u title:s", (ull)t->campaign, cl->note);
    if (is(cl, "job.get"))
        return it_call(c, cl->op, "id:u", (ull)t->job);
    if (is(cl, "job.minutes"))
        return it_call(c, cl->op, "id:u minutes:s", (ull)t->job, cl->note);
    if (is(cl, "job.task"))
        return it_call(c, cl->op, "job_id:u title:s assignee_id:u due_on:s", (ull)t->job, cl->note,
                       (ull)fx.caller_id[CA_DIRECTOR], fx.end);
    if (is(cl, "job.task_done"))
        return it_call(c, cl->op, "task_id:u", (ull)t->task);
    if (is(cl, "job.close"))
        return it_call(c, cl->op, "id:u reason:s", (ull)t->job, cl->note);
    if (is(cl, "job.list"))
        return it_call(c, cl->op, "campaign_id:u", (ull)t->campaign);
    if (is(cl, "review.record"))
        return it_call(c, cl->op, "client_id:u kind:s score:u notes:s", (ull)t->client, "survey",
                       7ULL, cl->note);
    return it_call(c, "review.list", "client_id:u", (ull)t->client);
}

/* For a list: whether it shows the target. */
static bool shows(const struct cell *cl, const it_resp *r)
{
    uint64_t want = is(cl, "contract.list") || is(cl, "contract.renewals") ? cl->t.contract
                    : is(cl, "campaign.list")                              ? cl->t.campaign
                    : is(cl, "job.list")                                   ? cl->t.job
                                                                           : 0;
    uint32_t n = 0;
    const msgpack_object *items = it_items(r->result, &n);
    if (is(cl, "review.list"))
        return n == 1; /* the fixture's review, recorded by the director */
    for (uint32_t i = 0; i < n; i++) {
        uint64_t v = 0;
        if (it_u64(&items[i], "id", &v) && v == want)
            return true;
    }
    return false;
}

static bool is_list(const struct cell *cl)
{
    return is(cl, "contract.list") || is(cl, "contract.renewals") || is(cl, "campaign.list") ||
           is(cl, "job.list") || is(cl, "review.list");
}

/* 1 when the cell's change is in the database, 0 when not, -1 for a read. */
static int changed(const struct cell *cl, long long before)
{
    char a[24];
    const struct target *t = &cl->t;
    if (is(cl, "contract.create"))
        return it_db_ll("SELECT count(*) FROM agency.contracts WHERE number = $1", 1, cl->note) ==
               1;
    if (is(cl, "contract.update"))
        return version_of("contracts", t->contract) != before;
    if (is(cl, "contract.transition"))
        return it_db_ll("SELECT count(*) FROM agency.contracts WHERE id = $1::bigint"
                        " AND status = 'active'",
                        1, s_of(a, t->contract)) == 1;
    if (is(cl, "campaign.create"))
        return it_db_ll("SELECT count(*) FROM agency.campaigns WHERE name = $1", 1, cl->note) == 1;
    if (is(cl, "campaign.update"))
        return version_of("campaigns", t->campaign) != before;
    if (is(cl, "campaign.transition") || is(cl, "campaign.report"))
        return it_db_ll("SELECT count(*) FROM agency.campaign_reports WHERE summary = $1", 1,
                        cl->note) == 1;
    if (is(cl, "job.open"))
        return it_db_ll("SELECT count(*) FROM agency.jobs WHERE title = $1", 1, cl->note) == 1;
    if (is(cl, "job.minutes"))
        return it_db_ll("SELECT count(*) FROM agency.jobs WHERE minutes = $1", 1, cl->note) == 1;
    if (is(cl, "job.task"))
        return it_db_ll("SELECT count(*) FROM agency.job_tasks WHERE title = $1", 1, cl->note) == 1;
    if (is(cl, "job.task_done"))
        return it_db_ll("SELECT count(*) FROM agency.job_tasks WHERE id = $1::bigint"
                        " AND done_at IS NOT NULL",
                        1, s_of(a, t->task)) == 1;
    if (is(cl, "job.close"))
        return it_db_ll("SELECT count(*) FROM agency.jobs WHERE close_reason = $1", 1, cl->note) ==
               1;
    if (is(cl, "review.record"))
        return it_db_ll("SELECT count(*) FROM agency.reviews WHERE notes = $1", 1, cl->note) == 1;
    return -1;
}

static long long denials(const char *op, uint64_t uid)
{
    char id[24];
    return it_db_ll("SELECT count(*) FROM agency.audit_log WHERE op = $1 AND user_id = $2::bigint"
                    " AND outcome IN ('denied', 'forbidden', 'not_found')",
                    2, op, s_of(id, uid));
}

static bool run_cell(const char *op, enum caller ca, int scope, const char *expect)
{
    struct cell cl = {.op = op, .ca = ca};
    enum owner ow = scope_owner[ca][scope];
    make_target(ow, &cl.t);
    if (is(&cl, "contract.renewals")) {
        it_resp *r = IT_CALL_OK(fx.caller[CA_DIRECTOR], "activate", "contract.transition",
                                "id:u to:s", (ull)cl.t.contract, "active");
        it_resp_free(r);
    }
    if (is(&cl, "review.list")) {
        it_resp *r = IT_CALL_OK(fx.caller[CA_DIRECTOR], "review", "review.record",
                                "client_id:u kind:s score:u", (ull)cl.t.client, "survey", 8ULL);
        it_resp_free(r);
    }
    long long denied = denials(op, fx.caller_id[ca]), before = 0;
    it_resp *r = cell_call(&cl, &before);
    char got[64];
    if (r->status == IT_OK)
        snprintf(got, sizeof got, "%s", !is_list(&cl) || shows(&cl, r) ? "ok" : "hidden");
    else
        snprintf(got, sizeof got, "%s", r->status == IT_ERROR ? r->code : it_resp_str(r));
    bool match = strcmp(got, expect) == 0 ||
                 (strcmp(expect, "hidden") == 0 && strcmp(got, "not_found") == 0 &&
                  !is(&cl, "contract.renewals"));
    if (!match) {
        fprintf(stderr, "MISMATCH %-20s %-8s %-5s expected %-10s got %s\n", op, caller_roles[ca],
                scope_names[scope], expect, r->status == IT_OK ? got : it_resp_str(r));
        it_resp_free(r);
        return false;
    }
    if (strcmp(got, "forbidden") == 0 || strcmp(got, "not_found") == 0) {
        long long after = denials(op, fx.caller_id[ca]);
        if (after != denied + 1)
            it_fail("%s denied to %s (%s): %lld audit rows before, %lld after", op,
                    caller_roles[ca], scope_names[scope], denied, after);
    }
    int ch = changed(&cl, before);
    if (ch >= 0 && ch != (r->status == IT_OK))
        it_fail("%s as %s (%s): the answer was %s but the database %s", op, caller_roles[ca],
                scope_names[scope], got, ch ? "changed" : "holds no change");
    it_resp_free(r);
    return true;
}

static void date_in(char *buf, int days)
{
    time_t t = time(NULL) + (time_t)days * 86400;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, 16, "%Y-%m-%d", &tm);
}

static void test_work_matrix(void **state)
{
    (void)state;
    static const char *const keys[CA_N] = {"AGENCY_DEMO_AE", "AGENCY_DEMO_MANAGER",
                                           "AGENCY_DEMO_DIRECTOR", "AGENCY_DEMO_FINANCE"};
    char user[64], pw[160];
    for (int i = 0; i < CA_N; i++)
        fx.caller[i] = it_session(keys[i], &fx.caller_id[i]);
    fx.owner_id[OW_AE] = fx.caller_id[CA_AE];
    fx.owner_id[OW_MANAGER] = fx.caller_id[CA_MANAGER];
    it_cred("AGENCY_DEMO_AE", user, pw);
    it_conn *l = it_session_user("layla.mansour", pw, &fx.owner_id[OW_TEAMMATE]);
    it_conn *g = it_session("AGENCY_DEMO_AE_OTHER", &fx.owner_id[OW_OTHER]);
    it_close(l);
    it_close(g);
    date_in(fx.start, -300);
    date_in(fx.end, 30);

    /* every operation of the area is in the matrix */
    it_resp *meta = IT_CALL_OK(fx.caller[CA_DIRECTOR], "meta.operations", "meta.operations", "");
    const msgpack_object *ops = it_get(meta->result, "operations");
    assert_non_null(ops);
    size_t nrows = sizeof matrix / sizeof matrix[0], area_ops = 0;
    for (uint32_t i = 0; ops->type == MSGPACK_OBJECT_ARRAY && i < ops->via.array.size; i++) {
        char name[64];
        if (!it_str(&ops->via.array.ptr[i], "name", name, sizeof name))
            continue;
        if (strncmp(name, "contract.", 9) && strncmp(name, "campaign.", 9) &&
            strncmp(name, "job.", 4) && strncmp(name, "review.", 7))
            continue;
        area_ops++;
        bool found = false;
        for (size_t k = 0; k < nrows; k++)
            found |= strcmp(matrix[k].op, name) == 0;
        if (!found)
            it_fail("the matrix lacks %s", name);
    }
    it_resp_free(meta);
    assert_int_equal(area_ops, nrows);

    int cells = 0, bad = 0;
    for (size_t i = 0; i < nrows; i++)
        for (int ca = 0; ca < CA_N; ca++)
            for (int s = 0; s < 3; s++) {
                cells++;
                bad += !run_cell(matrix[i].op, (enum caller)ca, s, matrix[i].cell[ca][s]);
            }
    printf("work permission matrix: %d cells (%zu operations x 4 roles x own/team/other), %d "
           "mismatched\n",
           cells, nrows, bad);
    for (int i = 0; i < CA_N; i++)
        it_close(fx.caller[i]);
    if (bad > 0)
        it_fail("%d of %d cells answered otherwise than written down", bad, cells);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_work_matrix),
    };
    return cmocka_run_group_tests(tests, NULL, it_teardown);
}
