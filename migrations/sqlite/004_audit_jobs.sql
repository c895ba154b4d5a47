-- 004_audit_jobs: the hash-chained audit trail and the background job queue.
--
-- audit_log is append-only: ids are assigned by audit_append() as last + 1
-- (no gaps by construction, so a gap means a deleted record), each record
-- stores the previous record's hash and its own keyed hash (domain/audit.h).
-- The triggers stop UPDATE and DELETE from any connection; dropping them
-- still leaves the chain to tell.
CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY,
  ts TEXT NOT NULL,
  user_id INTEGER,
  login TEXT NOT NULL,
  ip TEXT NOT NULL,
  action TEXT NOT NULL,
  object_type TEXT,
  object_id TEXT,
  outcome TEXT NOT NULL CHECK (outcome IN ('success', 'failure', 'denied')),
  details TEXT,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
) STRICT;

-- Newest-first paging walks the primary key backwards; filters narrow by
-- an index that ends in id so that the same walk stays ordered.
CREATE INDEX audit_log_action ON audit_log (action, id);
CREATE INDEX audit_log_login ON audit_log (login, id);
CREATE INDEX audit_log_outcome ON audit_log (outcome, id);
CREATE INDEX audit_log_ts ON audit_log (ts);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
  SELECT RAISE(ABORT, 'audit_log is append-only');
END;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
  SELECT RAISE(ABORT, 'audit_log is append-only');
END;

-- Background jobs (domain/jobs.h). user_id, login, role and region_code
-- are the submitter's, so that the job runs with their rights and scope.
CREATE TABLE jobs (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  state TEXT NOT NULL DEFAULT 'queued'
    CHECK (state IN ('queued', 'running', 'succeeded', 'failed')),
  user_id INTEGER,
  login TEXT NOT NULL,
  role TEXT NOT NULL,
  region_code TEXT NOT NULL DEFAULT '',
  params TEXT,
  done INTEGER NOT NULL DEFAULT 0,
  total INTEGER NOT NULL DEFAULT 0,
  result TEXT,
  error TEXT,
  created_at TEXT NOT NULL,
  started_at TEXT,
  finished_at TEXT,
  heartbeat_at TEXT
) STRICT;

CREATE INDEX jobs_state ON jobs (state, id);
CREATE INDEX jobs_user ON jobs (user_id, id);
