#!/usr/bin/env bash
# sql_clock.sh - the movable clock (sql/024): agency.now() is now() unless the connection was
# opened with agency.movable_clock = on (agencyd's test.movable_clock), and only the owner
# role moves it.
set -uo pipefail

# shellcheck source=tests/integration/psql_lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/psql_lib.sh"

# movable SQL: runs SQL as the app role on a connection opened as agencyd's test build opens
# its connections.
movable() { PGOPTIONS="-c agency.movable_clock=on" app "$1"; }

owner "INSERT INTO agency.test_clock (shift) VALUES (interval '3 days')
       ON CONFLICT (id) DO UPDATE SET shift = excluded.shift" >/dev/null
expect "without agency.movable_clock, agency.now() is now() whatever the shift" t \
    "$(app "SELECT agency.now() = now()")"
expect "with it, agency.now() runs ahead by the shift" t \
    "$(movable "SELECT agency.now() = now() + interval '3 days'")"
expect "agency.today() follows agency.now() (no branch: UTC)" t \
    "$(movable "SELECT agency.today() = ((now() + interval '3 days') AT TIME ZONE 'UTC')::date")"
refused "the app role cannot move the clock" "permission denied|row-level security" \
    movable "UPDATE agency.test_clock SET shift = interval '1 year'"
refused "the shift cannot run backwards" "check constraint|violates" \
    owner "UPDATE agency.test_clock SET shift = interval '-1 day'"
owner "UPDATE agency.test_clock SET shift = interval '0'" >/dev/null
expect "reset: agency.now() is now() again" t "$(movable "SELECT agency.now() = now()")"
expect "agency.push() raises an event on agency_events" "agency_events" \
    "$(owner "LISTEN agency_events; SELECT agency.push(1, 'test.ping', '{\"n\": 1}'); " 2>&1 |
        sed -n 's/.*notification "\([a-z_]*\)".*/\1/p' | head -n1)"

psql_lib_summary sql_clock
