#!/usr/bin/env bash
# client_reconnect.sh - the agency client at a terminal (tmux) when its server restarts: the next
# command reconnects and resumes the same session by itself, a refused connection is an error
# that leaves the prompt usable, and a write is resent safely with its idempotency key.
set -eu

# shellcheck source-path=SCRIPTDIR source=tmux_lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/tmux_lib.sh"
tl_init client-reconnect
SERVER_PID=
stop_server() {
    if [ -n "$SERVER_PID" ]; then
        kill "$SERVER_PID" 2>/dev/null || true
        for _ in $(seq 1 100); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
        SERVER_PID=
    fi
}
trap 'stop_server; tl_cleanup' EXIT

# start_client CRED: the client logged in as CRED in a fresh 120x40 terminal, talking to the
# second agencyd on $PORT.
start_client() { tl_client "$1" 120 40 "NO_COLOR=1 AGENCY_PORT=$PORT" --no-pager; }

# A second agencyd of our own on the stack's database, so it can be stopped and started.
start_server() {
    "$AGENCYD_BIN" -c "$AGENCYD_CONF" --port "$PORT" 2>>"$TL_WORK/agencyd.log" &
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
[ -n "$PORT" ] || tl_fail "could not start a second agencyd"

start_client "$AGENCY_DEMO_DIRECTOR"
tl_keys "whoami" Enter
tl_wait_for "^session_id +\| [0-9]+$"
SESSION=$(tl_screen | sed -nE 's/^session_id +\| ([0-9]+)$/\1/p' | tail -1)

# the server goes away and comes back: the next command reconnects and resumes the same session
stop_server
start_server || tl_fail "could not restart agencyd on port $PORT"
tl_keys C-l "whoami" Enter
tl_wait_for "^session_id +\| $SESSION$"
tl_screen | grep -q "^error:" && tl_fail "the command failed across the restart"

# the server is down: the command fails with a connection error, the client stays usable (a
# single record, so rows other tests add to the shared stack cannot change the screen)
stop_server
tl_keys C-l "user get 7" Enter
tl_wait_for "^error: cannot connect to"
tl_screen | grep -q "^username " && tl_fail "an answer was shown while the server was down"
start_server || tl_fail "could not restart agencyd on port $PORT"
tl_keys C-l "user get 7" Enter
tl_wait_for "^username +\| zhang\.min$"
tl_keys C-l "whoami" Enter
tl_wait_for "^session_id +\| $SESSION$"

# a write after a restart is sent again safely (it carries an idempotency key)
stop_server
start_server || tl_fail "could not restart agencyd on port $PORT"
tl_keys C-l "user unlock 7" Enter
tl_wait_for "^(ok|id|username) +\| "
tl_screen | grep -q "may or may not" && tl_fail "a keyed write was reported as uncertain"
tl_keys "quit" Enter
tl_wait_for "^EXIT=0$"
echo "client_reconnect: ok"
