-- 018_scope_every_client.sql - the clients read policy of a director or finance user no
-- longer searches an array of every user for each row.
--
-- A director or finance user sees every client. The policy tested that as
-- `owner_id = ANY (visible_owner_ids())` with an array of every user: a linear search of
-- 2,000 ids for each client row read at 2,000 staff, and a selectivity estimate of 0.5 % that
-- sent the planner to the owner index (2,000 probes) for every client.list search. The policy
-- now asks sees_every_client() first (one initplan per statement); only the other roles test
-- the owner array. The set of visible clients is unchanged: every client's owner is a user, and
-- visible_owner_ids() of a director or finance user is every user. The policies of the tables
-- that follow their client (017) look the client up through this policy and gain the same.
--
-- Finer statistics on the searched columns let the planner tell a name fragment that matches
-- a tenth of all clients from a rare one.

-- True when the caller sees every client (a logged-in director or finance user).
CREATE FUNCTION agency.sees_every_client() RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT coalesce(agency.current_role() IN ('director', 'finance'), false)
$$;
GRANT EXECUTE ON FUNCTION agency.sees_every_client() TO agency_app;

-- clients: every client for a director or finance user, else the owners in scope.
ALTER POLICY app_read ON agency.clients
    USING ((SELECT agency.sees_every_client())
           OR owner_id = ANY ((SELECT agency.visible_owner_ids())::bigint[]));

ALTER TABLE agency.clients ALTER COLUMN name_norm SET STATISTICS 1000,
    ALTER COLUMN legal_norm SET STATISTICS 1000, ALTER COLUMN reg_norm SET STATISTICS 1000;
