/* cmd_clients.c - client/contact/log/activity/agenda command lines rewritten onto the
   operations: CLIENT names to ids, USER and TEAM names to ids, short flags to argument names. */
#include "cmd_clients.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "forms.h"
#include "import.h"
#include "resolve.h"

#define CMD_MAX_WORDS 1024

/* How a flag's value is turned into the argument's value. */
enum conv { CV_SAME = 0, CV_USER, CV_TEAM, CV_CLIENT };

struct flag_map {
    const char *from; /* as typed, without "--" */
    const char *to;   /* the argument name, flag-spelled */
    enum conv conv;
};

/* A growing list of malloc'd words. */
struct words {
    char **v;
    size_t n;
    char **pos; /* positional words (pointers into the caller's words) */
    size_t npos;
};

static int push(struct words *w, const char *s)
{
    if (w->n >= CMD_MAX_WORDS)
        return -1;
    char **v = realloc(w->v, (w->n + 1) * sizeof(char *));
    if (!v)
        return -1;
    w->v = v;
    if (!(v[w->n] = strdup(s)))
        return -1;
    w->n++;
    return 0;
}

static int push_id(struct words *w, const char *flag, uint64_t id)
{
    char num[24];
    snprintf(num, sizeof(num), "%llu", (unsigned long long)id);
    if (flag && push(w, flag) < 0)
        return -1;
    return push(w, num);
}

static void words_free(struct words *w)
{
    for (size_t i = 0; i < w->n; i++)
        free(w->v[i]);
    free(w->v);
    free(w->pos);
    memset(w, 0, sizeof(*w));
}

static enum cmd_status convert(struct app *a, enum conv conv, const char *text, uint64_t *id)
{
    switch (conv) {
    case CV_USER:
        return resolve_user(a, text, id);
    case CV_TEAM:
        return resolve_team(a, text, id);
    case CV_CLIENT:
        return resolve_client(a, text, id);
    default:
        return CMD_OK;
    }
}

/* Does the flag word (an argument of op, not mapped) take the next word as its value? */
static bool takes_value(const struct meta_op *op, const char *word)
{
    char name[128];
    if (strchr(word, '='))
        return false;
    snprintf(name, sizeof(name), "%s", word + 2);
    for (char *p = name; *p; p++)
        if (*p == '-')
            *p = '_';
    const struct meta_arg *arg = meta_arg_find(op, name);
    if (!arg && strncmp(name, "no_", 3) == 0)
        return false;
    return !arg || arg->type != MT_BOOL;
}

/* Copies the flags of in[0..n) into out, renaming and converting those in map; positional
   words are collected in out->pos. Returns CMD_OK or the status to end with. */
static enum cmd_status rewrite(struct app *a, const struct meta_op *op, char *const *in, size_t n,
                               const struct flag_map *map, struct words *out)
{
    memset(out, 0, sizeof(*out));
    out->pos = calloc(n ? n : 1, sizeof(char *));
    if (!out->pos)
        return CMD_FAILED;
    for (size_t i = 0; i < n; i++) {
        const char *word = in[i];
        if (strncmp(word, "--", 2) != 0 || word[2] == '\0') {
            out->pos[out->npos++] = in[i];
            continue;
        }
        const char *eq = strchr(word, '=');
        size_t len = eq ? (size_t)(eq - word - 2) : strlen(word + 2);
        const struct flag_map *m = map;
        while (m && m->from && !(strlen(m->from) == len && !strncmp(m->from, word + 2, len)))
            m++;
        if (!m || !m->from) {
            if (push(out, word) < 0)
                return CMD_FAILED;
            if (takes_value(op, word) && i + 1 < n && push(out, in[++i]) < 0)
                return CMD_FAILED;
            continue;
        }
        const char *value = eq ? eq + 1 : (i + 1 < n ? in[++i] : NULL);
        if (!value) {
            app_errorf(a, "option --%s needs a value", m->from);
            return CMD_USAGE;
        }
        if (m->conv == CV_SAME) {
            char name[64], why[160];
            snprintf(name, sizeof(name), "%s", m->to + 2);
            for (char *p = name; *p; p++)
                if (*p == '-')
                    *p = '_';
            const struct meta_arg *arg = meta_arg_find(op, name);
            if (arg && grammar_check(arg, value, why, sizeof(why)) < 0) {
                app_errorf(a, "--%s %s", m->from, why); /* named as the person typed it */
                return CMD_USAGE;
            }
            if (push(out, m->to) < 0 || push(out, value) < 0)
                return CMD_FAILED;
            continue;
        }
        uint64_t id;
        enum cmd_status st = convert(a, m->conv, value, &id);
        if (st != CMD_OK)
            return st;
        if (push_id(out, m->to, id) < 0)
            return CMD_FAILED;
    }
    return CMD_OK;
}

static const struct meta_op *need_op(struct app *a, const char *name)
{
    const struct meta_op *op = meta_find(&a->meta, name);
    if (!op)
        app_errorf(a, "the server offers you no %s", name);
    return op;
}

/* Runs op with out's words after a CLIENT positional (at pos index k) has become an id given
   as flag (or positionally when flag is NULL). */
static enum cmd_status with_client(struct app *a, const struct meta_op *op, struct words *out,
                                   size_t k, const char *flag)
{
    uint64_t id;
    enum cmd_status st = resolve_client(a, out->pos[k], &id);
    if (st != CMD_OK)
        return st;
    if (push_id(out, flag, id) < 0)
        return CMD_FAILED;
    for (size_t i = 0; i < out->npos; i++)
        if (i != k && push(out, out->pos[i]) < 0)
            return CMD_FAILED;
    return commands_run_op(a, op, out->v, out->n);
}

/* Runs op with out's words followed by its positional words. */
static enum cmd_status with_positionals(struct app *a, const struct meta_op *op, struct words *out)
{
    for (size_t i = 0; i < out->npos; i++)
        if (push(out, out->pos[i]) < 0)
            return CMD_FAILED;
    return commands_run_op(a, op, out->v, out->n);
}

static const struct flag_map client_flags[] = {{"owner", "--owner-id", CV_USER},
                                               {"team", "--team-id", CV_TEAM},
                                               {"to", "--owner-id", CV_USER},
                                               {NULL, NULL, CV_SAME}};

/* client list [TEXT...] [--q TEXT] [--tier] [--status] [--owner USER] [--team TEAM] */
static enum cmd_status client_list(struct app *a, const struct meta_op *op, struct words *out)
{
    if (out->npos) {
        size_t len = 1;
        for (size_t i = 0; i < out->npos; i++)
            len += strlen(out->pos[i]) + 1;
        char *q = calloc(1, len);
        if (!q)
            return CMD_FAILED;
        for (size_t i = 0; i < out->npos; i++) {
            if (i)
                strcat(q, " ");
            strcat(q, out->pos[i]);
        }
        int rc = push(out, "--q") < 0 || push(out, q) < 0 ? -1 : 0;
        free(q);
        if (rc < 0)
            return CMD_FAILED;
    }
    return commands_run_op(a, op, out->v, out->n);
}

/* client add with nothing else at a terminal: the form, starting from the defaults. */
static enum cmd_status client_add_form(struct app *a, const struct meta_op *op)
{
    struct grammar_args args = {.op = op};
    char me[24];
    if (meta_arg_find(op, "tier"))
        grammar_set(&args, "tier", "standard");
    if (meta_arg_find(op, "status"))
        grammar_set(&args, "status", "prospect");
    if (a->user_id && meta_arg_find(op, "owner_id")) {
        snprintf(me, sizeof(me), "%llu", (unsigned long long)a->user_id);
        grammar_set(&args, "owner_id", me);
    }
    enum cmd_status st = forms_run(a, &args, true);
    grammar_args_free(&args);
    return st;
}

/* client assign CLIENT... --to USER --reason TEXT */
static enum cmd_status client_assign(struct app *a, const struct meta_op *op, struct words *out)
{
    if (out->npos == 0) {
        app_errorf(a, "name the clients to hand over (see help client assign)");
        return CMD_USAGE;
    }
    size_t cap = out->npos * 24 + 1;
    char *ids = calloc(1, cap);
    if (!ids)
        return CMD_FAILED;
    for (size_t i = 0; i < out->npos; i++) {
        uint64_t id;
        enum cmd_status st = resolve_client(a, out->pos[i], &id);
        if (st != CMD_OK) {
            free(ids);
            return st;
        }
        size_t off = strlen(ids);
        snprintf(ids + off, cap - off, "%s%llu", i ? "," : "", (unsigned long long)id);
    }
    int rc = push(out, "--ids") < 0 || push(out, ids) < 0 ? -1 : 0;
    free(ids);
    if (rc < 0)
        return CMD_FAILED;
    return commands_run_op(a, op, out->v, out->n);
}

/* client show CLIENT */
static enum cmd_status client_show(struct app *a, struct words *out)
{
    uint64_t id;
    if (out->npos != 1 || out->n) {
        app_errorf(a, "usage: client show CLIENT (an id or a name)");
        return CMD_USAGE;
    }
    enum cmd_status st = resolve_client(a, out->pos[0], &id);
    return st == CMD_OK ? cmd_clients_show(a, id) : st;
}

static enum cmd_status run_client(struct app *a, char *const *w, size_t n, bool *handled)
{
    static const char *const verbs[][2] = {
        {"list", "client.list"},      {"ls", "client.list"},       {"show", "client.get"},
        {"get", "client.get"},        {"add", "client.create"},    {"create", "client.create"},
        {"edit", "client.update"},    {"update", "client.update"}, {"assign", "client.assign"},
        {"archive", "client.archive"}};
    if (n >= 2 && strcmp(w[1], "import") == 0)
        return import_run(a, w + 2, n - 2);
    const char *method = NULL;
    for (size_t i = 0; n >= 2 && i < sizeof(verbs) / sizeof(verbs[0]); i++)
        if (strcmp(w[1], verbs[i][0]) == 0)
            method = verbs[i][1];
    if (!method || !meta_find(&a->meta, method)) {
        *handled = false;
        return CMD_OK;
    }
    const struct meta_op *op = meta_find(&a->meta, method);
    struct words out;
    enum cmd_status st;
    if (!strcmp(method, "client.create") && n == 2 && a->interactive)
        return client_add_form(a, op);
    if ((st = rewrite(a, op, w + 2, n - 2, client_flags, &out)) != CMD_OK)
        goto done;
    if (!strcmp(method, "client.list"))
        st = client_list(a, op, &out);
    else if (!strcmp(method, "client.get"))
        st = client_show(a, &out);
    else if (!strcmp(method, "client.assign"))
        st = client_assign(a, op, &out);
    else if (!strcmp(method, "client.create"))
        st = with_positionals(a, op, &out);
    else if (out.npos ==
             0) /* edit / archive without CLIENT: the generic path says what is missing */
        st = commands_run_op(a, op, out.v, out.n);
    else
        st = with_client(a, op, &out, 0, NULL);
done:
    words_free(&out);
    return st;
}

static const struct flag_map activity_flags[] = {
    {"next", "--next-action", CV_SAME},   {"due", "--next-due", CV_SAME},
    {"at", "--occurred-at", CV_SAME},     {"user", "--user-id", CV_USER},
    {"client", "--client-id", CV_CLIENT}, {NULL, NULL, CV_SAME}};

/* The version of contact id among the contacts of client; CMD_OK with *version. */
static enum cmd_status contact_version(struct app *a, uint64_t client, uint64_t id,
                                       uint64_t *version)
{
    msgpack_sbuffer sb;
    msgpack_packer pk;
    struct conn_reply r;
    char err[256];
    msgpack_sbuffer_init(&sb);
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    msgpack_pack_map(&pk, 1);
    proto_kv_u64(&pk, "client_id", client);
    enum conn_status s =
        conn_call(a->conn, "contact.list", sb.data, sb.size, true, &r, err, sizeof(err));
    msgpack_sbuffer_destroy(&sb);
    enum cmd_status st = app_call_status(a, s, &r, err);
    const msgpack_object *items = st == CMD_OK ? proto_map_get(r.result, "items") : NULL;
    bool found = false;
    for (uint32_t i = 0; items && items->type == MSGPACK_OBJECT_ARRAY && i < items->via.array.size;
         i++) {
        uint64_t cid = 0;
        const msgpack_object *it = &items->via.array.ptr[i];
        if (proto_get_u64(it, "id", &cid, 1, UINT64_MAX) == PG_OK && cid == id)
            found = proto_get_u64(it, "version", version, 0, UINT64_MAX) == PG_OK;
    }
    conn_reply_free(&r);
    if (st == CMD_OK && !found) {
        app_errorf(a, "contact %llu is not among that client's contacts (not_found)",
                   (unsigned long long)id);
        st = CMD_FAILED;
    }
    return st;
}

/* contact edit ID [--client CLIENT] --field value: the server has no contact.get, so the
   version is read from the contact list of its client (unless given with --version). */
static enum cmd_status contact_edit(struct app *a, const struct meta_op *op, char *const *w,
                                    size_t n)
{
    static const struct flag_map map[] = {{"client", "--client-id", CV_CLIENT},
                                          {NULL, NULL, CV_SAME}};
    struct words out;
    uint64_t id, client = 0, version;
    enum cmd_status st = rewrite(a, op, w, n, map, &out);
    for (size_t i = 0; st == CMD_OK && i + 1 < out.n; i++)
        if (strcmp(out.v[i], "--client-id") == 0) {
            resolve_is_id(out.v[i + 1], &client);
            free(out.v[i]);
            free(out.v[i + 1]);
            memmove(&out.v[i], &out.v[i + 2], (out.n - i - 2) * sizeof(char *));
            out.n -= 2;
            break;
        }
    if (st == CMD_OK && (out.npos < 1 || !resolve_is_id(out.pos[0], &id))) {
        app_errorf(a, "usage: contact edit ID --client CLIENT --FIELD VALUE ...");
        st = CMD_USAGE;
    }
    bool has_version = false;
    for (size_t i = 0; st == CMD_OK && i < out.n; i++)
        has_version |= strncmp(out.v[i], "--version", 9) == 0;
    if (st == CMD_OK && !has_version) {
        if (!client) {
            app_errorf(a, "contact edit needs the contact's client: --client CLIENT");
            st = CMD_USAGE;
        } else if ((st = contact_version(a, client, id, &version)) == CMD_OK &&
                   push_id(&out, "--version", version) < 0) {
            st = CMD_FAILED;
        }
    }
    if (st == CMD_OK)
        st = with_positionals(a, op, &out);
    words_free(&out);
    return st;
}

/* contact add CLIENT NAME [...], contact list CLIENT; edit/archive take contact ids. */
static enum cmd_status run_contact(struct app *a, char *const *w, size_t n, bool *handled)
{
    const char *method = NULL;
    if (n >= 2 && (!strcmp(w[1], "add") || !strcmp(w[1], "create")))
        method = "contact.create";
    else if (n >= 2 && (!strcmp(w[1], "list") || !strcmp(w[1], "ls")))
        method = "contact.list";
    else if (n >= 2 && (!strcmp(w[1], "edit") || !strcmp(w[1], "update")) &&
             !meta_find(&a->meta, "contact.get") && meta_find(&a->meta, "contact.list") &&
             meta_find(&a->meta, "contact.update"))
        return contact_edit(a, meta_find(&a->meta, "contact.update"), w + 2, n - 2);
    const struct meta_op *op = method ? meta_find(&a->meta, method) : NULL;
    if (!op) {
        *handled = false;
        return CMD_OK;
    }
    struct words out;
    enum cmd_status st = rewrite(a, op, w + 2, n - 2, activity_flags, &out);
    if (st == CMD_OK)
        st = out.npos ? with_client(a, op, &out, 0, "--client-id")
                      : commands_run_op(a, op, out.v, out.n);
    words_free(&out);
    return st;
}

/* log KIND CLIENT "summary" [--next TEXT --due DATE --details TEXT --at TIMESTAMP] */
static enum cmd_status run_log(struct app *a, char *const *w, size_t n)
{
    const struct meta_op *op = need_op(a, "activity.log");
    if (!op)
        return CMD_FAILED;
    const struct meta_arg *kind = meta_arg_find(op, "kind");
    if (n < 3 || w[1][0] == '-') {
        app_errorf(a, "usage: log call|email|meeting|visit|note CLIENT \"summary\" [--next TEXT "
                      "--due DATE]");
        return CMD_USAGE;
    }
    char why[160];
    if (kind && grammar_check(kind, w[1], why, sizeof(why)) < 0) {
        app_errorf(a, "the kind %s", why);
        return CMD_USAGE;
    }
    struct words out;
    enum cmd_status st = rewrite(a, op, w + 2, n - 2, activity_flags, &out);
    if (st == CMD_OK && out.npos == 0) {
        app_errorf(a, "log %s needs the CLIENT it was with", w[1]);
        st = CMD_USAGE;
    }
    if (st == CMD_OK && (push(&out, "--kind") < 0 || push(&out, w[1]) < 0))
        st = CMD_FAILED;
    if (st == CMD_OK)
        st = with_client(a, op, &out, 0, "--client-id");
    words_free(&out);
    return st;
}

/* activity list [CLIENT] [--since --until --user USER ...]; activity done ID is generic. */
static enum cmd_status run_activity(struct app *a, char *const *w, size_t n, bool *handled)
{
    const struct meta_op *op = NULL;
    if (n >= 2 && (!strcmp(w[1], "list") || !strcmp(w[1], "ls")))
        op = meta_find(&a->meta, "activity.list");
    if (!op) {
        *handled = false;
        return CMD_OK;
    }
    struct words out;
    enum cmd_status st = rewrite(a, op, w + 2, n - 2, activity_flags, &out);
    if (st == CMD_OK && out.npos > 1) {
        app_errorf(a, "usage: activity list [CLIENT] [--since DATE] [--until DATE] [--user USER]");
        st = CMD_USAGE;
    }
    if (st == CMD_OK)
        st = out.npos ? with_client(a, op, &out, 0, "--client-id")
                      : commands_run_op(a, op, out.v, out.n);
    words_free(&out);
    return st;
}

/* agenda [--days N] [--team] */
static enum cmd_status run_agenda(struct app *a, char *const *w, size_t n)
{
    const struct meta_op *op = need_op(a, "agenda");
    struct conn_reply r;
    if (!op)
        return CMD_FAILED;
    enum cmd_status st = commands_call_words(a, op, w + 1, n - 1, &r);
    if (st == CMD_OK)
        st = cmd_clients_agenda(a, r.result);
    conn_reply_free(&r);
    return st;
}

enum cmd_status cmd_clients_run(struct app *a, char *const *w, size_t n, bool *handled)
{
    *handled = true;
    if (n >= 1 && strcmp(w[0], "client") == 0)
        return run_client(a, w, n, handled);
    if (n >= 1 && strcmp(w[0], "contact") == 0)
        return run_contact(a, w, n, handled);
    if (n >= 1 && strcmp(w[0], "log") == 0 && meta_find(&a->meta, "activity.log"))
        return run_log(a, w, n);
    if (n >= 1 && strcmp(w[0], "activity") == 0)
        return run_activity(a, w, n, handled);
    if (n >= 1 && strcmp(w[0], "agenda") == 0 && meta_find(&a->meta, "agenda"))
        return run_agenda(a, w, n);
    *handled = false;
    return CMD_OK;
}
