# shellcheck shell=bash
# tmux_lib.sh - shared set-up for the client tests (client_*.sh), sourced, never run: the test
# stack's environment, demo user:password pairs, a private tmux server, bounded waits, cleanup.
#
# Globals (set by tl_init): TL_WORK, a scratch directory also used as HOME; TL_SOCK, the socket
# of this test's own tmux server (inside TL_WORK); TL_S, the current session ("none" at first).
# Works under set -eu. Every wait is bounded; the EXIT trap kills the tmux server and removes
# TL_WORK. A test that needs more at exit sets its own trap and calls tl_cleanup from it.
# Sessions run in TL_WORK, print "EXIT=<status>" when the client ends and linger 60 s at most.

# tl_init NAME: loads $AGENCY_STACK_ENV (exported), makes TL_WORK, names the socket, sets the trap.
tl_init() {
    : "${1:?tl_init needs a test name}"
    : "${AGENCY_STACK_ENV:?AGENCY_STACK_ENV must name the stack.env of the test stack}"
    set -a
    # shellcheck disable=SC1090
    . "$AGENCY_STACK_ENV"
    set +a
    TL_WORK=$(mktemp -d)
    TL_SOCK=$TL_WORK/tmux-$1.sock
    TL_S=none
    TL_N=0
    trap tl_cleanup EXIT
}

# tl_cleanup: kills this test's tmux server (every session in it) and removes TL_WORK.
tl_cleanup() {
    if [ "${TL_N:-0}" -gt 0 ]; then
        tmux -S "$TL_SOCK" kill-server 2>/dev/null || true
        sleep 0.3 # the clients save their history as they go
    fi
    if [ -n "${TL_WORK:-}" ]; then rm -rf "$TL_WORK" 2>/dev/null || rm -rf "$TL_WORK"; fi
}

# tl_fail MESSAGE: prints FAIL and, once a session was started, its screen; exits 1.
tl_fail() {
    echo "FAIL: $*" >&2
    if [ "${TL_N:-0}" -gt 0 ]; then
        echo "---- screen ----" >&2
        tl_screen >&2 2>/dev/null || true
    fi
    exit 1
}

# tl_ok MESSAGE: reports one passed step on stdout.
tl_ok() { echo "ok   $*"; }

# tl_user CRED / tl_password CRED: the user name and the password of a "user:password" pair.
tl_user() { printf '%s\n' "${1%%:*}"; }
tl_password() { printf '%s\n' "${1#*:}"; }

# tl_sql QUERY: one unaligned answer from the database as its owner (no row security there).
tl_sql() {
    local psql
    psql=$(command -v psql || echo /usr/lib/postgresql/15/bin/psql)
    "$psql" "$AGENCY_DB_URL" -X -q -A -t -v ON_ERROR_STOP=1 -c "$1"
}

# tl_run CRED ARGS...: agency -U user ARGS in the caller's environment, HOME=TL_WORK, no stdin.
tl_run() {
    local cred=$1
    shift
    HOME=$TL_WORK AGENCY_PASSWORD=${cred#*:} "$AGENCY_BIN" -U "${cred%%:*}" "$@" </dev/null
}

# tl_run_clean CRED ARGS...: agency --no-pager -U user ARGS in env -i (stack, NO_COLOR, TZ=UTC).
tl_run_clean() {
    local cred=$1
    shift
    env -i HOME="$TL_WORK" PATH=/usr/bin:/bin LANG=C.UTF-8 NO_COLOR=1 TZ=UTC \
        AGENCY_HOST="$AGENCY_HOST" AGENCY_PORT="$AGENCY_PORT" AGENCY_CA="$AGENCY_CA" \
        AGENCY_PASSWORD="${cred#*:}" "$AGENCY_BIN" --no-pager -U "${cred%%:*}" "$@"
}

# tl_start COLS ROWS ENV ARGS...: new session TL_S, agency ARGS in env -i + ENV (last: overrides).
tl_start() {
    local cols=$1 rows=$2 extra=$3 args="" a
    shift 3
    for a in "$@"; do args="$args $(printf '%q' "$a")"; done
    TL_N=$((TL_N + 1))
    TL_S=t$TL_N
    tmux -S "$TL_SOCK" new-session -d -s "$TL_S" -x "$cols" -y "$rows" \
        "cd $(printf '%q' "$TL_WORK") && env -i HOME=$(printf '%q' "$TL_WORK") PATH=/usr/bin:/bin \
         TERM=xterm LANG=C.UTF-8 AGENCY_HOST=$(printf '%q' "$AGENCY_HOST") \
         AGENCY_PORT=$(printf '%q' "$AGENCY_PORT") AGENCY_CA=$(printf '%q' "$AGENCY_CA") $extra \
         $(printf '%q' "$AGENCY_BIN")$args; echo EXIT=\$?; sleep 60"
}

# tl_client CRED COLS ROWS ENV OPTS...: tl_start of agency OPTS -U user, then waits for its prompt.
tl_client() {
    local cred=$1 cols=$2 rows=$3 extra=$4
    shift 4
    tl_start "$cols" "$rows" "$extra AGENCY_PASSWORD=$(printf '%q' "${cred#*:}")" "$@" \
        -U "${cred%%:*}"
    tl_wait_for "^${cred%%:*}@agency>"
}

# tl_login CRED: tl_client in 120x40 with NO_COLOR=1 and --no-pager.
tl_login() { tl_client "$1" 120 40 NO_COLOR=1 --no-pager; }

# tl_capture OPTIONS...: tmux capture-pane OPTIONS of the current session (-p for stdout).
tl_capture() { tmux -S "$TL_SOCK" capture-pane "$@" -t "$TL_S"; }

# tl_screen: the visible screen of the current session on stdout.
tl_screen() { tl_capture -p; }

# tl_keys KEYS...: types the keys (tmux send-keys names) into the current session.
tl_keys() { tmux -S "$TL_SOCK" send-keys -t "$TL_S" -- "$@"; }

# tl_cursor_line: the screen line the cursor is on.
tl_cursor_line() {
    local y
    y=$(tmux -S "$TL_SOCK" display-message -p -t "$TL_S" '#{cursor_y}')
    tl_screen | sed -n "$((y + 1))p"
}

# tl_wait_for REGEX: waits up to 15 s for a screen line matching the extended REGEX, else fails.
tl_wait_for() {
    local _
    for _ in $(seq 1 150); do
        if tl_screen | grep -Eq -- "$1"; then return 0; fi
        sleep 0.1
    done
    tl_fail "never saw /$1/"
}

# tl_wait_line TEXT: waits up to 10 s until the cursor line is TEXT (trailing blanks aside).
tl_wait_line() {
    local _
    for _ in $(seq 1 100); do
        if [ "$(tl_cursor_line | sed 's/ *$//')" = "$1" ]; then return 0; fi
        sleep 0.1
    done
    tl_fail "cursor line is \"$(tl_cursor_line)\", expected \"$1\""
}
