-- gen_data.sql - grows the demo agency to :scale times a base agency (20 staff, 1,000 clients,
-- 10,000 activities; 100 gives 2,000 staff, 100,000 clients, 1,000,000 activities) for
-- tests/perf/run. Run as the owner role: psql -v scale=N -f gen_data.sql. Tops up to the
-- target counts, so it can be run with growing scales on the same database. Generated staff
-- are AEs of the existing teams with the demo AE's password hash (they can log in).
\set ON_ERROR_STOP on
BEGIN;
SELECT :scale * 20 AS want_staff, :scale * 1000 AS want_clients,
       :scale * 10000 AS want_activities \gset

-- staff: AEs spread over the teams, in the team's branch
WITH have AS (SELECT count(*) AS n FROM agency.users),
teams AS (SELECT id, branch_id, row_number() OVER (ORDER BY id) - 1 AS k,
                 count(*) OVER () AS n FROM agency.teams),
base AS (SELECT coalesce(max(id), 0) AS m FROM agency.users),
made AS (
    INSERT INTO agency.users (username, full_name, email, role, branch_id, team_id)
    SELECT 'perf.ae.' || (b.m + g), 'Perf Staff ' || (b.m + g),
           'perf.ae.' || (b.m + g) || '@agency.example', 'ae', t.branch_id, t.id
      FROM have h, base b, generate_series(1, greatest(:want_staff - h.n, 0)) g
      JOIN teams t ON t.k = g % t.n
    RETURNING id)
INSERT INTO agency.user_secrets (user_id, password_hash)
SELECT m.id, s.password_hash FROM made m,
       (SELECT password_hash FROM agency.user_secrets us JOIN agency.users u ON u.id = us.user_id
         WHERE u.role = 'ae' ORDER BY u.id LIMIT 1) s;

-- clients: owned round-robin by the AEs and managers
CREATE TEMP TABLE owners AS
SELECT id, row_number() OVER (ORDER BY id) - 1 AS k FROM agency.users
 WHERE role IN ('ae', 'manager') AND active;
SELECT count(*) AS n_owners FROM owners \gset
SELECT count(*) AS have_clients FROM agency.clients \gset
INSERT INTO agency.clients (name, legal_name, registration_no, industry, tier, status, owner_id,
                            phone, email, notes, created_by)
SELECT initcap((ARRAY['north', 'blue', 'golden', 'silver', 'green', 'urban', 'coastal', 'prime',
                      'atlas', 'delta'])[1 + g % 10]) || ' ' ||
       initcap((ARRAY['foods', 'motors', 'textiles', 'media', 'pharma', 'logistics', 'retail',
                      'energy', 'travel', 'studios'])[1 + (g / 10) % 10]) || ' ' || g,
       'Perf Holding ' || g || ' Ltd', 'PR' || lpad(g::text, 9, '0'), 'industry ' || g % 17,
       (ARRAY['key', 'growth', 'standard'])[1 + g % 3],
       (ARRAY['prospect', 'active', 'dormant', 'lost'])[1 + g % 4], o.id,
       '+90 212 ' || lpad((g % 10000000)::text, 7, '0'), 'contact' || g || '@client.example',
       'generated for the benchmark', o.id
  FROM generate_series(:have_clients + 1, :want_clients) g
  JOIN owners o ON o.k = g % :n_owners;

-- activities: by the client's owner over the last two years; one in ten with a follow-up
-- around today, half of those done
SELECT min(id) AS cmin, max(id) AS cmax FROM agency.clients \gset
SELECT count(*) AS have_acts FROM agency.activities \gset
INSERT INTO agency.activities (client_id, user_id, kind, summary, occurred_at, next_action,
                               next_due, done_at, done_by)
SELECT c.id, c.owner_id, (ARRAY['call', 'email', 'meeting', 'visit', 'note'])[1 + g % 5],
       'generated activity ' || g, now() - make_interval(secs => (g * 7919) % 63072000),
       CASE WHEN g % 10 = 0 THEN 'follow up ' || g END,
       CASE WHEN g % 10 = 0 THEN current_date + ((g / 10) % 60 - 30)::int END,
       CASE WHEN g % 20 = 0 THEN now() END, CASE WHEN g % 20 = 0 THEN c.owner_id END
  FROM generate_series((:have_acts + 1)::bigint, :want_activities::bigint) g
  JOIN agency.clients c ON c.id = :cmin + (g * 7907) % (:cmax - :cmin + 1);
COMMIT;
-- statistics, the visibility map and the trigram indexes' pending entries now, not from
-- autovacuum during the measurements
VACUUM (ANALYZE) agency.users, agency.clients, agency.contacts, agency.activities;
SELECT (SELECT count(*) FROM agency.users) AS staff, (SELECT count(*) FROM agency.clients) AS clients,
       (SELECT count(*) FROM agency.activities) AS activities;
