#!/usr/bin/env bash
# bench_smoke.sh - agency-bench against the integration stack for 2 seconds (the mix, with 2 more
# connections logging in all along), then 1 second open loop with fresh-connection resumes:
# every operation must report figures and neither run may have an error.
#   bench_smoke.sh AGENCY_BENCH_BINARY      (AGENCY_STACK_ENV names the stack's settings)
set -euo pipefail

BENCH=${1:?usage: bench_smoke.sh AGENCY_BENCH_BINARY}
: "${AGENCY_STACK_ENV:?AGENCY_STACK_ENV must name the stack settings file}"
# shellcheck disable=SC1090
. "$AGENCY_STACK_ENV"
export AGENCY_HOST AGENCY_PORT AGENCY_CA

MIX=ping=40,client.get=30,client.list=20,agenda=10
out=$(mktemp)
trap 'rm -f "$out" "$out.open"' EXIT

status=0
timeout 120 "$BENCH" --setup-users 4 --admin "$AGENCY_DEMO_DIRECTOR" -c 4 -d 2 --warmup 0.5 \
    --mix "$MIX" --logins 2 --json -v >"$out" || status=$?
timeout 60 "$BENCH" --user "$AGENCY_DEMO_DIRECTOR" -c 2 -d 1 --warmup 0.2 --rate 100 \
    --mix ping=1,auth.resume=1 --json -v >"$out.open" || status=$?
cat "$out" "$out.open"
if [ "$status" -ne 0 ]; then
    echo "bench_smoke: agency-bench exited $status" >&2
    exit 1
fi
cat "$out.open" >>"$out"

fail=0
for op in ping client.get client.list agenda auth.login auth.resume; do
    line=$(grep -F "\"op\": \"$op\"" "$out" | head -n 1 || true)
    count=$(sed -n 's/.*"count": \([0-9]*\).*/\1/p' <<<"$line")
    errors=$(sed -n 's/.*"errors": \([0-9]*\).*/\1/p' <<<"$line")
    p99=$(sed -n 's/.*"p99_us": \([0-9]*\).*/\1/p' <<<"$line")
    if [ -z "$count" ] || [ "$count" -eq 0 ] || [ -z "$p99" ] || [ "$p99" -eq 0 ]; then
        echo "bench_smoke: no figures for $op" >&2
        fail=1
    elif [ "$errors" != 0 ]; then
        echo "bench_smoke: $op reported $errors errors" >&2
        fail=1
    fi
done
while read -r total; do
    if [ "$total" != 0 ]; then
        echo "bench_smoke: a run reported $total errors" >&2
        fail=1
    fi
done < <(sed -n 's/^\], "errors": \([0-9]*\)}$/\1/p' "$out")
if [ "$(grep -c '^\], "errors": ' "$out")" != 2 ]; then
    echo "bench_smoke: a run printed no total" >&2
    fail=1
fi
[ "$fail" -eq 0 ] && echo "bench_smoke: ok"
exit "$fail"
