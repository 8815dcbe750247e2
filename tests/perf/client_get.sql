-- client_get.sql - pgbench script: exactly the statements agencyd runs for one client.get of a
-- logged-in member of staff (server/dbpool_job.c, server/session.c, server/ops/clients.c), in
-- the same pipeline segments: BEGIN READ ONLY with the begin_request select (one wait), then
-- the handler's select; agencyd sends the COMMIT after it without waiting (its result is read
-- with the worker's next request), here it ends the second segment (one wait).
-- Variables given with -D by tests/perf/run: sid0 (first of nsess consecutive live sessions),
-- nsess, cmin and cmax (the client id range), idle (session idle timeout, s), reauth (s).
\set cid random(:cmin, :cmax)
\set sid :sid0 + (:client_id % :nsess)
\startpipeline
BEGIN READ ONLY;
SELECT b.user_id, b.role, b.team_id, b.branch_id, b.must_change_password, b.username, coalesce(b.reauth_at > now() - make_interval(secs => :reauth::int), false) AS reauth_ok, b.touch FROM agency.begin_request(:sid::bigint, :idle::int, '127.0.0.1') b;
\endpipeline
\startpipeline
SELECT c.id, c.name, c.legal_name, c.registration_no, c.industry, c.tier, c.status, u.id AS "owner.id", u.full_name AS "owner.full_name", c.address, c.phone, c.email, c.website, c.notes, s.confidential_notes, (SELECT count(*) FROM agency.contacts k WHERE k.client_id = c.id AND k.archived_at IS NULL) AS contacts_count, c.archived_at, c.archive_reason, c.created_at, c.updated_at, c.version FROM agency.clients c JOIN agency.users u ON u.id = c.owner_id LEFT JOIN agency.client_secrets s ON s.client_id = c.id WHERE c.id = :cid::bigint;
COMMIT;
\endpipeline
