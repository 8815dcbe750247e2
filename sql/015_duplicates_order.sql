-- 015_duplicates_order.sql - duplicate candidates: a client with the same registration number
-- comes before clients that only have a similar name (an equal number is the stronger sign
-- that two records are one company), then by similarity, then oldest first.

CREATE OR REPLACE FUNCTION agency.client_duplicates(p_name text, p_registration_no text, p_limit int)
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
     ORDER BY (q.r IS NOT NULL AND c.reg_norm = q.r) DESC, sim DESC, c.id
     LIMIT greatest(1, least(coalesce(p_limit, 5), 20))
$$;
