-- 043_jobs.sql - job cards: the work a campaign's meetings hand out. A job card holds the
-- meeting's minutes (flagged late when logged more than 24 hours after the meeting) and its
-- tasks, each with an assignee and a due date, which wait in the assignee's agenda until done.
-- A job closes when its tasks are done, or with a reason. Nothing is deleted.

-- ---------------------------------------------------------------------------------------
-- jobs: under a campaign (of the same client). minutes_at is when the minutes were first
-- logged; minutes_late says they came more than 24 hours after meeting_at.
-- ---------------------------------------------------------------------------------------
CREATE TABLE agency.jobs (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    campaign_id bigint NOT NULL,
    client_id bigint NOT NULL,
    title text NOT NULL
        CONSTRAINT jobs_title_check CHECK (char_length(title) BETWEEN 1 AND 200 AND btrim(title) <> ''),
    meeting_at timestamptz,
    minutes text CONSTRAINT jobs_minutes_check CHECK (char_length(minutes) <= 20000),
    minutes_at timestamptz,
    minutes_late boolean GENERATED ALWAYS AS
        (coalesce(minutes_at - meeting_at > interval '24 hours', false)) STORED,
    due_on date,
    status text NOT NULL DEFAULT 'open' CONSTRAINT jobs_status_check CHECK (status IN ('open', 'closed')),
    closed_at timestamptz,
    closed_by bigint REFERENCES agency.users (id),
    close_reason text CONSTRAINT jobs_close_reason_check CHECK (char_length(close_reason) <= 500),
    created_at timestamptz NOT NULL DEFAULT agency.now(),
    created_by bigint REFERENCES agency.users (id),
    version int NOT NULL DEFAULT 1,
    CONSTRAINT jobs_id_client_key UNIQUE (id, client_id),
    CONSTRAINT jobs_campaign_fkey FOREIGN KEY (campaign_id, client_id)
        REFERENCES agency.campaigns (id, client_id),
    CONSTRAINT jobs_minutes_at_check CHECK ((minutes IS NULL) = (minutes_at IS NULL)),
    CONSTRAINT jobs_meeting_at_check CHECK (meeting_at IS NULL OR minutes_at IS NULL OR meeting_at <= minutes_at),
    CONSTRAINT jobs_closed_check
        CHECK ((status = 'closed') = (closed_at IS NOT NULL) AND (closed_at IS NULL) = (closed_by IS NULL))
);
CREATE INDEX jobs_campaign_idx ON agency.jobs (campaign_id, id);
CREATE INDEX jobs_client_idx ON agency.jobs (client_id, id);
COMMENT ON TABLE agency.jobs IS
    'Job cards of a campaign: title, meeting minutes (late after 24 hours), tasks; closed, never deleted.';
COMMENT ON COLUMN agency.jobs.minutes_late IS 'The minutes were logged more than 24 hours after the meeting.';

-- ---------------------------------------------------------------------------------------
-- job_tasks: one thing to do, by whom, by when; done with who and when.
-- ---------------------------------------------------------------------------------------
CREATE TABLE agency.job_tasks (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    job_id bigint NOT NULL,
    client_id bigint NOT NULL,
    title text NOT NULL
        CONSTRAINT job_tasks_title_check CHECK (char_length(title) BETWEEN 1 AND 200 AND btrim(title) <> ''),
    assignee_id bigint NOT NULL REFERENCES agency.users (id),
    due_on date NOT NULL,
    done_at timestamptz,
    done_by bigint REFERENCES agency.users (id),
    created_at timestamptz NOT NULL DEFAULT agency.now(),
    created_by bigint REFERENCES agency.users (id),
    CONSTRAINT job_tasks_job_fkey FOREIGN KEY (job_id, client_id) REFERENCES agency.jobs (id, client_id),
    CONSTRAINT job_tasks_done_check CHECK ((done_at IS NULL) = (done_by IS NULL))
);
CREATE INDEX job_tasks_job_idx ON agency.job_tasks (job_id, id);
CREATE INDEX job_tasks_assignee_idx ON agency.job_tasks (assignee_id, due_on) WHERE done_at IS NULL;
COMMENT ON TABLE agency.job_tasks IS
    'Tasks of a job card: title, assignee, due date, done by whom and when; in the assignee''s agenda.';

-- ---------------------------------------------------------------------------------------
-- Row-level security: a job follows its client's scope for the account team (never finance);
-- a task is also there for its assignee (who marks it done), and so is the job it belongs to,
-- whoever owns the client.
-- ---------------------------------------------------------------------------------------
ALTER TABLE agency.jobs ENABLE ROW LEVEL SECURITY;
ALTER TABLE agency.jobs FORCE ROW LEVEL SECURITY;
ALTER TABLE agency.job_tasks ENABLE ROW LEVEL SECURITY;
ALTER TABLE agency.job_tasks FORCE ROW LEVEL SECURITY;
CREATE POLICY owner_all ON agency.jobs TO agency_owner USING (true) WITH CHECK (true);
CREATE POLICY owner_all ON agency.job_tasks TO agency_owner USING (true) WITH CHECK (true);

CREATE POLICY app_read ON agency.job_tasks FOR SELECT TO agency_app
    USING (agency.can_write_clients()
           AND (assignee_id = agency.current_user_id()
                OR EXISTS (SELECT 1 FROM agency.clients c WHERE c.id = client_id)));
CREATE POLICY app_insert ON agency.job_tasks FOR INSERT TO agency_app
    WITH CHECK (agency.can_write_clients() AND created_by = agency.current_user_id()
                AND EXISTS (SELECT 1 FROM agency.clients c WHERE c.id = client_id));
CREATE POLICY app_update ON agency.job_tasks FOR UPDATE TO agency_app
    USING (agency.can_write_clients()
           AND (assignee_id = agency.current_user_id()
                OR EXISTS (SELECT 1 FROM agency.clients c WHERE c.id = client_id)))
    WITH CHECK (agency.can_write_clients()
                AND (assignee_id = agency.current_user_id()
                     OR EXISTS (SELECT 1 FROM agency.clients c WHERE c.id = client_id)));
COMMENT ON POLICY app_read ON agency.job_tasks IS 'The account team of the client, and the assignee.';
COMMENT ON POLICY app_insert ON agency.job_tasks IS 'The account team of the client, in its own name.';
COMMENT ON POLICY app_update ON agency.job_tasks IS 'The account team of the client, and the assignee.';

CREATE POLICY app_read ON agency.jobs FOR SELECT TO agency_app
    USING (agency.can_write_clients()
           AND (EXISTS (SELECT 1 FROM agency.clients c WHERE c.id = client_id)
                OR EXISTS (SELECT 1 FROM agency.job_tasks t
                            WHERE t.job_id = jobs.id AND t.assignee_id = agency.current_user_id())));
CREATE POLICY app_insert ON agency.jobs FOR INSERT TO agency_app
    WITH CHECK (agency.can_write_clients() AND EXISTS (SELECT 1 FROM agency.clients c WHERE c.id = client_id));
CREATE POLICY app_update ON agency.jobs FOR UPDATE TO agency_app
    USING (agency.can_write_clients() AND EXISTS (SELECT 1 FROM agency.clients c WHERE c.id = client_id))
    WITH CHECK (agency.can_write_clients() AND EXISTS (SELECT 1 FROM agency.clients c WHERE c.id = client_id));
COMMENT ON POLICY app_read ON agency.jobs IS 'The account team of the client, and whoever has a task in it.';
COMMENT ON POLICY app_insert ON agency.jobs IS 'The account team, for a client in scope.';
COMMENT ON POLICY app_update ON agency.jobs IS 'The account team, for a client in scope.';

GRANT SELECT ON agency.jobs, agency.job_tasks TO agency_app;
GRANT INSERT (campaign_id, client_id, title, meeting_at, minutes, minutes_at, due_on, created_by)
    ON agency.jobs TO agency_app;
GRANT UPDATE (meeting_at, minutes, minutes_at, status, closed_at, closed_by, close_reason, version)
    ON agency.jobs TO agency_app;
GRANT INSERT (job_id, client_id, title, assignee_id, due_on, created_by) ON agency.job_tasks TO agency_app;
GRANT UPDATE (done_at, done_by) ON agency.job_tasks TO agency_app;

-- A closed job changes no more (nor do its tasks); it closes only when its tasks are done or
-- with a reason.
CREATE FUNCTION agency.jobs_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.status = 'closed' THEN
        RAISE EXCEPTION 'the job is closed' USING ERRCODE = 'AGIV0', DETAIL = 'id';
    END IF;
    IF NEW.status = 'closed' AND btrim(coalesce(NEW.close_reason, '')) = ''
       AND EXISTS (SELECT 1 FROM agency.job_tasks t WHERE t.job_id = NEW.id AND t.done_at IS NULL) THEN
        RAISE EXCEPTION 'the job has tasks not done: finish them or give a reason'
            USING ERRCODE = 'AGIV0', DETAIL = 'reason';
    END IF;
    RETURN NEW;
END $$;
COMMENT ON FUNCTION agency.jobs_guard() IS
    'Jobs: a closed job is frozen; closing needs every task done, or a reason.';
CREATE TRIGGER jobs_guard BEFORE UPDATE ON agency.jobs
    FOR EACH ROW EXECUTE FUNCTION agency.jobs_guard();

-- The agenda's tasks: open tasks of open jobs assigned to the agenda's people, due by today +
-- p_days (or overdue). The client's name shows when the caller sees the client.
CREATE FUNCTION agency.agenda_tasks(p_user bigint, p_days int, p_team boolean)
RETURNS SETOF agency.agenda_item
LANGUAGE plpgsql STABLE SET plan_cache_mode = force_generic_plan AS $$
DECLARE
    today date := agency.today();
BEGIN
    RETURN QUERY
    SELECT 'task'::text, t.id, t.client_id, c.name, t.title, j.title, t.due_on, NULL::timestamptz,
           t.due_on < today, u.id, u.full_name, NULL::text, 'open'::text, NULL::bigint,
           NULL::text, NULL::bigint, NULL::text, NULL::text, NULL::date
      FROM agency.job_tasks t JOIN agency.jobs j ON j.id = t.job_id
      JOIN agency.users u ON u.id = t.assignee_id
      LEFT JOIN agency.clients c ON c.id = t.client_id
     WHERE t.assignee_id IN (SELECT agency.agenda_people(p_user, p_team)) AND t.done_at IS NULL
       AND j.status = 'open' AND t.due_on <= today + p_days
     ORDER BY t.due_on, t.id LIMIT 1000;
END
$$;
COMMENT ON FUNCTION agency.agenda_tasks(bigint, int, boolean) IS
    'The agenda''s tasks: open tasks of open jobs assigned to the people, due by today + p_days.';
GRANT EXECUTE ON FUNCTION agency.agenda_tasks(bigint, int, boolean) TO agency_app;
