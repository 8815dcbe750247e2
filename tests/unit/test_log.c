/* Unit tests for the key=value logger (common/log.c): line format, level filtering before any
   formatting, value quoting and truncation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "log.h"

static int formatted;

static const char *counted(const char *s)
{
    formatted++;
    return s;
}

/* Runs fn with the log going to a temporary file; returns what was written (caller frees). */
static char *capture(void (*fn)(void))
{
    FILE *f = tmpfile();
    assert_non_null(f);
    log_init(LOG_LEVEL_INFO, f);
    fn();
    log_init(LOG_LEVEL_INFO, NULL);
    long len = ftell(f);
    assert_true(len > 0);
    char *text = calloc(1, (size_t)len + 1);
    rewind(f);
    assert_int_equal(fread(text, 1, (size_t)len, f), (size_t)len);
    fclose(f);
    return text;
}

static void write_lines(void)
{
    log_debug("event=hidden value=%s", counted("x"));
    log_info("event=shown conn=%d", 12);
    log_error("event=bad reason=%s", counted("y"));
}

static void test_levels_and_format(void **state)
{
    (void)state;
    formatted = 0;
    char *out = capture(write_lines);
    assert_int_equal(formatted, 1); /* the debug line's arguments were never evaluated */
    assert_null(strstr(out, "hidden"));
    char *line2 = strchr(out, '\n');
    assert_non_null(line2);
    /* ts=YYYY-MM-DDTHH:MM:SS.mmmZ level=info event=shown conn=12 */
    assert_int_equal(strncmp(out, "ts=", 3), 0);
    assert_int_equal(out[7], '-');
    assert_int_equal(out[13], 'T');
    assert_int_equal(out[26], 'Z');
    assert_non_null(strstr(out, " level=info event=shown conn=12\n"));
    assert_non_null(strstr(line2, " level=error event=bad reason=y\n"));
    free(out);

    enum log_level l = LOG_LEVEL_ERROR;
    assert_int_equal(log_level_from_name("debug", &l), 0);
    assert_int_equal(l, LOG_LEVEL_DEBUG);
    assert_int_equal(log_level_from_name("warning", &l), 0);
    assert_int_equal(l, LOG_LEVEL_WARN);
    assert_int_equal(log_level_from_name("verbose", &l), -1);
    assert_int_equal(l, LOG_LEVEL_WARN);
    assert_string_equal(log_level_name(LOG_LEVEL_ERROR), "error");
}

static void test_quote(void **state)
{
    (void)state;
    char buf[32];
    assert_string_equal(log_quote(buf, sizeof(buf), "plain"), "plain");
    assert_string_equal(log_quote(buf, sizeof(buf), "two words"), "\"two words\"");
    assert_string_equal(log_quote(buf, sizeof(buf), ""), "\"\"");
    assert_string_equal(log_quote(buf, sizeof(buf), NULL), "\"\"");
    assert_string_equal(log_quote(buf, sizeof(buf), "a=b"), "\"a=b\"");
    assert_string_equal(log_quote(buf, sizeof(buf), "say \"hi\""), "\"say \\\"hi\\\"\"");
    assert_string_equal(log_quote(buf, sizeof(buf), "line\nbreak"), "\"line\\x0abreak\"");
    /* a value that cannot fit ends in ... inside the quotes, and the buffer stays terminated */
    const char *lng = "0123456789012345678901234567890123456789";
    log_quote(buf, sizeof(buf), lng);
    assert_true(strlen(buf) < sizeof(buf));
    assert_non_null(strstr(buf, "...\""));
    assert_int_equal(buf[0], '"');
    char tiny[4];
    log_quote(tiny, sizeof(tiny), "a b c d");
    assert_true(strlen(tiny) < sizeof(tiny));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_levels_and_format),
        cmocka_unit_test(test_quote),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
