-- 026_client_search_contains.sql - client_search() keeps, of the names containing the query,
-- the first page by id (and the same of those starting with it and equal to it) when it has
-- to read every one of them, instead of scoring every one twice.
--
-- When the first 500 clients hold fewer than a page of names containing the query, 020 read
-- every such name through the trigram index and scored them all, once for the score a similar
-- name must reach and once for the page: "Blue M" (2,000 names at 100,000 clients) took 35 ms
-- for a director. A client ranks by its best kind of match, so the page lies among the first
-- page of each kind - which is what the probes over the first clients take too, now over
-- every name containing the query. Same results.

CREATE OR REPLACE FUNCTION agency.client_search(p_q text, p_r text, p_r4 text, p_k int, p_tier text,
                                     p_status text, p_owner bigint, p_team bigint,
                                     p_archived boolean, p_after_score int, p_after_id bigint)
RETURNS TABLE (id bigint, score int)
LANGUAGE plpgsql STABLE SECURITY DEFINER ROWS 20
SET search_path = agency, public, pg_temp SET plan_cache_mode = force_generic_plan
SET enable_seqscan = off AS $$
DECLARE
    v_cap constant int := 300;
    v_all boolean := agency.sees_every_client();
    v_owners bigint[] := CASE WHEN NOT v_all THEN agency.visible_owner_ids() END;
    v_cids bigint[];
    v_cs float8[];
    v_like text := '%' || p_q || '%';
    v_reg_like text := '%' || p_r4 || '%';
    v_nq int := agency.trgm_count(p_q);
    v_ids bigint[] := '{}';
    v_some bigint[];
    v_last int;
    v_in int;
    -- pg_trgm's similarity threshold in force (the % operator's)
    v_t float8;
    v_s float8;
    v_last_char int := ascii(right(p_q, 1));
    -- every name starting with p_q sorts (bytewise) before v_hi, when there is one
    v_hi text := CASE WHEN v_last_char BETWEEN 1 AND 55294
                        OR v_last_char BETWEEN 57344 AND 1114110
                      THEN left(p_q, -1) || chr(v_last_char + 1) END;
BEGIN
    IF agency.current_user_id() IS NULL OR coalesce(p_q, '') = '' OR p_k < 1 THEN
        RETURN;
    END IF;
    v_t := coalesce(current_setting('pg_trgm.similarity_threshold', true), '0.3')::float8;
    -- contacts matching the query: their clients and the contact part of their scores
    SELECT array_agg(x.client_id), array_agg(x.s) INTO v_cids, v_cs
      FROM (SELECT k.client_id, max(greatest(similarity(k.name_norm, p_q),
                   CASE WHEN k.name_norm = p_q THEN 1 WHEN strpos(k.name_norm, p_q) > 0
                        THEN 0.85 ELSE 0 END)) AS s
              FROM agency.contacts k
             WHERE k.archived_at IS NULL AND (k.name_norm % p_q OR k.name_norm LIKE v_like)
             GROUP BY k.client_id) x;
    IF NOT v_all THEN
        v_in := (SELECT count(*) FROM (SELECT 1 FROM agency.clients c
                                        WHERE c.owner_id = ANY (v_owners) LIMIT 2000) x);
    END IF;
    IF NOT v_all AND v_in < 2000 THEN
        -- a scope of fewer than 2,000 clients: whole, through the owner index
        v_ids := ARRAY(
            SELECT c.id FROM agency.clients c
             WHERE c.owner_id = ANY (v_owners)
               AND (c.name_norm % p_q OR c.name_norm LIKE v_like OR c.legal_norm % p_q
                    OR c.legal_norm LIKE v_like OR c.reg_norm = p_r
                    OR c.reg_norm LIKE v_reg_like
                    OR EXISTS (SELECT 1 FROM agency.contacts k
                                WHERE k.client_id = c.id AND k.archived_at IS NULL
                                  AND (k.name_norm % p_q OR k.name_norm LIKE v_like))));
    ELSE
        -- names containing the query: the first p_k by id when the first 500 clients
        -- hold that many, else every one (trigram index), which includes the names equal to
        -- or starting with the query
        v_some := ARRAY(
            SELECT c.id FROM ((SELECT * FROM agency.clients c0 WHERE v_all ORDER BY c0.id LIMIT 500)
                  UNION ALL
                  (SELECT * FROM agency.clients c0 WHERE NOT v_all ORDER BY c0.id LIMIT 4000)) c
             WHERE strpos(c.name_norm, p_q) > 0 AND (v_all OR c.owner_id = ANY (v_owners))
                   AND (p_tier IS NULL OR c.tier = p_tier)
                   AND (p_status IS NULL OR c.status = p_status)
                   AND (p_owner IS NULL OR c.owner_id = p_owner)
                   AND (p_team IS NULL OR EXISTS (SELECT 1 FROM agency.users u
                                                   WHERE u.id = c.owner_id AND u.team_id = p_team))
                   AND CASE WHEN coalesce(p_archived, false) THEN c.archived_at IS NOT NULL
                       ELSE c.archived_at IS NULL END
                   AND (p_after_score IS NULL
                        OR agency.client_search_score(c, p_q, p_r, p_r4) < p_after_score
                        OR (agency.client_search_score(c, p_q, p_r, p_r4) = p_after_score
                            AND c.id > p_after_id))
             ORDER BY c.id LIMIT p_k);
        IF cardinality(v_some) < p_k THEN
            -- every one (trigram index), and of those the first p_k by id, the same way;
            -- the same of those starting with the query, and of those equal to it
            v_some := ARRAY(SELECT c.id FROM agency.clients c WHERE c.name_norm LIKE v_like);
            v_ids := ARRAY(
                SELECT c.id FROM agency.clients c WHERE c.id = ANY (v_some) AND strpos(c.name_norm, p_q) > 0
                   AND (v_all OR c.owner_id = ANY (v_owners))
                   AND (p_tier IS NULL OR c.tier = p_tier)
                   AND (p_status IS NULL OR c.status = p_status)
                   AND (p_owner IS NULL OR c.owner_id = p_owner)
                   AND (p_team IS NULL OR EXISTS (SELECT 1 FROM agency.users u
                                                   WHERE u.id = c.owner_id AND u.team_id = p_team))
                   AND CASE WHEN coalesce(p_archived, false) THEN c.archived_at IS NOT NULL
                       ELSE c.archived_at IS NULL END
                   AND (p_after_score IS NULL
                        OR agency.client_search_score(c, p_q, p_r, p_r4) < p_after_score
                        OR (agency.client_search_score(c, p_q, p_r, p_r4) = p_after_score
                            AND c.id > p_after_id))
                 ORDER BY c.id LIMIT p_k)
                || ARRAY(
                SELECT c.id FROM agency.clients c WHERE c.id = ANY (v_some) AND starts_with(c.name_norm, p_q)
                   AND (v_all OR c.owner_id = ANY (v_owners))
                   AND (p_tier IS NULL OR c.tier = p_tier)
                   AND (p_status IS NULL OR c.status = p_status)
                   AND (p_owner IS NULL OR c.owner_id = p_owner)
                   AND (p_team IS NULL OR EXISTS (SELECT 1 FROM agency.users u
                                                   WHERE u.id = c.owner_id AND u.team_id = p_team))
                   AND CASE WHEN coalesce(p_archived, false) THEN c.archived_at IS NOT NULL
                       ELSE c.archived_at IS NULL END
                   AND (p_after_score IS NULL
                        OR agency.client_search_score(c, p_q, p_r, p_r4) < p_after_score
                        OR (agency.client_search_score(c, p_q, p_r, p_r4) = p_after_score
                            AND c.id > p_after_id))
                 ORDER BY c.id LIMIT p_k)
                || ARRAY(
                SELECT c.id FROM agency.clients c WHERE c.name_norm = p_q AND (v_all OR c.owner_id = ANY (v_owners))
                   AND (p_tier IS NULL OR c.tier = p_tier)
                   AND (p_status IS NULL OR c.status = p_status)
                   AND (p_owner IS NULL OR c.owner_id = p_owner)
                   AND (p_team IS NULL OR EXISTS (SELECT 1 FROM agency.users u
                                                   WHERE u.id = c.owner_id AND u.team_id = p_team))
                   AND CASE WHEN coalesce(p_archived, false) THEN c.archived_at IS NOT NULL
                       ELSE c.archived_at IS NULL END
                   AND (p_after_score IS NULL
                        OR agency.client_search_score(c, p_q, p_r, p_r4) < p_after_score
                        OR (agency.client_search_score(c, p_q, p_r, p_r4) = p_after_score
                            AND c.id > p_after_id))
                 ORDER BY c.id LIMIT p_k);
        ELSE
            v_ids := v_some || ARRAY(
                SELECT c.id FROM agency.clients c WHERE c.name_norm = p_q AND (v_all OR c.owner_id = ANY (v_owners))
                   AND (p_tier IS NULL OR c.tier = p_tier)
                   AND (p_status IS NULL OR c.status = p_status)
                   AND (p_owner IS NULL OR c.owner_id = p_owner)
                   AND (p_team IS NULL OR EXISTS (SELECT 1 FROM agency.users u
                                                   WHERE u.id = c.owner_id AND u.team_id = p_team))
                   AND CASE WHEN coalesce(p_archived, false) THEN c.archived_at IS NOT NULL
                       ELSE c.archived_at IS NULL END
                   AND (p_after_score IS NULL
                        OR agency.client_search_score(c, p_q, p_r, p_r4) < p_after_score
                        OR (agency.client_search_score(c, p_q, p_r, p_r4) = p_after_score
                            AND c.id > p_after_id))
                 ORDER BY c.id LIMIT p_k);
            -- names starting with the query: the same, else every one (name_norm index)
            v_some := ARRAY(
                SELECT c.id FROM ((SELECT * FROM agency.clients c0 WHERE v_all ORDER BY c0.id LIMIT 500)
                  UNION ALL
                  (SELECT * FROM agency.clients c0 WHERE NOT v_all ORDER BY c0.id LIMIT 4000)) c
                 WHERE starts_with(c.name_norm, p_q) AND (v_all OR c.owner_id = ANY (v_owners))
                   AND (p_tier IS NULL OR c.tier = p_tier)
                   AND (p_status IS NULL OR c.status = p_status)
                   AND (p_owner IS NULL OR c.owner_id = p_owner)
                   AND (p_team IS NULL OR EXISTS (SELECT 1 FROM agency.users u
                                                   WHERE u.id = c.owner_id AND u.team_id = p_team))
                   AND CASE WHEN coalesce(p_archived, false) THEN c.archived_at IS NOT NULL
                       ELSE c.archived_at IS NULL END
                   AND (p_after_score IS NULL
                        OR agency.client_search_score(c, p_q, p_r, p_r4) < p_after_score
                        OR (agency.client_search_score(c, p_q, p_r, p_r4) = p_after_score
                            AND c.id > p_after_id))
                 ORDER BY c.id LIMIT p_k);
            IF cardinality(v_some) < p_k THEN
                v_some := ARRAY(
                    SELECT c.id FROM agency.clients c
                     WHERE c.name_norm ~>=~ p_q AND (v_hi IS NULL OR c.name_norm ~<~ v_hi)
                       AND starts_with(c.name_norm, p_q));
            END IF;
            v_ids := v_ids || v_some;
        END IF;
        -- legal names containing the query: every one (trigram index) when there are fewer
        -- than v_cap, else the first p_k by id
        v_some := ARRAY(SELECT c.id FROM agency.clients c WHERE c.legal_norm LIKE v_like
                         LIMIT v_cap);
        IF cardinality(v_some) >= v_cap THEN
            v_some := ARRAY(
                SELECT c.id FROM agency.clients c
                 WHERE strpos(c.legal_norm, p_q) > 0 AND (v_all OR c.owner_id = ANY (v_owners))
                   AND (p_tier IS NULL OR c.tier = p_tier)
                   AND (p_status IS NULL OR c.status = p_status)
                   AND (p_owner IS NULL OR c.owner_id = p_owner)
                   AND (p_team IS NULL OR EXISTS (SELECT 1 FROM agency.users u
                                                   WHERE u.id = c.owner_id AND u.team_id = p_team))
                   AND CASE WHEN coalesce(p_archived, false) THEN c.archived_at IS NOT NULL
                       ELSE c.archived_at IS NULL END
                   AND (p_after_score IS NULL
                        OR agency.client_search_score(c, p_q, p_r, p_r4) < p_after_score
                        OR (agency.client_search_score(c, p_q, p_r, p_r4) = p_after_score
                            AND c.id > p_after_id))
                 ORDER BY c.id LIMIT p_k);
        END IF;
        v_ids := v_ids || v_some;
        -- registration numbers: equal; containing the query, the same way
        IF p_r IS NOT NULL THEN
            v_ids := v_ids || ARRAY(
                SELECT c.id FROM agency.clients c WHERE c.reg_norm = p_r AND (v_all OR c.owner_id = ANY (v_owners))
                   AND (p_tier IS NULL OR c.tier = p_tier)
                   AND (p_status IS NULL OR c.status = p_status)
                   AND (p_owner IS NULL OR c.owner_id = p_owner)
                   AND (p_team IS NULL OR EXISTS (SELECT 1 FROM agency.users u
                                                   WHERE u.id = c.owner_id AND u.team_id = p_team))
                   AND CASE WHEN coalesce(p_archived, false) THEN c.archived_at IS NOT NULL
                       ELSE c.archived_at IS NULL END
                   AND (p_after_score IS NULL
                        OR agency.client_search_score(c, p_q, p_r, p_r4) < p_after_score
                        OR (agency.client_search_score(c, p_q, p_r, p_r4) = p_after_score
                            AND c.id > p_after_id))
                 ORDER BY c.id LIMIT p_k);
        END IF;
        IF p_r4 IS NOT NULL THEN
            v_some := ARRAY(SELECT c.id FROM agency.clients c WHERE c.reg_norm LIKE v_reg_like
                             LIMIT v_cap);
            IF cardinality(v_some) >= v_cap THEN
                v_some := ARRAY(
                    SELECT c.id FROM agency.clients c
                     WHERE strpos(c.reg_norm, p_r4) > 0 AND (v_all OR c.owner_id = ANY (v_owners))
                       AND (p_tier IS NULL OR c.tier = p_tier)
                       AND (p_status IS NULL OR c.status = p_status)
                       AND (p_owner IS NULL OR c.owner_id = p_owner)
                       AND (p_team IS NULL OR EXISTS (SELECT 1 FROM agency.users u
                                                       WHERE u.id = c.owner_id AND u.team_id = p_team))
                       AND CASE WHEN coalesce(p_archived, false) THEN c.archived_at IS NOT NULL
                           ELSE c.archived_at IS NULL END
                       AND (p_after_score IS NULL
                            OR agency.client_search_score(c, p_q, p_r, p_r4) < p_after_score
                            OR (agency.client_search_score(c, p_q, p_r, p_r4) = p_after_score
                                AND c.id > p_after_id))
                     ORDER BY c.id LIMIT p_k);
            END IF;
            v_ids := v_ids || v_some;
        END IF;
        -- clients with matching contacts
        v_ids := v_ids || v_cids;
        -- similar names and legal names that can still enter the page
        SELECT CASE WHEN count(*) < p_k THEN 300 ELSE min(x.score) END INTO v_last
          FROM (SELECT s.score FROM (
                    SELECT agency.client_search_rank(c, p_q, p_r, p_r4, cm.s) AS score, c.id
                      FROM agency.clients c
                      LEFT JOIN unnest(v_cids, v_cs) AS cm (client_id, s) ON cm.client_id = c.id
                     WHERE c.id = ANY (v_ids) AND (v_all OR c.owner_id = ANY (v_owners))
               AND (p_tier IS NULL OR c.tier = p_tier)
               AND (p_status IS NULL OR c.status = p_status)
               AND (p_owner IS NULL OR c.owner_id = p_owner)
               AND (p_team IS NULL OR EXISTS (SELECT 1 FROM agency.users u
                                               WHERE u.id = c.owner_id AND u.team_id = p_team))
               AND CASE WHEN coalesce(p_archived, false) THEN c.archived_at IS NOT NULL
                   ELSE c.archived_at IS NULL END
               AND (p_after_score IS NULL
                    OR agency.client_search_score(c, p_q, p_r, p_r4) < p_after_score
                    OR (agency.client_search_score(c, p_q, p_r, p_r4) = p_after_score
                        AND c.id > p_after_id))) s
                 WHERE s.score >= 300 ORDER BY s.score DESC, s.id LIMIT p_k) x;
        -- (pg_trgm's threshold raised to that similarity: the trigram index skips the names
        -- that share too few of the query's trigrams, instead of comparing every name whose
        -- trigram count allows it)
        v_s := (v_last - 1) / 1000.0;
        PERFORM set_config('pg_trgm.similarity_threshold', greatest(v_s, v_t)::text, true);
        v_ids := v_ids || ARRAY(SELECT c.id FROM agency.clients c WHERE c.name_norm % p_q);
        v_s := (v_last - 1) / 950.0;
        IF v_s <= 1 THEN -- a legal name scores 950 at most
            PERFORM set_config('pg_trgm.similarity_threshold', greatest(v_s, v_t)::text, true);
            v_ids := v_ids || ARRAY(SELECT c.id FROM agency.clients c WHERE c.legal_norm % p_q);
        END IF;
        PERFORM set_config('pg_trgm.similarity_threshold', v_t::text, true);
    END IF;
    RETURN QUERY
    SELECT s.id, s.score FROM (
        SELECT c.id, agency.client_search_rank(c, p_q, p_r, p_r4, cm.s) AS score
          FROM agency.clients c
          LEFT JOIN unnest(v_cids, v_cs) AS cm (client_id, s) ON cm.client_id = c.id
         WHERE c.id = ANY (v_ids) AND (v_all OR c.owner_id = ANY (v_owners))
               AND (p_tier IS NULL OR c.tier = p_tier)
               AND (p_status IS NULL OR c.status = p_status)
               AND (p_owner IS NULL OR c.owner_id = p_owner)
               AND (p_team IS NULL OR EXISTS (SELECT 1 FROM agency.users u
                                               WHERE u.id = c.owner_id AND u.team_id = p_team))
               AND CASE WHEN coalesce(p_archived, false) THEN c.archived_at IS NOT NULL
                   ELSE c.archived_at IS NULL END
               AND (p_after_score IS NULL
                    OR agency.client_search_score(c, p_q, p_r, p_r4) < p_after_score
                    OR (agency.client_search_score(c, p_q, p_r, p_r4) = p_after_score
                        AND c.id > p_after_id))) s
     WHERE s.score >= 300 ORDER BY s.score DESC, s.id LIMIT p_k;
END
$$;
