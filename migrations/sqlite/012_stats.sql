-- 012_stats: counts behind the dashboards (domain/stats.h), kept up to
-- date by triggers so that a page view reads a handful of rows instead of
-- scanning the workers of a whole province.
--
-- stat_counts holds, for every region that has any, the number of active
-- workers under it: in total, per qualification level and per education
-- (known, college = 大专 or above). A worker counts at each prefix of
-- their region code: '' (the country), province, city, county, town and
-- village, so any region's figure is one indexed read and its children a
-- range read. The triggers add the new row and take away the old one.
--
-- stat_counts_fresh computes the same figures from the raw table with
-- plain GROUP BY: `shegong stats rebuild` reloads the counts from it, and
-- tests compare the two.
CREATE TABLE stat_prefixes (len INTEGER PRIMARY KEY) STRICT;
INSERT INTO stat_prefixes (len) VALUES (0), (2), (4), (6), (9), (12);

CREATE TABLE stat_counts (
  region_code TEXT NOT NULL,
  metric TEXT NOT NULL,
  value INTEGER NOT NULL,
  PRIMARY KEY (region_code, metric)
) STRICT, WITHOUT ROWID;

CREATE VIEW stat_counts_fresh (region_code, metric, value) AS
  SELECT substr(w.region_code, 1, p.len), 'workers', count(*)
    FROM workers w JOIN stat_prefixes p ON p.len <= length(w.region_code)
   WHERE w.status = 'active' GROUP BY 1
  UNION ALL
  SELECT substr(w.region_code, 1, p.len), 'level' || w.level, count(*)
    FROM workers w JOIN stat_prefixes p ON p.len <= length(w.region_code)
   WHERE w.status = 'active' AND w.level > 0 GROUP BY 1, 2
  UNION ALL
  SELECT substr(w.region_code, 1, p.len), 'edu_known', count(*)
    FROM workers w JOIN stat_prefixes p ON p.len <= length(w.region_code)
   WHERE w.status = 'active' AND w.education IS NOT NULL GROUP BY 1
  UNION ALL
  SELECT substr(w.region_code, 1, p.len), 'edu_college', count(*)
    FROM workers w JOIN stat_prefixes p ON p.len <= length(w.region_code)
   WHERE w.status = 'active'
     AND w.education IN ('associate', 'bachelor', 'master', 'doctor')
   GROUP BY 1;

INSERT INTO stat_counts (region_code, metric, value)
  SELECT region_code, metric, value FROM stat_counts_fresh;

CREATE TRIGGER workers_stats_insert AFTER INSERT ON workers
  WHEN new.status = 'active'
BEGIN
  INSERT INTO stat_counts (region_code, metric, value)
  SELECT substr(new.region_code, 1, p.len), m.metric, 1
    FROM stat_prefixes p,
         (SELECT 'workers' AS metric
          UNION ALL SELECT 'level' || new.level WHERE new.level > 0
          UNION ALL SELECT 'edu_known' WHERE new.education IS NOT NULL
          UNION ALL SELECT 'edu_college'
           WHERE new.education IN ('associate', 'bachelor', 'master', 'doctor')) m
   WHERE p.len <= length(new.region_code)
  ON CONFLICT (region_code, metric) DO UPDATE SET value = value + 1;
END;

CREATE TRIGGER workers_stats_delete AFTER DELETE ON workers
  WHEN old.status = 'active'
BEGIN
  UPDATE stat_counts SET value = value - 1
   WHERE region_code IN (SELECT substr(old.region_code, 1, len) FROM stat_prefixes
                          WHERE len <= length(old.region_code))
     AND (metric = 'workers'
          OR (metric = 'level' || old.level AND old.level > 0)
          OR (metric = 'edu_known' AND old.education IS NOT NULL)
          OR (metric = 'edu_college'
              AND old.education IN ('associate', 'bachelor', 'master', 'doctor')));
END;

CREATE TRIGGER workers_stats_update
  AFTER UPDATE OF region_code, level, status, education ON workers
BEGIN
  UPDATE stat_counts SET value = value - 1
   WHERE old.status = 'active'
     AND region_code IN (SELECT substr(old.region_code, 1, len) FROM stat_prefixes
                          WHERE len <= length(old.region_code))
     AND (metric = 'workers'
          OR (metric = 'level' || old.level AND old.level > 0)
          OR (metric = 'edu_known' AND old.education IS NOT NULL)
          OR (metric = 'edu_college'
              AND old.education IN ('associate', 'bachelor', 'master', 'doctor')));
  INSERT INTO stat_counts (region_code, metric, value)
  SELECT substr(new.region_code, 1, p.len), m.metric, 1
    FROM stat_prefixes p,
         (SELECT 'workers' AS metric
          UNION ALL SELECT 'level' || new.level WHERE new.level > 0
          UNION ALL SELECT 'edu_known' WHERE new.education IS NOT NULL
          UNION ALL SELECT 'edu_college'
           WHERE new.education IN ('associate', 'bachelor', 'master', 'doctor')) m
   WHERE new.status = 'active' AND p.len <= length(new.region_code)
  ON CONFLICT (region_code, metric) DO UPDATE SET value = value + 1;
END;

-- Which indicators the public disclosure page (信息公开) shows.
INSERT INTO settings (key, value, updated_at) VALUES
  ('stats.public_indicators', 'workers_total,certified_total,level_assistant,level_intermediate,level_senior',
   strftime('%Y-%m-%dT%H:%M:%SZ', 'now'));
