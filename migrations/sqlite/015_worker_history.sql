-- 015_worker_history: a worker's service history (服务履历), honours (荣誉),
-- disciplinary records (处分) and talent pools (人才库); domain/employment.h
-- and domain/pool.h.
--
-- employments is a contract read by other modules: the organisations
-- module counts an organisation's current staff (ended_on IS NULL) and the
-- import writes kind `employment` into it. org_id points at a registered
-- organisation when known; org_name is always filled (the name as entered,
-- or the organisation's name at the time). ended_on NULL means current;
-- domain/employment.c keeps workers.org_id/org_name/post equal to the
-- latest current employment in the transaction that changes it.
CREATE TABLE employments (
  id INTEGER PRIMARY KEY,
  worker_id INTEGER NOT NULL REFERENCES workers (id),
  org_id INTEGER REFERENCES orgs (id),
  org_name TEXT NOT NULL CHECK (org_name <> ''),
  post TEXT,
  field TEXT,
  started_on TEXT NOT NULL CHECK (length(started_on) = 10),
  ended_on TEXT CHECK (ended_on IS NULL OR
                       (length(ended_on) = 10 AND ended_on >= started_on)),
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
) STRICT;

CREATE INDEX employments_org ON employments (org_id, ended_on);
CREATE INDEX employments_worker ON employments (worker_id);

-- Honours and disciplinary records share one shape: a dated entry with a
-- title and the body that granted or imposed it. Wrong entries are
-- removed by a bureau (removed_at), not deleted.
CREATE TABLE worker_records (
  id INTEGER PRIMARY KEY,
  worker_id INTEGER NOT NULL REFERENCES workers (id),
  kind TEXT NOT NULL CHECK (kind IN ('honour', 'discipline')),
  title TEXT NOT NULL CHECK (title <> ''),
  issuer TEXT,
  dated_on TEXT NOT NULL CHECK (length(dated_on) = 10),
  note TEXT,
  created_at TEXT NOT NULL,
  removed_at TEXT
) STRICT;

CREATE INDEX worker_records_worker ON worker_records (worker_id, kind);

-- Talent pools. A worker is in a pool while removed_at is NULL; at most
-- one active membership per worker and pool. grade is the supervisor
-- grade (junior|intermediate|senior), NULL for the other pools;
-- recertify_on the supervisor's next annual re-certification date. The
-- statistics module counts active supervisors per town from this table.
CREATE TABLE worker_pools (
  id INTEGER PRIMARY KEY,
  worker_id INTEGER NOT NULL REFERENCES workers (id),
  pool TEXT NOT NULL CHECK (pool IN ('leading', 'supervisor', 'mentor',
                                     'expert', 'trainee')),
  grade TEXT CHECK (grade IS NULL OR grade IN ('junior', 'intermediate', 'senior')),
  joined_on TEXT NOT NULL CHECK (length(joined_on) = 10),
  recertify_on TEXT CHECK (recertify_on IS NULL OR length(recertify_on) = 10),
  created_at TEXT NOT NULL,
  removed_at TEXT,
  CHECK ((pool = 'supervisor') = (grade IS NOT NULL))
) STRICT;

CREATE UNIQUE INDEX worker_pools_active ON worker_pools (worker_id, pool)
  WHERE removed_at IS NULL;
CREATE INDEX worker_pools_pool ON worker_pools (pool, removed_at, worker_id);

-- A user of role worker is linked to its own worker record (self-service).
ALTER TABLE users ADD COLUMN worker_id INTEGER REFERENCES workers (id);
CREATE UNIQUE INDEX users_worker ON users (worker_id) WHERE worker_id IS NOT NULL;

-- Corrections a worker asks for on their own record (PIPL: the right to
-- correct). A bureau in scope approves (the change is applied through
-- worker_update, audited) or rejects with a reason. new_value holds no
-- sensitive number: the fields that may be corrected this way are name,
-- phone, education, org_name and post (domain/correction.c).
CREATE TABLE worker_corrections (
  id INTEGER PRIMARY KEY,
  worker_id INTEGER NOT NULL REFERENCES workers (id),
  user_id INTEGER NOT NULL REFERENCES users (id),
  field TEXT NOT NULL,
  new_value TEXT NOT NULL,
  reason TEXT NOT NULL,
  state TEXT NOT NULL DEFAULT 'pending'
    CHECK (state IN ('pending', 'approved', 'rejected')),
  decided_by INTEGER REFERENCES users (id),
  decision_reason TEXT,
  created_at TEXT NOT NULL,
  decided_at TEXT
) STRICT;

CREATE INDEX worker_corrections_state ON worker_corrections (state, created_at);
CREATE INDEX worker_corrections_worker ON worker_corrections (worker_id);
