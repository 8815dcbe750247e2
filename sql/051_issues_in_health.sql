-- 051_issues_in_health.sql - a client's health counts its open issues: client_open_issues()
-- (sql/044, which could not see the issues table yet) counts the client's issues not yet
-- resolved, as the caller sees them (every policy applies), over issues_client_idx.

CREATE OR REPLACE FUNCTION agency.client_open_issues(p_client bigint) RETURNS int
LANGUAGE sql STABLE AS $$
    SELECT count(*)::int FROM agency.issues i
     WHERE i.client_id = p_client AND i.status IN ('received', 'triaged', 'investigating')
$$;
COMMENT ON FUNCTION agency.client_open_issues(bigint) IS
    'Open client issues of a client (received, triaged or investigating), for client_health.';
