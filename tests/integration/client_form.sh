#!/usr/bin/env bash
# client_form.sh - forms in the agency client at a terminal (tmux): user add asks one field at a
# time in the command's words with local validation, a branch by name, secrets twice without
# echo, a summary and a confirmation, asks again for the field the server calls invalid, and
# Ctrl-C or Ctrl-D cancels without the next command becoming an answer.
set -eu

# shellcheck source-path=SCRIPTDIR source=tmux_lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/tmux_lib.sh"
tl_init client-form

D=$(tl_user "$AGENCY_DEMO_DIRECTOR")
NEW=form.tester.$$
tl_login "$AGENCY_DEMO_DIRECTOR"

# user add with no arguments opens a form: one prompt per field, local validation first
tl_keys "user add" Enter
tl_wait_for "^user add: Create a staff account \(Ctrl-C cancels\)$"
tl_wait_for "^Username:$"
tl_keys "x" Enter
tl_wait_for "^  Username must be at least 3 characters\.$"
# a name that exists: the server's "invalid" answer will ask for this field again
tl_keys "$D" Enter
tl_wait_for "^Full name:$"
tl_keys "Form Tester 测试 أحمد" Enter
tl_wait_for "^Email:$"
tl_keys "$NEW@agency.example" Enter
tl_wait_for "^Role \(ae/manager/director/finance\):$"
tl_keys "boss" Enter
tl_wait_for "^  Role must be one of ae, manager, director, finance\.$"
tl_keys "a" Tab Enter
tl_wait_for "^Branch \(a branch name or id\):$"
tl_keys "Nowhere Town" Enter
tl_wait_for "^error: no branch \"Nowhere Town\""
tl_keys "istanbul" Enter
tl_wait_for "^Team \(a team name or id\) \[optional\]:$"
tl_keys "" Enter
tl_wait_for "^Password:$"
tl_keys "short1" Enter
tl_wait_for "^Repeat password:$"
tl_keys "short1" Enter
tl_wait_for "^  Password must be at least 8 characters\.$"
tl_keys "form-pass-2026" Enter
tl_keys "form-pass-2026" Enter
tl_wait_for "^Approval limit \[optional\]:$"
tl_keys "" Enter
tl_wait_for "^Approval currency \[optional\]:$"
tl_keys "" Enter
tl_wait_for "^ password +\| \*+$"
tl_wait_for "^ role +\| ae$"
tl_wait_for "^ branch +\| istanbul \(1\)$"
tl_screen | grep -q "form-pass-2026" && tl_fail "the form echoed the password"
tl_wait_for "^user add with these values\? \[y/N\]$"
tl_keys "y" Enter
# the server refuses the taken name and the form asks for it again
tl_wait_for "^error: .*\(invalid\)$"
tl_wait_for "^  --username: "
tl_wait_for "^Username: $D$"
tl_keys C-u "$NEW" Enter
tl_wait_for "^user add with these values\? \[y/N\]$"
tl_keys "y" Enter
tl_wait_for "^username +\| $NEW$"
tl_wait_for "^full_name +\| Form Tester 测试 أحمد$"
tl_wait_for "^must_change_password +\| true$"

# Ctrl-D cancels a form without doing anything
tl_keys C-l "team add" Enter
tl_wait_for "^Name:$"
tl_keys C-d
tl_wait_for "^Cancelled; nothing was changed\.$"

# so does Ctrl-C, and what is typed next is a command again, not the answer to the form
tl_keys C-l "team add" Enter
tl_wait_for "^Name:$"
tl_keys "Half typed" C-c
tl_wait_for "^Cancelled; nothing was changed\.$"
tl_keys "whoami" Enter
tl_wait_for "^user.username +\| $D$"
[ "$(tl_sql "SELECT count(*) FROM agency.teams WHERE name LIKE 'Half typed%' OR name = 'whoami'")" = 0 ] ||
    tl_fail "the cancelled form created a team"

# the new account exists; deactivate it again
ID=$(tl_run "$AGENCY_DEMO_DIRECTOR" --format csv -c "user list --role ae" |
    awk -F, -v u="$NEW" '$2 == u { print $1 }')
[ -n "$ID" ] || tl_fail "the account made by the form is not listed"
tl_keys C-l "user deactivate $ID" Enter
tl_wait_for "^ok +\\| true$"
tl_keys "quit" Enter
tl_wait_for "^EXIT=0$"
HIST="$TL_WORK/.local/state/agency/history"
grep -q "form-pass-2026" "$HIST" && tl_fail "a form answer went into the history"
echo "client_form: ok"
