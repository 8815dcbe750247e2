#!/usr/bin/env bash
# client_table.sh - tables in the agency client at a terminal (tmux): aligned columns with
# Chinese, Arabic, Turkish and combining-mark names, the expanded view in a narrow terminal, the
# pager, colour and NO_COLOR, and CSV/JSON for scripts. The stack is shared with tests that add
# wide rows, so the tables checked here list a branch of this test's own.
set -eu

: "${AGENCY_STACK_ENV:?AGENCY_STACK_ENV must name the stack.env of the test stack}"
set -a
# shellcheck disable=SC1090
. "$AGENCY_STACK_ENV"
set +a

SOCK=agency-client-table-$$
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

# Starts the director's client in a fresh COLSxROWS terminal ($1, $2) with extra environment
# ($3, e.g. "NO_COLOR=1 PAGER=...") and options ($4).
start_client() {
    N=$((N + 1))
    S=t$N
    tmux -L "$SOCK" new-session -d -s "$S" -x "$1" -y "$2" \
        "cd $WORK && env -i HOME=$WORK PATH=/usr/bin:/bin TERM=xterm LANG=C.UTF-8 $3 \
         AGENCY_HOST=$AGENCY_HOST AGENCY_PORT=$AGENCY_PORT AGENCY_CA=$AGENCY_CA \
         AGENCY_PASSWORD=$PASSWORD $AGENCY_BIN ${4:-} -U $D; echo EXIT=\$?; sleep 60"
    wait_for "^$D@agency>"
}
D=${AGENCY_DEMO_DIRECTOR%%:*}
PASSWORD=${AGENCY_DEMO_DIRECTOR#*:}
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

# Display width (terminal columns) of each line on stdin.
widths() {
    while IFS= read -r l; do printf '%s' "$l" | LC_ALL=C.UTF-8 wc -L; done
}

run() { HOME=$WORK AGENCY_PASSWORD=$PASSWORD "$AGENCY_BIN" -U "$D" "$@" </dev/null; }

# 0. this test's own branch with six users: Chinese (two columns a character), Arabic (kept in
#    logical order), Turkish, a name spelt with combining marks (zero columns) and two plain ones
T=$(( ($(date +%s) * 1000 + $$) % 1000000 ))
run --format json -c "branch add 'Table $T' Ankara Europe/Istanbul" >"$WORK/branch.json" ||
    fail "could not create the test's branch: $(cat "$WORK/branch.json")"
B=$(sed -nE 's/^\{"id":([0-9]+),.*/\1/p' "$WORK/branch.json")
[ -n "$B" ] || fail "no id in the branch answer: $(cat "$WORK/branch.json")"
ZOE=$'Zoe\xcc\x88 Nguye\xcc\x82\xcc\x83n' # e + U+0308; e + U+0302 + U+0303
add_user() { # username full_name role
    printf "user add t%s.%s '%s' t%s.%s@table-test.agency.example %s %s --password agency-table-2026\n" \
        "$T" "$1" "$2" "$T" "$1" "$3" "$B"
}
{
    add_user zhang "Zhang Min 张敏" ae
    add_user layla "Layla Mansour ليلى منصور" ae
    add_user mehmet "Mehmet Yılmaz" manager
    add_user zoe "$ZOE" finance
    add_user ann "Ann Lee" ae
    add_user bob "Bob Stone" ae
} >"$WORK/users.agency"
run -f "$WORK/users.agency" >"$WORK/users.out" 2>&1 || fail "could not add the users: $(cat "$WORK/users.out")"
LIST="user list --branch-id $B"

# 1. a wide terminal: one aligned table; the Chinese, Arabic, Turkish and combining-mark names
#    keep every column separator at the same screen column
start_client 400 40 "NO_COLOR=1"
keys "$LIST" Enter
wait_for "^\(6 rows\)$"
screen | grep -Eq "^ +id +\| +username +\| +full_name +\|" || fail "no aligned header"
screen | grep -Eq "^-+\+-+\+" || fail "no separator line"
screen | grep -q "| Zhang Min 张敏 " || fail "Chinese name missing or cut"
screen | grep -q "| Layla Mansour ليلى منصور " || fail "Arabic name missing, cut or reordered"
screen | grep -q "| Mehmet Yılmaz " || fail "Turkish name missing"
screen | grep -q "| $ZOE " || fail "combining marks missing or split from their letters"
HEADER=$(screen | grep -E "^ +id +\|")
ROWS=$(screen | grep -E "^ +[0-9]+ \| t$T\." || true)
[ "$(printf '%s\n' "$ROWS" | wc -l)" -eq 6 ] || fail "not the 6 user rows of the test's branch"
# the screen column of the 3rd (after full_name) and of the last '|' is the same on every row
# and the header
LAST=$(printf '%s' "$HEADER" | tr -cd '|' | wc -c)
[ "$LAST" -ge 4 ] || fail "the header has $LAST column separators"
for n in 3 "$LAST"; do
    cols=$(printf '%s\n%s\n' "$HEADER" "$ROWS" |
        sed -E "s/^(([^|]*\|){$n}).*/\1/" | widths | sort -u | wc -l)
    [ "$cols" -eq 1 ] || fail "separator $n is not aligned across rows"
done
keys "quit" Enter
wait_for "^EXIT=0$"

# 2. a narrow terminal: the same list switches to the expanded record view, no line wider
#    than the terminal
start_client 80 200 "NO_COLOR=1"
keys "$LIST" Enter
wait_for "^-\[ RECORD 6 \]-+(\+-+)?$"
screen | grep -Eq "^-\[ RECORD 1 \]-+(\+-+)?$" || fail "no first record line"
screen | grep -Eq "^full_name +\| Zhang Min 张敏$" || fail "Chinese name missing in the record view"
screen | grep -Eq "^full_name +\| Layla Mansour ليلى منصور$" || fail "Arabic name in the record view"
screen | grep -E "^-\[ RECORD" | widths | awk '$1 > 80 { exit 1 }' || fail "a record line is wider than the terminal"
keys "quit" Enter
wait_for "^EXIT=0$"

# 3. the pager: only when the output is taller than the window, never with --no-pager
start_client 120 12 "NO_COLOR=1 PAGER='sed s/^/PAGED:/'"
keys "$LIST" Enter
wait_for "^PAGED:(version +\| [0-9]+|\(6 rows\))$"
keys C-l "$LIST --role finance" Enter
wait_for "t$T\.zoe"
screen | grep -q "PAGED:" && fail "short output went through the pager"
keys "quit" Enter
wait_for "^EXIT=0$"
start_client 120 12 "NO_COLOR=1 PAGER='sed s/^/PAGED:/'" --no-pager
keys "$LIST" Enter
wait_for "^\(6 rows\)$|^version +\\| [0-9]+$"
screen | grep -q "PAGED:" && fail "--no-pager still paged"
keys "quit" Enter
wait_for "^EXIT=0$"

# 4. colour: bold headers on a terminal, none with NO_COLOR (any value)
start_client 400 40 "PAGER=cat"
keys "$LIST" Enter
wait_for "^\(6 rows\)$"
tmux -L "$SOCK" capture-pane -e -p -t "$S" | grep -q $'\e\[1m *username' || fail "no bold header on a terminal"
keys "quit" Enter
wait_for "^EXIT=0$"
start_client 400 40 "NO_COLOR= PAGER=cat"
keys "$LIST" Enter
wait_for "^\(6 rows\)$"
tmux -L "$SOCK" capture-pane -e -p -t "$S" | grep -q $'\e\[1m' && fail "colour despite NO_COLOR"
keys "quit" Enter
wait_for "^EXIT=0$"

# 5. scripts: CSV and JSON from the same table, no colour and no pager when piped
run --format csv -c "$LIST --role ae" >"$WORK/ae.csv" || fail "csv run failed"
head -1 "$WORK/ae.csv" | grep -q "^id,username,full_name,role," || fail "CSV header: $(head -1 "$WORK/ae.csv")"
grep -q ",t$T.zhang,Zhang Min 张敏,ae," "$WORK/ae.csv" || fail "CSV row for t$T.zhang"
[ "$(wc -l <"$WORK/ae.csv")" -eq 5 ] || fail "CSV: not a header and the branch's 4 AEs"
grep -q $'\e' "$WORK/ae.csv" && fail "escape codes in piped CSV"
Z=$(sed -nE "s/^([0-9]+),t$T\.zhang,.*/\1/p" "$WORK/ae.csv")
run --format json -c "user get $Z" >"$WORK/u.json" || fail "json run failed"
grep -q "^{\"id\":$Z," "$WORK/u.json" || fail "JSON record: $(cat "$WORK/u.json")"
grep -q '"full_name":"Zhang Min 张敏"' "$WORK/u.json" || fail "JSON text: $(cat "$WORK/u.json")"
grep -q '"active":true' "$WORK/u.json" || fail "JSON booleans are not typed"
AGENCY_FORMAT=json run -c "branch list" >"$WORK/b.json" || fail "AGENCY_FORMAT run failed"
grep -q '^\[{"id":' "$WORK/b.json" || fail "JSON list: $(cat "$WORK/b.json")"
grep -q "\"name\":\"Table $T\"" "$WORK/b.json" || fail "JSON list lacks the test's branch"
echo "client_table: ok"
