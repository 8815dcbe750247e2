-- 025_agenda_sources.sql - the agenda as the union of its sources: one function per kind of
-- thing that waits for someone (follow-ups here; tasks, renewals, client issues, approvals,
-- overdue invoices from their own migrations), each returning the same row, each with a
-- generic plan kept for the connection. The agenda handler (server/ops/agenda.c) selects the
-- union of every source in one statement, ordered by due time.
--
-- Every source is a function (p_user bigint, p_days int, p_team boolean) returning
-- agency.agenda_item rows, run as the caller (every policy applies), for p_user and, with
-- p_team, for the members of the teams p_user manages; its rows are due by the caller's today
-- + p_days (agency.today(): the movable clock, the branch's time zone), overdue ones first.

CREATE TYPE agency.agenda_item AS (
    item text,              -- follow_up, task, renewal, issue, approval, invoice, ...
    id bigint,              -- the record the item is about (activity, task, contract, ...)
    client_id bigint,
    client_name text,
    title text,             -- what is to be done, one line
    detail text,            -- one more line of context
    due date,               -- the day it is due
    due_at timestamptz,     -- the moment, when the rule has one (an SLA target)
    overdue boolean,
    owner_id bigint,        -- whose item it is
    owner_full_name text,
    kind text,              -- a sub-kind of the item (an activity's kind, a severity, ...)
    status text,
    amount bigint,          -- money items: minor units of currency
    currency text,
    activity_id bigint,     -- follow-ups: the keys the agenda answered before other items
    summary text,
    next_action text,
    next_due date
);
COMMENT ON TYPE agency.agenda_item IS
    'One row of the agenda, whatever its source; NULL fields are left out of the answer.';

-- Whether p_user manages a team (the agenda's team view is a manager's).
CREATE FUNCTION agency.manages_team(p_user bigint) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT EXISTS (SELECT 1 FROM agency.teams t WHERE t.manager_id = p_user)
$$;

-- The people an agenda covers: p_user, and with p_team the members of the teams p_user manages.
CREATE FUNCTION agency.agenda_people(p_user bigint, p_team boolean) RETURNS SETOF bigint
LANGUAGE sql STABLE AS $$
    SELECT p_user
    UNION
    SELECT u.id FROM agency.users u JOIN agency.teams tm ON tm.id = u.team_id
     WHERE p_team AND tm.manager_id = p_user
$$;

-- Open follow-ups: activities with a next action and a due date, not done, on live clients.
CREATE FUNCTION agency.agenda_followups(p_user bigint, p_days int, p_team boolean)
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
     WHERE a.user_id IN (SELECT agency.agenda_people(p_user, p_team)) AND a.done_at IS NULL
       AND a.next_action IS NOT NULL AND a.next_due IS NOT NULL
       AND a.next_due <= today + p_days AND c.archived_at IS NULL
     ORDER BY a.next_due, a.id LIMIT 1000;
END
$$;
COMMENT ON FUNCTION agency.agenda_followups(bigint, int, boolean) IS
    'The agenda''s follow-ups (activities with a next action due by today + p_days).';

-- Replaced by agenda_followups (the agenda handler unions the sources itself).
DROP FUNCTION agency.agenda(bigint, int, boolean);

GRANT EXECUTE ON FUNCTION agency.manages_team(bigint), agency.agenda_people(bigint, boolean),
    agency.agenda_followups(bigint, int, boolean) TO agency_app;
