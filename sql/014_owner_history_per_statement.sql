-- 014_owner_history_per_statement.sql - the owner history (client_owners) is kept by
-- statement-level triggers over transition tables instead of one trigger call per row: an
-- import of 10,000 clients or a leaver's hand-over writes its history rows with one INSERT
-- (and one UPDATE) rather than 10,000 calls of a SECURITY DEFINER function. Same rows as
-- before: a new client opens its first row (reason 'created'); a change of owner closes the
-- open row and opens the next one, with agency.assign_reason as the reason.

DROP TRIGGER clients_keep_owners ON agency.clients;
DROP FUNCTION agency.clients_keep_owners();

-- New clients: their first owner.
CREATE FUNCTION agency.clients_owners_created() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = agency, pg_temp AS $$
BEGIN
    INSERT INTO agency.client_owners (client_id, owner_id, valid_from, assigned_by, reason)
    SELECT n.id, n.owner_id, now(), coalesce(agency.current_user_id(), n.created_by), 'created'
      FROM new_rows n;
    RETURN NULL;
END $$;
CREATE TRIGGER clients_owners_created AFTER INSERT ON agency.clients
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION agency.clients_owners_created();

-- Changed owners: close the open rows, open the new ones.
CREATE FUNCTION agency.clients_owners_changed() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = agency, pg_temp AS $$
BEGIN
    UPDATE agency.client_owners o SET valid_to = now()
      FROM new_rows n JOIN old_rows p ON p.id = n.id
     WHERE o.client_id = n.id AND o.valid_to IS NULL AND n.owner_id <> p.owner_id;
    INSERT INTO agency.client_owners (client_id, owner_id, valid_from, assigned_by, reason)
    SELECT n.id, n.owner_id, now(), agency.current_user_id(),
           coalesce(nullif(current_setting('agency.assign_reason', true), ''), 'reassigned')
      FROM new_rows n JOIN old_rows p ON p.id = n.id
     WHERE n.owner_id <> p.owner_id;
    RETURN NULL;
END $$;
CREATE TRIGGER clients_owners_changed AFTER UPDATE ON agency.clients
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION agency.clients_owners_changed();
