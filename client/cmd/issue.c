/* issue.c - client issues: "issue open CLIENT SUMMARY" (a form when something is missing),
   "issue list", "issue show ID" (the issue, its history and its escalations), "issue assign",
   "issue move ID STATUS", "issue escalate". */
#include <string.h>

#include "cmd.h"
#include "nouns.h"

static const struct noun_flag issue_flags[] = {{"client", "client_id", NOUN_CLIENT},
                                               {"to", "assignee_id", NOUN_USER},
                                               {"assignee", "assignee_id", NOUN_USER},
                                               {NULL, NULL, NOUN_AS_TYPED}};

static const struct show_col list_cols[] = {{"id", NULL, 1},
                                            {"client_name", "client", 1},
                                            {"severity", NULL, 1},
                                            {"status", NULL, 1},
                                            {"summary", NULL, 1},
                                            {"assignee_name", "assignee", 2},
                                            {"respond_by", "respond by", 2},
                                            {"overdue", NULL, 2},
                                            {"escalation_level", "level", 2},
                                            {"category", NULL, 3}};

static const struct show_col history_cols[] = {{"at", NULL, 1},
                                               {"by_name", "by", 1},
                                               {"from_status", "from", 1},
                                               {"to_status", "to", 1},
                                               {"assignee_name", "assigned to", 2},
                                               {"note", NULL, 2}};
static const struct show_col escalation_cols[] = {{"level", NULL, 1},
                                                  {"at", NULL, 1},
                                                  {"reached", NULL, 1},
                                                  {"by_name", "by", 2},
                                                  {"reason", NULL, 2}};

static const struct view_section show_sections[] = {
    {.title = "History",
     .key = "history",
     .cols = history_cols,
     .ncols = CMD_LEN(history_cols),
     .count = false},
    {.title = "Escalations",
     .key = "escalations",
     .cols = escalation_cols,
     .ncols = CMD_LEN(escalation_cols),
     .count = true},
};

/* True when key (a msgpack string) is one of the show sections' keys. */
static bool is_section_key(const msgpack_object *key)
{
    for (size_t i = 0; i < CMD_LEN(show_sections); i++)
        if (key->type == MSGPACK_OBJECT_STR && key->via.str.size == strlen(show_sections[i].key) &&
            memcmp(key->via.str.ptr, show_sections[i].key, key->via.str.size) == 0)
            return true;
    return false;
}

#define ISSUE_FIELDS_MAX 48

/* issue show ID: the issue as a record, then its history and escalations as titled tables
   (JSON and CSV: the answer as it came). */
static enum cmd_status issue_show(struct verb_call *c)
{
    struct conn_reply r;
    enum cmd_status st = call_words(c->a, c->op, c->in, c->nin, &r);
    if (st != CMD_OK || c->a->set.format != RENDER_TABLE || r.result->type != MSGPACK_OBJECT_MAP ||
        r.result->via.map.size > ISSUE_FIELDS_MAX) {
        if (st == CMD_OK)
            st = show_result(c->a, r.result);
        conn_reply_free(&r);
        return st;
    }
    msgpack_object_kv fields[ISSUE_FIELDS_MAX];
    msgpack_object record = {.type = MSGPACK_OBJECT_MAP};
    uint32_t n = 0;
    for (uint32_t i = 0; i < r.result->via.map.size; i++)
        if (!is_section_key(&r.result->via.map.ptr[i].key))
            fields[n++] = r.result->via.map.ptr[i];
    record.via.map.size = n;
    record.via.map.ptr = fields;
    st = show_result(c->a, &record);
    if (st == CMD_OK)
        st = view_lists(c->a, r.result, show_sections, CMD_LEN(show_sections));
    conn_reply_free(&r);
    return st;
}

static const struct noun_verb issue_verbs[] = {
    {.words = "list ls",
     .op = "issue.list",
     .flags = issue_flags,
     .pos = NOUN_POS_FIRST,
     .first = NOUN_CLIENT,
     .first_arg = "client_id",
     .cols = list_cols,
     .ncols = CMD_LEN(list_cols),
     .usage = "issue list [CLIENT] [--status S] [--severity S] [--assignee USER] [--open] "
              "[--overdue] [--escalated]",
     .what = "Client issues you may see, newest first"},
    {.words = "show get",
     .op = "issue.get",
     .run = issue_show,
     .usage = "issue show ID",
     .what = "One issue with its history and escalations"},
    {.words = "open add create",
     .op = "issue.open",
     .flags = issue_flags,
     .pos = NOUN_POS_FIRST,
     .first = NOUN_CLIENT,
     .first_arg = "client_id",
     .usage = "issue open CLIENT --category C --severity S --summary TEXT [--channel C "
              "--details TEXT], or issue open alone for a form",
     .what = "Record a client's inquiry, complaint or suggestion"},
    {.words = "assign",
     .op = "issue.assign",
     .flags = issue_flags,
     .usage = "issue assign ID --to USER",
     .what = "Hand an issue to the client's owner, their manager or a director"},
    {.words = "move transition",
     .op = "issue.transition",
     .usage = "issue move ID STATUS [--note TEXT] [--root-cause TEXT --prevention TEXT]",
     .what = "received, triaged, investigating, resolved, confirmed, closed (closing needs "
             "--root-cause and --prevention)"},
    {.words = "escalate",
     .op = "issue.escalate",
     .usage = "issue escalate ID --reason TEXT",
     .what = "Escalate to the owner's manager, then to every director"},
    {.op = NULL},
};

const struct noun cmd_issue = {.name = "issue", .verbs = issue_verbs};
