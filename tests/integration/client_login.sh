#!/usr/bin/env bash
# client_login.sh - the agency client at a terminal (tmux): password prompt without echo, a wrong
# password (exit 3), login and whoami, history without secrets; exit codes of -c for scripts.
set -eu

# shellcheck source-path=SCRIPTDIR source=tmux_lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/tmux_lib.sh"
tl_init client-login

USER_NAME=$(tl_user "$AGENCY_DEMO_DIRECTOR")
PASSWORD=$(tl_password "$AGENCY_DEMO_DIRECTOR")

# 1. wrong password: the same answer as an unknown user, exit status 3
tl_start 120 40 NO_COLOR=1 -U "$USER_NAME"
tl_wait_for "^Password for $USER_NAME:"
tl_keys "not-the-password" Enter
tl_wait_for "error: .*\(unauthenticated\)"
tl_wait_for "^EXIT=3$"
tl_screen | grep -q "not-the-password" && tl_fail "the password was echoed"

# 2. the right password: prompt, no echo, whoami, history, quit with 0
tl_start 120 40 NO_COLOR=1 -U "$USER_NAME"
tl_wait_for "^Password for $USER_NAME:"
tl_keys "$PASSWORD" Enter
tl_wait_for "^$USER_NAME@agency>$"
tl_screen | grep -q -- "$PASSWORD" && tl_fail "the password was echoed"
tl_keys "whoami" Enter
tl_wait_for "^user\.username +\| $USER_NAME$"
tl_wait_for "^user\.role +\| director$"
tl_keys "user reset-password 987654321" Enter
tl_wait_for "not_found|forbidden"
tl_keys "quit" Enter
tl_wait_for "^EXIT=0$"
HIST="$TL_WORK/.local/state/agency/history"
[ -f "$HIST" ] || tl_fail "no history file at $HIST"
[ "$(stat -c %a "$HIST")" = 600 ] || tl_fail "history file mode is $(stat -c %a "$HIST"), not 600"
grep -qx "whoami" "$HIST" || tl_fail "whoami missing from the history"
grep -q "reset-password" "$HIST" && tl_fail "a password command went into the history"

# 3. scripts: exit codes 0 ok, 1 operation error, 2 usage, 3 authentication
export HOME=$TL_WORK
# run PASSWORD ARGS...: agency -U the director ARGS; output in out and err of TL_WORK.
run() { tl_run "$USER_NAME:$1" "${@:2}" >"$TL_WORK/out" 2>"$TL_WORK/err"; }
run "$PASSWORD" -c "whoami" || tl_fail "whoami -c exited $?"
grep -q "$USER_NAME" "$TL_WORK/out" || tl_fail "whoami -c printed no user name"
set +e
run "$PASSWORD" -c "user show 987654321"; rc=$?
[ $rc -eq 1 ] || tl_fail "a not_found operation exited $rc, not 1"
grep -q "^error: .*(not_found)$" "$TL_WORK/err" || tl_fail "no not_found error line: $(cat "$TL_WORK/err")"
run "$PASSWORD" -c "user list --role boss"; rc=$?
[ $rc -eq 2 ] || tl_fail "a bad flag value exited $rc, not 2"
run "$PASSWORD" --no-such-flag; rc=$?
[ $rc -eq 2 ] || tl_fail "an unknown option exited $rc, not 2"
run "wrong-password" -c "whoami"; rc=$?
[ $rc -eq 3 ] || tl_fail "a wrong password exited $rc, not 3"
AGENCY_CA='' SSL_CERT_FILE=/dev/null SSL_CERT_DIR=/nonexistent run "$PASSWORD" -c "whoami"; rc=$?
[ $rc -eq 3 ] || tl_fail "an untrusted server certificate exited $rc, not 3"
grep -q "not trusted" "$TL_WORK/err" || tl_fail "no certificate error: $(cat "$TL_WORK/err")"
AGENCY_HOST=localhost.invalid run "$PASSWORD" -c "whoami"; rc=$?
[ $rc -eq 3 ] || tl_fail "an unknown host exited $rc, not 3"
set -e

# 4. a password file: used at mode 0600, ignored with a warning when others may read it
printf '*:%s:%s:%s\n' "$AGENCY_PORT" "$USER_NAME" "$PASSWORD" >"$TL_WORK/passfile"
chmod 600 "$TL_WORK/passfile"
AGENCY_PASSFILE=$TL_WORK/passfile "$AGENCY_BIN" -U "$USER_NAME" -c whoami </dev/null >"$TL_WORK/out" 2>&1 ||
    tl_fail "login with a 0600 password file failed: $(cat "$TL_WORK/out")"
chmod 644 "$TL_WORK/passfile"
set +e
AGENCY_PASSFILE=$TL_WORK/passfile "$AGENCY_BIN" -U "$USER_NAME" -c whoami </dev/null >"$TL_WORK/out" 2>&1
rc=$?
set -e
[ $rc -eq 3 ] || tl_fail "a world-readable password file was used (exit $rc)"
grep -q "warning: password file" "$TL_WORK/out" || tl_fail "no warning about the password file mode"
echo "client_login: ok"
