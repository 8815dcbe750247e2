#!/usr/bin/env bash
# bench_smoke.sh - agency-bench against the integration stack for 2 seconds: every operation of
# the mix must report figures and the run must have no error.
#   bench_smoke.sh AGENCY_BENCH_BINARY      (AGENCY_STACK_ENV names the stack's settings)
set -euo pipefail

BENCH=${1:?usage: bench_smoke.sh AGENCY_BENCH_BINARY}
: "${AGENCY_STACK_ENV:?AGENCY_STACK_ENV must name the stack settings file}"
# shellcheck disable=SC1090
. "$AGENCY_STACK_ENV"
export AGENCY_HOST AGENCY_PORT AGENCY_CA

MIX=ping=40,client.get=30,client.list=20,agenda=10
out=$(mktemp)
trap 'rm -f "$out"' EXIT

status=0
timeout 120 "$BENCH" --setup-users 4 --admin "$AGENCY_DEMO_DIRECTOR" -c 4 -d 2 --warmup 0.5 \
    --mix "$MIX" --json -v >"$out" || status=$?
cat "$out"
if [ "$status" -ne 0 ]; then
    echo "bench_smoke: agency-bench exited $status" >&2
    exit 1
fi

fail=0
for op in ping client.get client.list agenda; do
    line=$(grep -F "\"op\": \"$op\"" "$out" || true)
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
total=$(sed -n 's/^\], "errors": \([0-9]*\)}$/\1/p' "$out")
if [ "$total" != 0 ]; then
    echo "bench_smoke: the run reported ${total:-no} errors" >&2
    fail=1
fi
[ "$fail" -eq 0 ] && echo "bench_smoke: ok"
exit "$fail"
