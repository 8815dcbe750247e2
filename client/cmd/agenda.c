/* agenda.c - "agenda [--days N] [--team]": the overdue and upcoming items (follow-ups, tasks,
   renewals, client issues) as two titled tables (one table with a "section" column in CSV, the
   answer itself in JSON). */
#include "cmd.h"
#include "nouns.h"

/* Every kind of item has a due date, a title and an owner (PROTOCOL.md, agenda); a follow-up's
   title is its next action, a client issue's its summary. */
static const struct show_col agenda_cols[] = {
    {"due", "due", 1},       {"item", "item", 2},
    {"title", "what", 1},    {"client_name", "client", 1},
    {"detail", "detail", 3}, {"client_id", "client id", 3},
    {"id", "id", 2},         {"owner", "owner", 2}};

static const struct view_section agenda_sections[] = {
    {.title = "Overdue",
     .key = "overdue",
     .cols = agenda_cols,
     .ncols = CMD_LEN(agenda_cols),
     .count = true},
    {.title = "Upcoming",
     .key = "upcoming",
     .cols = agenda_cols,
     .ncols = CMD_LEN(agenda_cols),
     .count = true},
};

static enum cmd_status run_agenda(struct verb_call *c)
{
    struct conn_reply r;
    enum cmd_status st = call_words(c->a, c->op, c->in, c->nin, &r);
    if (st == CMD_OK)
        st = view_lists(c->a, r.result, agenda_sections, CMD_LEN(agenda_sections));
    conn_reply_free(&r);
    return st;
}

static const struct noun_verb agenda_verbs[] = {
    {.op = "agenda",
     .run = run_agenda,
     .usage = "agenda [--days N] [--team]",
     .what = "What waits for you: follow-ups, tasks, renewals, client issues, overdue and due in "
             "the next N days (--team: a manager's whole team)"},
    {.op = NULL},
};

const struct noun cmd_agenda = {.name = "agenda", .verbs = agenda_verbs};
