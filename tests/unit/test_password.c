/* Unit tests for passwords (server/password.c): the policy (lengths counted in characters,
   the common-password list, the user name), Argon2id hashing and verification, the dummy
   verification for unknown users, one-time passwords; and the operation table's shape. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "op.h"
#include "password.h"

/* Small cost so the tests run fast; the library's minimums. */
static int small_cost(void **state)
{
    (void)state;
    struct password_params p = {64, 1, 1};
    return password_configure(&p);
}

static void test_policy_length_counts_characters(void **state)
{
    (void)state;
    assert_non_null(password_policy_check("seven77", NULL));
    assert_null(password_policy_check("eight888", NULL));
    /* 7 CJK characters are 21 bytes but still too short; 8 are enough */
    assert_non_null(password_policy_check("广告公司客户经", NULL));
    assert_null(password_policy_check("广告公司客户经理", NULL));
    /* Arabic: 8 letters */
    assert_null(password_policy_check("كلمةسرية", NULL));
    char long_pw[200];
    memset(long_pw, 'k', 128);
    long_pw[128] = '\0';
    assert_null(password_policy_check(long_pw, NULL));
    long_pw[128] = 'k';
    long_pw[129] = '\0';
    assert_non_null(password_policy_check(long_pw, NULL));
    /* 128 three-byte characters are fine (384 bytes) */
    char cjk[128 * 3 + 1];
    for (int i = 0; i < 128; i++)
        memcpy(cjk + 3 * i, "理", 3);
    cjk[sizeof cjk - 1] = '\0';
    assert_null(password_policy_check(cjk, NULL));
}

static void test_policy_rejects_invalid_utf8(void **state)
{
    (void)state;
    assert_non_null(password_policy_check("abcdefgh\xff", NULL));
    assert_non_null(password_policy_check("abcdefg\xc0\xaf", NULL));
    assert_non_null(password_policy_check(NULL, NULL));
}

static void test_policy_common_passwords(void **state)
{
    (void)state;
    assert_non_null(password_policy_check("password", NULL));
    assert_non_null(password_policy_check("PassWord123", NULL));
    assert_non_null(password_policy_check("QWERTYUIOP", NULL));
    assert_non_null(password_policy_check("iloveyou", NULL));
    assert_non_null(password_policy_check("12345678", NULL));
    assert_null(password_policy_check("tangerine-bicycle", NULL));
}

static void test_policy_username(void **state)
{
    (void)state;
    assert_non_null(password_policy_check("mehmet.yilmaz", "mehmet.yilmaz"));
    assert_non_null(password_policy_check("Mehmet.Yilmaz", "mehmet.yilmaz"));
    assert_non_null(password_policy_check("zamliy.temhem", "mehmet.yilmaz"));
    assert_null(password_policy_check("mehmet.yilmaz-2026!", "mehmet.yilmaz"));
    assert_null(password_policy_check("some-other-pass", "mehmet.yilmaz"));
}

static void test_hash_verify_round_trip(void **state)
{
    (void)state;
    char h1[PASSWORD_HASH_MAX], h2[PASSWORD_HASH_MAX];
    assert_int_equal(password_hash("correct horse 广告", h1), 0);
    assert_int_equal(password_hash("correct horse 广告", h2), 0);
    assert_memory_equal(h1, "$argon2id$", 10);
    assert_non_null(strstr(h1, "m=64,t=1,p=1"));
    assert_string_not_equal(h1, h2); /* fresh salt each time */
    assert_true(password_verify(h1, "correct horse 广告"));
    assert_true(password_verify(h2, "correct horse 广告"));
    assert_false(password_verify(h1, "correct horse 广告 "));
    assert_false(password_verify(h1, ""));
    assert_false(password_verify("not a hash", "correct horse 广告"));
}

static void test_verify_uses_parameters_of_the_hash(void **state)
{
    (void)state;
    char h[PASSWORD_HASH_MAX];
    struct password_params other = {128, 2, 1};
    assert_int_equal(password_configure(&other), 0);
    assert_int_equal(password_hash("agency-demo-2026", h), 0);
    assert_non_null(strstr(h, "m=128,t=2,p=1"));
    assert_int_equal(small_cost(NULL), 0);
    assert_true(password_verify(h, "agency-demo-2026"));
}

static void test_dummy_verification(void **state)
{
    (void)state;
    /* unknown users: always false, whatever the password */
    assert_false(password_verify(NULL, "agency-demo-2026"));
    assert_false(password_verify(NULL, ""));
    assert_false(password_verify(NULL, "unknown user: this password never matches"));
    assert_false(password_verify("$argon2id$v=19$m=64,t=1,p=1$c29tZXNhbHQ$", "x"));
}

static void test_configure_refuses_bad_cost(void **state)
{
    (void)state;
    struct password_params zero_t = {64, 0, 1};
    struct password_params zero_p = {64, 1, 0};
    struct password_params tiny_m = {4, 1, 1};
    assert_int_equal(password_configure(&zero_t), -1);
    assert_int_equal(password_configure(&zero_p), -1);
    assert_int_equal(password_configure(&tiny_m), -1);
    assert_int_equal(password_configure(NULL), -1);
    struct password_params cur = password_current_params();
    assert_int_equal(cur.m_kib, 64);
    assert_int_equal(cur.t, 1);
}

static void test_generate(void **state)
{
    (void)state;
    char a[17], b[17];
    assert_int_equal(password_generate(a, sizeof a, 16), 0);
    assert_int_equal(password_generate(b, sizeof b, 16), 0);
    assert_int_equal(strlen(a), 16);
    assert_string_not_equal(a, b);
    for (int i = 0; i < 16; i++)
        assert_null(strchr("0O1lIio", a[i]));
    assert_null(password_policy_check(a, "someone"));
    char small[8];
    assert_int_equal(password_generate(small, sizeof small, 16), -1);
}

/* Every operation in the table has a summary and a well-formed schema, the pre-login set
   is exactly the four operations allowed before login, and staff changes are directors'. */
static void test_operation_table(void **state)
{
    (void)state;
    op_table_init();
    assert_true(op_table_len > 0);
    unsigned no_auth = 0;
    for (unsigned i = 0; i < op_table_len; i++) {
        const struct op *op = &op_table[i];
        assert_non_null(op->summary);
        assert_non_null(op->args);
        assert_true((op->handler == NULL) == ((op->flags & OPF_LOOP) != 0));
        for (unsigned a = 0; op->args[a].name; a++)
            assert_true(a < OP_MAX_ARGS - 1);
        if (op->flags & OPF_NO_AUTH) {
            no_auth++;
            assert_true(strcmp(op->name, "hello") == 0 || strcmp(op->name, "ping") == 0 ||
                        strcmp(op->name, "auth.login") == 0 ||
                        strcmp(op->name, "auth.resume") == 0);
        }
        if (strncmp(op->name, "user.", 5) == 0 && strcmp(op->name, "user.list") != 0 &&
            strcmp(op->name, "user.get") != 0)
            assert_int_equal(op->roles, ROLE_DIRECTOR);
    }
    assert_int_equal(no_auth, 4);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_policy_length_counts_characters),
        cmocka_unit_test(test_policy_rejects_invalid_utf8),
        cmocka_unit_test(test_policy_common_passwords),
        cmocka_unit_test(test_policy_username),
        cmocka_unit_test(test_hash_verify_round_trip),
        cmocka_unit_test(test_verify_uses_parameters_of_the_hash),
        cmocka_unit_test(test_dummy_verification),
        cmocka_unit_test(test_configure_refuses_bad_cost),
        cmocka_unit_test(test_generate),
        cmocka_unit_test(test_operation_table),
    };
    return cmocka_run_group_tests(tests, small_cost, NULL);
}
