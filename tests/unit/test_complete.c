/* test_complete.c - completion candidates from the operation catalogue: nouns and built-ins,
   verbs (dashed, with aliases), flags not yet typed, enum values, form choices. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "complete.h"
#include "meta.h"

static const char *const roles[] = {"ae", "manager", "director", "finance"};
static struct meta cat;

static int setup(void **state)
{
    (void)state;
    struct meta_arg list_args[] = {
        {.name = "role", .type = MT_ENUM, .choices = (char **)roles, .nchoices = 4},
        {.name = "team_id", .type = MT_ID},
        {.name = "active", .type = MT_BOOL},
        {.name = NULL}};
    struct meta_arg id_args[] = {{.name = "id", .type = MT_ID, .required = true},
                                 {.name = "idempotency_key", .type = MT_UUID},
                                 {.name = NULL}};
    memset(&cat, 0, sizeof(cat));
    assert_int_equal(meta_add(&cat, "hello", "", false, NULL), 0);
    assert_int_equal(meta_add(&cat, "ping", "", false, NULL), 0);
    assert_int_equal(meta_add(&cat, "user.list", "", false, list_args), 0);
    assert_int_equal(meta_add(&cat, "user.create", "", true, NULL), 0);
    assert_int_equal(meta_add(&cat, "user.reset_password", "", true, id_args), 0);
    assert_int_equal(meta_add(&cat, "team.list", "", false, NULL), 0);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    meta_free(&cat);
    return 0;
}

/* The candidates for line joined with spaces, for one comparison. */
static void expect(const char *line, const char *want)
{
    char got[512] = "";
    char **c = complete_candidates(&cat, line);
    assert_non_null(c);
    for (char **p = c; *p; p++) {
        if (got[0])
            strcat(got, " ");
        strcat(got, *p);
    }
    complete_free(c);
    assert_string_equal(got, want);
}

static void test_nouns(void **state)
{
    (void)state;
    expect("", "ping user team help whoami password sessions logout next clear quit exit");
    expect("u", "user");
    expect("te", "team");
    expect("he", "help");
    expect("help t", "team");
}

static void test_verbs(void **state)
{
    (void)state;
    expect("user ", "list create add reset-password");
    expect("user r", "reset-password");
    expect("user a", "add");
    expect("nosuch ", "");
}

static void test_flags_and_values(void **state)
{
    (void)state;
    expect("user list ", "--role --team --active");
    expect("user list --t", "--team");
    expect("user list --role ae --", "--team --active");
    expect("user list --role ", "ae manager director finance");
    expect("user list --role m", "manager");
    expect("user list --active ", "--role --team");        /* a boolean takes no value */
    expect("user list --team-id 3 --", "--role --active"); /* given by its own name */
    expect("user list --team 3 --", "--role --active");
    expect("user reset-password 4 ", ""); /* the idempotency key is hidden */
    expect("user reset-password 4 --", "");
}

static void test_form_choices(void **state)
{
    (void)state;
    complete_set_choices((char *const *)roles, 4);
    expect("fi", "finance");
    expect("", "ae manager director finance");
    complete_set_choices(NULL, 0);
    expect("pi", "ping");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_nouns),
        cmocka_unit_test(test_verbs),
        cmocka_unit_test(test_flags_and_values),
        cmocka_unit_test(test_form_choices),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
