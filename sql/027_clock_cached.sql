-- 027_clock_cached.sql - agency.now() and agency.today() in PL/pgSQL, and the agenda's
-- follow-ups reading its people from a FROM clause: the same values, without planning a
-- statement on every call.
--
-- As SQL functions with a sub-select, now() and today() cannot be inlined, so PostgreSQL
-- parsed and planned their bodies each time a statement called them (today() calling now():
-- 130-170 us a call, measured on the demo database); in PL/pgSQL their statements keep their
-- plans for the connection (about 27 us). agenda_people() in agenda_followups()'s select list
-- was a set-returning call planned on each execution as well; in FROM it is inlined into the
-- follow-ups' generic plan. A rule comparing many rows with the clock should read it once per
-- statement, as (SELECT agency.now()), rather than once per row.

CREATE OR REPLACE FUNCTION agency.now() RETURNS timestamptz
LANGUAGE plpgsql STABLE AS $$
BEGIN
    IF current_setting('agency.movable_clock', true) = 'on' THEN
        RETURN now() + coalesce((SELECT t.shift FROM agency.test_clock t), interval '0');
    END IF;
    RETURN now();
END
$$;
COMMENT ON FUNCTION agency.now() IS
    'now(), or now() + agency.test_clock.shift on a connection with agency.movable_clock = on.';

CREATE OR REPLACE FUNCTION agency.today() RETURNS date
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (agency.now() AT TIME ZONE coalesce((SELECT b.timezone FROM agency.branches b
                                                 WHERE b.id = agency.current_branch_id()),
                                                'UTC'))::date;
END
$$;
COMMENT ON FUNCTION agency.today() IS 'The caller''s date in their branch''s time zone, by agency.now().';

CREATE OR REPLACE FUNCTION agency.agenda_followups(p_user bigint, p_days int, p_team boolean)
RETURNS SETOF agency.agenda_item
LANGUAGE plpgsql STABLE SET plan_cache_mode = force_generic_plan AS $$
DECLARE
    today date := agency.today();
BEGIN
    RETURN QUERY
    SELECT 'follow_up'::text, a.id, a.client_id, c.name, a.next_action, a.summary, a.next_due,
           NULL::timestamptz, a.next_due < today, u.id, u.full_name, a.kind, NULL::text,
           NULL::bigint, NULL::text, a.id, a.summary, a.next_action, a.next_due
      FROM agency.activities a JOIN agency.clients c ON c.id = a.client_id
      JOIN agency.users u ON u.id = a.user_id
     WHERE a.user_id IN (SELECT p.id FROM agency.agenda_people(p_user, p_team) AS p(id))
       AND a.done_at IS NULL AND a.next_action IS NOT NULL AND a.next_due IS NOT NULL
       AND a.next_due <= today + p_days AND c.archived_at IS NULL
     ORDER BY a.next_due, a.id LIMIT 1000;
END
$$;
COMMENT ON FUNCTION agency.agenda_followups(bigint, int, boolean) IS
    'The agenda''s follow-ups (activities with a next action due by today + p_days).';
