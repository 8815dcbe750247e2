-- 050_issues.sql - client issues: inquiries, complaints, suggestions and the rest, their flow
-- (received -> triaged -> investigating -> resolved -> confirmed -> closed), their response
-- targets by severity, and the escalation that climbs to the owner's team manager and then to
-- every director when nobody answers in time.
--
-- An issue is answered ("responded to") when it leaves `received`. Its target, respond_by, is
-- fixed when it is opened from agency.issue_targets (one row per severity, the agency's
-- configuration: critical 1 hour, high 4 hours, normal 1 working day, low 3 days; the owner
-- role overrides a target with an UPDATE, which applies to issues opened from then on). An
-- issue still unanswered at respond_by escalates to level 1 (the manager of the team of the
-- client's owner); still unanswered one more target period later, to level 2 (every active
-- director). The sweep agency.issues_escalate() does it by the database clock, whichever
-- agencyd runs it; issue_escalations holds one row per issue and level (a unique key), so a
-- level is reached once whatever runs twice. issue.escalate raises the level by hand.

-- ---------------------------------------------------------------------------------------
-- Response targets by severity.
-- ---------------------------------------------------------------------------------------
CREATE TABLE agency.issue_targets (
    severity text PRIMARY KEY
        CONSTRAINT issue_targets_severity_check CHECK (severity IN ('low', 'normal', 'high', 'critical')),
    response interval NOT NULL
        CONSTRAINT issue_targets_response_check CHECK (response >= interval '1 minute'
                                                       AND response <= interval '90 days'),
    working_days boolean NOT NULL DEFAULT false
);
COMMENT ON TABLE agency.issue_targets IS
    'Response target of a new issue by severity (configuration; the owner role may UPDATE it).';
COMMENT ON COLUMN agency.issue_targets.response IS
    'Time from opening to the first answer (the issue leaving received).';
COMMENT ON COLUMN agency.issue_targets.working_days IS
    'Count the response''s whole days as working days (Monday to Friday, the owner''s branch time zone).';

INSERT INTO agency.issue_targets (severity, response, working_days) VALUES
    ('critical', interval '1 hour', false),
    ('high', interval '4 hours', false),
    ('normal', interval '1 day', true),
    ('low', interval '3 days', false);

-- The moment p_from + p_response, whole days counted as working days (Saturdays and Sundays
-- skipped in time zone p_tz) when p_working_days.
CREATE FUNCTION agency.issue_due(p_from timestamptz, p_response interval, p_working_days boolean,
                                 p_tz text) RETURNS timestamptz
LANGUAGE plpgsql STABLE AS $$
DECLARE
    local timestamp := p_from AT TIME ZONE p_tz;
    days int := extract(day FROM p_response)::int;
BEGIN
    IF NOT p_working_days THEN
        RETURN p_from + p_response;
    END IF;
    local := local + (p_response - make_interval(days => days));
    FOR i IN 1 .. days LOOP
        local := local + interval '1 day';
        WHILE extract(isodow FROM local) > 5 LOOP
            local := local + interval '1 day';
        END LOOP;
    END LOOP;
    RETURN local AT TIME ZONE p_tz;
END $$;
COMMENT ON FUNCTION agency.issue_due(timestamptz, interval, boolean, text) IS
    'p_from + p_response, whole days as working days (Mon-Fri in p_tz) when p_working_days.';

-- ---------------------------------------------------------------------------------------
-- Issues, their history and their escalations.
-- ---------------------------------------------------------------------------------------
CREATE TABLE agency.issues (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    client_id bigint NOT NULL REFERENCES agency.clients (id),
    category text NOT NULL
        CONSTRAINT issues_category_check CHECK (category IN ('inquiry', 'complaint', 'suggestion', 'other')),
    severity text NOT NULL REFERENCES agency.issue_targets (severity),
    channel text
        CONSTRAINT issues_channel_check CHECK (channel IN ('phone', 'email', 'meeting', 'visit', 'letter', 'web', 'other')),
    summary text NOT NULL
        CONSTRAINT issues_summary_check CHECK (char_length(summary) BETWEEN 1 AND 500 AND btrim(summary) <> ''),
    details text CONSTRAINT issues_details_check CHECK (char_length(details) <= 20000),
    status text NOT NULL DEFAULT 'received'
        CONSTRAINT issues_status_check CHECK (status IN ('received', 'triaged', 'investigating',
                                                         'resolved', 'confirmed', 'closed')),
    assignee_id bigint NOT NULL REFERENCES agency.users (id),
    opened_by bigint NOT NULL REFERENCES agency.users (id),
    opened_at timestamptz NOT NULL,
    respond_by timestamptz NOT NULL,
    responded_at timestamptz,
    escalation_level int NOT NULL DEFAULT 0
        CONSTRAINT issues_escalation_level_check CHECK (escalation_level BETWEEN 0 AND 2),
    escalated_at timestamptz,
    root_cause text CONSTRAINT issues_root_cause_check CHECK (char_length(root_cause) <= 20000),
    prevention text CONSTRAINT issues_prevention_check CHECK (char_length(prevention) <= 20000),
    resolved_at timestamptz,
    closed_at timestamptz,
    version int NOT NULL DEFAULT 1,
    CONSTRAINT issues_respond_by_check CHECK (respond_by > opened_at),
    CONSTRAINT issues_responded_check CHECK ((status = 'received') = (responded_at IS NULL)),
    CONSTRAINT issues_closed_check CHECK ((status = 'closed') = (closed_at IS NOT NULL)),
    CONSTRAINT issues_summarised_check CHECK (status <> 'closed' OR (btrim(root_cause) <> ''
                                                                    AND btrim(prevention) <> ''))
);
COMMENT ON TABLE agency.issues IS
    'Client issues: what the client raised, its flow, its response target and escalation level.';
COMMENT ON COLUMN agency.issues.respond_by IS
    'The response target: opened_at + the severity''s agency.issue_targets row at opening.';
COMMENT ON COLUMN agency.issues.responded_at IS 'When the issue left received (the first answer).';
COMMENT ON COLUMN agency.issues.escalation_level IS
    '0 none, 1 the owner''s team manager, 2 every director.';
COMMENT ON COLUMN agency.issues.root_cause IS 'Why it happened; required to close.';
COMMENT ON COLUMN agency.issues.prevention IS 'What keeps it from happening again; required to close.';
CREATE INDEX issues_client_idx ON agency.issues (client_id, id);
CREATE INDEX issues_assignee_idx ON agency.issues (assignee_id, id) WHERE status <> 'closed';
CREATE INDEX issues_status_idx ON agency.issues (status, id);
-- The sweep's work: unanswered issues by target.
CREATE INDEX issues_unanswered_idx ON agency.issues (respond_by) WHERE status = 'received';

CREATE TABLE agency.issue_history (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    issue_id bigint NOT NULL REFERENCES agency.issues (id),
    at timestamptz NOT NULL,
    by_user bigint NOT NULL REFERENCES agency.users (id),
    from_status text,
    to_status text,
    assignee_id bigint REFERENCES agency.users (id),
    note text CONSTRAINT issue_history_note_check CHECK (char_length(note) <= 20000),
    CONSTRAINT issue_history_what_check CHECK (to_status IS NOT NULL OR assignee_id IS NOT NULL)
);
COMMENT ON TABLE agency.issue_history IS
    'Every step of an issue: its opening (from_status NULL), transitions and assignments.';
CREATE INDEX issue_history_issue_idx ON agency.issue_history (issue_id, id);

CREATE TABLE agency.issue_escalations (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    issue_id bigint NOT NULL REFERENCES agency.issues (id),
    level int NOT NULL CONSTRAINT issue_escalations_level_check CHECK (level IN (1, 2)),
    at timestamptz NOT NULL,
    by_user bigint REFERENCES agency.users (id),
    reason text NOT NULL CONSTRAINT issue_escalations_reason_check CHECK (char_length(reason) BETWEEN 1 AND 500),
    reached bigint[] NOT NULL,
    CONSTRAINT issue_escalations_once UNIQUE (issue_id, level)
);
COMMENT ON TABLE agency.issue_escalations IS
    'One row per issue and level reached: when, by whom (NULL: the response target passed), '
    'why, and the users it reached (pushed issue.escalated).';
CREATE INDEX issue_escalations_reached_idx ON agency.issue_escalations USING gin (reached);

-- ---------------------------------------------------------------------------------------
-- The rules, as functions run as the caller (every policy applies), except the sweep.
-- ---------------------------------------------------------------------------------------

-- Why user p_user cannot be the assignee of an issue of client p_client, or NULL when they can:
-- an active AE, manager or director who sees the client (its owner, the manager of the owner's
-- team, or a director). SECURITY DEFINER: it reads another user's scope, answering only why.
CREATE FUNCTION agency.issue_assignee_problem(p_user bigint, p_client bigint) RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = agency, pg_temp AS $$
    SELECT CASE
        WHEN u.id IS NULL THEN 'no such user'
        WHEN NOT u.active THEN 'is deactivated'
        WHEN u.role = 'finance' THEN 'cannot handle client issues (finance)'
        WHEN u.role = 'director' OR u.id = c.owner_id
             OR EXISTS (SELECT 1 FROM agency.users o JOIN agency.teams t ON t.id = o.team_id
                         WHERE o.id = c.owner_id AND t.manager_id = u.id) THEN NULL
        ELSE 'does not work on this client (its owner, their manager or a director)'
    END
      FROM (SELECT 1) one
      LEFT JOIN agency.users u ON u.id = p_user
      LEFT JOIN agency.clients c ON c.id = p_client
$$;
COMMENT ON FUNCTION agency.issue_assignee_problem(bigint, bigint) IS
    'Why p_user may not be assigned an issue of client p_client (NULL when they may).';

-- Opens an issue on client p_client (visible to the caller, else no row: the handler answers
-- not_found), assigned to the client's owner, with its response target; answers its id.
CREATE FUNCTION agency.issue_open(p_client bigint, p_category text, p_severity text,
                                  p_channel text, p_summary text, p_details text)
RETURNS SETOF bigint
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    c record;
    t record;
    new_id bigint;
BEGIN
    SELECT cl.id, cl.owner_id, coalesce(b.timezone, 'UTC') AS tz INTO c
      FROM agency.clients cl JOIN agency.users o ON o.id = cl.owner_id
      LEFT JOIN agency.branches b ON b.id = o.branch_id
     WHERE cl.id = p_client AND cl.archived_at IS NULL;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    SELECT * INTO STRICT t FROM agency.issue_targets WHERE severity = p_severity;
    INSERT INTO agency.issues (client_id, category, severity, channel, summary, details,
                               assignee_id, opened_by, opened_at, respond_by)
    VALUES (c.id, p_category, p_severity, p_channel, p_summary, nullif(p_details, ''),
            c.owner_id, agency.current_user_id(), agency.now(),
            agency.issue_due(agency.now(), t.response, t.working_days, c.tz))
    RETURNING id INTO new_id;
    INSERT INTO agency.issue_history (issue_id, at, by_user, to_status, assignee_id)
    VALUES (new_id, agency.now(), agency.current_user_id(), 'received', c.owner_id);
    PERFORM agency.push(c.owner_id, 'issue.opened',
                        jsonb_build_object('issue_id', new_id, 'client_id', c.id,
                                           'severity', p_severity, 'summary', p_summary))
     WHERE c.owner_id IS DISTINCT FROM agency.current_user_id();
    RETURN NEXT new_id;
END $$;
COMMENT ON FUNCTION agency.issue_open(bigint, text, text, text, text, text) IS
    'issue.open: a new issue on a visible live client, assigned to its owner; answers the id.';

-- The flow: which status may follow which (resolved may go back to investigating when the
-- client does not confirm the fix).
CREATE FUNCTION agency.issue_next_ok(p_from text, p_to text) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
    SELECT (p_from, p_to) IN (('received', 'triaged'), ('triaged', 'investigating'),
                              ('investigating', 'resolved'), ('resolved', 'confirmed'),
                              ('resolved', 'investigating'), ('confirmed', 'closed'))
$$;
COMMENT ON FUNCTION agency.issue_next_ok(text, text) IS 'Whether the flow lets p_from go to p_to.';

-- Moves issue p_id (visible to the caller) to p_to, recording note, root cause and prevention
-- (kept when not given); answers the previous status, or no row when the issue is not visible.
-- Refuses (AGIV0, field in DETAIL) a step the flow does not allow, and closing without a root
-- cause and a prevention.
CREATE FUNCTION agency.issue_transition(p_id bigint, p_to text, p_note text, p_root_cause text,
                                        p_prevention text) RETURNS SETOF text
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    i record;
BEGIN
    SELECT * INTO i FROM agency.issues WHERE id = p_id FOR UPDATE;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    IF i.status = p_to THEN
        RAISE EXCEPTION 'is the issue''s status already (%)', p_to USING ERRCODE = 'AGIV0', DETAIL = 'to';
    END IF;
    IF NOT agency.issue_next_ok(i.status, p_to) THEN
        RAISE EXCEPTION 'an issue that is % cannot become % (the flow is received, triaged, '
                        'investigating, resolved, confirmed, closed)', i.status, p_to
              USING ERRCODE = 'AGIV0', DETAIL = 'to';
    END IF;
    IF p_to = 'closed' AND coalesce(btrim(coalesce(p_root_cause, i.root_cause)), '') = '' THEN
        RAISE EXCEPTION 'is required to close an issue (why it happened)'
              USING ERRCODE = 'AGIV0', DETAIL = 'root_cause';
    END IF;
    IF p_to = 'closed' AND coalesce(btrim(coalesce(p_prevention, i.prevention)), '') = '' THEN
        RAISE EXCEPTION 'is required to close an issue (what keeps it from happening again)'
              USING ERRCODE = 'AGIV0', DETAIL = 'prevention';
    END IF;
    UPDATE agency.issues SET status = p_to, version = version + 1,
           responded_at = coalesce(responded_at, agency.now()),
           resolved_at = CASE WHEN p_to = 'resolved' THEN agency.now()
                              WHEN p_to = 'investigating' THEN NULL ELSE resolved_at END,
           closed_at = CASE WHEN p_to = 'closed' THEN agency.now() END,
           root_cause = coalesce(nullif(p_root_cause, ''), root_cause),
           prevention = coalesce(nullif(p_prevention, ''), prevention)
     WHERE id = p_id;
    INSERT INTO agency.issue_history (issue_id, at, by_user, from_status, to_status, note)
    VALUES (p_id, agency.now(), agency.current_user_id(), i.status, p_to, nullif(p_note, ''));
    RETURN NEXT i.status;
END $$;
COMMENT ON FUNCTION agency.issue_transition(bigint, text, text, text, text) IS
    'issue.transition: one step of the flow; answers the previous status (no row: not visible).';

-- Assigns issue p_id (visible to the caller) to p_user; answers the previous assignee, or no
-- row when the issue is not visible. Refuses (AGIV0) an assignee who cannot work on the client
-- and a closed issue. Pushes issue.assigned to the new assignee (not to the caller).
CREATE FUNCTION agency.issue_assign(p_id bigint, p_user bigint) RETURNS SETOF bigint
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    i record;
    why text;
BEGIN
    SELECT * INTO i FROM agency.issues WHERE id = p_id FOR UPDATE;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    IF i.status = 'closed' THEN
        RAISE EXCEPTION 'is closed' USING ERRCODE = 'AGIV0', DETAIL = 'id';
    END IF;
    why := agency.issue_assignee_problem(p_user, i.client_id);
    IF why IS NOT NULL THEN
        RAISE EXCEPTION '%', why USING ERRCODE = 'AGIV0', DETAIL = 'assignee_id';
    END IF;
    IF i.assignee_id = p_user THEN
        RETURN NEXT i.assignee_id; -- already theirs: nothing changes
        RETURN;
    END IF;
    UPDATE agency.issues SET assignee_id = p_user, version = version + 1 WHERE id = p_id;
    INSERT INTO agency.issue_history (issue_id, at, by_user, assignee_id)
    VALUES (p_id, agency.now(), agency.current_user_id(), p_user);
    PERFORM agency.push(p_user, 'issue.assigned',
                        jsonb_build_object('issue_id', p_id, 'client_id', i.client_id,
                                           'severity', i.severity, 'summary', i.summary,
                                           'by', agency.current_user_id()))
     WHERE p_user IS DISTINCT FROM agency.current_user_id();
    RETURN NEXT i.assignee_id;
END $$;
COMMENT ON FUNCTION agency.issue_assign(bigint, bigint) IS
    'issue.assign: hands an open issue to someone who works on its client.';

-- The users level p_level of issue p_id reaches: 1 the manager of the team of the client's
-- owner (none when there is no such manager, or when the owner is that manager), 2 every active
-- director. SECURITY DEFINER: it
-- names people the caller's policies may not list; it answers ids only.
CREATE FUNCTION agency.issue_reach(p_id bigint, p_level int) RETURNS bigint[]
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = agency, pg_temp AS $$
    SELECT CASE p_level
        WHEN 1 THEN ARRAY(SELECT t.manager_id FROM agency.issues i
                            JOIN agency.clients c ON c.id = i.client_id
                            JOIN agency.users o ON o.id = c.owner_id
                            JOIN agency.teams t ON t.id = o.team_id
                            JOIN agency.users m ON m.id = t.manager_id AND m.active
                           WHERE i.id = p_id AND t.manager_id <> c.owner_id)
        ELSE ARRAY(SELECT u.id FROM agency.users u WHERE u.role = 'director' AND u.active
                    ORDER BY u.id)
    END
$$;
COMMENT ON FUNCTION agency.issue_reach(bigint, int) IS
    'Who escalation level p_level of issue p_id reaches (1: the owner''s team manager, 2: directors).';

-- Raises issue p_id (locked by the caller) from level p_from to the next level that reaches
-- someone (a level 1 without a manager goes on to the directors), records it, and pushes
-- issue.escalated to everyone it reaches. p_by NULL: the response target passed. Answers the
-- level reached, or NULL when the issue was not at p_from any more (someone else did it).
CREATE FUNCTION agency.issue_raise(p_id bigint, p_from int, p_by bigint, p_reason text)
RETURNS int
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    lvl int := p_from + 1;
    who bigint[];
    i record;
BEGIN
    who := agency.issue_reach(p_id, lvl);
    IF lvl = 1 AND cardinality(who) = 0 THEN
        lvl := 2;
        who := agency.issue_reach(p_id, lvl);
    END IF;
    UPDATE agency.issues SET escalation_level = lvl, escalated_at = agency.now(),
           version = version + 1
     WHERE id = p_id AND escalation_level = p_from
    RETURNING id, client_id, severity, summary, status, respond_by INTO i;
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    INSERT INTO agency.issue_escalations (issue_id, level, at, by_user, reason, reached)
    VALUES (p_id, lvl, agency.now(), p_by, p_reason, who);
    PERFORM agency.push(u, 'issue.escalated', jsonb_strip_nulls(
                        jsonb_build_object('issue_id', p_id, 'client_id', i.client_id,
                                           'client_name', (SELECT c.name FROM agency.clients c
                                                            WHERE c.id = i.client_id),
                                           'level', lvl, 'severity', i.severity,
                                           'summary', left(i.summary, 200), 'status', i.status,
                                           'reason', left(p_reason, 200), 'by', p_by)))
       FROM unnest(who) u;
    RETURN lvl;
END $$;
COMMENT ON FUNCTION agency.issue_raise(bigint, int, bigint, text) IS
    'Records and pushes the next escalation level of a locked issue; NULL when it moved already.';

-- The sweep: every unanswered issue past its target (level 0) or past a second target period
-- (level 1) rises one level, each taken FOR UPDATE SKIP LOCKED and raised only from the level
-- it was read at, audited as issue.escalate by nobody. Answers how many rose.
CREATE FUNCTION agency.issues_escalate() RETURNS int
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = agency, pg_temp AS $$
DECLARE
    i record;
    lvl int;
    n int := 0;
BEGIN
    FOR i IN SELECT s.id, s.escalation_level FROM agency.issues s
              WHERE s.status = 'received' AND s.escalation_level < 2
                AND agency.now() >= s.respond_by + (s.respond_by - s.opened_at) * s.escalation_level
              ORDER BY s.respond_by, s.id LIMIT 1000
                FOR UPDATE SKIP LOCKED LOOP
        lvl := agency.issue_raise(i.id, i.escalation_level, NULL, 'the response target passed');
        CONTINUE WHEN lvl IS NULL;
        INSERT INTO agency.audit_log (user_id, username, op, target, outcome, detail)
        VALUES (NULL, 'agency.sweep', 'issue.escalate', 'issue:' || i.id, 'ok',
                format('level %s automatically: the response target passed', lvl));
        n := n + 1;
    END LOOP;
    RETURN n;
END $$;
COMMENT ON FUNCTION agency.issues_escalate() IS
    'Sweep: unanswered issues past their response target rise one escalation level (audited, pushed).';

INSERT INTO agency.sweeps (name, fn, every)
VALUES ('issues_escalate', 'agency.issues_escalate()'::regprocedure, interval '1 second');

-- The agenda's client issues: open issues assigned to the agenda's people, and those escalated
-- to p_user. An unanswered one is due at its response target (overdue past it); an answered one
-- waits today, until it is closed.
CREATE FUNCTION agency.agenda_issues(p_user bigint, p_days int, p_team boolean)
RETURNS SETOF agency.agenda_item
LANGUAGE plpgsql STABLE SET plan_cache_mode = force_generic_plan AS $$
DECLARE
    now_ts timestamptz := agency.now();
BEGIN
    RETURN QUERY
    SELECT 'issue'::text, i.id, i.client_id, c.name, i.summary,
           i.category || ', ' || i.status ||
               CASE WHEN e.level IS NOT NULL THEN ', escalated to you (level ' || e.level || ')'
                    WHEN i.escalation_level > 0 THEN ', escalated (level ' || i.escalation_level || ')'
                    ELSE '' END,
           CASE WHEN i.status = 'received'
                THEN (i.respond_by AT TIME ZONE coalesce((SELECT b.timezone FROM agency.branches b
                                                           WHERE b.id = agency.current_branch_id()),
                                                         'UTC'))::date
                ELSE agency.today() END,
           CASE WHEN i.status = 'received' THEN i.respond_by END,
           i.status = 'received' AND i.respond_by <= now_ts, u.id, u.full_name,
           i.severity, i.status, NULL::bigint, NULL::text, NULL::bigint, NULL::text, NULL::text,
           NULL::date
      FROM agency.issues i JOIN agency.clients c ON c.id = i.client_id
      JOIN agency.users u ON u.id = i.assignee_id
      LEFT JOIN LATERAL (SELECT max(x.level) AS level FROM agency.issue_escalations x
                          WHERE x.issue_id = i.id AND p_user = ANY (x.reached)) e ON true
     WHERE i.status <> 'closed'
       AND (i.assignee_id IN (SELECT p.id FROM agency.agenda_people(p_user, p_team) AS p(id))
            OR e.level IS NOT NULL)
     ORDER BY i.respond_by, i.id LIMIT 1000;
END
$$;
COMMENT ON FUNCTION agency.agenda_issues(bigint, int, boolean) IS
    'The agenda''s open client issues: assigned to the agenda''s people or escalated to p_user.';

-- ---------------------------------------------------------------------------------------
-- Row-level security: an issue follows its client's scope (the clients policy decides), never
-- finance; history and escalations follow their issue.
-- ---------------------------------------------------------------------------------------
ALTER TABLE agency.issue_targets ENABLE ROW LEVEL SECURITY;
ALTER TABLE agency.issue_targets FORCE ROW LEVEL SECURITY;
ALTER TABLE agency.issues ENABLE ROW LEVEL SECURITY;
ALTER TABLE agency.issues FORCE ROW LEVEL SECURITY;
ALTER TABLE agency.issue_history ENABLE ROW LEVEL SECURITY;
ALTER TABLE agency.issue_history FORCE ROW LEVEL SECURITY;
ALTER TABLE agency.issue_escalations ENABLE ROW LEVEL SECURITY;
ALTER TABLE agency.issue_escalations FORCE ROW LEVEL SECURITY;

CREATE POLICY owner_all ON agency.issue_targets TO agency_owner USING (true) WITH CHECK (true);
CREATE POLICY owner_all ON agency.issues TO agency_owner USING (true) WITH CHECK (true);
CREATE POLICY owner_all ON agency.issue_history TO agency_owner USING (true) WITH CHECK (true);
CREATE POLICY owner_all ON agency.issue_escalations TO agency_owner USING (true) WITH CHECK (true);

-- The targets are read by anyone logged in (issue.open computes respond_by from them).
CREATE POLICY app_read ON agency.issue_targets FOR SELECT TO agency_app
    USING (agency.current_user_id() IS NOT NULL);
-- Issues: the account team of the client; opened as oneself.
CREATE POLICY app_read ON agency.issues FOR SELECT TO agency_app
    USING (agency.can_write_clients() AND client_id IN (SELECT c.id FROM agency.clients c));
CREATE POLICY app_insert ON agency.issues FOR INSERT TO agency_app
    WITH CHECK (agency.can_write_clients() AND opened_by = agency.current_user_id()
                AND client_id IN (SELECT c.id FROM agency.clients c));
CREATE POLICY app_update ON agency.issues FOR UPDATE TO agency_app
    USING (agency.can_write_clients() AND client_id IN (SELECT c.id FROM agency.clients c))
    WITH CHECK (agency.can_write_clients() AND client_id IN (SELECT c.id FROM agency.clients c));
-- History and escalations: those who see the issue; written as oneself.
CREATE POLICY app_read ON agency.issue_history FOR SELECT TO agency_app
    USING (issue_id IN (SELECT i.id FROM agency.issues i));
CREATE POLICY app_insert ON agency.issue_history FOR INSERT TO agency_app
    WITH CHECK (by_user = agency.current_user_id() AND issue_id IN (SELECT i.id FROM agency.issues i));
CREATE POLICY app_read ON agency.issue_escalations FOR SELECT TO agency_app
    USING (issue_id IN (SELECT i.id FROM agency.issues i));
CREATE POLICY app_insert ON agency.issue_escalations FOR INSERT TO agency_app
    WITH CHECK (by_user = agency.current_user_id() AND issue_id IN (SELECT i.id FROM agency.issues i));

GRANT SELECT ON agency.issue_targets, agency.issues, agency.issue_history,
    agency.issue_escalations TO agency_app;
GRANT INSERT (client_id, category, severity, channel, summary, details, assignee_id, opened_by,
              opened_at, respond_by) ON agency.issues TO agency_app;
GRANT UPDATE (status, assignee_id, responded_at, escalation_level, escalated_at, root_cause,
              prevention, resolved_at, closed_at, version) ON agency.issues TO agency_app;
GRANT INSERT (issue_id, at, by_user, from_status, to_status, assignee_id, note)
    ON agency.issue_history TO agency_app;
GRANT INSERT (issue_id, level, at, by_user, reason, reached) ON agency.issue_escalations
    TO agency_app;
GRANT EXECUTE ON FUNCTION agency.issue_due(timestamptz, interval, boolean, text),
    agency.issue_assignee_problem(bigint, bigint),
    agency.issue_open(bigint, text, text, text, text, text),
    agency.issue_next_ok(text, text),
    agency.issue_transition(bigint, text, text, text, text),
    agency.issue_assign(bigint, bigint),
    agency.issue_reach(bigint, int),
    agency.issue_raise(bigint, int, bigint, text),
    agency.agenda_issues(bigint, int, boolean) TO agency_app;
-- agency.issues_escalate() is the sweep's alone: agency.sweep() runs it as the owner.
