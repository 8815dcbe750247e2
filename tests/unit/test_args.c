/* Unit tests for argument validation (server/args.c): every argument type with good, malformed,
   oversized, out-of-range and wrong-type values, unknown and repeated keys, implicit keys. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "op.h"

static const char *const colours[] = {"red", "green", "blue", NULL};

static const struct arg_spec all_args[] = {
    {"name", ARG_STR, false, 1, 10, NULL},      {"notes", ARG_TEXT, false, 0, 20, NULL},
    {"secret", ARG_SECRET, false, 8, 16, NULL}, {"count", ARG_U64, false, 1, 500, NULL},
    {"delta", ARG_I64, false, -100, 100, NULL}, {"flag", ARG_BOOL, false, 0, 0, NULL},
    {"id", ARG_ID, false, 1, INT64_MAX, NULL},  {"colour", ARG_ENUM, false, 0, 0, colours},
    {"day", ARG_DATE, false, 0, 0, NULL},       {"at", ARG_TIMESTAMP, false, 0, 0, NULL},
    {"ids", ARG_ID_LIST, false, 1, 3, NULL},    {"nets", ARG_CIDR_LIST, false, 0, 2, NULL},
    {"key", ARG_UUID, false, 0, 0, NULL},       {"must", ARG_STR, true, 1, 5, NULL},
    {"rows", ARG_MAP_LIST, false, 1, 2, NULL},  {NULL, 0, false, 0, 0, NULL},
};

static const struct op test_op = {"test.op", NULL, ROLES_ALL, 0, all_args, "test"};
static const struct op test_mut = {"test.mut", NULL, ROLES_ALL, OPF_MUTATING, all_args, "test"};

/* The packed map lives in a static buffer; the unpacked object in the zone. */
struct fixture {
    msgpack_sbuffer sb;
    msgpack_packer pk;
    msgpack_zone *zone;
    struct op_args args;
    char field[64];
    char reason[128];
};

static int setup(void **state)
{
    struct fixture *f = test_calloc(1, sizeof(*f));
    msgpack_sbuffer_init(&f->sb);
    msgpack_packer_init(&f->pk, &f->sb, msgpack_sbuffer_write);
    f->zone = msgpack_zone_new(4096);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    msgpack_sbuffer_destroy(&f->sb);
    msgpack_zone_free(f->zone);
    test_free(f);
    return 0;
}

static void key(struct fixture *f, const char *k)
{
    msgpack_pack_str(&f->pk, strlen(k));
    msgpack_pack_str_body(&f->pk, k, strlen(k));
}

static void str(struct fixture *f, const char *s)
{
    key(f, s);
}

/* Starts a map of n pairs that always includes the required "must": "ok" first. */
static void begin(struct fixture *f, uint32_t extra_pairs)
{
    msgpack_sbuffer_clear(&f->sb);
    msgpack_pack_map(&f->pk, extra_pairs + 1);
    key(f, "must");
    str(f, "ok");
}

static bool run_op(struct fixture *f, const struct op *op)
{
    msgpack_object obj;
    msgpack_unpack_return r = msgpack_unpack(f->sb.data, f->sb.size, NULL, f->zone, &obj);
    assert_int_equal(r, MSGPACK_UNPACK_SUCCESS);
    return op_args_validate(op, &obj, f->zone, &f->args, f->field, f->reason);
}

static bool run(struct fixture *f)
{
    return run_op(f, &test_op);
}

static unsigned idx(const char *name)
{
    for (unsigned i = 0; all_args[i].name; i++) {
        if (strcmp(all_args[i].name, name) == 0)
            return i;
    }
    fail_msg("no argument %s", name);
    return 0;
}

static void expect_fail(struct fixture *f, const char *field, const char *reason_part)
{
    assert_false(run(f));
    assert_string_equal(f->field, field);
    if (!strstr(f->reason, reason_part))
        fail_msg("reason \"%s\" lacks \"%s\"", f->reason, reason_part);
}

static void expect_text(struct fixture *f, const char *name, const char *text)
{
    assert_true(run(f));
    const struct arg_val *v = &f->args.v[idx(name)];
    assert_true(v->present);
    assert_string_equal(v->text, text);
}

static void test_string_ok_and_limits(void **state)
{
    struct fixture *f = *state;
    begin(f, 1), key(f, "name"), str(f, "Mehmet");
    expect_text(f, "name", "Mehmet");
    /* ten Chinese characters are 30 bytes but 10 characters: allowed */
    begin(f, 1), key(f, "name"), str(f, "一二三四五六七八九十");
    expect_text(f, "name", "一二三四五六七八九十");
    begin(f, 1), key(f, "name"), str(f, "一二三四五六七八九十一");
    expect_fail(f, "name", "at most 10 characters");
    begin(f, 1), key(f, "name"), str(f, "");
    expect_fail(f, "name", "must not be empty");
    begin(f, 1), key(f, "name"), msgpack_pack_int(&f->pk, 5);
    expect_fail(f, "name", "must be a string");
    begin(f, 1), key(f, "name"),
        str(f, "a\x01"
               "b");
    expect_fail(f, "name", "control characters");
    begin(f, 1), key(f, "name"), str(f, "tab\there");
    expect_fail(f, "name", "control characters");
    begin(f, 1), key(f, "name"), str(f, "bad\xc3\x28");
    expect_fail(f, "name", "valid UTF-8");
    begin(f, 1), key(f, "name"), str(f, "\xed\xa0\x80x"); /* a UTF-16 surrogate */
    expect_fail(f, "name", "valid UTF-8");
}

static void test_text_and_secret(void **state)
{
    struct fixture *f = *state;
    begin(f, 1), key(f, "notes"), str(f, "line one\nline\ttwo");
    expect_text(f, "notes", "line one\nline\ttwo");
    begin(f, 1), key(f, "notes"), str(f, "bell\a");
    expect_fail(f, "notes", "control characters");
    begin(f, 1), key(f, "notes"), str(f, "012345678901234567890");
    expect_fail(f, "notes", "at most 20 characters");
    begin(f, 1), key(f, "secret"), str(f, "short");
    expect_fail(f, "secret", "at least 8 characters");
    begin(f, 1), key(f, "secret"), str(f, "pässwörd-ok");
    expect_text(f, "secret", "pässwörd-ok");
    begin(f, 1), key(f, "secret"), msgpack_pack_true(&f->pk);
    expect_fail(f, "secret", "must be a string");
}

static void test_integers(void **state)
{
    struct fixture *f = *state;
    begin(f, 1), key(f, "count"), msgpack_pack_uint64(&f->pk, 500);
    expect_text(f, "count", "500");
    assert_int_equal(f->args.v[idx("count")].u, 500);
    begin(f, 1), key(f, "count"), msgpack_pack_uint64(&f->pk, 501);
    expect_fail(f, "count", "between 1 and 500");
    begin(f, 1), key(f, "count"), msgpack_pack_uint64(&f->pk, 0);
    expect_fail(f, "count", "between 1 and 500");
    begin(f, 1), key(f, "count"), msgpack_pack_int64(&f->pk, -1);
    expect_fail(f, "count", "between 1 and 500");
    begin(f, 1), key(f, "count"), msgpack_pack_uint64(&f->pk, UINT64_MAX);
    expect_fail(f, "count", "between 1 and 500");
    begin(f, 1), key(f, "count"), str(f, "12");
    expect_fail(f, "count", "whole number");
    begin(f, 1), key(f, "count"), msgpack_pack_double(&f->pk, 1.5);
    expect_fail(f, "count", "whole number");
    begin(f, 1), key(f, "delta"), msgpack_pack_int64(&f->pk, -100);
    expect_text(f, "delta", "-100");
    assert_int_equal(f->args.v[idx("delta")].i, -100);
    begin(f, 1), key(f, "delta"), msgpack_pack_int64(&f->pk, -101);
    expect_fail(f, "delta", "between -100 and 100");
}

static void test_ids(void **state)
{
    struct fixture *f = *state;
    begin(f, 1), key(f, "id"), msgpack_pack_uint64(&f->pk, 42);
    expect_text(f, "id", "42");
    assert_int_equal(f->args.v[idx("id")].u, 42);
    begin(f, 1), key(f, "id"), msgpack_pack_uint64(&f->pk, (uint64_t)INT64_MAX);
    expect_text(f, "id", "9223372036854775807");
    begin(f, 1), key(f, "id"), msgpack_pack_uint64(&f->pk, (uint64_t)INT64_MAX + 1);
    expect_fail(f, "id", "id");
    begin(f, 1), key(f, "id"), msgpack_pack_uint64(&f->pk, 0);
    expect_fail(f, "id", "id");
    begin(f, 1), key(f, "id"), msgpack_pack_int64(&f->pk, -3);
    expect_fail(f, "id", "id");
    begin(f, 1), key(f, "id"), str(f, "42");
    expect_fail(f, "id", "id");
}

static void test_bool_and_enum(void **state)
{
    struct fixture *f = *state;
    begin(f, 1), key(f, "flag"), msgpack_pack_false(&f->pk);
    expect_text(f, "flag", "false");
    begin(f, 1), key(f, "flag"), str(f, "true");
    expect_fail(f, "flag", "true or false");
    begin(f, 1), key(f, "flag"), msgpack_pack_uint64(&f->pk, 1);
    expect_fail(f, "flag", "true or false");
    begin(f, 1), key(f, "colour"), str(f, "green");
    expect_text(f, "colour", "green");
    begin(f, 1), key(f, "colour"), str(f, "Green");
    expect_fail(f, "colour", "one of: red, green, blue");
    begin(f, 1), key(f, "colour"), msgpack_pack_uint64(&f->pk, 1);
    expect_fail(f, "colour", "one of");
}

static void test_dates_and_times(void **state)
{
    struct fixture *f = *state;
    begin(f, 1), key(f, "day"), str(f, "2024-02-29");
    expect_text(f, "day", "2024-02-29");
    static const char *const bad_days[] = {
        "2026-02-29", "2100-02-29", "2026-13-01", "2026-04-31",  "2026-00-10",
        "2026-1-01",  "26-01-01",   "2026/01/01", "2026-01-01x", ""};
    for (size_t i = 0; i < sizeof(bad_days) / sizeof(bad_days[0]); i++) {
        begin(f, 1), key(f, "day"), str(f, bad_days[i]);
        expect_fail(f, "day", "date YYYY-MM-DD");
    }
    begin(f, 1), key(f, "day"), msgpack_pack_uint64(&f->pk, 20260101);
    expect_fail(f, "day", "date YYYY-MM-DD");
    begin(f, 1), key(f, "at"), str(f, "2026-11-22T07:00:00Z");
    expect_text(f, "at", "2026-11-22T07:00:00Z");
    begin(f, 1), key(f, "at"), str(f, "2026-11-22T07:00:00.123456Z");
    expect_text(f, "at", "2026-11-22T07:00:00.123456Z");
    static const char *const bad_times[] = {"2026-11-22 07:00:00Z",      "2026-11-22T07:00:00",
                                            "2026-11-22T07:00:00+01:00", "2026-11-22T24:00:00Z",
                                            "2026-11-22T07:60:00Z",      "2026-11-31T07:00:00Z",
                                            "2026-11-22T07:00:00.Z"};
    for (size_t i = 0; i < sizeof(bad_times) / sizeof(bad_times[0]); i++) {
        begin(f, 1), key(f, "at"), str(f, bad_times[i]);
        expect_fail(f, "at", "UTC time");
    }
}

static void test_uuid(void **state)
{
    struct fixture *f = *state;
    begin(f, 1), key(f, "key"), str(f, "123e4567-e89b-12d3-a456-426614174000");
    expect_text(f, "key", "123e4567-e89b-12d3-a456-426614174000");
    static const char *const bad[] = {
        "123e4567e89b12d3a456426614174000", "123e4567-e89b-12d3-a456-42661417400",
        "123e4567-e89b-12d3-a456-42661417400g", "{123e4567-e89b-12d3-a456-426614174000}"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        begin(f, 1), key(f, "key"), str(f, bad[i]);
        expect_fail(f, "key", "UUID");
    }
}

static void test_id_lists(void **state)
{
    struct fixture *f = *state;
    begin(f, 1), key(f, "ids"), msgpack_pack_array(&f->pk, 3);
    msgpack_pack_uint64(&f->pk, 1), msgpack_pack_uint64(&f->pk, 22),
        msgpack_pack_uint64(&f->pk, 333);
    expect_text(f, "ids", "{1,22,333}");
    begin(f, 1), key(f, "ids"), msgpack_pack_array(&f->pk, 4);
    for (int i = 1; i <= 4; i++)
        msgpack_pack_uint64(&f->pk, (uint64_t)i);
    expect_fail(f, "ids", "1 to 3 items");
    begin(f, 1), key(f, "ids"), msgpack_pack_array(&f->pk, 0);
    expect_fail(f, "ids", "1 to 3 items");
    begin(f, 1), key(f, "ids"), msgpack_pack_array(&f->pk, 2);
    msgpack_pack_uint64(&f->pk, 1), msgpack_pack_uint64(&f->pk, 0);
    expect_fail(f, "ids", "list of ids");
    begin(f, 1), key(f, "ids"), msgpack_pack_array(&f->pk, 1), str(f, "1");
    expect_fail(f, "ids", "list of ids");
    begin(f, 1), key(f, "ids"), msgpack_pack_uint64(&f->pk, 1);
    expect_fail(f, "ids", "list of ids");
}

static void test_cidr_lists(void **state)
{
    struct fixture *f = *state;
    begin(f, 1), key(f, "nets"), msgpack_pack_array(&f->pk, 2);
    str(f, "10.1.0.0/16"), str(f, "2001:db8::/32");
    expect_text(f, "nets", "{10.1.0.0/16,2001:db8::/32}");
    begin(f, 1), key(f, "nets"), msgpack_pack_array(&f->pk, 0);
    expect_text(f, "nets", "{}");
    static const char *const bad[] = {"10.1.0.1/16", "10.0.0.0/33", "2001:db8::/129", "10.0.0/8",
                                      "example",     "10.0.0.0/",   "10.0.0.0/8/8"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        begin(f, 1), key(f, "nets"), msgpack_pack_array(&f->pk, 1), str(f, bad[i]);
        assert_false(run(f));
        assert_string_equal(f->field, "nets");
    }
    begin(f, 1), key(f, "nets"), msgpack_pack_array(&f->pk, 3);
    str(f, "10.0.0.0/8"), str(f, "10.0.0.0/8"), str(f, "10.0.0.0/8");
    expect_fail(f, "nets", "0 to 2 items");
    begin(f, 1), key(f, "nets"), str(f, "10.0.0.0/8");
    expect_fail(f, "nets", "list of networks");
}

static void test_map_lists(void **state)
{
    struct fixture *f = *state;
    begin(f, 1), key(f, "rows"), msgpack_pack_array(&f->pk, 2);
    msgpack_pack_map(&f->pk, 1), key(f, "name"), str(f, "A");
    msgpack_pack_map(&f->pk, 0);
    assert_true(run(f));
    const struct arg_val *v = &f->args.v[idx("rows")];
    assert_true(v->present);
    /* the rows come back re-encoded as MessagePack, ready for the handler to walk */
    msgpack_object back;
    msgpack_zone *z = msgpack_zone_new(1024);
    assert_int_equal(msgpack_unpack(v->text, v->len, NULL, z, &back), MSGPACK_UNPACK_SUCCESS);
    assert_int_equal(back.type, MSGPACK_OBJECT_ARRAY);
    assert_int_equal(back.via.array.size, 2);
    assert_int_equal(back.via.array.ptr[0].type, MSGPACK_OBJECT_MAP);
    msgpack_zone_free(z);
    begin(f, 1), key(f, "rows"), msgpack_pack_array(&f->pk, 3);
    for (int i = 0; i < 3; i++)
        msgpack_pack_map(&f->pk, 0);
    expect_fail(f, "rows", "1 to 2 items");
    begin(f, 1), key(f, "rows"), msgpack_pack_array(&f->pk, 2);
    msgpack_pack_map(&f->pk, 0), str(f, "not a map");
    expect_fail(f, "rows", "item 2 is not");
    begin(f, 1), key(f, "rows"), msgpack_pack_map(&f->pk, 0);
    expect_fail(f, "rows", "list of maps");
}

static void test_keys(void **state)
{
    struct fixture *f = *state;
    begin(f, 1), key(f, "nosuch"), msgpack_pack_uint64(&f->pk, 1);
    expect_fail(f, "nosuch", "unknown argument");
    begin(f, 2), key(f, "name"), str(f, "a"), key(f, "name"), str(f, "b");
    expect_fail(f, "name", "given twice");
    /* the required argument missing */
    msgpack_sbuffer_clear(&f->sb);
    msgpack_pack_map(&f->pk, 0);
    expect_fail(f, "must", "is required");
    /* nil is the same as absent */
    begin(f, 1), key(f, "name"), msgpack_pack_nil(&f->pk);
    assert_true(run(f));
    assert_false(f->args.v[idx("name")].present);
    assert_null(f->args.v[idx("name")].text);
    /* a non-string key */
    msgpack_sbuffer_clear(&f->sb);
    msgpack_pack_map(&f->pk, 1);
    msgpack_pack_uint64(&f->pk, 7), msgpack_pack_uint64(&f->pk, 7);
    assert_false(run(f));
    /* not a map at all */
    msgpack_sbuffer_clear(&f->sb);
    msgpack_pack_array(&f->pk, 0);
    assert_false(run(f));
    /* no params: only fails for the required argument */
    assert_false(op_args_validate(&test_op, NULL, f->zone, &f->args, f->field, f->reason));
    assert_string_equal(f->field, "must");
}

static void test_idempotency_key(void **state)
{
    struct fixture *f = *state;
    const char *uuid = "123e4567-e89b-12d3-a456-426614174000";
    begin(f, 1), key(f, "idempotency_key"), str(f, uuid);
    assert_false(run_op(f, &test_op));
    assert_string_equal(f->field, "idempotency_key");
    assert_string_equal(f->reason, "unknown argument");
    begin(f, 1), key(f, "idempotency_key"), str(f, uuid);
    assert_true(run_op(f, &test_mut));
    struct op_ctx ctx;
    memset(&ctx, 0, sizeof(ctx));
    ctx.op = &test_mut;
    ctx.args = &f->args;
    assert_true(op_has(&ctx, "idempotency_key"));
    assert_string_equal(op_text(&ctx, "idempotency_key"), uuid);
    assert_string_equal(op_text(&ctx, "must"), "ok");
    assert_false(op_has(&ctx, "name"));
    assert_null(op_text(&ctx, "no such name"));
    begin(f, 1), key(f, "idempotency_key"), str(f, "not-a-uuid");
    assert_false(run_op(f, &test_mut));
    assert_string_equal(f->field, "idempotency_key");
}

static void test_helpers(void **state)
{
    (void)state;
    assert_string_equal(role_name(ROLE_AE), "ae");
    assert_string_equal(role_name(ROLE_FINANCE), "finance");
    assert_null(role_name(ROLE_AE | ROLE_MANAGER));
    assert_int_equal(role_from_name("director"), ROLE_DIRECTOR);
    assert_int_equal(role_from_name("Director"), 0);
    assert_non_null(op_find("hello", 5));
    assert_null(op_find("hello", 4));
    assert_null(op_find("nope.nope", 9));
    struct op_ctx ctx;
    memset(&ctx, 0, sizeof(ctx));
    assert_int_equal(op_invalid(&ctx, "email", "must contain @"), -1);
    assert_int_equal(ctx.err, PE_INVALID);
    assert_string_equal(ctx.err_field, "email");
    assert_string_equal(ctx.err_reason, "must contain @");
    assert_int_equal(op_fail(&ctx, PE_NOT_FOUND, "no user %d", 7), -1);
    assert_string_equal(ctx.err_message, "no user 7");
    op_audit(&ctx, "user:7", "role=%s", "ae");
    assert_string_equal(ctx.audit_target, "user:7");
    assert_string_equal(ctx.audit_detail, "role=ae");
    /* truncation never leaves half a character behind */
    char longtext[700] = "";
    for (int i = 0; i < 200; i++)
        strcat(longtext, "中");
    op_audit(&ctx, longtext, "a%s", longtext);
    assert_true(strlen(ctx.audit_detail) > 400);
    assert_true(proto_utf8_valid(ctx.audit_detail, strlen(ctx.audit_detail)));
    assert_true(proto_utf8_valid(ctx.audit_target, strlen(ctx.audit_target)));
    op_fail(&ctx, PE_NOT_FOUND, "%s", longtext);
    assert_true(proto_utf8_valid(ctx.err_message, strlen(ctx.err_message)));
}

/* Every schema in the real table must be well formed: names unique, ranges ordered, enums with
   choices, and lists within OP_MAX_ARGS. */
static void test_real_table_schemas(void **state)
{
    (void)state;
    op_table_init();
    assert_true(op_table_len > 0);
    for (unsigned i = 0; i < op_table_len; i++) {
        const struct op *op = &op_table[i];
        assert_ptr_equal(op_find(op->name, strlen(op->name)), op);
        unsigned n = 0;
        for (; op->args && op->args[n].name; n++) {
            const struct arg_spec *a = &op->args[n];
            assert_true(a->min <= a->max || a->max == 0);
            if (a->type == ARG_ENUM)
                assert_non_null(a->choices);
            for (unsigned j = 0; j < n; j++)
                assert_string_not_equal(op->args[j].name, a->name);
        }
        assert_true(n < OP_MAX_ARGS);
        assert_true((op->flags & OPF_LOOP) ? op->handler == NULL : op->handler != NULL);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_string_ok_and_limits, setup, teardown),
        cmocka_unit_test_setup_teardown(test_text_and_secret, setup, teardown),
        cmocka_unit_test_setup_teardown(test_integers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ids, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bool_and_enum, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dates_and_times, setup, teardown),
        cmocka_unit_test_setup_teardown(test_uuid, setup, teardown),
        cmocka_unit_test_setup_teardown(test_id_lists, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cidr_lists, setup, teardown),
        cmocka_unit_test_setup_teardown(test_map_lists, setup, teardown),
        cmocka_unit_test_setup_teardown(test_keys, setup, teardown),
        cmocka_unit_test_setup_teardown(test_idempotency_key, setup, teardown),
        cmocka_unit_test(test_helpers),
        cmocka_unit_test(test_real_table_schemas),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
