/* nouns.c - the table of the client's commands: one row per noun file. */
#include "nouns.h"

const struct noun *const cmd_nouns[] = {
    &cmd_client, &cmd_contact, &cmd_log,   &cmd_activity, &cmd_agenda, &cmd_contract, &cmd_campaign,
    &cmd_job,    &cmd_review,  &cmd_issue, &cmd_audit,    &cmd_report, &cmd_server,   NULL,
};
