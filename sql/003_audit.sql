-- 003_audit.sql - the audit trail: append-only, hash-chained after commit.
--
-- Writers only INSERT content columns, in parallel, in the same transaction as the change
-- they describe. agency.audit_seal() later walks unsealed rows in id order and links each
-- into the chain (seal_seq, prev_hash, hash); agency.audit_verify() re-walks the chain and
-- reports the first row that was edited, or whose predecessor was removed.

CREATE TABLE agency.audit_log (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at timestamptz NOT NULL DEFAULT now(),
    user_id bigint,            -- NULL before login (failed logins, anonymous calls)
    username text,             -- the account, or the name someone tried to log in as
    role text,
    branch_id bigint,
    session_id bigint,
    peer inet,
    op text NOT NULL,
    target text,               -- "user:42", "branch:3", ...
    outcome text NOT NULL,     -- "ok", "denied" or an error code name
    detail text,               -- short, never a secret
    seal_seq bigint,           -- position in the chain, from 1; NULL until sealed
    prev_hash bytea,           -- hash of the row at seal_seq - 1 (NULL for the first)
    hash bytea,                -- sha256(prev_hash || canonical content)
    CONSTRAINT audit_log_detail_check CHECK (char_length(detail) <= 2000),
    CONSTRAINT audit_log_target_check CHECK (char_length(target) <= 200)
);
CREATE UNIQUE INDEX audit_log_seal_key ON agency.audit_log (seal_seq);
CREATE INDEX audit_log_unsealed_idx ON agency.audit_log (id) WHERE seal_seq IS NULL;
CREATE INDEX audit_log_user_idx ON agency.audit_log (user_id, at);
CREATE INDEX audit_log_at_idx ON agency.audit_log (at);
CREATE INDEX audit_log_op_idx ON agency.audit_log (op, at);

-- The canonical text a row's hash covers: every content column and its seal position, in a
-- fixed order and a time-zone-independent form (a row literal: NULL and '' differ).
CREATE FUNCTION agency.audit_canonical(a agency.audit_log, p_seq bigint) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT ROW(a.id, to_char(a.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
               a.user_id, a.username, a.role, a.branch_id, a.session_id, host(a.peer), a.op,
               a.target, a.outcome, a.detail, p_seq)::text;
$$;

CREATE FUNCTION agency.audit_hash(a agency.audit_log, p_seq bigint, p_prev bytea) RETURNS bytea
LANGUAGE sql IMMUTABLE AS $$
    SELECT sha256(coalesce(p_prev, '\x'::bytea) || convert_to(agency.audit_canonical(a, p_seq), 'UTF8'));
$$;

-- Rows never change or disappear. The one exception is the sealer filling the three seal
-- columns of a row that has none yet; every other column must stay as it was.
CREATE FUNCTION agency.audit_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND current_setting('agency.sealing', true) = 'on'
       AND OLD.seal_seq IS NULL AND OLD.hash IS NULL AND OLD.prev_hash IS NULL
       AND NEW.seal_seq IS NOT NULL AND NEW.hash IS NOT NULL
       AND (NEW.id, NEW.at, NEW.user_id, NEW.username, NEW.role, NEW.branch_id, NEW.session_id,
            NEW.peer, NEW.op, NEW.target, NEW.outcome, NEW.detail)
           IS NOT DISTINCT FROM
           (OLD.id, OLD.at, OLD.user_id, OLD.username, OLD.role, OLD.branch_id, OLD.session_id,
            OLD.peer, OLD.op, OLD.target, OLD.outcome, OLD.detail) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'the audit trail is append-only' USING ERRCODE = 'AGFB0';
END $$;
CREATE TRIGGER audit_log_guard BEFORE UPDATE OR DELETE ON agency.audit_log
    FOR EACH ROW EXECUTE FUNCTION agency.audit_guard();

CREATE FUNCTION agency.audit_no_truncate() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit trail is append-only' USING ERRCODE = 'AGFB0';
END $$;
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON agency.audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION agency.audit_no_truncate();

-- Links up to p_max unsealed rows into the chain, in id order. One sealer at a time (a
-- transaction advisory lock); writers are never blocked. Answers how many were sealed.
CREATE FUNCTION agency.audit_seal(p_max int DEFAULT 10000) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = agency, pg_temp AS $$
DECLARE
    r agency.audit_log%ROWTYPE;
    last_seq bigint;
    last_hash bytea;
    h bytea;
    n bigint := 0;
BEGIN
    IF p_max IS NULL OR p_max < 1 THEN
        RAISE EXCEPTION 'invalid batch size' USING ERRCODE = 'AGIV0', DETAIL = 'max';
    END IF;
    PERFORM pg_advisory_xact_lock(hashtext('agency.audit_seal'));
    SELECT a.seal_seq, a.hash INTO last_seq, last_hash
      FROM agency.audit_log a WHERE a.seal_seq IS NOT NULL ORDER BY a.seal_seq DESC LIMIT 1;
    last_seq := coalesce(last_seq, 0);
    PERFORM set_config('agency.sealing', 'on', true);
    FOR r IN SELECT * FROM agency.audit_log a WHERE a.seal_seq IS NULL ORDER BY a.id LIMIT p_max LOOP
        last_seq := last_seq + 1;
        h := agency.audit_hash(r, last_seq, last_hash);
        UPDATE agency.audit_log SET seal_seq = last_seq, prev_hash = last_hash, hash = h
         WHERE id = r.id;
        last_hash := h;
        n := n + 1;
    END LOOP;
    PERFORM set_config('agency.sealing', 'off', true);
    RETURN n;
END $$;

-- Re-walks the sealed chain in seal_seq order. ok is false at the first row whose hash does
-- not match its content (edited), whose prev_hash is not its predecessor's hash, or whose
-- seal_seq skips a number (a row was removed); first_bad_id names that row.
CREATE FUNCTION agency.audit_verify(OUT ok boolean, OUT checked bigint, OUT first_bad_id bigint)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = agency, pg_temp AS $$
DECLARE
    r agency.audit_log%ROWTYPE;
    expect_seq bigint := 1;
    last_hash bytea := NULL;
BEGIN
    ok := true;
    checked := 0;
    first_bad_id := NULL;
    FOR r IN SELECT * FROM agency.audit_log a WHERE a.seal_seq IS NOT NULL ORDER BY a.seal_seq LOOP
        IF r.seal_seq <> expect_seq OR r.prev_hash IS DISTINCT FROM last_hash
           OR r.hash IS DISTINCT FROM agency.audit_hash(r, r.seal_seq, r.prev_hash) THEN
            ok := false;
            first_bad_id := r.id;
            RETURN;
        END IF;
        checked := checked + 1;
        expect_seq := expect_seq + 1;
        last_hash := r.hash;
    END LOOP;
END $$;

-- Row-level security: the application role inserts rows for the current user (or rows of
-- nobody: failed logins, anonymous calls) and only directors read them.
ALTER TABLE agency.audit_log ENABLE ROW LEVEL SECURITY;
ALTER TABLE agency.audit_log FORCE ROW LEVEL SECURITY;
CREATE POLICY owner_all ON agency.audit_log TO agency_owner USING (true) WITH CHECK (true);
CREATE POLICY app_insert ON agency.audit_log FOR INSERT TO agency_app
    WITH CHECK (user_id IS NULL OR user_id = agency.current_user_id());
CREATE POLICY app_read ON agency.audit_log FOR SELECT TO agency_app
    USING (agency.is_director());

GRANT SELECT ON agency.audit_log TO agency_app;
GRANT INSERT (user_id, username, role, branch_id, session_id, peer, op, target, outcome, detail)
    ON agency.audit_log TO agency_app;
GRANT EXECUTE ON FUNCTION agency.audit_seal(int), agency.audit_verify() TO agency_app;
