/* Unit tests for re-encoding event payloads (server/notify_json.c): JSON objects to MessagePack
   maps, the user_id routing key, escapes, numbers, nesting limits and malformed input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "notify.h"

struct out {
    msgpack_sbuffer sb;
    msgpack_packer pk;
    msgpack_zone zone;
    msgpack_object obj;
    uint64_t user;
};

static int convert(struct out *o, const char *json)
{
    msgpack_sbuffer_init(&o->sb);
    msgpack_packer_init(&o->pk, &o->sb, msgpack_sbuffer_write);
    msgpack_zone_init(&o->zone, 1024);
    int rc = notify_json_to_msgpack(json, strlen(json), &o->pk, &o->user);
    if (rc == 0) {
        size_t off = 0;
        assert_int_equal(msgpack_unpack(o->sb.data, o->sb.size, &off, &o->zone, &o->obj),
                         MSGPACK_UNPACK_SUCCESS);
        assert_int_equal(off, o->sb.size); /* exactly one value */
    }
    return rc;
}

static void done(struct out *o)
{
    msgpack_zone_destroy(&o->zone);
    msgpack_sbuffer_destroy(&o->sb);
}

static const msgpack_object *get(const msgpack_object *map, const char *key)
{
    for (uint32_t i = 0; i < map->via.map.size; i++) {
        const msgpack_object_kv *kv = &map->via.map.ptr[i];
        if (kv->key.type == MSGPACK_OBJECT_STR && kv->key.via.str.size == strlen(key) &&
            memcmp(kv->key.via.str.ptr, key, strlen(key)) == 0)
            return &kv->val;
    }
    return NULL;
}

static void expect_str(const msgpack_object *o, const char *want)
{
    assert_non_null(o);
    assert_int_equal(o->type, MSGPACK_OBJECT_STR);
    assert_int_equal(o->via.str.size, strlen(want));
    assert_memory_equal(o->via.str.ptr, want, strlen(want));
}

static void test_event(void **state)
{
    (void)state;
    struct out o;
    assert_int_equal(convert(&o, "{\"user_id\": 7, \"kind\": \"client.assigned\", \"client_ids\": "
                                 "[3, 14], \"count\": 2, \"by\": 9, \"urgent\": true, "
                                 "\"note\": null, \"ratio\": -1.5, \"delta\": -4}"),
                     0);
    assert_int_equal(o.user, 7);
    assert_int_equal(o.obj.type, MSGPACK_OBJECT_MAP);
    assert_int_equal(o.obj.via.map.size, 8); /* user_id is routing, not content */
    assert_null(get(&o.obj, "user_id"));
    expect_str(get(&o.obj, "kind"), "client.assigned");
    const msgpack_object *ids = get(&o.obj, "client_ids");
    assert_int_equal(ids->type, MSGPACK_OBJECT_ARRAY);
    assert_int_equal(ids->via.array.size, 2);
    assert_int_equal(ids->via.array.ptr[1].via.u64, 14);
    assert_int_equal(get(&o.obj, "count")->type, MSGPACK_OBJECT_POSITIVE_INTEGER);
    assert_int_equal(get(&o.obj, "urgent")->type, MSGPACK_OBJECT_BOOLEAN);
    assert_int_equal(get(&o.obj, "note")->type, MSGPACK_OBJECT_NIL);
    assert_int_equal(get(&o.obj, "ratio")->type, MSGPACK_OBJECT_FLOAT64);
    assert_int_equal(get(&o.obj, "delta")->type, MSGPACK_OBJECT_NEGATIVE_INTEGER);
    assert_int_equal(get(&o.obj, "delta")->via.i64, -4);
    done(&o);
}

static void test_strings(void **state)
{
    (void)state;
    struct out o;
    assert_int_equal(convert(&o, "{\"user_id\":1,\"name\":\"Zhang Min \\u5f20\\u654f\","
                                 "\"quote\":\"say \\\"hi\\\"\\n\",\"emoji\":\"\\ud83d\\ude00\","
                                 "\"raw\":\"Fatima \xd9\x81\xd8\xa7\xd8\xb7\xd9\x85\xd8\xa9\"}"),
                     0);
    expect_str(get(&o.obj, "name"), "Zhang Min 张敏");
    expect_str(get(&o.obj, "quote"), "say \"hi\"\n");
    expect_str(get(&o.obj, "emoji"), "\xf0\x9f\x98\x80");
    expect_str(get(&o.obj, "raw"), "Fatima فاطمة");
    done(&o);
}

static void test_nesting(void **state)
{
    (void)state;
    struct out o;
    assert_int_equal(convert(&o, "{\"user_id\":2,\"a\":{\"user_id\":5,\"b\":[[],{}]}}"), 0);
    assert_int_equal(o.user, 2); /* only the top level routes */
    const msgpack_object *a = get(&o.obj, "a");
    assert_int_equal(a->type, MSGPACK_OBJECT_MAP);
    assert_int_equal(get(a, "user_id")->via.u64, 5);
    done(&o);
    char deep[128] = "{\"user_id\":1,\"x\":";
    for (int i = 0; i < 20; i++)
        strcat(deep, "[");
    for (int i = 0; i < 20; i++)
        strcat(deep, "]");
    strcat(deep, "}");
    assert_int_equal(convert(&o, deep), -1);
    done(&o);
}

static void test_malformed(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "",
        "[1,2]",
        "\"text\"",
        "{\"user_id\":1,\"kind\":\"x\"",
        "{\"user_id\":1,\"kind\":\"x\"} trailing",
        "{\"user_id\":1,\"kind\":x}",
        "{\"user_id\":\"7\",\"kind\":\"x\"}",
        "{\"user_id\":1,\"kind\":\"bad \\q escape\"}",
        "{\"user_id\":1,\"kind\":\"lone \\udc00 surrogate\"}",
        "{\"user_id\":1,\"kind\":\"control \x01 char\"}",
        "{\"user_id\":1,,\"kind\":\"x\"}",
        "{\"user_id\":99999999999999999999,\"kind\":\"x\"}",
        "{user_id:1}",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct out o;
        if (convert(&o, bad[i]) != -1)
            fail_msg("accepted %s", bad[i]);
        done(&o);
    }
    struct out o;
    assert_int_equal(convert(&o, "  {\"kind\":\"no user\"}  "), 0);
    assert_int_equal(o.user, 0);
    done(&o);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_event),
        cmocka_unit_test(test_strings),
        cmocka_unit_test(test_nesting),
        cmocka_unit_test(test_malformed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
