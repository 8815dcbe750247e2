# psql_lib.sh - what the psql-driven integration tests (sql_*.sh) share: the stack's two
# database URLs, q/app/owner to run SQL, and pass/fail/expect/refused counting checks.
# Sourced, not run; the test ends with psql_lib_summary NAME.
: "${AGENCY_STACK_ENV:?AGENCY_STACK_ENV must name the stack.env file}"
# shellcheck disable=SC1090
. "$AGENCY_STACK_ENV"
PSQL=$(command -v psql || echo /usr/lib/postgresql/15/bin/psql)
failures=0
checks=0

# q URL SQL: runs SQL's statements one by one (stops at the first error), prints unaligned
# tuples of each; the status is psql's.
q() {
    "$PSQL" "$1" -X -q -A -t -v ON_ERROR_STOP=1 -f - <<<"$2" 2>&1
}
app() { q "$AGENCY_APP_DB_URL" "$1"; }
owner() { q "$AGENCY_DB_URL" "$1"; }

pass() {
    checks=$((checks + 1))
    echo "ok   $1"
}
fail() {
    checks=$((checks + 1))
    failures=$((failures + 1))
    echo "FAIL $1"
    [ $# -gt 1 ] && echo "     got: $2"
}

# expect NAME WANT GOT: GOT must equal WANT.
expect() {
    if [ "$3" = "$2" ]; then pass "$1"; else fail "$1 (want '$2')" "$3"; fi
}

# refused NAME PATTERN CMD...: the command must fail with output matching PATTERN.
refused() {
    local name=$1 pattern=$2 out
    shift 2
    if out=$("$@"); then
        fail "$name (it succeeded)" "$out"
    elif grep -Eqi -- "$pattern" <<<"$out"; then
        pass "$name"
    else
        fail "$name (refused, but not with /$pattern/)" "$out"
    fi
}

# psql_lib_summary NAME: prints the count and answers the test's status.
psql_lib_summary() {
    echo "$1: $((checks - failures)) of $checks checks passed"
    [ "$failures" -eq 0 ]
}
