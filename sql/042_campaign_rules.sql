-- 042_campaign_rules.sql - a campaign's KPIs (targets from the brief, actuals recorded at
-- review) and its stage reports, and the rules that move it: brief -> proposal -> approved ->
-- production -> live -> review -> closed, or cancelled from any open stage; every move writes
-- its status report in the same transaction (agency.campaign_transition), so the reports read as
-- the record of what both sides decided; a closed or cancelled campaign no longer changes.

-- ---------------------------------------------------------------------------------------
-- campaign_kpis: what the brief promises (a name, a target, a unit) and, once the campaign is
-- in review, what it achieved. Numbers are exact decimals (numeric), never floats.
-- ---------------------------------------------------------------------------------------
CREATE TABLE agency.campaign_kpis (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    campaign_id bigint NOT NULL,
    client_id bigint NOT NULL,
    name text NOT NULL
        CONSTRAINT campaign_kpis_name_check CHECK (char_length(name) BETWEEN 1 AND 200 AND btrim(name) <> ''),
    target numeric(19, 4) NOT NULL,
    unit text CONSTRAINT campaign_kpis_unit_check CHECK (char_length(unit) <= 32),
    actual numeric(19, 4),
    actual_recorded_at timestamptz,
    actual_report_id bigint,
    created_at timestamptz NOT NULL DEFAULT agency.now(),
    CONSTRAINT campaign_kpis_campaign_fkey FOREIGN KEY (campaign_id, client_id)
        REFERENCES agency.campaigns (id, client_id),
    CONSTRAINT campaign_kpis_actual_check CHECK ((actual IS NULL) = (actual_recorded_at IS NULL))
);
CREATE UNIQUE INDEX campaign_kpis_name_key ON agency.campaign_kpis (campaign_id, lower(name));
COMMENT ON TABLE agency.campaign_kpis IS
    'A campaign''s KPIs: name, target and unit from the brief, the actual recorded at review.';
COMMENT ON COLUMN agency.campaign_kpis.actual_report_id IS 'The review report that recorded the actual.';

-- ---------------------------------------------------------------------------------------
-- campaign_reports: the status reports (kind progress / approval / change / review), each with
-- the stage it was written in; a stage move's report also says from and to, and the campaign
-- version the move made. Append-only.
-- ---------------------------------------------------------------------------------------
CREATE TABLE agency.campaign_reports (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    campaign_id bigint NOT NULL,
    client_id bigint NOT NULL,
    kind text NOT NULL
        CONSTRAINT campaign_reports_kind_check CHECK (kind IN ('progress', 'approval', 'change', 'review')),
    stage text NOT NULL,
    from_status text,
    to_status text,
    version int,
    summary text NOT NULL
        CONSTRAINT campaign_reports_summary_check
        CHECK (char_length(summary) BETWEEN 1 AND 500 AND btrim(summary) <> ''),
    decisions text CONSTRAINT campaign_reports_decisions_check CHECK (char_length(decisions) <= 20000),
    created_at timestamptz NOT NULL DEFAULT agency.now(),
    created_by bigint REFERENCES agency.users (id),
    CONSTRAINT campaign_reports_campaign_fkey FOREIGN KEY (campaign_id, client_id)
        REFERENCES agency.campaigns (id, client_id),
    CONSTRAINT campaign_reports_move_check
        CHECK ((from_status IS NULL) = (to_status IS NULL) AND (to_status IS NULL) = (version IS NULL))
);
CREATE INDEX campaign_reports_campaign_idx ON agency.campaign_reports (campaign_id, id);
CREATE UNIQUE INDEX campaign_reports_version_key ON agency.campaign_reports (campaign_id, version)
    WHERE version IS NOT NULL;
COMMENT ON TABLE agency.campaign_reports IS
    'Campaign status reports: kind, stage, summary, decisions; a stage move''s from/to; append-only.';

ALTER TABLE agency.campaign_kpis ENABLE ROW LEVEL SECURITY;
ALTER TABLE agency.campaign_kpis FORCE ROW LEVEL SECURITY;
ALTER TABLE agency.campaign_reports ENABLE ROW LEVEL SECURITY;
ALTER TABLE agency.campaign_reports FORCE ROW LEVEL SECURITY;
CREATE POLICY owner_all ON agency.campaign_kpis TO agency_owner USING (true) WITH CHECK (true);
CREATE POLICY owner_all ON agency.campaign_reports TO agency_owner USING (true) WITH CHECK (true);
-- KPIs are part of the brief (finance reads them with the budget); reports are the account
-- team's (finance reads none).
CREATE POLICY app_read ON agency.campaign_kpis FOR SELECT TO agency_app
    USING (EXISTS (SELECT 1 FROM agency.clients c WHERE c.id = client_id));
CREATE POLICY app_insert ON agency.campaign_kpis FOR INSERT TO agency_app
    WITH CHECK (agency.can_write_clients() AND EXISTS (SELECT 1 FROM agency.clients c WHERE c.id = client_id));
CREATE POLICY app_update ON agency.campaign_kpis FOR UPDATE TO agency_app
    USING (agency.can_write_clients() AND EXISTS (SELECT 1 FROM agency.clients c WHERE c.id = client_id))
    WITH CHECK (agency.can_write_clients() AND EXISTS (SELECT 1 FROM agency.clients c WHERE c.id = client_id));
CREATE POLICY app_read ON agency.campaign_reports FOR SELECT TO agency_app
    USING (agency.can_write_clients() AND EXISTS (SELECT 1 FROM agency.clients c WHERE c.id = client_id));
CREATE POLICY app_insert ON agency.campaign_reports FOR INSERT TO agency_app
    WITH CHECK (agency.can_write_clients() AND created_by = agency.current_user_id()
                AND EXISTS (SELECT 1 FROM agency.clients c WHERE c.id = client_id));
COMMENT ON POLICY app_read ON agency.campaign_kpis IS 'Readable with the client (finance too).';
COMMENT ON POLICY app_insert ON agency.campaign_kpis IS 'The account team, for a client in scope.';
COMMENT ON POLICY app_update ON agency.campaign_kpis IS 'The account team records actuals.';
COMMENT ON POLICY app_read ON agency.campaign_reports IS 'The account team, for a client in scope.';
COMMENT ON POLICY app_insert ON agency.campaign_reports IS 'The account team, in its own name.';
GRANT SELECT ON agency.campaign_kpis, agency.campaign_reports TO agency_app;
GRANT INSERT (campaign_id, client_id, name, target, unit) ON agency.campaign_kpis TO agency_app;
GRANT UPDATE (actual, actual_recorded_at, actual_report_id) ON agency.campaign_kpis TO agency_app;
GRANT INSERT (campaign_id, client_id, kind, stage, from_status, to_status, version, summary,
              decisions, created_by)
    ON agency.campaign_reports TO agency_app;

-- Whether a campaign may move from p_from to p_to: one stage forward, or cancelled from any
-- open stage.
CREATE FUNCTION agency.campaign_move_ok(p_from text, p_to text) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE
        WHEN p_from IN ('closed', 'cancelled') THEN false
        WHEN p_to = 'cancelled' THEN true
        ELSE (p_from, p_to) IN (('brief', 'proposal'), ('proposal', 'approved'),
                                ('approved', 'production'), ('production', 'live'),
                                ('live', 'review'), ('review', 'closed'))
    END
$$;
COMMENT ON FUNCTION agency.campaign_move_ok(text, text) IS
    'The campaign state machine: one stage forward, or cancelled from an open stage.';

-- The guard of every change of a campaign: closed and cancelled ones are frozen, a stage move
-- follows the state machine and has its report (of the version it makes) written first.
CREATE FUNCTION agency.campaigns_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.status = OLD.status THEN
        IF OLD.status IN ('closed', 'cancelled') THEN
            RAISE EXCEPTION 'a % campaign does not change', OLD.status
                USING ERRCODE = 'AGIV0', DETAIL = 'id';
        END IF;
        RETURN NEW;
    END IF;
    IF NOT agency.campaign_move_ok(OLD.status, NEW.status) THEN
        RAISE EXCEPTION 'a campaign in % cannot move to %', OLD.status, NEW.status
            USING ERRCODE = 'AGIV0', DETAIL = 'to';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM agency.campaign_reports r
                    WHERE r.campaign_id = NEW.id AND r.version = NEW.version
                      AND r.to_status = NEW.status) THEN
        RAISE EXCEPTION 'a stage move needs its status report (agency.campaign_transition)'
            USING ERRCODE = 'AGIV0', DETAIL = 'to';
    END IF;
    RETURN NEW;
END $$;
COMMENT ON FUNCTION agency.campaigns_guard() IS
    'Campaigns: closed/cancelled frozen; stage moves by the state machine, each with its report.';
CREATE TRIGGER campaigns_guard BEFORE UPDATE ON agency.campaigns
    FOR EACH ROW EXECUTE FUNCTION agency.campaigns_guard();

-- campaign.transition: moves campaign p_id to p_to and writes the move's report (its kind
-- from the stage reached: approval, review, change for a cancellation, progress otherwise; the
-- summary is p_note or "<from> -> <to>"). Answers the id, NULL when the campaign is not
-- visible. Runs as the caller.
CREATE FUNCTION agency.campaign_transition(p_id bigint, p_to text, p_note text, p_decisions text)
RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    k agency.campaigns;
    closing boolean := p_to IN ('closed', 'cancelled');
BEGIN
    SELECT * INTO k FROM agency.campaigns WHERE id = p_id FOR UPDATE;
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    IF k.status = p_to THEN
        RAISE EXCEPTION 'the campaign is already in %', p_to USING ERRCODE = 'AGIV0', DETAIL = 'to';
    END IF;
    IF NOT agency.campaign_move_ok(k.status, p_to) THEN
        RAISE EXCEPTION 'a campaign in % cannot move to %', k.status, p_to
            USING ERRCODE = 'AGIV0', DETAIL = 'to';
    END IF;
    INSERT INTO agency.campaign_reports (campaign_id, client_id, kind, stage, from_status,
                to_status, version, summary, decisions, created_by)
    VALUES (k.id, k.client_id,
            CASE p_to WHEN 'approved' THEN 'approval' WHEN 'review' THEN 'review'
                      WHEN 'closed' THEN 'review' WHEN 'cancelled' THEN 'change'
                      ELSE 'progress' END,
            p_to, k.status, p_to, k.version + 1,
            coalesce(nullif(btrim(p_note), ''), k.status || ' -> ' || p_to), nullif(p_decisions, ''),
            agency.current_user_id());
    UPDATE agency.campaigns SET status = p_to, status_changed_at = agency.now(),
           status_changed_by = agency.current_user_id(),
           closed_at = CASE WHEN closing THEN agency.now() END,
           closed_by = CASE WHEN closing THEN agency.current_user_id() END,
           updated_at = agency.now(), version = k.version + 1
     WHERE id = k.id;
    RETURN k.id;
END $$;
COMMENT ON FUNCTION agency.campaign_transition(bigint, text, text, text) IS
    'campaign.transition: the move and its status report in one transaction.';

GRANT EXECUTE ON FUNCTION agency.campaign_move_ok(text, text),
    agency.campaign_transition(bigint, text, text, text) TO agency_app;
