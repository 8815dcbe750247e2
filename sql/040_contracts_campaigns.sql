-- 040_contracts_campaigns.sql - the two records the account work and the money hang on:
-- contracts (the agreement that governs a client relationship, renewed before it ends) and
-- campaigns (the brief, its budget and its stages). Both belong to a client and follow its scope:
-- whoever sees the client sees its contracts and campaigns (an AE their own clients', a manager
-- the team's, a director and finance every client's), and their owner is the client's owner
-- (a client handed over takes its contracts and campaigns along). Nothing is deleted: a contract
-- is voided or terminated with a reason, a campaign cancelled.
--
-- The rules that move them (the state machines, amendments of an active contract, who may sign)
-- and the records beside them (amendments, KPIs, stage reports) come in the next migrations;
-- this file fixes the two tables' shape, which the estimates and budgets build on.

-- ---------------------------------------------------------------------------------------
-- contracts: number unique in the agency (whatever its case), a period with ends_on >=
-- starts_on, the value in minor units of an ISO-4217 currency. status moves draft -> active ->
-- completed | terminated, or draft -> void; terminated and void carry their reason, and every
-- closed contract when and by whom. renews_id names the contract this one renews (same
-- client): a contract with a live successor has left the renewal queue. renewal_notified_for
-- is the end date whose renewal reminder has been pushed (the reminder sweep marks it), so a
-- reminder goes out once per end date.
-- ---------------------------------------------------------------------------------------
CREATE TABLE agency.contracts (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    client_id bigint NOT NULL REFERENCES agency.clients (id),
    number text NOT NULL
        CONSTRAINT contracts_number_check CHECK (char_length(number) BETWEEN 1 AND 64
                                                 AND number = btrim(number) AND number <> ''),
    title text NOT NULL
        CONSTRAINT contracts_title_check CHECK (char_length(title) BETWEEN 1 AND 200 AND btrim(title) <> ''),
    starts_on date NOT NULL
        CONSTRAINT contracts_starts_on_check CHECK (starts_on >= DATE '2000-01-01'),
    ends_on date NOT NULL,
    amount bigint NOT NULL
        CONSTRAINT contracts_amount_check CHECK (amount BETWEEN 0 AND 1000000000000000),
    currency char(3) NOT NULL CONSTRAINT contracts_currency_check CHECK (currency ~ '^[A-Z]{3}$'),
    payment_terms text CONSTRAINT contracts_payment_terms_check CHECK (char_length(payment_terms) <= 2000),
    scope text CONSTRAINT contracts_scope_check CHECK (char_length(scope) <= 20000),
    status text NOT NULL DEFAULT 'draft'
        CONSTRAINT contracts_status_check
        CHECK (status IN ('draft', 'active', 'completed', 'terminated', 'void')),
    renews_id bigint,
    activated_at timestamptz,
    activated_by bigint REFERENCES agency.users (id),
    closed_at timestamptz,
    closed_by bigint REFERENCES agency.users (id),
    close_reason text CONSTRAINT contracts_close_reason_check CHECK (char_length(close_reason) <= 500),
    renewal_notified_for date,
    renewal_notified_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT agency.now(),
    created_by bigint REFERENCES agency.users (id),
    updated_at timestamptz NOT NULL DEFAULT agency.now(),
    version int NOT NULL DEFAULT 1,
    CONSTRAINT contracts_ends_on_check CHECK (ends_on >= starts_on),
    CONSTRAINT contracts_id_client_key UNIQUE (id, client_id),
    CONSTRAINT contracts_renews_id_fkey FOREIGN KEY (renews_id, client_id)
        REFERENCES agency.contracts (id, client_id),
    CONSTRAINT contracts_renews_id_check CHECK (renews_id <> id),
    -- signed: every contract past draft (but a voided draft) was activated, by someone
    CONSTRAINT contracts_activated_check
        CHECK ((status IN ('draft', 'void')) = (activated_at IS NULL)
               AND (activated_at IS NULL) = (activated_by IS NULL)),
    -- closed: completed, terminated and void say when and by whom; the last two why
    CONSTRAINT contracts_closed_check
        CHECK ((status IN ('completed', 'terminated', 'void')) = (closed_at IS NOT NULL)
               AND (closed_at IS NULL) = (closed_by IS NULL)
               AND (status NOT IN ('terminated', 'void') OR btrim(coalesce(close_reason, '')) <> ''))
);
COMMENT ON TABLE agency.contracts IS
    'Contracts with clients: number, period, value (minor units + currency), terms, scope, status; '
    'owned by the client''s owner, scoped like the client; never deleted.';
COMMENT ON COLUMN agency.contracts.number IS 'The contract number, unique in the agency whatever its case.';
COMMENT ON COLUMN agency.contracts.amount IS 'The contract value in minor units of currency.';
COMMENT ON COLUMN agency.contracts.currency IS 'ISO-4217 code of amount.';
COMMENT ON COLUMN agency.contracts.status IS
    'draft -> active -> completed | terminated; draft -> void.';
COMMENT ON COLUMN agency.contracts.renews_id IS
    'The contract (of the same client) this one renews; a contract with a live successor needs no renewal.';
COMMENT ON COLUMN agency.contracts.close_reason IS 'Why it was terminated or voided (required for both).';
COMMENT ON COLUMN agency.contracts.renewal_notified_for IS
    'The end date whose renewal reminder (contract.renewal_due) was pushed; written by the sweep only.';
COMMENT ON COLUMN agency.contracts.version IS 'Counts changes (optimistic concurrency).';

CREATE UNIQUE INDEX contracts_number_key ON agency.contracts (upper(number));
CREATE INDEX contracts_client_idx ON agency.contracts (client_id, starts_on);
CREATE INDEX contracts_status_ends_idx ON agency.contracts (status, ends_on);
-- One live successor per contract (a voided renewal frees the place).
CREATE UNIQUE INDEX contracts_renews_id_key ON agency.contracts (renews_id)
    WHERE renews_id IS NOT NULL AND status <> 'void';

-- ---------------------------------------------------------------------------------------
-- campaigns: the brief (objectives, audience), its budget in minor units of a currency and its
-- timeline, optionally under one of the same client's contracts. status moves brief ->
-- proposal -> approved -> production -> live -> review -> closed, or to cancelled from any
-- open state; status_changed_at/by say when and who moved it last, closed_at/by when it
-- reached closed or cancelled. KPIs and the stage reports are rows of their own.
-- ---------------------------------------------------------------------------------------
CREATE TABLE agency.campaigns (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    client_id bigint NOT NULL REFERENCES agency.clients (id),
    contract_id bigint,
    name text NOT NULL
        CONSTRAINT campaigns_name_check CHECK (char_length(name) BETWEEN 1 AND 200 AND btrim(name) <> ''),
    objectives text NOT NULL
        CONSTRAINT campaigns_objectives_check
        CHECK (char_length(objectives) BETWEEN 1 AND 20000 AND btrim(objectives) <> ''),
    audience text CONSTRAINT campaigns_audience_check CHECK (char_length(audience) <= 20000),
    budget_amount bigint NOT NULL
        CONSTRAINT campaigns_budget_amount_check CHECK (budget_amount BETWEEN 0 AND 1000000000000000),
    currency char(3) NOT NULL CONSTRAINT campaigns_currency_check CHECK (currency ~ '^[A-Z]{3}$'),
    starts_on date NOT NULL
        CONSTRAINT campaigns_starts_on_check CHECK (starts_on >= DATE '2000-01-01'),
    ends_on date NOT NULL,
    status text NOT NULL DEFAULT 'brief'
        CONSTRAINT campaigns_status_check
        CHECK (status IN ('brief', 'proposal', 'approved', 'production', 'live', 'review',
                          'closed', 'cancelled')),
    status_changed_at timestamptz NOT NULL DEFAULT agency.now(),
    status_changed_by bigint REFERENCES agency.users (id),
    closed_at timestamptz,
    closed_by bigint REFERENCES agency.users (id),
    created_at timestamptz NOT NULL DEFAULT agency.now(),
    created_by bigint REFERENCES agency.users (id),
    updated_at timestamptz NOT NULL DEFAULT agency.now(),
    version int NOT NULL DEFAULT 1,
    CONSTRAINT campaigns_ends_on_check CHECK (ends_on >= starts_on),
    CONSTRAINT campaigns_id_client_key UNIQUE (id, client_id),
    CONSTRAINT campaigns_contract_id_fkey FOREIGN KEY (contract_id, client_id)
        REFERENCES agency.contracts (id, client_id),
    CONSTRAINT campaigns_closed_check
        CHECK ((status IN ('closed', 'cancelled')) = (closed_at IS NOT NULL)
               AND (closed_at IS NULL) = (closed_by IS NULL))
);
COMMENT ON TABLE agency.campaigns IS
    'Campaigns: the brief (objectives, audience), budget (minor units + currency), timeline and '
    'stage; owned by the client''s owner, scoped like the client; cancelled, never deleted.';
COMMENT ON COLUMN agency.campaigns.contract_id IS 'The contract of the same client it runs under, if any.';
COMMENT ON COLUMN agency.campaigns.budget_amount IS 'The brief''s budget in minor units of currency.';
COMMENT ON COLUMN agency.campaigns.currency IS 'ISO-4217 code of budget_amount.';
COMMENT ON COLUMN agency.campaigns.status IS
    'brief -> proposal -> approved -> production -> live -> review -> closed; cancelled from any open stage.';
COMMENT ON COLUMN agency.campaigns.version IS 'Counts changes (optimistic concurrency).';

CREATE INDEX campaigns_client_idx ON agency.campaigns (client_id, starts_on);
CREATE INDEX campaigns_contract_idx ON agency.campaigns (contract_id) WHERE contract_id IS NOT NULL;
CREATE INDEX campaigns_status_idx ON agency.campaigns (status, ends_on);

-- ---------------------------------------------------------------------------------------
-- Row-level security, enabled and forced. Both tables follow their client: a row is there for
-- whoever sees the client (the clients policy decides, through the EXISTS on its key, as in
-- 017), so finance reads every contract and campaign (contracts and budgets) and writes none;
-- the account team inserts and updates within its scope.
-- ---------------------------------------------------------------------------------------
ALTER TABLE agency.contracts ENABLE ROW LEVEL SECURITY;
ALTER TABLE agency.contracts FORCE ROW LEVEL SECURITY;
ALTER TABLE agency.campaigns ENABLE ROW LEVEL SECURITY;
ALTER TABLE agency.campaigns FORCE ROW LEVEL SECURITY;

CREATE POLICY owner_all ON agency.contracts TO agency_owner USING (true) WITH CHECK (true);
CREATE POLICY owner_all ON agency.campaigns TO agency_owner USING (true) WITH CHECK (true);

CREATE POLICY app_read ON agency.contracts FOR SELECT TO agency_app
    USING (EXISTS (SELECT 1 FROM agency.clients c WHERE c.id = client_id));
CREATE POLICY app_insert ON agency.contracts FOR INSERT TO agency_app
    WITH CHECK (agency.can_write_clients() AND EXISTS (SELECT 1 FROM agency.clients c WHERE c.id = client_id));
CREATE POLICY app_update ON agency.contracts FOR UPDATE TO agency_app
    USING (agency.can_write_clients() AND EXISTS (SELECT 1 FROM agency.clients c WHERE c.id = client_id))
    WITH CHECK (agency.can_write_clients() AND EXISTS (SELECT 1 FROM agency.clients c WHERE c.id = client_id));
COMMENT ON POLICY app_read ON agency.contracts IS 'Readable with the client (finance reads every one).';
COMMENT ON POLICY app_insert ON agency.contracts IS 'The account team, for a client in scope; never finance.';
COMMENT ON POLICY app_update ON agency.contracts IS 'The account team, for a client in scope; never finance.';

CREATE POLICY app_read ON agency.campaigns FOR SELECT TO agency_app
    USING (EXISTS (SELECT 1 FROM agency.clients c WHERE c.id = client_id));
CREATE POLICY app_insert ON agency.campaigns FOR INSERT TO agency_app
    WITH CHECK (agency.can_write_clients() AND EXISTS (SELECT 1 FROM agency.clients c WHERE c.id = client_id));
CREATE POLICY app_update ON agency.campaigns FOR UPDATE TO agency_app
    USING (agency.can_write_clients() AND EXISTS (SELECT 1 FROM agency.clients c WHERE c.id = client_id))
    WITH CHECK (agency.can_write_clients() AND EXISTS (SELECT 1 FROM agency.clients c WHERE c.id = client_id));
COMMENT ON POLICY app_read ON agency.campaigns IS 'Readable with the client (finance reads every budget).';
COMMENT ON POLICY app_insert ON agency.campaigns IS 'The account team, for a client in scope; never finance.';
COMMENT ON POLICY app_update ON agency.campaigns IS 'The account team, for a client in scope; never finance.';

-- Grants: read; insert and update only the columns the operations write (renewal_notified_*
-- belong to the reminder sweep, ids and created_* are never rewritten).
GRANT SELECT ON agency.contracts, agency.campaigns TO agency_app;
GRANT INSERT (client_id, number, title, starts_on, ends_on, amount, currency, payment_terms, scope,
              renews_id, created_by)
    ON agency.contracts TO agency_app;
GRANT UPDATE (number, title, starts_on, ends_on, amount, currency, payment_terms, scope, status,
              activated_at, activated_by, closed_at, closed_by, close_reason, updated_at, version)
    ON agency.contracts TO agency_app;
GRANT INSERT (client_id, contract_id, name, objectives, audience, budget_amount, currency,
              starts_on, ends_on, status_changed_by, created_by)
    ON agency.campaigns TO agency_app;
GRANT UPDATE (contract_id, name, objectives, audience, budget_amount, currency, starts_on, ends_on,
              status, status_changed_at, status_changed_by, closed_at, closed_by, updated_at, version)
    ON agency.campaigns TO agency_app;
