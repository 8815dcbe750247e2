/*
 * test_clients_input.c - malformed, oversized, out-of-range and invalid-UTF-8 arguments to
 * every client, contact, activity, agenda and import operation: each answers invalid naming
 * the field, and nothing is stored (row counts compared through the owner role).
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

static int checked;

/* it_expect_invalid, counting the cases checked. */
static void expect_invalid(it_conn *c, const char *what, const char *field, const char *method,
                           const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    it_expect_invalidv(c, what, field, method, fmt, ap);
    va_end(ap);
    checked++;
}

/* A string of n copies of ch, malloc'd. */
static char *repeat(char ch, size_t n)
{
    char *s = malloc(n + 1);
    assert_non_null(s);
    memset(s, ch, n);
    s[n] = '\0';
    return s;
}

/* Rows of every table of client data, as one text (compared before and after). */
static void snapshot(char *buf, size_t size)
{
    it_db_text(buf, size,
               "SELECT concat_ws(' ', (SELECT count(*) FROM agency.clients),"
               " (SELECT count(*) FROM agency.client_secrets),"
               " (SELECT count(*) FROM agency.client_owners),"
               " (SELECT count(*) FROM agency.contacts),"
               " (SELECT count(*) FROM agency.activities),"
               " (SELECT count(*) FROM agency.import_batches),"
               " (SELECT count(*) FROM agency.import_rows),"
               " (SELECT sum(version) FROM agency.clients),"
               " (SELECT sum(version) FROM agency.contacts),"
               " (SELECT count(*) FROM agency.clients WHERE archived_at IS NOT NULL),"
               " (SELECT count(*) FROM agency.activities WHERE done_at IS NOT NULL))",
               0);
}

struct big {
    char *s201, *s501, *s20001;
};

static const char bad_utf8[] = "Bad\xc3\x28 name";   /* a lead byte without its continuation */
static const char overlong[] = "Bad\xc0\xaf name";   /* an overlong encoding of '/' */
static const char surrogate[] = "Bad\xed\xa0\x80 x"; /* a UTF-16 surrogate */

static void client_cases(it_conn *c, const struct big *b, unsigned long long cid)
{
    const char *m = "client.create";
    expect_invalid(c, "name missing", "name", m, "tier:s", "key");
    expect_invalid(c, "name empty", "name", m, "name:s", "");
    expect_invalid(c, "name of 201 characters", "name", m, "name:s", b->s201);
    expect_invalid(c, "name not UTF-8", "name", m, "name:S", bad_utf8, sizeof bad_utf8 - 1);
    expect_invalid(c, "name overlong UTF-8", "name", m, "name:S", overlong, sizeof overlong - 1);
    expect_invalid(c, "name with a surrogate", "name", m, "name:S", surrogate,
                   sizeof surrogate - 1);
    expect_invalid(c, "name with a newline", "name", m, "name:s", "Two\nLines");
    expect_invalid(c, "name as a number", "name", m, "name:u", 42ULL);
    expect_invalid(c, "notes of 20,001 characters", "notes", m, "name:s notes:s", "Input Co",
                   b->s20001);
    expect_invalid(c, "confidential notes of 20,001 characters", "confidential_notes", m,
                   "name:s confidential_notes:s", "Input Co", b->s20001);
    expect_invalid(c, "a tier that does not exist", "tier", m, "name:s tier:s", "Input Co",
                   "platinum");
    expect_invalid(c, "a status that does not exist", "status", m, "name:s status:s", "Input Co",
                   "deleted");
    expect_invalid(c, "owner_id 0", "owner_id", m, "name:s owner_id:u", "Input Co", 0ULL);
    expect_invalid(c, "owner_id negative", "owner_id", m, "name:s owner_id:i", "Input Co", -3LL);
    expect_invalid(c, "force as a string", "force", m, "name:s force:s", "Input Co", "yes");
    expect_invalid(c, "legal name not UTF-8", "legal_name", m, "name:s legal_name:S", "Input Co",
                   bad_utf8, sizeof bad_utf8 - 1);
    expect_invalid(c, "an unknown argument", "colour", m, "name:s colour:s", "Input Co", "red");
    expect_invalid(c, "a malformed idempotency key", "idempotency_key", m,
                   "name:s idempotency_key:s", "Input Co", "not-a-uuid");

    m = "client.check_duplicate";
    expect_invalid(c, "name missing", "name", m, "registration_no:s", "R-1");
    expect_invalid(c, "name of 201 characters", "name", m, "name:s", b->s201);
    expect_invalid(c, "registration number not UTF-8", "registration_no", m,
                   "name:s registration_no:S", "Input Co", bad_utf8, sizeof bad_utf8 - 1);

    m = "client.get";
    expect_invalid(c, "id missing", "id", m, "");
    expect_invalid(c, "id 0", "id", m, "id:u", 0ULL);
    expect_invalid(c, "id as a string", "id", m, "id:s", "7");
    expect_invalid(c, "id negative", "id", m, "id:i", -1LL);

    m = "client.list";
    expect_invalid(c, "limit 501", "limit", m, "limit:u", 501ULL);
    expect_invalid(c, "limit 0", "limit", m, "limit:u", 0ULL);
    expect_invalid(c, "q not UTF-8", "q", m, "q:S", bad_utf8, sizeof bad_utf8 - 1);
    expect_invalid(c, "tier filter unknown", "tier", m, "tier:s", "gold");
    expect_invalid(c, "status filter unknown", "status", m, "status:s", "gone");
    expect_invalid(c, "owner_id 0", "owner_id", m, "owner_id:u", 0ULL);
    expect_invalid(c, "team_id as text", "team_id", m, "team_id:s", "Istanbul Brands");
    expect_invalid(c, "archived as text", "archived", m, "archived:s", "no");
    expect_invalid(c, "a forged cursor", "cursor", m, "cursor:s", "forged-cursor-value");

    m = "client.update";
    expect_invalid(c, "version missing", "version", m, "id:u name:s", cid, "Renamed");
    expect_invalid(c, "version as a string", "version", m, "id:u version:s", cid, "1");
    expect_invalid(c, "id 0", "id", m, "id:u version:u", 0ULL, 1ULL);
    expect_invalid(c, "name of 201 characters", "name", m, "id:u version:u name:s", cid, 1ULL,
                   b->s201);
    expect_invalid(c, "name empty", "name", m, "id:u version:u name:s", cid, 1ULL, "");
    expect_invalid(c, "tier unknown", "tier", m, "id:u version:u tier:s", cid, 1ULL, "gold");
    expect_invalid(c, "notes of 20,001 characters", "notes", m, "id:u version:u notes:s", cid, 1ULL,
                   b->s20001);
    expect_invalid(c, "website not UTF-8", "website", m, "id:u version:u website:S", cid, 1ULL,
                   overlong, sizeof overlong - 1);

    m = "client.archive";
    expect_invalid(c, "reason missing", "reason", m, "id:u", cid);
    expect_invalid(c, "reason empty", "reason", m, "id:u reason:s", cid, "");
    expect_invalid(c, "reason not UTF-8", "reason", m, "id:u reason:S", cid, bad_utf8,
                   sizeof bad_utf8 - 1);
    expect_invalid(c, "id 0", "id", m, "id:u reason:s", 0ULL, "gone");
}

static void assign_cases(it_conn *c, const struct big *b, unsigned long long cid,
                         unsigned long long owner)
{
    const char *m = "client.assign";
    uint64_t one[1] = {cid}, zero[1] = {0};
    uint64_t *many = calloc(501, sizeof *many);
    assert_non_null(many);
    for (int i = 0; i < 501; i++)
        many[i] = cid + (uint64_t)i;
    expect_invalid(c, "ids missing", "ids", m, "owner_id:u reason:s", owner, "move");
    expect_invalid(c, "ids empty", "ids", m, "ids:I owner_id:u reason:s", one, (size_t)0, owner,
                   "move");
    expect_invalid(c, "501 ids", "ids", m, "ids:I owner_id:u reason:s", many, (size_t)501, owner,
                   "move");
    expect_invalid(c, "an id 0 in ids", "ids", m, "ids:I owner_id:u reason:s", zero, (size_t)1,
                   owner, "move");
    expect_invalid(c, "ids as a string", "ids", m, "ids:s owner_id:u reason:s", "1,2", owner,
                   "move");
    expect_invalid(c, "owner_id 0", "owner_id", m, "ids:I owner_id:u reason:s", one, (size_t)1,
                   0ULL, "move");
    expect_invalid(c, "reason missing", "reason", m, "ids:I owner_id:u", one, (size_t)1, owner);
    expect_invalid(c, "reason empty", "reason", m, "ids:I owner_id:u reason:s", one, (size_t)1,
                   owner, "");
    expect_invalid(c, "reason of 501 characters", "reason", m, "ids:I owner_id:u reason:s", one,
                   (size_t)1, owner, b->s501);
    free(many);
}

static void contact_cases(it_conn *c, const struct big *b, unsigned long long cid,
                          unsigned long long contact)
{
    const char *m = "contact.create";
    expect_invalid(c, "client_id missing", "client_id", m, "name:s", "Ayse Demir");
    expect_invalid(c, "client_id 0", "client_id", m, "client_id:u name:s", 0ULL, "Ayse Demir");
    expect_invalid(c, "name missing", "name", m, "client_id:u", cid);
    expect_invalid(c, "name of 201 characters", "name", m, "client_id:u name:s", cid, b->s201);
    expect_invalid(c, "name not UTF-8", "name", m, "client_id:u name:S", cid, bad_utf8,
                   sizeof bad_utf8 - 1);
    expect_invalid(c, "decision_maker as text", "decision_maker", m,
                   "client_id:u name:s decision_maker:s", cid, "Ayse Demir", "yes");
    expect_invalid(c, "notes of 20,001 characters", "notes", m, "client_id:u name:s notes:s", cid,
                   "Ayse Demir", b->s20001);

    m = "contact.list";
    expect_invalid(c, "client_id missing", "client_id", m, "");
    expect_invalid(c, "client_id 0", "client_id", m, "client_id:u", 0ULL);

    m = "contact.update";
    expect_invalid(c, "id 0", "id", m, "id:u version:u", 0ULL, 1ULL);
    expect_invalid(c, "version missing", "version", m, "id:u title:s", contact, "CMO");
    expect_invalid(c, "name of 201 characters", "name", m, "id:u version:u name:s", contact, 1ULL,
                   b->s201);
    expect_invalid(c, "title not UTF-8", "title", m, "id:u version:u title:S", contact, 1ULL,
                   surrogate, sizeof surrogate - 1);

    m = "contact.archive";
    expect_invalid(c, "id 0", "id", m, "id:u reason:s", 0ULL, "left");
    expect_invalid(c, "reason missing", "reason", m, "id:u", contact);
}

static void activity_cases(it_conn *c, const struct big *b, unsigned long long cid)
{
    const char *m = "activity.log";
    const char *f = "client_id:u kind:s summary:s";
    expect_invalid(c, "kind unknown", "kind", m, f, cid, "fax", "Sent a fax");
    expect_invalid(c, "kind missing", "kind", m, "client_id:u summary:s", cid, "Called");
    expect_invalid(c, "summary missing", "summary", m, "client_id:u kind:s", cid, "call");
    expect_invalid(c, "summary of 501 characters", "summary", m, f, cid, "call", b->s501);
    expect_invalid(c, "summary not UTF-8", "summary", m, "client_id:u kind:s summary:S", cid,
                   "call", bad_utf8, sizeof bad_utf8 - 1);
    expect_invalid(c, "client_id 0", "client_id", m, f, 0ULL, "call", "Called");
    expect_invalid(c, "details of 20,001 characters", "details", m,
                   "client_id:u kind:s summary:s details:s", cid, "call", "Called", b->s20001);
    expect_invalid(c, "next_due 30 February", "next_due", m,
                   "client_id:u kind:s summary:s next_action:s next_due:s", cid, "call", "Called",
                   "Send deck", "2026-02-30");
    expect_invalid(c, "next_due not a date", "next_due", m,
                   "client_id:u kind:s summary:s next_action:s next_due:s", cid, "call", "Called",
                   "Send deck", "next week");
    expect_invalid(c, "occurred_at not a timestamp", "occurred_at", m,
                   "client_id:u kind:s summary:s occurred_at:s", cid, "call", "Called",
                   "2026-13-01T10:00:00Z");

    m = "activity.list";
    expect_invalid(c, "limit 501", "limit", m, "limit:u", 501ULL);
    expect_invalid(c, "client_id 0", "client_id", m, "client_id:u", 0ULL);
    expect_invalid(c, "user_id as text", "user_id", m, "user_id:s", "me");
    expect_invalid(c, "since not a date", "since", m, "since:s", "yesterday");
    expect_invalid(c, "until not a date", "until", m, "until:s", "2026-02-30");
    expect_invalid(c, "kind unknown", "kind", m, "kind:s", "fax");
    expect_invalid(c, "open as text", "open", m, "open:s", "true");

    m = "activity.done";
    expect_invalid(c, "id missing", "id", m, "");
    expect_invalid(c, "id 0", "id", m, "id:u", 0ULL);

    m = "agenda";
    expect_invalid(c, "days 91", "days", m, "days:u", 91ULL);
    expect_invalid(c, "days negative", "days", m, "days:i", -1LL);
    expect_invalid(c, "days as text", "days", m, "days:s", "7");
    expect_invalid(c, "team as text", "team", m, "team:s", "yes");
}

struct rows_ud {
    uint64_t import_id;
    uint32_t nrows;
    bool rows_not_array;
};

static void pack_rows(msgpack_packer *pk, void *ud)
{
    const struct rows_ud *u = ud;
    msgpack_pack_map(pk, 2);
    msgpack_pack_str(pk, 9);
    msgpack_pack_str_body(pk, "import_id", 9);
    msgpack_pack_uint64(pk, u->import_id);
    msgpack_pack_str(pk, 4);
    msgpack_pack_str_body(pk, "rows", 4);
    if (u->rows_not_array) {
        msgpack_pack_str(pk, 4);
        msgpack_pack_str_body(pk, "rows", 4);
        return;
    }
    msgpack_pack_array(pk, u->nrows);
    for (uint32_t i = 0; i < u->nrows; i++) {
        char name[32];
        int n = snprintf(name, sizeof name, "Row %u", i);
        msgpack_pack_map(pk, 2);
        msgpack_pack_str(pk, 4);
        msgpack_pack_str_body(pk, "line", 4);
        msgpack_pack_uint64(pk, i + 2);
        msgpack_pack_str(pk, 4);
        msgpack_pack_str_body(pk, "name", 4);
        msgpack_pack_str(pk, (size_t)n);
        msgpack_pack_str_body(pk, name, (size_t)n);
    }
}

static void expect_invalid_pk(it_conn *c, const char *what, const char *field, struct rows_ud *u)
{
    it_resp *r = it_call_pk(c, "client.import_rows", pack_rows, u);
    bool good =
        r->status == IT_ERROR && strcmp(r->code, "invalid") == 0 && strcmp(r->field, field) == 0;
    if (!good)
        it_fail("%s (client.import_rows): expected invalid field=%s, got %s", what, field,
                it_resp_str(r));
    it_resp_free(r);
    checked++;
}

static void import_cases(it_conn *c)
{
    expect_invalid(c, "import_begin with an unknown argument", "colour", "client.import_begin",
                   "colour:s", "red");
    struct rows_ud u = {0, 1, false};
    expect_invalid_pk(c, "import_id 0", "import_id", &u);
    u.import_id = 1;
    u.nrows = 501;
    expect_invalid_pk(c, "501 rows in one call", "rows", &u);
    u.nrows = 0;
    u.rows_not_array = true;
    expect_invalid_pk(c, "rows not an array", "rows", &u);
    expect_invalid(c, "rows missing", "rows", "client.import_rows", "import_id:u", 1ULL);
    expect_invalid(c, "commit import_id 0", "import_id", "client.import_commit", "import_id:u",
                   0ULL);
    expect_invalid(c, "commit dry_run as text", "dry_run", "client.import_commit",
                   "import_id:u dry_run:s", 1ULL, "yes");
    expect_invalid(c, "commit skip_bad as text", "skip_bad", "client.import_commit",
                   "import_id:u skip_bad:s", 1ULL, "yes");
}

static void test_invalid_arguments_store_nothing(void **state)
{
    (void)state;
    char before[512], after[512], name[96], uniq[64];
    uint64_t ae_id = 0;
    it_conn *c = it_session("AGENCY_DEMO_AE", &ae_id);
    snprintf(name, sizeof name, "Input Target %s", it_uniq("", uniq, sizeof uniq));
    it_resp *r = IT_CALL_OK(c, "a client to aim at", "client.create", "name:s force:b", name, 1);
    uint64_t cid = 0, contact = 0;
    assert_true(it_u64(r->result, "id", &cid));
    it_resp_free(r);
    r = IT_CALL_OK(c, "a contact to aim at", "contact.create", "client_id:u name:s",
                   (unsigned long long)cid, "Aim Contact");
    assert_true(it_u64(r->result, "id", &contact));
    it_resp_free(r);

    struct big b = {repeat('n', 201), repeat('r', 501), repeat('x', 20001)};
    snapshot(before, sizeof before);
    client_cases(c, &b, cid);
    it_conn *mgr = it_session("AGENCY_DEMO_MANAGER", NULL); /* AEs may not assign at all */
    assign_cases(mgr, &b, cid, ae_id);
    it_close(mgr);
    contact_cases(c, &b, cid, contact);
    activity_cases(c, &b, cid);
    import_cases(c);
    /* the hand-over argument of user.deactivate */
    it_conn *dir = it_session("AGENCY_DEMO_DIRECTOR", NULL);
    char spare[64];
    /* a throwaway account (users are not client data, the snapshot stays comparable), so
       that a wrongly accepted request deactivates nobody that matters */
    unsigned long long leaver =
        it_create_user(dir, "spare", "ae", "Marble-canyon-4417", spare, sizeof spare);
    expect_invalid(dir, "reassign_to 0", "reassign_to", "user.deactivate", "id:u reassign_to:u",
                   leaver, 0ULL);
    expect_invalid(dir, "reassign_to as text", "reassign_to", "user.deactivate",
                   "id:u reassign_to:s", leaver, "layla.mansour");
    assert_int_equal(
        it_db_ll("SELECT count(*) FROM agency.users WHERE username = $1 AND active", 1, spare), 1);
    it_close(dir);
    snapshot(after, sizeof after);
    if (strcmp(before, after) != 0)
        it_fail("invalid requests changed stored rows: before [%s], after [%s]", before, after);
    printf("invalid input: %d requests answered invalid with their field, nothing stored\n",
           checked);

    /* the limits are limits, not off by one: 200 characters of Chinese are a valid name */
    char n200[700];
    size_t off = (size_t)snprintf(n200, sizeof n200, "%s", it_uniq("C", uniq, sizeof uniq));
    for (size_t chars = strlen(uniq); chars < 200; chars++) {
        memcpy(n200 + off, "\xe6\xb5\xb7", 3);
        off += 3;
    }
    n200[off] = '\0';
    r = IT_CALL_OK(c, "a name of exactly 200 characters", "client.create", "name:s force:b", n200,
                   1);
    it_resp_free(r);
    free(b.s201);
    free(b.s501);
    free(b.s20001);
    it_close(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_invalid_arguments_store_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, it_teardown);
}
