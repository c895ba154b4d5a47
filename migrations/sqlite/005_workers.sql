-- 005_workers: the social worker registry (社会工作者), their qualification
-- certificates (职业水平证书) and service fields (domain/worker.h).
--
-- ID numbers are personal information (PIPL): id_sealed holds the number
-- encrypted with the instance key (core/secret.h, a file outside the
-- database) and id_hash a keyed BLAKE2b of it, unique, for duplicate
-- detection and exact lookup; id_masked is the display form
-- (440524********0014) so that lists never decrypt. A copy of this file
-- alone shows no number in clear.
--
-- level is the highest qualification not removed (0 none, 1 assistant 助理
-- 社会工作师, 2 intermediate 社会工作师, 3 senior 高级社会工作师), kept by
-- domain/worker.c in the transaction that changes a qualification, so that
-- lists filter and sort on an indexed integer.
--
-- registration_state and registration_expires_on are the place of the
-- registration cycle (登记: 未申请 → ... → 已出证), whose rules arrive with
-- the registration module; until then every worker is 'not_applied'.
-- org_id will point at the organisations of issue 4; org_name is the free
-- text entered meanwhile.
--
-- search_text is what the full-text search looks in: the name, the
-- organisation name and the certificate numbers, converted to Simplified
-- Chinese (OpenCC t2s) so that a Traditional query (converted too) finds a
-- Simplified record and the reverse. workers_fts indexes it by trigram.
CREATE TABLE workers (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL CHECK (name <> ''),
  id_sealed TEXT NOT NULL,
  id_hash TEXT NOT NULL UNIQUE CHECK (length(id_hash) = 64),
  id_masked TEXT NOT NULL CHECK (length(id_masked) = 18),
  sex TEXT NOT NULL CHECK (sex IN ('male', 'female')),
  birth_date TEXT NOT NULL CHECK (length(birth_date) = 10),
  phone TEXT,
  education TEXT CHECK (education IN ('secondary_or_below', 'associate',
                                      'bachelor', 'master', 'doctor')),
  social_work_major INTEGER NOT NULL DEFAULT 0
    CHECK (social_work_major IN (0, 1)),
  region_code TEXT NOT NULL REFERENCES regions (code)
    CHECK (length(region_code) IN (6, 9, 12)),
  org_id INTEGER,
  org_name TEXT,
  post TEXT,
  status TEXT NOT NULL DEFAULT 'active'
    CHECK (status IN ('active', 'left', 'deceased')),
  level INTEGER NOT NULL DEFAULT 0 CHECK (level BETWEEN 0 AND 3),
  registration_state TEXT NOT NULL DEFAULT 'not_applied',
  registration_expires_on TEXT,
  search_text TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
) STRICT;

-- a caller's scope and the region filter are ranges of region codes
CREATE INDEX workers_region ON workers (region_code, created_at);
CREATE INDEX workers_region_level ON workers (region_code, level);
CREATE INDEX workers_created ON workers (created_at);
CREATE INDEX workers_name ON workers (name);
CREATE INDEX workers_birth ON workers (birth_date);

-- Service fields (服务领域) of a worker, codes from the fixed table in
-- domain/worker.c; the index serves the field filter.
CREATE TABLE worker_fields (
  worker_id INTEGER NOT NULL REFERENCES workers (id) ON DELETE CASCADE,
  field TEXT NOT NULL,
  PRIMARY KEY (worker_id, field)
) STRICT, WITHOUT ROWID;

CREATE INDEX worker_fields_field ON worker_fields (field, worker_id);

-- Qualification certificates. History is kept: a new level adds a row and
-- a wrong entry is removed by a bureau (removed_at set), not deleted, so
-- that what was once on record stays visible. A management number is
-- unique among the certificates not removed.
CREATE TABLE qualifications (
  id INTEGER PRIMARY KEY,
  worker_id INTEGER NOT NULL REFERENCES workers (id),
  level INTEGER NOT NULL CHECK (level BETWEEN 1 AND 3),
  certificate_no TEXT NOT NULL CHECK (certificate_no <> ''),
  passed_on TEXT NOT NULL CHECK (length(passed_on) = 10),
  issuer TEXT,
  created_at TEXT NOT NULL,
  removed_at TEXT
) STRICT;

CREATE INDEX qualifications_worker ON qualifications (worker_id);
CREATE UNIQUE INDEX qualifications_certificate ON qualifications (certificate_no)
  WHERE removed_at IS NULL;

-- External-content trigram index over workers.search_text, kept in step by
-- the triggers below (FTS5 needs the old text to remove an entry).
CREATE VIRTUAL TABLE workers_fts USING fts5 (
  search_text, content = 'workers', content_rowid = 'id', tokenize = 'trigram'
);

CREATE TRIGGER workers_fts_insert AFTER INSERT ON workers
BEGIN
  INSERT INTO workers_fts (rowid, search_text) VALUES (new.id, new.search_text);
END;

CREATE TRIGGER workers_fts_update AFTER UPDATE OF search_text ON workers
BEGIN
  INSERT INTO workers_fts (workers_fts, rowid, search_text)
    VALUES ('delete', old.id, old.search_text);
  INSERT INTO workers_fts (rowid, search_text) VALUES (new.id, new.search_text);
END;

CREATE TRIGGER workers_fts_delete AFTER DELETE ON workers
BEGIN
  INSERT INTO workers_fts (workers_fts, rowid, search_text)
    VALUES ('delete', old.id, old.search_text);
END;
