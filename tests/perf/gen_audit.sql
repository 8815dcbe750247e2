-- gen_audit.sql - tops the audit trail up to :rows rows for tests/perf/run (audit.search at a
-- million rows): logins, reads, changes and denials of every active person over the last 180
-- days, in id order of time, on the clients they may see; rows are left unsealed (the run
-- seals them and times it). Run as the owner role: psql -v rows=N -f gen_audit.sql.
\set ON_ERROR_STOP on
BEGIN;
CREATE TEMP TABLE staff AS
SELECT id, username, role, branch_id, row_number() OVER (ORDER BY id) - 1 AS k
  FROM agency.users WHERE active;
SELECT count(*) AS n_staff FROM staff \gset
SELECT count(*) AS have FROM agency.audit_log \gset
SELECT min(id) AS cmin, max(id) AS cmax FROM agency.clients \gset
INSERT INTO agency.audit_log (at, user_id, username, role, branch_id, session_id, peer, op,
                              target, outcome, detail)
SELECT now() - interval '180 days' * (1 - g::float8 / greatest(:rows - :have, 1)),
       s.id, s.username, s.role, s.branch_id, (1 + g / 40)::bigint,
       ('10.1.' || (g % 250) || '.' || (g % 7))::inet,
       (ARRAY['client.get', 'client.update', 'activity.log', 'client.assign', 'auth.login',
              'client.list', 'contact.create', 'activity.done'])[1 + g % 8],
       CASE WHEN g % 8 IN (4, 5) THEN 'user:' || s.id
            ELSE 'client:' || (:cmin + g % (:cmax - :cmin + 1)) END,
       CASE WHEN g % 97 = 0 THEN 'denied' WHEN g % 89 = 0 THEN 'not_found'
            WHEN g % 53 = 0 THEN 'invalid' ELSE 'ok' END,
       'perf row ' || g
  FROM generate_series(1, greatest(:rows - :have, 0)) g
  JOIN staff s ON s.k = g % :n_staff;
COMMIT;
ANALYZE agency.audit_log;
