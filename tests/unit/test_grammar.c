/* test_grammar.c - the command grammar: word splitting, "noun verb" to operation names (dashes,
   aliases), flags and positionals to a typed MessagePack argument map, usage errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "call.h"
#include "grammar.h"
#include "meta.h"
#include "proto.h"

static const char *const roles[] = {"ae", "manager", "director", "finance"};

static struct meta cat;
/* The packed bytes of the last run(): unpacked strings point into them. */
static msgpack_sbuffer packed;

static int setup(void **state)
{
    (void)state;
    struct meta_arg role = {
        .name = "role", .type = MT_ENUM, .choices = (char **)roles, .nchoices = 4};
    struct meta_arg list_args[] = {
        role,
        {.name = "team_id", .type = MT_ID, .has_min = true, .min = 1},
        {.name = "active", .type = MT_BOOL},
        {.name = "limit", .type = MT_U64, .has_min = true, .min = 1, .has_max = true, .max = 500},
        {.name = NULL}};
    struct meta_arg id_args[] = {{.name = "id", .type = MT_ID, .required = true}, {.name = NULL}};
    struct meta_arg id_mut_args[] = {{.name = "id", .type = MT_ID, .required = true},
                                     {.name = "idempotency_key", .type = MT_UUID},
                                     {.name = NULL}};
    struct meta_arg branch_args[] = {{.name = "name",
                                      .type = MT_STR,
                                      .required = true,
                                      .has_min = true,
                                      .min = 1,
                                      .has_max = true,
                                      .max = 200},
                                     {.name = "city", .type = MT_STR, .required = true},
                                     {.name = "timezone", .type = MT_STR, .required = true},
                                     {.name = "allowed_networks", .type = MT_CIDR_LIST},
                                     {.name = "idempotency_key", .type = MT_UUID},
                                     {.name = NULL}};
    struct meta_arg deact_args[] = {{.name = "id", .type = MT_ID, .required = true},
                                    {.name = "reassign_to", .type = MT_ID},
                                    {.name = NULL}};
    struct meta_arg revoke_args[] = {{.name = "ids", .type = MT_ID_LIST}, {.name = NULL}};
    memset(&cat, 0, sizeof(cat));
    msgpack_sbuffer_init(&packed);
    assert_int_equal(meta_add(&cat, "ping", "Check", false, NULL), 0);
    assert_int_equal(meta_add(&cat, "user.list", "List staff", false, list_args), 0);
    assert_int_equal(meta_add(&cat, "user.get", "Show", false, id_args), 0);
    assert_int_equal(meta_add(&cat, "user.reset_password", "Reset", true, id_mut_args), 0);
    assert_int_equal(meta_add(&cat, "user.deactivate", "Deactivate", true, deact_args), 0);
    assert_int_equal(meta_add(&cat, "branch.create", "Open", true, branch_args), 0);
    assert_int_equal(meta_add(&cat, "test.ids", "Ids", false, revoke_args), 0);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    meta_free(&cat);
    msgpack_sbuffer_destroy(&packed);
    return 0;
}

/* Splits line, resolves it and packs its arguments; returns the unpacked map in *res
   (caller destroys) or -1 with err filled. */
static int run(const char *line, char *method, msgpack_unpacked *res, char *err, size_t errlen)
{
    struct grammar_words w;
    struct grammar_args a;
    assert_int_equal(grammar_split(line, &w, err, errlen), 0);
    size_t used = grammar_resolve(&cat, w.v, w.n, method, 64);
    assert_true(used > 0);
    const struct meta_op *op = meta_find(&cat, method);
    assert_non_null(op);
    int rc = grammar_parse(op, w.v + used, w.n - used, &a, err, errlen);
    grammar_words_free(&w);
    if (rc < 0)
        return -1;
    msgpack_sbuffer_destroy(&packed);
    msgpack_sbuffer_init(&packed);
    msgpack_packer pk;
    msgpack_packer_init(&pk, &packed, msgpack_sbuffer_write);
    grammar_pack(&a, &pk);
    grammar_args_free(&a);
    msgpack_unpacked_init(res);
    assert_int_equal(msgpack_unpack_next(res, packed.data, packed.size, NULL),
                     MSGPACK_UNPACK_SUCCESS);
    assert_int_equal(res->data.type, MSGPACK_OBJECT_MAP);
    return 0;
}

static void assert_str_key(const msgpack_object *map, const char *key, const char *want)
{
    const char *s;
    size_t len;
    assert_int_equal(proto_get_str(map, key, &s, &len, 0), PG_OK);
    assert_int_equal(len, strlen(want));
    assert_memory_equal(s, want, len);
}

static void test_split(void **state)
{
    (void)state;
    struct grammar_words w;
    char err[128];
    assert_int_equal(grammar_split("  user add --full-name \"Li \\\"Wei\\\"\" 'a b' c\\ d ", &w,
                                   err, sizeof(err)),
                     0);
    assert_int_equal(w.n, 6);
    assert_string_equal(w.v[0], "user");
    assert_string_equal(w.v[2], "--full-name");
    assert_string_equal(w.v[3], "Li \"Wei\"");
    assert_string_equal(w.v[4], "a b");
    assert_string_equal(w.v[5], "c d");
    grammar_words_free(&w);
    assert_int_equal(grammar_split("user add \"open", &w, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "unterminated"));
    assert_int_equal(grammar_split("", &w, err, sizeof(err)), 0);
    assert_int_equal(w.n, 0);
}

static void test_resolve(void **state)
{
    (void)state;
    char m[64];
    char *w1[] = {"user", "list"};
    assert_int_equal(grammar_resolve(&cat, w1, 2, m, sizeof(m)), 2);
    assert_string_equal(m, "user.list");
    char *w2[] = {"user", "reset-password", "7"};
    assert_int_equal(grammar_resolve(&cat, w2, 3, m, sizeof(m)), 2);
    assert_string_equal(m, "user.reset_password");
    char *w3[] = {"user", "reset_password"};
    assert_int_equal(grammar_resolve(&cat, w3, 2, m, sizeof(m)), 2);
    assert_string_equal(m, "user.reset_password");
    char *w4[] = {"user", "show", "3"};
    assert_int_equal(grammar_resolve(&cat, w4, 3, m, sizeof(m)), 2);
    assert_string_equal(m, "user.get");
    char *w5[] = {"ping"};
    assert_int_equal(grammar_resolve(&cat, w5, 1, m, sizeof(m)), 1);
    assert_string_equal(m, "ping");
    char *w6[] = {"user", "fly"};
    assert_int_equal(grammar_resolve(&cat, w6, 2, m, sizeof(m)), 0);
    char *w7[] = {"user.list", "--role", "ae"};
    assert_int_equal(grammar_resolve(&cat, w7, 3, m, sizeof(m)), 1);
    assert_string_equal(m, "user.list");
    assert_true(meta_has_noun(&cat, "user"));
    assert_false(meta_has_noun(&cat, "use"));
}

static void test_flags(void **state)
{
    (void)state;
    char m[64], err[160];
    msgpack_unpacked res;
    assert_int_equal(run("user list --role ae --team-id 4 --limit=20", m, &res, err, sizeof(err)),
                     0);
    assert_string_equal(m, "user.list");
    assert_int_equal(res.data.via.map.size, 3);
    assert_str_key(&res.data, "role", "ae");
    uint64_t v;
    assert_int_equal(proto_get_u64(&res.data, "team_id", &v, 0, UINT64_MAX), PG_OK);
    assert_int_equal(v, 4);
    assert_int_equal(proto_get_u64(&res.data, "limit", &v, 0, UINT64_MAX), PG_OK);
    assert_int_equal(v, 20);
    msgpack_unpacked_destroy(&res);
}

static void test_bools(void **state)
{
    (void)state;
    char m[64], err[160];
    msgpack_unpacked res;
    bool b;
    assert_int_equal(run("user list --active", m, &res, err, sizeof(err)), 0);
    assert_int_equal(proto_get_bool(&res.data, "active", &b), PG_OK);
    assert_true(b);
    msgpack_unpacked_destroy(&res);
    assert_int_equal(run("user list --active=false", m, &res, err, sizeof(err)), 0);
    assert_int_equal(proto_get_bool(&res.data, "active", &b), PG_OK);
    assert_false(b);
    msgpack_unpacked_destroy(&res);
    assert_int_equal(run("user list --no-active", m, &res, err, sizeof(err)), 0);
    assert_int_equal(proto_get_bool(&res.data, "active", &b), PG_OK);
    assert_false(b);
    msgpack_unpacked_destroy(&res);
}

static void test_positional(void **state)
{
    (void)state;
    char m[64], err[160];
    msgpack_unpacked res;
    uint64_t v;
    assert_int_equal(run("user show 42", m, &res, err, sizeof(err)), 0);
    assert_string_equal(m, "user.get");
    assert_int_equal(res.data.via.map.size, 1);
    assert_int_equal(proto_get_u64(&res.data, "id", &v, 0, UINT64_MAX), PG_OK);
    assert_int_equal(v, 42);
    msgpack_unpacked_destroy(&res);
    /* positionals fill required args in schema order, flags may come first */
    assert_int_equal(
        run("branch create --timezone Asia/Tokyo Tokyo \"東京 Office\"", m, &res, err, sizeof(err)),
        0);
    assert_str_key(&res.data, "name", "Tokyo");
    assert_str_key(&res.data, "city", "東京 Office");
    assert_str_key(&res.data, "timezone", "Asia/Tokyo");
    msgpack_unpacked_destroy(&res);
}

static void test_idempotency_key(void **state)
{
    (void)state;
    char m[64], err[160];
    msgpack_unpacked res;
    const char *s;
    size_t len;
    assert_int_equal(run("user reset-password 9", m, &res, err, sizeof(err)), 0);
    assert_int_equal(res.data.via.map.size, 2);
    assert_int_equal(proto_get_str(&res.data, "idempotency_key", &s, &len, 0), PG_OK);
    assert_int_equal(len, 36);
    assert_int_equal(s[14], '4');
    assert_int_equal(s[8], '-');
    msgpack_unpacked_destroy(&res);
    /* read-only operations get none */
    assert_int_equal(run("user show 9", m, &res, err, sizeof(err)), 0);
    assert_null(proto_map_get(&res.data, "idempotency_key"));
    msgpack_unpacked_destroy(&res);
}

static void test_lists(void **state)
{
    (void)state;
    char m[64], err[160];
    msgpack_unpacked res;
    const msgpack_object *arr;
    assert_int_equal(run("test ids --ids 3,5 --ids 8", m, &res, err, sizeof(err)), 0);
    assert_int_equal(proto_get_array(&res.data, "ids", &arr, 10), PG_OK);
    assert_int_equal(arr->via.array.size, 3);
    assert_int_equal(arr->via.array.ptr[2].via.u64, 8);
    msgpack_unpacked_destroy(&res);
    assert_int_equal(run("branch create A B C --allowed-networks 10.0.0.0/8,192.168.1.0/24", m,
                         &res, err, sizeof(err)),
                     0);
    assert_int_equal(proto_get_array(&res.data, "allowed_networks", &arr, 10), PG_OK);
    assert_int_equal(arr->via.array.size, 2);
    assert_int_equal(arr->via.array.ptr[1].type, MSGPACK_OBJECT_STR);
    msgpack_unpacked_destroy(&res);
}

static void test_usage_errors(void **state)
{
    (void)state;
    char m[64], err[160];
    msgpack_unpacked res;
    assert_int_equal(run("user list --colour red", m, &res, err, sizeof(err)), -1);
    assert_string_equal(err, "unknown option --colour for user.list");
    assert_int_equal(run("user list --role boss", m, &res, err, sizeof(err)), -1);
    assert_string_equal(err, "--role must be one of ae, manager, director, finance");
    assert_int_equal(run("user list --limit 0", m, &res, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "between 1 and 500"));
    assert_int_equal(run("user show abc", m, &res, err, sizeof(err)), -1);
    assert_string_equal(err, "id must be an id (a positive number)");
    assert_int_equal(run("user show 1 2", m, &res, err, sizeof(err)), -1);
    assert_string_equal(err, "unexpected argument \"2\"");
    assert_int_equal(run("user list --role", m, &res, err, sizeof(err)), -1);
    assert_string_equal(err, "option --role needs a value");
    assert_int_equal(run("user reset-password 1 --idempotency-key x", m, &res, err, sizeof(err)),
                     -1);
    assert_int_equal(run("user list --team-id -3", m, &res, err, sizeof(err)), -1);
}

static void test_missing(void **state)
{
    (void)state;
    struct grammar_args a;
    char err[160], miss[64];
    const struct meta_op *op = meta_find(&cat, "branch.create");
    char *words[] = {"Tokyo"};
    assert_int_equal(grammar_parse(op, words, 1, &a, err, sizeof(err)), 0);
    struct app app = {.meta = cat}; /* no command files: every flag is the argument's name */
    assert_int_equal(call_missing(&app, &a, miss, sizeof(miss)), 2);
    assert_string_equal(miss, "missing --city, --timezone");
    assert_int_equal(grammar_set(&a, "city", "Tokyo"), 0);
    assert_int_equal(grammar_set(&a, "nonsense", "x"), -1);
    assert_int_equal(call_missing(&app, &a, miss, sizeof(miss)), 1);
    assert_string_equal(miss, "missing --timezone");
    grammar_args_free(&a);
    char flag[32];
    grammar_flag_name("reassign_to", flag, sizeof(flag));
    assert_string_equal(flag, "--reassign-to");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_split),      cmocka_unit_test(test_resolve),
        cmocka_unit_test(test_flags),      cmocka_unit_test(test_bools),
        cmocka_unit_test(test_positional), cmocka_unit_test(test_idempotency_key),
        cmocka_unit_test(test_lists),      cmocka_unit_test(test_usage_errors),
        cmocka_unit_test(test_missing),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
