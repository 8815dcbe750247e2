-- 023_clients_hand_over.sql - the hand-over of every client of a leaver (user.deactivate's
-- reassign_to) and the client.assigned event, as functions: the staff area of the server hands
-- clients over through the database instead of calling into the clients area's code.

-- Tells user p_to, through the agency_events channel (delivered after COMMIT by every agencyd
-- instance), that p_count clients were assigned to them: the first ids of p_ids, the client's
-- name when there is one, the reason and who did it. Nothing when the caller assigned them to
-- themselves or nothing moved.
CREATE FUNCTION agency.client_assigned_event(p_to bigint, p_ids bigint[], p_count int,
                                             p_name text, p_reason text) RETURNS void
LANGUAGE sql VOLATILE AS $$
    SELECT pg_notify('agency_events', json_strip_nulls(json_build_object(
        'user_id', p_to, 'kind', 'client.assigned', 'client_ids', p_ids,
        'count', p_count, 'client_name', p_name, 'reason', p_reason,
        'by', agency.current_user_id(),
        'by_name', (SELECT u.full_name FROM agency.users u WHERE u.id = agency.current_user_id())
    ))::text)
     WHERE p_count > 0 AND p_to IS DISTINCT FROM agency.current_user_id()
$$;
COMMENT ON FUNCTION agency.client_assigned_event(bigint, bigint[], int, text, text) IS
    'Raises the client.assigned event of an assignment to p_to (not when p_to is the caller).';

-- Moves every live client of p_from to p_to in the caller's transaction, under the caller's
-- policies (SECURITY INVOKER): the owner history gets p_reason from agency.assign_reason, and
-- p_to one client.assigned event listing at most 100 of the ids. Answers how many moved.
CREATE FUNCTION agency.clients_hand_over(p_from bigint, p_to bigint, p_reason text) RETURNS int
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    ids bigint[];
    names text[];
    n int;
BEGIN
    PERFORM set_config('agency.assign_reason', p_reason, true);
    WITH moved AS (
        UPDATE agency.clients c SET owner_id = p_to, version = c.version + 1
         WHERE c.owner_id = p_from AND c.archived_at IS NULL
        RETURNING c.id, c.name)
    SELECT array_agg(id), array_agg(name), count(*) INTO ids, names, n FROM moved;
    PERFORM agency.client_assigned_event(p_to, ids[1:100], n,
                                         CASE WHEN n = 1 THEN names[1] END, p_reason);
    RETURN n;
END $$;
COMMENT ON FUNCTION agency.clients_hand_over(bigint, bigint, text) IS
    'user.deactivate''s hand-over of every live client of a leaver to p_to; answers the count.';

GRANT EXECUTE ON FUNCTION agency.client_assigned_event(bigint, bigint[], int, text, text),
    agency.clients_hand_over(bigint, bigint, text) TO agency_app;
