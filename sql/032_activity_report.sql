-- 032_activity_report.sql - report.activity: per person, what they logged in a period (calls,
-- meetings, visits, e-mails, notes), follow-ups done and missed, clients touched, and meeting
-- minutes logged late. Runs as the caller: the activities' policies decide which activities
-- count, and report_people() which people a report may name (a manager's team, or everyone
-- for a director).

-- The people a report of the caller covers: directors everyone who works on clients, a manager
-- themselves and the members of the teams they manage, anyone else only themselves (the
-- operation table keeps AEs and finance out of report.activity). p_team and p_user narrow it.
CREATE FUNCTION agency.report_people(p_team bigint, p_user bigint) RETURNS SETOF bigint
LANGUAGE sql STABLE AS $$
    SELECT u.id FROM agency.users u
     WHERE u.role IN ('ae', 'manager', 'director')
       AND (agency.is_director()
            OR u.id IN (SELECT agency.agenda_people(agency.current_user_id(),
                                                    agency.current_role() = 'manager')))
       AND (p_team IS NULL OR u.team_id = p_team)
       AND (p_user IS NULL OR u.id = p_user)
$$;
COMMENT ON FUNCTION agency.report_people(bigint, bigint) IS
    'The people the caller''s reports cover (directors: everyone; managers: themselves and their teams).';

-- One row per person of report_people(p_team, p_user) for the days p_since .. p_until
-- (inclusive, UTC):
--   calls, meetings, visits, emails, notes  activities of each kind that occurred then
--   followups_done     follow-ups they marked done then
--   followups_overdue  their follow-ups due then and not done by the end of the due day (done
--                      late, or still open after it: as of agency.today())
--   clients_touched    distinct clients of their activities then
--   minutes_late       meetings logged more than 24 hours after they took place
CREATE FUNCTION agency.activity_report(p_since date, p_until date, p_team bigint, p_user bigint)
RETURNS TABLE (user_id bigint, full_name text, team_id bigint, team_name text, calls bigint,
               meetings bigint, visits bigint, emails bigint, notes bigint,
               followups_done bigint, followups_overdue bigint, clients_touched bigint,
               minutes_late bigint)
LANGUAGE sql STABLE AS $$
    WITH people AS (
        SELECT p AS id FROM agency.report_people(p_team, p_user) p
    ), span AS (
        SELECT p_since::timestamp AT TIME ZONE 'UTC' AS t0,
               (p_until + 1)::timestamp AT TIME ZONE 'UTC' AS t1
    ), logged AS (
        SELECT a.user_id,
               count(*) FILTER (WHERE a.kind = 'call') AS calls,
               count(*) FILTER (WHERE a.kind = 'meeting') AS meetings,
               count(*) FILTER (WHERE a.kind = 'visit') AS visits,
               count(*) FILTER (WHERE a.kind = 'email') AS emails,
               count(*) FILTER (WHERE a.kind = 'note') AS notes,
               count(DISTINCT a.client_id) AS clients_touched,
               count(*) FILTER (WHERE a.kind = 'meeting'
                                  AND a.created_at > a.occurred_at + interval '24 hours')
                   AS minutes_late
          FROM agency.activities a, span
         WHERE a.user_id IN (SELECT id FROM people)
           AND a.occurred_at >= span.t0 AND a.occurred_at < span.t1
         GROUP BY a.user_id
    ), done AS (
        SELECT a.done_by AS user_id, count(*) AS n
          FROM agency.activities a, span
         WHERE a.done_by IN (SELECT id FROM people)
           AND a.done_at >= span.t0 AND a.done_at < span.t1
         GROUP BY a.done_by
    ), missed AS (
        SELECT a.user_id, count(*) AS n
          FROM agency.activities a
         WHERE a.user_id IN (SELECT id FROM people) AND a.next_due BETWEEN p_since AND p_until
           AND a.next_due < agency.today()
           AND (a.done_at IS NULL
                OR a.done_at >= (a.next_due + 1)::timestamp AT TIME ZONE 'UTC')
         GROUP BY a.user_id
    )
    SELECT u.id, u.full_name, t.id, t.name, coalesce(l.calls, 0), coalesce(l.meetings, 0),
           coalesce(l.visits, 0), coalesce(l.emails, 0), coalesce(l.notes, 0),
           coalesce(d.n, 0), coalesce(m.n, 0), coalesce(l.clients_touched, 0),
           coalesce(l.minutes_late, 0)
      FROM people p JOIN agency.users u ON u.id = p.id
      LEFT JOIN agency.teams t ON t.id = u.team_id
      LEFT JOIN logged l ON l.user_id = u.id
      LEFT JOIN done d ON d.user_id = u.id
      LEFT JOIN missed m ON m.user_id = u.id
     WHERE u.active OR l.user_id IS NOT NULL OR d.user_id IS NOT NULL
     ORDER BY t.name NULLS LAST, u.full_name, u.id
$$;
COMMENT ON FUNCTION agency.activity_report(date, date, bigint, bigint) IS
    'report.activity: per person, activities by kind, follow-ups done and missed, clients touched, late minutes.';

GRANT EXECUTE ON FUNCTION agency.report_people(bigint, bigint),
    agency.activity_report(date, date, bigint, bigint) TO agency_app;
