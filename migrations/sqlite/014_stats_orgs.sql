-- 014_stats_orgs: active organisations counted in stat_counts (metric
-- 'orgs') like workers in 012, at every prefix of their region code.
DROP VIEW stat_counts_fresh;

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
   GROUP BY 1
  UNION ALL
  SELECT substr(o.region_code, 1, p.len), 'orgs', count(*)
    FROM orgs o JOIN stat_prefixes p ON p.len <= length(o.region_code)
   WHERE o.status = 'active' GROUP BY 1;

INSERT INTO stat_counts (region_code, metric, value)
  SELECT region_code, metric, value FROM stat_counts_fresh WHERE metric = 'orgs';

CREATE TRIGGER orgs_stats_insert AFTER INSERT ON orgs
  WHEN new.status = 'active'
BEGIN
  INSERT INTO stat_counts (region_code, metric, value)
  SELECT substr(new.region_code, 1, len), 'orgs', 1 FROM stat_prefixes
   WHERE len <= length(new.region_code)
  ON CONFLICT (region_code, metric) DO UPDATE SET value = value + 1;
END;

CREATE TRIGGER orgs_stats_delete AFTER DELETE ON orgs
  WHEN old.status = 'active'
BEGIN
  UPDATE stat_counts SET value = value - 1
   WHERE metric = 'orgs'
     AND region_code IN (SELECT substr(old.region_code, 1, len) FROM stat_prefixes
                          WHERE len <= length(old.region_code));
END;

CREATE TRIGGER orgs_stats_update AFTER UPDATE OF region_code, status ON orgs
BEGIN
  UPDATE stat_counts SET value = value - 1
   WHERE old.status = 'active' AND metric = 'orgs'
     AND region_code IN (SELECT substr(old.region_code, 1, len) FROM stat_prefixes
                          WHERE len <= length(old.region_code));
  INSERT INTO stat_counts (region_code, metric, value)
  SELECT substr(new.region_code, 1, len), 'orgs', 1 FROM stat_prefixes
   WHERE new.status = 'active' AND len <= length(new.region_code)
  ON CONFLICT (region_code, metric) DO UPDATE SET value = value + 1;
END;
