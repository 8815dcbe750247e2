/* csv.h - an RFC 4180 CSV reader over a buffer in memory: comma-separated fields, "quoted"
   fields with embedded commas, newlines and doubled quotes, LF or CRLF line ends, an optional
   UTF-8 byte-order mark; each record knows the line it starts on. */
#ifndef AGENCY_CSV_H
#define AGENCY_CSV_H

#include <stddef.h>

#define CSV_MAX_FIELDS 1000

struct csv_reader {
    const char *buf;
    size_t len, pos;
    unsigned long line; /* line number (from 1) of the next byte */
};

struct csv_record {
    char **fields; /* n malloc'd NUL-ended strings (a field holding NUL bytes is cut there) */
    size_t *lens;  /* each field's length in bytes, NUL bytes included */
    size_t n, cap;
    unsigned long line; /* the line the record starts on */
};

/* Starts reading buf[0..len) (not copied: it must outlive the reader); skips a BOM. */
void csv_init(struct csv_reader *r, const char *buf, size_t len);

/* Reads the next record into rec (its old fields are freed first; zero it before the first
   call). Returns 1 for a record, 0 at the end of the input, -1 for a malformed record with the
   reason in err (rec->line says where; reading goes on with the next line). */
int csv_next(struct csv_reader *r, struct csv_record *rec, char *err, size_t errlen);

/* Frees the fields of rec and zeroes it. */
void csv_record_free(struct csv_record *rec);

#endif
