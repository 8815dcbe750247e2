#!/usr/bin/env bash
# client_clients.sh - the client commands of clients, contacts and activities against the real
# stack: each demo account's client list is exactly its scope (counted again in SQL), client
# show by a Chinese and by an Arabic name, an out-of-scope client is not found by id or name,
# Tab completes a Chinese name prefix from the server (tmux), log call then agenda shows the
# follow-up, finance sees no confidential notes and may not list activities.
set -eu

# shellcheck source-path=SCRIPTDIR source=tmux_lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/tmux_lib.sh"
tl_init client-clients

DIRECTOR=$AGENCY_DEMO_DIRECTOR
AE=$AGENCY_DEMO_AE
AE_USER=${AE%%:*}
FINANCE=$AGENCY_DEMO_FINANCE
AE_ID=$(tl_sql "SELECT id FROM agency.users WHERE username = '$AE_USER'")
[ -n "$AE_ID" ] || tl_fail "no user $AE_USER in the database"

# ---- each account sees exactly its scope in client list ----
# count_list CRED: rows of client list (CSV, one page of up to 500, header removed)
count_list() {
    tl_run_clean "$1" --format csv -c "client list --limit 500" | tail -n +2 | grep -c . || true
}
AE_WANT=$(tl_sql "SELECT count(*) FROM agency.clients WHERE owner_id = $AE_ID AND archived_at IS NULL")
AE_GOT=$(count_list "$AE")
[ "$AE_WANT" -gt 0 ] || tl_fail "the demo AE owns no clients"
[ "$AE_GOT" = "$AE_WANT" ] || tl_fail "the AE lists $AE_GOT clients, owns $AE_WANT"
ALL=$(tl_sql "SELECT count(*) FROM agency.clients WHERE archived_at IS NULL")
DIR_GOT=$(count_list "$DIRECTOR")
WANT_DIR=$((ALL < 500 ? ALL : 500))
[ "$DIR_GOT" = "$WANT_DIR" ] || tl_fail "the director lists $DIR_GOT clients of $ALL"
[ "$DIR_GOT" -gt "$AE_GOT" ] || tl_fail "the director sees no more than the AE"
tl_ok "client list: AE $AE_GOT (own), director $DIR_GOT (all $ALL)"
FIN_GOT=$(count_list "$FINANCE")
[ "$FIN_GOT" = "$WANT_DIR" ] || tl_fail "finance lists $FIN_GOT clients of $ALL"
tl_ok "client list: finance $FIN_GOT (basics of all)"

# ae_with PATTERN: "username|client name" of an AE's client whose name matches PATTERN, the
# demo AE's own when there is one (every demo account has the same password).
ae_with() {
    tl_sql "SELECT u.username || '|' || c.name FROM agency.clients c JOIN agency.users u ON u.id = c.owner_id
          WHERE c.archived_at IS NULL AND u.role = 'ae' AND u.active AND c.name ~ '$1'
          ORDER BY (u.id = $AE_ID) DESC, c.id LIMIT 1"
}
PASSWORD=${AE#*:}

# ---- client show by a Chinese and an Arabic name, as the AE who owns the client ----
for script in '[一-龥]' '[؀-ۿ]'; do
    found=$(ae_with "$script")
    [ -n "$found" ] || tl_fail "no AE owns a client named in $script"
    who="${found%%|*}:$PASSWORD"
    name=${found#*|}
    id=$(tl_sql "SELECT id FROM agency.clients WHERE name = '$name' AND archived_at IS NULL LIMIT 1")
    out=$(tl_run_clean "$who" -c "client show \"$name\"") || tl_fail "client show \"$name\" as ${who%%:*}"
    echo "$out" | grep -q -- "$name" || tl_fail "client show \"$name\" did not print its name"
    echo "$out" | grep -Eq "^id +\| $id\$" || tl_fail "client show \"$name\" showed another id"
    echo "$out" | grep -q "^Contacts" || tl_fail "client show has no contacts section"
    echo "$out" | grep -q "^Recent activities" || tl_fail "client show has no activities section"
    tl_ok "client show \"$name\" as the AE ${who%%:*} (id $id)"
    # JSON: one object with the record, its contacts and activities
    tl_run_clean "$who" --format json -c "client show $id" | grep -q '^{"client":{' ||
        tl_fail "client show --format json is not one object"
done

# ---- out of scope: not found by id, not found by name ----
OTHER=$(tl_sql "SELECT c.id || '|' || c.name FROM agency.clients c JOIN agency.users u ON u.id = c.owner_id
             WHERE c.archived_at IS NULL AND u.team_id IS DISTINCT FROM
                   (SELECT team_id FROM agency.users WHERE id = $AE_ID)
             ORDER BY c.id LIMIT 1")
OTHER_ID=${OTHER%%|*}
OTHER_NAME=${OTHER#*|}
[ -n "$OTHER_ID" ] || tl_fail "the demo data has no client of another team"
set +e
out=$(tl_run_clean "$AE" -c "client show $OTHER_ID" 2>&1)
st=$?
set -e
[ $st -eq 1 ] && echo "$out" | grep -q "not_found" || tl_fail "another team's client by id: $out"
set +e
out=$(tl_run_clean "$AE" -c "client show \"$OTHER_NAME\"" 2>&1)
st=$?
set -e
[ $st -eq 1 ] && echo "$out" | grep -q "not_found" || tl_fail "another team's client by name: $out"
echo "$out" | grep -q -- "$OTHER_ID" && tl_fail "the refusal named the hidden client's id"
tl_ok "another team's client is not_found by id and by name"

# ---- log call, then agenda shows the follow-up ----
MINE=$(tl_sql "SELECT id FROM agency.clients WHERE owner_id = $AE_ID AND archived_at IS NULL ORDER BY id LIMIT 1")
NEXT="send the deck $$"
tl_run_clean "$AE" -c "log call $MINE \"Agreed the Q3 plan\" --next \"$NEXT\" --due tomorrow" >/dev/null ||
    tl_fail "log call"
tl_run_clean "$AE" -c "agenda --days 3" | grep -q -- "$NEXT" || tl_fail "agenda does not show \"$NEXT\""
tl_run_clean "$AE" --format csv -c "agenda --days 3" | grep -q "^upcoming,.*$NEXT" ||
    tl_fail "agenda --format csv has no upcoming row for \"$NEXT\""
tl_run_clean "$AE" -c "activity list $MINE" | grep -q "Agreed the Q3 plan" || tl_fail "activity list CLIENT"
tl_ok "log call --next --due tomorrow, then agenda and activity list show it"

# ---- finance: no confidential notes, no activities ----
out=$(tl_run_clean "$FINANCE" -c "client show $MINE") || tl_fail "finance client show"
echo "$out" | grep -qi "confidential" && tl_fail "finance sees confidential notes: $out"
echo "$out" | grep -q "Recent activities" && tl_fail "finance sees activities"
set +e
out=$(tl_run_clean "$FINANCE" -c "activity list" 2>&1)
st=$?
set -e
[ $st -ne 0 ] || tl_fail "finance may list activities: $out"
tl_ok "finance: client show without confidential notes or activities; activity list refused"

# ---- Tab completes a Chinese prefix with what the server offers (as the AE who owns it) ----
found=$(ae_with '^[一-龥]{4,}')
[ -n "$found" ] || tl_fail "no AE owns a client with a Chinese name of four characters or more"
who="${found%%|*}:$PASSWORD"
full=${found#*|}
prefix=$(printf '%s' "$full" | cut -c1-9) # three characters (UTF-8 bytes, 3 each)
others=$(tl_sql "SELECT count(*) FROM agency.clients c JOIN agency.users u ON u.id = c.owner_id
               WHERE u.username = '${who%%:*}' AND c.name LIKE '$prefix%' AND c.archived_at IS NULL")
tl_client "$who" 160 40 NO_COLOR=1 --no-pager
tl_keys "client show $prefix" Tab
if [ "$others" = 1 ]; then
    tl_wait_for "client show \"?$full\"? ?$"
    tl_keys Enter
    tl_wait_for "^Contacts"
else
    tl_keys Tab
    tl_wait_for "$full"
fi
tl_ok "Tab completed \"$prefix\" to \"$full\" from the server ($others candidates)"
tl_keys C-u "quit" Enter
tl_wait_for "^EXIT=0$"
echo "client_clients: ok"
