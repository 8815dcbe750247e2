-- 041_contract_rules.sql - the rules that move a contract: its state machine and who may sign,
-- the amendments through which an active contract's value and period change, the renewal queue
-- (a source of the agenda) and the reminder sweep that pushes contract.renewal_due to the
-- client's owner once per end date, 60 days ahead, by the database clock.

-- ---------------------------------------------------------------------------------------
-- contract_amendments: a change of an active contract's value or period, kept with who, when
-- and why, and the contract version it produced. Never updated nor deleted.
-- ---------------------------------------------------------------------------------------
CREATE TABLE agency.contract_amendments (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    contract_id bigint NOT NULL,
    client_id bigint NOT NULL,
    version int NOT NULL,
    reason text NOT NULL
        CONSTRAINT contract_amendments_reason_check
        CHECK (char_length(reason) BETWEEN 1 AND 500 AND btrim(reason) <> ''),
    old_amount bigint NOT NULL,
    new_amount bigint NOT NULL,
    old_currency char(3) NOT NULL,
    new_currency char(3) NOT NULL,
    old_starts_on date NOT NULL,
    new_starts_on date NOT NULL,
    old_ends_on date NOT NULL,
    new_ends_on date NOT NULL,
    created_at timestamptz NOT NULL DEFAULT agency.now(),
    created_by bigint REFERENCES agency.users (id),
    CONSTRAINT contract_amendments_contract_fkey FOREIGN KEY (contract_id, client_id)
        REFERENCES agency.contracts (id, client_id),
    CONSTRAINT contract_amendments_version_key UNIQUE (contract_id, version)
);
COMMENT ON TABLE agency.contract_amendments IS
    'Amendments of active contracts: old and new value and period, why, who, when; append-only.';
COMMENT ON COLUMN agency.contract_amendments.version IS 'The contract version the amendment made.';

ALTER TABLE agency.contract_amendments ENABLE ROW LEVEL SECURITY;
ALTER TABLE agency.contract_amendments FORCE ROW LEVEL SECURITY;
CREATE POLICY owner_all ON agency.contract_amendments TO agency_owner USING (true) WITH CHECK (true);
CREATE POLICY app_read ON agency.contract_amendments FOR SELECT TO agency_app
    USING (EXISTS (SELECT 1 FROM agency.clients c WHERE c.id = client_id));
CREATE POLICY app_insert ON agency.contract_amendments FOR INSERT TO agency_app
    WITH CHECK (agency.can_write_clients() AND created_by = agency.current_user_id()
                AND EXISTS (SELECT 1 FROM agency.clients c WHERE c.id = client_id));
COMMENT ON POLICY app_read ON agency.contract_amendments IS 'Readable with the client.';
COMMENT ON POLICY app_insert ON agency.contract_amendments IS
    'The account team, for a client in scope, in its own name.';
GRANT SELECT ON agency.contract_amendments TO agency_app;
GRANT INSERT (contract_id, client_id, version, reason, old_amount, new_amount, old_currency,
              new_currency, old_starts_on, new_starts_on, old_ends_on, new_ends_on, created_by)
    ON agency.contract_amendments TO agency_app;

-- ---------------------------------------------------------------------------------------
-- The guard of every change of a contract, whoever makes it: the state machine (draft ->
-- active | void, active -> completed | terminated), a reason for terminated and void, only an
-- account manager or a director activates or terminates (the manager's scope is the policy's:
-- their own team), a closed contract does not change, and an active contract's value and period
-- change only with the amendment of that version recorded first (agency.contract_update).
-- Errors are AGIV0 (invalid, DETAIL = field) and AGFB0 (forbidden) for db.h.
-- ---------------------------------------------------------------------------------------
CREATE FUNCTION agency.contracts_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.status IN ('completed', 'terminated', 'void') AND NEW.status = OLD.status THEN
        RAISE EXCEPTION 'a % contract does not change', OLD.status
            USING ERRCODE = 'AGIV0', DETAIL = 'id';
    END IF;
    IF NEW.status IS DISTINCT FROM OLD.status THEN
        IF NOT ((OLD.status = 'draft' AND NEW.status IN ('active', 'void'))
                OR (OLD.status = 'active' AND NEW.status IN ('completed', 'terminated'))) THEN
            RAISE EXCEPTION 'a % contract cannot become %', OLD.status, NEW.status
                USING ERRCODE = 'AGIV0', DETAIL = 'to';
        END IF;
        IF NEW.status IN ('terminated', 'void') AND btrim(coalesce(NEW.close_reason, '')) = '' THEN
            RAISE EXCEPTION 'a reason is required to make a contract %', NEW.status
                USING ERRCODE = 'AGIV0', DETAIL = 'reason';
        END IF;
        IF NEW.status IN ('active', 'terminated')
           AND NOT coalesce(agency.current_role() IN ('manager', 'director'), false) THEN
            RAISE EXCEPTION 'only an account manager or a director activates or terminates a contract'
                USING ERRCODE = 'AGFB0';
        END IF;
    END IF;
    IF OLD.status = 'active'
       AND (NEW.amount, NEW.currency, NEW.starts_on, NEW.ends_on)
           IS DISTINCT FROM (OLD.amount, OLD.currency, OLD.starts_on, OLD.ends_on)
       AND NOT EXISTS (SELECT 1 FROM agency.contract_amendments a
                        WHERE a.contract_id = NEW.id AND a.version = NEW.version) THEN
        RAISE EXCEPTION 'an active contract''s value and period change only by an amendment: give a reason'
            USING ERRCODE = 'AGIV0', DETAIL = 'reason';
    END IF;
    RETURN NEW;
END $$;
COMMENT ON FUNCTION agency.contracts_guard() IS
    'Contracts: state machine, reasons, who signs, closed contracts frozen, amendments of active ones.';
CREATE TRIGGER contracts_guard BEFORE UPDATE ON agency.contracts
    FOR EACH ROW EXECUTE FUNCTION agency.contracts_guard();

-- contract.update: the version-checked change of contract p_id (NULL arguments keep the value,
-- '' clears payment_terms and scope). An active contract whose value or period changes needs
-- p_reason and records the amendment first. Answers the id, or NULL when the contract is not
-- visible to the caller; a stale version raises AGCF0 (conflict). Runs as the caller.
CREATE FUNCTION agency.contract_update(p_id bigint, p_version int, p_number text, p_title text,
                                       p_starts_on date, p_ends_on date, p_amount bigint,
                                       p_currency text, p_payment_terms text, p_scope text,
                                       p_reason text)
RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    k agency.contracts;
    n_amount bigint;
    n_currency text;
    n_starts date;
    n_ends date;
BEGIN
    SELECT * INTO k FROM agency.contracts WHERE id = p_id FOR UPDATE;
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    IF k.version <> p_version THEN
        RAISE EXCEPTION 'the contract changed since you read it (now version %)', k.version
            USING ERRCODE = 'AGCF0';
    END IF;
    n_amount := coalesce(p_amount, k.amount);
    n_currency := coalesce(p_currency, k.currency);
    n_starts := coalesce(p_starts_on, k.starts_on);
    n_ends := coalesce(p_ends_on, k.ends_on);
    IF k.status = 'active' AND (n_amount, n_currency, n_starts, n_ends)
                             IS DISTINCT FROM (k.amount, k.currency::text, k.starts_on, k.ends_on) THEN
        IF btrim(coalesce(p_reason, '')) = '' THEN
            RAISE EXCEPTION 'an active contract''s value and period change only by an amendment: give a reason'
                USING ERRCODE = 'AGIV0', DETAIL = 'reason';
        END IF;
        INSERT INTO agency.contract_amendments (contract_id, client_id, version, reason, old_amount,
                    new_amount, old_currency, new_currency, old_starts_on, new_starts_on,
                    old_ends_on, new_ends_on, created_by)
        VALUES (k.id, k.client_id, k.version + 1, btrim(p_reason), k.amount, n_amount, k.currency,
                n_currency, k.starts_on, n_starts, k.ends_on, n_ends, agency.current_user_id());
    END IF;
    UPDATE agency.contracts SET number = coalesce(p_number, k.number),
           title = coalesce(p_title, k.title), starts_on = n_starts, ends_on = n_ends,
           amount = n_amount, currency = n_currency,
           payment_terms = CASE WHEN p_payment_terms IS NULL THEN k.payment_terms
                                ELSE nullif(p_payment_terms, '') END,
           scope = CASE WHEN p_scope IS NULL THEN k.scope ELSE nullif(p_scope, '') END,
           updated_at = agency.now(), version = k.version + 1
     WHERE id = k.id;
    RETURN k.id;
END $$;
COMMENT ON FUNCTION agency.contract_update(bigint, int, text, text, date, date, bigint, text, text,
                                           text, text) IS
    'contract.update: version-checked; an active contract''s value/period change records an amendment.';

-- ---------------------------------------------------------------------------------------
-- The renewal queue: active contracts ending within p_within days of the caller's today (or
-- already past their end) with no live successor (a contract that renews them and is not
-- void), soonest end first. Runs as the caller: only contracts of visible clients.
-- ---------------------------------------------------------------------------------------
CREATE FUNCTION agency.contract_renewals(p_within int)
RETURNS TABLE (id bigint, client_id bigint, client_name text, owner_id bigint,
               owner_full_name text, number text, title text, starts_on date, ends_on date,
               days_left int, amount bigint, currency text, renewal_notified_at timestamptz)
LANGUAGE sql STABLE AS $$
    SELECT k.id, k.client_id, c.name, u.id, u.full_name, k.number, k.title, k.starts_on,
           k.ends_on, k.ends_on - (SELECT agency.today()), k.amount, k.currency::text, k.renewal_notified_at
      FROM agency.contracts k JOIN agency.clients c ON c.id = k.client_id
      JOIN agency.users u ON u.id = c.owner_id
     WHERE k.status = 'active' AND k.ends_on <= (SELECT agency.today()) + p_within
       AND NOT EXISTS (SELECT 1 FROM agency.contracts s WHERE s.renews_id = k.id AND s.status <> 'void')
     ORDER BY k.ends_on, k.id
$$;
COMMENT ON FUNCTION agency.contract_renewals(int) IS
    'Active contracts ending within p_within days (or past their end) with no live successor.';

-- The agenda's renewals: the renewal queue of 60 days (or of p_days when longer) for the
-- clients the agenda's people own; due on the contract's end, overdue once it has passed.
CREATE FUNCTION agency.agenda_renewals(p_user bigint, p_days int, p_team boolean)
RETURNS SETOF agency.agenda_item
LANGUAGE plpgsql STABLE SET plan_cache_mode = force_generic_plan AS $$
BEGIN
    RETURN QUERY
    SELECT 'renewal'::text, r.id, r.client_id, r.client_name, 'Renew contract ' || r.number,
           r.title, r.ends_on, NULL::timestamptz, r.days_left < 0, r.owner_id, r.owner_full_name,
           NULL::text, 'active'::text, r.amount, r.currency, NULL::bigint, NULL::text, NULL::text,
           NULL::date
      FROM agency.contract_renewals(greatest(p_days, 60)) r
     WHERE r.owner_id IN (SELECT agency.agenda_people(p_user, p_team))
     LIMIT 1000;
END
$$;
COMMENT ON FUNCTION agency.agenda_renewals(bigint, int, boolean) IS
    'The agenda''s renewals: contracts of the people''s clients in the 60-day renewal queue.';

-- ---------------------------------------------------------------------------------------
-- The reminder sweep: every active contract within 60 days of its end (in its owner's
-- branch's time zone) with no live successor and no reminder yet for this end date pushes
-- contract.renewal_due to the client's owner and is marked, so it goes out once per end date
-- (an amendment that moves the end brings a new one). Rows are taken FOR UPDATE SKIP LOCKED.
-- ---------------------------------------------------------------------------------------
CREATE FUNCTION agency.sweep_contract_renewals() RETURNS int
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = agency, pg_temp AS $$
DECLARE
    k record;
    n int := 0;
BEGIN
    FOR k IN
        SELECT x.id, x.number, x.title, x.ends_on, x.client_id, c.name AS client_name,
               c.owner_id, x.ends_on - (agency.now() AT TIME ZONE coalesce(b.timezone, 'UTC'))::date
                   AS days_left
          FROM agency.contracts x JOIN agency.clients c ON c.id = x.client_id
          JOIN agency.users u ON u.id = c.owner_id
          LEFT JOIN agency.branches b ON b.id = u.branch_id
         WHERE x.status = 'active'
           AND x.renewal_notified_for IS DISTINCT FROM x.ends_on
           AND x.ends_on <= (agency.now() AT TIME ZONE coalesce(b.timezone, 'UTC'))::date + 60
           AND NOT EXISTS (SELECT 1 FROM agency.contracts s
                            WHERE s.renews_id = x.id AND s.status <> 'void')
         ORDER BY x.id
           FOR UPDATE OF x SKIP LOCKED
    LOOP
        UPDATE agency.contracts SET renewal_notified_for = k.ends_on,
               renewal_notified_at = agency.now()
         WHERE id = k.id;
        PERFORM agency.push(k.owner_id, 'contract.renewal_due',
                            jsonb_build_object('contract_id', k.id, 'number', k.number,
                                               'title', k.title, 'client_id', k.client_id,
                                               'client_name', k.client_name,
                                               'ends_on', k.ends_on, 'days_left', k.days_left));
        n := n + 1;
    END LOOP;
    RETURN n;
END $$;
COMMENT ON FUNCTION agency.sweep_contract_renewals() IS
    'Pushes contract.renewal_due to the owner of each contract 60 days from its end, once per end date.';
INSERT INTO agency.sweeps (name, fn, every)
VALUES ('contract_renewals', 'agency.sweep_contract_renewals()', interval '1 second');

GRANT EXECUTE ON FUNCTION agency.contract_update(bigint, int, text, text, date, date, bigint, text,
                                                 text, text, text),
    agency.contract_renewals(int), agency.agenda_renewals(bigint, int, boolean) TO agency_app;
REVOKE EXECUTE ON FUNCTION agency.sweep_contract_renewals() FROM PUBLIC;
