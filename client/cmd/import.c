/* import.c - client import: read the CSV, map its columns, stage, check, commit, report. */
#include "import.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "csv.h"
#include "grammar.h"
#include "value.h"
#include "import_map.h"
#include "progress.h"
#include "resolve.h"
#include "show.h"

#define IMPORT_MAX_OPTS   64
#define IMPORT_MAX_ERRORS 100000

struct import_opts {
    const char *file;
    bool dry_run, skip_bad;
    char *maps[IMPORT_MAX_OPTS], *ignores[IMPORT_MAX_OPTS];
    size_t nmaps, nignores;
};

struct row_error {
    unsigned long line;
    char *field;
    char *reason;
};

struct import {
    struct app *a;
    struct import_opts o;
    const char **fields; /* per column */
    size_t ncols;
    uint64_t import_id;
    struct row_error *errs;
    size_t nerrs, caperrs;
    size_t rows, sent, accepted, client_bad;
    msgpack_sbuffer chunk; /* the packed rows of the next import_rows call */
    size_t chunk_rows;
    struct {
        char *name;
        uint64_t id;
    } * users; /* user names for an owner column, loaded once */
    size_t nusers;
    bool users_loaded;
};

/* ---- errors ---- */

static void add_error(struct import *im, unsigned long line, const char *field, const char *reason,
                      size_t reason_len)
{
    for (size_t i = 0; i < im->nerrs; i++) /* the same complaint from two checks counts once */
        if (im->errs[i].line == line && strcmp(im->errs[i].field, field) == 0)
            return;
    if (im->nerrs >= IMPORT_MAX_ERRORS)
        return;
    if (im->nerrs == im->caperrs) {
        size_t cap = im->caperrs ? im->caperrs * 2 : 64;
        struct row_error *e = realloc(im->errs, cap * sizeof(*e));
        if (!e)
            return;
        im->errs = e;
        im->caperrs = cap;
    }
    struct row_error *e = &im->errs[im->nerrs];
    e->line = line;
    e->field = strdup(field);
    e->reason = strndup(reason, reason_len);
    if (e->field && e->reason)
        im->nerrs++;
    else {
        free(e->field);
        free(e->reason);
    }
}

/* Adds the {line, field, reason} maps of an answer's "errors" array. */
static void add_server_errors(struct import *im, const msgpack_object *result)
{
    const msgpack_object *errs = proto_map_get(result, "errors");
    if (!errs || errs->type != MSGPACK_OBJECT_ARRAY)
        return;
    for (uint32_t i = 0; i < errs->via.array.size; i++) {
        const msgpack_object *e = &errs->via.array.ptr[i];
        uint64_t line = 0;
        const char *field = "", *reason = "";
        size_t flen = 0, rlen = 0;
        proto_get_u64(e, "line", &line, 0, UINT64_MAX);
        proto_get_str(e, "field", &field, &flen, 200);
        proto_get_str(e, "reason", &reason, &rlen, 1000);
        char f[256];
        snprintf(f, sizeof(f), "%.*s", (int)flen, field);
        add_error(im, (unsigned long)line, f, reason, rlen);
    }
}

static int by_line(const void *x, const void *y)
{
    const struct row_error *a = x, *b = y;
    if (a->line != b->line)
        return a->line < b->line ? -1 : 1;
    return strcmp(a->field, b->field);
}

/* The error report through the one renderer (table, CSV or JSON). */
static void print_errors(struct import *im)
{
    if (!im->nerrs)
        return;
    qsort(im->errs, im->nerrs, sizeof(*im->errs), by_line);
    struct render_table *t = render_table_new(3);
    if (!t)
        return;
    render_table_header(t, 0, "line");
    render_table_header(t, 1, "field");
    render_table_header(t, 2, "reason");
    for (size_t i = 0; i < im->nerrs; i++) {
        char num[24];
        snprintf(num, sizeof(num), "%lu", im->errs[i].line);
        render_table_add(t, RK_NUMBER, num);
        render_table_add(t, RK_TEXT, im->errs[i].field);
        render_table_add(t, RK_TEXT, im->errs[i].reason);
    }
    char footer[64];
    snprintf(footer, sizeof(footer), "(%zu row error%s)", im->nerrs, im->nerrs == 1 ? "" : "s");
    render_table_footer(t, footer);
    show_table(im->a, t);
    render_table_free(t);
}

/* A line for the person: stdout in table format, stderr when stdout carries CSV/JSON. */
static void say(const struct import *im, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void say(const struct import *im, const char *fmt, ...)
{
    FILE *out = im->a->set.format == RENDER_TABLE ? stdout : stderr;
    va_list ap;
    fflush(stdout);
    va_start(ap, fmt);
    vfprintf(out, fmt, ap);
    va_end(ap);
    fputc('\n', out);
    fflush(out);
}

/* ---- calls ---- */

/* Calls method with the packed map in sb; CMD_OK with *r (free it always). */
static enum cmd_status call(struct import *im, const char *method, msgpack_sbuffer *sb,
                            struct conn_reply *r)
{
    char err[256];
    enum conn_status s =
        conn_call(im->a->conn, method, sb->data, sb->size, true, r, err, sizeof(err));
    return app_call_status(im->a, s, r, err);
}

/* Starts a map of n entries plus an idempotency_key when method takes one. */
static void start_args(struct import *im, msgpack_packer *pk, const char *method, uint32_t n)
{
    const struct meta_op *op = meta_find(&im->a->meta, method);
    bool key = op && meta_arg_find(op, "idempotency_key");
    msgpack_pack_map(pk, n + (key ? 1 : 0));
    if (key) {
        char uuid[37];
        value_uuid(uuid);
        proto_kv_str(pk, "idempotency_key", uuid);
    }
}

static enum cmd_status begin(struct import *im)
{
    msgpack_sbuffer sb;
    msgpack_packer pk;
    struct conn_reply r;
    msgpack_sbuffer_init(&sb);
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    start_args(im, &pk, "client.import_begin", 0);
    enum cmd_status st = call(im, "client.import_begin", &sb, &r);
    msgpack_sbuffer_destroy(&sb);
    if (st == CMD_OK &&
        proto_get_u64(r.result, "import_id", &im->import_id, 1, UINT64_MAX) != PG_OK) {
        app_errorf(im->a, "the server did not say which import this is");
        st = CMD_FAILED;
    }
    conn_reply_free(&r);
    return st;
}

/* Sends the staged chunk with client.import_rows. */
static enum cmd_status flush_chunk(struct import *im)
{
    if (!im->chunk_rows)
        return CMD_OK;
    msgpack_sbuffer sb;
    msgpack_packer pk;
    struct conn_reply r;
    msgpack_sbuffer_init(&sb);
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    start_args(im, &pk, "client.import_rows", 2);
    proto_kv_u64(&pk, "import_id", im->import_id);
    proto_pack_cstr(&pk, "rows");
    msgpack_pack_array(&pk, (uint32_t)im->chunk_rows);
    msgpack_sbuffer_write(&sb, im->chunk.data, im->chunk.size);
    enum cmd_status st = call(im, "client.import_rows", &sb, &r);
    msgpack_sbuffer_destroy(&sb);
    if (st == CMD_OK) {
        uint64_t acc = 0;
        proto_get_u64(r.result, "accepted", &acc, 0, UINT64_MAX);
        im->accepted += acc;
        add_server_errors(im, r.result);
    }
    conn_reply_free(&r);
    im->sent += im->chunk_rows;
    im->chunk_rows = 0;
    msgpack_sbuffer_clear(&im->chunk);
    return st;
}

/* client.import_commit {import_id, dry_run, skip_bad}; *imported from the answer. The check
   (dry_run) always skips bad rows, so that it answers the list of errors, not a refusal. */
static enum cmd_status commit(struct import *im, bool dry_run, uint64_t *imported, bool *refused)
{
    msgpack_sbuffer sb;
    msgpack_packer pk;
    struct conn_reply r;
    msgpack_sbuffer_init(&sb);
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    start_args(im, &pk, "client.import_commit", 3);
    proto_kv_u64(&pk, "import_id", im->import_id);
    proto_kv_bool(&pk, "dry_run", dry_run);
    proto_kv_bool(&pk, "skip_bad", dry_run || im->o.skip_bad);
    char err[256];
    enum conn_status s = conn_call(im->a->conn, "client.import_commit", sb.data, sb.size, true, &r,
                                   err, sizeof(err));
    msgpack_sbuffer_destroy(&sb);
    *refused = s == CONN_ERROR && r.code == PE_INVALID && strcmp(r.field, "rows") == 0;
    enum cmd_status st = *refused ? CMD_FAILED : app_call_status(im->a, s, &r, err);
    *imported = 0;
    if (st == CMD_OK) {
        proto_get_u64(r.result, "imported", imported, 0, UINT64_MAX);
        add_server_errors(im, r.result);
    }
    conn_reply_free(&r);
    return st;
}

/* ---- rows ---- */

/* Loads user names once (for an owner column holding names). */
static void load_users(struct import *im)
{
    char *cursor = NULL;
    im->users_loaded = true;
    for (int page = 0; page < 20; page++) {
        msgpack_sbuffer sb;
        msgpack_packer pk;
        struct conn_reply r;
        char err[256];
        msgpack_sbuffer_init(&sb);
        msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
        msgpack_pack_map(&pk, cursor ? 2 : 1);
        proto_kv_u64(&pk, "limit", 500);
        if (cursor)
            proto_kv_str(&pk, "cursor", cursor);
        enum conn_status s =
            conn_call(im->a->conn, "user.list", sb.data, sb.size, true, &r, err, sizeof(err));
        msgpack_sbuffer_destroy(&sb);
        free(cursor);
        cursor = NULL;
        const msgpack_object *items = s == CONN_OK ? proto_map_get(r.result, "items") : NULL;
        for (uint32_t i = 0;
             items && items->type == MSGPACK_OBJECT_ARRAY && i < items->via.array.size; i++) {
            const msgpack_object *it = &items->via.array.ptr[i];
            uint64_t id;
            char *name = proto_strdup_obj(proto_map_get(it, "username"));
            void *grown = realloc(im->users, (im->nusers + 1) * sizeof(*im->users));
            if (!name || !grown || proto_get_u64(it, "id", &id, 1, UINT64_MAX) != PG_OK) {
                free(name);
                if (grown)
                    im->users = grown;
                continue;
            }
            im->users = grown;
            im->users[im->nusers].name = name;
            im->users[im->nusers].id = id;
            im->nusers++;
        }
        const msgpack_object *next = s == CONN_OK ? proto_map_get(r.result, "next_cursor") : NULL;
        if (next && next->type == MSGPACK_OBJECT_STR)
            cursor = proto_strdup_obj(next);
        conn_reply_free(&r);
        if (!cursor)
            break;
    }
    free(cursor);
}

/* An owner cell: an id, or a user name; 0 with an error recorded when neither. */
static uint64_t owner_id(struct import *im, unsigned long line, const char *text)
{
    uint64_t id;
    if (resolve_is_id(text, &id))
        return id;
    if (!im->users_loaded)
        load_users(im);
    for (size_t i = 0; i < im->nusers; i++)
        if (strcasecmp(im->users[i].name, text) == 0)
            return im->users[i].id;
    char why[300];
    snprintf(why, sizeof(why), "no user \"%.200s\"", text);
    add_error(im, line, "owner_id", why, strlen(why));
    return 0;
}

/* ASCII blanks off both ends, in place. */
static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        s[--n] = '\0';
    return s;
}

static bool blank_record(const struct csv_record *rec)
{
    for (size_t i = 0; i < rec->n; i++)
        if (*trim(rec->fields[i]))
            return false;
    return true;
}

/* Checks one record on this side and packs it into the chunk; bad rows are only reported. */
static void stage_record(struct import *im, struct csv_record *rec)
{
    char why[128];
    if (rec->n != im->ncols) {
        snprintf(why, sizeof(why), "has %zu fields; the header has %zu", rec->n, im->ncols);
        add_error(im, rec->line, "", why, strlen(why));
        im->client_bad++;
        return;
    }
    uint32_t set = 0;
    uint64_t owner = 0;
    for (size_t c = 0; c < rec->n; c++) {
        if (!im->fields[c] || !*trim(rec->fields[c]))
            continue;
        const char *v = trim(rec->fields[c]);
        if (!proto_utf8_valid(v, strlen(v))) {
            add_error(im, rec->line, im->fields[c], "is not valid UTF-8", 18);
            im->client_bad++;
            return;
        }
        if (strcmp(im->fields[c], "owner_id") == 0 && !(owner = owner_id(im, rec->line, v))) {
            im->client_bad++;
            return;
        }
        set++;
    }
    msgpack_packer pk;
    msgpack_packer_init(&pk, &im->chunk, msgpack_sbuffer_write);
    msgpack_pack_map(&pk, set + 1);
    proto_kv_u64(&pk, "line", rec->line);
    for (size_t c = 0; c < rec->n; c++) {
        if (!im->fields[c] || !*rec->fields[c])
            continue;
        if (strcmp(im->fields[c], "owner_id") == 0)
            proto_kv_u64(&pk, "owner_id", owner);
        else
            proto_kv_str(&pk, im->fields[c], trim(rec->fields[c]));
    }
    im->chunk_rows++;
}

/* A record with a NUL byte inside a field (cut short by the copy): its line and column. */
static bool nul_inside(struct import *im, const struct csv_record *rec)
{
    for (size_t c = 0; c < rec->n; c++)
        if (strlen(rec->fields[c]) != rec->lens[c]) {
            const char *f = c < im->ncols && im->fields[c] ? im->fields[c] : "";
            add_error(im, rec->line, f, "contains a NUL byte", 19);
            im->client_bad++;
            return true;
        }
    return false;
}

/* ---- the command ---- */

static enum cmd_status parse_opts(struct app *a, char *const *w, size_t n, struct import_opts *o)
{
    memset(o, 0, sizeof(*o));
    for (size_t i = 0; i < n; i++) {
        char **list = NULL;
        size_t *count = NULL;
        const char *v = NULL;
        if (!strcmp(w[i], "--dry-run"))
            o->dry_run = true;
        else if (!strcmp(w[i], "--skip-bad"))
            o->skip_bad = true;
        else if (!strncmp(w[i], "--map", 5) || !strncmp(w[i], "--ignore", 8)) {
            bool map = w[i][2] == 'm';
            const char *eq = strchr(w[i], '=');
            size_t nl = map ? 5 : 8;
            if (w[i][nl] != '\0' && w[i][nl] != '=')
                goto unknown;
            v = eq ? eq + 1 : (i + 1 < n ? w[++i] : NULL);
            list = map ? o->maps : o->ignores;
            count = map ? &o->nmaps : &o->nignores;
            if (!v || *count >= IMPORT_MAX_OPTS) {
                app_errorf(a, "%s needs a value (at most %d times)", map ? "--map" : "--ignore",
                           IMPORT_MAX_OPTS);
                return CMD_USAGE;
            }
            list[(*count)++] = (char *)v;
        } else if (w[i][0] == '-' && w[i][1] == '-')
            goto unknown;
        else if (!o->file)
            o->file = w[i];
        else {
            app_errorf(a, "one file at a time (\"%s\" is extra)", w[i]);
            return CMD_USAGE;
        }
        continue;
    unknown:
        app_errorf(a,
                   "unknown option %s for client import (--dry-run, --skip-bad, --map "
                   "COLUMN=FIELD, --ignore COLUMN)",
                   w[i]);
        return CMD_USAGE;
    }
    if (!o->file) {
        app_errorf(a, "usage: client import FILE.csv [--dry-run] [--skip-bad] [--map "
                      "COLUMN=FIELD] [--ignore COLUMN]");
        return CMD_USAGE;
    }
    return CMD_OK;
}

/* Reads the whole file (at most IMPORT_MAX_FILE bytes); malloc'd or NULL (message printed). */
static char *read_file(struct app *a, const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        app_errorf(a, "cannot open %s: %s", path, strerror(errno));
        return NULL;
    }
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        if (n == cap) {
            if (cap >= IMPORT_MAX_FILE) {
                app_errorf(a, "%s is larger than %u MiB", path, IMPORT_MAX_FILE >> 20);
                free(buf);
                buf = NULL;
                break;
            }
            char *g = realloc(buf, cap *= 2);
            if (!g) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = g;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0) {
            if (ferror(f)) {
                app_errorf(a, "cannot read %s", path);
                free(buf);
                buf = NULL;
            }
            break;
        }
    }
    fclose(f);
    *len = n;
    return buf;
}

/* Counts the records after the header for the progress bar (a cheap pass over the file). */
static size_t count_records(const char *buf, size_t len)
{
    struct csv_reader r;
    struct csv_record rec = {0};
    char err[160];
    size_t n = 0;
    csv_init(&r, buf, len);
    for (int rc; (rc = csv_next(&r, &rec, err, sizeof(err))) != 0;)
        n++;
    csv_record_free(&rec);
    return n ? n - 1 : 0;
}

/* Reads the header record and maps its columns. */
static enum cmd_status read_header(struct import *im, struct csv_reader *r, struct csv_record *rec)
{
    char err[1024];
    int rc;
    while ((rc = csv_next(r, rec, err, sizeof(err))) == 1 && blank_record(rec))
        ;
    if (rc == 0) {
        app_errorf(im->a, "%s has no header line", im->o.file);
        return CMD_FAILED;
    }
    if (rc < 0) {
        app_errorf(im->a, "%s line %lu: %s", im->o.file, rec->line, err);
        return CMD_FAILED;
    }
    for (size_t c = 0; c < rec->n; c++)
        trim(rec->fields[c]);
    im->ncols = rec->n;
    im->fields = calloc(rec->n, sizeof(char *));
    if (!im->fields)
        return CMD_FAILED;
    if (import_map_build(rec->fields, rec->n, im->o.maps, im->o.nmaps, im->o.ignores,
                         im->o.nignores, im->fields, err, sizeof(err)) < 0) {
        app_errorf(im->a, "%s: %s", im->o.file, err);
        return CMD_USAGE;
    }
    return CMD_OK;
}

/* Stages every record, in chunks of IMPORT_CHUNK rows. */
static enum cmd_status stage_all(struct import *im, struct csv_reader *r, size_t total)
{
    struct csv_record rec = {0};
    struct progress bar;
    char err[256];
    enum cmd_status st = CMD_OK;
    progress_start(&bar, total, "rows");
    for (int rc; st == CMD_OK && (rc = csv_next(r, &rec, err, sizeof(err))) != 0;) {
        im->rows++;
        if (rc < 0) {
            add_error(im, rec.line, "", err, strlen(err));
            im->client_bad++;
        } else if (nul_inside(im, &rec)) {
            /* reported */
        } else if (blank_record(&rec)) {
            im->rows--; /* blank lines are not rows */
        } else {
            stage_record(im, &rec);
        }
        if (im->chunk_rows >= IMPORT_CHUNK)
            st = flush_chunk(im);
        progress_update(&bar, im->rows);
    }
    if (st == CMD_OK)
        st = flush_chunk(im);
    progress_end(&bar);
    csv_record_free(&rec);
    return st;
}

/* Rows with at least one error. */
static size_t bad_rows(struct import *im)
{
    size_t bad = 0;
    if (im->nerrs == 0)
        return 0; /* errs may still be NULL: qsort wants an array */
    qsort(im->errs, im->nerrs, sizeof(*im->errs), by_line);
    for (size_t i = 0; i < im->nerrs; i++)
        if (i == 0 || im->errs[i].line != im->errs[i - 1].line)
            bad++;
    return bad;
}

/* After staging: commit at once when that can only do what was asked (--skip-bad, or no
   error seen yet: the server refuses a batch with bad rows as a whole); otherwise, or after
   such a refusal, a dry run lists every bad row (duplicates within the file included). */
static enum cmd_status finish(struct import *im)
{
    uint64_t imported = 0;
    bool refused = false;
    enum cmd_status st;
    if (!im->o.dry_run && (im->o.skip_bad || im->nerrs == 0)) {
        st = commit(im, false, &imported, &refused);
        if (st == CMD_OK) {
            size_t bad = bad_rows(im);
            print_errors(im);
            say(im, "Imported %llu client%s%s.", (unsigned long long)imported,
                imported == 1 ? "" : "s", bad ? "; the rows above were skipped" : "");
            return CMD_OK;
        }
        if (!refused)
            return st;
    }
    st = commit(im, true, &imported, &refused);
    if (st != CMD_OK)
        return st;
    size_t bad = bad_rows(im);
    size_t good = im->rows > bad ? im->rows - bad : 0;
    if (bad && !im->o.skip_bad) {
        print_errors(im);
        say(im,
            "Nothing imported: %zu of %zu rows have errors (fix them, or import the good rows "
            "with --skip-bad).",
            bad, im->rows);
        return CMD_FAILED;
    }
    print_errors(im);
    say(im, "Dry run: %zu rows would be imported%s; nothing was changed.", good,
        bad ? ", the rows above skipped" : "");
    return bad && !good ? CMD_FAILED : CMD_OK;
}

enum cmd_status import_run(struct app *a, char *const *words, size_t n)
{
    struct import im = {.a = a};
    struct csv_reader r;
    struct csv_record header = {0};
    size_t len = 0;
    enum cmd_status st = parse_opts(a, words, n, &im.o);
    if (st != CMD_OK)
        return st;
    if (!meta_find(&a->meta, "client.import_begin")) {
        app_errorf(a, "the server offers you no client import");
        return CMD_FAILED;
    }
    char *buf = read_file(a, im.o.file, &len);
    if (!buf)
        return CMD_FAILED;
    msgpack_sbuffer_init(&im.chunk);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    csv_init(&r, buf, len);
    st = read_header(&im, &r, &header);
    if (st == CMD_OK)
        st = begin(&im);
    if (st == CMD_OK)
        st = stage_all(&im, &r, count_records(buf, len));
    if (st == CMD_OK)
        st = finish(&im);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (st == CMD_OK || im.rows)
        fprintf(stderr, "agency: %zu rows read in %.2f s\n", im.rows,
                (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
    csv_record_free(&header);
    msgpack_sbuffer_destroy(&im.chunk);
    for (size_t i = 0; i < im.nerrs; i++) {
        free(im.errs[i].field);
        free(im.errs[i].reason);
    }
    for (size_t i = 0; i < im.nusers; i++)
        free(im.users[i].name);
    free(im.users);
    free(im.errs);
    free(im.fields);
    free(buf);
    return st;
}
