-- 001_staff.sql - the request context and the staff tables: branches, teams, users, the
-- history of each user's role/team/branch, and the password secrets kept apart.
--
-- Runs as the owner role (agency_owner). The application role (agency_app) gets only the
-- privileges granted at the end; row-level security is enabled and forced on every table.

-- Functions are not executable by everyone unless granted.
ALTER DEFAULT PRIVILEGES REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;
REVOKE ALL ON SCHEMA agency FROM PUBLIC;
GRANT USAGE ON SCHEMA agency TO agency_app;

-- ---------------------------------------------------------------------------------------
-- The request context. agencyd sets these transaction-local settings through
-- agency.begin_request() (sessions, 002); policies read them through these functions.
-- An empty or missing setting reads as NULL (nobody logged in).
-- ---------------------------------------------------------------------------------------

CREATE FUNCTION agency.current_user_id() RETURNS bigint
LANGUAGE sql STABLE AS $$ SELECT nullif(current_setting('agency.user_id', true), '')::bigint $$;

CREATE FUNCTION agency.current_role() RETURNS text
LANGUAGE sql STABLE AS $$ SELECT nullif(current_setting('agency.role', true), '') $$;

CREATE FUNCTION agency.current_team_id() RETURNS bigint
LANGUAGE sql STABLE AS $$ SELECT nullif(current_setting('agency.team_id', true), '')::bigint $$;

CREATE FUNCTION agency.current_branch_id() RETURNS bigint
LANGUAGE sql STABLE AS $$ SELECT nullif(current_setting('agency.branch_id', true), '')::bigint $$;

CREATE FUNCTION agency.current_session_id() RETURNS bigint
LANGUAGE sql STABLE AS $$ SELECT nullif(current_setting('agency.session_id', true), '')::bigint $$;

-- True when the caller is a logged-in director.
CREATE FUNCTION agency.is_director() RETURNS boolean
LANGUAGE sql STABLE AS $$ SELECT coalesce(agency.current_role() = 'director', false) $$;

-- The peer address agencyd reports ("1.2.3.4", "1.2.3.4:5678", "[::1]:5678", "::1") as inet;
-- NULL when it is not an address.
CREATE FUNCTION agency.peer_inet(p text) RETURNS inet
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    a text := p;
BEGIN
    IF a IS NULL OR a = '' THEN
        RETURN NULL;
    END IF;
    IF a ~ '^\[.*\]:[0-9]+$' THEN
        a := substring(a FROM '^\[(.*)\]:[0-9]+$');
    ELSIF a ~ '^[0-9.]+:[0-9]+$' THEN
        a := split_part(a, ':', 1);
    END IF;
    RETURN a::inet;
EXCEPTION WHEN others THEN
    RETURN NULL;
END $$;

-- True when tz is a time zone name PostgreSQL knows (used by a CHECK constraint).
CREATE FUNCTION agency.is_timezone(tz text) RETURNS boolean
LANGUAGE sql STABLE AS $$ SELECT EXISTS (SELECT 1 FROM pg_timezone_names WHERE name = tz) $$;

-- ---------------------------------------------------------------------------------------
-- branches: the agency's offices. allowed_networks, when not empty, lists the only networks
-- the branch's staff may log in from.
-- ---------------------------------------------------------------------------------------
CREATE TABLE agency.branches (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name text NOT NULL CONSTRAINT branches_name_check CHECK (char_length(name) BETWEEN 1 AND 200),
    city text NOT NULL CONSTRAINT branches_city_check CHECK (char_length(city) BETWEEN 1 AND 200),
    timezone text NOT NULL CONSTRAINT branches_timezone_check CHECK (agency.is_timezone(timezone)),
    allowed_networks cidr[] NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL DEFAULT now(),
    version int NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX branches_name_key ON agency.branches (lower(name));

-- ---------------------------------------------------------------------------------------
-- users: staff accounts. Password hashes, failure counts and lockouts live in user_secrets,
-- which the application role cannot read. Nothing is deleted: deactivation keeps the row.
-- ---------------------------------------------------------------------------------------
CREATE TABLE agency.users (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    username text NOT NULL
        CONSTRAINT users_username_check CHECK (username ~ '^[a-z0-9._-]{3,64}$'),
    full_name text NOT NULL
        CONSTRAINT users_full_name_check CHECK (char_length(full_name) BETWEEN 1 AND 200),
    email text NOT NULL
        CONSTRAINT users_email_check CHECK (char_length(email) <= 254 AND email ~ '^[^@\s]+@[^@\s]+$'),
    role text NOT NULL
        CONSTRAINT users_role_check CHECK (role IN ('ae', 'manager', 'director', 'finance')),
    branch_id bigint NOT NULL REFERENCES agency.branches (id),
    team_id bigint, -- references teams, added below (teams reference their manager)
    approval_limit bigint NOT NULL DEFAULT 0
        CONSTRAINT users_approval_limit_check CHECK (approval_limit >= 0),
    approval_currency char(3) NOT NULL DEFAULT 'EUR'
        CONSTRAINT users_approval_currency_check CHECK (approval_currency ~ '^[A-Z]{3}$'),
    must_change_password boolean NOT NULL DEFAULT false,
    active boolean NOT NULL DEFAULT true,
    deactivated_at timestamptz,
    version int NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL DEFAULT now(),
    password_changed_at timestamptz,
    CONSTRAINT users_active_check CHECK (active = (deactivated_at IS NULL))
);
CREATE UNIQUE INDEX users_username_key ON agency.users (lower(username));
CREATE INDEX users_team_idx ON agency.users (team_id);
CREATE INDEX users_branch_idx ON agency.users (branch_id);
CREATE INDEX users_role_idx ON agency.users (role);

-- ---------------------------------------------------------------------------------------
-- teams: a manager's team of AEs inside one branch.
-- ---------------------------------------------------------------------------------------
CREATE TABLE agency.teams (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name text NOT NULL CONSTRAINT teams_name_check CHECK (char_length(name) BETWEEN 1 AND 200),
    branch_id bigint NOT NULL REFERENCES agency.branches (id),
    manager_id bigint NOT NULL REFERENCES agency.users (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    version int NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX teams_name_key ON agency.teams (lower(name));
CREATE INDEX teams_branch_idx ON agency.teams (branch_id);
CREATE INDEX teams_manager_idx ON agency.teams (manager_id);

ALTER TABLE agency.users ADD CONSTRAINT users_team_fk FOREIGN KEY (team_id) REFERENCES agency.teams (id);

-- A user's team must be in the user's branch. Raises invalid (field team_id).
CREATE FUNCTION agency.users_check_team() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = agency, pg_temp AS $$
BEGIN
    IF NEW.team_id IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM agency.teams t WHERE t.id = NEW.team_id AND t.branch_id = NEW.branch_id) THEN
        IF NOT EXISTS (SELECT 1 FROM agency.teams t WHERE t.id = NEW.team_id) THEN
            RAISE EXCEPTION 'no such team' USING ERRCODE = 'AGIV0', DETAIL = 'team_id';
        END IF;
        RAISE EXCEPTION 'the team belongs to another branch' USING ERRCODE = 'AGIV0', DETAIL = 'team_id';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM agency.branches b WHERE b.id = NEW.branch_id) THEN
        RAISE EXCEPTION 'no such branch' USING ERRCODE = 'AGIV0', DETAIL = 'branch_id';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER users_check_team BEFORE INSERT OR UPDATE OF team_id, branch_id ON agency.users
    FOR EACH ROW EXECUTE FUNCTION agency.users_check_team();

-- ---------------------------------------------------------------------------------------
-- user_history: who had which role, team and branch when. One open row (valid_to NULL) per
-- active user; a change closes it and opens a new one. Rows are never overwritten, only
-- closed. Kept by the trigger below; the application role can only read it (directors).
-- ---------------------------------------------------------------------------------------
CREATE TABLE agency.user_history (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id bigint NOT NULL REFERENCES agency.users (id),
    role text NOT NULL,
    team_id bigint REFERENCES agency.teams (id),
    branch_id bigint NOT NULL REFERENCES agency.branches (id),
    valid_from timestamptz NOT NULL,
    valid_to timestamptz,
    CONSTRAINT user_history_period_check CHECK (valid_to IS NULL OR valid_to >= valid_from)
);
CREATE UNIQUE INDEX user_history_open_key ON agency.user_history (user_id) WHERE valid_to IS NULL;
CREATE INDEX user_history_user_idx ON agency.user_history (user_id, valid_from);

CREATE FUNCTION agency.users_keep_history() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = agency, pg_temp AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        IF NEW.role IS NOT DISTINCT FROM OLD.role AND NEW.team_id IS NOT DISTINCT FROM OLD.team_id
           AND NEW.branch_id IS NOT DISTINCT FROM OLD.branch_id AND NEW.active = OLD.active THEN
            RETURN NEW;
        END IF;
        UPDATE agency.user_history SET valid_to = now()
         WHERE user_id = NEW.id AND valid_to IS NULL;
    END IF;
    IF NEW.active THEN
        INSERT INTO agency.user_history (user_id, role, team_id, branch_id, valid_from)
        VALUES (NEW.id, NEW.role, NEW.team_id, NEW.branch_id, now());
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER users_keep_history AFTER INSERT OR UPDATE ON agency.users
    FOR EACH ROW EXECUTE FUNCTION agency.users_keep_history();

-- History rows may only be closed (valid_to set once), never edited or removed.
CREATE FUNCTION agency.user_history_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.valid_to IS NULL AND NEW.valid_to IS NOT NULL
       AND (NEW.id, NEW.user_id, NEW.role, NEW.team_id, NEW.branch_id, NEW.valid_from)
           IS NOT DISTINCT FROM (OLD.id, OLD.user_id, OLD.role, OLD.team_id, OLD.branch_id, OLD.valid_from) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'user history is never rewritten' USING ERRCODE = 'AGFB0';
END $$;
CREATE TRIGGER user_history_guard BEFORE UPDATE OR DELETE ON agency.user_history
    FOR EACH ROW EXECUTE FUNCTION agency.user_history_guard();

-- ---------------------------------------------------------------------------------------
-- user_secrets: the Argon2id hash (encoded form), failed logins and lockout of each user.
-- No policy lets the application role see a row; it goes through the SECURITY DEFINER
-- login and password functions (002).
-- ---------------------------------------------------------------------------------------
CREATE TABLE agency.user_secrets (
    user_id bigint PRIMARY KEY REFERENCES agency.users (id),
    password_hash text NOT NULL CONSTRAINT user_secrets_hash_check CHECK (password_hash LIKE '$argon2id$%'),
    failed_logins int NOT NULL DEFAULT 0 CHECK (failed_logins >= 0),
    locked_until timestamptz,
    changed_at timestamptz NOT NULL DEFAULT now()
);

-- ---------------------------------------------------------------------------------------
-- Row-level security. The owner role (migrations, SECURITY DEFINER functions) sees all;
-- the application role sees what the request context allows:
--   branches, teams, users: every logged-in user reads (handlers choose which columns a
--     non-director gets); only directors insert or update.
--   user_history: directors read.
--   user_secrets: nothing.
-- ---------------------------------------------------------------------------------------
ALTER TABLE agency.branches ENABLE ROW LEVEL SECURITY;
ALTER TABLE agency.branches FORCE ROW LEVEL SECURITY;
ALTER TABLE agency.teams ENABLE ROW LEVEL SECURITY;
ALTER TABLE agency.teams FORCE ROW LEVEL SECURITY;
ALTER TABLE agency.users ENABLE ROW LEVEL SECURITY;
ALTER TABLE agency.users FORCE ROW LEVEL SECURITY;
ALTER TABLE agency.user_history ENABLE ROW LEVEL SECURITY;
ALTER TABLE agency.user_history FORCE ROW LEVEL SECURITY;
ALTER TABLE agency.user_secrets ENABLE ROW LEVEL SECURITY;
ALTER TABLE agency.user_secrets FORCE ROW LEVEL SECURITY;
ALTER TABLE agency.schema_migrations ENABLE ROW LEVEL SECURITY;
ALTER TABLE agency.schema_migrations FORCE ROW LEVEL SECURITY;

CREATE POLICY owner_all ON agency.branches TO agency_owner USING (true) WITH CHECK (true);
CREATE POLICY owner_all ON agency.teams TO agency_owner USING (true) WITH CHECK (true);
CREATE POLICY owner_all ON agency.users TO agency_owner USING (true) WITH CHECK (true);
CREATE POLICY owner_all ON agency.user_history TO agency_owner USING (true) WITH CHECK (true);
CREATE POLICY owner_all ON agency.user_secrets TO agency_owner USING (true) WITH CHECK (true);
CREATE POLICY owner_all ON agency.schema_migrations TO agency_owner USING (true) WITH CHECK (true);

-- Anyone may read which schema version is installed (agencyd checks it at start-up).
CREATE POLICY app_read ON agency.schema_migrations FOR SELECT TO agency_app USING (true);

CREATE POLICY app_read ON agency.branches FOR SELECT TO agency_app
    USING (agency.current_user_id() IS NOT NULL);
CREATE POLICY app_insert ON agency.branches FOR INSERT TO agency_app
    WITH CHECK (agency.is_director());
CREATE POLICY app_update ON agency.branches FOR UPDATE TO agency_app
    USING (agency.is_director()) WITH CHECK (agency.is_director());

CREATE POLICY app_read ON agency.teams FOR SELECT TO agency_app
    USING (agency.current_user_id() IS NOT NULL);
CREATE POLICY app_insert ON agency.teams FOR INSERT TO agency_app
    WITH CHECK (agency.is_director());
CREATE POLICY app_update ON agency.teams FOR UPDATE TO agency_app
    USING (agency.is_director()) WITH CHECK (agency.is_director());

CREATE POLICY app_read ON agency.users FOR SELECT TO agency_app
    USING (agency.current_user_id() IS NOT NULL);
CREATE POLICY app_insert ON agency.users FOR INSERT TO agency_app
    WITH CHECK (agency.is_director());
CREATE POLICY app_update ON agency.users FOR UPDATE TO agency_app
    USING (agency.is_director()) WITH CHECK (agency.is_director());

CREATE POLICY app_read ON agency.user_history FOR SELECT TO agency_app
    USING (agency.is_director());

-- ---------------------------------------------------------------------------------------
-- Privileges of the application role: no DELETE, no TRUNCATE anywhere; column lists keep
-- ids, versions and timestamps under the server's control.
-- ---------------------------------------------------------------------------------------
GRANT SELECT ON agency.schema_migrations TO agency_app;
GRANT SELECT ON agency.branches, agency.teams, agency.users, agency.user_history TO agency_app;
GRANT INSERT (name, city, timezone, allowed_networks) ON agency.branches TO agency_app;
GRANT UPDATE (name, city, timezone, allowed_networks, version) ON agency.branches TO agency_app;
GRANT INSERT (name, branch_id, manager_id) ON agency.teams TO agency_app;
GRANT UPDATE (name, branch_id, manager_id, version) ON agency.teams TO agency_app;
GRANT INSERT (username, full_name, email, role, branch_id, team_id, approval_limit,
              approval_currency, must_change_password) ON agency.users TO agency_app;
GRANT UPDATE (full_name, email, role, branch_id, team_id, approval_limit, approval_currency,
              active, deactivated_at, version) ON agency.users TO agency_app;

GRANT EXECUTE ON FUNCTION agency.current_user_id(), agency.current_role(),
    agency.current_team_id(), agency.current_branch_id(), agency.current_session_id(),
    agency.is_director(), agency.peer_inet(text), agency.is_timezone(text) TO agency_app;
