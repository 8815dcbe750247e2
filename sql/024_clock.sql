-- 024_clock.sql - the database clock of every time-dependent rule, and the push helper.
--
-- agency.now() is now(), the transaction's start time, everywhere but in the test suite:
-- an agencyd started with [test] movable_clock = on opens every connection with the setting
-- agency.movable_clock = on, and then agency.now() runs ahead of now() by the shift held in
-- agency.test_clock, which a test sets as the owner role (every instance on the database sees
-- the same time). A rule that depends on time (re-authentication windows, SLA escalation,
-- renewal reminders, overdue invoices, ageing) reads agency.now(), never now() directly, so
-- that its test moves the clock instead of sleeping. Nothing a client sends can turn it on.

CREATE TABLE agency.test_clock (
    id boolean PRIMARY KEY DEFAULT true CHECK (id),
    shift interval NOT NULL DEFAULT interval '0' CHECK (shift >= interval '0'),
    set_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE agency.test_clock IS
    'The shift of agency.now() for an agencyd run with test.movable_clock = on (one row at most; '
    'written by tests as the owner role; ignored unless agency.movable_clock is on).';

ALTER TABLE agency.test_clock ENABLE ROW LEVEL SECURITY;
ALTER TABLE agency.test_clock FORCE ROW LEVEL SECURITY;
CREATE POLICY owner_all ON agency.test_clock TO agency_owner USING (true) WITH CHECK (true);
-- The application role reads the shift (agency.now() runs as the caller); it never writes it.
CREATE POLICY app_read ON agency.test_clock FOR SELECT TO agency_app USING (true);
GRANT SELECT ON agency.test_clock TO agency_app;

-- The time of every rule: now(), plus the test clock's shift when the connection was opened
-- with agency.movable_clock = on. STABLE, like now(): one value per statement.
CREATE FUNCTION agency.now() RETURNS timestamptz
LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN current_setting('agency.movable_clock', true) = 'on'
                THEN now() + coalesce((SELECT t.shift FROM agency.test_clock t), interval '0')
                ELSE now() END
$$;
COMMENT ON FUNCTION agency.now() IS
    'now(), or now() + agency.test_clock.shift on a connection with agency.movable_clock = on.';

-- The caller's today in their branch's time zone by agency.now() (UTC without a branch).
CREATE FUNCTION agency.today() RETURNS date
LANGUAGE sql STABLE AS $$
    SELECT (agency.now() AT TIME ZONE coalesce((SELECT b.timezone FROM agency.branches b
                                                 WHERE b.id = agency.current_branch_id()), 'UTC'))::date
$$;
COMMENT ON FUNCTION agency.today() IS 'The caller''s date in their branch''s time zone, by agency.now().';

-- Pushes an event to user p_user: {"kind": p_kind, ...p_fields} through the agency_events
-- channel, delivered after COMMIT (nothing when the transaction rolls back) to that user's
-- connections on every agencyd instance. p_fields must stay small (NOTIFY payloads are
-- limited to 8000 bytes: give ids and names, not documents).
CREATE FUNCTION agency.push(p_user bigint, p_kind text, p_fields jsonb DEFAULT '{}')
RETURNS void
LANGUAGE sql VOLATILE AS $$
    SELECT pg_notify('agency_events',
                     (coalesce(p_fields, '{}') || jsonb_build_object('user_id', p_user,
                                                                     'kind', p_kind))::text)
     WHERE p_user IS NOT NULL
$$;
COMMENT ON FUNCTION agency.push(bigint, text, jsonb) IS
    'Raises event p_kind with p_fields for user p_user on agency_events (after COMMIT).';

GRANT EXECUTE ON FUNCTION agency.now(), agency.today(), agency.push(bigint, text, jsonb)
    TO agency_app;
