#!/usr/bin/env bash
# client_table.sh - tables in the agency client at a terminal (tmux): aligned columns with
# Chinese, Arabic, Turkish and combining-mark names, the expanded view in a narrow terminal, the
# pager, colour and NO_COLOR, and CSV/JSON for scripts. The stack is shared with tests that add
# wide rows, so the tables checked here list a branch of this test's own.
set -eu

# shellcheck source-path=SCRIPTDIR source=tmux_lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/tmux_lib.sh"
tl_init client-table
# start_client COLS ROWS ENV [OPTS]: the director's client in a fresh COLSxROWS terminal with
# extra environment (e.g. "NO_COLOR=1 PAGER=...") and options.
start_client() { tl_client "$AGENCY_DEMO_DIRECTOR" "$@"; }

# Display width (terminal columns) of each line on stdin.
widths() {
    while IFS= read -r l; do printf '%s' "$l" | LC_ALL=C.UTF-8 wc -L; done
}

run() { tl_run "$AGENCY_DEMO_DIRECTOR" "$@"; }

# 0. this test's own branch with six users: Chinese (two columns a character), Arabic (kept in
#    logical order), Turkish, a name spelt with combining marks (zero columns) and two plain ones
T=$(( ($(date +%s) * 1000 + $$) % 1000000 ))
run --format json -c "branch add 'Table $T' Ankara Europe/Istanbul" >"$TL_WORK/branch.json" ||
    tl_fail "could not create the test's branch: $(cat "$TL_WORK/branch.json")"
B=$(sed -nE 's/^\{"id":([0-9]+),.*/\1/p' "$TL_WORK/branch.json")
[ -n "$B" ] || tl_fail "no id in the branch answer: $(cat "$TL_WORK/branch.json")"
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
} >"$TL_WORK/users.agency"
run -f "$TL_WORK/users.agency" >"$TL_WORK/users.out" 2>&1 || tl_fail "could not add the users: $(cat "$TL_WORK/users.out")"
LIST="user list --branch-id $B"

# 1. a wide terminal: one aligned table; the Chinese, Arabic, Turkish and combining-mark names
#    keep every column separator at the same screen column
start_client 400 40 "NO_COLOR=1"
tl_keys "$LIST" Enter
tl_wait_for "^\(6 rows\)$"
tl_screen | grep -Eq "^ +id +\| +username +\| +full_name +\|" || tl_fail "no aligned header"
tl_screen | grep -Eq "^-+\+-+\+" || tl_fail "no separator line"
tl_screen | grep -q "| Zhang Min 张敏 " || tl_fail "Chinese name missing or cut"
tl_screen | grep -q "| Layla Mansour ليلى منصور " || tl_fail "Arabic name missing, cut or reordered"
tl_screen | grep -q "| Mehmet Yılmaz " || tl_fail "Turkish name missing"
tl_screen | grep -q "| $ZOE " || tl_fail "combining marks missing or split from their letters"
HEADER=$(tl_screen | grep -E "^ +id +\|")
ROWS=$(tl_screen | grep -E "^ +[0-9]+ \| t$T\." || true)
[ "$(printf '%s\n' "$ROWS" | wc -l)" -eq 6 ] || tl_fail "not the 6 user rows of the test's branch"
# the screen column of the 3rd (after full_name) and of the last '|' is the same on every row
# and the header
LAST=$(printf '%s' "$HEADER" | tr -cd '|' | wc -c)
[ "$LAST" -ge 4 ] || tl_fail "the header has $LAST column separators"
for n in 3 "$LAST"; do
    cols=$(printf '%s\n%s\n' "$HEADER" "$ROWS" |
        sed -E "s/^(([^|]*\|){$n}).*/\1/" | widths | sort -u | wc -l)
    [ "$cols" -eq 1 ] || tl_fail "separator $n is not aligned across rows"
done
tl_keys "quit" Enter
tl_wait_for "^EXIT=0$"

# 2. a narrow terminal: still a table, columns hidden by priority and text cut at the width
#    (never inside a character); \x shows every column as one block per record
start_client 80 200 "NO_COLOR=1"
tl_keys "$LIST" Enter
tl_wait_for "^\(6 rows\)$"
tl_screen | grep -Eq "^ +id +\| +username +\|" || tl_fail "no table at 80 columns"
tl_screen | grep -q "^(not shown: " || tl_fail "no note of the hidden columns"
tl_screen | widths | awk '$1 > 80 { exit 1 }' || tl_fail "a line is wider than the terminal"
tl_screen | grep -q $'\xef\xbf\xbd' && tl_fail "a character was cut in two"
tl_screen | grep -Eq "\| (Zhang Min 张敏|Zhang Min 张?…) " || tl_fail "the Chinese name is missing or cut badly"
tl_screen | grep -Eq "\| Layla Mansour( ل?ي?ل?ى?…| ليلى منصور) " || tl_fail "the Arabic name is missing or cut badly"
tl_keys C-l '\x' Enter
tl_wait_for "^Expanded display is on\.$"
tl_keys "$LIST" Enter
tl_wait_for "^-\[ RECORD 6 \]-+(\+-+)?$"
tl_screen | grep -Eq "^-\[ RECORD 1 \]-+(\+-+)?$" || tl_fail "no first record line"
tl_screen | grep -Eq "^full_name +\| Zhang Min 张敏$" || tl_fail "Chinese name missing in the record view"
tl_screen | grep -Eq "^full_name +\| Layla Mansour ليلى منصور$" || tl_fail "Arabic name in the record view"
tl_screen | grep -E "^-\[ RECORD" | widths | awk '$1 > 80 { exit 1 }' || tl_fail "a record line is wider than the terminal"
tl_keys "quit" Enter
tl_wait_for "^EXIT=0$"

# 3. the pager: only when the output is taller than the window, never with --no-pager
start_client 120 8 "NO_COLOR=1 PAGER='sed s/^/PAGED:/'"
tl_keys "$LIST" Enter
tl_wait_for "^PAGED:(version +\| [0-9]+|\(6 rows\))$"
tl_keys C-l "$LIST --role finance" Enter
tl_wait_for "t$T\.zoe"
tl_screen | grep -q "PAGED:" && tl_fail "short output went through the pager"
tl_keys "quit" Enter
tl_wait_for "^EXIT=0$"
start_client 120 12 "NO_COLOR=1 PAGER='sed s/^/PAGED:/'" --no-pager
tl_keys "$LIST" Enter
tl_wait_for "^\(6 rows\)$|^version +\\| [0-9]+$"
tl_screen | grep -q "PAGED:" && tl_fail "--no-pager still paged"
tl_keys "quit" Enter
tl_wait_for "^EXIT=0$"

# 4. colour: bold headers on a terminal, none with NO_COLOR (any value)
start_client 400 40 "PAGER=cat"
tl_keys "$LIST" Enter
tl_wait_for "^\(6 rows\)$"
tl_capture -p -e | grep -q $'\e\[1m *username' || tl_fail "no bold header on a terminal"
tl_keys "quit" Enter
tl_wait_for "^EXIT=0$"
start_client 400 40 "NO_COLOR= PAGER=cat"
tl_keys "$LIST" Enter
tl_wait_for "^\(6 rows\)$"
tl_capture -p -e | grep -q $'\e\[1m' && tl_fail "colour despite NO_COLOR"
tl_keys "quit" Enter
tl_wait_for "^EXIT=0$"

# 5. scripts: CSV and JSON from the same table, no colour and no pager when piped
run --format csv -c "$LIST --role ae" >"$TL_WORK/ae.csv" || tl_fail "csv run failed"
head -1 "$TL_WORK/ae.csv" | grep -q "^id,username,full_name,role," || tl_fail "CSV header: $(head -1 "$TL_WORK/ae.csv")"
grep -q ",t$T.zhang,Zhang Min 张敏,ae," "$TL_WORK/ae.csv" || tl_fail "CSV row for t$T.zhang"
[ "$(wc -l <"$TL_WORK/ae.csv")" -eq 5 ] || tl_fail "CSV: not a header and the branch's 4 AEs"
grep -q $'\e' "$TL_WORK/ae.csv" && tl_fail "escape codes in piped CSV"
Z=$(sed -nE "s/^([0-9]+),t$T\.zhang,.*/\1/p" "$TL_WORK/ae.csv")
run --format json -c "user get $Z" >"$TL_WORK/u.json" || tl_fail "json run failed"
grep -q "^{\"id\":$Z," "$TL_WORK/u.json" || tl_fail "JSON record: $(cat "$TL_WORK/u.json")"
grep -q '"full_name":"Zhang Min 张敏"' "$TL_WORK/u.json" || tl_fail "JSON text: $(cat "$TL_WORK/u.json")"
grep -q '"active":true' "$TL_WORK/u.json" || tl_fail "JSON booleans are not typed"
AGENCY_FORMAT=json run -c "branch list" >"$TL_WORK/b.json" || tl_fail "AGENCY_FORMAT run failed"
grep -q '^\[{"id":' "$TL_WORK/b.json" || tl_fail "JSON list: $(cat "$TL_WORK/b.json")"
grep -q "\"name\":\"Table $T\"" "$TL_WORK/b.json" || tl_fail "JSON list lacks the test's branch"
echo "client_table: ok"
