-- demo_work.sql - the demo agency's account work: contracts (some ending within 60 days, one
-- renewed, drafts, completed and terminated ones), campaigns in every stage with their KPIs and
-- stage reports, job cards with tasks (some overdue, some minutes late) and reviews. Run as the
-- owner role after demo.sql and demo_clients.sql; dates relative to the load day; deterministic
-- (choices follow the clients' order) and idempotent: contracts are keyed by their number,
-- campaigns by client and name, and what hangs off a campaign is made only with it.

BEGIN;

-- The first three live clients of every AE and manager, numbered per owner (n) and overall (k),
-- with their branch's currency and who signs for them (the team's manager, else the director).
CREATE TEMP TABLE demo_work_clients ON COMMIT DROP AS
SELECT x.* FROM (
    SELECT c.id, c.owner_id, c.name,
           row_number() OVER (PARTITION BY c.owner_id ORDER BY c.id) AS n,
           row_number() OVER (ORDER BY c.id) AS k,
           CASE b.name WHEN 'Istanbul' THEN 'TRY' WHEN 'Shanghai' THEN 'CNY' ELSE 'EUR' END AS currency,
           coalesce(t.manager_id, (SELECT d.id FROM agency.users d WHERE d.username = 'li.wei')) AS signer
      FROM agency.clients c JOIN agency.users u ON u.id = c.owner_id
      JOIN agency.branches b ON b.id = u.branch_id
      LEFT JOIN agency.teams t ON t.id = u.team_id
     WHERE c.archived_at IS NULL AND u.role IN ('ae', 'manager')) x
 WHERE x.n <= 3;

-- Titles, campaign names and report lines in the five languages of the seeds.
CREATE TEMP TABLE demo_work_words ON COMMIT DROP AS
SELECT * FROM (VALUES
    (0, 'Annual retainer 2026', 'Spring launch', 'Brief agreed with the marketing director'),
    (1, 'Yıllık hizmet sözleşmesi', 'Bahar lansmanı', 'Müşteriyle brif üzerinde anlaşıldı'),
    (2, 'Contratto quadro annuale', 'Lancio primavera', 'Brief concordato con il cliente'),
    (3, 'عقد الخدمات السنوي', 'إطلاق الربيع', 'تمت الموافقة على الملخص مع العميل'),
    (4, '年度服务合同', '春季新品上市', '与客户确认了简报')
) AS w (i, contract_title, campaign_name, report_line);

-- ---------------------------------------------------------------------------------------
-- Contracts: n = 1 active and ending within 24-63 days (the renewal queue; every fourth one
-- already has a draft renewal), n = 2 active until later, n = 3 draft, completed or terminated.
-- ---------------------------------------------------------------------------------------
INSERT INTO agency.contracts (client_id, number, title, starts_on, ends_on, amount, currency,
                              payment_terms, scope, status, activated_at, activated_by, closed_at,
                              closed_by, close_reason, created_at, created_by)
SELECT d.id, 'DEMO-' || d.id || '-' || d.n, w.contract_title,
       s.starts_on, s.ends_on, (120 + d.k % 7 * 30) * 100000, d.currency,
       '30 days from invoice', 'Strategy, creative, media buying and reporting',
       s.status,
       CASE WHEN s.status <> 'draft' THEN s.starts_on::timestamptz END,
       CASE WHEN s.status <> 'draft' THEN d.signer END,
       CASE WHEN s.status IN ('completed', 'terminated') THEN (current_date - 20)::timestamptz END,
       CASE WHEN s.status IN ('completed', 'terminated') THEN d.signer END,
       CASE WHEN s.status = 'terminated' THEN 'The client moved its budget in-house' END,
       s.starts_on::timestamptz - interval '10 days', d.owner_id
  FROM demo_work_clients d JOIN demo_work_words w ON w.i = d.k % 5
 CROSS JOIN LATERAL (SELECT
        CASE d.n WHEN 1 THEN current_date + (24 + d.k % 40)::int - 364
                 WHEN 2 THEN current_date - (d.k % 90)::int
                 ELSE current_date - 200 END AS starts_on,
        CASE d.n WHEN 1 THEN current_date + (24 + d.k % 40)::int
                 WHEN 2 THEN current_date - (d.k % 90)::int + 364
                 ELSE current_date - 20 END AS ends_on,
        CASE d.n WHEN 1 THEN 'active' WHEN 2 THEN 'active'
                 ELSE (ARRAY['draft', 'completed', 'terminated'])[d.k % 3 + 1] END AS status) s
ON CONFLICT DO NOTHING;

-- Drafted renewals of every fourth contract in the queue.
INSERT INTO agency.contracts (client_id, number, title, starts_on, ends_on, amount, currency,
                              renews_id, created_by)
SELECT k.client_id, k.number || '-R', k.title, k.ends_on + 1, k.ends_on + 365, k.amount * 11 / 10,
       k.currency, k.id, k.created_by
  FROM agency.contracts k JOIN demo_work_clients d ON d.id = k.client_id
 WHERE k.number = 'DEMO-' || d.id || '-1' AND d.k % 4 = 0
ON CONFLICT DO NOTHING;

-- ---------------------------------------------------------------------------------------
-- Campaigns: one per chosen client, in every stage (the k-th client's stage turns with k), with
-- two KPIs, the reports of the stages it went through, and its actuals from review on.
-- ---------------------------------------------------------------------------------------
CREATE TEMP TABLE demo_work_stages ON COMMIT DROP AS
SELECT * FROM unnest(ARRAY['brief', 'proposal', 'approved', 'production', 'live', 'review',
                           'closed', 'cancelled']) WITH ORDINALITY AS s (status, pos);

CREATE TEMP TABLE demo_work_new_campaigns (id bigint, stage_pos int, k bigint) ON COMMIT DROP;

WITH ins AS (
    INSERT INTO agency.campaigns (client_id, contract_id, name, objectives, audience, budget_amount,
                                  currency, starts_on, ends_on, status, status_changed_at,
                                  status_changed_by, closed_at, closed_by, created_at, created_by,
                                  version)
    SELECT d.id,
           (SELECT k.id FROM agency.contracts k WHERE k.number = 'DEMO-' || d.id || '-' || d.n
               AND k.status = 'active'),
           w.campaign_name || ' ' || d.n, 'Awareness and trial among 25-40 year olds',
           'Urban professionals; 城市白领; profesyoneller', (40 + d.k % 9 * 10) * 100000, d.currency,
           current_date - 60 + (d.k % 30)::int, current_date + 30 + (d.k % 60)::int, s.status,
           now() - interval '3 days', d.owner_id,
           CASE WHEN s.status IN ('closed', 'cancelled') THEN now() - interval '3 days' END,
           CASE WHEN s.status IN ('closed', 'cancelled') THEN d.owner_id END,
           now() - interval '70 days', d.owner_id,
           CASE WHEN s.pos = 8 THEN 5 ELSE s.pos::int END -- one more than the moves made
      FROM demo_work_clients d JOIN demo_work_words w ON w.i = d.k % 5
      JOIN demo_work_stages s ON s.pos = (d.k + d.n) % 8 + 1
     WHERE NOT EXISTS (SELECT 1 FROM agency.campaigns x
                        WHERE x.client_id = d.id AND x.name = w.campaign_name || ' ' || d.n)
    RETURNING id, status, client_id)
INSERT INTO demo_work_new_campaigns
SELECT i.id, s.pos, d.k FROM ins i JOIN demo_work_stages s ON s.status = i.status
  JOIN demo_work_clients d ON d.id = i.client_id;

INSERT INTO agency.campaign_kpis (campaign_id, client_id, name, target, unit, actual, actual_recorded_at)
SELECT c.id, c.client_id, v.name, v.target, v.unit,
       CASE WHEN n.stage_pos IN (6, 7) THEN v.target * (80 + n.k % 40) / 100 END,
       CASE WHEN n.stage_pos IN (6, 7) THEN now() - interval '4 days' END
  FROM demo_work_new_campaigns n JOIN agency.campaigns c ON c.id = n.id
 CROSS JOIN (VALUES ('Reach', 1000000, 'people'), ('CTR', 2.5, '%')) AS v (name, target, unit);

-- One report per move made (brief -> ... -> the campaign's stage; a cancelled one was cancelled
-- from production), and a progress report in the live ones.
INSERT INTO agency.campaign_reports (campaign_id, client_id, kind, stage, from_status, to_status,
                                     version, summary, decisions, created_at, created_by)
SELECT c.id, c.client_id,
       CASE t.status WHEN 'approved' THEN 'approval' WHEN 'review' THEN 'review'
                     WHEN 'closed' THEN 'review' WHEN 'cancelled' THEN 'change' ELSE 'progress' END,
       t.status, f.status, t.status, CASE WHEN t.pos = 8 THEN 5 ELSE t.pos::int END,
       CASE WHEN t.pos = 2 THEN w.report_line ELSE f.status || ' -> ' || t.status END,
       CASE t.status WHEN 'approved' THEN 'Budget and media plan approved by the client'
                     WHEN 'cancelled' THEN 'Campaign stopped: the product launch was postponed' END,
       now() - make_interval(days => 60 - t.pos::int * 7), c.created_by
  FROM demo_work_new_campaigns n JOIN agency.campaigns c ON c.id = n.id
  JOIN demo_work_words w ON w.i = n.k % 5
  JOIN demo_work_stages t ON t.pos BETWEEN 2 AND n.stage_pos AND (t.pos < 8 OR n.stage_pos = 8)
                         AND (n.stage_pos < 8 OR t.pos <= 4 OR t.pos = 8)
  JOIN demo_work_stages f ON f.pos = CASE WHEN t.pos = 8 THEN 4 ELSE t.pos - 1 END;

INSERT INTO agency.campaign_reports (campaign_id, client_id, kind, stage, summary, decisions,
                                     created_at, created_by)
SELECT c.id, c.client_id, 'progress', 'live', 'Week 3: reach ahead of plan, CTR below target',
       'Move 10% of the display budget to short video', now() - interval '2 days', c.created_by
  FROM demo_work_new_campaigns n JOIN agency.campaigns c ON c.id = n.id WHERE n.stage_pos = 5;

-- ---------------------------------------------------------------------------------------
-- Job cards of the campaigns in production and live: the kick-off (minutes logged two days
-- after the meeting: late) and a status meeting (logged the same day), with tasks for the
-- owner, one of them overdue, one done.
-- ---------------------------------------------------------------------------------------
INSERT INTO agency.jobs (campaign_id, client_id, title, meeting_at, minutes, minutes_at, due_on,
                         created_at, created_by)
SELECT c.id, c.client_id, j.title, now() - make_interval(days => j.ago),
       j.minutes, now() - make_interval(days => j.ago) + make_interval(hours => j.late_h),
       current_date + 10, now() - make_interval(days => j.ago), c.created_by
  FROM demo_work_new_campaigns n JOIN agency.campaigns c ON c.id = n.id
 CROSS JOIN (VALUES ('Kick-off / Toplantı', 12, 50, 'Agreed the media plan; the client sends the logo files'),
                    ('Status meeting / Riunione di stato', 2, 3, 'Creative route B chosen; 选择了B方案'))
            AS j (title, ago, late_h, minutes)
 WHERE n.stage_pos IN (4, 5);

INSERT INTO agency.job_tasks (job_id, client_id, title, assignee_id, due_on, done_at, done_by,
                              created_by)
SELECT j.id, j.client_id, t.title, c.created_by, current_date + t.due,
       CASE WHEN t.done THEN now() - interval '1 day' END,
       CASE WHEN t.done THEN c.created_by END, c.created_by
  FROM agency.jobs j JOIN demo_work_new_campaigns n ON n.id = j.campaign_id
  JOIN agency.campaigns c ON c.id = j.campaign_id
 CROSS JOIN (VALUES ('Send the media plan to the client', -2, false),
                    ('Book the photo shoot', 3, false),
                    ('Collect the logo files', -5, true)) AS t (title, due, done)
 WHERE j.title LIKE 'Kick-off%'
 UNION ALL
SELECT j.id, j.client_id, 'Circulate the storyboard', c.created_by, current_date + 5, NULL, NULL,
       c.created_by
  FROM agency.jobs j JOIN demo_work_new_campaigns n ON n.id = j.campaign_id
  JOIN agency.campaigns c ON c.id = j.campaign_id
 WHERE j.title LIKE 'Status meeting%';

-- ---------------------------------------------------------------------------------------
-- Reviews: a quarterly review of every chosen client (scores spread from 3 to 10), a survey of
-- every other one, and a campaign review of the campaigns in review or closed.
-- ---------------------------------------------------------------------------------------
INSERT INTO agency.reviews (client_id, kind, period, score, notes, reviewed_on, created_by)
SELECT d.id, 'quarterly', '2026-Q3', 3 + (d.k * 7) % 8, w.report_line, current_date - 40, d.owner_id
  FROM demo_work_clients d JOIN demo_work_words w ON w.i = d.k % 5
 WHERE d.n = 1 AND NOT EXISTS (SELECT 1 FROM agency.reviews r WHERE r.client_id = d.id
                                  AND r.kind = 'quarterly' AND r.period = '2026-Q3')
 UNION ALL
SELECT d.id, 'survey', NULL, 5 + d.k % 6, 'Satisfaction survey / Memnuniyet anketi',
       current_date - 10, d.owner_id
  FROM demo_work_clients d
 WHERE d.n = 1 AND d.k % 2 = 0 AND NOT EXISTS (SELECT 1 FROM agency.reviews r WHERE r.client_id = d.id
                                                  AND r.kind = 'survey');

INSERT INTO agency.reviews (client_id, campaign_id, kind, score, notes, reviewed_on, created_by)
SELECT c.client_id, c.id, 'campaign', 6 + n.k % 5, 'Reach above target; CTR a little short',
       current_date - 3, c.created_by
  FROM demo_work_new_campaigns n JOIN agency.campaigns c ON c.id = n.id
 WHERE n.stage_pos IN (6, 7);

COMMIT;
