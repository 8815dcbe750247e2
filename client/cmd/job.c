/* job.c - the job card commands: open (under a campaign), show (with its tasks), list, minutes,
   task (an assignee by name, a due date), done (a task), close. */
#include "cmd.h"
#include "nouns.h"

static const struct noun_flag job_flags[] = {
    {"client", "client_id", NOUN_CLIENT},       {"assignee", "assignee_id", NOUN_USER},
    {"to", "assignee_id", NOUN_USER},           {"due", "due_on", NOUN_AS_TYPED},
    {"campaign", "campaign_id", NOUN_AS_TYPED}, {NULL, NULL, NOUN_AS_TYPED}};

static const struct show_col list_cols[] = {{"id", NULL, 1},
                                            {"title", "title", 1},
                                            {"campaign_name", "campaign", 1},
                                            {"client_name", "client", 2},
                                            {"status", "status", 1},
                                            {"tasks_open", "open tasks", 1},
                                            {"minutes_late", "minutes late", 2},
                                            {"due_on", "due", 2}};

static const struct noun_verb job_verbs[] = {
    {.words = "list ls",
     .op = "job.list",
     .flags = job_flags,
     .cols = list_cols,
     .ncols = CMD_LEN(list_cols),
     .usage = "job list [--campaign ID] [--client CLIENT] [--status open|closed] [--assignee USER]",
     .what = "Job cards you may see, newest first"},
    {.words = "show get",
     .op = "job.get",
     .usage = "job show ID",
     .what = "A job card with its tasks"},
    {.words = "open add create",
     .op = "job.open",
     .flags = job_flags,
     .usage = "job open CAMPAIGN_ID TITLE [--meeting-at TIME] [--minutes TEXT] [--due D]",
     .what = "Open a job card (a form without arguments)"},
    {.words = "minutes",
     .op = "job.minutes",
     .usage = "job minutes ID TEXT [--meeting-at TIME]",
     .what = "Log a meeting's minutes (late after 24 hours)"},
    {.words = "task",
     .op = "job.task",
     .flags = job_flags,
     .usage = "job task JOB_ID TITLE --assignee USER --due D",
     .what = "Add a task: it waits in the assignee's agenda"},
    {.words = "done",
     .op = "job.task_done",
     .usage = "job done TASK_ID",
     .what = "Mark a task done"},
    {.words = "close",
     .op = "job.close",
     .usage = "job close ID [--reason TEXT]",
     .what = "Close a job card (tasks not done need a reason)"},
    {.op = NULL},
};

const struct noun cmd_job = {.name = "job", .verbs = job_verbs};
