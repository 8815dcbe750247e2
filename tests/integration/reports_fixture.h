/*
 * reports_fixture.h - contracts and campaigns written straight into the stack's database as the
 * owner role, for the reports' tests (the operations that create them live in another area):
 * each with exactly the dates, stages, amounts and currencies a test computes its totals from.
 */
#ifndef AGENCY_REPORTS_FIXTURE_H
#define AGENCY_REPORTS_FIXTURE_H

#include <stdio.h>

#include "itest.h"

/* The date in the Istanbul branch (the fresh accounts' branch) as "YYYY-MM-DD" into buf[16]:
 * what agency.today() answers an Istanbul caller while the clock is not moved. */
static inline const char *rf_istanbul_today(char buf[16])
{
    return it_db_text(buf, 16,
                      "SELECT (now() AT TIME ZONE timezone)::date::text FROM agency.branches"
                      " WHERE name = 'Istanbul'",
                      0);
}

/* A contract of client, ending `offset` days after today (Istanbul), with status (draft, active,
 * completed, void) and renews (0: none); signed and closed by `by`. Returns its id. */
static inline uint64_t rf_contract(uint64_t client, const char *number, int offset,
                                   long long amount, const char *currency, const char *status,
                                   uint64_t renews, uint64_t by)
{
    char c[24], off[24], amt[24], ren[24], who[24], today[16];
    snprintf(c, sizeof c, "%llu", (unsigned long long)client);
    snprintf(off, sizeof off, "%d", offset);
    snprintf(amt, sizeof amt, "%lld", amount);
    snprintf(ren, sizeof ren, "%llu", (unsigned long long)renews);
    snprintf(who, sizeof who, "%llu", (unsigned long long)by);
    rf_istanbul_today(today);
    return (uint64_t)it_db_ll(
        "INSERT INTO agency.contracts (client_id, number, title, starts_on, ends_on, amount,"
        " currency, status, renews_id, activated_at, activated_by, closed_at, closed_by,"
        " close_reason)"
        " SELECT $1::bigint, $2, 'Retainer ' || $2, $3::date + $4::int - 365, $3::date + $4::int,"
        " $5::bigint, $6, $7, nullif($8::bigint, 0),"
        " CASE WHEN $7 IN ('active', 'completed') THEN now() END,"
        " CASE WHEN $7 IN ('active', 'completed') THEN $9::bigint END,"
        " CASE WHEN $7 IN ('completed', 'void') THEN now() END,"
        " CASE WHEN $7 IN ('completed', 'void') THEN $9::bigint END,"
        " CASE WHEN $7 = 'void' THEN 'spoiled while filling it in' END"
        " RETURNING id",
        9, c, number, today, off, amt, currency, status, ren, who);
}

/* A campaign of client in stage status since `days` days ago, with budget in currency. */
static inline uint64_t rf_campaign(uint64_t client, const char *name, const char *status, int days,
                                   long long budget, const char *currency, uint64_t by)
{
    char c[24], d[24], b[24], who[24];
    snprintf(c, sizeof c, "%llu", (unsigned long long)client);
    snprintf(d, sizeof d, "%d", days);
    snprintf(b, sizeof b, "%lld", budget);
    snprintf(who, sizeof who, "%llu", (unsigned long long)by);
    return (uint64_t)it_db_ll(
        "INSERT INTO agency.campaigns (client_id, name, objectives, budget_amount, currency,"
        " starts_on, ends_on, status, status_changed_at, status_changed_by, closed_at, closed_by)"
        " SELECT $1::bigint, $2, 'Awareness', $3::bigint, $4, current_date, current_date + 60, $5,"
        " now() - make_interval(days => $6::int) - interval '1 hour', $7::bigint,"
        " CASE WHEN $5 IN ('closed', 'cancelled') THEN now() END,"
        " CASE WHEN $5 IN ('closed', 'cancelled') THEN $7::bigint END"
        " RETURNING id",
        7, c, name, b, currency, status, d, who);
}

/* A fresh account of role ("ae" or "manager": team Istanbul Brands) logged in, its first
 * password changed; *id gets its id. */
static inline it_conn *rf_new_session(it_conn *director, const char *prefix, const char *role,
                                      uint64_t *id)
{
    char username[64];
    *id = it_create_user(director, prefix, role, "report-tests-2026", username, sizeof username);
    it_conn *c = it_session_user(username, "report-tests-2026", NULL);
    it_resp *r =
        IT_CALL_OK(c, "first password change", "auth.password", "old_password:s new_password:s",
                   "report-tests-2026", "amber ledger quarterly 2026");
    it_resp_free(r);
    return c;
}

/* The id of the user called username. */
static inline uint64_t rf_user_id(const char *username)
{
    return (uint64_t)it_db_ll("SELECT id FROM agency.users WHERE username = $1", 1, username);
}

#endif
