/* contract.c - the contract commands: list, show (with its amendments), add (a form without
   arguments), edit (an active contract's value or period: with --reason, as an amendment),
   move (the state machine), renewals (the renewal queue). */
#include "cmd.h"
#include "nouns.h"

static const struct noun_flag contract_flags[] = {{"client", "client_id", NOUN_CLIENT},
                                                  {"within", "within_days", NOUN_AS_TYPED},
                                                  {NULL, NULL, NOUN_AS_TYPED}};

static const struct show_col list_cols[] = {
    {"id", NULL, 1},         {"number", "number", 1}, {"client_name", "client", 1},
    {"title", "title", 2},   {"status", "status", 1}, {"ends_on", "ends", 1},
    {"amount", "amount", 2}, {"currency", "cur", 2}};
static const struct show_col renewal_cols[] = {
    {"ends_on", "ends", 1},  {"days_left", "days left", 1},
    {"number", "number", 1}, {"client_name", "client", 1},
    {"owner", "owner", 2},   {"amount", "amount", 2},
    {"currency", "cur", 2},  {"id", NULL, 3}};

static const struct noun_verb contract_verbs[] = {
    {.words = "list ls",
     .op = "contract.list",
     .flags = contract_flags,
     .cols = list_cols,
     .ncols = CMD_LEN(list_cols),
     .usage = "contract list [--client CLIENT] [--status S]",
     .what = "Contracts you may see, newest first"},
    {.words = "show get",
     .op = "contract.get",
     .usage = "contract show ID",
     .what = "A contract with its amendments"},
    {.words = "add create",
     .op = "contract.create",
     .flags = contract_flags,
     .usage = "contract add --client CLIENT --number N --title T --starts-on D --ends-on D "
              "--amount MINOR --currency C [--renews-id ID]",
     .what = "Draft a contract (a form without arguments)"},
    {.words = "edit update",
     .op = "contract.update",
     .flags = contract_flags,
     .usage = "contract edit ID --FIELD VALUE ... [--reason TEXT]",
     .what = "Change a contract; an active one's value or period needs --reason (an amendment)"},
    {.words = "move transition",
     .op = "contract.transition",
     .usage = "contract move ID active|completed|terminated|void [--reason TEXT]",
     .what = "Move a contract on (terminated and void need a reason)"},
    {.words = "renewals",
     .op = "contract.renewals",
     .flags = contract_flags,
     .cols = renewal_cols,
     .ncols = CMD_LEN(renewal_cols),
     .usage = "contract renewals [--within DAYS]",
     .what = "Active contracts ending within 60 days (or DAYS) with no renewal"},
    {.op = NULL},
};

const struct noun cmd_contract = {.name = "contract", .verbs = contract_verbs};
