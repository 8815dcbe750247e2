#!/usr/bin/env bash
# client_reconnect.sh - the agency client at a terminal (tmux) when its server restarts: the next
# command reconnects and resumes the same session by itself, a refused connection is an error
# that leaves the prompt usable, and a write is resent safely with its idempotency key.
set -eu

: "${AGENCY_STACK_ENV:?AGENCY_STACK_ENV must name the stack.env of the test stack}"
set -a
# shellcheck disable=SC1090
. "$AGENCY_STACK_ENV"
set +a

SOCK=agency-client-reconnect-$$
S=none
N=0
WORK=$(mktemp -d)
SERVER_PID=
stop_server() {
    if [ -n "$SERVER_PID" ]; then
        kill "$SERVER_PID" 2>/dev/null || true
        for _ in $(seq 1 100); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
        SERVER_PID=
    fi
}
cleanup() {
    stop_server
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
         AGENCY_HOST=$AGENCY_HOST AGENCY_PORT=$PORT AGENCY_CA=$AGENCY_CA \
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

# A second agencyd of our own on the stack's database, so it can be stopped and started.
start_server() {
    "$AGENCYD_BIN" -c "$AGENCYD_CONF" --port "$PORT" 2>>"$WORK/agencyd.log" &
    SERVER_PID=$!
    for _ in $(seq 1 100); do
        if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then
            sleep 0.3 # still ours? (someone else may listen there and ours failed to bind)
            kill -0 "$SERVER_PID" 2>/dev/null && return 0
            return 1
        fi
        kill -0 "$SERVER_PID" 2>/dev/null || return 1
        sleep 0.1
    done
    return 1
}
PORT=
for _ in $(seq 1 20); do
    PORT=$((20000 + (RANDOM % 20000)))
    if start_server; then break; fi
    SERVER_PID=
    PORT=
done
[ -n "$PORT" ] || fail "could not start a second agencyd"

start_client "$AGENCY_DEMO_DIRECTOR"
keys "whoami" Enter
wait_for "^session_id +\| [0-9]+$"
SESSION=$(screen | sed -nE 's/^session_id +\| ([0-9]+)$/\1/p' | tail -1)

# the server goes away and comes back: the next command reconnects and resumes the same session
stop_server
start_server || fail "could not restart agencyd on port $PORT"
keys C-l "whoami" Enter
wait_for "^session_id +\| $SESSION$"
screen | grep -q "^error:" && fail "the command failed across the restart"

# the server is down: the command fails with a connection error, the client stays usable (a
# single record, so rows other tests add to the shared stack cannot change the screen)
stop_server
keys C-l "user get 7" Enter
wait_for "^error: cannot connect to"
screen | grep -q "^username " && fail "an answer was shown while the server was down"
start_server || fail "could not restart agencyd on port $PORT"
keys C-l "user get 7" Enter
wait_for "^username +\| zhang\.min$"
keys C-l "whoami" Enter
wait_for "^session_id +\| $SESSION$"

# a write after a restart is sent again safely (it carries an idempotency key)
stop_server
start_server || fail "could not restart agencyd on port $PORT"
keys C-l "user unlock 7" Enter
wait_for "^(ok|id|username) +\| "
screen | grep -q "may or may not" && fail "a keyed write was reported as uncertain"
keys "quit" Enter
wait_for "^EXIT=0$"
echo "client_reconnect: ok"
