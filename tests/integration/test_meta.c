/*
 * test_meta.c - the operation table as clients see it (meta.operations): each role is shown
 * exactly what it may call, and every announced argument limit is enforced by the server
 * (wrong type, too long, out of range, bad date/CIDR/enum/UUID, invalid UTF-8 -> invalid).
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

/* The issue-2 operations every client may rely on. */
static const char *const catalogue[] = {
    "hello",           "ping",
    "meta.operations", "auth.login",
    "auth.resume",     "auth.logout",
    "auth.whoami",     "auth.password",
    "auth.reauth",     "auth.sessions",
    "auth.revoke",     "branch.list",
    "branch.create",   "team.list",
    "team.create",     "user.list",
    "user.get",        "user.create",
    "user.update",     "user.deactivate",
    "user.unlock",     "user.reset_password",
};
#define CATALOGUE_N (sizeof catalogue / sizeof catalogue[0])

/* One announced argument. */
struct spec {
    char name[64], type[16];
    bool required;
    long long min, max;
    const msgpack_object *choices;
};

static void read_spec(const msgpack_object *o, struct spec *s)
{
    const msgpack_object *v;
    memset(s, 0, sizeof *s);
    assert_non_null(it_str(o, "name", s->name, sizeof s->name));
    assert_non_null(it_str(o, "type", s->type, sizeof s->type));
    assert_true(it_bool(o, "required", &s->required));
    v = it_get(o, "min");
    s->min = v && v->type == MSGPACK_OBJECT_NEGATIVE_INTEGER ? (long long)v->via.i64
             : v                                             ? (long long)v->via.u64
                                                             : 0;
    v = it_get(o, "max");
    s->max = v && v->type == MSGPACK_OBJECT_NEGATIVE_INTEGER ? (long long)v->via.i64
             : v                                             ? (long long)v->via.u64
                                                             : 0;
    v = it_get(o, "choices");
    s->choices = v && v->type == MSGPACK_OBJECT_ARRAY ? v : NULL;
}

static bool is_string_type(const char *t)
{
    return strcmp(t, "str") == 0 || strcmp(t, "text") == 0 || strcmp(t, "secret") == 0;
}

static void pack_s(msgpack_packer *pk, const char *s)
{
    msgpack_pack_str_with_body(pk, s, strlen(s));
}

/* Packs n copies of ch as one string. */
static void pack_repeat(msgpack_packer *pk, char ch, long long n)
{
    msgpack_pack_str(pk, (size_t)n);
    for (long long i = 0; i < n; i++)
        msgpack_pack_str_body(pk, &ch, 1);
}

/* Packs a value every validator must accept for s. */
static void pack_valid(msgpack_packer *pk, const struct spec *s)
{
    const char *t = s->type;
    if (is_string_type(t)) {
        long long n = s->min > 8 ? s->min : 8;
        if (s->max > 0 && n > s->max)
            n = s->max;
        pack_repeat(pk, 'a', n);
    } else if (strcmp(t, "u64") == 0 || strcmp(t, "i64") == 0) {
        msgpack_pack_int64(pk, s->min > 0 ? s->min : (s->max >= 0 ? 0 : s->max));
    } else if (strcmp(t, "id") == 0) {
        msgpack_pack_uint64(pk, 1);
    } else if (strcmp(t, "bool") == 0) {
        msgpack_pack_true(pk);
    } else if (strcmp(t, "enum") == 0 && s->choices && s->choices->via.array.size > 0) {
        const msgpack_object *c = &s->choices->via.array.ptr[0];
        msgpack_pack_str_with_body(pk, c->via.str.ptr, c->via.str.size);
    } else if (strcmp(t, "date") == 0) {
        pack_s(pk, "2026-01-15");
    } else if (strcmp(t, "timestamp") == 0) {
        pack_s(pk, "2026-01-15T10:00:00Z");
    } else if (strcmp(t, "id_list") == 0 || strcmp(t, "cidr_list") == 0) {
        long long n = s->min > 0 ? s->min : 0;
        msgpack_pack_array(pk, (uint32_t)n);
        for (long long i = 0; i < n; i++) {
            if (t[0] == 'i')
                msgpack_pack_uint64(pk, (uint64_t)i + 1);
            else
                pack_s(pk, "10.0.0.0/8");
        }
    } else if (strcmp(t, "uuid") == 0) {
        pack_s(pk, "123e4567-e89b-12d3-a456-426614174000");
    } else {
        msgpack_pack_nil(pk);
    }
}

/* The kinds of bad values tried for one argument. */
enum bad {
    BAD_TYPE,    /* a value of another type */
    BAD_LONG,    /* one character over max */
    BAD_UTF8,    /* invalid UTF-8 */
    BAD_CONTROL, /* a control character in a one-line string */
    BAD_HIGH,    /* max + 1 */
    BAD_LOW,     /* min - 1 */
    BAD_CHOICE,  /* not among the choices */
    BAD_DATE,    /* 30 February */
    BAD_FORMAT,  /* not the announced format */
    BAD_ITEM,    /* a list item that is not valid */
    BAD__COUNT
};

/* Packs the bad value of kind k for s; false when k does not apply to s's type. */
static bool pack_bad(msgpack_packer *pk, const struct spec *s, enum bad k)
{
    const char *t = s->type;
    bool str = is_string_type(t);
    bool num = strcmp(t, "u64") == 0 || strcmp(t, "i64") == 0 || strcmp(t, "id") == 0;
    switch (k) {
    case BAD_TYPE:
        if (str || strcmp(t, "enum") == 0 || strcmp(t, "date") == 0 || strcmp(t, "uuid") == 0 ||
            strcmp(t, "timestamp") == 0 || strcmp(t, "bool") == 0)
            msgpack_pack_uint64(pk, 42);
        else
            pack_s(pk, "42");
        return true;
    case BAD_LONG:
        if (!str || s->max <= 0 || s->max > 100000)
            return false;
        pack_repeat(pk, 'x', s->max + 1);
        return true;
    case BAD_UTF8:
        if (!str)
            return false;
        msgpack_pack_str_with_body(pk,
                                   "abc\xff\xfe"
                                   "defgh",
                                   10);
        return true;
    case BAD_CONTROL:
        if (strcmp(t, "str") != 0 || s->max < 3)
            return false;
        msgpack_pack_str_with_body(pk,
                                   "a\x01"
                                   "bcdefgh",
                                   s->max < 9 ? (size_t)s->max : 9);
        return true;
    case BAD_HIGH:
        if (!num || s->max <= 0 || s->max == INT64_MAX)
            return false;
        msgpack_pack_int64(pk, s->max + 1);
        return true;
    case BAD_LOW:
        if (!num || strcmp(t, "i64") == 0 || s->min <= 0)
            return false;
        msgpack_pack_int64(pk, s->min - 1);
        return true;
    case BAD_CHOICE:
        if (strcmp(t, "enum") != 0)
            return false;
        pack_s(pk, "no-such-choice");
        return true;
    case BAD_DATE:
        if (strcmp(t, "date") != 0 && strcmp(t, "timestamp") != 0)
            return false;
        pack_s(pk, t[0] == 'd' ? "2026-02-30" : "2026-02-30T10:00:00Z");
        return true;
    case BAD_FORMAT:
        if (strcmp(t, "date") == 0)
            pack_s(pk, "15/01/2026");
        else if (strcmp(t, "timestamp") == 0)
            pack_s(pk, "2026-01-15 10:00:00");
        else if (strcmp(t, "uuid") == 0)
            pack_s(pk, "123e4567-e89b-12d3-a456-42661417400");
        else
            return false;
        return true;
    case BAD_ITEM:
        if (strcmp(t, "id_list") == 0) {
            msgpack_pack_array(pk, 1);
            msgpack_pack_uint64(pk, 0);
        } else if (strcmp(t, "cidr_list") == 0) {
            msgpack_pack_array(pk, 2);
            pack_s(pk, "10.0.0.0/8");
            pack_s(pk, "300.1.2.3/8");
        } else {
            return false;
        }
        return true;
    default:
        return false;
    }
}

struct bad_call {
    const struct spec *specs;
    int nspecs, target;
    enum bad kind;
    bool applies;
};

/* Packs the params map: every required argument valid, the target one bad. */
static void pack_bad_call(msgpack_packer *pk, void *ud)
{
    struct bad_call *b = ud;
    uint32_t n = 0;
    for (int i = 0; i < b->nspecs; i++)
        n += b->specs[i].required || i == b->target;
    msgpack_pack_map(pk, n);
    for (int i = 0; i < b->nspecs; i++) {
        if (!b->specs[i].required && i != b->target)
            continue;
        pack_s(pk, b->specs[i].name);
        if (i == b->target)
            b->applies = pack_bad(pk, &b->specs[i], b->kind);
        else
            pack_valid(pk, &b->specs[i]);
    }
}

static const char *const bad_names[] = {
    "wrong type", "too long",       "invalid UTF-8",   "control char", "above max",
    "below min",  "unknown choice", "impossible date", "bad format",   "bad list item"};

/* Tries every applicable bad value on every argument of one operation. Returns the count. */
static int check_operation(it_conn *c, const msgpack_object *op)
{
    char name[64];
    struct spec specs[32];
    assert_non_null(it_str(op, "name", name, sizeof name));
    const msgpack_object *args = it_get(op, "args");
    assert_non_null(args);
    assert_int_equal(args->type, MSGPACK_OBJECT_ARRAY);
    int n = (int)args->via.array.size;
    assert_true(n <= 32);
    for (int i = 0; i < n; i++)
        read_spec(&args->via.array.ptr[i], &specs[i]);
    if (strcmp(name, "hello") == 0)
        return 0; /* hello's version is checked before its schema (unsupported_version) */
    int tried = 0;
    for (int i = 0; i < n; i++) {
        for (int k = 0; k < BAD__COUNT; k++) {
            struct bad_call b = {specs, n, i, (enum bad)k, false};
            /* pack once to learn whether the case applies, without sending */
            msgpack_sbuffer sb;
            msgpack_packer pk;
            msgpack_sbuffer_init(&sb);
            msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
            pack_bad_call(&pk, &b);
            msgpack_sbuffer_destroy(&sb);
            if (!b.applies)
                continue;
            it_resp *r = it_call_pk(c, name, pack_bad_call, &b);
            if (r->status != IT_ERROR || strcmp(r->code, "invalid") != 0 ||
                strcmp(r->field, specs[i].name) != 0)
                it_fail("%s with %s %s (%s): expected invalid field=%s, got %s", name,
                        specs[i].name, bad_names[k], specs[i].type, specs[i].name, it_resp_str(r));
            it_resp_free(r);
            tried++;
        }
    }
    return tried;
}

static const msgpack_object *find_op(const msgpack_object *ops, const char *name)
{
    char buf[64];
    for (uint32_t i = 0; i < ops->via.array.size; i++)
        if (it_str(&ops->via.array.ptr[i], "name", buf, sizeof buf) && strcmp(buf, name) == 0)
            return &ops->via.array.ptr[i];
    return NULL;
}

static void test_announced_limits_are_enforced(void **state)
{
    it_conn *c = it_session("AGENCY_DEMO_DIRECTOR", NULL);
    it_resp *r = IT_CALL_OK(c, "meta.operations", "meta.operations", "");
    const msgpack_object *ops = it_get(r->result, "operations");
    assert_non_null(ops);
    assert_int_equal(ops->type, MSGPACK_OBJECT_ARRAY);
    /* a director sees the whole catalogue */
    for (size_t i = 0; i < CATALOGUE_N; i++)
        if (find_op(ops, catalogue[i]) == NULL)
            it_fail("meta.operations for a director lacks %s", catalogue[i]);
    int tried = 0;
    for (uint32_t i = 0; i < ops->via.array.size; i++)
        tried += check_operation(c, &ops->via.array.ptr[i]);
    print_message("%d bad arguments over %u operations, each answered invalid with its field\n",
                  tried, ops->via.array.size);
    assert_true(tried >= 60);
    it_resp_free(r);
    /* after all that, the session and the data are fine */
    r = IT_CALL_OK(c, "whoami after the bad arguments", "auth.whoami", "");
    it_resp_free(r);
    it_close(c);
}

static void test_each_role_sees_what_it_may_call(void **state)
{
    static const char *const creds[] = {"AGENCY_DEMO_AE", "AGENCY_DEMO_MANAGER",
                                        "AGENCY_DEMO_FINANCE"};
    for (size_t k = 0; k < sizeof creds / sizeof creds[0]; k++) {
        it_conn *c = it_session(creds[k], NULL);
        it_resp *meta = IT_CALL_OK(c, "meta.operations", "meta.operations", "");
        const msgpack_object *ops = it_get(meta->result, "operations");
        assert_non_null(ops);
        for (size_t i = 0; i < CATALOGUE_N; i++) {
            const char *op = catalogue[i];
            bool listed = find_op(ops, op) != NULL;
            if (strcmp(op, "auth.logout") == 0 || strcmp(op, "hello") == 0)
                continue; /* would end the session or the phase under test */
            it_resp *r = it_call(c, op, "");
            bool forbidden = r->status == IT_ERROR && strcmp(r->code, "forbidden") == 0;
            if (listed && forbidden)
                it_fail("%s: %s is listed but answers forbidden", creds[k], op);
            if (!listed && !forbidden)
                it_fail("%s: %s is not listed but answers %s", creds[k], op, it_resp_str(r));
            it_resp_free(r);
        }
        /* what is not offered is named in not_permitted, exactly once, and is forbidden */
        const msgpack_object *denied = it_get(meta->result, "not_permitted");
        if (!denied || denied->type != MSGPACK_OBJECT_ARRAY)
            it_fail("%s: meta.operations has no not_permitted list", creds[k]);
        for (size_t i = 0; i < CATALOGUE_N; i++) {
            bool listed = find_op(ops, catalogue[i]) != NULL, named = false;
            for (uint32_t d = 0; d < denied->via.array.size; d++) {
                const msgpack_object *o = &denied->via.array.ptr[d];
                named |= o->type == MSGPACK_OBJECT_STR && o->via.str.size == strlen(catalogue[i]) &&
                         memcmp(o->via.str.ptr, catalogue[i], o->via.str.size) == 0;
            }
            if (listed == named)
                it_fail("%s: %s is %s", creds[k], catalogue[i],
                        listed ? "both offered and not permitted" : "neither offered nor named");
        }
        for (uint32_t d = 0; d < denied->via.array.size; d++) {
            char name[64];
            const msgpack_object *o = &denied->via.array.ptr[d];
            snprintf(name, sizeof name, "%.*s", (int)o->via.str.size, o->via.str.ptr);
            if (find_op(ops, name))
                it_fail("%s: %s is both offered and not permitted", creds[k], name);
            it_resp *r = it_call(c, name, "");
            if (r->status != IT_ERROR || strcmp(r->code, "forbidden") != 0)
                it_fail("%s: %s is named not permitted but answers %s", creds[k], name,
                        it_resp_str(r));
            it_resp_free(r);
        }
        /* staff changes are never offered to these roles */
        assert_null(find_op(ops, "user.create"));
        assert_null(find_op(ops, "branch.create"));
        assert_non_null(find_op(ops, "user.list"));
        it_resp_free(meta);
        it_close(c);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_announced_limits_are_enforced),
        cmocka_unit_test(test_each_role_sees_what_it_may_call),
    };
    return cmocka_run_group_tests(tests, NULL, it_teardown);
}
