-- 019_worker_grams: the short-fragment index of the worker search. A
-- search for one or two characters (a surname, a given name, initials
-- like "zs") cannot use the trigram index, and scanning the workers of a
-- province with LIKE cost milliseconds per search (bench/README.md).
-- worker_grams holds every one- and two-character substring ("gram") of
-- each worker's name and pinyin initials, with the columns the list
-- filters and sorts by, so that such a search is one range of this index
-- (gram, level, region) and, with no other filter, never reads workers.
-- The column is named id, like workers.id, so that the list's filter and
-- sort fragments (w.level, w.region_code, w.created_at, w.id) apply to it
-- unchanged (domain/worker.c, plan_list).
CREATE TABLE worker_grams (
  gram TEXT NOT NULL,
  level INTEGER NOT NULL,
  region_code TEXT NOT NULL,
  created_at TEXT NOT NULL,
  id INTEGER NOT NULL,
  PRIMARY KEY (gram, level, region_code, created_at, id)
) STRICT, WITHOUT ROWID;

-- Positions and lengths of the substrings; names have at most 50
-- characters (WORKER_NAME_MAX_CHARS), and so do their initials.
CREATE TABLE gram_positions (
  n INTEGER NOT NULL,
  len INTEGER NOT NULL,
  PRIMARY KEY (n, len)
) STRICT, WITHOUT ROWID;

WITH RECURSIVE k (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM k WHERE n < 50)
INSERT INTO gram_positions (n, len) SELECT n, 1 FROM k UNION ALL SELECT n, 2 FROM k;

-- The lines grams are made of, as virtual columns (nothing stored):
-- search_text's first line is the name in Simplified Chinese; its second
-- line is the initials when the name had any (a-z only; otherwise that
-- line is the organisation, which is not gram-indexed).
ALTER TABLE workers ADD COLUMN gram_name TEXT
  GENERATED ALWAYS AS (substr(search_text, 1, instr(search_text, char(10)) - 1)) VIRTUAL;
ALTER TABLE workers ADD COLUMN gram_initials TEXT
  GENERATED ALWAYS AS (
    CASE WHEN instr(substr(search_text, instr(search_text, char(10)) + 1), char(10)) > 1
          AND substr(substr(search_text, instr(search_text, char(10)) + 1), 1,
                     instr(substr(search_text, instr(search_text, char(10)) + 1),
                           char(10)) - 1) NOT GLOB '*[^a-z]*'
         THEN substr(substr(search_text, instr(search_text, char(10)) + 1), 1,
                     instr(substr(search_text, instr(search_text, char(10)) + 1),
                           char(10)) - 1)
         ELSE '' END) VIRTUAL;

-- The grams of a worker (a gram repeated in a name comes twice): the
-- single definition for the triggers, the bulk import's batch end and the
-- fill below. CROSS JOIN keeps workers the outer loop, so that a
-- condition on id is a rowid lookup or range.
CREATE VIEW worker_gram_rows (id, gram, level, region_code, created_at) AS
  SELECT w.id, substr(w.gram_name, p.n, p.len), w.level, w.region_code, w.created_at
    FROM workers w CROSS JOIN gram_positions p
   WHERE p.n <= length(w.gram_name) AND p.n + p.len - 1 <= length(w.gram_name)
  UNION ALL
  SELECT w.id, substr(w.gram_initials, p.n, p.len), w.level, w.region_code, w.created_at
    FROM workers w CROSS JOIN gram_positions p
   WHERE p.n <= length(w.gram_initials)
     AND p.n + p.len - 1 <= length(w.gram_initials);

INSERT OR IGNORE INTO worker_grams (gram, level, region_code, created_at, id)
  SELECT gram, level, region_code, created_at, id FROM worker_gram_rows
   ORDER BY gram, level, region_code, created_at, id;

-- The covering index of 007 carried search_text so that LIKE could test
-- short fragments in the index entry; they now go through worker_grams,
-- and the level, region and date keep serving the lists without a query.
DROP INDEX workers_search;
CREATE INDEX workers_level_region ON workers (level, region_code, created_at);

-- Kept in step like the statistics (018): added after an insert, taken
-- away before an update of what they are made of and added after it,
-- taken away before a delete; a bulk batch's own new workers are skipped
-- and added at the batch's end (worker_bulk_end).
CREATE TRIGGER workers_grams_insert AFTER INSERT ON workers
  WHEN NOT EXISTS (SELECT 1 FROM bulk_load)
BEGIN
  INSERT OR IGNORE INTO worker_grams (id, gram, level, region_code, created_at)
  SELECT id, gram, level, region_code, created_at FROM worker_gram_rows
   WHERE id = new.id;
END;

CREATE TRIGGER workers_grams_unset
  BEFORE UPDATE OF search_text, level, region_code, created_at ON workers
  WHEN NOT EXISTS (SELECT 1 FROM bulk_load WHERE first_worker_id <= old.id)
BEGIN
  DELETE FROM worker_grams
   WHERE (gram, level, region_code, created_at, id) IN
         (SELECT gram, level, region_code, created_at, id FROM worker_gram_rows
           WHERE id = old.id);
END;

CREATE TRIGGER workers_grams_set
  AFTER UPDATE OF search_text, level, region_code, created_at ON workers
  WHEN NOT EXISTS (SELECT 1 FROM bulk_load WHERE first_worker_id <= new.id)
BEGIN
  INSERT OR IGNORE INTO worker_grams (id, gram, level, region_code, created_at)
  SELECT id, gram, level, region_code, created_at FROM worker_gram_rows
   WHERE id = new.id;
END;

CREATE TRIGGER workers_grams_delete BEFORE DELETE ON workers
  WHEN NOT EXISTS (SELECT 1 FROM bulk_load WHERE first_worker_id <= old.id)
BEGIN
  DELETE FROM worker_grams
   WHERE (gram, level, region_code, created_at, id) IN
         (SELECT gram, level, region_code, created_at, id FROM worker_gram_rows
           WHERE id = old.id);
END;
