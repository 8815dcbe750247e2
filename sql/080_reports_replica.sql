-- 080_reports_replica.sql - what a request served by a streaming standby needs: its request
-- context, taken from the standby's own copy of the session and checked against what the
-- primary just verified, and how old the standby's data is. The reports themselves are single
-- statements in server/ops/reports.c over the tables of 040 and their indexes; they read the
-- same RLS policies on the standby as on the primary.

-- Opens a request on a hot standby (inside its READ ONLY transaction): sets the request context
-- of session p_session_id exactly as agency.begin_request() set it on the primary, provided the
-- standby's copy agrees (the session exists and is not revoked, its user is active and still has
-- the role, team and branch the primary answered); raises AGRP0 otherwise (a session too new for
-- the standby, a revocation the standby has not seen yet is never a reason to serve it from
-- there). standby: the server is in recovery (a promoted or misconfigured "replica" is not one).
-- age_ms: 0 when the standby has replayed all the WAL it has received while its WAL receiver
-- runs, else agency.now() minus the commit time of the last transaction it replayed (NULL when
-- it has replayed none since it started: unknown, too old to use).
CREATE FUNCTION agency.replica_begin(p_session_id bigint, p_user_id bigint, p_role text,
                                     p_team_id bigint, p_branch_id bigint, p_peer text)
RETURNS TABLE (standby boolean, age_ms bigint)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = agency, pg_temp AS $$
#variable_conflict use_column
DECLARE
    u agency.users%ROWTYPE;
BEGIN
    SELECT us.* INTO u FROM agency.sessions s JOIN agency.users us ON us.id = s.user_id
     WHERE s.id = p_session_id AND s.revoked_at IS NULL;
    IF NOT FOUND OR NOT u.active OR u.id IS DISTINCT FROM p_user_id
       OR u.role IS DISTINCT FROM p_role OR u.team_id IS DISTINCT FROM p_team_id
       OR u.branch_id IS DISTINCT FROM p_branch_id THEN
        RAISE EXCEPTION 'the standby has not caught up with this session' USING ERRCODE = 'AGRP0';
    END IF;
    PERFORM agency.set_context(u.id, u.role, u.team_id, u.branch_id, p_session_id, p_peer);
    standby := pg_is_in_recovery();
    age_ms := CASE
        WHEN NOT standby THEN NULL
        WHEN EXISTS (SELECT 1 FROM pg_stat_wal_receiver)
             AND pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
        ELSE greatest(0, floor(extract(epoch FROM (agency.now() - pg_last_xact_replay_timestamp()))
                               * 1000))::bigint
    END;
    RETURN NEXT;
END $$;
COMMENT ON FUNCTION agency.replica_begin(bigint, bigint, text, bigint, bigint, text) IS
    'Sets a standby request''s context from its session when the standby agrees with the primary; '
    'answers whether it is a standby and the age of its data in ms (agencyd, dbreplica.c).';

REVOKE ALL ON FUNCTION agency.replica_begin(bigint, bigint, text, bigint, bigint, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION agency.replica_begin(bigint, bigint, text, bigint, bigint, text)
    TO agency_app;
