#!/usr/bin/env bash
# sql_sweeps.sh - the database's periodic work (sql/026): agency.sweep() runs each registered
# sweep when its interval has passed by agency.now(), records its count or its error without
# stopping the others, and the stack's agencyd calls it by itself.
set -uo pipefail

# shellcheck source=tests/integration/psql_lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/psql_lib.sh"

movable() { PGOPTIONS="-c agency.movable_clock=on" app "$1"; }
cleanup() {
    owner "DELETE FROM agency.sweeps WHERE name IN ('test_count', 'test_broken');
           DROP FUNCTION IF EXISTS agency.test_sweep_count(); DROP FUNCTION IF EXISTS agency.test_sweep_broken();
           DROP TABLE IF EXISTS agency.test_sweep_runs;
           UPDATE agency.test_clock SET shift = interval '0'" >/dev/null
}
trap cleanup EXIT
cleanup

# Two sweeps of the test's own: one counts its runs, one always fails. A long interval, so that
# the stack's agencyd (which sweeps every second) runs each once and then waits for the clock.
owner "CREATE TABLE agency.test_sweep_runs (n int);
       CREATE FUNCTION agency.test_sweep_count() RETURNS int LANGUAGE sql AS
         \$\$ INSERT INTO agency.test_sweep_runs VALUES (1) RETURNING 3 \$\$;
       CREATE FUNCTION agency.test_sweep_broken() RETURNS int LANGUAGE sql AS
         \$\$ SELECT 1 / 0 \$\$;
       INSERT INTO agency.sweeps (name, fn, every) VALUES
         ('test_count', 'agency.test_sweep_count()', interval '1 hour'),
         ('test_broken', 'agency.test_sweep_broken()', interval '1 hour');
       INSERT INTO agency.test_clock (shift) VALUES (interval '0')
         ON CONFLICT (id) DO UPDATE SET shift = excluded.shift" >/dev/null

# agencyd runs the new sweeps within a few of its 1-second rounds.
# wait_runs N: waits (at most 20 s, for a loaded machine) until the count sweep ran N times.
wait_runs() {
    local runs=0
    for _ in $(seq 1 200); do
        runs=$(owner "SELECT count(*) FROM agency.test_sweep_runs")
        [ "$runs" -ge "$1" ] && break
        sleep 0.1
    done
    echo "$runs"
}
expect "agencyd runs a registered sweep by itself" 1 "$(wait_runs 1)"
expect "a failing sweep keeps its error, the others run" "t|t" \
    "$(owner "SELECT last_error LIKE '22012:%', (SELECT last_count FROM agency.sweeps WHERE name = 'test_count') = 3
              FROM agency.sweeps WHERE name = 'test_broken'")"
expect "a sweep whose interval has not passed does not run again" "0|1" \
    "$(movable "SELECT agency.sweep()")|$(owner "SELECT count(*) FROM agency.test_sweep_runs")"
# Once the clock passes the interval, this call or the stack's agencyd runs it (whichever comes
# first: 3 here, or 0 when agencyd did), and then nobody runs it again until the next interval.
owner "UPDATE agency.test_clock SET shift = interval '61 minutes'" >/dev/null
first=$(movable "SELECT agency.sweep()")
case $first in 0 | 3) first=ran ;; esac
expect "when the clock passes its interval, it runs again, once" "ran|2|0" \
    "$first|$(wait_runs 2)|$(movable "SELECT agency.sweep()")"
refused "the app role cannot register a sweep" "permission denied|row-level security" \
    app "INSERT INTO agency.sweeps (name, fn) VALUES ('evil', 'agency.now()')"

psql_lib_summary sql_sweeps
