#!/usr/bin/env bash
# sql_rls.sh - the database's own locks, checked with psql: forced row-level security, the
# application role's limits and the append-only, hash-chained audit trail.
set -uo pipefail

# shellcheck source=tests/integration/psql_lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/psql_lib.sh"

# --- the two roles -------------------------------------------------------------------------
expect "the app URL logs in as agency_app" agency_app "$(app 'SELECT current_user')"
expect "agency_app is not superuser and has NOBYPASSRLS" "f|f" \
    "$(owner "SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = 'agency_app'")"
expect "agency_app owns no relation" 0 \
    "$(owner "SELECT count(*) FROM pg_class WHERE relowner = 'agency_app'::regrole")"
expect "agency_app owns no function" 0 \
    "$(owner "SELECT count(*) FROM pg_proc WHERE proowner = 'agency_app'::regrole")"
expect "agency_app has no DELETE or TRUNCATE privilege" 0 \
    "$(owner "SELECT count(*) FROM information_schema.table_privileges
              WHERE grantee = 'agency_app' AND privilege_type IN ('DELETE', 'TRUNCATE')")"

# --- row-level security on every table ----------------------------------------------------
tables=$(owner "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = 'agency' AND c.relkind IN ('r', 'p')")
if [ "${tables:-0}" -ge 8 ] 2>/dev/null; then
    pass "schema agency holds $tables tables"
else
    fail "schema agency holds at least 8 tables" "$tables"
fi
expect "every table in agency has RLS enabled and forced" "" \
    "$(owner "SELECT string_agg(c.relname, ',') FROM pg_class c
              JOIN pg_namespace n ON n.oid = c.relnamespace
              WHERE n.nspname = 'agency' AND c.relkind IN ('r', 'p')
                AND NOT (c.relrowsecurity AND c.relforcerowsecurity)")"

# --- without a request context the app role sees nothing ----------------------------------
for t in users branches teams user_history sessions audit_log; do
    got=$(app "SELECT count(*) FROM agency.$t")
    if [ "$got" = 0 ] || grep -qi 'permission denied' <<<"$got"; then
        pass "no context: agency.$t shows nothing"
    else
        fail "no context: agency.$t shows nothing" "$got"
    fi
done
users_total=$(owner "SELECT count(*) FROM agency.users")
if [ "${users_total:-0}" -gt 0 ] 2>/dev/null; then
    pass "the owner sees $users_total users"
else
    fail "the owner sees users" "$users_total"
fi
refused "user_secrets is out of the app role's reach" "permission denied" \
    app "SELECT count(*) FROM agency.user_secrets"
refused "no context: inserting a branch is refused" "row-level security|permission denied" \
    app "INSERT INTO agency.branches (name, city, timezone) VALUES ('RLS probe', 'X', 'UTC')"
refused "a made-up session id does not open a request context" "session|AGUA0|unauthenticated" \
    app "SELECT * FROM agency.begin_request(999999999999, 1800, '127.0.0.1')"

# With a director's context the same query sees every user (the policy is not simply false).
director_id=$(owner "SELECT id FROM agency.users WHERE username = 'li.wei'")
got=$(app "BEGIN;
    SELECT set_config('agency.user_id', '$director_id', true),
           set_config('agency.role', 'director', true);
    SELECT count(*) FROM agency.users;
    COMMIT;" | tail -n 1)
expect "a director's context sees every user" "$users_total" "$got"

# --- the audit trail is append-only, even for the owner -----------------------------------
rows=$(owner "SELECT count(*) FROM agency.audit_log")
if [ "${rows:-0}" -gt 0 ] 2>/dev/null; then
    pass "the audit trail holds $rows rows"
else
    fail "the audit trail holds rows" "$rows"
fi
first=$(owner "SELECT min(id) FROM agency.audit_log")
refused "owner: UPDATE of an audit row" "append-only" \
    owner "UPDATE agency.audit_log SET outcome = 'ok', detail = 'edited' WHERE id = $first"
refused "owner: DELETE of an audit row" "append-only" \
    owner "DELETE FROM agency.audit_log WHERE id = $first"
refused "owner: TRUNCATE of the audit trail" "append-only" \
    owner "TRUNCATE agency.audit_log"
refused "app: UPDATE of an audit row" "permission denied|append-only" \
    app "UPDATE agency.audit_log SET outcome = 'ok' WHERE id = $first"
refused "app: DELETE of an audit row" "permission denied|append-only" \
    app "DELETE FROM agency.audit_log WHERE id = $first"
refused "app: TRUNCATE of the audit trail" "permission denied|append-only" \
    app "TRUNCATE agency.audit_log"
expect "the audit trail still holds at least $rows rows" t \
    "$(owner "SELECT count(*) >= $rows FROM agency.audit_log")"

# --- the hash chain -----------------------------------------------------------------------
owner "SELECT agency.audit_seal()" >/dev/null || fail "audit_seal() runs"
expect "audit_verify() is ok over a sealed chain" "t|t" \
    "$(owner "SELECT ok, checked > 0 FROM agency.audit_verify()")"
# Tampering, undone by ROLLBACK: the owner disables the guard for one transaction.
got=$(owner "BEGIN;
    ALTER TABLE agency.audit_log DISABLE TRIGGER audit_log_guard;
    UPDATE agency.audit_log SET detail = coalesce(detail, '') || ' (edited)' WHERE seal_seq = 2;
    SELECT ok, first_bad_id = (SELECT id FROM agency.audit_log WHERE seal_seq = 2)
      FROM agency.audit_verify();
    ROLLBACK;" | grep '|' | tail -n 1)
expect "audit_verify() finds an edited row" "f|t" "$got"
got=$(owner "BEGIN;
    ALTER TABLE agency.audit_log DISABLE TRIGGER audit_log_guard;
    DELETE FROM agency.audit_log WHERE seal_seq = 2;
    SELECT ok FROM agency.audit_verify();
    ROLLBACK;" | tail -n 1)
expect "audit_verify() finds a removed row" f "$got"
expect "audit_verify() is ok again after the rollback" t \
    "$(owner "SELECT ok FROM agency.audit_verify()")"

psql_lib_summary sql_rls
