#!/usr/bin/env bash
# client_work.sh - the account-work commands of the agency client against the real stack:
# contract add / move (an AE may not sign, the manager does) / renewals, campaign add / move /
# show with its stage reports as a timeline, job open / task for a teammate (in her agenda) /
# done, review record and the health it makes in client show; at a terminal (tmux) the contract
# form, and a contract.renewal_due push printed above the prompt while a line is being typed.
set -eu

# shellcheck source-path=SCRIPTDIR source=tmux_lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/tmux_lib.sh"
tl_init client-work

AE=$AGENCY_DEMO_AE
MGR=$AGENCY_DEMO_MANAGER
DIR=$AGENCY_DEMO_DIRECTOR
PW=$(tl_password "$AE")
LAYLA="layla.mansour:$PW"
AE_USER=$(tl_user "$AE")
AE_ID=$(tl_sql "SELECT id FROM agency.users WHERE username = '$AE_USER'")
U=$$-$(date +%s)
NAME="Work CLI $U"
CLIENT=$(tl_run_clean "$DIR" --format csv -c "client add \"$NAME\" --owner $AE_USER --force" |
    awk -F, 'NR == 2 { print $1 }')
[ -n "$CLIENT" ] || tl_fail "client add did not answer an id"
TODAY=$(date -u +%F)
SOON=$(date -u -d '+30 days' +%F)
YEAR_AGO=$(date -u -d '-335 days' +%F)

# ---- contracts ----
out=$(tl_run_clean "$AE" -c "contract add --client $CLIENT --number CLI-$U --title \"Yıllık sözleşme\" \
    --starts-on $YEAR_AGO --ends-on $SOON --amount 250000 --currency TRY")
echo "$out" | grep -q "^status *| draft$" || tl_fail "contract add: $out"
K=$(tl_sql "SELECT id FROM agency.contracts WHERE number = 'CLI-$U'")
set +e
out=$(tl_run_clean "$AE" -c "contract move $K active" 2>&1)
rc=$?
set -e
[ "$rc" = 1 ] || tl_fail "the AE's contract move active exited $rc: $out"
echo "$out" | grep -q "forbidden" || tl_fail "the AE signing: $out"
tl_sql "UPDATE agency.sweeps SET last_run_at = NULL WHERE last_run_at > now()" >/dev/null
out=$(tl_run_clean "$MGR" -c "contract move $K active")
echo "$out" | grep -q "^status *| active$" || tl_fail "the manager signing: $out"
tl_run_clean "$AE" --format csv -c "contract renewals" | grep -q "CLI-$U" ||
    tl_fail "contract renewals does not list CLI-$U"
tl_ok "contract add, move (AE refused, manager signs), renewals"

# ---- campaigns: the stage reports read as a timeline ----
out=$(tl_run_clean "$AE" --format csv -c "campaign add --client $CLIENT --name \"Lancio $U\" \
    --objectives \"Awareness\" --budget-amount 900000 --currency TRY --starts-on $TODAY --ends-on $SOON")
C=$(echo "$out" | awk -F, 'NR == 2 { print $1 }')
[ -n "$C" ] || tl_fail "campaign add: $out"
tl_run_clean "$AE" -c "campaign move $C proposal --note \"Proposal sent 提案已发送\"" >/dev/null
tl_run_clean "$AE" -c "campaign move $C approved --decisions \"Budget approved\"" >/dev/null
set +e
out=$(tl_run_clean "$AE" -c "campaign move $C live" 2>&1)
rc=$?
set -e
[ "$rc" = 1 ] && echo "$out" | grep -q "invalid" || tl_fail "approved -> live: $rc $out"
out=$(tl_run_clean "$AE" -c "campaign show $C")
echo "$out" | grep -q "^Stage reports (2)$" || tl_fail "campaign show: no timeline: $out"
echo "$out" | grep -q "brief *| proposal *| Proposal sent 提案已发送" || tl_fail "campaign show: $out"
echo "$out" | grep -q "approval *| proposal *| approved .*Budget approved" ||
    tl_fail "campaign show: the approval is not in the timeline: $out"
tl_ok "campaign add, move (an illegal move refused), show with its stage reports"

# ---- job cards: a task in the assignee's agenda ----
J=$(tl_run_clean "$AE" --format csv -c "job open $C \"Kick-off $U\"" | awk -F, 'NR == 2 { print $1 }')
[ -n "$J" ] || tl_fail "job open answered no id"
tl_run_clean "$AE" -c "job task $J \"Send the deck $U\" --assignee layla.mansour --due +2d" >/dev/null
tl_run_clean "$LAYLA" -c "agenda" | grep -q "Send the deck $U" || tl_fail "the task is not in layla's agenda"
T=$(tl_sql "SELECT t.id FROM agency.job_tasks t WHERE t.title = 'Send the deck $U'")
tl_run_clean "$LAYLA" -c "job done $T" >/dev/null
tl_run_clean "$LAYLA" -c "agenda" | grep -q "Send the deck $U" && tl_fail "a done task stays in the agenda"
tl_run_clean "$AE" -c "job close $J" | grep -q "^status *| closed$" || tl_fail "job close"
tl_ok "job open, task for a teammate (her agenda), done, close"

# ---- reviews and health ----
tl_run_clean "$AE" -c "review record $CLIENT survey 3 --notes \"Memnun değil\"" >/dev/null
tl_run_clean "$AE" -c "client show $CLIENT" | grep -q "at_risk" || tl_fail "client show: no at_risk health"
tl_ok "review record, health in client show"

# ---- at a terminal: the contract form, and a push above the line being typed ----
tl_login "$AE"
tl_keys "contract add" Enter
tl_wait_for "^contract add: .*\(Ctrl-C cancels\)$"
tl_wait_for "^Client"
tl_keys "$CLIENT" Enter
tl_wait_for "^Number"
tl_keys "FORM-$U" Enter
tl_wait_for "^Title"
tl_keys "Contratto quadro" Enter
tl_wait_for "^Starts on"
tl_keys "$YEAR_AGO" Enter
tl_wait_for "^Ends on"
tl_keys "2000-01-01" Enter
tl_wait_for "^Amount"
tl_keys "1200" Enter
tl_wait_for "^Currency"
tl_keys "EUR" Enter
for _ in 1 2 3; do
    tl_wait_for "optional\]:$"
    tl_keys "" Enter
done
tl_wait_for "with these values\? \[y/N\]$"
tl_keys "y" Enter
# the server finds the end before the start and the form asks for that field again
tl_wait_for "^Ends on.*: 2000-01-01$"
tl_keys C-u "$SOON" Enter
tl_wait_for "with these values\? \[y/N\]$"
tl_keys "y" Enter
tl_wait_for "^number +\| FORM-$U$"
K2=$(tl_sql "SELECT id FROM agency.contracts WHERE number = 'FORM-$U'")
[ -n "$K2" ] || tl_fail "the form did not create FORM-$U"
tl_ok "contract add form (the field the server refused asked again)"

# a test before may have left the sweep's last run on a moved clock
tl_sql "UPDATE agency.sweeps SET last_run_at = NULL WHERE last_run_at > now()" >/dev/null
tl_keys C-l "contract li"
tl_run_clean "$MGR" -c "contract move $K2 active" >/dev/null
tl_wait_for "^-- contract.renewal_due: .*FORM-$U"
tl_cursor_line | sed "s/ *$//" | grep -q "contract li$" || tl_fail "the typed line was not redrawn: $(tl_cursor_line)"
tl_keys "st --status active" Enter
tl_wait_for "FORM-$U"
tl_ok "contract.renewal_due printed above the prompt, the typed line kept"
