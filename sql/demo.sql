-- demo.sql - demonstration data: four branches, three teams and one account per role
-- (all with the password "agency-demo-2026"). Run as the owner role after the migrations;
-- running it again changes nothing.

BEGIN;

INSERT INTO agency.branches (name, city, timezone) VALUES
    ('Istanbul', 'Istanbul', 'Europe/Istanbul'),
    ('Milano', 'Milano', 'Europe/Rome'),
    ('Shanghai', 'Shanghai', 'Asia/Shanghai'),
    ('Dubai', 'Dubai', 'Asia/Dubai')
ON CONFLICT DO NOTHING;

-- Staff first without teams (a team needs its manager), then the teams, then memberships.
INSERT INTO agency.users (username, full_name, email, role, branch_id, approval_limit, approval_currency)
SELECT v.username, v.full_name, v.email, v.role, b.id, v.approval_limit, 'EUR'
  FROM (VALUES
    ('li.wei', 'Li Wei 李伟', 'li.wei@agency.example', 'director', 'Shanghai', 100000000),
    ('fatima.haddad', 'Fatima Haddad فاطمة حداد', 'fatima.haddad@agency.example', 'manager', 'Istanbul', 2500000),
    ('marco.bianchi', 'Marco Bianchi', 'marco.bianchi@agency.example', 'manager', 'Milano', 2500000),
    ('chen.jing', 'Chen Jing 陈静', 'chen.jing@agency.example', 'manager', 'Shanghai', 2500000),
    ('mehmet.yilmaz', 'Mehmet Yılmaz', 'mehmet.yilmaz@agency.example', 'ae', 'Istanbul', 0),
    ('layla.mansour', 'Layla Mansour ليلى منصور', 'layla.mansour@agency.example', 'ae', 'Istanbul', 0),
    ('giulia.rossi', 'Giulia Rossi', 'giulia.rossi@agency.example', 'ae', 'Milano', 0),
    ('zhang.min', 'Zhang Min 张敏', 'zhang.min@agency.example', 'ae', 'Shanghai', 0),
    ('sam.carter', 'Sam Carter', 'sam.carter@agency.example', 'finance', 'Istanbul', 0)
  ) AS v (username, full_name, email, role, branch, approval_limit)
  JOIN agency.branches b ON b.name = v.branch
ON CONFLICT DO NOTHING;

INSERT INTO agency.teams (name, branch_id, manager_id)
SELECT v.name, b.id, u.id
  FROM (VALUES
    ('Istanbul Brands', 'Istanbul', 'fatima.haddad'),
    ('Milano Retail', 'Milano', 'marco.bianchi'),
    ('Shanghai Digital', 'Shanghai', 'chen.jing')
  ) AS v (name, branch, manager)
  JOIN agency.branches b ON b.name = v.branch
  JOIN agency.users u ON u.username = v.manager
ON CONFLICT DO NOTHING;

UPDATE agency.users u SET team_id = t.id
  FROM (VALUES
    ('fatima.haddad', 'Istanbul Brands'),
    ('mehmet.yilmaz', 'Istanbul Brands'),
    ('layla.mansour', 'Istanbul Brands'),
    ('marco.bianchi', 'Milano Retail'),
    ('giulia.rossi', 'Milano Retail'),
    ('chen.jing', 'Shanghai Digital'),
    ('zhang.min', 'Shanghai Digital')
  ) AS v (username, team)
  JOIN agency.teams t ON t.name = v.team
 WHERE u.username = v.username AND u.team_id IS NULL;

-- Argon2id (m=19456 KiB, t=2, p=1) of "agency-demo-2026", computed once.
INSERT INTO agency.user_secrets (user_id, password_hash)
SELECT u.id, '$argon2id$v=19$m=19456,t=2,p=1$u/VRkDjU3/lByC5COdj+pA$IdkusI/6G2BWmAU8vMf8ES/JhRsPeWDytRwtyOI6/qc'
  FROM agency.users u
 WHERE u.username IN ('li.wei', 'fatima.haddad', 'marco.bianchi', 'chen.jing', 'mehmet.yilmaz',
                      'layla.mansour', 'giulia.rossi', 'zhang.min', 'sam.carter')
ON CONFLICT DO NOTHING;

COMMIT;
