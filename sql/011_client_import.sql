-- 011_client_import.sql - the database side of client.import_commit: which registration
-- numbers are already taken (across every scope, like duplicate candidates) and the insert of
-- a staged batch in the caller's transaction, under the caller's row-level security.

-- The normalised registration numbers among p_regs that a live client already uses, in any
-- scope. Answers only the numbers the caller sent (never a client's id, name or owner), so an
-- importer learns that a number is taken without learning by whom.
CREATE FUNCTION agency.registration_numbers_taken(p_regs text[]) RETURNS SETOF text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = agency, pg_temp AS $$
    SELECT DISTINCT c.reg_norm FROM agency.clients c
     WHERE agency.current_user_id() IS NOT NULL AND c.archived_at IS NULL
       AND c.reg_norm = ANY (p_regs)
$$;

-- Inserts the staged rows of import p_import_id that hold fields (validated rows), except the
-- import_rows ids in p_skip, as clients owned by fields->>'owner_id' or else the caller, with
-- their confidential notes; in line order. Runs as the caller (SECURITY INVOKER): the
-- policies decide, exactly as for client.create. Returns the number of clients inserted.
CREATE FUNCTION agency.import_insert(p_import_id bigint, p_skip bigint[]) RETURNS int
LANGUAGE plpgsql AS $$
DECLARE
    r record;
    cid bigint;
    n int := 0;
BEGIN
    FOR r IN SELECT i.fields FROM agency.import_rows i
              WHERE i.import_id = p_import_id AND i.fields IS NOT NULL
                AND NOT (i.id = ANY (coalesce(p_skip, '{}')))
              ORDER BY i.line, i.id LOOP
        INSERT INTO agency.clients (name, legal_name, registration_no, industry, tier, status,
                                    owner_id, address, phone, email, website, notes, created_by)
        VALUES (r.fields->>'name', nullif(r.fields->>'legal_name', ''),
                nullif(r.fields->>'registration_no', ''), nullif(r.fields->>'industry', ''),
                coalesce(r.fields->>'tier', 'standard'), coalesce(r.fields->>'status', 'prospect'),
                coalesce((r.fields->>'owner_id')::bigint, agency.current_user_id()),
                nullif(r.fields->>'address', ''), nullif(r.fields->>'phone', ''),
                nullif(r.fields->>'email', ''), nullif(r.fields->>'website', ''),
                nullif(r.fields->>'notes', ''), agency.current_user_id())
        RETURNING id INTO cid;
        IF coalesce(r.fields->>'confidential_notes', '') <> '' THEN
            INSERT INTO agency.client_secrets (client_id, confidential_notes, updated_by)
            VALUES (cid, r.fields->>'confidential_notes', agency.current_user_id());
        END IF;
        n := n + 1;
    END LOOP;
    RETURN n;
END $$;

GRANT EXECUTE ON FUNCTION agency.registration_numbers_taken(text[]),
    agency.import_insert(bigint, bigint[]) TO agency_app;
