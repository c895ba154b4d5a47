-- 018_bulk_import: a bulk import defers the full-text index and the
-- statistics of the workers it inserts to the end of each batch
-- (io/import.c, worker_bulk_begin/worker_bulk_end in domain/worker.h),
-- because maintaining them row by row is most of an import's cost: FTS5
-- flushes its pending terms to disk at every per-row savepoint, and the
-- statistics trigger runs one upsert per region prefix and metric.
--
-- bulk_load holds one row, the first worker id of the batch, only inside
-- that batch's transaction: the batch inserts it after BEGIN and deletes
-- it before COMMIT, so no other connection ever sees it and a crash rolls
-- it back with the batch. While it is there, the triggers below skip the
-- workers with an id at or above it (the batch's own new rows), and the
-- batch's end adds those rows to workers_fts and stat_counts (and, from
-- 019, worker_grams) set-wise.
CREATE TABLE bulk_load (first_worker_id INTEGER NOT NULL) STRICT;

-- What one worker adds to stat_counts, one row per region prefix and
-- metric: the single definition used by the triggers, by the bulk end and
-- by stat_counts_fresh (which `stats check` compares with the kept counts).
-- CROSS JOIN keeps workers the outer loop, so that a condition on
-- worker_id (one id, or a batch's ids from a mark) is a rowid range rather
-- than a scan of the table.
CREATE VIEW worker_stat_rows (worker_id, region_code, metric) AS
  SELECT w.id, substr(w.region_code, 1, p.len), 'workers'
    FROM workers w CROSS JOIN stat_prefixes p ON p.len <= length(w.region_code)
   WHERE w.status = 'active'
  UNION ALL
  SELECT w.id, substr(w.region_code, 1, p.len), 'level' || w.level
    FROM workers w CROSS JOIN stat_prefixes p ON p.len <= length(w.region_code)
   WHERE w.status = 'active' AND w.level > 0
  UNION ALL
  SELECT w.id, substr(w.region_code, 1, p.len), 'edu_known'
    FROM workers w CROSS JOIN stat_prefixes p ON p.len <= length(w.region_code)
   WHERE w.status = 'active' AND w.education IS NOT NULL
  UNION ALL
  SELECT w.id, substr(w.region_code, 1, p.len), 'edu_college'
    FROM workers w CROSS JOIN stat_prefixes p ON p.len <= length(w.region_code)
   WHERE w.status = 'active'
     AND w.education IN ('associate', 'bachelor', 'master', 'doctor');

DROP VIEW stat_counts_fresh;

CREATE VIEW stat_counts_fresh (region_code, metric, value) AS
  SELECT region_code, metric, count(*) FROM worker_stat_rows GROUP BY 1, 2
  UNION ALL
  SELECT substr(o.region_code, 1, p.len), 'orgs', count(*)
    FROM orgs o JOIN stat_prefixes p ON p.len <= length(o.region_code)
   WHERE o.status = 'active' GROUP BY 1
  UNION ALL
  SELECT substr(s.region_code, 1, p.len), 'stations_' || s.tier, count(*)
    FROM stations s JOIN stat_prefixes p ON p.len <= length(s.region_code)
   WHERE s.status = 'active' GROUP BY 1, 2
  UNION ALL
  SELECT substr(s.region_code, 1, p.len), 'standard_' || s.tier, count(*)
    FROM stations s JOIN stat_prefixes p ON p.len <= length(s.region_code)
   WHERE s.status = 'active' AND s.up_to_standard = 1 GROUP BY 1, 2
  UNION ALL
  SELECT substr(c.region_code, 1, p.len), 'covered_' || c.tier, count(*)
    FROM (SELECT DISTINCT region_code, tier FROM stations WHERE status = 'active') c
    JOIN stat_prefixes p ON p.len <= length(c.region_code)
   GROUP BY 1, 2
  UNION ALL
  SELECT substr(t.region_code, 1, p.len), 'posts', count(*)
    FROM posts t JOIN stat_prefixes p ON p.len <= length(t.region_code)
   WHERE t.status = 'active' GROUP BY 1
  UNION ALL
  SELECT substr(t.region_code, 1, p.len), 'posts_filled', count(*)
    FROM posts t JOIN stat_prefixes p ON p.len <= length(t.region_code)
   WHERE t.status = 'active' AND t.worker_id IS NOT NULL GROUP BY 1
  UNION ALL
  SELECT substr(c.region_code, 1, p.len), 'staffed_village', count(*)
    FROM (SELECT DISTINCT region_code FROM posts
           WHERE status = 'active' AND worker_id IS NOT NULL
             AND length(region_code) = 12) c
    JOIN stat_prefixes p ON p.len <= length(c.region_code)
   GROUP BY 1;

-- The statistics triggers, over worker_stat_rows: an insert adds the new
-- row's contributions; an update takes the old ones away before the change
-- and adds the new ones after it; a delete takes them away before.
DROP TRIGGER workers_stats_insert;
DROP TRIGGER workers_stats_update;
DROP TRIGGER workers_stats_delete;

CREATE TRIGGER workers_stats_insert AFTER INSERT ON workers
  WHEN new.status = 'active' AND NOT EXISTS (SELECT 1 FROM bulk_load)
BEGIN
  INSERT INTO stat_counts (region_code, metric, value)
  SELECT region_code, metric, 1 FROM worker_stat_rows WHERE worker_id = new.id
  ON CONFLICT (region_code, metric) DO UPDATE SET value = value + 1;
END;

CREATE TRIGGER workers_stats_unset
  BEFORE UPDATE OF region_code, level, status, education ON workers
  WHEN old.status = 'active'
   AND NOT EXISTS (SELECT 1 FROM bulk_load WHERE first_worker_id <= old.id)
BEGIN
  UPDATE stat_counts SET value = value - 1
   WHERE (region_code, metric) IN
         (SELECT region_code, metric FROM worker_stat_rows WHERE worker_id = old.id);
END;

CREATE TRIGGER workers_stats_set
  AFTER UPDATE OF region_code, level, status, education ON workers
  WHEN new.status = 'active'
   AND NOT EXISTS (SELECT 1 FROM bulk_load WHERE first_worker_id <= new.id)
BEGIN
  INSERT INTO stat_counts (region_code, metric, value)
  SELECT region_code, metric, 1 FROM worker_stat_rows WHERE worker_id = new.id
  ON CONFLICT (region_code, metric) DO UPDATE SET value = value + 1;
END;

CREATE TRIGGER workers_stats_delete BEFORE DELETE ON workers
  WHEN old.status = 'active'
   AND NOT EXISTS (SELECT 1 FROM bulk_load WHERE first_worker_id <= old.id)
BEGIN
  UPDATE stat_counts SET value = value - 1
   WHERE (region_code, metric) IN
         (SELECT region_code, metric FROM worker_stat_rows WHERE worker_id = old.id);
END;

-- The full-text triggers of 005, skipping the batch's own new rows.
DROP TRIGGER workers_fts_insert;
DROP TRIGGER workers_fts_update;
DROP TRIGGER workers_fts_delete;

CREATE TRIGGER workers_fts_insert AFTER INSERT ON workers
  WHEN NOT EXISTS (SELECT 1 FROM bulk_load)
BEGIN
  INSERT INTO workers_fts (rowid, search_text) VALUES (new.id, new.search_text);
END;

CREATE TRIGGER workers_fts_update AFTER UPDATE OF search_text ON workers
  WHEN NOT EXISTS (SELECT 1 FROM bulk_load WHERE first_worker_id <= old.id)
BEGIN
  INSERT INTO workers_fts (workers_fts, rowid, search_text)
    VALUES ('delete', old.id, old.search_text);
  INSERT INTO workers_fts (rowid, search_text) VALUES (new.id, new.search_text);
END;

CREATE TRIGGER workers_fts_delete AFTER DELETE ON workers
  WHEN NOT EXISTS (SELECT 1 FROM bulk_load WHERE first_worker_id <= old.id)
BEGIN
  INSERT INTO workers_fts (workers_fts, rowid, search_text)
    VALUES ('delete', old.id, old.search_text);
END;
