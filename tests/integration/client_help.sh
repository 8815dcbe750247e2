#!/usr/bin/env bash
# client_help.sh - help in the agency client at a terminal (tmux): the command list, a noun's
# verbs and one command's arguments, all from the server's table and filtered by role, in the
# words of the commands (add/show/edit, --owner USER) wherever help speaks of them.
set -eu

# shellcheck source-path=SCRIPTDIR source=tmux_lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/tmux_lib.sh"
tl_init client-help

# a tall terminal: the whole command list fits on one screen
tl_client "$AGENCY_DEMO_DIRECTOR" 200 200 NO_COLOR=1 --no-pager

# help: every operation the director may call, as "noun verb", with its summary
tl_keys "help" Enter
tl_wait_for "^ user list +\| List staff$"
tl_wait_for "^ user reset-password +\| Give a user a one-time password"
tl_wait_for "^ branch add +\| Open a branch office$"
tl_wait_for "^ whoami +\| Show who you are logged in as$"
tl_wait_for "^ agenda +\| .*--team"
tl_screen | grep -q "^ hello " && tl_fail "help lists hello"
tl_screen | grep -Eq "^ (auth login|client create|client get|client update) " &&
    tl_fail "help lists wire names instead of the commands"
tl_screen | grep -q "team: true\|unless force" && tl_fail "help speaks of wire arguments"
tl_keys C-l "help user" Enter
tl_wait_for "^ user show ID +\| Show one member of staff$"
tl_wait_for "^ user deactivate ID +\|"
tl_wait_for "help user VERB"
tl_keys C-l "help user list" Enter
tl_wait_for "^user list \[--role ae\|manager\|director\|finance\] \[--team TEAM\]"
tl_wait_for "^ --role +\| enum +\| no +\| ae, manager, director, finance$"
tl_wait_for "^ --limit +\| u64 +\| no +\| 1 to 500$"
# help client and help client add agree: --owner USER, a name or an id
tl_keys C-l "help client" Enter
tl_wait_for "client add .*--owner USER"
tl_keys C-l "client add --help" Enter
tl_wait_for "^ --owner +\| USER +\| no +\| a name or an id$"
tl_screen | grep -q -- "--owner-id" && tl_fail "help client add names --owner-id"
tl_keys C-l "help nosuch" Enter
tl_wait_for "^error: no commands for \"nosuch\""
tl_keys C-l "user frobnicate" Enter
tl_wait_for "^error: user has no verb \"frobnicate\""
tl_keys "quit" Enter
tl_wait_for "^EXIT=0$"

# an AE's help shows only what an AE may call
tl_login "$AGENCY_DEMO_AE"
tl_keys "help user" Enter
tl_wait_for "^ user list +\|"
tl_screen | grep -Eq "user (add|create|reset-password|deactivate)" && tl_fail "an AE's help lists director-only commands"
tl_keys "quit" Enter
tl_wait_for "^EXIT=0$"

# help for scripts: the same table as CSV
tl_run "$AGENCY_DEMO_DIRECTOR" --format csv -c "help team" >"$TL_WORK/help.csv" || tl_fail "help -c failed"
head -1 "$TL_WORK/help.csv" | grep -qx "command,description" || tl_fail "help CSV header: $(head -1 "$TL_WORK/help.csv")"
grep -q "^team add NAME BRANCH_ID MANAGER_ID,Create a team" "$TL_WORK/help.csv" ||
    tl_fail "help CSV lacks team create: $(cat "$TL_WORK/help.csv")"
echo "client_help: ok"
