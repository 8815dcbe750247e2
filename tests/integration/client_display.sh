#!/usr/bin/env bash
# client_display.sh - the client as an all-day tool, at a terminal (tmux) at 80 and 120 columns:
# client list and agenda print tables that fit (a Chinese and an Arabic name cut only between
# characters), \x and --expanded, --columns, next and --all, Ctrl-C in a form and at "Which
# one?", the command's own words in messages and help, a role's refusal, local times and due
# dates, CSV field names, no trailing blanks when piped, \timing, \watch, --help, the welcome.
set -eu

# shellcheck source-path=SCRIPTDIR source=tmux_lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/tmux_lib.sh"
tl_init client-display

DIRECTOR=$AGENCY_DEMO_DIRECTOR
AE=$AGENCY_DEMO_AE
run() { tl_run_clean "$DIRECTOR" "$@"; }

# Display width (terminal columns) of each line on stdin.
widths() {
    while IFS= read -r l; do printf '%s' "$l" | LC_ALL=C.UTF-8 wc -L; done
}

# this test's own clients: long Chinese and Arabic names that a narrow table has to cut, and
# two whose names differ only at the end (a name that matches both asks "Which one?")
T=$(((($(date +%s) * 1000) + $$) % 1000000))
ZH="显示测试$T 北京远景国际广告传媒集团有限公司上海分公司"
AR="عرض$T شركة الخليج للإعلان والتسويق الرقمي المحدودة"
{
    printf 'client add "%s" --tier key --industry Media --force\n' "$ZH"
    printf 'client add "%s" --tier growth --industry Media --force\n' "$AR"
    printf 'client add "Display Twin %s Alpha" --force\n' "$T"
    printf 'client add "Display Twin %s Beta" --force\n' "$T"
} >"$TL_WORK/clients.agency"
run -f "$TL_WORK/clients.agency" >"$TL_WORK/clients.out" 2>&1 ||
    tl_fail "could not add the clients: $(cat "$TL_WORK/clients.out")"
ZH_ID=$(tl_sql "SELECT id FROM agency.clients WHERE name = '$ZH'")
TWIN_A=$(tl_sql "SELECT id FROM agency.clients WHERE name = 'Display Twin $T Alpha'")
[ -n "$ZH_ID" ] && [ -n "$TWIN_A" ] || tl_fail "the test's clients are not there"

# cell_ok FULL LINE: the cell of LINE that holds the start of FULL is FULL, or a prefix of it
# followed by "…": a cut between characters (a byte cut would not be a prefix).
cell_ok() {
    local full=$1 line=$2 head cell
    head=${full:0:4}
    cell=${line#*"| $head"}
    cell="$head${cell%%|*}"
    cell=$(printf '%s' "$cell" | sed 's/ *$//')
    [ "$cell" = "$full" ] && return 0
    case "$cell" in *…) ;; *) return 1 ;; esac
    cell=${cell%…}
    [ "${full#"$cell"}" != "$full" ]
}

# 1. tables first, at 80 and 120 columns
for cols in 80 120; do
    tl_client "$DIRECTOR" "$cols" 100 "NO_COLOR=1" --no-pager
    tl_wait_for "^agency [0-9.]+: li\.wei \(director, [^)]+\) on agencyd [0-9.]+\. Type help"
    tl_keys "client list $T" Enter
    tl_wait_for "^\(4 rows\)$"
    tl_screen | grep -Eq "^ +id +\| +name +\|" || tl_fail "$cols: client list is not a table"
    tl_screen | grep -q "RECORD" && tl_fail "$cols: client list printed records"
    tl_screen | widths | awk -v w="$cols" '$1 > w { exit 1 }' || tl_fail "$cols: a line is wider than the terminal"
    tl_screen | grep -q $'\xef\xbf\xbd' && tl_fail "$cols: a character was cut in two"
    zh=$(tl_screen | grep -F "| ${ZH:0:4}") || tl_fail "$cols: no row for the Chinese name"
    ar=$(tl_screen | grep -F "| ${AR:0:4}") || tl_fail "$cols: no row for the Arabic name"
    cell_ok "$ZH" "$zh" || tl_fail "$cols: the Chinese name is cut badly: $zh"
    cell_ok "$AR" "$ar" || tl_fail "$cols: the Arabic name is cut badly: $ar"
    [ "$cols" = 80 ] && { printf '%s\n' "$zh" | grep -q "…" || tl_fail "80: the long Chinese name was not cut"; }
    tl_ok "$cols columns: client list is a table, names cut between characters"

    # \x on shows records, \x off a table again, --expanded for one command
    tl_keys C-l '\x on' Enter
    tl_wait_for "^Expanded display is on\.$"
    tl_keys "client list $T" Enter
    tl_wait_for "^-\[ RECORD 4 \]"
    tl_screen | grep -Fq "name            | $ZH" || tl_fail "$cols: \\x on lost the Chinese name"
    tl_keys C-l '\x off' Enter
    tl_wait_for "^Expanded display is off\.$"
    tl_keys "client list $T --expanded" Enter
    tl_wait_for "^-\[ RECORD 4 \]"
    tl_keys C-l "client list $T" Enter
    tl_wait_for "^\(4 rows\)$"
    tl_screen | grep -q "RECORD" && tl_fail "$cols: --expanded outlived its command"
    tl_keys C-l '\x auto' Enter
    tl_wait_for "^Expanded display is auto\.$"

    # --columns picks exactly those, in that order
    tl_keys C-l "client list $T --columns tier,name" Enter
    tl_wait_for "^\(4 rows\)$"
    tl_screen | grep -Eq "^ +tier +\| +name *$" || tl_fail "$cols: --columns tier,name: $(tl_screen | head -3)"
    tl_keys C-l "client list $T --columns nosuch" Enter
    tl_wait_for "^error: --columns: no column \"nosuch\" here \(id, name,"

    # agenda is a table too
    tl_keys C-l "agenda --days 30" Enter
    tl_wait_for "^Upcoming \([0-9]+\)$"
    tl_screen | grep -q "RECORD" && tl_fail "$cols: agenda printed records"
    tl_keys "quit" Enter
    tl_wait_for "^EXIT=0$"
done

# 2. paging: "N rows shown — next for more", next goes on with the cursor, --all gets them all
tl_client "$DIRECTOR" 120 40 "NO_COLOR=1" --no-pager
tl_keys "client list --limit 3" Enter
tl_wait_for "^\(3 rows shown — next for more\)$"
first=$(tl_screen | grep -E "^ +[0-9]+ \|" | head -1)
tl_keys C-l "next" Enter
tl_wait_for "^\(rows 4-6 shown — next for more\)$"
second=$(tl_screen | grep -E "^ +[0-9]+ \|" | head -1)
[ "$first" != "$second" ] || tl_fail "next showed the same page again"
tl_keys C-l "next" Enter
tl_wait_for "^\(rows 7-9 shown — next for more\)$"
tl_keys C-l "user list --branch Shanghai --columns id,username" Enter
tl_wait_for "^ +id +\| +username"
tl_keys C-l "next" Enter
tl_wait_for "^error: no list to go on with"
tl_ok "next pages on, and stops when the last list had no more"
ALL=$(tl_sql "SELECT count(*) FROM agency.clients WHERE archived_at IS NULL")
GOT=$(run --format csv -c "client list --limit 7 --all" | tail -n +2 | grep -c .)
[ "$GOT" = "$ALL" ] || tl_fail "client list --all --format csv gave $GOT rows of $ALL"
run -c "client list --limit 7 --all" | grep -q "^($ALL rows)$" || tl_fail "client list --all as a table"
GOT=$(run --format json -c "client list --limit 11 --all" | grep -o '"id":' | wc -l)
[ "$GOT" -ge "$ALL" ] || tl_fail "client list --all --format json gave $GOT ids of $ALL"
tl_ok "--all: $ALL rows in CSV, table and JSON"

# 3. Ctrl-C in a form, then what is typed next is a command; Ctrl-C at "Which one?"
tl_keys C-l "client archive $ZH_ID" Enter
tl_wait_for "^Reason:"
tl_keys C-c
tl_wait_for "^Cancelled; nothing was changed\.$"
tl_keys "contact list $ZH_ID" Enter
tl_wait_for "^\((0 rows|none)\)|^ +\(none\)"
[ "$(tl_sql "SELECT archived_at IS NULL FROM agency.clients WHERE id = $ZH_ID")" = t ] ||
    tl_fail "Ctrl-C in the form archived the client"
tl_keys C-l "client show Display Twin $T" Enter
tl_wait_for "^Which one\?"
tl_keys C-c
tl_wait_for "^Cancelled; nothing was changed\.$"
tl_keys "whoami" Enter
tl_wait_for "^user\.username +\| li\.wei$"
# a request the server does not answer: agencyd is held (SIGSTOP) and always let go again
PID=$(cat "$AGENCY_STACK_DIR/agencyd.pid")
release() { kill -CONT "$PID" 2>/dev/null || true; }
trap 'release; tl_cleanup' EXIT
kill -STOP "$PID"
tl_keys C-l "client list --limit 2" Enter
sleep 0.5
tl_keys C-c
tl_wait_for "^Cancelled; nothing was changed\.$"
release
tl_keys "branch list --columns id,name" Enter
tl_wait_for "^\(4 rows\)$|^\([0-9]+ rows\)$"
tl_ok "Ctrl-C cancels a form, a choice and a request; the next line is a command"

# 4. an unquoted name of several words, and \timing, \watch, clear, --help
tl_keys C-l "client show Display Twin $T Alpha" Enter
tl_wait_for "^id +\| $TWIN_A$"
tl_keys C-l '\timing on' Enter
tl_wait_for "^Timing is on\.$"
tl_keys "whoami" Enter
tl_wait_for "^Time: [0-9]+\.[0-9]{3} ms$"
tl_keys C-l '\timing off' Enter
tl_keys C-l '\watch 1 client list Display Twin' Enter
tl_wait_for "^client list Display Twin \(every 1s\)"
sleep 2.5
[ "$(tl_screen | grep -c "^client list Display Twin (every 1s)")" -ge 2 ] || tl_fail "\\watch did not repeat"
tl_keys C-c
tl_keys "clear" Enter
tl_wait_line "li.wei@agency>"
tl_keys "client list --help" Enter
tl_wait_for "^client list \[TEXT\]"
tl_keys "quit" Enter
tl_wait_for "^EXIT=0$"
tl_ok "a name without quotes, \\timing, \\watch, clear, --help"

# 5. one vocabulary: the flags people type, in the server's messages too
out=$(tl_run_clean "$DIRECTOR" -c "log call $ZH_ID 'Checked the brief' --due tomorrow" 2>&1) &&
    tl_fail "a due date without --next was accepted"
echo "$out" | grep -q -- "--next: is required with --due" || tl_fail "not in the command's words: $out"
echo "$out" | grep -q "next_action\|next_due" && tl_fail "wire names leak: $out"
out=$(tl_run_clean "$DIRECTOR" -c "client add 'Display Twin $T Alpha'" 2>&1) && tl_fail "a duplicate was added"
echo "$out" | grep -q "force: true" && tl_fail "wire words in the duplicate answer: $out"
echo "$out" | grep -q -- "--force" || tl_fail "the duplicate answer does not name --force: $out"
out=$(tl_run_clean "$DIRECTOR" -c "client check-duplicate 'Display Twin $T Alpha'")
echo "$out" | grep -Eq "^ +id +\| +name +\| +owner +\| +similarity$" || tl_fail "check-duplicate is no table: $out"
out=$(tl_run_clean "$DIRECTOR" -c "user list --branch Istanbul --columns username" | tail -n +3)
[ -n "$out" ] || tl_fail "user list --branch NAME found nobody"
tl_ok "messages, errors and --branch NAME in the command's words"

# 6. a role's refusal names the role
out=$(tl_run_clean "$AGENCY_DEMO_FINANCE" -c "agenda" 2>&1) && tl_fail "finance ran agenda"
echo "$out" | grep -q "^error: agenda: not available to the finance role" || tl_fail "finance agenda: $out"
out=$(tl_run_clean "$AGENCY_DEMO_FINANCE" -c "log call $ZH_ID hello" 2>&1) && tl_fail "finance logged a call"
echo "$out" | grep -q "^error: log: not available to the finance role" || tl_fail "finance log: $out"

# 7. time: local in tables (TZ, else the branch's zone), RFC 3339 UTC in CSV and JSON
created=$(tl_sql "SELECT to_char(created_at AT TIME ZONE 'Asia/Tokyo', 'YYYY-MM-DD HH24:MI') FROM agency.clients WHERE id = $ZH_ID")
env -i HOME="$TL_WORK" PATH=/usr/bin:/bin LANG=C.UTF-8 NO_COLOR=1 TZ=Asia/Tokyo \
    AGENCY_HOST="$AGENCY_HOST" AGENCY_PORT="$AGENCY_PORT" AGENCY_CA="$AGENCY_CA" \
    AGENCY_PASSWORD="${DIRECTOR#*:}" "$AGENCY_BIN" --no-pager -U "${DIRECTOR%%:*}" \
    -c "client show $ZH_ID" >"$TL_WORK/show.txt" || tl_fail "client show $ZH_ID"
grep -q "^created_at *| $created$" "$TL_WORK/show.txt" || tl_fail "not local time ($created): $(grep created_at "$TL_WORK/show.txt")"
grep -q ' $' "$TL_WORK/show.txt" && tl_fail "piped output has trailing blanks"
run --format csv -c "client list $T" | head -2 | tail -1 | grep -Eq ",[0-9-]+T[0-9:.]+Z," ||
    tl_fail "CSV times are not RFC 3339 UTC"
run --format csv -c "agenda --days 30" | head -1 | grep -q "^section,due,item,title,client_name," ||
    tl_fail "agenda CSV headers are not field names: $(run --format csv -c "agenda --days 30" | head -1)"
AE_ID=$(tl_sql "SELECT id FROM agency.users WHERE username = '${AE%%:*}'")
tl_run_clean "$AE" -c "log call $ZH_ID 'Display test call' --next 'Send it' --due +2d" >/dev/null 2>&1 ||
    tl_run_clean "$DIRECTOR" -c "log call $ZH_ID 'Display test call' --next 'Send it' --due +2d" >/dev/null
tl_run_clean "$DIRECTOR" -c "activity list $ZH_ID" | grep -q "(in 2 days)" || tl_fail "no relative due date"
ACT=$(tl_sql "SELECT max(id) FROM agency.activities WHERE client_id = $ZH_ID")
tl_run_clean "$DIRECTOR" -c "activity done $ACT" >/dev/null || tl_fail "activity done"
out=$(tl_run_clean "$DIRECTOR" -c "activity done $ACT" 2>&1) || tl_fail "activity done twice: $out"
echo "$out" | grep -q "conflict" && tl_fail "activity done twice answers conflict: $out"
: "$AE_ID"
tl_ok "local times, due dates, CSV in UTC with field names, activity done twice"
echo "client_display: ok"
