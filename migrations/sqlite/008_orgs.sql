-- 008_orgs: social work service organisations (社会工作服务机构) and their
-- ratings (等级评估); domain/org.h.
--
-- credit_code is the unified social credit code (GB 32100), unique,
-- upper case. A code whose check character fails is stored only with
-- credit_override_reason: some early real codes fail, and an
-- administrator accepts them with a reason that the audit log keeps.
-- authority is derived from the code's first character (creditcode.h).
-- fields is the comma-separated list of service-field codes of
-- domain/worker.h, in table order.
CREATE TABLE orgs (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL CHECK (name <> ''),
  credit_code TEXT NOT NULL UNIQUE CHECK (length(credit_code) = 18),
  credit_override_reason TEXT,
  type TEXT NOT NULL CHECK (type IN ('private_non_enterprise', 'social_group',
                                     'foundation', 'public_institution', 'other')),
  authority TEXT NOT NULL,
  region_code TEXT NOT NULL REFERENCES regions (code),
  address TEXT,
  legal_rep TEXT,
  founded_on TEXT CHECK (founded_on IS NULL OR length(founded_on) = 10),
  contact_name TEXT,
  contact_phone TEXT,
  fields TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'deregistered')),
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
) STRICT;

CREATE INDEX orgs_region ON orgs (region_code, name);
CREATE INDEX orgs_name ON orgs (name);

-- Ratings are kept as history; an organisation's grade is its latest
-- rating, valid five years from the evaluation date.
CREATE TABLE org_ratings (
  id INTEGER PRIMARY KEY,
  org_id INTEGER NOT NULL REFERENCES orgs (id),
  grade INTEGER NOT NULL CHECK (grade BETWEEN 1 AND 5),
  score REAL CHECK (score IS NULL OR score BETWEEN 0 AND 1000),
  evaluated_on TEXT NOT NULL CHECK (length(evaluated_on) = 10),
  valid_until TEXT NOT NULL CHECK (length(valid_until) = 10),
  created_at TEXT NOT NULL
) STRICT;

CREATE INDEX org_ratings_org ON org_ratings (org_id, evaluated_on);

-- Grade cut-offs on the 1000-point scale, 5A first; localities differ.
INSERT INTO settings (key, value, updated_at) VALUES
  ('org_rating.cutoffs', '900,800,700,600,500', strftime('%Y-%m-%dT%H:%M:%SZ', 'now'));
