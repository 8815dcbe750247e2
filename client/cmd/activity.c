/* activity.c - the activity log: "log KIND CLIENT summary" with its follow-up, and "activity
   list [CLIENT]" and "activity done ID". */
#include <string.h>

#include "cmd.h"
#include "nouns.h"
#include "value.h"

static const struct noun_flag activity_flags[] = {
    {"next", "next_action", NOUN_AS_TYPED}, {"due", "next_due", NOUN_AS_TYPED},
    {"at", "occurred_at", NOUN_AS_TYPED},   {"user", "user_id", NOUN_USER},
    {"client", "client_id", NOUN_CLIENT},   {NULL, NULL, NOUN_AS_TYPED}};

/* log KIND CLIENT "summary" [--next TEXT --due DATE --details TEXT --at TIMESTAMP] */
static enum cmd_status run_log(struct verb_call *c)
{
    struct app *a = c->a;
    const struct meta_arg *kind = meta_arg_find(c->op, "kind");
    if (c->nin < 2 || c->in[0][0] == '-') {
        app_errorf(a, "usage: log call|email|meeting|visit|note CLIENT \"summary\" [--next TEXT "
                      "--due DATE]");
        return CMD_USAGE;
    }
    char why[160];
    const char *typed = c->in[0];
    if (kind && value_check(kind, typed, why, sizeof(why)) < 0) {
        app_errorf(a, "the kind %s", why);
        return CMD_USAGE;
    }
    c->in++; /* the CLIENT and the rest */
    c->nin--;
    enum cmd_status st = verb_rewrite(c);
    if (st == CMD_OK && c->npos == 0) {
        app_errorf(a, "log %s needs the CLIENT it was with", typed);
        st = CMD_USAGE;
    }
    if (st == CMD_OK && (verb_push(c, "--kind") < 0 || verb_push(c, typed) < 0))
        st = CMD_FAILED;
    return st == CMD_OK ? verb_finish(c) : st;
}

static const struct noun_verb log_verbs[] = {
    {.op = "activity.log",
     .flags = activity_flags,
     .pos = NOUN_POS_FIRST,
     .first = NOUN_CLIENT,
     .first_arg = "client_id",
     .lead = "kind",
     .run = run_log,
     .usage = "log call|email|meeting|visit|note CLIENT \"summary\" [--next TEXT --due DATE]",
     .what = "Log what happened with a client and its next step (also --details TEXT, --at TIME)",
     .listed = "log KIND CLIENT SUMMARY"},
    {.op = NULL},
};

const struct noun cmd_log = {.name = "log", .verbs = log_verbs};

static const struct show_col list_cols[] = {
    {"id", NULL, 1},          {"occurred_at", NULL, 2}, {"client_name", NULL, 1},
    {"kind", NULL, 2},        {"summary", NULL, 1},     {"user", NULL, 2},
    {"next_action", NULL, 2}, {"next_due", NULL, 2},    {"done_at", NULL, 3}};

/* activity list [CLIENT] [--since --until --user USER ...] */
static enum cmd_status activity_list(struct verb_call *c)
{
    enum cmd_status st = verb_rewrite(c);
    if (st == CMD_OK && c->npos > 1) {
        app_errorf(c->a,
                   "usage: activity list [CLIENT] [--since DATE] [--until DATE] [--user USER]");
        st = CMD_USAGE;
    }
    return st == CMD_OK ? verb_finish(c) : st;
}

static const struct noun_verb activity_verbs[] = {
    {.words = "list ls",
     .op = "activity.list",
     .flags = activity_flags,
     .pos = NOUN_POS_FIRST,
     .first = NOUN_CLIENT,
     .first_arg = "client_id",
     .run = activity_list,
     .cols = list_cols,
     .ncols = CMD_LEN(list_cols),
     .usage = "activity list [CLIENT] [--since DATE] [--until DATE] [--user USER]",
     .what = "Activities you may see, newest first"},
    {.words = "done",
     .op = "activity.done",
     .usage = "activity done ID",
     .what = "Mark an activity's follow-up done"},
    {.op = NULL},
};

const struct noun cmd_activity = {.name = "activity", .verbs = activity_verbs};
