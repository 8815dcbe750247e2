#!/usr/bin/env bash
# client_reports.sh - "report renewals" and "report pipeline" in the agency client: a bar chart
# and the contracts table at the terminal form, CSV for spreadsheets, JSON as the server
# answered (source, age_ms, buckets per currency), and finance refused.
set -eu

# shellcheck source-path=SCRIPTDIR source=tmux_lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/tmux_lib.sh"
tl_init client-reports
run() { tl_run "$AGENCY_DEMO_DIRECTOR" "$@"; }

# a client of the demo AE with a Chinese name and a contract ending in ten days
T=$(( ($(date +%s) * 1000 + $$) % 1000000 ))
C=$(tl_sql "INSERT INTO agency.clients (name, owner_id) SELECT '北京光明广告 $T', id FROM agency.users
            WHERE username = 'mehmet.yilmaz' RETURNING id")
tl_sql "INSERT INTO agency.contracts (client_id, number, title, starts_on, ends_on, amount, currency,
        status, activated_at, activated_by) SELECT $C, 'CR-$T', 'Retainer', current_date - 355,
        current_date + 10, 4200, 'JPY', 'active', now(), id FROM agency.users
        WHERE username = 'li.wei'" >/dev/null

run -c "report renewals --within-days 60" >"$TL_WORK/r.txt" || tl_fail "report renewals failed"
grep -q '^<= 30 days .*█.* contracts$' "$TL_WORK/r.txt" || tl_fail "no chart: $(cat "$TL_WORK/r.txt")"
grep -q "CR-$T .*北京光明广告 $T" "$TL_WORK/r.txt" || tl_fail "no contract row"
tl_ok "renewals: chart and table"
run --format csv -c "report renewals" >"$TL_WORK/r.csv" || tl_fail "CSV failed"
grep -q "^items,.*CR-$T" "$TL_WORK/r.csv" || tl_fail "CSV: $(head -3 "$TL_WORK/r.csv")"
grep -q '█' "$TL_WORK/r.csv" && tl_fail "a chart in CSV"
run --format json -c "report renewals" >"$TL_WORK/r.json" || tl_fail "JSON failed"
grep -q '^{"source":"primary","age_ms":0,' "$TL_WORK/r.json" || tl_fail "JSON: $(head -c 200 "$TL_WORK/r.json")"
grep -q '{"currency":"JPY","amount":' "$TL_WORK/r.json" || tl_fail "JSON lacks the JPY amount"
tl_ok "renewals: CSV and JSON"
run -c "report pipeline" >"$TL_WORK/p.txt" || tl_fail "report pipeline failed"
grep -q '^brief ' "$TL_WORK/p.txt" || tl_fail "pipeline: $(cat "$TL_WORK/p.txt")"
if tl_run "$AGENCY_DEMO_FINANCE" -c "report renewals" >"$TL_WORK/f.txt" 2>&1; then
    tl_fail "finance ran report renewals"
fi
grep -q "not available to the finance role" "$TL_WORK/f.txt" || tl_fail "finance: $(cat "$TL_WORK/f.txt")"
tl_ok "pipeline; finance refused"
echo "client_reports: ok"
