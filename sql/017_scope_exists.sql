-- 017_scope_exists.sql - the policies of the tables that follow their client's scope
-- (client_secrets, client_owners, contacts, activities) test "this row's client is visible"
-- with a correlated EXISTS on the client's primary key instead of `client_id IN (SELECT id
-- FROM clients)`. Inside a policy the IN form cannot become a join, so PostgreSQL built a hash
-- of every visible client for each statement: a single client.get cost more the more clients
-- the caller could see (30 of 33 ms at 10x data). The EXISTS form looks one client up per row
-- through the clients policy, so the scope is exactly the same and the cost no longer grows
-- with the data.

ALTER POLICY app_read ON agency.client_secrets
    USING (agency.can_write_clients() AND EXISTS (SELECT 1 FROM agency.clients c WHERE c.id = client_id));

ALTER POLICY app_insert ON agency.client_secrets
    WITH CHECK (agency.can_write_clients() AND EXISTS (SELECT 1 FROM agency.clients c WHERE c.id = client_id));

ALTER POLICY app_update ON agency.client_secrets
    USING (agency.can_write_clients() AND EXISTS (SELECT 1 FROM agency.clients c WHERE c.id = client_id))
    WITH CHECK (agency.can_write_clients() AND EXISTS (SELECT 1 FROM agency.clients c WHERE c.id = client_id));

ALTER POLICY app_read ON agency.client_owners
    USING (EXISTS (SELECT 1 FROM agency.clients c WHERE c.id = client_id));

ALTER POLICY app_read ON agency.contacts
    USING (EXISTS (SELECT 1 FROM agency.clients c WHERE c.id = client_id));

ALTER POLICY app_insert ON agency.contacts
    WITH CHECK (agency.can_write_clients() AND EXISTS (SELECT 1 FROM agency.clients c WHERE c.id = client_id));

ALTER POLICY app_update ON agency.contacts
    USING (agency.can_write_clients() AND EXISTS (SELECT 1 FROM agency.clients c WHERE c.id = client_id))
    WITH CHECK (agency.can_write_clients() AND EXISTS (SELECT 1 FROM agency.clients c WHERE c.id = client_id));

ALTER POLICY app_read ON agency.activities
    USING (agency.can_write_clients() AND EXISTS (SELECT 1 FROM agency.clients c WHERE c.id = client_id));

ALTER POLICY app_insert ON agency.activities
    WITH CHECK (agency.can_write_clients() AND user_id = agency.current_user_id()
                AND EXISTS (SELECT 1 FROM agency.clients c WHERE c.id = client_id));

ALTER POLICY app_update ON agency.activities
    USING (agency.can_write_clients() AND EXISTS (SELECT 1 FROM agency.clients c WHERE c.id = client_id))
    WITH CHECK (agency.can_write_clients() AND EXISTS (SELECT 1 FROM agency.clients c WHERE c.id = client_id));
