/* client.c - the client commands: list (a search text), show (the record with its contacts and
   recent activities), add (a form from the defaults), edit, assign, archive, import. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "forms.h"
#include "import.h"
#include "nouns.h"

#define RECENT_ACTIVITIES 10

static const struct noun_flag client_flags[] = {{"owner", "owner_id", NOUN_USER},
                                                {"team", "team_id", NOUN_TEAM},
                                                {"to", "owner_id", NOUN_USER},
                                                {NULL, NULL, NOUN_AS_TYPED}};

static const struct view_col contact_cols[] = {
    {"id", "id"},       {"name", "name"},   {"title", "title"},
    {"phone", "phone"}, {"email", "email"}, {"decision_maker", "decision maker"}};
static const struct view_col activity_cols[] = {
    {"id", "id"},   {"occurred_at", "when"},        {"kind", "kind"},    {"summary", "summary"},
    {"user", "by"}, {"next_action", "next action"}, {"next_due", "due"}, {"done_at", "done"}};

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
    if (c->npos != 1 || c->n) {
        app_errorf(c->a, "usage: client show CLIENT (an id or a name)");
        return CMD_USAGE;
    }
    st = resolve_client(c->a, c->pos[0], &id);
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
     .flags = client_flags,
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
    {.op = NULL},
};

const struct noun cmd_client = {.name = "client", .verbs = client_verbs};
