-- activity_log.sql - pgbench script: exactly the statements agencyd runs for one activity.log
-- (no idempotency key, no occurred_at) with its audit row, in one read-write transaction
-- (server/dbpool_job.c, server/session.c, server/ops/activity.c, server/audit.c), in the same
-- pipeline segments: BEGIN with the begin_request select (one wait), the handler's insert and
-- select (one wait each), the audit row with COMMIT (one wait).
-- Variables given with -D by tests/perf/run: sid0, nsess, cmin, cmax, idle, reauth as in
-- client_get.sql. pgbench cannot \gset inside a pipeline, so the audit row's user name is the
-- demo director's (every session tests/perf/run makes here is his) and its role and branch are
-- the ones begin_request put in the request context; agencyd passes the ones it answered.
\set cid random(:cmin, :cmax)
\set sid :sid0 + (:client_id % :nsess)
\startpipeline
BEGIN;
SELECT b.user_id, b.role, b.team_id, b.branch_id, b.must_change_password, b.username, coalesce(b.reauth_at > now() - make_interval(secs => :reauth::int), false) AS reauth_ok, b.touch FROM agency.begin_request(:sid::bigint, :idle::int, '127.0.0.1') b;
\endpipeline
INSERT INTO agency.activities (client_id, user_id, kind, summary, details, occurred_at, next_action, next_due) SELECT c.id, agency.current_user_id(), 'call', 'bench call', nullif(NULL, ''), coalesce(NULL::timestamptz, now()), nullif(NULL, ''), NULL::date FROM agency.clients c WHERE c.id = :cid::bigint RETURNING id AS aid \gset
SELECT a.id, a.client_id, c.name AS client_name, a.kind, a.summary, a.details, a.occurred_at, u.id AS "user.id", u.full_name AS "user.full_name", a.next_action, a.next_due, a.done_at, a.version FROM agency.activities a JOIN agency.clients c ON c.id = a.client_id JOIN agency.users u ON u.id = a.user_id WHERE a.id = :aid::bigint;
\startpipeline
INSERT INTO agency.audit_log (user_id, username, role, branch_id, session_id, peer, op, target, outcome, detail) VALUES (agency.current_user_id(), nullif('li.wei', ''), nullif(agency.current_role(), ''), nullif(agency.current_branch_id()::text, '0')::bigint, nullif(:sid::text, '0')::bigint, agency.peer_inet('127.0.0.1'), 'activity.log', nullif('activity:' || :aid, ''), 'ok', nullif('call logged for client ' || :cid, ''));
COMMIT;
\endpipeline
