-- 020_client_search.sql - client.list's search reads each kind of match from its own index
-- and stops after a page (agency.client_search), instead of scoring every client in scope.
--
-- Row-level security keeps operators that are not leakproof - pg_trgm's %, LIKE - out of
-- index conditions on a table with a policy, so under the clients policy every search read and
-- scored every client in scope (4.6 s for a director at 100,000 clients). client_search() is
-- SECURITY DEFINER: it applies the clients read policy's scope itself, with the policy's own
-- functions, and returns ids and scores that the handler joins to agency.clients under the
-- policy again. Scoped callers with large scopes (a manager's team) are searched a page at a
-- time like a director; similar names are found through the trigram index at the similarity
-- the page needs (at 100,000 clients: director p99 18 ms, manager 24 ms, 8 connections).

-- Equal names through an index.
CREATE INDEX clients_name_norm_idx ON agency.clients (name_norm text_pattern_ops);

-- The score (per mille) of client c for the normalised query p_q, p_r its registration-number
-- form and p_r4 the same when it is long enough (4+) to search inside registration numbers:
-- the best of the similarity of the name (equal 1000, starting with the query 950, containing
-- it 850), of the legal name (95 %; containing the query 800), of the registration number
-- (equal 1000, containing it 700) and of a live contact's name (90 % of that contact's best of
-- similarity, equal 1, containing 0.85: client_search_contact()). Listed from 300.
-- client_search_rank() takes the contact's part as p_contact.
CREATE FUNCTION agency.client_search_rank(c agency.clients, p_q text, p_r text, p_r4 text,
                                          p_contact float8)
RETURNS int LANGUAGE sql STABLE AS $$
    SELECT round(1000 * greatest(
        similarity(c.name_norm, p_q),
        CASE WHEN c.name_norm = p_q THEN 1 WHEN starts_with(c.name_norm, p_q) THEN 0.95
             WHEN strpos(c.name_norm, p_q) > 0 THEN 0.85 ELSE 0 END,
        similarity(c.legal_norm, p_q) * 0.95,
        CASE WHEN strpos(c.legal_norm, p_q) > 0 THEN 0.8 ELSE 0 END,
        CASE WHEN c.reg_norm = p_r THEN 1 WHEN strpos(c.reg_norm, p_r4) > 0 THEN 0.7 ELSE 0 END,
        0.9 * p_contact))::int
$$;

-- The best score of client c's live contacts whose names match p_q (NULL for none).
CREATE FUNCTION agency.client_search_contact(p_client_id bigint, p_q text) RETURNS float8
LANGUAGE sql STABLE AS $$
    SELECT max(greatest(similarity(k.name_norm, p_q),
                        CASE WHEN k.name_norm = p_q THEN 1 WHEN strpos(k.name_norm, p_q) > 0
                             THEN 0.85 ELSE 0 END))
      FROM agency.contacts k
     WHERE k.client_id = p_client_id AND k.archived_at IS NULL
       AND (k.name_norm % p_q OR k.name_norm LIKE '%' || p_q || '%')
$$;

CREATE FUNCTION agency.client_search_score(c agency.clients, p_q text, p_r text, p_r4 text)
RETURNS int LANGUAGE sql STABLE AS $$
    SELECT agency.client_search_rank(c, p_q, p_r, p_r4, agency.client_search_contact(c.id, p_q))
$$;

-- The page of client.list's search (protocol §15): of the caller's clients (the scope of the
-- clients read policy) that pass client.list's filters, those whose name, legal name or
-- registration number match the normalised query p_q (similar: pg_trgm's %, or containing it)
-- or that have a live contact whose name does, scored by client_search_score() (300 or more),
-- after the keyset (p_after_score, p_after_id) in (score desc, id) order: the first p_k, with
-- their scores, in that order.
--
-- A client ranks by its best kind of match, and whatever outranks it within that kind
-- outranks it overall, so the page lies among the first p_k (in the same order) of each kind
-- taken alone. The kinds of one score each are read in id order and stop after p_k rows:
-- names containing the query (and, when those are many, names equal to it and starting with
-- it) from the first clients by id (500 for a caller who sees every client, 4,000 for a
-- scoped one) when they hold p_k, else the first p_k by id of all of them through the trigram
-- index (or the name_norm index); legal names and registration numbers containing it every
-- one through the trigram index when fewer than 300, else the first p_k by primary key.
-- Contacts: every match. The page so far gives the score that a similar name or legal name
-- must reach to enter it; those are found through the trigram index with pg_trgm's
-- threshold raised to that similarity for the transaction (the threshold in force is put
-- back before the page is scored), so names that share too few of the query's trigrams are
-- never compared. The page is exact.
--
-- A scope of fewer than 2,000 clients (an AE's) is read whole through the owner index: a few
-- hundred rows cost less than the probes. A larger one (a manager's team) is searched the way
-- every client is, the scope applied in each read. SECURITY DEFINER (see above). Declared
-- ROWS 20, a page (at most p_k + 1 rows): planned for the default 1,000, the handler's join of
-- the page to agency.clients hashed every client in scope once that cost less than 1,000
-- primary-key probes (at 10,000 clients). Plans are generic (planned once per connection;
-- none depends on the query's value) and use indexes only (enable_seqscan off: a small table
-- such as the demo contacts would otherwise be scanned computing every similarity).
CREATE FUNCTION agency.client_search(p_q text, p_r text, p_r4 text, p_k int, p_tier text,
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
-- The helpers too: pure computations (client_search_contact reads contacts under the
-- caller's policy), and the planner inlines a SQL function only for a role that may execute it.
GRANT EXECUTE ON FUNCTION agency.client_search(text, text, text, int, text, text, bigint, bigint,
                                               boolean, int, bigint),
    agency.client_search_contact(bigint, text),
    agency.client_search_rank(agency.clients, text, text, text, float8),
    agency.client_search_score(agency.clients, text, text, text) TO agency_app;
