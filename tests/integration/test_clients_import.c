/*
 * test_clients_import.c - a 10,000-row client import with three bad rows through the protocol:
 * all-or-nothing refuses it and stores nothing, a dry run reports the three, skip_bad imports
 * the 9,997 good ones in one commit; the time of the whole import is printed.
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

#define PW         "Marble-canyon-4417"
#define ROWS       10000
#define CHUNK      500
#define FIRST_LINE 2 /* line 1 is the header */
#define BAD_NAME   1234
#define BAD_TIER   5678
#define DUP_FIRST  3000
#define DUP_SECOND 9001

static char tok[48];

static void pack_s(msgpack_packer *pk, const char *s)
{
    msgpack_pack_str(pk, strlen(s));
    msgpack_pack_str_body(pk, s, strlen(s));
}

struct chunk {
    uint64_t import_id;
    uint32_t from, count; /* line numbers */
};

/* One row per line: a unique name and registration number, except the three bad lines. */
static void pack_row(msgpack_packer *pk, uint32_t line)
{
    char name[300], reg[96];
    if (line == BAD_NAME) {
        memset(name, 'N', 201);
        name[201] = '\0';
    } else {
        snprintf(name, sizeof name, "Import %s %05u", tok, line);
    }
    snprintf(reg, sizeof reg, "IMP%s-%u", tok, line == DUP_SECOND ? DUP_FIRST : line);
    msgpack_pack_map(pk, 5);
    pack_s(pk, "line");
    msgpack_pack_uint64(pk, line);
    pack_s(pk, "name");
    pack_s(pk, name);
    pack_s(pk, "registration_no");
    pack_s(pk, reg);
    pack_s(pk, "industry");
    pack_s(pk, line % 2 ? "Retail" : "Textiles");
    pack_s(pk, "tier");
    pack_s(pk, line == BAD_TIER ? "platinum" : "standard");
}

static void pack_chunk(msgpack_packer *pk, void *ud)
{
    const struct chunk *c = ud;
    msgpack_pack_map(pk, 2);
    pack_s(pk, "import_id");
    msgpack_pack_uint64(pk, c->import_id);
    pack_s(pk, "rows");
    msgpack_pack_array(pk, c->count);
    for (uint32_t i = 0; i < c->count; i++)
        pack_row(pk, c->from + i);
}

/* True when errors (an array of {line, field, reason}) names line with field. */
static bool error_names(const msgpack_object *errors, uint32_t line, const char *field)
{
    char buf[64], reason[256];
    if (errors == NULL || errors->type != MSGPACK_OBJECT_ARRAY)
        return false;
    for (uint32_t i = 0; i < errors->via.array.size; i++) {
        const msgpack_object *e = &errors->via.array.ptr[i];
        uint64_t l = 0;
        if (it_u64(e, "line", &l) && l == line && it_str(e, "field", buf, sizeof buf) &&
            strcmp(buf, field) == 0 && it_str(e, "reason", reason, sizeof reason) &&
            reason[0] != '\0')
            return true;
    }
    return false;
}

/* Begins an import and stages all rows; the import id. Checks the per-call row errors. */
static uint64_t stage_all(it_conn *c)
{
    it_resp *r = IT_CALL_OK(c, "import_begin", "client.import_begin", "");
    struct chunk ch = {0, 0, 0};
    if (!it_u64(r->result, "import_id", &ch.import_id))
        it_fail("client.import_begin: no import_id");
    it_resp_free(r);
    uint64_t accepted = 0, errors = 0;
    bool name_seen = false, tier_seen = false, dup_seen = false;
    for (uint32_t from = FIRST_LINE; from < FIRST_LINE + ROWS; from += CHUNK) {
        ch.from = from;
        ch.count = CHUNK;
        r = it_call_pk(c, "client.import_rows", pack_chunk, &ch);
        it_assert_ok(r, "client.import_rows");
        uint64_t n = 0;
        if (!it_u64(r->result, "accepted", &n))
            it_fail("client.import_rows: no accepted count");
        accepted += n;
        const msgpack_object *e = it_get(r->result, "errors");
        if (e == NULL || e->type != MSGPACK_OBJECT_ARRAY)
            it_fail("client.import_rows: no errors array");
        errors += e->via.array.size;
        name_seen |= error_names(e, BAD_NAME, "name");
        tier_seen |= error_names(e, BAD_TIER, "tier");
        dup_seen |= error_names(e, DUP_SECOND, "registration_no");
        it_resp_free(r);
    }
    if (!name_seen || !tier_seen)
        it_fail("staging did not report line %d (name) and line %d (tier)", BAD_NAME, BAD_TIER);
    /* the repeated registration number may be found now or at the commit */
    assert_int_equal(errors, dup_seen ? 3 : 2);
    assert_int_equal(accepted, ROWS - errors);
    return ch.import_id;
}

static long long imported_rows(void)
{
    char like[96];
    snprintf(like, sizeof like, "Import %s %%", tok);
    return it_db_ll("SELECT count(*) FROM agency.clients WHERE name LIKE $1", 1, like);
}

static void test_import_ten_thousand(void **state)
{
    (void)state;
    char user[64], uniq[64];
    it_conn *d = it_session("AGENCY_DEMO_DIRECTOR", NULL);
    it_create_user(d, "importer", "ae", PW, user, sizeof user);
    it_close(d);
    it_conn *c = it_session_user(user, PW, NULL);
    /* a new account changes its first password before anything else */
    it_resp *pr = IT_CALL_OK(c, "first password change", "auth.password",
                             "old_password:s new_password:s", PW, "Granite-harbor-8842");
    it_resp_free(pr);
    snprintf(tok, sizeof tok, "%s", it_uniq("", uniq, sizeof uniq));
    long long clients = it_db_ll("SELECT count(*) FROM agency.clients", 0);

    /* all or nothing: refused, nothing stored */
    uint64_t id = stage_all(c);
    it_resp *r = it_call(c, "client.import_commit", "import_id:u", (unsigned long long)id);
    if (r->status != IT_ERROR || strcmp(r->code, "invalid") != 0 || strcmp(r->field, "rows") != 0)
        it_fail("committing an import with bad rows: expected invalid field=rows, got %s",
                it_resp_str(r));
    it_resp_free(r);
    assert_int_equal(it_db_ll("SELECT count(*) FROM agency.clients", 0), clients);

    /* a dry run names the three bad lines, the duplicate registration number included */
    r = IT_CALL_OK(c, "dry run", "client.import_commit", "import_id:u dry_run:b skip_bad:b",
                   (unsigned long long)id, 1, 1);
    const msgpack_object *e = it_get(r->result, "errors");
    if (!error_names(e, BAD_NAME, "name") || !error_names(e, BAD_TIER, "tier") ||
        !error_names(e, DUP_SECOND, "registration_no"))
        it_fail("the dry run does not report lines %d (name), %d (tier) and %d (registration_no)",
                BAD_NAME, BAD_TIER, DUP_SECOND);
    assert_int_equal(e->via.array.size, 3);
    it_resp_free(r);
    assert_int_equal(it_db_ll("SELECT count(*) FROM agency.clients", 0), clients);

    /* a fresh import with skip_bad: the 9,997 good rows in one commit */
    int64_t t0 = it_now_ms();
    id = stage_all(c);
    r = IT_CALL_OK(c, "commit with skip_bad", "client.import_commit", "import_id:u skip_bad:b",
                   (unsigned long long)id, 1);
    int64_t ms = it_now_ms() - t0;
    uint64_t imported = 0, skipped = 0;
    assert_true(it_u64(r->result, "imported", &imported));
    assert_true(it_u64(r->result, "skipped", &skipped));
    assert_int_equal(imported, ROWS - 3);
    assert_int_equal(skipped, 3);
    if (!error_names(it_get(r->result, "errors"), DUP_SECOND, "registration_no"))
        it_fail("the skip_bad commit does not report line %d (registration_no)", DUP_SECOND);
    it_resp_free(r);
    assert_int_equal(imported_rows(), ROWS - 3);
    assert_int_equal(it_db_ll("SELECT count(*) FROM agency.clients", 0), clients + ROWS - 3);
    /* one transaction: every imported client has the same creation time */
    char like[96];
    snprintf(like, sizeof like, "Import %s %%", tok);
    assert_int_equal(it_db_ll("SELECT count(DISTINCT created_at) FROM agency.clients WHERE name"
                              " LIKE $1",
                              1, like),
                     1);
    /* a committed import cannot be committed twice */
    r = it_call(c, "client.import_commit", "import_id:u skip_bad:b", (unsigned long long)id, 1);
    if (r->status == IT_OK)
        it_fail("an import was committed twice");
    it_resp_free(r);
    assert_int_equal(imported_rows(), ROWS - 3);
    printf("import: %d rows (3 bad) staged in %d calls and committed with skip_bad in %.2f s\n",
           ROWS, ROWS / CHUNK, (double)ms / 1000.0);
    it_close(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_import_ten_thousand),
    };
    return cmocka_run_group_tests(tests, NULL, it_teardown);
}
