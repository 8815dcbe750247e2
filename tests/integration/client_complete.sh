#!/usr/bin/env bash
# client_complete.sh - tab completion in the agency client at a terminal (tmux): nouns, verbs,
# --flags and enum values from meta.operations, only what the role may call, no file names.
set -eu

: "${AGENCY_STACK_ENV:?AGENCY_STACK_ENV must name the stack.env of the test stack}"
set -a
# shellcheck disable=SC1090
. "$AGENCY_STACK_ENV"
set +a

SOCK=agency-client-complete-$$
S=none
N=0
WORK=$(mktemp -d)
cleanup() {
    tmux -L "$SOCK" kill-server 2>/dev/null || true
    sleep 0.3 # the clients save their history as they go
    rm -rf "$WORK" 2>/dev/null || rm -rf "$WORK"
}
trap cleanup EXIT
fail() {
    echo "FAIL: $*" >&2
    echo "---- screen ----" >&2
    tmux -L "$SOCK" capture-pane -p -t "$S" >&2 2>/dev/null || true
    exit 1
}

# Starts the client logged in as $1 (user:password) in a fresh 120x40 terminal.
start_client() {
    N=$((N + 1))
    S=t$N
    tmux -L "$SOCK" new-session -d -s "$S" -x 120 -y 40 \
        "cd $WORK && env -i HOME=$WORK PATH=/usr/bin:/bin TERM=xterm LANG=C.UTF-8 NO_COLOR=1 \
         AGENCY_HOST=$AGENCY_HOST AGENCY_PORT=$AGENCY_PORT AGENCY_CA=$AGENCY_CA \
         AGENCY_PASSWORD=${1#*:} $AGENCY_BIN --no-pager -U ${1%%:*}; echo EXIT=\$?; sleep 60"
    wait_for "^${1%%:*}@agency>"
}
screen() { tmux -L "$SOCK" capture-pane -p -t "$S"; }
# The whole window including what scrolled off: other tests add rows to the shared stack.
scrollback() { tmux -L "$SOCK" capture-pane -p -S - -t "$S"; }
keys() { tmux -L "$SOCK" send-keys -t "$S" -- "$@"; }
# The line the cursor is on.
cursor_line() {
    local y
    y=$(tmux -L "$SOCK" display-message -p -t "$S" '#{cursor_y}')
    screen | sed -n "$((y + 1))p"
}
wait_for() {
    for _ in $(seq 1 150); do
        if screen | grep -Eq -- "$1"; then return 0; fi
        sleep 0.1
    done
    fail "never saw /$1/"
}
# Waits until the cursor line is exactly $1 (trailing blanks ignored).
wait_line() {
    for _ in $(seq 1 100); do
        if [ "$(cursor_line | sed 's/ *$//')" = "$1" ]; then return 0; fi
        sleep 0.1
    done
    fail "cursor line is \"$(cursor_line)\", expected \"$1\""
}

DIRECTOR=${AGENCY_DEMO_DIRECTOR%%:*}
start_client "$AGENCY_DEMO_DIRECTOR"
P="$DIRECTOR@agency>"

# a noun, then a verb, each completed with its trailing space
keys "us" Tab
wait_line "$P user"
keys "li" Tab
wait_line "$P user list"
# a flag of user.list, then the values of its enum
keys "--ro" Tab
wait_line "$P user list --role"
keys Tab Tab
wait_for "^ae +director +finance +manager"
keys "ma" Tab
wait_line "$P user list --role manager"
keys Enter
wait_line "$P" # the whole answer is out and the prompt is back
scrollback | grep -q "fatima\.haddad" || fail "--role manager did not list fatima.haddad"
scrollback | grep -q "giulia\.rossi" && fail "--role manager listed an AE"

# dashed verbs and the flags of another operation
keys C-l "user res" Tab
wait_line "$P user reset-password"
keys C-u "user deactivate 5 --re" Tab
wait_line "$P user deactivate 5 --reassign-to"
keys C-u

# never file names: a file in the working directory is not offered
touch "$WORK/zzfile.txt"
keys "zz" Tab Tab
sleep 0.5
screen | grep -q "zzfile" && fail "completion offered a file name"
keys C-u

# built-ins and help's nouns
keys "who" Tab
wait_line "$P whoami"
keys C-u "help br" Tab
wait_line "$P help branch"
keys C-u "quit" Enter
wait_for "^EXIT=0$"

# an AE is not offered what a director may do
start_client "$AGENCY_DEMO_AE"
keys "user " Tab Tab
wait_for "list"
screen | grep -Eq "reset-password|deactivate" && fail "an AE was offered director-only verbs"
keys C-u "quit" Enter
wait_for "^EXIT=0$"
echo "client_complete: ok"
