#!/usr/bin/env bash
# client_audit.sh - the director's audit commands against the real stack: an AE's refused
# "audit search" is found again by "audit search --user NAME --op ... --outcome denied" typed in
# a terminal (tmux, with Tab completing the user's name), the same listing as CSV matches the
# database, "audit verify" walks a whole chain, "audit access CLIENT --at now" names the owner,
# "report activity --team NAME --since 30d" draws its bar chart, "server stats" its requests;
# an AE is refused each of them.
set -eu

# shellcheck source-path=SCRIPTDIR source=tmux_lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/tmux_lib.sh"
tl_init client-audit

DIRECTOR=$AGENCY_DEMO_DIRECTOR
AE=$AGENCY_DEMO_AE
AE_USER=$(tl_user "$AE")
AE_ID=$(tl_sql "SELECT id FROM agency.users WHERE username = '$AE_USER'")
AE_NAME=$(tl_sql "SELECT full_name FROM agency.users WHERE id = $AE_ID")

# ---- an AE may not read the trail (the client says so from the catalogue) ----
for cmd in "audit search" "audit verify" "audit access x --at now" "server stats"; do
    set +e
    out=$(tl_run_clean "$AE" -c "$cmd" 2>&1)
    st=$?
    set -e
    [ $st -ne 0 ] || tl_fail "the AE ran $cmd: $out"
    echo "$out" | grep -Eqi "forbidden|not available" || tl_fail "$cmd as the AE: $out"
done
tl_ok "the AE is refused audit search, verify, access and server stats"

# ---- a denial for the director to find: the AE asks for another team's client ----
OTHER_ID=$(tl_sql "SELECT c.id FROM agency.clients c JOIN agency.users u ON u.id = c.owner_id
                   WHERE u.team_id IS DISTINCT FROM (SELECT team_id FROM agency.users WHERE id = $AE_ID)
                   ORDER BY c.id LIMIT 1")
set +e
tl_run_clean "$AE" -c "client show $OTHER_ID" >/dev/null 2>&1
set -e
DENIED=$(tl_sql "SELECT count(*) FROM agency.audit_log WHERE user_id = $AE_ID
                 AND op = 'client.get' AND outcome = 'not_found'")
[ "$DENIED" -ge 1 ] || tl_fail "the AE's look at another team's client is not audited"

# ---- audit search in a terminal: Tab completes the user, the denial is listed ----
prefix=${AE_USER:0:5}
tl_client "$DIRECTOR" 200 40 "NO_COLOR=1 TZ=UTC" --no-pager
tl_keys "audit search --user $prefix" Tab
tl_wait_for "audit search --user $AE_USER ?$"
tl_keys " --op client.get --outcome denied --since 7d" Enter
tl_wait_for "\| $AE_NAME +\| client.get +\|.*\| denied"
tl_wait_for "^\(([0-9]+) rows?"
tl_ok "audit search --user (Tab-completed) --op --outcome denied --since 7d lists the denial"
tl_keys "audit verify" Enter
tl_wait_for "^ok +\| true"
tl_keys "quit" Enter
tl_wait_for "^EXIT=0$"

# ---- the same listing for scripts: CSV rows equal the database's count ----
csv=$(tl_run_clean "$DIRECTOR" --format csv -c "audit search --user $AE_USER --op client.get --outcome denied --limit 500")
echo "$csv" | head -n 1 | grep -q '^id,at,' || tl_fail "audit search CSV header: $(echo "$csv" | head -n 1)"
rows=$(echo "$csv" | tail -n +2 | grep -c . || true)
WANT=$(tl_sql "SELECT count(*) FROM agency.audit_log WHERE user_id = $AE_ID
               AND op = 'client.get' AND outcome IN ('denied', 'forbidden', 'not_found')")
[ "$rows" = "$WANT" ] || tl_fail "audit search CSV has $rows rows, the trail $WANT"
tl_run_clean "$DIRECTOR" --format json -c "audit search --user $AE_USER --limit 1" |
    grep -q '^\[{"id":' || tl_fail "audit search --format json is not a list of rows"
tl_ok "audit search --format csv: $rows rows as in the trail; --format json a list"

# ---- audit access: the owner of one of the AE's clients, by name ----
CLIENT=$(tl_sql "SELECT name FROM agency.clients WHERE owner_id = $AE_ID AND archived_at IS NULL
                 ORDER BY id LIMIT 1")
out=$(tl_run_clean "$DIRECTOR" -c "audit access \"$CLIENT\" --at now") ||
    tl_fail "audit access \"$CLIENT\": $out"
echo "$out" | grep -Eq "$AE_NAME.*\| owner" || tl_fail "audit access names no owner: $out"
echo "$out" | grep -Eq "\| team_manager" || tl_fail "audit access names no team manager: $out"
echo "$out" | grep -Eq "\| finance +\| basics" || tl_fail "audit access: finance not basics: $out"
tl_ok "audit access \"$CLIENT\" --at now: owner, team manager, finance (basics)"

# ---- report activity: a table and a bar per person ----
out=$(tl_run_clean "$DIRECTOR" -c 'report activity --team "Istanbul Brands" --since 30d') ||
    tl_fail "report activity: $out"
echo "$out" | grep -q "^Activities per person" || tl_fail "report activity drew no chart: $out"
echo "$out" | grep -Eq "$AE_NAME +█+ [0-9]+$" || tl_fail "report activity: no bar for $AE_NAME: $out"
tl_run_clean "$DIRECTOR" --format csv -c 'report activity --team "Istanbul Brands" --since 30d' |
    head -n 1 | grep -q "calls" || tl_fail "report activity --format csv has no calls column"
tl_ok "report activity --team \"Istanbul Brands\" --since 30d: table and bars"

# ---- server stats ----
out=$(tl_run_clean "$DIRECTOR" -c "server stats") || tl_fail "server stats: $out"
echo "$out" | grep -q "^Requests" || tl_fail "server stats lists no requests: $out"
echo "$out" | grep -Eq "^audit.lag_ms +\| [0-9]+" || tl_fail "server stats shows no seal lag: $out"
tl_ok "server stats: requests by operation, seal lag"
echo "client_audit: ok"
