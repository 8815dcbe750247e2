/* test_csv.c - the RFC 4180 reader of client import: quoted fields with commas, newlines and
   doubled quotes, CRLF and LF, a byte-order mark, empty fields, line numbers of records that
   span lines, malformed records and going on after them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "csv.h"

/* Reads every record of text, joining fields with '|' and records with '\n'; errors as
   "!<line>". */
static void read_all(const char *text, size_t len, char *out, size_t outlen)
{
    struct csv_reader r;
    struct csv_record rec = {0};
    char err[160];
    int rc, guard = 0;
    out[0] = '\0';
    csv_init(&r, text, len);
    while ((rc = csv_next(&r, &rec, err, sizeof(err))) != 0 && guard++ < 100) {
        char part[512];
        if (rc < 0) {
            snprintf(part, sizeof(part), "!%lu", rec.line);
        } else {
            size_t off = (size_t)snprintf(part, sizeof(part), "%lu:", rec.line);
            for (size_t i = 0; i < rec.n; i++)
                off += (size_t)snprintf(part + off, sizeof(part) - off, "%s%s", i ? "|" : "",
                                        rec.fields[i]);
        }
        if (out[0])
            strncat(out, "\n", outlen - strlen(out) - 1);
        strncat(out, part, outlen - strlen(out) - 1);
    }
    csv_record_free(&rec);
}

static void expect(const char *text, const char *want)
{
    char got[2048];
    read_all(text, strlen(text), got, sizeof(got));
    assert_string_equal(got, want);
}

static void test_plain(void **state)
{
    (void)state;
    expect("name,tier\nAcme,key\nBeta,growth\n", "1:name|tier\n2:Acme|key\n3:Beta|growth");
    expect("a,b", "1:a|b");                   /* no newline at the end */
    expect("a,,c,\n", "1:a||c|");             /* empty fields, a trailing comma */
    expect("", "");                           /* nothing at all */
    expect("a\n\nb\n", "1:a\n2:\n3:b");       /* a blank line is an empty record */
    expect("a,b\r\nc,d\r\n", "1:a|b\n2:c|d"); /* CRLF */
    expect("a\rb\r", "1:a\n2:b");             /* old Mac line ends */
}

static void test_quoted(void **state)
{
    (void)state;
    expect("\"Acme, Inc.\",key\n", "1:Acme, Inc.|key");
    expect("\"say \"\"hi\"\"\",x\n", "1:say \"hi\"|x");
    expect("\"\",x\n", "1:|x");
    /* a field spanning lines: the record keeps its first line, the next record its own */
    expect("\"line one\nline two\",x\nnext,y\n", "1:line one\nline two|x\n3:next|y");
    expect("\"a\r\nb\",c\r\nd,e\r\n", "1:a\r\nb|c\n3:d|e");
    /* a quote inside an unquoted field is kept as it is */
    expect("5\" screen,x\n", "1:5\" screen|x");
}

static void test_bom_and_scripts(void **state)
{
    (void)state;
    expect("\xEF\xBB\xBFname\n上海大华广告有限公司\n", "1:name\n2:上海大华广告有限公司");
    expect("الشركة المتحدة ش.م.م,\"Ünlü Tekstil A.Ş.\"\n",
           "1:الشركة المتحدة ش.م.م|Ünlü Tekstil A.Ş.");
}

static void test_malformed(void **state)
{
    (void)state;
    /* text after a closing quote: that record is reported, reading goes on at the next line */
    expect("\"a\"b,c\nd,e\n", "!1\n2:d|e");
    /* a quote never closed swallows the rest of the file and is reported once */
    expect("x,y\n\"open,z\nmore\n", "1:x|y\n!2");
}

static void test_nul_and_lengths(void **state)
{
    (void)state;
    static const char text[] = "a\0b,c\n";
    struct csv_reader r;
    struct csv_record rec = {0};
    char err[160];
    csv_init(&r, text, sizeof(text) - 1);
    assert_int_equal(csv_next(&r, &rec, err, sizeof(err)), 1);
    assert_int_equal(rec.n, 2);
    assert_int_equal(rec.lens[0], 3);           /* the NUL is counted ... */
    assert_int_equal(strlen(rec.fields[0]), 1); /* ... so the importer can see it was cut */
    assert_int_equal(csv_next(&r, &rec, err, sizeof(err)), 0);
    csv_record_free(&rec);
}

static void test_too_many_fields(void **state)
{
    (void)state;
    char text[CSV_MAX_FIELDS * 2 + 16];
    size_t n = 0;
    for (int i = 0; i <= CSV_MAX_FIELDS; i++) {
        text[n++] = 'x';
        text[n++] = ',';
    }
    text[n++] = '\n';
    memcpy(text + n, "ok\n", 4);
    char got[256];
    read_all(text, strlen(text), got, sizeof(got));
    assert_string_equal(got, "!1\n2:ok");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain),           cmocka_unit_test(test_quoted),
        cmocka_unit_test(test_bom_and_scripts), cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_nul_and_lengths), cmocka_unit_test(test_too_many_fields),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
