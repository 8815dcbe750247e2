#!/usr/bin/env bash
# client_login.sh - the agency client at a terminal (tmux): password prompt without echo, a wrong
# password (exit 3), login and whoami, history without secrets; exit codes of -c for scripts.
set -eu

: "${AGENCY_STACK_ENV:?AGENCY_STACK_ENV must name the stack.env of the test stack}"
set -a
# shellcheck disable=SC1090
. "$AGENCY_STACK_ENV"
set +a

SOCK=agency-client-login-$$
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

USER_NAME=${AGENCY_DEMO_DIRECTOR%%:*}
PASSWORD=${AGENCY_DEMO_DIRECTOR#*:}

# Starts the client in a fresh 120x40 terminal with a clean environment; "EXIT=<status>" is
# printed when it ends.
start_client() {
    N=$((N + 1))
    S=t$N
    tmux -L "$SOCK" new-session -d -s "$S" -x 120 -y 40 \
        "env -i HOME=$WORK PATH=/usr/bin:/bin TERM=xterm LANG=C.UTF-8 NO_COLOR=1 \
         AGENCY_HOST=$AGENCY_HOST AGENCY_PORT=$AGENCY_PORT AGENCY_CA=$AGENCY_CA \
         $AGENCY_BIN $*; echo EXIT=\$?; sleep 60"
}
screen() { tmux -L "$SOCK" capture-pane -p -t "$S"; }
keys() { tmux -L "$SOCK" send-keys -t "$S" -- "$@"; }
# Waits up to 15 s for a line matching the extended regex $1.
wait_for() {
    for _ in $(seq 1 150); do
        if screen | grep -Eq -- "$1"; then return 0; fi
        sleep 0.1
    done
    fail "never saw /$1/"
}

# 1. wrong password: the same answer as an unknown user, exit status 3
start_client -U "$USER_NAME"
wait_for "^Password for $USER_NAME:"
keys "not-the-password" Enter
wait_for "error: .*\(unauthenticated\)"
wait_for "^EXIT=3$"
screen | grep -q "not-the-password" && fail "the password was echoed"

# 2. the right password: prompt, no echo, whoami, history, quit with 0
start_client -U "$USER_NAME"
wait_for "^Password for $USER_NAME:"
keys "$PASSWORD" Enter
wait_for "^$USER_NAME@agency>$"
screen | grep -q -- "$PASSWORD" && fail "the password was echoed"
keys "whoami" Enter
wait_for "^user\.username +\| $USER_NAME$"
wait_for "^user\.role +\| director$"
keys "user reset-password 987654321" Enter
wait_for "not_found|forbidden"
keys "quit" Enter
wait_for "^EXIT=0$"
HIST="$WORK/.local/state/agency/history"
[ -f "$HIST" ] || fail "no history file at $HIST"
[ "$(stat -c %a "$HIST")" = 600 ] || fail "history file mode is $(stat -c %a "$HIST"), not 600"
grep -qx "whoami" "$HIST" || fail "whoami missing from the history"
grep -q "reset-password" "$HIST" && fail "a password command went into the history"

# 3. scripts: exit codes 0 ok, 1 operation error, 2 usage, 3 authentication
export HOME=$WORK
run() { AGENCY_PASSWORD=$1 "$AGENCY_BIN" -U "$USER_NAME" "${@:2}" >"$WORK/out" 2>"$WORK/err"; }
run "$PASSWORD" -c "whoami" || fail "whoami -c exited $?"
grep -q "$USER_NAME" "$WORK/out" || fail "whoami -c printed no user name"
set +e
run "$PASSWORD" -c "user show 987654321"; rc=$?
[ $rc -eq 1 ] || fail "a not_found operation exited $rc, not 1"
grep -q "^error: .*(not_found)$" "$WORK/err" || fail "no not_found error line: $(cat "$WORK/err")"
run "$PASSWORD" -c "user list --role boss"; rc=$?
[ $rc -eq 2 ] || fail "a bad flag value exited $rc, not 2"
run "$PASSWORD" --no-such-flag; rc=$?
[ $rc -eq 2 ] || fail "an unknown option exited $rc, not 2"
run "wrong-password" -c "whoami"; rc=$?
[ $rc -eq 3 ] || fail "a wrong password exited $rc, not 3"
AGENCY_CA= SSL_CERT_FILE=/dev/null SSL_CERT_DIR=/nonexistent run "$PASSWORD" -c "whoami"; rc=$?
[ $rc -eq 3 ] || fail "an untrusted server certificate exited $rc, not 3"
grep -q "not trusted" "$WORK/err" || fail "no certificate error: $(cat "$WORK/err")"
AGENCY_HOST=localhost.invalid run "$PASSWORD" -c "whoami"; rc=$?
[ $rc -eq 3 ] || fail "an unknown host exited $rc, not 3"
set -e

# 4. a password file: used at mode 0600, ignored with a warning when others may read it
printf '*:%s:%s:%s\n' "$AGENCY_PORT" "$USER_NAME" "$PASSWORD" >"$WORK/passfile"
chmod 600 "$WORK/passfile"
AGENCY_PASSFILE=$WORK/passfile "$AGENCY_BIN" -U "$USER_NAME" -c whoami </dev/null >"$WORK/out" 2>&1 ||
    fail "login with a 0600 password file failed: $(cat "$WORK/out")"
chmod 644 "$WORK/passfile"
set +e
AGENCY_PASSFILE=$WORK/passfile "$AGENCY_BIN" -U "$USER_NAME" -c whoami </dev/null >"$WORK/out" 2>&1
rc=$?
set -e
[ $rc -eq 3 ] || fail "a world-readable password file was used (exit $rc)"
grep -q "warning: password file" "$WORK/out" || fail "no warning about the password file mode"
echo "client_login: ok"
