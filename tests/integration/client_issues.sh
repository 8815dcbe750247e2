#!/usr/bin/env bash
# client_issues.sh - client issues at a terminal (tmux): "issue open" alone is a form in the
# command's words (a client by name, the choices of category and severity), the issue in the
# agenda, the issue's record and history in "issue show", and an escalation pushed to the manager printed above her prompt
# while she is typing, her half-typed line kept and still run by Enter.
set -eu

# shellcheck source-path=SCRIPTDIR source=tmux_lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/tmux_lib.sh"
tl_init client-issues

AE=$(tl_user "$AGENCY_DEMO_AE")
MGR=$(tl_user "$AGENCY_DEMO_MANAGER")
SUMMARY="Billboard 广告牌 misprint $$"
CLIENT=$(tl_sql "SELECT c.name FROM agency.clients c JOIN agency.users u ON u.id = c.owner_id
                  WHERE u.username = '$AE' AND c.archived_at IS NULL ORDER BY c.id LIMIT 1")

# the form: one prompt per field, local validation of a choice, a summary, a confirmation
tl_login "$AGENCY_DEMO_AE"
tl_keys "issue open" Enter
tl_wait_for "^issue open: .*\(Ctrl-C cancels\)$"
tl_wait_for "^Client \(a client name or id\):"
tl_keys "$CLIENT" Enter
tl_wait_for "^Category \(inquiry/complaint/suggestion/other\):"
tl_keys "praise" Enter
tl_wait_for "^  Category must be one of inquiry, complaint, suggestion, other\.$"
tl_keys "complaint" Enter
tl_wait_for "^Severity \(low/normal/high/critical\):"
tl_keys "critical" Enter
tl_wait_for "^Channel .*\[optional\]:"
tl_keys "phone" Enter
tl_wait_for "^Summary:"
tl_keys "$SUMMARY" Enter
tl_wait_for "^Details \[optional\]:"
tl_keys "" Enter
tl_wait_for "^issue open with these values\? \[y/N\]$"
tl_keys "y" Enter
tl_wait_for "^status +\| received"
tl_wait_for "^severity +\| critical"
ID=$(tl_sql "SELECT id FROM agency.issues WHERE summary = '$SUMMARY'")
[ -n "$ID" ] || tl_fail "the form's issue is not in the database"
[ "$(tl_sql "SELECT count(*) FROM agency.issues WHERE summary = '$SUMMARY'")" = 1 ] ||
    tl_fail "the form stored the issue more than once"
tl_ok "issue open as a form stores one issue"

tl_run_clean "$AGENCY_DEMO_AE" --format csv -c "agenda --days 1" |
    grep -q "^upcoming,[0-9-]*,issue,$SUMMARY," || tl_fail "agenda does not list the open issue"
tl_ok "agenda lists the issue as an upcoming item"

tl_keys "issue move $ID closed" Enter
tl_wait_for "^  --to: an issue that is received cannot become closed"
tl_keys "issue move $ID triaged --note \"Called back\"" Enter
tl_wait_for "^status +\| triaged"
tl_keys "clear" Enter
tl_keys "issue show $ID" Enter
tl_wait_for "^History$"
tl_wait_for "\| received +\| triaged +\|.*Called back"
tl_ok "issue move refuses a skipped step; issue show lists the history"

# the manager is typing when the escalation reaches her: the push prints above her prompt and
# her line stays as it was
tl_login "$AGENCY_DEMO_MANAGER"
tl_keys "issue list --sev"
tl_wait_line "$MGR@agency> issue list --sev"
tl_run "$AGENCY_DEMO_AE" -c "issue escalate $ID --reason \"Client called twice\"" >/dev/null
tl_wait_for "^-- issue.escalated: .*level=1 reason=Client called twice"
tl_capture -p -J | grep -q "^-- issue.escalated: .*issue_id=$ID " || tl_fail "the push names no issue $ID"
tl_wait_line "$MGR@agency> issue list --sev"
tl_keys "erity critical" Enter
tl_wait_for "^ +$ID \|.*critical"
[ "$(tl_sql "SELECT escalation_level FROM agency.issues WHERE id = $ID")" = 1 ] ||
    tl_fail "the escalation is not recorded"
tl_ok "the issue.escalated push printed above the prompt without breaking the typed line"
