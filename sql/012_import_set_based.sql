-- 012_import_set_based.sql - agency.import_insert inserts a batch with one statement instead
-- of one statement per row (10,000 rows in well under a second rather than ten), and only the
-- rows that carry confidential notes one by one (their notes need the new client's id).

CREATE OR REPLACE FUNCTION agency.import_insert(p_import_id bigint, p_skip bigint[]) RETURNS int
LANGUAGE plpgsql AS $$
DECLARE
    r record;
    cid bigint;
    n int;
BEGIN
    INSERT INTO agency.clients (name, legal_name, registration_no, industry, tier, status,
                                owner_id, address, phone, email, website, notes, created_by)
    SELECT i.fields->>'name', nullif(i.fields->>'legal_name', ''),
           nullif(i.fields->>'registration_no', ''), nullif(i.fields->>'industry', ''),
           coalesce(i.fields->>'tier', 'standard'), coalesce(i.fields->>'status', 'prospect'),
           coalesce((i.fields->>'owner_id')::bigint, agency.current_user_id()),
           nullif(i.fields->>'address', ''), nullif(i.fields->>'phone', ''),
           nullif(i.fields->>'email', ''), nullif(i.fields->>'website', ''),
           nullif(i.fields->>'notes', ''), agency.current_user_id()
      FROM agency.import_rows i
     WHERE i.import_id = p_import_id AND i.fields IS NOT NULL
       AND NOT (i.id = ANY (coalesce(p_skip, '{}')))
       AND coalesce(i.fields->>'confidential_notes', '') = ''
     ORDER BY i.line, i.id;
    GET DIAGNOSTICS n = ROW_COUNT;
    FOR r IN SELECT i.fields FROM agency.import_rows i
              WHERE i.import_id = p_import_id AND i.fields IS NOT NULL
                AND NOT (i.id = ANY (coalesce(p_skip, '{}')))
                AND coalesce(i.fields->>'confidential_notes', '') <> ''
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
        INSERT INTO agency.client_secrets (client_id, confidential_notes, updated_by)
        VALUES (cid, r.fields->>'confidential_notes', agency.current_user_id());
        n := n + 1;
    END LOOP;
    RETURN n;
END $$;
