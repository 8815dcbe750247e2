/* review.c - the review commands: record (a score of 1-10 for a client) and list. */
#include "cmd.h"
#include "nouns.h"

static const struct noun_flag review_flags[] = {{"client", "client_id", NOUN_CLIENT},
                                                {"campaign", "campaign_id", NOUN_AS_TYPED},
                                                {NULL, NULL, NOUN_AS_TYPED}};

static const struct show_col list_cols[] = {{"reviewed_on", "on", 1}, {"client_name", "client", 1},
                                            {"kind", "kind", 1},      {"score", "score", 1},
                                            {"period", "period", 2},  {"notes", "notes", 2},
                                            {"created_by", "by", 3},  {"id", NULL, 3}};

static const struct noun_verb review_verbs[] = {
    {.words = "record add",
     .op = "review.record",
     .flags = review_flags,
     .pos = NOUN_POS_FIRST,
     .first = NOUN_CLIENT,
     .first_arg = "client_id",
     .usage = "review record CLIENT campaign|quarterly|survey SCORE [--campaign ID] [--period P] "
              "[--notes TEXT]",
     .what = "Record a review of a client (a form without arguments)"},
    {.words = "list ls",
     .op = "review.list",
     .flags = review_flags,
     .cols = list_cols,
     .ncols = CMD_LEN(list_cols),
     .usage = "review list [--client CLIENT] [--kind K]",
     .what = "Reviews you may see, newest first"},
    {.op = NULL},
};

const struct noun cmd_review = {.name = "review", .verbs = review_verbs};
