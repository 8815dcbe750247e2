/* import_map.c - spreadsheet headers to client fields. */
#include "import_map.h"

#include <stdio.h>
#include <string.h>

#define KEY_MAX 256

static const char *const import_fields[] = {
    "name",    "legal_name", "registration_no", "industry", "tier",  "status", "owner_id",
    "address", "phone",      "email",           "website",  "notes", NULL};

/* Normalised header -> field. */
static const char *const synonyms[][2] = {
    {"name", "name"},
    {"company", "name"},
    {"company name", "name"},
    {"client", "name"},
    {"client name", "name"},
    {"customer", "name"},
    {"customer name", "name"},
    {"account", "name"},
    {"account name", "name"},
    {"legal name", "legal_name"},
    {"registered name", "legal_name"},
    {"legal entity", "legal_name"},
    {"reg no", "registration_no"},
    {"reg number", "registration_no"},
    {"registration no", "registration_no"},
    {"registration number", "registration_no"},
    {"registration", "registration_no"},
    {"company number", "registration_no"},
    {"vat", "registration_no"},
    {"vat no", "registration_no"},
    {"vat number", "registration_no"},
    {"tax id", "registration_no"},
    {"tax number", "registration_no"},
    {"industry", "industry"},
    {"sector", "industry"},
    {"tier", "tier"},
    {"status", "status"},
    {"owner", "owner_id"},
    {"owner id", "owner_id"},
    {"account executive", "owner_id"},
    {"address", "address"},
    {"phone", "phone"},
    {"phone number", "phone"},
    {"telephone", "phone"},
    {"tel", "phone"},
    {"email", "email"},
    {"e mail", "email"},
    {"email address", "email"},
    {"website", "website"},
    {"web site", "website"},
    {"web", "website"},
    {"url", "website"},
    {"notes", "notes"},
    {"note", "notes"},
    {"comments", "notes"},
    {"comment", "notes"},
};

void import_header_key(const char *header, char *out, size_t outlen)
{
    size_t o = 0;
    bool blank = false;
    if (!outlen)
        return;
    for (const unsigned char *p = (const unsigned char *)header; *p && o + 1 < outlen; p++) {
        if (*p == ' ' || *p == '\t' || *p == '_' || *p == '-' || *p == '.' || *p == '/' ||
            *p == '\r' || *p == '\n') {
            blank = o > 0;
            continue;
        }
        if (blank && o + 2 < outlen)
            out[o++] = ' ';
        blank = false;
        out[o++] = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
    }
    out[o] = '\0';
}

const char *import_field_for_header(const char *header)
{
    char key[KEY_MAX];
    import_header_key(header, key, sizeof(key));
    for (size_t i = 0; i < sizeof(synonyms) / sizeof(synonyms[0]); i++)
        if (strcmp(key, synonyms[i][0]) == 0)
            return synonyms[i][1];
    return NULL;
}

/* The static spelling of a field name, or NULL. */
static const char *field_named(const char *name)
{
    for (size_t i = 0; import_fields[i]; i++)
        if (strcmp(import_fields[i], name) == 0)
            return import_fields[i];
    return NULL;
}

bool import_is_field(const char *name)
{
    return field_named(name) != NULL;
}

/* Index of the header whose key equals key, or -1. */
static long header_index(char *const *headers, size_t n, const char *column)
{
    char want[KEY_MAX], have[KEY_MAX];
    import_header_key(column, want, sizeof(want));
    for (size_t i = 0; i < n; i++) {
        import_header_key(headers[i], have, sizeof(have));
        if (strcmp(want, have) == 0)
            return (long)i;
    }
    return -1;
}

/* Applies the --map words; marks mapped columns in done. */
static int apply_maps(char *const *headers, size_t n, char *const *maps, size_t nmaps,
                      const char **fields, bool *done, char *err, size_t errlen)
{
    for (size_t m = 0; m < nmaps; m++) {
        const char *eq = strrchr(maps[m], '=');
        char column[KEY_MAX], fname[KEY_MAX];
        if (!eq || eq == maps[m] || !eq[1] || (size_t)(eq - maps[m]) >= sizeof(column)) {
            snprintf(err, errlen, "--map %s: give it as COLUMN=FIELD", maps[m]);
            return -1;
        }
        snprintf(column, sizeof(column), "%.*s", (int)(eq - maps[m]), maps[m]);
        snprintf(fname, sizeof(fname), "%s", eq + 1);
        for (char *p = fname; *p; p++)
            if (*p == '-')
                *p = '_';
        const char *field = field_named(fname);
        if (!field) {
            snprintf(err, errlen,
                     "--map %s: \"%s\" is not a client field (name, legal_name, "
                     "registration_no, industry, tier, status, owner_id, address, "
                     "phone, email, website, notes)",
                     maps[m], eq + 1);
            return -1;
        }
        long col = header_index(headers, n, column);
        if (col < 0) {
            snprintf(err, errlen, "--map %s: the file has no column \"%s\"", maps[m], column);
            return -1;
        }
        fields[col] = field;
        done[col] = true;
    }
    return 0;
}

int import_map_build(char *const *headers, size_t n, char *const *maps, size_t nmaps,
                     char *const *ignores, size_t nignores, const char **fields, char *err,
                     size_t errlen)
{
    bool done[1000] = {false};
    size_t off = 0, unknown = 0;
    if (n > sizeof(done) / sizeof(done[0])) {
        snprintf(err, errlen, "the header has more than %zu columns", sizeof(done));
        return -1;
    }
    for (size_t i = 0; i < n; i++)
        fields[i] = NULL;
    if (apply_maps(headers, n, maps, nmaps, fields, done, err, errlen) < 0)
        return -1;
    for (size_t g = 0; g < nignores; g++) {
        long col = header_index(headers, n, ignores[g]);
        if (col < 0) {
            snprintf(err, errlen, "--ignore %s: the file has no such column", ignores[g]);
            return -1;
        }
        if (!done[col]) {
            fields[col] = NULL;
            done[col] = true;
        }
    }
    err[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        if (done[i])
            continue;
        fields[i] = import_field_for_header(headers[i]);
        if (fields[i])
            continue;
        if (off < errlen)
            off += (size_t)snprintf(err + off, errlen - off, "%s\"%s\"",
                                    unknown ? ", " : "unknown columns: ", headers[i]);
        unknown++;
    }
    if (unknown) {
        if (off < errlen)
            snprintf(err + off, errlen - off,
                     " (map them with --map COLUMN=FIELD or skip them with --ignore COLUMN)");
        return -1;
    }
    bool has_name = false;
    for (size_t i = 0; i < n; i++) {
        if (!fields[i])
            continue;
        has_name |= strcmp(fields[i], "name") == 0;
        for (size_t j = i + 1; j < n; j++)
            if (fields[j] && strcmp(fields[i], fields[j]) == 0) {
                snprintf(err, errlen, "columns \"%s\" and \"%s\" both fill %s (--ignore one)",
                         headers[i], headers[j], fields[i]);
                return -1;
            }
    }
    if (!has_name) {
        snprintf(err, errlen, "no column holds the client name (add --map COLUMN=name)");
        return -1;
    }
    return 0;
}
