-- 026_sweeps.sql - the database's periodic work, registered by the areas that need it.
--
-- Rules that act when time passes without anyone asking (an issue past its response target
-- escalates, a contract 60 days from its end reminds its owner) are sweeps: a SECURITY DEFINER
-- function of no arguments returning how many rows it acted on, listed in agency.sweeps with
-- how often it runs. Every agencyd calls agency.sweep() every server.sweep_interval; it runs
-- each due sweep under a transaction-level advisory lock of that sweep, so that with several
-- instances a sweep runs once at a time, and in a subtransaction, so that one failing sweep does
-- not stop the others. A sweep must itself be safe to run twice (mark what it did in the rows it
-- acts on, take them FOR UPDATE SKIP LOCKED): the lock serialises runs, it does not make them
-- exactly-once. Sweeps read the clock through agency.now(), so tests move it.

CREATE TABLE agency.sweeps (
    name text PRIMARY KEY CHECK (name ~ '^[a-z_]+$'),
    fn regprocedure NOT NULL,
    every interval NOT NULL DEFAULT interval '10 seconds' CHECK (every >= interval '1 second'),
    last_run_at timestamptz,
    last_count int,
    last_error text
);
COMMENT ON TABLE agency.sweeps IS
    'The periodic functions agency.sweep() runs, their interval and their last outcome.';

ALTER TABLE agency.sweeps ENABLE ROW LEVEL SECURITY;
ALTER TABLE agency.sweeps FORCE ROW LEVEL SECURITY;
CREATE POLICY owner_all ON agency.sweeps TO agency_owner USING (true) WITH CHECK (true);
-- Directors read them (server.stats); nobody else, and only through agency.sweep() writes.
CREATE POLICY director_read ON agency.sweeps FOR SELECT TO agency_app USING (agency.is_director());
GRANT SELECT ON agency.sweeps TO agency_app;

-- Runs every due sweep (its interval passed since its last run, by agency.now()); answers the
-- total number of rows they acted on. A sweep that raises is logged in last_error and skipped.
CREATE FUNCTION agency.sweep() RETURNS bigint
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = agency, pg_temp AS $$
DECLARE
    s record;
    n bigint;
    total bigint := 0;
BEGIN
    FOR s IN SELECT w.name, w.fn FROM agency.sweeps w
              WHERE w.last_run_at IS NULL OR w.last_run_at + w.every <= agency.now()
              ORDER BY w.name LOOP
        CONTINUE WHEN NOT pg_try_advisory_xact_lock(hashtext('agency.sweep.' || s.name));
        BEGIN
            EXECUTE format('SELECT %s()', s.fn::oid::regproc) INTO n;
            UPDATE agency.sweeps SET last_run_at = agency.now(), last_count = n, last_error = NULL
             WHERE name = s.name;
            total := total + coalesce(n, 0);
        EXCEPTION WHEN others THEN
            UPDATE agency.sweeps SET last_run_at = agency.now(), last_count = NULL,
                   last_error = left(SQLSTATE || ': ' || SQLERRM, 500)
             WHERE name = s.name;
        END;
    END LOOP;
    RETURN total;
END $$;
COMMENT ON FUNCTION agency.sweep() IS
    'Runs the due sweeps of agency.sweeps, each once at a time across instances; answers rows acted on.';

GRANT EXECUTE ON FUNCTION agency.sweep() TO agency_app;
