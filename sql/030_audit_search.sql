-- 030_audit_search.sql - reading the audit trail: the outcome classes audit.search filters on,
-- one index per filter in newest-first (id) order, and audit_verify_range(), the chain walk
-- audit.verify answers (resumable, with how far sealing has come).

-- The class of a stored outcome: 'ok'; 'denied' for a refusal (the dispatcher's "denied", and
-- the codes that refuse: forbidden, not_found, unauthenticated, locked, rate_limited); else
-- 'failed' (invalid, conflict, internal, ...).
CREATE FUNCTION agency.audit_outcome_class(p_outcome text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE
        WHEN p_outcome = 'ok' THEN 'ok'
        WHEN p_outcome IN ('denied', 'forbidden', 'not_found', 'unauthenticated', 'locked',
                           'rate_limited') THEN 'denied'
        ELSE 'failed' END
$$;
COMMENT ON FUNCTION agency.audit_outcome_class(text) IS
    'ok / denied / failed: the class of an audit row''s outcome (audit.search filters on it).';

-- audit.search pages newest first by id; each filter has an index that yields its rows in
-- that order, so a filtered page reads about one page of rows.
CREATE INDEX audit_log_user_id_idx ON agency.audit_log (user_id, id);
CREATE INDEX audit_log_op_id_idx ON agency.audit_log (op, id);
CREATE INDEX audit_log_target_id_idx ON agency.audit_log (target, id);
CREATE INDEX audit_log_branch_id_idx ON agency.audit_log (branch_id, id);
CREATE INDEX audit_log_class_id_idx ON agency.audit_log (agency.audit_outcome_class(outcome), id);
DROP INDEX agency.audit_log_user_idx;
DROP INDEX agency.audit_log_op_idx;

-- Walks the sealed chain in seal_seq order from the sealed row p_since_id (NULL: from the
-- first), at most p_limit rows (NULL: to the end). A row whose hash does not match its content
-- (edited), whose prev_hash is not its predecessor's hash (reordered, or a predecessor edited),
-- or whose seal_seq skips a number (a row removed) stops the walk: ok false, first_bad_id that
-- row. next_id is the id of the row after the last one checked when the limit stopped the walk
-- (pass it as p_since_id to go on), else NULL. sealed_through is the id of the newest sealed
-- row, sealed the number of sealed rows (the chain's length) and unsealed the number of rows
-- not sealed yet. Runs as the caller: the audit trail's policy lets only directors (and the
-- owner) see rows, so anyone else checks nothing.
CREATE FUNCTION agency.audit_verify_range(p_since_id bigint, p_limit bigint,
    OUT ok boolean, OUT checked bigint, OUT first_bad_id bigint, OUT sealed_through bigint,
    OUT unsealed bigint, OUT sealed bigint, OUT next_id bigint)
LANGUAGE plpgsql STABLE AS $$
DECLARE
    r agency.audit_log%ROWTYPE;
    from_seq bigint := 1;
    expect_seq bigint;
    last_hash bytea := NULL;
    first boolean := true;
BEGIN
    ok := true;
    checked := 0;
    IF p_since_id IS NOT NULL THEN
        SELECT a.seal_seq INTO from_seq FROM agency.audit_log a
         WHERE a.id = p_since_id AND a.seal_seq IS NOT NULL;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'is not a sealed audit row' USING ERRCODE = 'AGIV0', DETAIL = 'since_id';
        END IF;
    END IF;
    expect_seq := from_seq;
    FOR r IN SELECT * FROM agency.audit_log a WHERE a.seal_seq >= from_seq ORDER BY a.seal_seq LOOP
        IF p_limit IS NOT NULL AND checked >= p_limit THEN
            next_id := r.id;
            EXIT;
        END IF;
        IF r.seal_seq <> expect_seq OR (NOT first AND r.prev_hash IS DISTINCT FROM last_hash)
           OR (first AND from_seq = 1 AND r.prev_hash IS NOT NULL)
           OR r.hash IS DISTINCT FROM agency.audit_hash(r, r.seal_seq, r.prev_hash) THEN
            ok := false;
            first_bad_id := r.id;
            EXIT;
        END IF;
        first := false;
        checked := checked + 1;
        expect_seq := expect_seq + 1;
        last_hash := r.hash;
    END LOOP;
    SELECT a.id, a.seal_seq INTO sealed_through, sealed FROM agency.audit_log a
     WHERE a.seal_seq IS NOT NULL ORDER BY a.seal_seq DESC LIMIT 1;
    sealed := coalesce(sealed, 0);
    SELECT count(*) INTO unsealed FROM agency.audit_log a WHERE a.seal_seq IS NULL;
END $$;
COMMENT ON FUNCTION agency.audit_verify_range(bigint, bigint) IS
    'audit.verify: walks the hash chain from a sealed row, at most p_limit rows; names the first edited, removed or reordered row.';

-- audit_verify_range runs as the caller, who needs the (pure) hash functions of 003.
GRANT EXECUTE ON FUNCTION agency.audit_outcome_class(text),
    agency.audit_verify_range(bigint, bigint),
    agency.audit_canonical(agency.audit_log, bigint),
    agency.audit_hash(agency.audit_log, bigint, bytea) TO agency_app;
