-- 022_agenda_cached.sql - the agenda query in a PL/pgSQL function whose generic plan is kept
-- for the connection.
--
-- agencyd prepares its statements, but PostgreSQL kept planning the agenda statement for each
-- call (a custom plan: the policies of activities, clients, users and branches make it 1 to
-- 1.6 ms of planning, as much as running it for an AE's week). The function runs as the
-- caller, so every policy applies as before; its statement is the handler's former one
-- (server/op_activity.c).

-- An agenda's rows for p_user (and, with p_team, the members of the teams p_user manages):
-- open follow-ups (next action, not done, due date set) due by the caller's branch's today +
-- p_days, of clients not archived, overdue first by due date then id; 1,000 at most.
CREATE FUNCTION agency.agenda(p_user bigint, p_days int, p_team boolean)
RETURNS TABLE (section text, activity_id bigint, client_id bigint, client_name text,
               kind text, summary text, next_action text, next_due date, owner_id bigint,
               owner_full_name text)
LANGUAGE plpgsql STABLE SET plan_cache_mode = force_generic_plan AS $$
#variable_conflict use_column
BEGIN
    RETURN QUERY
    WITH t AS (SELECT (now() AT TIME ZONE coalesce((SELECT b.timezone FROM agency.branches b
                          WHERE b.id = agency.current_branch_id()), 'UTC'))::date AS today),
    who AS (SELECT p_user AS id UNION SELECT u.id FROM agency.users u
              JOIN agency.teams tm ON tm.id = u.team_id WHERE p_team AND tm.manager_id = p_user)
    SELECT CASE WHEN a.next_due < t.today THEN 'overdue' ELSE 'upcoming' END,
           a.id, a.client_id, c.name, a.kind, a.summary, a.next_action, a.next_due, u.id,
           u.full_name
      FROM agency.activities a CROSS JOIN t JOIN agency.clients c ON c.id = a.client_id
      JOIN agency.users u ON u.id = a.user_id
     WHERE a.user_id IN (SELECT id FROM who) AND a.done_at IS NULL
       AND a.next_action IS NOT NULL AND a.next_due IS NOT NULL
       AND a.next_due <= t.today + p_days AND c.archived_at IS NULL
     ORDER BY a.next_due, a.id LIMIT 1000;
END
$$;
GRANT EXECUTE ON FUNCTION agency.agenda(bigint, int, boolean) TO agency_app;
