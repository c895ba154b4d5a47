-- 016_imports: what a finished import job keeps for its error report
-- (io/import_job.c): the file's header row, every problem (row, column as
-- written in the file, value, code, Chinese message) and the rejected rows'
-- cells, so that the clerk downloads the rows back, fixes them and
-- re-imports. Written after the import's own transactions, so a strict
-- import that was rolled back still has its report. Deleted with the job.
CREATE TABLE import_reports (
  job_id INTEGER PRIMARY KEY REFERENCES jobs (id) ON DELETE CASCADE,
  headers TEXT NOT NULL,
  problems_dropped INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE TABLE import_problems (
  job_id INTEGER NOT NULL REFERENCES import_reports (job_id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  row INTEGER NOT NULL,
  col TEXT NOT NULL,
  value TEXT NOT NULL,
  code TEXT NOT NULL,
  message TEXT NOT NULL,
  PRIMARY KEY (job_id, seq)
) STRICT, WITHOUT ROWID;

CREATE TABLE import_rejects (
  job_id INTEGER NOT NULL REFERENCES import_reports (job_id) ON DELETE CASCADE,
  row INTEGER NOT NULL,
  cells TEXT NOT NULL,
  PRIMARY KEY (job_id, row)
) STRICT, WITHOUT ROWID;
