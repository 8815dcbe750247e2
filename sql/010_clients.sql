-- 010_clients.sql - clients, their confidential notes, the history of their owners, contacts,
-- activities (calls, e-mails, meetings, visits, notes and their follow-ups) and the staging
-- tables of a client import; name normalisation and trigram search; row-level security that
-- scopes every one of them to the caller (AE: own, manager: team, director: all, finance:
-- client basics and contacts of all, never activities or confidential notes).
--
-- Runs as the owner role (agency_owner). pg_trgm is a trusted extension in PostgreSQL 15, so
-- the database owner may create it.

CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;

-- ---------------------------------------------------------------------------------------
-- Name normalisation ("avoid crossing"): two names for the same company must compare equal
-- or close. lower-case (any script), punctuation and spacing of any script removed, and the
-- company-form suffixes of the agency's languages removed from the end:
--   English   Co., Company, Corp(oration), Inc(orporated), LLC, Ltd, Limited, PLC, Group
--   German    GmbH, AG        Italian   S.p.A., SpA, S.r.l., Srl, S.a.s., S.n.c., S.A.
--   Turkish   A.Ş., AŞ, Ltd. Şti., Limited Şirketi, Anonim Şirketi, Şti.
--   Chinese   有限公司, 股份有限公司, 有限责任公司, 集团, 公司
--   Arabic    ش.م.م, ش.م.ع, ذ.م.م (and ش.ذ.م.م); a leading شركة / مؤسسة ("company of")
-- ---------------------------------------------------------------------------------------
CREATE FUNCTION agency.normalize_name(p text) RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
    s text;
    prev text;
BEGIN
    IF p IS NULL THEN
        RETURN NULL;
    END IF;
    s := lower(p);
    -- punctuation and spacing of any script become one space (suffixes are matched as words)
    s := regexp_replace(s,
        '[[:punct:][:space:]，。、．・·（）()「」『』【】《》〈〉：；！？“”‘’"''«»،؛؟۔ـ　&+/\\-]+',
        ' ', 'g');
    s := btrim(s);
    s := regexp_replace(s, '^(شركة|مؤسسة)\s(\S)', '\2');
    FOR i IN 1..6 LOOP
        prev := s;
        s := regexp_replace(s,
            '\s(co|company|corp|corporation|inc|incorporated|llc|ltd|limited|plc|group|gmbh|ag'
            '|s p a|spa|s r l|srl|s a s|sas|s n c|snc|s a|sa|a ş|aş|a s|ltd şti|ltd sti'
            '|limited şirketi|anonim şirketi|şti|sti|ش م م|ش م ع|ذ م م|ش ذ م م)$', '');
        s := regexp_replace(s, '(\S)\s?(股份有限公司|有限责任公司|有限公司|集团公司|集团|公司)$', '\1');
        s := btrim(s);
        EXIT WHEN s = prev;
    END LOOP;
    s := replace(s, ' ', '');
    IF s = '' THEN
        -- a name that is nothing but a suffix or punctuation keeps its letters
        s := regexp_replace(lower(p), '[[:punct:][:space:]]+', '', 'g');
    END IF;
    RETURN s;
END $$;

-- A registration number compared without case, spaces or punctuation ("TR-123 456" = "tr123456").
CREATE FUNCTION agency.normalize_regno(p text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT nullif(regexp_replace(upper(p), '[^[:alnum:]]+', '', 'g'), '')
$$;

-- ---------------------------------------------------------------------------------------
-- Scope. The owners whose clients the caller may see: an AE themselves; a manager themselves
-- and the members of every team they manage; a director and finance everyone (finance's
-- limits are in the policies: read only, and no activities or confidential notes). Nobody
-- logged in: nobody. SECURITY DEFINER so it reads teams and users whatever the caller's own
-- policies on them; STABLE and called as (SELECT agency.visible_owner_ids()) in the policies,
-- so it runs once per statement, not once per row.
-- ---------------------------------------------------------------------------------------
CREATE FUNCTION agency.visible_owner_ids() RETURNS bigint[]
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = agency, pg_temp AS $$
    SELECT CASE agency.current_role()
        WHEN 'director' THEN ARRAY(SELECT u.id FROM agency.users u)
        WHEN 'finance' THEN ARRAY(SELECT u.id FROM agency.users u)
        WHEN 'manager' THEN ARRAY(
            SELECT agency.current_user_id()
             UNION
            SELECT u.id FROM agency.users u JOIN agency.teams t ON t.id = u.team_id
             WHERE t.manager_id = agency.current_user_id())
        WHEN 'ae' THEN ARRAY[agency.current_user_id()]
        ELSE '{}'::bigint[]
    END
$$;

-- True when the caller may change client data (AEs, managers, directors; never finance).
CREATE FUNCTION agency.can_write_clients() RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT coalesce(agency.current_role() IN ('ae', 'manager', 'director'), false)
$$;

-- ---------------------------------------------------------------------------------------
-- clients: the companies the agency works for. name_norm, legal_norm and reg_norm are kept
-- by a trigger from name, legal_name and registration_no; nothing is deleted (archived with
-- who, when and why); version counts changes (optimistic concurrency).
-- ---------------------------------------------------------------------------------------
CREATE TABLE agency.clients (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name text NOT NULL
        CONSTRAINT clients_name_check CHECK (char_length(name) BETWEEN 1 AND 200 AND btrim(name) <> ''),
    legal_name text CONSTRAINT clients_legal_name_check CHECK (char_length(legal_name) <= 200),
    registration_no text
        CONSTRAINT clients_registration_no_check CHECK (char_length(registration_no) <= 64),
    industry text CONSTRAINT clients_industry_check CHECK (char_length(industry) <= 200),
    tier text NOT NULL DEFAULT 'standard'
        CONSTRAINT clients_tier_check CHECK (tier IN ('key', 'growth', 'standard')),
    status text NOT NULL DEFAULT 'prospect'
        CONSTRAINT clients_status_check CHECK (status IN ('prospect', 'active', 'dormant', 'lost')),
    owner_id bigint NOT NULL REFERENCES agency.users (id),
    address text CONSTRAINT clients_address_check CHECK (char_length(address) <= 2000),
    phone text CONSTRAINT clients_phone_check CHECK (char_length(phone) <= 64),
    email text CONSTRAINT clients_email_check CHECK (char_length(email) <= 254),
    website text CONSTRAINT clients_website_check CHECK (char_length(website) <= 2000),
    notes text CONSTRAINT clients_notes_check CHECK (char_length(notes) <= 20000),
    name_norm text NOT NULL DEFAULT '',
    legal_norm text,
    reg_norm text,
    archived_at timestamptz,
    archived_by bigint REFERENCES agency.users (id),
    archive_reason text
        CONSTRAINT clients_archive_reason_check CHECK (char_length(archive_reason) <= 500),
    created_at timestamptz NOT NULL DEFAULT now(),
    created_by bigint REFERENCES agency.users (id),
    updated_at timestamptz NOT NULL DEFAULT now(),
    version int NOT NULL DEFAULT 1,
    CONSTRAINT clients_archived_check CHECK ((archived_at IS NULL) = (archive_reason IS NULL))
);
-- One live client per registration number (archived ones may repeat it).
CREATE UNIQUE INDEX clients_registration_no_key ON agency.clients (reg_norm)
    WHERE archived_at IS NULL AND reg_norm IS NOT NULL;
CREATE INDEX clients_owner_idx ON agency.clients (owner_id);
CREATE INDEX clients_status_idx ON agency.clients (status);
CREATE INDEX clients_tier_idx ON agency.clients (tier);
CREATE INDEX clients_name_idx ON agency.clients (name, id);
CREATE INDEX clients_archived_idx ON agency.clients (archived_at);
CREATE INDEX clients_name_trgm_idx ON agency.clients USING gin (name_norm gin_trgm_ops);
CREATE INDEX clients_legal_trgm_idx ON agency.clients USING gin (legal_norm gin_trgm_ops);
CREATE INDEX clients_reg_norm_idx ON agency.clients (reg_norm);

-- Keeps the normalised forms and updated_at.
CREATE FUNCTION agency.clients_normalise() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.name_norm := agency.normalize_name(NEW.name);
    NEW.legal_norm := agency.normalize_name(NEW.legal_name);
    NEW.reg_norm := agency.normalize_regno(NEW.registration_no);
    IF TG_OP = 'UPDATE' THEN
        NEW.updated_at := now();
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER clients_normalise BEFORE INSERT OR UPDATE ON agency.clients
    FOR EACH ROW EXECUTE FUNCTION agency.clients_normalise();

-- ---------------------------------------------------------------------------------------
-- client_secrets: the account team's confidential notes on a client, kept apart so that a
-- policy (not a WHERE clause someone might forget) keeps finance out.
-- ---------------------------------------------------------------------------------------
CREATE TABLE agency.client_secrets (
    client_id bigint PRIMARY KEY REFERENCES agency.clients (id),
    confidential_notes text
        CONSTRAINT client_secrets_confidential_notes_check CHECK (char_length(confidential_notes) <= 20000),
    updated_at timestamptz NOT NULL DEFAULT now(),
    updated_by bigint REFERENCES agency.users (id)
);

-- ---------------------------------------------------------------------------------------
-- client_owners: who owned each client when, with who assigned it and why. One open row
-- (valid_to NULL) per client; a change of clients.owner_id closes it and opens a new one
-- (trigger below). Rows are never rewritten, only closed. The reason of an assignment comes
-- from the transaction-local setting agency.assign_reason.
-- ---------------------------------------------------------------------------------------
CREATE TABLE agency.client_owners (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    client_id bigint NOT NULL REFERENCES agency.clients (id),
    owner_id bigint NOT NULL REFERENCES agency.users (id),
    valid_from timestamptz NOT NULL,
    valid_to timestamptz,
    assigned_by bigint REFERENCES agency.users (id),
    reason text,
    CONSTRAINT client_owners_period_check CHECK (valid_to IS NULL OR valid_to >= valid_from)
);
CREATE UNIQUE INDEX client_owners_open_key ON agency.client_owners (client_id) WHERE valid_to IS NULL;
CREATE INDEX client_owners_client_idx ON agency.client_owners (client_id, valid_from);
CREATE INDEX client_owners_owner_idx ON agency.client_owners (owner_id, valid_from);

CREATE FUNCTION agency.clients_keep_owners() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = agency, pg_temp AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        IF NEW.owner_id = OLD.owner_id THEN
            RETURN NEW;
        END IF;
        UPDATE agency.client_owners SET valid_to = now()
         WHERE client_id = NEW.id AND valid_to IS NULL;
    END IF;
    INSERT INTO agency.client_owners (client_id, owner_id, valid_from, assigned_by, reason)
    VALUES (NEW.id, NEW.owner_id, now(), coalesce(agency.current_user_id(), NEW.created_by),
            CASE WHEN TG_OP = 'INSERT' THEN 'created'
                 ELSE coalesce(nullif(current_setting('agency.assign_reason', true), ''), 'reassigned')
            END);
    RETURN NEW;
END $$;
CREATE TRIGGER clients_keep_owners AFTER INSERT OR UPDATE OF owner_id ON agency.clients
    FOR EACH ROW EXECUTE FUNCTION agency.clients_keep_owners();

-- Owner history rows may only be closed (valid_to set once), never edited or removed.
CREATE FUNCTION agency.client_owners_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.valid_to IS NULL AND NEW.valid_to IS NOT NULL
       AND (NEW.id, NEW.client_id, NEW.owner_id, NEW.valid_from, NEW.assigned_by, NEW.reason)
           IS NOT DISTINCT FROM (OLD.id, OLD.client_id, OLD.owner_id, OLD.valid_from, OLD.assigned_by, OLD.reason) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'the owner history is never rewritten' USING ERRCODE = 'AGFB0';
END $$;
CREATE TRIGGER client_owners_guard BEFORE UPDATE OR DELETE ON agency.client_owners
    FOR EACH ROW EXECUTE FUNCTION agency.client_owners_guard();

-- ---------------------------------------------------------------------------------------
-- contacts: people at a client. Archived, never deleted.
-- ---------------------------------------------------------------------------------------
CREATE TABLE agency.contacts (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    client_id bigint NOT NULL REFERENCES agency.clients (id),
    name text NOT NULL
        CONSTRAINT contacts_name_check CHECK (char_length(name) BETWEEN 1 AND 200 AND btrim(name) <> ''),
    title text CONSTRAINT contacts_title_check CHECK (char_length(title) <= 200),
    phone text CONSTRAINT contacts_phone_check CHECK (char_length(phone) <= 64),
    email text CONSTRAINT contacts_email_check CHECK (char_length(email) <= 254),
    decision_maker boolean NOT NULL DEFAULT false,
    notes text CONSTRAINT contacts_notes_check CHECK (char_length(notes) <= 20000),
    name_norm text NOT NULL DEFAULT '',
    archived_at timestamptz,
    archived_by bigint REFERENCES agency.users (id),
    archive_reason text
        CONSTRAINT contacts_archive_reason_check CHECK (char_length(archive_reason) <= 500),
    created_at timestamptz NOT NULL DEFAULT now(),
    created_by bigint REFERENCES agency.users (id),
    updated_at timestamptz NOT NULL DEFAULT now(),
    version int NOT NULL DEFAULT 1,
    CONSTRAINT contacts_archived_check CHECK ((archived_at IS NULL) = (archive_reason IS NULL))
);
CREATE INDEX contacts_client_idx ON agency.contacts (client_id);
CREATE INDEX contacts_name_trgm_idx ON agency.contacts USING gin (name_norm gin_trgm_ops);

CREATE FUNCTION agency.contacts_normalise() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.name_norm := agency.normalize_name(NEW.name);
    IF TG_OP = 'UPDATE' THEN
        NEW.updated_at := now();
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER contacts_normalise BEFORE INSERT OR UPDATE ON agency.contacts
    FOR EACH ROW EXECUTE FUNCTION agency.contacts_normalise();

-- ---------------------------------------------------------------------------------------
-- activities: the log of calls, e-mails, meetings, visits and notes on a client, each
-- optionally with a follow-up (next_action due on next_due) that is open until done_at.
-- ---------------------------------------------------------------------------------------
CREATE TABLE agency.activities (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    client_id bigint NOT NULL REFERENCES agency.clients (id),
    user_id bigint NOT NULL REFERENCES agency.users (id),
    kind text NOT NULL
        CONSTRAINT activities_kind_check CHECK (kind IN ('call', 'email', 'meeting', 'visit', 'note')),
    summary text NOT NULL
        CONSTRAINT activities_summary_check CHECK (char_length(summary) BETWEEN 1 AND 500 AND btrim(summary) <> ''),
    details text CONSTRAINT activities_details_check CHECK (char_length(details) <= 20000),
    occurred_at timestamptz NOT NULL DEFAULT now(),
    next_action text CONSTRAINT activities_next_action_check CHECK (char_length(next_action) <= 500),
    next_due date CONSTRAINT activities_next_due_check CHECK (next_due >= DATE '2000-01-01'),
    done_at timestamptz,
    done_by bigint REFERENCES agency.users (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    version int NOT NULL DEFAULT 1,
    CONSTRAINT activities_follow_up_check CHECK (next_due IS NULL OR next_action IS NOT NULL),
    CONSTRAINT activities_done_check CHECK (done_at IS NULL OR next_action IS NOT NULL),
    CONSTRAINT activities_occurred_at_check CHECK (occurred_at >= TIMESTAMPTZ '2000-01-01 00:00:00+00')
);
CREATE INDEX activities_client_idx ON agency.activities (client_id, occurred_at);
CREATE INDEX activities_user_idx ON agency.activities (user_id, occurred_at);
CREATE INDEX activities_open_due_idx ON agency.activities (user_id, next_due)
    WHERE done_at IS NULL AND next_action IS NOT NULL;
CREATE INDEX activities_occurred_idx ON agency.activities (occurred_at, id);

-- ---------------------------------------------------------------------------------------
-- import_batches / import_rows: a client import staged in chunks (client.import_rows) and
-- inserted in one transaction (client.import_commit). Each row keeps its line of the file,
-- the validated fields (as JSON) or the error found (field, reason).
-- ---------------------------------------------------------------------------------------
CREATE TABLE agency.import_batches (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    created_by bigint NOT NULL REFERENCES agency.users (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    committed_at timestamptz,
    imported int,
    skipped int
);
CREATE INDEX import_batches_creator_idx ON agency.import_batches (created_by);

CREATE TABLE agency.import_rows (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    import_id bigint NOT NULL REFERENCES agency.import_batches (id),
    line bigint NOT NULL CONSTRAINT import_rows_line_check CHECK (line >= 0),
    fields jsonb,
    error_field text,
    error_reason text,
    CONSTRAINT import_rows_state_check CHECK ((fields IS NULL) = (error_reason IS NOT NULL))
);
CREATE INDEX import_rows_batch_idx ON agency.import_rows (import_id, line);

-- ---------------------------------------------------------------------------------------
-- Duplicate candidates across ALL scopes ("avoid crossing": an AE must learn that another
-- team already works for a company) - but only id, name, the owner's full name and the
-- similarity in percent, nothing else. Live clients whose normalised name is at least 0.4
-- similar to the given name, or whose normalised registration number is equal; the closest
-- first, at most p_limit (1..20).
-- ---------------------------------------------------------------------------------------
CREATE FUNCTION agency.client_duplicates(p_name text, p_registration_no text, p_limit int)
RETURNS TABLE (id bigint, name text, owner_name text, similarity int)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = agency, public, pg_temp AS $$
    WITH q AS (SELECT agency.normalize_name(p_name) AS n, agency.normalize_regno(p_registration_no) AS r)
    SELECT c.id, c.name, u.full_name,
           CASE WHEN q.r IS NOT NULL AND c.reg_norm = q.r THEN 100
                ELSE round(100 * public.similarity(c.name_norm, q.n))::int END AS sim
      FROM agency.clients c CROSS JOIN q JOIN agency.users u ON u.id = c.owner_id
     WHERE agency.current_user_id() IS NOT NULL AND c.archived_at IS NULL
       AND ((q.n <> '' AND public.similarity(c.name_norm, q.n) >= 0.4)
            OR (q.r IS NOT NULL AND c.reg_norm = q.r))
     ORDER BY sim DESC, c.id
     LIMIT greatest(1, least(coalesce(p_limit, 5), 20))
$$;

-- ---------------------------------------------------------------------------------------
-- Row-level security, enabled and forced. The owner role sees all (owner_all); the
-- application role:
--   clients         read: owner in visible_owner_ids(); insert/update: the same and not
--                   finance (the new owner must be in scope too).
--   client_secrets  read/insert/update: not finance, and the client visible (clients' own
--                   policy decides, through the sub-select).
--   client_owners   read: the client visible. Written only by the SECURITY DEFINER trigger.
--   contacts        read: the client visible; insert/update: also not finance.
--   activities      everything: not finance and the client visible; inserted as oneself.
--   import_batches  not finance; created by someone in visible_owner_ids() (a manager sees
--                   the team's imports); inserted as oneself.
--   import_rows     not finance; the batch visible.
-- Nobody logged in sees nothing: visible_owner_ids() is empty then.
-- ---------------------------------------------------------------------------------------
ALTER TABLE agency.clients ENABLE ROW LEVEL SECURITY;
ALTER TABLE agency.clients FORCE ROW LEVEL SECURITY;
ALTER TABLE agency.client_secrets ENABLE ROW LEVEL SECURITY;
ALTER TABLE agency.client_secrets FORCE ROW LEVEL SECURITY;
ALTER TABLE agency.client_owners ENABLE ROW LEVEL SECURITY;
ALTER TABLE agency.client_owners FORCE ROW LEVEL SECURITY;
ALTER TABLE agency.contacts ENABLE ROW LEVEL SECURITY;
ALTER TABLE agency.contacts FORCE ROW LEVEL SECURITY;
ALTER TABLE agency.activities ENABLE ROW LEVEL SECURITY;
ALTER TABLE agency.activities FORCE ROW LEVEL SECURITY;
ALTER TABLE agency.import_batches ENABLE ROW LEVEL SECURITY;
ALTER TABLE agency.import_batches FORCE ROW LEVEL SECURITY;
ALTER TABLE agency.import_rows ENABLE ROW LEVEL SECURITY;
ALTER TABLE agency.import_rows FORCE ROW LEVEL SECURITY;

CREATE POLICY owner_all ON agency.clients TO agency_owner USING (true) WITH CHECK (true);
CREATE POLICY owner_all ON agency.client_secrets TO agency_owner USING (true) WITH CHECK (true);
CREATE POLICY owner_all ON agency.client_owners TO agency_owner USING (true) WITH CHECK (true);
CREATE POLICY owner_all ON agency.contacts TO agency_owner USING (true) WITH CHECK (true);
CREATE POLICY owner_all ON agency.activities TO agency_owner USING (true) WITH CHECK (true);
CREATE POLICY owner_all ON agency.import_batches TO agency_owner USING (true) WITH CHECK (true);
CREATE POLICY owner_all ON agency.import_rows TO agency_owner USING (true) WITH CHECK (true);

-- clients: the caller's scope of owners.
CREATE POLICY app_read ON agency.clients FOR SELECT TO agency_app
    USING (owner_id = ANY ((SELECT agency.visible_owner_ids())::bigint[]));
CREATE POLICY app_insert ON agency.clients FOR INSERT TO agency_app
    WITH CHECK (agency.can_write_clients()
                AND owner_id = ANY ((SELECT agency.visible_owner_ids())::bigint[]));
CREATE POLICY app_update ON agency.clients FOR UPDATE TO agency_app
    USING (agency.can_write_clients() AND owner_id = ANY ((SELECT agency.visible_owner_ids())::bigint[]))
    WITH CHECK (agency.can_write_clients()
                AND owner_id = ANY ((SELECT agency.visible_owner_ids())::bigint[]));

-- client_secrets: the account team only; finance never (whatever a handler asks for).
CREATE POLICY app_read ON agency.client_secrets FOR SELECT TO agency_app
    USING (agency.can_write_clients() AND client_id IN (SELECT c.id FROM agency.clients c));
CREATE POLICY app_insert ON agency.client_secrets FOR INSERT TO agency_app
    WITH CHECK (agency.can_write_clients() AND client_id IN (SELECT c.id FROM agency.clients c));
CREATE POLICY app_update ON agency.client_secrets FOR UPDATE TO agency_app
    USING (agency.can_write_clients() AND client_id IN (SELECT c.id FROM agency.clients c))
    WITH CHECK (agency.can_write_clients() AND client_id IN (SELECT c.id FROM agency.clients c));

-- client_owners: readable with the client; written by the trigger only.
CREATE POLICY app_read ON agency.client_owners FOR SELECT TO agency_app
    USING (client_id IN (SELECT c.id FROM agency.clients c));

-- contacts: with the client; finance reads them (billing) but never changes them.
CREATE POLICY app_read ON agency.contacts FOR SELECT TO agency_app
    USING (client_id IN (SELECT c.id FROM agency.clients c));
CREATE POLICY app_insert ON agency.contacts FOR INSERT TO agency_app
    WITH CHECK (agency.can_write_clients() AND client_id IN (SELECT c.id FROM agency.clients c));
CREATE POLICY app_update ON agency.contacts FOR UPDATE TO agency_app
    USING (agency.can_write_clients() AND client_id IN (SELECT c.id FROM agency.clients c))
    WITH CHECK (agency.can_write_clients() AND client_id IN (SELECT c.id FROM agency.clients c));

-- activities: the account team's record; finance sees none.
CREATE POLICY app_read ON agency.activities FOR SELECT TO agency_app
    USING (agency.can_write_clients() AND client_id IN (SELECT c.id FROM agency.clients c));
CREATE POLICY app_insert ON agency.activities FOR INSERT TO agency_app
    WITH CHECK (agency.can_write_clients() AND user_id = agency.current_user_id()
                AND client_id IN (SELECT c.id FROM agency.clients c));
CREATE POLICY app_update ON agency.activities FOR UPDATE TO agency_app
    USING (agency.can_write_clients() AND client_id IN (SELECT c.id FROM agency.clients c))
    WITH CHECK (agency.can_write_clients() AND client_id IN (SELECT c.id FROM agency.clients c));

-- import staging: the importer's (and their manager's, and directors') rows; never finance.
CREATE POLICY app_read ON agency.import_batches FOR SELECT TO agency_app
    USING (agency.can_write_clients()
           AND created_by = ANY ((SELECT agency.visible_owner_ids())::bigint[]));
CREATE POLICY app_insert ON agency.import_batches FOR INSERT TO agency_app
    WITH CHECK (agency.can_write_clients() AND created_by = agency.current_user_id());
CREATE POLICY app_update ON agency.import_batches FOR UPDATE TO agency_app
    USING (agency.can_write_clients() AND created_by = agency.current_user_id())
    WITH CHECK (agency.can_write_clients() AND created_by = agency.current_user_id());
CREATE POLICY app_read ON agency.import_rows FOR SELECT TO agency_app
    USING (agency.can_write_clients() AND import_id IN (SELECT b.id FROM agency.import_batches b));
CREATE POLICY app_insert ON agency.import_rows FOR INSERT TO agency_app
    WITH CHECK (agency.can_write_clients() AND import_id IN (
        SELECT b.id FROM agency.import_batches b WHERE b.created_by = agency.current_user_id()));

-- ---------------------------------------------------------------------------------------
-- Privileges of the application role: no DELETE or TRUNCATE; column lists keep ids,
-- normalised forms and creation stamps under the server's and the triggers' control.
-- ---------------------------------------------------------------------------------------
GRANT SELECT ON agency.clients, agency.client_secrets, agency.client_owners, agency.contacts,
    agency.activities, agency.import_batches, agency.import_rows TO agency_app;
GRANT INSERT (name, legal_name, registration_no, industry, tier, status, owner_id, address, phone,
              email, website, notes, created_by) ON agency.clients TO agency_app;
GRANT UPDATE (name, legal_name, registration_no, industry, tier, status, owner_id, address, phone,
              email, website, notes, archived_at, archived_by, archive_reason, version)
    ON agency.clients TO agency_app;
GRANT INSERT (client_id, confidential_notes, updated_by) ON agency.client_secrets TO agency_app;
GRANT UPDATE (confidential_notes, updated_at, updated_by) ON agency.client_secrets TO agency_app;
GRANT INSERT (client_id, name, title, phone, email, decision_maker, notes, created_by)
    ON agency.contacts TO agency_app;
GRANT UPDATE (name, title, phone, email, decision_maker, notes, archived_at, archived_by,
              archive_reason, version) ON agency.contacts TO agency_app;
GRANT INSERT (client_id, user_id, kind, summary, details, occurred_at, next_action, next_due)
    ON agency.activities TO agency_app;
GRANT UPDATE (done_at, done_by, version) ON agency.activities TO agency_app;
GRANT INSERT (created_by) ON agency.import_batches TO agency_app;
GRANT UPDATE (committed_at, imported, skipped) ON agency.import_batches TO agency_app;
GRANT INSERT (import_id, line, fields, error_field, error_reason) ON agency.import_rows TO agency_app;

GRANT EXECUTE ON FUNCTION agency.normalize_name(text), agency.normalize_regno(text),
    agency.visible_owner_ids(), agency.can_write_clients(),
    agency.client_duplicates(text, text, int) TO agency_app;
