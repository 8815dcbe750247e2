-- 002_sessions.sql - sessions, login attempts, the per-address login rate limit, idempotent
-- retries, and the SECURITY DEFINER functions agencyd calls around every request.
--
-- Every function here runs as the owner role with a fixed search_path, validates its
-- inputs, and is the only way the application role reaches password hashes and lockouts.

-- ---------------------------------------------------------------------------------------
-- sessions: one row per login. The client holds a 256-bit random token; only its SHA-256
-- is stored. A session ends when revoked, at expires_at (absolute timeout), or after
-- idle_timeout without a request.
-- ---------------------------------------------------------------------------------------
CREATE TABLE agency.sessions (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id bigint NOT NULL REFERENCES agency.users (id),
    token_hash bytea NOT NULL CONSTRAINT sessions_token_hash_check CHECK (octet_length(token_hash) = 32),
    created_at timestamptz NOT NULL DEFAULT now(),
    last_seen_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    idle_timeout interval NOT NULL,
    revoked_at timestamptz,
    revoke_reason text,
    peer inet,
    client text CONSTRAINT sessions_client_check CHECK (char_length(client) <= 100),
    reauth_at timestamptz,
    CONSTRAINT sessions_revoke_check CHECK ((revoked_at IS NULL) = (revoke_reason IS NULL))
);
CREATE UNIQUE INDEX sessions_token_hash_key ON agency.sessions (token_hash);
CREATE INDEX sessions_user_idx ON agency.sessions (user_id) WHERE revoked_at IS NULL;

-- ---------------------------------------------------------------------------------------
-- login_attempts: every auth.login, successful or not (user_id NULL for unknown names).
-- ---------------------------------------------------------------------------------------
CREATE TABLE agency.login_attempts (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    username text NOT NULL,
    user_id bigint REFERENCES agency.users (id),
    peer inet,
    at timestamptz NOT NULL DEFAULT now(),
    outcome text NOT NULL CONSTRAINT login_attempts_outcome_check CHECK (outcome IN
        ('ok', 'bad_password', 'unknown_user', 'inactive', 'locked', 'network', 'rate_limited'))
);
CREATE INDEX login_attempts_user_idx ON agency.login_attempts (user_id, at);
CREATE INDEX login_attempts_peer_idx ON agency.login_attempts (peer, at);

-- ---------------------------------------------------------------------------------------
-- login_rate: a token bucket per source address, spent by failed logins (capacity = burst,
-- refilled at rate per minute). Reached only through the functions below.
-- ---------------------------------------------------------------------------------------
CREATE TABLE agency.login_rate (
    peer inet PRIMARY KEY,
    tokens double precision NOT NULL,
    updated_at timestamptz NOT NULL
);

-- ---------------------------------------------------------------------------------------
-- idempotency: the committed answer of a mutating request sent with an idempotency_key,
-- per user, so a retry answers the same instead of doing the work twice.
-- ---------------------------------------------------------------------------------------
CREATE TABLE agency.idempotency (
    user_id bigint NOT NULL REFERENCES agency.users (id),
    key uuid NOT NULL,
    op text NOT NULL,
    response bytea NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, key)
);

-- Row-level security: a user sees and updates their own sessions, directors all; login
-- attempts are read by directors; rate buckets and idempotency rows only via functions.
ALTER TABLE agency.sessions ENABLE ROW LEVEL SECURITY;
ALTER TABLE agency.sessions FORCE ROW LEVEL SECURITY;
ALTER TABLE agency.login_attempts ENABLE ROW LEVEL SECURITY;
ALTER TABLE agency.login_attempts FORCE ROW LEVEL SECURITY;
ALTER TABLE agency.login_rate ENABLE ROW LEVEL SECURITY;
ALTER TABLE agency.login_rate FORCE ROW LEVEL SECURITY;
ALTER TABLE agency.idempotency ENABLE ROW LEVEL SECURITY;
ALTER TABLE agency.idempotency FORCE ROW LEVEL SECURITY;

CREATE POLICY owner_all ON agency.sessions TO agency_owner USING (true) WITH CHECK (true);
CREATE POLICY owner_all ON agency.login_attempts TO agency_owner USING (true) WITH CHECK (true);
CREATE POLICY owner_all ON agency.login_rate TO agency_owner USING (true) WITH CHECK (true);
CREATE POLICY owner_all ON agency.idempotency TO agency_owner USING (true) WITH CHECK (true);

CREATE POLICY app_read ON agency.sessions FOR SELECT TO agency_app
    USING (user_id = agency.current_user_id() OR agency.is_director());
CREATE POLICY app_update ON agency.sessions FOR UPDATE TO agency_app
    USING (user_id = agency.current_user_id() OR agency.is_director())
    WITH CHECK (user_id = agency.current_user_id() OR agency.is_director());
CREATE POLICY app_read ON agency.login_attempts FOR SELECT TO agency_app
    USING (agency.is_director());

GRANT SELECT ON agency.sessions, agency.login_attempts TO agency_app;
GRANT UPDATE (revoked_at, revoke_reason, reauth_at) ON agency.sessions TO agency_app;

-- ---------------------------------------------------------------------------------------
-- Request context.
-- ---------------------------------------------------------------------------------------

-- Sets the transaction-local request context (NULLs clear it).
CREATE FUNCTION agency.set_context(p_user_id bigint, p_role text, p_team_id bigint,
                                   p_branch_id bigint, p_session_id bigint, p_peer text)
RETURNS void LANGUAGE sql AS $$
    SELECT set_config('agency.user_id', coalesce(p_user_id::text, ''), true),
           set_config('agency.role', coalesce(p_role, ''), true),
           set_config('agency.team_id', coalesce(p_team_id::text, ''), true),
           set_config('agency.branch_id', coalesce(p_branch_id::text, ''), true),
           set_config('agency.session_id', coalesce(p_session_id::text, ''), true),
           set_config('agency.peer', coalesce(p_peer, ''), true);
$$;

-- Opens a logged-in request: checks that the session exists, is not revoked, has not passed
-- its absolute or idle timeout (p_idle_timeout_s, or the session's own when 0) and that its
-- user is active; raises AGUA0 otherwise. Sets the request context and answers the user's
-- current role, team and branch; touch says the last-seen time is worth refreshing.
CREATE FUNCTION agency.begin_request(p_session_id bigint, p_idle_timeout_s int, p_peer text)
RETURNS TABLE (user_id bigint, role text, team_id bigint, branch_id bigint,
               must_change_password boolean, username text, reauth_at timestamptz, touch boolean)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = agency, pg_temp AS $$
#variable_conflict use_column
DECLARE
    s agency.sessions%ROWTYPE;
    u agency.users%ROWTYPE;
    idle interval;
BEGIN
    IF p_session_id IS NULL OR p_idle_timeout_s IS NULL OR p_idle_timeout_s < 0 THEN
        RAISE EXCEPTION 'invalid request context' USING ERRCODE = 'AGIV0', DETAIL = 'session';
    END IF;
    SELECT * INTO s FROM agency.sessions WHERE id = p_session_id;
    IF FOUND THEN
        SELECT * INTO u FROM agency.users WHERE id = s.user_id;
    END IF;
    idle := CASE WHEN p_idle_timeout_s > 0 THEN make_interval(secs => p_idle_timeout_s)
                 ELSE s.idle_timeout END;
    IF s.id IS NULL OR s.revoked_at IS NOT NULL OR now() >= s.expires_at
       OR now() >= s.last_seen_at + idle OR NOT u.active THEN
        RAISE EXCEPTION 'your session has ended; please log in again' USING ERRCODE = 'AGUA0';
    END IF;
    PERFORM agency.set_context(u.id, u.role, u.team_id, u.branch_id, s.id, p_peer);
    user_id := u.id;
    role := u.role;
    team_id := u.team_id;
    branch_id := u.branch_id;
    must_change_password := u.must_change_password;
    username := u.username;
    reauth_at := s.reauth_at;
    touch := s.last_seen_at < now() - least(interval '60 seconds', idle / 4);
    RETURN NEXT;
END $$;

-- Opens a request of nobody (before login): clears the context, records the peer.
CREATE FUNCTION agency.begin_anonymous(p_peer text) RETURNS void
LANGUAGE sql SECURITY DEFINER SET search_path = agency, pg_temp AS $$
    SELECT agency.set_context(NULL, NULL, NULL, NULL, NULL, p_peer);
$$;

-- Refreshes a live session's last-seen time (its own short transaction after a request).
CREATE FUNCTION agency.touch_session(p_session_id bigint) RETURNS void
LANGUAGE sql SECURITY DEFINER SET search_path = agency, pg_temp AS $$
    UPDATE agency.sessions SET last_seen_at = now()
     WHERE id = p_session_id AND revoked_at IS NULL AND last_seen_at < now();
$$;

-- ---------------------------------------------------------------------------------------
-- Login.
-- ---------------------------------------------------------------------------------------

-- The facts a login needs about one user name (case-insensitive): zero rows when unknown.
-- network_ok: the user's branch allows logins from p_peer.
CREATE FUNCTION agency.login_lookup(p_username text, p_peer text)
RETURNS TABLE (user_id bigint, username text, full_name text, role text, team_id bigint,
               branch_id bigint, password_hash text, active boolean, locked_until timestamptz,
               must_change_password boolean, network_ok boolean)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = agency, pg_temp AS $$
    SELECT u.id, u.username, u.full_name, u.role, u.team_id, u.branch_id, s.password_hash,
           u.active, s.locked_until, u.must_change_password,
           cardinality(b.allowed_networks) = 0
               OR coalesce(agency.peer_inet(p_peer) <<= ANY (b.allowed_networks), false)
      FROM agency.users u
      JOIN agency.branches b ON b.id = u.branch_id
      LEFT JOIN agency.user_secrets s ON s.user_id = u.id
     WHERE lower(u.username) = lower(p_username) AND char_length(p_username) <= 64;
$$;

-- Records one login attempt and keeps the failure count: a bad password adds one, and the
-- p_lockout_failures-th in a row locks the account for p_lockout_seconds (the count starts
-- again); success clears both. Answers the user's count and lock after the update.
CREATE FUNCTION agency.login_record(p_username text, p_user_id bigint, p_peer text,
                                    p_outcome text, p_lockout_failures int,
                                    p_lockout_seconds int)
RETURNS TABLE (failed_logins int, locked_until timestamptz)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = agency, pg_temp AS $$
#variable_conflict use_column
BEGIN
    IF p_lockout_failures IS NULL OR p_lockout_failures < 1 OR p_lockout_seconds IS NULL
       OR p_lockout_seconds < 1 THEN
        RAISE EXCEPTION 'invalid lockout settings' USING ERRCODE = 'AGIV0', DETAIL = 'lockout';
    END IF;
    INSERT INTO agency.login_attempts (username, user_id, peer, outcome)
    VALUES (left(coalesce(p_username, ''), 64), p_user_id, agency.peer_inet(p_peer), p_outcome);
    IF p_user_id IS NULL THEN
        RETURN;
    END IF;
    IF p_outcome = 'ok' THEN
        UPDATE agency.user_secrets SET failed_logins = 0, locked_until = NULL
         WHERE user_id = p_user_id;
    ELSIF p_outcome = 'bad_password' THEN
        UPDATE agency.user_secrets s
           SET failed_logins = CASE WHEN s.failed_logins + 1 >= p_lockout_failures THEN 0
                                    ELSE s.failed_logins + 1 END,
               locked_until = CASE WHEN s.failed_logins + 1 >= p_lockout_failures
                                   THEN now() + make_interval(secs => p_lockout_seconds)
                                   ELSE s.locked_until END
         WHERE s.user_id = p_user_id;
    END IF;
    RETURN QUERY SELECT s.failed_logins, s.locked_until FROM agency.user_secrets s
                  WHERE s.user_id = p_user_id;
END $$;

-- Per-address limit of failed logins: true when p_peer may try again now. With p_take, a
-- failure spends one token of the bucket (capacity p_burst, p_per_minute tokens a minute).
CREATE FUNCTION agency.login_rate_check(p_peer text, p_per_minute int, p_burst int, p_take boolean)
RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = agency, pg_temp AS $$
DECLARE
    addr inet := agency.peer_inet(p_peer);
    have double precision;
BEGIN
    IF addr IS NULL OR p_per_minute IS NULL OR p_per_minute < 1 OR p_burst IS NULL OR p_burst < 1 THEN
        RETURN true;
    END IF;
    SELECT least(p_burst::double precision,
                 r.tokens + extract(epoch FROM now() - r.updated_at) * p_per_minute / 60.0)
      INTO have FROM agency.login_rate r WHERE r.peer = addr;
    have := coalesce(have, p_burst);
    IF NOT p_take THEN
        RETURN have >= 1;
    END IF;
    INSERT INTO agency.login_rate AS r (peer, tokens, updated_at)
    VALUES (addr, greatest(have - 1, 0), now())
    ON CONFLICT (peer) DO UPDATE SET tokens = excluded.tokens, updated_at = excluded.updated_at;
    RETURN have >= 1;
END $$;

-- Creates a session for a user who just proved their password, and makes the rest of the
-- transaction run as that user (so its audit row names them). Answers id and expiry.
CREATE FUNCTION agency.session_create(p_user_id bigint, p_token_hash bytea, p_peer text,
                                      p_client text, p_idle_s int, p_absolute_s int)
RETURNS TABLE (id bigint, expires_at timestamptz)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = agency, pg_temp AS $$
#variable_conflict use_column
DECLARE
    u agency.users%ROWTYPE;
    new_id bigint;
    new_exp timestamptz;
BEGIN
    IF p_idle_s IS NULL OR p_idle_s < 1 OR p_absolute_s IS NULL OR p_absolute_s < 1 THEN
        RAISE EXCEPTION 'invalid session timeouts' USING ERRCODE = 'AGIV0', DETAIL = 'timeout';
    END IF;
    SELECT * INTO u FROM agency.users WHERE users.id = p_user_id AND active;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no such user' USING ERRCODE = 'AGNF0';
    END IF;
    INSERT INTO agency.sessions (user_id, token_hash, expires_at, idle_timeout, peer, client,
                                 reauth_at)
    VALUES (p_user_id, p_token_hash, now() + make_interval(secs => p_absolute_s),
            make_interval(secs => p_idle_s), agency.peer_inet(p_peer), left(p_client, 100), now())
    RETURNING sessions.id, sessions.expires_at INTO new_id, new_exp;
    PERFORM agency.set_context(u.id, u.role, u.team_id, u.branch_id, new_id, p_peer);
    id := new_id;
    expires_at := new_exp;
    RETURN NEXT;
END $$;

-- Continues a session from its token on a new connection: zero rows when the token is
-- unknown, revoked, expired or idle too long, or the user is inactive. Otherwise refreshes
-- last-seen, sets the request context and answers the session and its user.
CREATE FUNCTION agency.session_resume(p_token_hash bytea, p_idle_s int, p_peer text)
RETURNS TABLE (session_id bigint, user_id bigint, username text, full_name text, role text,
               team_id bigint, branch_id bigint, must_change_password boolean,
               expires_at timestamptz, network_ok boolean)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = agency, pg_temp AS $$
#variable_conflict use_column
DECLARE
    s agency.sessions%ROWTYPE;
    u agency.users%ROWTYPE;
    b agency.branches%ROWTYPE;
    idle interval;
BEGIN
    SELECT * INTO s FROM agency.sessions WHERE token_hash = p_token_hash;
    IF NOT FOUND OR s.revoked_at IS NOT NULL OR now() >= s.expires_at THEN
        RETURN;
    END IF;
    idle := CASE WHEN coalesce(p_idle_s, 0) > 0 THEN make_interval(secs => p_idle_s)
                 ELSE s.idle_timeout END;
    IF now() >= s.last_seen_at + idle THEN
        RETURN;
    END IF;
    SELECT * INTO u FROM agency.users WHERE id = s.user_id AND active;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    SELECT * INTO b FROM agency.branches WHERE id = u.branch_id;
    network_ok := cardinality(b.allowed_networks) = 0
                  OR coalesce(agency.peer_inet(p_peer) <<= ANY (b.allowed_networks), false);
    IF network_ok THEN
        UPDATE agency.sessions SET last_seen_at = now() WHERE id = s.id;
        PERFORM agency.set_context(u.id, u.role, u.team_id, u.branch_id, s.id, p_peer);
    END IF;
    session_id := s.id;
    user_id := u.id;
    username := u.username;
    full_name := u.full_name;
    role := u.role;
    team_id := u.team_id;
    branch_id := u.branch_id;
    must_change_password := u.must_change_password;
    expires_at := s.expires_at;
    RETURN NEXT;
END $$;

-- Ends every live session of p_user_id except p_keep_session_id (0 or NULL: all of them).
-- Allowed for the user themselves and for directors. Answers how many ended.
CREATE FUNCTION agency.session_revoke_others(p_user_id bigint, p_keep_session_id bigint,
                                             p_reason text)
RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = agency, pg_temp AS $$
DECLARE
    n integer;
BEGIN
    IF p_user_id IS DISTINCT FROM agency.current_user_id() AND NOT agency.is_director() THEN
        RAISE EXCEPTION 'not allowed' USING ERRCODE = 'AGFB0';
    END IF;
    IF p_reason IS NULL OR char_length(p_reason) NOT BETWEEN 1 AND 100 THEN
        RAISE EXCEPTION 'a reason is required' USING ERRCODE = 'AGIV0', DETAIL = 'reason';
    END IF;
    UPDATE agency.sessions SET revoked_at = now(), revoke_reason = p_reason
     WHERE user_id = p_user_id AND revoked_at IS NULL
       AND id IS DISTINCT FROM nullif(p_keep_session_id, 0);
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN n;
END $$;

-- ---------------------------------------------------------------------------------------
-- Passwords and lockouts (the application role never reads user_secrets itself).
-- ---------------------------------------------------------------------------------------

-- The caller's own password hash, to check a password again (auth.password, auth.reauth).
CREATE FUNCTION agency.current_password_hash() RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = agency, pg_temp AS $$
    SELECT s.password_hash FROM agency.user_secrets s WHERE s.user_id = agency.current_user_id();
$$;

-- Stores a new Argon2id hash for p_user_id (the user themselves or a director), sets or
-- clears the pending password change, clears failures and lockout.
CREATE FUNCTION agency.set_password(p_user_id bigint, p_hash text, p_must_change boolean)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = agency, pg_temp AS $$
BEGIN
    IF p_user_id IS DISTINCT FROM agency.current_user_id() AND NOT agency.is_director() THEN
        RAISE EXCEPTION 'not allowed' USING ERRCODE = 'AGFB0';
    END IF;
    IF p_hash IS NULL OR p_hash NOT LIKE '$argon2id$%' OR p_must_change IS NULL THEN
        RAISE EXCEPTION 'invalid password hash' USING ERRCODE = 'AGIV0', DETAIL = 'password';
    END IF;
    UPDATE agency.users SET must_change_password = p_must_change, password_changed_at = now()
     WHERE id = p_user_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no such user' USING ERRCODE = 'AGNF0';
    END IF;
    INSERT INTO agency.user_secrets AS s (user_id, password_hash, changed_at)
    VALUES (p_user_id, p_hash, now())
    ON CONFLICT (user_id) DO UPDATE
        SET password_hash = excluded.password_hash, changed_at = now(), failed_logins = 0,
            locked_until = NULL;
END $$;

-- Clears a lockout (directors). False when there is no such user.
CREATE FUNCTION agency.user_unlock(p_user_id bigint) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = agency, pg_temp AS $$
BEGIN
    IF NOT agency.is_director() THEN
        RAISE EXCEPTION 'not allowed' USING ERRCODE = 'AGFB0';
    END IF;
    UPDATE agency.user_secrets SET failed_logins = 0, locked_until = NULL
     WHERE user_id = p_user_id;
    RETURN FOUND;
END $$;

-- Lockout state of one user, for directors (zero rows for anyone else).
CREATE FUNCTION agency.user_lock_state(p_user_id bigint)
RETURNS TABLE (failed_logins int, locked_until timestamptz)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = agency, pg_temp AS $$
    SELECT s.failed_logins, CASE WHEN s.locked_until > now() THEN s.locked_until END
      FROM agency.user_secrets s
     WHERE s.user_id = p_user_id AND agency.is_director();
$$;

-- ---------------------------------------------------------------------------------------
-- Idempotent retries, scoped to the current user.
-- ---------------------------------------------------------------------------------------

-- The stored answer for key, if any (zero rows otherwise).
CREATE FUNCTION agency.idempotency_get(p_key uuid) RETURNS TABLE (op text, response bytea)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = agency, pg_temp AS $$
    SELECT i.op, i.response FROM agency.idempotency i
     WHERE i.user_id = agency.current_user_id() AND i.key = p_key;
$$;

-- Stores the answer for key (first one wins). Needs a logged-in request.
CREATE FUNCTION agency.idempotency_put(p_key uuid, p_op text, p_response bytea) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = agency, pg_temp AS $$
BEGIN
    IF agency.current_user_id() IS NULL THEN
        RAISE EXCEPTION 'not logged in' USING ERRCODE = 'AGUA0';
    END IF;
    IF p_key IS NULL OR p_op IS NULL OR p_response IS NULL THEN
        RAISE EXCEPTION 'invalid idempotency record' USING ERRCODE = 'AGIV0', DETAIL = 'idempotency_key';
    END IF;
    INSERT INTO agency.idempotency (user_id, key, op, response)
    VALUES (agency.current_user_id(), p_key, p_op, p_response)
    ON CONFLICT DO NOTHING;
END $$;

GRANT EXECUTE ON FUNCTION
    agency.begin_request(bigint, int, text), agency.begin_anonymous(text),
    agency.touch_session(bigint), agency.login_lookup(text, text),
    agency.login_record(text, bigint, text, text, int, int),
    agency.login_rate_check(text, int, int, boolean),
    agency.session_create(bigint, bytea, text, text, int, int),
    agency.session_resume(bytea, int, text), agency.session_revoke_others(bigint, bigint, text),
    agency.current_password_hash(), agency.set_password(bigint, text, boolean),
    agency.user_unlock(bigint), agency.user_lock_state(bigint),
    agency.idempotency_get(uuid), agency.idempotency_put(uuid, text, bytea)
TO agency_app;
