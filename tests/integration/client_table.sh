#!/usr/bin/env bash
# client_table.sh - tables in the agency client at a terminal (tmux): aligned columns with
# Chinese, Arabic and Turkish names, the expanded view in a narrow terminal, the pager, colour
# and NO_COLOR, and CSV/JSON for scripts.
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

# 1. a wide terminal (400 columns, wider than any list here): one aligned table; Chinese (2 columns a character), Arabic and Turkish
#    names keep every column separator at the same screen column
start_client 400 40 "NO_COLOR=1"
keys "user list" Enter
wait_for "^\([0-9]+ rows\)$"
screen | grep -Eq "^ +id +\| +username +\| +full_name +\|" || fail "no aligned header"
screen | grep -Eq "^-+\+-+\+" || fail "no separator line"
screen | grep -q "Zhang Min 张敏" || fail "Chinese name missing or cut"
screen | grep -q "Layla Mansour ليلى منصور" || fail "Arabic name missing, cut or reordered"
screen | grep -q "Mehmet Yılmaz" || fail "Turkish name missing"
ROWS=$(screen | grep -E "^ +[0-9]+ \| " || true)
[ "$(printf '%s\n' "$ROWS" | wc -l)" -ge 9 ] || fail "fewer than 9 user rows"
# the screen column of the 3rd and of the last '|' is the same on every row and the header
for n in 3 13; do
    cols=$( (screen | grep -E "^ +id +\|"; printf '%s\n' "$ROWS") |
        sed -E "s/^(([^|]*\|){$n}).*/\1/" | widths | sort -u | wc -l)
    [ "$cols" -eq 1 ] || fail "separator $n is not aligned across rows"
done
keys "quit" Enter
wait_for "^EXIT=0$"

# 2. a narrow terminal: the same list switches to the expanded record view
start_client 80 200 "NO_COLOR=1"
keys "user list --role ae" Enter
wait_for "^-\[ RECORD 1 \]-+\+-+$"
wait_for "^full_name +\| Zhang Min 张敏$"
screen | grep -E "^-\[ RECORD" | widths | awk '$1 > 80 { exit 1 }' || fail "a record line is wider than the terminal"
keys "quit" Enter
wait_for "^EXIT=0$"

# 3. the pager: only when the output is taller than the window, never with --no-pager
start_client 120 30 "NO_COLOR=1 PAGER='sed s/^/PAGED:/'"
keys "user list" Enter
wait_for "^PAGED:version +\| [0-9]+$"
keys C-l "branch list" Enter
wait_for "^ +3 \| Shanghai +\|"
screen | grep -q "PAGED:.*Shanghai" && fail "short output went through the pager"
keys "quit" Enter
wait_for "^EXIT=0$"
start_client 120 30 "NO_COLOR=1 PAGER='sed s/^/PAGED:/'" --no-pager
keys "user list" Enter
wait_for "^\([0-9]+ rows\)$|^version +\\| [0-9]+$"
screen | grep -q "PAGED:" && fail "--no-pager still paged"
keys "quit" Enter
wait_for "^EXIT=0$"

# 4. colour: bold headers on a terminal, none with NO_COLOR (any value)
start_client 250 40 "PAGER=cat"
keys "branch list" Enter
wait_for "Shanghai"
tmux -L "$SOCK" capture-pane -e -p -t "$S" | grep -q $'\e\[1m *name' || fail "no bold header on a terminal"
keys "quit" Enter
wait_for "^EXIT=0$"
start_client 250 40 "NO_COLOR= PAGER=cat"
keys "branch list" Enter
wait_for "Shanghai"
tmux -L "$SOCK" capture-pane -e -p -t "$S" | grep -q $'\e\[1m' && fail "colour despite NO_COLOR"
keys "quit" Enter
wait_for "^EXIT=0$"

# 5. scripts: CSV and JSON from the same table, no colour and no pager when piped
run() { HOME=$WORK AGENCY_PASSWORD=$PASSWORD "$AGENCY_BIN" -U "$D" "$@" </dev/null; }
run --format csv -c "user list --role ae" >"$WORK/ae.csv" || fail "csv run failed"
head -1 "$WORK/ae.csv" | grep -q "^id,username,full_name,role," || fail "CSV header: $(head -1 "$WORK/ae.csv")"
grep -q ",zhang.min,Zhang Min 张敏,ae," "$WORK/ae.csv" || fail "CSV row for zhang.min"
grep -q $'\e' "$WORK/ae.csv" && fail "escape codes in piped CSV"
run --format json -c "user get 7" >"$WORK/u.json" || fail "json run failed"
grep -q '^{"id":7,' "$WORK/u.json" || fail "JSON record: $(cat "$WORK/u.json")"
grep -q '"active":true' "$WORK/u.json" || fail "JSON booleans are not typed"
AGENCY_FORMAT=json run -c "branch list" >"$WORK/b.json" || fail "AGENCY_FORMAT run failed"
grep -q '^\[{"id":' "$WORK/b.json" || fail "JSON list: $(cat "$WORK/b.json")"
echo "client_table: ok"
