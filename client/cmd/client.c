/* client.c - the client commands: list (a search text), show (the record with its contacts and
   recent activities), add (a form from the defaults), edit, assign, archive, import. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "force.h"
#include "forms.h"
#include "import.h"
#include "nouns.h"

#define RECENT_ACTIVITIES 10

static const struct noun_flag client_flags[] = {{"owner", "owner_id", NOUN_USER},
                                                {"team", "team_id", NOUN_TEAM},
                                                {"to", "owner_id", NOUN_USER},
                                                {NULL, NULL, NOUN_AS_TYPED}};

static const struct noun_flag assign_flags[] = {
    {"to", "owner_id", NOUN_USER}, {"owner", "owner_id", NOUN_USER}, {NULL, NULL, NOUN_AS_TYPED}};

static const struct show_col contact_cols[] = {
    {"id", "id", 1},       {"name", "name", 1},   {"title", "title", 2},
    {"phone", "phone", 2}, {"email", "email", 2}, {"decision_maker", "decision maker", 3}};
static const struct show_col activity_cols[] = {
    {"id", "id", 1},           {"occurred_at", "when", 1}, {"kind", "kind", 2},
    {"summary", "summary", 1}, {"user", "by", 2},          {"next_action", "next action", 2},
    {"next_due", "due", 2},    {"done_at", "done", 3}};

/* client list: who and what first; the legal name, registration number and bookkeeping go
   first when the terminal is narrow. */
static const struct show_col list_cols[] = {{"id", NULL, 1},     {"name", NULL, 1},
                                            {"owner", NULL, 2},  {"tier", NULL, 2},
                                            {"status", NULL, 2}, {"industry", NULL, 3}};

static const struct view_section client_sections[] = {
    {.title = "Contacts",
     .key = "contacts",
     .op = "contact.list",
     .arg = "client_id",
     .cols = contact_cols,
     .ncols = CMD_LEN(contact_cols)},
    {.title = "Recent activities",
     .key = "activities",
     .op = "activity.list",
     .arg = "client_id",
     .limit = RECENT_ACTIVITIES,
     .cols = activity_cols,
     .ncols = CMD_LEN(activity_cols)},
};

static const struct view_record client_view = {.get = "client.get",
                                               .key = "client",
                                               .sections = client_sections,
                                               .nsections = CMD_LEN(client_sections)};

/* client show CLIENT */
static enum cmd_status client_show(struct verb_call *c)
{
    uint64_t id;
    enum cmd_status st = verb_rewrite(c);
    if (st != CMD_OK)
        return st;
    if (c->npos == 0 || c->n) {
        app_errorf(c->a, "usage: client show CLIENT (an id or a name)");
        return CMD_USAGE;
    }
    char *name = verb_joined(c); /* client show Blue Moon Media, without quotes */
    st = name ? resolve_client(c->a, name, &id) : CMD_FAILED;
    free(name);
    return st == CMD_OK ? view_record(c->a, &client_view, id) : st;
}

/* client add: alone at a terminal, the form starting from the defaults. */
static enum cmd_status client_add(struct verb_call *c)
{
    if (c->nin || !c->a->interactive) {
        enum cmd_status st = verb_rewrite(c);
        return st == CMD_OK ? verb_finish(c) : st;
    }
    struct grammar_args args = {.op = c->op};
    char me[24];
    if (meta_arg_find(c->op, "tier"))
        grammar_set(&args, "tier", "standard");
    if (meta_arg_find(c->op, "status"))
        grammar_set(&args, "status", "prospect");
    if (c->a->user_id && meta_arg_find(c->op, "owner_id")) {
        snprintf(me, sizeof(me), "%llu", (unsigned long long)c->a->user_id);
        grammar_set(&args, "owner_id", me);
    }
    enum cmd_status st = forms_run(c->a, &args, true);
    grammar_args_free(&args);
    return st;
}

/* client assign CLIENT... --to USER --reason TEXT */
static enum cmd_status client_assign(struct verb_call *c)
{
    enum cmd_status st = verb_rewrite(c);
    if (st != CMD_OK)
        return st;
    if (c->npos == 0) {
        app_errorf(c->a, "name the clients to hand over (see help client assign)");
        return CMD_USAGE;
    }
    size_t cap = c->npos * 24 + 1;
    char *ids = calloc(1, cap);
    if (!ids)
        return CMD_FAILED;
    for (size_t i = 0; i < c->npos; i++) {
        uint64_t id;
        if ((st = resolve_client(c->a, c->pos[i], &id)) != CMD_OK) {
            free(ids);
            return st;
        }
        size_t off = strlen(ids);
        snprintf(ids + off, cap - off, "%s%llu", i ? "," : "", (unsigned long long)id);
    }
    int rc = verb_push(c, "--ids") < 0 || verb_push(c, ids) < 0 ? -1 : 0;
    free(ids);
    return rc < 0 ? CMD_FAILED : run_op(c->a, c->op, c->v, c->n);
}

static enum cmd_status client_import(struct verb_call *c)
{
    return import_run(c->a, c->in, c->nin);
}

/* client check-duplicate NAME [--registration-no N]: the similar clients as a table. */
static enum cmd_status client_check(struct verb_call *c)
{
    struct conn_reply r;
    char footer[160];
    enum cmd_status st = call_words(c->a, c->op, c->in, c->nin, &r);
    const msgpack_object *list = st == CMD_OK ? proto_map_get(r.result, "candidates") : NULL;
    if (st == CMD_OK && c->a->set.format == RENDER_TABLE && list &&
        list->type == MSGPACK_OBJECT_ARRAY) {
        uint32_t n = list->via.array.size;
        snprintf(footer, sizeof(footer),
                 n ? "(%u similar client%s; you may not see all of them)"
                   : "(no similar client you can see)",
                 n, n == 1 ? "" : "s");
        force_show_candidates(c->a, list, footer);
    } else if (st == CMD_OK && c->a->set.format == RENDER_CSV && list) {
        struct show_opts o = show_opts_of(c->a);
        struct render_table *t = show_list(NULL, list, &o);
        st = t ? show_table(c->a, t) : CMD_FAILED;
        render_table_free(t);
    } else if (st == CMD_OK) {
        st = show_result(c->a, r.result);
    }
    conn_reply_free(&r);
    return st;
}

static const char import_help[] =
    "  --dry-run         check every row, import nothing\n"
    "  --skip-bad        import the good rows, report the bad ones\n"
    "  --map COLUMN=FIELD  fill FIELD from COLUMN (repeatable)\n"
    "  --ignore COLUMN   leave a column out (repeatable)\n"
    "Headers are matched without regard to case: company/name/client, legal name,\n"
    "reg no/registration number/vat, tier, status, industry, owner, phone, email,\n"
    "website, address, notes. Errors are listed as line, field, reason.\n";

static const struct noun_verb client_verbs[] = {
    {.words = "list ls",
     .op = "client.list",
     .flags = client_flags,
     .pos = NOUN_POS_TEXT,
     .first = NOUN_CLIENT,
     .first_arg = "q",
     .cols = list_cols,
     .ncols = CMD_LEN(list_cols),
     .usage = "client list [TEXT] [--tier T] [--status S] [--owner USER] [--team TEAM]",
     .what = "Clients you may see; TEXT searches names, legal names, registration numbers, "
             "contacts"},
    {.words = "show get",
     .op = "client.get",
     .flags = client_flags,
     .pos = NOUN_POS_FIRST,
     .first = NOUN_CLIENT,
     .first_arg = "id",
     .run = client_show,
     .usage = "client show CLIENT",
     .what = "A client with its contacts and recent activities"},
    {.words = "add create",
     .op = "client.create",
     .flags = client_flags,
     .run = client_add,
     .usage = "client add [NAME] [--tier T] [--status S] [--owner USER] ...",
     .what = "Add a client (a form without arguments); similar clients are shown before forcing"},
    {.words = "edit update",
     .op = "client.update",
     .flags = client_flags,
     .pos = NOUN_POS_FIRST,
     .first = NOUN_CLIENT,
     .first_arg = "id",
     .usage = "client edit CLIENT --FIELD VALUE ...",
     .what = "Change a client (the version is read first)"},
    {.words = "assign",
     .op = "client.assign",
     .flags = assign_flags,
     .pos = NOUN_POS_ALL,
     .first = NOUN_CLIENT,
     .first_arg = "ids",
     .run = client_assign,
     .usage = "client assign CLIENT... --to USER --reason TEXT",
     .what = "Hand clients to another owner"},
    {.words = "archive",
     .op = "client.archive",
     .flags = client_flags,
     .pos = NOUN_POS_FIRST,
     .first = NOUN_CLIENT,
     .first_arg = "id",
     .usage = "client archive CLIENT --reason TEXT",
     .what = "Archive a client (nothing is deleted)"},
    {.words = "import",
     .op = "client.import_begin",
     .run = client_import,
     .always = true,
     .usage = "client import FILE.csv [--dry-run] [--skip-bad] [--map COLUMN=FIELD] [--ignore "
              "COLUMN]",
     .what = "Import clients from a spreadsheet: all rows or none, unless --skip-bad",
     .listed = "client import",
     .listed_what = "Import clients from a CSV file (help client import)",
     .help = import_help,
     .also = "client.import_rows client.import_commit"},
    {.words = "check-duplicate",
     .op = "client.check_duplicate",
     .run = client_check,
     .usage = "client check-duplicate NAME [--registration-no N]",
     .what = "Clients with a similar name or the same registration number, before you add one"},
    {.op = NULL},
};

const struct noun cmd_client = {.name = "client", .verbs = client_verbs};
