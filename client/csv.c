/* csv.c - RFC 4180 records out of a buffer, with line numbers for error reports. */
#include "csv.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void csv_init(struct csv_reader *r, const char *buf, size_t len)
{
    r->buf = buf;
    r->len = len;
    r->pos = 0;
    r->line = 1;
    if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
        r->pos = 3;
}

static void clear_fields(struct csv_record *rec)
{
    for (size_t i = 0; i < rec->n; i++)
        free(rec->fields[i]);
    rec->n = 0;
}

void csv_record_free(struct csv_record *rec)
{
    clear_fields(rec);
    free(rec->fields);
    free(rec->lens);
    memset(rec, 0, sizeof(*rec));
}

static int add_field(struct csv_record *rec, const char *s, size_t len)
{
    if (rec->n == rec->cap) {
        size_t cap = rec->cap ? rec->cap * 2 : 16;
        char **f = realloc(rec->fields, cap * sizeof(char *));
        if (!f)
            return -1;
        rec->fields = f;
        size_t *l = realloc(rec->lens, cap * sizeof(size_t));
        if (!l)
            return -1;
        rec->lens = l;
        rec->cap = cap;
    }
    char *copy = malloc(len + 1);
    if (!copy)
        return -1;
    memcpy(copy, s, len);
    copy[len] = '\0';
    rec->fields[rec->n] = copy;
    rec->lens[rec->n] = len;
    rec->n++;
    return 0;
}

/* Skips to just after the end of the current line (after an error). */
static void skip_line(struct csv_reader *r)
{
    while (r->pos < r->len && r->buf[r->pos] != '\n')
        r->pos++;
    if (r->pos < r->len) {
        r->pos++;
        r->line++;
    }
}

/* At a line end (LF, CRLF or a lone CR)? Consumes it and returns true. */
static bool take_eol(struct csv_reader *r)
{
    if (r->pos >= r->len)
        return false;
    if (r->buf[r->pos] == '\n') {
        r->pos++;
        r->line++;
        return true;
    }
    if (r->buf[r->pos] == '\r') {
        r->pos++;
        if (r->pos < r->len && r->buf[r->pos] == '\n')
            r->pos++;
        r->line++;
        return true;
    }
    return false;
}

/* A quoted field starting at the opening quote; the text goes to *out (malloc'd). Returns 0,
   or -1 with err set. */
static int quoted(struct csv_reader *r, char **out, size_t *outlen, char *err, size_t errlen)
{
    size_t cap = 64, n = 0;
    char *s = malloc(cap);
    r->pos++; /* the opening quote */
    if (!s)
        return snprintf(err, errlen, "out of memory"), -1;
    for (;;) {
        if (r->pos >= r->len) {
            free(s);
            snprintf(err, errlen, "a quoted field is not closed before the end of the file");
            return -1;
        }
        char c = r->buf[r->pos++];
        if (c == '"') {
            if (r->pos < r->len && r->buf[r->pos] == '"') {
                r->pos++;
            } else {
                break;
            }
        } else if (c == '\n') {
            r->line++;
        } else if (c == '\r' && !(r->pos < r->len && r->buf[r->pos] == '\n')) {
            r->line++;
        }
        if (n + 1 >= cap) {
            char *t = realloc(s, cap *= 2);
            if (!t) {
                free(s);
                return snprintf(err, errlen, "out of memory"), -1;
            }
            s = t;
        }
        s[n++] = c;
    }
    *out = s;
    *outlen = n;
    return 0;
}

int csv_next(struct csv_reader *r, struct csv_record *rec, char *err, size_t errlen)
{
    clear_fields(rec);
    if (r->pos >= r->len)
        return 0;
    rec->line = r->line;
    for (;;) {
        if (rec->n >= CSV_MAX_FIELDS) {
            snprintf(err, errlen, "more than %d fields", CSV_MAX_FIELDS);
            skip_line(r);
            return -1;
        }
        if (r->pos < r->len && r->buf[r->pos] == '"') {
            char *s;
            size_t len;
            if (quoted(r, &s, &len, err, errlen) < 0) {
                r->pos = r->len;
                return -1;
            }
            int rc = add_field(rec, s, len);
            free(s);
            if (rc < 0)
                return snprintf(err, errlen, "out of memory"), -1;
            if (r->pos < r->len && r->buf[r->pos] != ',' && r->buf[r->pos] != '\n' &&
                r->buf[r->pos] != '\r') {
                snprintf(err, errlen, "text after the closing quote of field %zu", rec->n);
                skip_line(r);
                return -1;
            }
        } else {
            size_t start = r->pos;
            while (r->pos < r->len && r->buf[r->pos] != ',' && r->buf[r->pos] != '\n' &&
                   r->buf[r->pos] != '\r')
                r->pos++;
            if (add_field(rec, r->buf + start, r->pos - start) < 0)
                return snprintf(err, errlen, "out of memory"), -1;
        }
        if (r->pos >= r->len)
            return 1;
        if (r->buf[r->pos] == ',') {
            r->pos++;
            continue;
        }
        take_eol(r);
        return 1;
    }
}
