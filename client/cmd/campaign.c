/* campaign.c - the campaign commands: list, show (the brief, its KPIs and its stage reports as
   a timeline), add (a form without arguments), edit, move (one stage on, or cancelled), report
   (a status report), reports. */
#include "cmd.h"
#include "nouns.h"

static const struct noun_flag campaign_flags[] = {{"client", "client_id", NOUN_CLIENT},
                                                  {NULL, NULL, NOUN_AS_TYPED}};

static const struct show_col list_cols[] = {{"id", NULL, 1},
                                            {"name", "name", 1},
                                            {"client_name", "client", 1},
                                            {"status", "stage", 1},
                                            {"ends_on", "ends", 2},
                                            {"budget_amount", "budget", 2},
                                            {"currency", "cur", 2},
                                            {"status_changed_at", "since", 3}};
static const struct show_col report_cols[] = {
    {"created_at", "when", 1}, {"kind", "kind", 1},       {"from_status", "from", 2},
    {"to_status", "to", 1},    {"summary", "summary", 1}, {"decisions", "decisions", 2},
    {"created_by", "by", 2}};

static const struct view_section campaign_sections[] = {
    {.title = "Stage reports",
     .key = "reports",
     .op = "campaign.reports",
     .arg = "campaign_id",
     .cols = report_cols,
     .ncols = CMD_LEN(report_cols),
     .count = true},
};

static const struct view_record campaign_view = {.get = "campaign.get",
                                                 .key = "campaign",
                                                 .sections = campaign_sections,
                                                 .nsections = CMD_LEN(campaign_sections)};

/* campaign show ID: the record, then its stage reports oldest first. */
static enum cmd_status campaign_show(struct verb_call *c)
{
    uint64_t id;
    enum cmd_status st = verb_rewrite(c);
    if (st != CMD_OK)
        return st;
    if (c->npos != 1 || !resolve_is_id(c->pos[0], &id)) {
        app_errorf(c->a, "usage: campaign show ID");
        return CMD_USAGE;
    }
    return view_record(c->a, &campaign_view, id);
}

static const struct noun_verb campaign_verbs[] = {
    {.words = "list ls",
     .op = "campaign.list",
     .flags = campaign_flags,
     .cols = list_cols,
     .ncols = CMD_LEN(list_cols),
     .usage = "campaign list [--client CLIENT] [--status STAGE]",
     .what = "Campaigns you may see, newest first"},
    {.words = "show get",
     .op = "campaign.get",
     .run = campaign_show,
     .usage = "campaign show ID",
     .what = "A campaign with its KPIs and its stage reports as a timeline"},
    {.words = "add create",
     .op = "campaign.create",
     .flags = campaign_flags,
     .usage = "campaign add --client CLIENT --name N --objectives TEXT --budget-amount MINOR "
              "--currency C --starts-on D --ends-on D",
     .what = "Open a campaign from its brief (a form without arguments)"},
    {.words = "edit update",
     .op = "campaign.update",
     .flags = campaign_flags,
     .usage = "campaign edit ID --FIELD VALUE ...",
     .what = "Change a campaign's brief (the version is read first)"},
    {.words = "move transition",
     .op = "campaign.transition",
     .usage = "campaign move ID STAGE [--note TEXT] [--decisions TEXT]",
     .what = "Move a campaign one stage on, or cancel it; the move's report is written"},
    {.words = "report",
     .op = "campaign.report",
     .usage = "campaign report ID progress|approval|change|review SUMMARY [--decisions TEXT]",
     .what = "Write a status report"},
    {.words = "reports",
     .op = "campaign.reports",
     .cols = report_cols,
     .ncols = CMD_LEN(report_cols),
     .usage = "campaign reports ID",
     .what = "A campaign's status reports, oldest first"},
    {.op = NULL},
};

const struct noun cmd_campaign = {.name = "campaign", .verbs = campaign_verbs};
