/* test_import_map.c - spreadsheet headers to client fields for client import: synonyms in any
   case and spelling, --map and --ignore, unknown columns listed, two columns for one field,
   no name column. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "import_map.h"

static void test_synonyms(void **state)
{
    (void)state;
    assert_string_equal(import_field_for_header("Company"), "name");
    assert_string_equal(import_field_for_header("  CLIENT  "), "name");
    assert_string_equal(import_field_for_header("Legal Name"), "legal_name");
    assert_string_equal(import_field_for_header("legal_name"), "legal_name");
    assert_string_equal(import_field_for_header("Reg. No"), "registration_no");
    assert_string_equal(import_field_for_header("Registration Number"), "registration_no");
    assert_string_equal(import_field_for_header("VAT"), "registration_no");
    assert_string_equal(import_field_for_header("E-mail"), "email");
    assert_string_equal(import_field_for_header("Web site"), "website");
    assert_string_equal(import_field_for_header("Tier"), "tier");
    assert_null(import_field_for_header("Favourite colour"));
    assert_null(import_field_for_header(""));
    assert_true(import_is_field("owner_id"));
    assert_false(import_is_field("confidential"));
}

static void test_header_key(void **state)
{
    (void)state;
    char k[64];
    import_header_key("  Reg._No / VAT ", k, sizeof(k));
    assert_string_equal(k, "reg no vat");
    import_header_key("名称", k, sizeof(k));
    assert_string_equal(k, "名称");
}

static void test_build(void **state)
{
    (void)state;
    char *headers[] = {"Company", "VAT", "Tier", "Phone"};
    const char *fields[4];
    char err[512];
    assert_int_equal(import_map_build(headers, 4, NULL, 0, NULL, 0, fields, err, sizeof(err)), 0);
    assert_string_equal(fields[0], "name");
    assert_string_equal(fields[1], "registration_no");
    assert_string_equal(fields[2], "tier");
    assert_string_equal(fields[3], "phone");
}

static void test_unknown_listed(void **state)
{
    (void)state;
    char *headers[] = {"Name", "Colour", "Tier", "Mood"};
    const char *fields[4];
    char err[512];
    assert_int_equal(import_map_build(headers, 4, NULL, 0, NULL, 0, fields, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "\"Colour\""));
    assert_non_null(strstr(err, "\"Mood\""));
    assert_null(strstr(err, "\"Tier\""));
    assert_non_null(strstr(err, "--ignore"));

    /* mapped and ignored, the same header works */
    char *maps[] = {"colour=industry"};
    char *ignores[] = {"MOOD"};
    assert_int_equal(import_map_build(headers, 4, maps, 1, ignores, 1, fields, err, sizeof(err)),
                     0);
    assert_string_equal(fields[1], "industry");
    assert_null(fields[3]);
}

static void test_map_wins_and_errors(void **state)
{
    (void)state;
    char *headers[] = {"Account", "Company"};
    const char *fields[2];
    char err[512];
    /* both are name synonyms: refused until one is mapped elsewhere or ignored */
    assert_int_equal(import_map_build(headers, 2, NULL, 0, NULL, 0, fields, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "both fill name"));
    char *maps[] = {"Company=legal-name"};
    assert_int_equal(import_map_build(headers, 2, maps, 1, NULL, 0, fields, err, sizeof(err)), 0);
    assert_string_equal(fields[0], "name");
    assert_string_equal(fields[1], "legal_name");

    char *bad_field[] = {"Company=colour"};
    assert_int_equal(import_map_build(headers, 2, bad_field, 1, NULL, 0, fields, err, sizeof(err)),
                     -1);
    assert_non_null(strstr(err, "not a client field"));
    char *bad_col[] = {"Nope=name"};
    assert_int_equal(import_map_build(headers, 2, bad_col, 1, NULL, 0, fields, err, sizeof(err)),
                     -1);
    assert_non_null(strstr(err, "no column"));
    char *no_eq[] = {"Company"};
    assert_int_equal(import_map_build(headers, 2, no_eq, 1, NULL, 0, fields, err, sizeof(err)), -1);
    char *bad_ignore[] = {"Nope"};
    assert_int_equal(import_map_build(headers, 2, NULL, 0, bad_ignore, 1, fields, err, sizeof(err)),
                     -1);
}

static void test_needs_name(void **state)
{
    (void)state;
    char *headers[] = {"Tier", "Phone"};
    const char *fields[2];
    char err[512];
    assert_int_equal(import_map_build(headers, 2, NULL, 0, NULL, 0, fields, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "client name"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_synonyms),
        cmocka_unit_test(test_header_key),
        cmocka_unit_test(test_build),
        cmocka_unit_test(test_unknown_listed),
        cmocka_unit_test(test_map_wins_and_errors),
        cmocka_unit_test(test_needs_name),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
