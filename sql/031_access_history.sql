-- 031_access_history.sql - "who could see this client at that moment": the history of team
-- managers (the one fact of the scope that was overwritten in place: teams.manager_id), and
-- audit_access(), which rebuilds a client's audience at an instant from the kept histories
-- (client_owners, user_history - role, team, branch, active - and team_managers).

-- ---------------------------------------------------------------------------------------
-- team_managers: who managed each team when. One open row (valid_to NULL) per team; a change
-- of teams.manager_id closes it and opens the next. Kept by triggers; rows are only closed.
-- ---------------------------------------------------------------------------------------
CREATE TABLE agency.team_managers (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    team_id bigint NOT NULL REFERENCES agency.teams (id),
    manager_id bigint NOT NULL REFERENCES agency.users (id),
    valid_from timestamptz NOT NULL,
    valid_to timestamptz,
    CONSTRAINT team_managers_period_check CHECK (valid_to IS NULL OR valid_to >= valid_from)
);
CREATE UNIQUE INDEX team_managers_open_key ON agency.team_managers (team_id) WHERE valid_to IS NULL;
CREATE INDEX team_managers_team_idx ON agency.team_managers (team_id, valid_from);
COMMENT ON TABLE agency.team_managers IS
    'Who managed each team when (valid_from inclusive, valid_to exclusive; NULL: still).';

-- The teams that exist already: their manager since the team was made.
INSERT INTO agency.team_managers (team_id, manager_id, valid_from)
SELECT t.id, t.manager_id, t.created_at FROM agency.teams t;

CREATE FUNCTION agency.teams_keep_managers() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = agency, pg_temp AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        IF NEW.manager_id = OLD.manager_id THEN
            RETURN NEW;
        END IF;
        UPDATE agency.team_managers SET valid_to = now()
         WHERE team_id = NEW.id AND valid_to IS NULL;
    END IF;
    INSERT INTO agency.team_managers (team_id, manager_id, valid_from)
    VALUES (NEW.id, NEW.manager_id, now());
    RETURN NEW;
END $$;
CREATE TRIGGER teams_keep_managers AFTER INSERT OR UPDATE OF manager_id ON agency.teams
    FOR EACH ROW EXECUTE FUNCTION agency.teams_keep_managers();

-- Manager history rows may only be closed (valid_to set once), never edited or removed.
CREATE FUNCTION agency.team_managers_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.valid_to IS NULL AND NEW.valid_to IS NOT NULL
       AND (NEW.id, NEW.team_id, NEW.manager_id, NEW.valid_from)
           IS NOT DISTINCT FROM (OLD.id, OLD.team_id, OLD.manager_id, OLD.valid_from) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'the team manager history is never rewritten' USING ERRCODE = 'AGFB0';
END $$;
CREATE TRIGGER team_managers_guard BEFORE UPDATE OR DELETE ON agency.team_managers
    FOR EACH ROW EXECUTE FUNCTION agency.team_managers_guard();

-- Directors read it (like user_history); rows are written by the trigger only.
ALTER TABLE agency.team_managers ENABLE ROW LEVEL SECURITY;
ALTER TABLE agency.team_managers FORCE ROW LEVEL SECURITY;
CREATE POLICY owner_all ON agency.team_managers TO agency_owner USING (true) WITH CHECK (true);
CREATE POLICY app_read ON agency.team_managers FOR SELECT TO agency_app
    USING (agency.is_director());
GRANT SELECT ON agency.team_managers TO agency_app;

-- ---------------------------------------------------------------------------------------
-- audit_access(client, at): everyone who could see the client at instant p_at, one row per
-- person and rule, each with the period of the history row that admitted them:
--   owner         owned the client then (client_owners), active then (user_history)
--   team_manager  managed (team_managers) the team the owner was in then (user_history),
--                 with the manager role then
--   director      had the director role then: every client
--   finance       had the finance role then: the client's basics only
-- Nobody before the client was created. A period is [valid_from, valid_to); valid_to NULL is
-- "still". Runs as the caller: the histories' policies let only directors read them.
-- ---------------------------------------------------------------------------------------
CREATE FUNCTION agency.audit_access(p_client bigint, p_at timestamptz)
RETURNS TABLE (user_id bigint, username text, full_name text, role text, rule text,
               sees text, valid_from timestamptz, valid_to timestamptz)
LANGUAGE sql STABLE AS $$
    WITH c AS (
        SELECT c.id FROM agency.clients c WHERE c.id = p_client AND c.created_at <= p_at
    ), staff AS (  -- every active person's role and team at p_at
        SELECT h.* FROM agency.user_history h
         WHERE h.valid_from <= p_at AND (h.valid_to IS NULL OR h.valid_to > p_at)
    ), owner AS (
        SELECT o.owner_id, o.valid_from, o.valid_to, s.team_id, s.role
          FROM agency.client_owners o JOIN c ON c.id = o.client_id
          JOIN staff s ON s.user_id = o.owner_id
         WHERE o.valid_from <= p_at AND (o.valid_to IS NULL OR o.valid_to > p_at)
    ), admitted AS (
        SELECT o.owner_id AS user_id, o.role, 'owner' AS rule, 'all' AS sees, o.valid_from,
               o.valid_to, 1 AS ord
          FROM owner o
        UNION ALL
        SELECT m.manager_id, s.role, 'team_manager', 'all', m.valid_from, m.valid_to, 2
          FROM owner o JOIN agency.team_managers m ON m.team_id = o.team_id
          JOIN staff s ON s.user_id = m.manager_id AND s.role = 'manager'
         WHERE m.valid_from <= p_at AND (m.valid_to IS NULL OR m.valid_to > p_at)
        UNION ALL
        SELECT s.user_id, s.role, s.role, CASE s.role WHEN 'finance' THEN 'basics' ELSE 'all' END,
               s.valid_from, s.valid_to, CASE s.role WHEN 'director' THEN 3 ELSE 4 END
          FROM staff s WHERE s.role IN ('director', 'finance') AND EXISTS (SELECT 1 FROM c)
    )
    SELECT a.user_id, u.username, u.full_name, a.role, a.rule, a.sees, a.valid_from, a.valid_to
      FROM admitted a JOIN agency.users u ON u.id = a.user_id
     ORDER BY a.ord, u.full_name, a.user_id
$$;
COMMENT ON FUNCTION agency.audit_access(bigint, timestamptz) IS
    'audit.access: who could see a client at an instant and by which rule, from the kept histories.';
GRANT EXECUTE ON FUNCTION agency.audit_access(bigint, timestamptz) TO agency_app;
