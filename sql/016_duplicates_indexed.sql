-- 016_duplicates_indexed.sql - duplicate candidates found through the trigram and registration
-- number indexes instead of a scan of every client. The answer is the same as 015's: a client
-- with an equal registration number first, then names with trigram similarity >= 0.4, then by
-- similarity and age. The GIN index on name_norm serves the `%` operator (pg_trgm's default
-- threshold 0.3, a superset), and the exact 0.4 test runs on that short list only. The query's
-- normalised name is computed once, not per row.

CREATE OR REPLACE FUNCTION agency.client_duplicates(p_name text, p_registration_no text, p_limit int)
RETURNS TABLE (id bigint, name text, owner_name text, similarity int)
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = agency, public, pg_temp AS $$
#variable_conflict use_column
DECLARE
    n text := agency.normalize_name(p_name);
    r text := agency.normalize_regno(p_registration_no);
BEGIN
    IF agency.current_user_id() IS NULL THEN
        RETURN;
    END IF;
    RETURN QUERY
    SELECT c.id, c.name, u.full_name,
           CASE WHEN r IS NOT NULL AND c.reg_norm = r THEN 100
                ELSE round(100 * public.similarity(c.name_norm, n))::int END
      FROM agency.clients c JOIN agency.users u ON u.id = c.owner_id
     WHERE c.archived_at IS NULL
       AND c.id IN (SELECT c1.id FROM agency.clients c1
                     WHERE coalesce(n, '') <> '' AND c1.name_norm OPERATOR(public.%) n
                       AND public.similarity(c1.name_norm, n) >= 0.4
                    UNION
                    SELECT c2.id FROM agency.clients c2
                     WHERE r IS NOT NULL AND c2.reg_norm = r)
     ORDER BY (r IS NOT NULL AND c.reg_norm = r) DESC,
              CASE WHEN r IS NOT NULL AND c.reg_norm = r THEN 100
                   ELSE round(100 * public.similarity(c.name_norm, n))::int END DESC,
              c.id
     LIMIT greatest(1, least(coalesce(p_limit, 5), 20));
END
$$;
