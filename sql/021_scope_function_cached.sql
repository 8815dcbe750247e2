-- 021_scope_function_cached.sql - visible_owner_ids() in PL/pgSQL, whose plans are kept for
-- the connection.
--
-- As a SQL function that cannot be inlined (SECURITY DEFINER, SET search_path),
-- visible_owner_ids() had its CASE of four queries parsed and planned again by every statement
-- that reached a policy using it - once per policy instance: 0.25 to 1.3 ms of an AE's agenda
-- (two instances) and of every other request of an AE or a manager. The answer is the same:
-- an AE themselves; a manager themselves and the members of every team they manage; a
-- director and finance everyone; nobody logged in, nobody.

CREATE OR REPLACE FUNCTION agency.visible_owner_ids() RETURNS bigint[]
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = agency, pg_temp AS $$
BEGIN
    CASE agency.current_role()
    WHEN 'director', 'finance' THEN
        RETURN ARRAY(SELECT u.id FROM agency.users u);
    WHEN 'manager' THEN
        RETURN ARRAY(SELECT agency.current_user_id()
                      UNION
                     SELECT u.id FROM agency.users u JOIN agency.teams t ON t.id = u.team_id
                      WHERE t.manager_id = agency.current_user_id());
    WHEN 'ae' THEN
        RETURN ARRAY[agency.current_user_id()];
    ELSE
        RETURN '{}'::bigint[];
    END CASE;
END
$$;
