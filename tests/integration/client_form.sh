#!/usr/bin/env bash
# client_form.sh - forms in the agency client at a terminal (tmux): user add asks one field at a
# time with local validation, secrets twice without echo, a summary and a confirmation, asks
# again for the field the server calls invalid, and Ctrl-D cancels.
set -eu

: "${AGENCY_STACK_ENV:?AGENCY_STACK_ENV must name the stack.env of the test stack}"
set -a
# shellcheck disable=SC1090
. "$AGENCY_STACK_ENV"
set +a

SOCK=agency-client-form-$$
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
NEW=form.tester.$$
start_client "$AGENCY_DEMO_DIRECTOR"

# user add with no arguments opens a form: one prompt per field, local validation first
keys "user add" Enter
wait_for "^Create a staff account \(Ctrl-D cancels\)$"
wait_for "^Username:$"
keys "x" Enter
wait_for "^  Username must be at least 3 characters\.$"
# a name that exists: the server's "invalid" answer will ask for this field again
keys "$D" Enter
wait_for "^Full name:$"
keys "Form Tester 测试 أحمد" Enter
wait_for "^Email:$"
keys "$NEW@agency.example" Enter
wait_for "^Role \(ae/manager/director/finance\):$"
keys "boss" Enter
wait_for "^  Role must be one of ae, manager, director, finance\.$"
keys "a" Tab Enter
wait_for "^Branch id:$"
keys "1" Enter
wait_for "^Team id \[optional\]:$"
keys "" Enter
wait_for "^Password:$"
keys "short1" Enter
wait_for "^Repeat password:$"
keys "short1" Enter
wait_for "^  Password must be at least 8 characters\.$"
keys "form-pass-2026" Enter
keys "form-pass-2026" Enter
wait_for "^Approval limit \[optional\]:$"
keys "" Enter
wait_for "^Approval currency \[optional\]:$"
keys "" Enter
wait_for "^ password +\| \*+$"
wait_for "^ role +\| ae$"
screen | grep -q "form-pass-2026" && fail "the form echoed the password"
wait_for "^Create a staff account with these values\? \[y/N\]$"
keys "y" Enter
# the server refuses the taken name and the form asks for it again
wait_for "^error: .*\(invalid\)$"
wait_for "^  username: "
wait_for "^Username: $D$"
keys C-u "$NEW" Enter
wait_for "^Create a staff account with these values\? \[y/N\]$"
keys "y" Enter
wait_for "^username +\| $NEW$"
wait_for "^full_name +\| Form Tester 测试 أحمد$"
wait_for "^must_change_password +\| true$"

# Ctrl-D cancels a form without doing anything
keys C-l "team add" Enter
wait_for "^Name:$"
keys C-d
wait_for "^Cancelled; nothing was changed\.$"

# the new account exists; deactivate it again
ID=$(HOME=$WORK AGENCY_PASSWORD=${AGENCY_DEMO_DIRECTOR#*:} "$AGENCY_BIN" -U "$D" --format csv \
    -c "user list --role ae" </dev/null | awk -F, -v u="$NEW" '$2 == u { print $1 }')
[ -n "$ID" ] || fail "the account made by the form is not listed"
keys C-l "user deactivate $ID" Enter
wait_for "^ok +\\| true$"
keys "quit" Enter
wait_for "^EXIT=0$"
HIST="$WORK/.local/state/agency/history"
grep -q "form-pass-2026" "$HIST" && fail "a form answer went into the history"
echo "client_form: ok"
