/* resolve.c - CLIENT, USER and TEAM words to ids, through the server's own lists. */
#include "resolve.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "prompt.h"
#include "render.h"
#include "show.h"

#define RESOLVE_CHOICES   10
#define RESOLVE_COMPLETE  20
#define RESOLVE_NAME_MAX  1024
#define RESOLVE_MAX_PAGES 20

void resolve_normalise(const char *name, char *out, size_t outlen)
{
    size_t o = 0;
    bool blank = false;
    if (!outlen)
        return;
    for (const unsigned char *p = (const unsigned char *)name; *p && o + 1 < outlen;) {
        size_t skip = 0;
        if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
            skip = 1;
        else if (p[0] == 0xE3 && p[1] == 0x80 && p[2] == 0x80) /* U+3000 */
            skip = 3;
        else if (p[0] == 0xC2 && p[1] == 0xA0) /* U+00A0 */
            skip = 2;
        if (skip) {
            blank = o > 0;
            p += skip;
            continue;
        }
        if (blank && o + 2 < outlen)
            out[o++] = ' ';
        blank = false;
        out[o++] = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
        p++;
    }
    out[o] = '\0';
}

int resolve_choose(const char *typed, const char *const *names, size_t n)
{
    char want[RESOLVE_NAME_MAX], have[RESOLVE_NAME_MAX];
    int exact = RESOLVE_NONE, matches = 0;
    resolve_normalise(typed, want, sizeof(want));
    for (size_t i = 0; i < n; i++) {
        resolve_normalise(names[i] ? names[i] : "", have, sizeof(have));
        if (strcmp(want, have) == 0) {
            exact = (int)i;
            matches++;
        }
    }
    if (matches == 1)
        return exact;
    if (matches > 1)
        return RESOLVE_AMBIGUOUS;
    if (n == 0)
        return RESOLVE_NONE;
    return n == 1 ? 0 : RESOLVE_AMBIGUOUS;
}

int resolve_is_id(const char *text, uint64_t *id)
{
    if (!text || text[0] < '0' || text[0] > '9' || strlen(text) > 20)
        return 0;
    for (const char *p = text; *p; p++)
        if (*p < '0' || *p > '9')
            return 0;
    errno = 0;
    unsigned long long v = strtoull(text, NULL, 10);
    if (errno || v == 0)
        return 0;
    *id = v;
    return 1;
}

/* A list answer's items (the result itself when it is an array). */
static const msgpack_object *items_of(const msgpack_object *result)
{
    if (result && result->type == MSGPACK_OBJECT_ARRAY)
        return result;
    const msgpack_object *items = proto_map_get(result, "items");
    return items && items->type == MSGPACK_OBJECT_ARRAY ? items : NULL;
}

/* The owner of a listed client as text ("owner": {full_name} or "owner_name"); malloc'd. */
static char *owner_text(const msgpack_object *item)
{
    const msgpack_object *o = proto_map_get(item, "owner");
    const msgpack_object *name =
        o && o->type == MSGPACK_OBJECT_MAP ? proto_map_get(o, "full_name") : o;
    if (!name || name->type != MSGPACK_OBJECT_STR)
        name = proto_map_get(item, "owner_name");
    char *s = name ? proto_strdup_obj(name) : NULL;
    return s ? s : strdup("");
}

/* Lists the candidates and, at a terminal, asks which one. Returns the index or -1. */
static int pick(struct app *a, const char *typed, const msgpack_object *items)
{
    struct render_table *t = render_table_new(4);
    if (!t)
        return -1;
    render_table_header(t, 0, "#");
    render_table_header(t, 1, "id");
    render_table_header(t, 2, "name");
    render_table_header(t, 3, "owner");
    for (uint32_t i = 0; i < items->via.array.size; i++) {
        const msgpack_object *it = &items->via.array.ptr[i];
        char num[24], idtext[24];
        uint64_t id = 0;
        proto_get_u64(it, "id", &id, 0, UINT64_MAX);
        snprintf(num, sizeof(num), "%u", i + 1);
        snprintf(idtext, sizeof(idtext), "%llu", (unsigned long long)id);
        char *name = proto_strdup_obj(proto_map_get(it, "name"));
        char *owner = owner_text(it);
        render_table_add(t, RK_NUMBER, num);
        render_table_add(t, RK_NUMBER, idtext);
        render_table_add(t, RK_TEXT, name ? name : "");
        render_table_add(t, RK_TEXT, owner ? owner : "");
        free(name);
        free(owner);
    }
    render_table_footer(t, NULL);
    struct app plain = *a;
    plain.set.format = RENDER_TABLE;
    plain.set.pager = false;
    app_errorf(a, "\"%s\" matches several clients; use an id or the exact name:", typed);
    if (!a->interactive) {
        /* the choices go with the error, on stderr, so stdout stays clean for scripts */
        struct render_opts o = {.format = RENDER_TABLE};
        fflush(stdout);
        render_table_print(t, &o, stderr);
        render_table_free(t);
        return -1;
    }
    show_table(&plain, t);
    render_table_free(t);
    char *line = prompt_line("Which one? (number, Enter or Ctrl-C cancels): ", NULL);
    int choice = line ? atoi(line) : 0;
    free(line);
    if (choice < 1 || (uint32_t)choice > items->via.array.size) {
        printf("Cancelled; nothing was changed.\n");
        return -1;
    }
    return choice - 1;
}

/* Calls method with the map in sb; CMD_OK with *r set (free it always). quiet: no messages. */
static enum cmd_status call(struct app *a, const char *method, const msgpack_sbuffer *sb,
                            struct conn_reply *r, bool quiet)
{
    char err[256];
    enum conn_status s = conn_call(a->conn, method, sb->data, sb->size, true, r, err, sizeof(err));
    if (quiet)
        return s == CONN_OK ? CMD_OK : CMD_FAILED;
    return app_call_status(a, s, r, err);
}

enum cmd_status resolve_client(struct app *a, const char *text, uint64_t *id)
{
    if (resolve_is_id(text, id))
        return CMD_OK;
    msgpack_sbuffer sb;
    msgpack_packer pk;
    struct conn_reply r;
    msgpack_sbuffer_init(&sb);
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    msgpack_pack_map(&pk, 2);
    proto_kv_str(&pk, "q", text);
    proto_kv_u64(&pk, "limit", RESOLVE_CHOICES);
    enum cmd_status st = call(a, "client.list", &sb, &r, false);
    msgpack_sbuffer_destroy(&sb);
    const msgpack_object *items = st == CMD_OK ? items_of(r.result) : NULL;
    if (st == CMD_OK && !items) {
        app_errorf(a, "the server's client list could not be read");
        st = CMD_FAILED;
    }
    if (st != CMD_OK) {
        conn_reply_free(&r);
        return st;
    }
    const char *names[RESOLVE_CHOICES] = {NULL};
    char *owned[RESOLVE_CHOICES] = {NULL};
    size_t n = 0;
    for (uint32_t i = 0; i < items->via.array.size && n < RESOLVE_CHOICES; i++) {
        owned[n] = proto_strdup_obj(proto_map_get(&items->via.array.ptr[i], "name"));
        names[n] = owned[n];
        n++;
    }
    int k = resolve_choose(text, names, n);
    for (size_t i = 0; i < n; i++)
        free(owned[i]);
    if (k == RESOLVE_AMBIGUOUS)
        k = pick(a, text, items);
    else if (k == RESOLVE_NONE)
        app_errorf(a, "no client you can see matches \"%s\" (not_found)", text);
    st = CMD_FAILED;
    if (k >= 0 && proto_get_u64(&items->via.array.ptr[k], "id", id, 1, UINT64_MAX) == PG_OK)
        st = CMD_OK;
    conn_reply_free(&r);
    return st;
}

/* Finds text among the items of a list by id or by the given name fields. 1 found (*id set),
   0 not on this page, -1 several. */
static int match_named(const msgpack_object *items, const char *text, const char *f1,
                       const char *f2, uint64_t *id)
{
    char want[RESOLVE_NAME_MAX], have[RESOLVE_NAME_MAX];
    int found = 0;
    resolve_normalise(text, want, sizeof(want));
    for (uint32_t i = 0; i < items->via.array.size; i++) {
        const msgpack_object *it = &items->via.array.ptr[i];
        const char *fields[2] = {f1, f2};
        for (int f = 0; f < 2; f++) {
            char *v = fields[f] ? proto_strdup_obj(proto_map_get(it, fields[f])) : NULL;
            if (!v)
                continue;
            resolve_normalise(v, have, sizeof(have));
            free(v);
            if (strcmp(want, have) == 0) {
                if (found)
                    return -1;
                proto_get_u64(it, "id", id, 1, UINT64_MAX);
                found = 1;
                break;
            }
        }
    }
    return found;
}

/* Pages through a list operation looking for text in fields f1/f2. */
static enum cmd_status find_in_list(struct app *a, const char *method, const char *what,
                                    const char *text, const char *f1, const char *f2, uint64_t *id)
{
    if (resolve_is_id(text, id))
        return CMD_OK;
    const struct meta_op *op = meta_find(&a->meta, method);
    bool paged = op && meta_arg_find(op, "limit") && meta_arg_find(op, "cursor");
    char *cursor = NULL;
    int found = 0;
    for (int page = 0; page < RESOLVE_MAX_PAGES && !found; page++) {
        msgpack_sbuffer sb;
        msgpack_packer pk;
        struct conn_reply r;
        msgpack_sbuffer_init(&sb);
        msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
        msgpack_pack_map(&pk, (paged ? 1 : 0) + (cursor ? 1 : 0));
        if (paged)
            proto_kv_u64(&pk, "limit", 500);
        if (cursor)
            proto_kv_str(&pk, "cursor", cursor);
        enum cmd_status st = call(a, method, &sb, &r, false);
        msgpack_sbuffer_destroy(&sb);
        free(cursor);
        cursor = NULL;
        const msgpack_object *items = st == CMD_OK ? items_of(r.result) : NULL;
        if (st != CMD_OK || !items) {
            conn_reply_free(&r);
            return st == CMD_OK ? CMD_FAILED : st;
        }
        found = match_named(items, text, f1, f2, id);
        const msgpack_object *next = proto_map_get(r.result, "next_cursor");
        if (!found && next && next->type == MSGPACK_OBJECT_STR)
            cursor = proto_strdup_obj(next);
        conn_reply_free(&r);
        if (!cursor)
            break;
    }
    free(cursor);
    if (found == 1)
        return CMD_OK;
    app_errorf(a, found < 0 ? "\"%s\" names several %ss; use the id" : "no %s \"%s\"",
               found < 0 ? text : what, found < 0 ? what : text);
    return CMD_FAILED;
}

enum cmd_status resolve_user(struct app *a, const char *text, uint64_t *id)
{
    if (strcasecmp(text, "me") == 0 && a->user_id) {
        *id = a->user_id;
        return CMD_OK;
    }
    return find_in_list(a, "user.list", "user", text, "username", "full_name", id);
}

enum cmd_status resolve_team(struct app *a, const char *text, uint64_t *id)
{
    return find_in_list(a, "team.list", "team", text, "name", NULL, id);
}

enum cmd_status resolve_branch(struct app *a, const char *text, uint64_t *id)
{
    return find_in_list(a, "branch.list", "branch", text, "name", "city", id);
}

enum cmd_status resolve_conv(struct app *a, enum noun_conv conv, const char *text, uint64_t *id)
{
    switch (conv) {
    case NOUN_USER:
        return resolve_user(a, text, id);
    case NOUN_TEAM:
        return resolve_team(a, text, id);
    case NOUN_CLIENT:
        return resolve_client(a, text, id);
    case NOUN_BRANCH:
        return resolve_branch(a, text, id);
    default:
        return CMD_OK;
    }
}

/* Prefix test with ASCII case ignored. */
static bool starts_with(const char *s, const char *prefix)
{
    for (; *prefix; s++, prefix++) {
        char c1 = (char)(*s >= 'A' && *s <= 'Z' ? *s + 32 : *s);
        char c2 = (char)(*prefix >= 'A' && *prefix <= 'Z' ? *prefix + 32 : *prefix);
        if (c1 != c2)
            return false;
    }
    return true;
}

/* The list a kind of name is completed from: operation, search argument, name field. */
static void names_source(enum noun_conv conv, const char **op, const char **q, const char **field)
{
    *q = NULL;
    switch (conv) {
    case NOUN_USER:
        *op = "user.list", *field = "username";
        return;
    case NOUN_TEAM:
        *op = "team.list", *field = "name";
        return;
    case NOUN_BRANCH:
        *op = "branch.list", *field = "name";
        return;
    default:
        *op = "client.list", *q = "q", *field = "name";
        return;
    }
}

char **resolve_names(struct app *a, enum noun_conv conv, const char *prefix)
{
    msgpack_sbuffer sb;
    msgpack_packer pk;
    struct conn_reply r;
    const char *method, *q, *field;
    names_source(conv, &method, &q, &field);
    const struct meta_op *op = a && a->conn ? meta_find(&a->meta, method) : NULL;
    if (!op || conv == NOUN_AS_TYPED)
        return NULL;
    bool limited = meta_arg_find(op, "limit") != NULL, search = q && *prefix;
    msgpack_sbuffer_init(&sb);
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    msgpack_pack_map(&pk, (search ? 1 : 0) + (limited ? 1 : 0));
    if (search)
        proto_kv_str(&pk, q, prefix);
    if (limited)
        proto_kv_u64(&pk, "limit", q ? RESOLVE_COMPLETE : 500);
    enum cmd_status st = call(a, method, &sb, &r, true);
    msgpack_sbuffer_destroy(&sb);
    const msgpack_object *items = st == CMD_OK ? items_of(r.result) : NULL;
    char **out = items ? calloc(items->via.array.size + 1, sizeof(char *)) : NULL;
    size_t n = 0;
    for (uint32_t i = 0; out && i < items->via.array.size; i++) {
        char *name = proto_strdup_obj(proto_map_get(&items->via.array.ptr[i], field));
        if (name && starts_with(name, prefix))
            out[n++] = name;
        else
            free(name);
    }
    conn_reply_free(&r);
    return out;
}
