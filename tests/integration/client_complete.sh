#!/usr/bin/env bash
# client_complete.sh - tab completion in the agency client at a terminal (tmux): nouns, verbs,
# --flags and enum values from meta.operations, only what the role may call, no file names.
set -eu

# shellcheck source-path=SCRIPTDIR source=tmux_lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/tmux_lib.sh"
tl_init client-complete
# The whole window including what scrolled off: other tests add rows to the shared stack.
scrollback() { tl_capture -p -S -; }

DIRECTOR=$(tl_user "$AGENCY_DEMO_DIRECTOR")
tl_login "$AGENCY_DEMO_DIRECTOR"
P="$DIRECTOR@agency>"

# a noun, then a verb, each completed with its trailing space
tl_keys "us" Tab
tl_wait_line "$P user"
tl_keys "li" Tab
tl_wait_line "$P user list"
# a flag of user.list, then the values of its enum
tl_keys "--ro" Tab
tl_wait_line "$P user list --role"
tl_keys Tab Tab
tl_wait_for "^ae +director +finance +manager"
tl_keys "ma" Tab
tl_wait_line "$P user list --role manager"
tl_keys Enter
tl_wait_line "$P" # the whole answer is out and the prompt is back
scrollback | grep -q "fatima\.haddad" || tl_fail "--role manager did not list fatima.haddad"
scrollback | grep -q "giulia\.rossi" && tl_fail "--role manager listed an AE"

# dashed verbs and the flags of another operation
tl_keys C-l "user res" Tab
tl_wait_line "$P user reset-password"
tl_keys C-u "user deactivate 5 --re" Tab
tl_wait_line "$P user deactivate 5 --reassign-to"
tl_keys C-u

# never file names: a file in the working directory is not offered
touch "$TL_WORK/zzfile.txt"
tl_keys "zz" Tab Tab
sleep 0.5
tl_screen | grep -q "zzfile" && tl_fail "completion offered a file name"
tl_keys C-u

# built-ins and help's nouns
tl_keys "who" Tab
tl_wait_line "$P whoami"
tl_keys C-u "help br" Tab
tl_wait_line "$P help branch"
tl_keys C-u "quit" Enter
tl_wait_for "^EXIT=0$"

# an AE is not offered what a director may do
tl_login "$AGENCY_DEMO_AE"
tl_keys "user " Tab Tab
tl_wait_for "list"
tl_screen | grep -Eq "reset-password|deactivate" && tl_fail "an AE was offered director-only verbs"
tl_keys C-u "quit" Enter
tl_wait_for "^EXIT=0$"
echo "client_complete: ok"
