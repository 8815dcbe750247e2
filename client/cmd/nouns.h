/* nouns.h - the commands of client/cmd/, one noun per file, and the table of them that main
   gives the dispatcher, help and completion (app.nouns). */
#ifndef AGENCY_CMD_NOUNS_H
#define AGENCY_CMD_NOUNS_H

#include "noun.h"

extern const struct noun cmd_client;   /* client.c */
extern const struct noun cmd_contact;  /* contact.c */
extern const struct noun cmd_log;      /* activity.c */
extern const struct noun cmd_activity; /* activity.c */
extern const struct noun cmd_agenda;   /* agenda.c */
extern const struct noun cmd_contract; /* contract.c */
extern const struct noun cmd_campaign; /* campaign.c */
extern const struct noun cmd_job;      /* job.c */
extern const struct noun cmd_review;   /* review.c */
extern const struct noun cmd_issue;    /* issue.c */
extern const struct noun cmd_audit;    /* audit.c */
extern const struct noun cmd_report;   /* report.c */
extern const struct noun cmd_server;   /* audit.c (server stats) */

/* Every noun above, NULL-ended. */
extern const struct noun *const cmd_nouns[];

#endif
