-- demo_issues.sql - the demo agency's client issues: every step of the flow, in Turkish, Arabic,
-- Chinese, Italian and English, some unanswered past their target and escalated (to the team's
-- manager, or on to every director), with their history. Dates are relative to now(). Run as the
-- owner role after demo.sql and demo_clients.sql; idempotent: an issue whose client and summary
-- exist already is skipped with everything that hangs off it.

BEGIN;

CREATE TEMP TABLE demo_issue ON COMMIT DROP AS
SELECT v.*, (SELECT c.id FROM agency.clients c JOIN agency.users u ON u.id = c.owner_id
              WHERE u.username = v.owner AND c.archived_at IS NULL
              ORDER BY c.id OFFSET v.nth LIMIT 1) AS client_id,
       (SELECT u.id FROM agency.users u WHERE u.username = v.owner) AS owner_id,
       (SELECT coalesce(b.timezone, 'UTC') FROM agency.users u
          JOIN agency.branches b ON b.id = u.branch_id WHERE u.username = v.owner) AS tz
  FROM (VALUES
    ('mehmet.yilmaz', 0, 'complaint', 'critical', 'phone', 'received', interval '3 hours', 2,
     'Billboard kampanyasında yanlış fiyat basıldı',
     'Müşteri, Kadıköy billboardlarında eski fiyatın göründüğünü bildirdi.', NULL, NULL),
    ('mehmet.yilmaz', 1, 'inquiry', 'high', 'email', 'received', interval '30 minutes', 0,
     'Radyo spotlarının yayın saatleri soruluyor', NULL, NULL, NULL),
    ('mehmet.yilmaz', 2, 'other', 'normal', 'meeting', 'confirmed', interval '6 days', 0,
     'Fatura adresi değişikliği talebi', 'Yeni merkez ofis adresi bildirildi.', NULL, NULL),
    ('layla.mansour', 0, 'complaint', 'normal', 'phone', 'investigating', interval '2 days', 0,
     'تأخر تسليم التصاميم النهائية للحملة',
     'العميل يذكر أن التصاميم وصلت بعد الموعد المتفق عليه بيومين.', NULL, NULL),
    ('omar.khalil', 0, 'complaint', 'high', 'visit', 'received', interval '10 minutes', 0,
     'شكوى من جودة طباعة الكتيبات', NULL, NULL, NULL),
    ('giulia.rossi', 0, 'complaint', 'high', 'email', 'received', interval '5 hours', 1,
     'Spot TV andato in onda con il logo vecchio',
     'Il cliente ha visto il logo precedente nella messa in onda delle 20:30.', NULL, NULL),
    ('giulia.rossi', 1, 'suggestion', 'low', 'meeting', 'resolved', interval '4 days', 0,
     'Proposta di report mensili più brevi', NULL, NULL, NULL),
    ('chen.jing', 0, 'complaint', 'normal', 'phone', 'closed', interval '12 days', 0,
     '社交媒体广告投放地区错误', '广告投放到了华北地区，而不是华东地区。',
     '投放设置沿用了上一个活动的模板。', '每次投放前由第二人核对地区设置。'),
    ('zhang.min', 0, 'inquiry', 'critical', 'phone', 'triaged', interval '40 minutes', 0,
     '发布会直播链接无法打开', NULL, NULL, NULL),
    ('luca.ferrari', 0, 'complaint', 'normal', 'web', 'received', interval '2 days', 2,
     'Invoice sent twice for the same campaign', 'The client received invoice copies from two addresses.', NULL, NULL)
  ) AS v (owner, nth, category, severity, channel, status, age, level, summary, details,
          root_cause, prevention);

DELETE FROM demo_issue d
 WHERE d.client_id IS NULL
    OR EXISTS (SELECT 1 FROM agency.issues i WHERE i.client_id = d.client_id AND i.summary = d.summary);

-- The flow's steps in order (the demo issues walk it without going back).
CREATE TEMP TABLE demo_flow (n int, status text) ON COMMIT DROP;
INSERT INTO demo_flow VALUES (0, 'received'), (1, 'triaged'), (2, 'investigating'),
    (3, 'resolved'), (4, 'confirmed'), (5, 'closed');

WITH d AS (
    SELECT d.*, now() - d.age AS opened_at, f.n AS step,
           agency.issue_due(now() - d.age, t.response, t.working_days, d.tz) AS respond_by
      FROM demo_issue d JOIN agency.issue_targets t ON t.severity = d.severity
      JOIN demo_flow f ON f.status = d.status
), ins AS (
    INSERT INTO agency.issues (client_id, category, severity, channel, summary, details, status,
                               assignee_id, opened_by, opened_at, respond_by, responded_at,
                               escalation_level, escalated_at, root_cause, prevention,
                               resolved_at, closed_at)
    SELECT d.client_id, d.category, d.severity, d.channel, d.summary, d.details, d.status,
           d.owner_id, d.owner_id, d.opened_at, d.respond_by,
           CASE WHEN d.step > 0 THEN d.opened_at + d.age / 10 END,
           d.level, CASE WHEN d.level > 0 THEN d.respond_by + (d.respond_by - d.opened_at) * (d.level - 1) END,
           d.root_cause, d.prevention,
           CASE WHEN d.step >= 3 THEN d.opened_at + d.age * 3 / 6 END,
           CASE WHEN d.step = 5 THEN d.opened_at + d.age * 5 / 6 END
      FROM d
    RETURNING id, opened_at, status, escalation_level, respond_by, assignee_id
)
SELECT count(*) AS issues FROM ins;

-- The history: one row per step taken, spread over the issue's age.
INSERT INTO agency.issue_history (issue_id, at, by_user, from_status, to_status, assignee_id, note)
SELECT i.id, i.opened_at + (now() - i.opened_at) * f.n / 6, i.assignee_id, p.status, f.status,
       CASE WHEN f.n = 0 THEN i.assignee_id END, NULL
  FROM agency.issues i JOIN demo_issue d ON d.client_id = i.client_id AND d.summary = i.summary
  JOIN demo_flow cur ON cur.status = i.status
  JOIN demo_flow f ON f.n <= cur.n
  LEFT JOIN demo_flow p ON p.n = f.n - 1
 WHERE NOT EXISTS (SELECT 1 FROM agency.issue_history h WHERE h.issue_id = i.id);

-- The escalations the unanswered ones reached (the sweep takes over from here).
INSERT INTO agency.issue_escalations (issue_id, level, at, by_user, reason, reached)
SELECT i.id, l.level, i.respond_by + (i.respond_by - i.opened_at) * (l.level - 1), NULL,
       'the response target passed', agency.issue_reach(i.id, l.level)
  FROM agency.issues i JOIN demo_issue d ON d.client_id = i.client_id AND d.summary = i.summary
  CROSS JOIN (VALUES (1), (2)) AS l (level)
 WHERE l.level <= i.escalation_level AND cardinality(agency.issue_reach(i.id, l.level)) > 0
ON CONFLICT DO NOTHING;

COMMIT;
