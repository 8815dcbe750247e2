#!/usr/bin/env bash
# client_help.sh - help in the agency client at a terminal (tmux): the command list, a noun's
# verbs and one command's arguments, all from the server's table and filtered by role.
set -eu

: "${AGENCY_STACK_ENV:?AGENCY_STACK_ENV must name the stack.env of the test stack}"
set -a
# shellcheck disable=SC1090
. "$AGENCY_STACK_ENV"
set +a

SOCK=agency-client-help-$$
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

D=${AGENCY_DEMO_DIRECTOR%%:*}
start_client "$AGENCY_DEMO_DIRECTOR"

# help: every operation the director may call, as "noun verb", with its summary
keys "help" Enter
wait_for "^ user list +\| List staff$"
wait_for "^ user reset-password +\| Give a user a one-time password"
wait_for "^ branch create +\| Open a branch office$"
wait_for "^ whoami +\| Show who you are logged in as$"
screen | grep -q "^ hello " && fail "help lists hello"
keys C-l "help user" Enter
wait_for "^ user get ID +\| Show one member of staff$"
wait_for "^ user deactivate ID +\|"
wait_for "help user VERB"
keys C-l "help user list" Enter
wait_for "^user list \[--role ae\|manager\|director\|finance\] \[--team-id ID\]"
wait_for "^ --role +\| enum +\| no +\| ae, manager, director, finance$"
wait_for "^ --limit +\| u64 +\| no +\| 1 to 500$"
keys C-l "help nosuch" Enter
wait_for "^error: no commands for \"nosuch\""
keys C-l "user frobnicate" Enter
wait_for "^error: user has no verb \"frobnicate\""
keys "quit" Enter
wait_for "^EXIT=0$"

# an AE's help shows only what an AE may call
start_client "$AGENCY_DEMO_AE"
keys "help user" Enter
wait_for "^ user list +\|"
screen | grep -Eq "user (create|reset-password|deactivate)" && fail "an AE's help lists director-only commands"
keys "quit" Enter
wait_for "^EXIT=0$"

# help for scripts: the same table as CSV
HOME=$WORK AGENCY_PASSWORD=${AGENCY_DEMO_DIRECTOR#*:} "$AGENCY_BIN" -U "$D" --format csv \
    -c "help team" >"$WORK/help.csv" </dev/null || fail "help -c failed"
head -1 "$WORK/help.csv" | grep -qx "command,description" || fail "help CSV header: $(head -1 "$WORK/help.csv")"
grep -q "^team create NAME BRANCH_ID MANAGER_ID,Create a team" "$WORK/help.csv" ||
    fail "help CSV lacks team create: $(cat "$WORK/help.csv")"
echo "client_help: ok"
