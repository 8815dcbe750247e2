#!/usr/bin/env bash
# client_clients.sh - the client commands of clients, contacts and activities against the real
# stack: each demo account's client list is exactly its scope (counted again in SQL), client
# show by a Chinese and by an Arabic name, an out-of-scope client is not found by id or name,
# Tab completes a Chinese name prefix from the server (tmux), log call then agenda shows the
# follow-up, finance sees no confidential notes and may not list activities.
set -eu

: "${AGENCY_STACK_ENV:?AGENCY_STACK_ENV must name the stack.env of the test stack}"
set -a
# shellcheck disable=SC1090
. "$AGENCY_STACK_ENV"
set +a
PSQL=$(command -v psql || echo /usr/lib/postgresql/15/bin/psql)

SOCK=agency-client-clients-$$
S=none
WORK=$(mktemp -d)
cleanup() {
    tmux -L "$SOCK" kill-server 2>/dev/null || true
    sleep 0.3
    rm -rf "$WORK" 2>/dev/null || rm -rf "$WORK"
}
trap cleanup EXIT
fail() {
    echo "FAIL: $*" >&2
    if [ "$S" != none ]; then
        echo "---- screen ----" >&2
        tmux -L "$SOCK" capture-pane -p -t "$S" >&2 2>/dev/null || true
    fi
    exit 1
}
ok() { echo "ok   $*"; }

# sql QUERY: one unaligned answer from the database as its owner (no row security there).
sql() { "$PSQL" "$AGENCY_DB_URL" -X -q -A -t -v ON_ERROR_STOP=1 -c "$1"; }

# ag USER:PASSWORD ARGS...: one agency -c run; its stdout, the status is agency's.
ag() {
    local cred=$1
    shift
    env -i HOME="$WORK" PATH=/usr/bin:/bin LANG=C.UTF-8 NO_COLOR=1 TZ=UTC \
        AGENCY_HOST="$AGENCY_HOST" AGENCY_PORT="$AGENCY_PORT" AGENCY_CA="$AGENCY_CA" \
        AGENCY_PASSWORD="${cred#*:}" "$AGENCY_BIN" --no-pager -U "${cred%%:*}" "$@"
}

DIRECTOR=$AGENCY_DEMO_DIRECTOR
AE=$AGENCY_DEMO_AE
AE_USER=${AE%%:*}
FINANCE=$AGENCY_DEMO_FINANCE
AE_ID=$(sql "SELECT id FROM agency.users WHERE username = '$AE_USER'")
[ -n "$AE_ID" ] || fail "no user $AE_USER in the database"

# ---- each account sees exactly its scope in client list ----
# count_list CRED: rows of client list (CSV, one page of up to 500, header removed)
count_list() {
    ag "$1" --format csv -c "client list --limit 500" | tail -n +2 | grep -c . || true
}
AE_WANT=$(sql "SELECT count(*) FROM agency.clients WHERE owner_id = $AE_ID AND archived_at IS NULL")
AE_GOT=$(count_list "$AE")
[ "$AE_WANT" -gt 0 ] || fail "the demo AE owns no clients"
[ "$AE_GOT" = "$AE_WANT" ] || fail "the AE lists $AE_GOT clients, owns $AE_WANT"
ALL=$(sql "SELECT count(*) FROM agency.clients WHERE archived_at IS NULL")
DIR_GOT=$(count_list "$DIRECTOR")
WANT_DIR=$((ALL < 500 ? ALL : 500))
[ "$DIR_GOT" = "$WANT_DIR" ] || fail "the director lists $DIR_GOT clients of $ALL"
[ "$DIR_GOT" -gt "$AE_GOT" ] || fail "the director sees no more than the AE"
ok "client list: AE $AE_GOT (own), director $DIR_GOT (all $ALL)"
FIN_GOT=$(count_list "$FINANCE")
[ "$FIN_GOT" = "$WANT_DIR" ] || fail "finance lists $FIN_GOT clients of $ALL"
ok "client list: finance $FIN_GOT (basics of all)"

# ae_with PATTERN: "username|client name" of an AE's client whose name matches PATTERN, the
# demo AE's own when there is one (every demo account has the same password).
ae_with() {
    sql "SELECT u.username || '|' || c.name FROM agency.clients c JOIN agency.users u ON u.id = c.owner_id
          WHERE c.archived_at IS NULL AND u.role = 'ae' AND u.active AND c.name ~ '$1'
          ORDER BY (u.id = $AE_ID) DESC, c.id LIMIT 1"
}
PASSWORD=${AE#*:}

# ---- client show by a Chinese and an Arabic name, as the AE who owns the client ----
for script in '[一-龥]' '[؀-ۿ]'; do
    found=$(ae_with "$script")
    [ -n "$found" ] || fail "no AE owns a client named in $script"
    who="${found%%|*}:$PASSWORD"
    name=${found#*|}
    id=$(sql "SELECT id FROM agency.clients WHERE name = '$name' AND archived_at IS NULL LIMIT 1")
    out=$(ag "$who" -c "client show \"$name\"") || fail "client show \"$name\" as ${who%%:*}"
    echo "$out" | grep -q -- "$name" || fail "client show \"$name\" did not print its name"
    echo "$out" | grep -Eq "^id +\| $id\$" || fail "client show \"$name\" showed another id"
    echo "$out" | grep -q "^Contacts" || fail "client show has no contacts section"
    echo "$out" | grep -q "^Recent activities" || fail "client show has no activities section"
    ok "client show \"$name\" as the AE ${who%%:*} (id $id)"
    # JSON: one object with the record, its contacts and activities
    ag "$who" --format json -c "client show $id" | grep -q '^{"client":{' ||
        fail "client show --format json is not one object"
done

# ---- out of scope: not found by id, not found by name ----
OTHER=$(sql "SELECT c.id || '|' || c.name FROM agency.clients c JOIN agency.users u ON u.id = c.owner_id
             WHERE c.archived_at IS NULL AND u.team_id IS DISTINCT FROM
                   (SELECT team_id FROM agency.users WHERE id = $AE_ID)
             ORDER BY c.id LIMIT 1")
OTHER_ID=${OTHER%%|*}
OTHER_NAME=${OTHER#*|}
[ -n "$OTHER_ID" ] || fail "the demo data has no client of another team"
set +e
out=$(ag "$AE" -c "client show $OTHER_ID" 2>&1)
st=$?
set -e
[ $st -eq 1 ] && echo "$out" | grep -q "not_found" || fail "another team's client by id: $out"
set +e
out=$(ag "$AE" -c "client show \"$OTHER_NAME\"" 2>&1)
st=$?
set -e
[ $st -eq 1 ] && echo "$out" | grep -q "not_found" || fail "another team's client by name: $out"
echo "$out" | grep -q -- "$OTHER_ID" && fail "the refusal named the hidden client's id"
ok "another team's client is not_found by id and by name"

# ---- log call, then agenda shows the follow-up ----
MINE=$(sql "SELECT id FROM agency.clients WHERE owner_id = $AE_ID AND archived_at IS NULL ORDER BY id LIMIT 1")
NEXT="send the deck $$"
ag "$AE" -c "log call $MINE \"Agreed the Q3 plan\" --next \"$NEXT\" --due tomorrow" >/dev/null ||
    fail "log call"
ag "$AE" -c "agenda --days 3" | grep -q -- "$NEXT" || fail "agenda does not show \"$NEXT\""
ag "$AE" --format csv -c "agenda --days 3" | grep -q "^upcoming,.*$NEXT" ||
    fail "agenda --format csv has no upcoming row for \"$NEXT\""
ag "$AE" -c "activity list $MINE" | grep -q "Agreed the Q3 plan" || fail "activity list CLIENT"
ok "log call --next --due tomorrow, then agenda and activity list show it"

# ---- finance: no confidential notes, no activities ----
out=$(ag "$FINANCE" -c "client show $MINE") || fail "finance client show"
echo "$out" | grep -qi "confidential" && fail "finance sees confidential notes: $out"
echo "$out" | grep -q "Recent activities" && fail "finance sees activities"
set +e
out=$(ag "$FINANCE" -c "activity list" 2>&1)
st=$?
set -e
[ $st -ne 0 ] || fail "finance may list activities: $out"
ok "finance: client show without confidential notes or activities; activity list refused"

# ---- Tab completes a Chinese prefix with what the server offers (as the AE who owns it) ----
found=$(ae_with '^[一-龥]{4,}')
[ -n "$found" ] || fail "no AE owns a client with a Chinese name of four characters or more"
who="${found%%|*}:$PASSWORD"
full=${found#*|}
prefix=$(printf '%s' "$full" | cut -c1-9) # three characters (UTF-8 bytes, 3 each)
others=$(sql "SELECT count(*) FROM agency.clients c JOIN agency.users u ON u.id = c.owner_id
               WHERE u.username = '${who%%:*}' AND c.name LIKE '$prefix%' AND c.archived_at IS NULL")
S=t1
tmux -L "$SOCK" new-session -d -s "$S" -x 160 -y 40 \
    "cd $WORK && env -i HOME=$WORK PATH=/usr/bin:/bin TERM=xterm LANG=C.UTF-8 NO_COLOR=1 \
     AGENCY_HOST=$AGENCY_HOST AGENCY_PORT=$AGENCY_PORT AGENCY_CA=$AGENCY_CA \
     AGENCY_PASSWORD=${who#*:} $AGENCY_BIN --no-pager -U ${who%%:*}; echo EXIT=\$?; sleep 60"
screen() { tmux -L "$SOCK" capture-pane -p -t "$S"; }
wait_for() {
    for _ in $(seq 1 150); do
        if screen | grep -Eq -- "$1"; then return 0; fi
        sleep 0.1
    done
    fail "never saw /$1/"
}
wait_for "^${who%%:*}@agency>"
tmux -L "$SOCK" send-keys -t "$S" -- "client show $prefix" Tab
if [ "$others" = 1 ]; then
    wait_for "client show \"?$full\"? ?$"
    tmux -L "$SOCK" send-keys -t "$S" Enter
    wait_for "^Contacts"
else
    tmux -L "$SOCK" send-keys -t "$S" Tab
    wait_for "$full"
fi
ok "Tab completed \"$prefix\" to \"$full\" from the server ($others candidates)"
tmux -L "$SOCK" send-keys -t "$S" C-u "quit" Enter
wait_for "^EXIT=0$"
echo "client_clients: ok"
