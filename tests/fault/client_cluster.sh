#!/usr/bin/env bash
# client_cluster.sh - the agency client at a terminal (tmux) connected through HAProxy: kill -9
# of the agencyd it talks to, and a SIGTERM drain of it. The next command reconnects (HAProxy
# picks another instance), resumes the same session, says so in one line and answers.
set -eu

# shellcheck source-path=SCRIPTDIR source=../integration/tmux_lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../integration/tmux_lib.sh"
tl_init client-cluster
CLUSTER=("bash" "$AGENCY_CLUSTER_SCRIPT")

# ready_body I: the body of agencyd number I's GET /ready ("ready instance=aI connections=N ...").
ready_body() {
    local port var=AGENCY_INSTANCE_$1_HEALTH
    port=${!var}
    exec 3<>"/dev/tcp/127.0.0.1/$port" || return 1
    printf 'GET /ready HTTP/1.0\r\n\r\n' >&3
    tail -n1 <&3
    exec 3<&-
}

# serving: the number of the one instance that holds a connection (the client's).
serving() {
    local i found=""
    for i in $(seq 1 "$AGENCY_CLUSTER_N"); do
        if ready_body "$i" 2>/dev/null | grep -q " connections=1 "; then found=$i; fi
    done
    [ -n "$found" ] || tl_fail "no instance holds the client's connection"
    echo "$found"
}

wait_ready() {
    for _ in $(seq 1 300); do
        if ready_body "$1" 2>/dev/null | grep -q "^ready "; then return 0; fi
        sleep 0.1
    done
    tl_fail "agencyd a$1 is not ready"
}

tl_client "$AGENCY_DEMO_DIRECTOR" 120 40 NO_COLOR=1 --no-pager
tl_keys "whoami" Enter
tl_wait_for "^session_id +\| [0-9]+$"
SESSION=$(tl_screen | sed -nE 's/^session_id +\| ([0-9]+)$/\1/p' | tail -1)

# kill -9 of the instance serving the client: the next command lands elsewhere, same session
I=$(serving)
"${CLUSTER[@]}" kill9 "$AGENCY_STACK_DIR" "$I"
tl_keys C-l "user get 7" Enter
tl_wait_for "^username +\| zhang\.min$"
tl_screen | grep -q "^error:" && tl_fail "the command failed across kill -9 of its agencyd"
tl_screen | grep -q "connection lost; reconnected, session resumed" || tl_fail "the client did not say it resumed"
[ "$(tl_screen | grep -c "session resumed")" -eq 1 ] || tl_fail "more than one line about it"
"${CLUSTER[@]}" restart "$AGENCY_STACK_DIR" "$I"
wait_ready "$I"
tl_keys C-l "whoami" Enter
tl_wait_for "^session_id +\| $SESSION$"
J=$(serving)
[ "$J" != "$I" ] || tl_fail "the client still talks to the killed instance a$I"

# SIGTERM drain of the instance serving the client: no error, same session, on another instance
"${CLUSTER[@]}" term "$AGENCY_STACK_DIR" "$J" >/dev/null
tl_keys C-l "whoami" Enter
tl_wait_for "^session_id +\| $SESSION$"
tl_screen | grep -q "^error:" && tl_fail "the command failed across the drain"
"${CLUSTER[@]}" restart "$AGENCY_STACK_DIR" "$J"
wait_ready "$J"
tl_keys "quit" Enter
tl_wait_for "^EXIT=0$"
echo "client_cluster: ok"
