-- 044_reviews_health.sql - reviews (a campaign's, a quarter's, a satisfaction survey's score
-- from 1 to 10 with notes) and a client's health, which client.get shows: the recent scores,
-- the open client issues and the last contact, read into one level (good / watch / at_risk /
-- unknown) by agency.client_health().

-- ---------------------------------------------------------------------------------------
-- reviews: never updated nor deleted; a campaign review names its campaign (same client).
-- ---------------------------------------------------------------------------------------
CREATE TABLE agency.reviews (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    client_id bigint NOT NULL REFERENCES agency.clients (id),
    campaign_id bigint,
    kind text NOT NULL CONSTRAINT reviews_kind_check CHECK (kind IN ('campaign', 'quarterly', 'survey')),
    period text CONSTRAINT reviews_period_check CHECK (char_length(period) <= 32),
    score int NOT NULL CONSTRAINT reviews_score_check CHECK (score BETWEEN 1 AND 10),
    notes text CONSTRAINT reviews_notes_check CHECK (char_length(notes) <= 20000),
    reviewed_on date NOT NULL,
    created_at timestamptz NOT NULL DEFAULT agency.now(),
    created_by bigint REFERENCES agency.users (id),
    CONSTRAINT reviews_campaign_fkey FOREIGN KEY (campaign_id, client_id)
        REFERENCES agency.campaigns (id, client_id),
    CONSTRAINT reviews_campaign_id_check CHECK ((kind = 'campaign') = (campaign_id IS NOT NULL))
);
CREATE INDEX reviews_client_idx ON agency.reviews (client_id, reviewed_on DESC, id DESC);
CREATE INDEX reviews_campaign_idx ON agency.reviews (campaign_id) WHERE campaign_id IS NOT NULL;
COMMENT ON TABLE agency.reviews IS
    'Client reviews: campaign / quarterly / survey, a score of 1-10, notes; append-only.';
COMMENT ON COLUMN agency.reviews.period IS 'What the review covers, e.g. 2026-Q3.';
COMMENT ON COLUMN agency.reviews.reviewed_on IS 'The day of the review (the caller''s today by default).';

ALTER TABLE agency.reviews ENABLE ROW LEVEL SECURITY;
ALTER TABLE agency.reviews FORCE ROW LEVEL SECURITY;
CREATE POLICY owner_all ON agency.reviews TO agency_owner USING (true) WITH CHECK (true);
CREATE POLICY app_read ON agency.reviews FOR SELECT TO agency_app
    USING (agency.can_write_clients() AND EXISTS (SELECT 1 FROM agency.clients c WHERE c.id = client_id));
CREATE POLICY app_insert ON agency.reviews FOR INSERT TO agency_app
    WITH CHECK (agency.can_write_clients() AND created_by = agency.current_user_id()
                AND EXISTS (SELECT 1 FROM agency.clients c WHERE c.id = client_id));
COMMENT ON POLICY app_read ON agency.reviews IS 'The account team, for a client in scope; never finance.';
COMMENT ON POLICY app_insert ON agency.reviews IS 'The account team, in its own name.';
GRANT SELECT ON agency.reviews TO agency_app;
GRANT INSERT (client_id, campaign_id, kind, period, score, notes, reviewed_on, created_by)
    ON agency.reviews TO agency_app;

-- The client's open client issues, for its health. The client-issues migration (05x) replaces
-- this body with the count of its open issues; until then a client has none.
CREATE FUNCTION agency.client_open_issues(p_client bigint) RETURNS int
LANGUAGE sql STABLE AS $$
    SELECT 0
$$;
COMMENT ON FUNCTION agency.client_open_issues(bigint) IS
    'Open client issues of a client (for client_health); replaced by the client-issues migration.';

-- ---------------------------------------------------------------------------------------
-- A client's health, as the caller sees it (every policy applies; nothing for finance, who
-- reads neither reviews nor activities): the mean of the last three scores of the past year,
-- the open issues, the days since the last contact (call, e-mail, meeting or visit), and the
-- level they make:
--   at_risk  mean score below 5, or 3 open issues or more, or no contact for over 60 days;
--   watch    mean score below 7, or an open issue, or no contact for over 30 days;
--   good     otherwise, when there is a score or a contact;  unknown  when there is neither.
-- ---------------------------------------------------------------------------------------
CREATE FUNCTION agency.client_health(p_client bigint)
RETURNS TABLE (level text, score numeric, reviews int, last_review_on date, open_issues int,
               last_contact_at timestamptz, days_since_contact int)
LANGUAGE plpgsql STABLE AS $$
DECLARE
    today date := agency.today();
BEGIN
    IF NOT agency.can_write_clients() THEN
        RETURN;
    END IF;
    SELECT round(avg(r.score), 1), count(*)::int, max(r.reviewed_on) INTO score, reviews, last_review_on
      FROM (SELECT x.score, x.reviewed_on FROM agency.reviews x
             WHERE x.client_id = p_client AND x.reviewed_on > today - 365
             ORDER BY x.reviewed_on DESC, x.id DESC LIMIT 3) r;
    open_issues := agency.client_open_issues(p_client);
    SELECT max(a.occurred_at) INTO last_contact_at FROM agency.activities a
     WHERE a.client_id = p_client AND a.kind IN ('call', 'email', 'meeting', 'visit');
    days_since_contact := today - (last_contact_at AT TIME ZONE 'UTC')::date;
    level := CASE
        WHEN score < 5 OR open_issues >= 3 OR days_since_contact > 60 THEN 'at_risk'
        WHEN score < 7 OR open_issues > 0 OR days_since_contact > 30 THEN 'watch'
        WHEN score IS NOT NULL OR last_contact_at IS NOT NULL THEN 'good'
        ELSE 'unknown' END;
    RETURN NEXT;
END
$$;
COMMENT ON FUNCTION agency.client_health(bigint) IS
    'A client''s health for client.get: recent scores, open issues, last contact, and their level.';

GRANT EXECUTE ON FUNCTION agency.client_open_issues(bigint), agency.client_health(bigint) TO agency_app;
