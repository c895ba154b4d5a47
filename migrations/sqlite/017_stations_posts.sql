-- 017_stations_posts: the three-tier service network (三级服务体系) and
-- social work posts (社会工作岗位); domain/station.h, domain/post.h,
-- domain/coverage.h.
--
-- A station's tier fixes the level of its region: a county guidance
-- centre (centre) sits on a 6-digit county code, a town/street station
-- (station) on a 9-digit town code, a village/community room (room) on a
-- 12-digit village code. At most one active station per region unless
-- duplicate_reason records why the administrator allowed another; the C
-- code enforces that, since it needs the reason and the error message.
--
-- The six haves (六有) are stored as entered; up_to_standard is written by
-- station.c from them (one rule, in C) so that triggers and filters can
-- use it.
CREATE TABLE stations (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL CHECK (name <> ''),
  tier TEXT NOT NULL CHECK (tier IN ('centre', 'station', 'room')),
  region_code TEXT NOT NULL REFERENCES regions (code),
  operator_org_id INTEGER REFERENCES orgs (id),
  address TEXT,
  established_on TEXT CHECK (established_on IS NULL OR length(established_on) = 10),
  status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'closed')),
  duplicate_reason TEXT,
  site_area REAL NOT NULL DEFAULT 0 CHECK (site_area >= 0),
  has_equipment INTEGER NOT NULL DEFAULT 0 CHECK (has_equipment IN (0, 1)),
  equipment_note TEXT,
  staff_count INTEGER NOT NULL DEFAULT 0 CHECK (staff_count >= 0),
  resident_workers INTEGER NOT NULL DEFAULT 0
    CHECK (resident_workers >= 0 AND resident_workers <= staff_count),
  functions TEXT NOT NULL DEFAULT '',
  projects TEXT,
  has_procedures INTEGER NOT NULL DEFAULT 0 CHECK (has_procedures IN (0, 1)),
  has_rules INTEGER NOT NULL DEFAULT 0 CHECK (has_rules IN (0, 1)),
  up_to_standard INTEGER NOT NULL DEFAULT 0 CHECK (up_to_standard IN (0, 1)),
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  CHECK (length(region_code) = CASE tier WHEN 'centre' THEN 6
                                         WHEN 'station' THEN 9 ELSE 12 END)
) STRICT;

CREATE INDEX stations_region ON stations (region_code, status);
CREATE INDEX stations_org ON stations (operator_org_id);

-- A post is filled when worker_id is set; post_fills keeps who held it
-- when (the open row, until NULL, is the current holder). A worker holds
-- at most one post at a time.
CREATE TABLE posts (
  id INTEGER PRIMARY KEY,
  title TEXT NOT NULL CHECK (title <> ''),
  unit_type TEXT NOT NULL
    CHECK (unit_type IN ('org', 'government', 'public_institution', 'community')),
  org_id INTEGER REFERENCES orgs (id),
  unit_name TEXT,
  field TEXT NOT NULL,
  required_level INTEGER NOT NULL CHECK (required_level BETWEEN 0 AND 3),
  region_code TEXT NOT NULL REFERENCES regions (code),
  purchased INTEGER NOT NULL DEFAULT 0 CHECK (purchased IN (0, 1)),
  status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'closed')),
  worker_id INTEGER REFERENCES workers (id),
  filled_since TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  CHECK ((worker_id IS NULL) = (filled_since IS NULL)),
  CHECK (unit_type <> 'org' OR org_id IS NOT NULL),
  CHECK (status = 'active' OR worker_id IS NULL)
) STRICT;

CREATE INDEX posts_region ON posts (region_code, status);
CREATE INDEX posts_org ON posts (org_id);
CREATE UNIQUE INDEX posts_worker ON posts (worker_id) WHERE worker_id IS NOT NULL;

CREATE TABLE post_fills (
  id INTEGER PRIMARY KEY,
  post_id INTEGER NOT NULL REFERENCES posts (id),
  worker_id INTEGER NOT NULL REFERENCES workers (id),
  since TEXT NOT NULL CHECK (length(since) = 10),
  until TEXT CHECK (until IS NULL OR (length(until) = 10 AND until >= since))
) STRICT;

CREATE INDEX post_fills_post ON post_fills (post_id, since);
CREATE INDEX post_fills_worker ON post_fills (worker_id);

-- Counts in stat_counts (012) at every prefix of the region code:
--   stations_<tier>  active stations of the tier
--   standard_<tier>  of those, up to standard
--   covered_<tier>   regions with at least one active station of the tier
--   posts            active posts;  posts_filled  of those, filled
--   staffed_village  villages with at least one filled active post located
--                    there (一社区一社工)
-- "covered" and "staffed" count regions, not records, so the triggers ask
-- whether another record already covers the region before adding or
-- taking away.
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

-- Stations ------------------------------------------------------------------

CREATE TRIGGER stations_stats_insert AFTER INSERT ON stations
  WHEN new.status = 'active'
BEGIN
  INSERT INTO stat_counts (region_code, metric, value)
  SELECT substr(new.region_code, 1, p.len), m.metric, 1
    FROM stat_prefixes p,
         (SELECT 'stations_' || new.tier AS metric
          UNION ALL SELECT 'standard_' || new.tier WHERE new.up_to_standard = 1
          UNION ALL SELECT 'covered_' || new.tier
           WHERE NOT EXISTS (SELECT 1 FROM stations
                              WHERE region_code = new.region_code
                                AND status = 'active' AND id <> new.id)) m
   WHERE p.len <= length(new.region_code)
  ON CONFLICT (region_code, metric) DO UPDATE SET value = value + 1;
END;

CREATE TRIGGER stations_stats_delete AFTER DELETE ON stations
  WHEN old.status = 'active'
BEGIN
  UPDATE stat_counts SET value = value - 1
   WHERE region_code IN (SELECT substr(old.region_code, 1, len) FROM stat_prefixes
                          WHERE len <= length(old.region_code))
     AND (metric = 'stations_' || old.tier
          OR (metric = 'standard_' || old.tier AND old.up_to_standard = 1)
          OR (metric = 'covered_' || old.tier
              AND NOT EXISTS (SELECT 1 FROM stations
                               WHERE region_code = old.region_code
                                 AND status = 'active')));
END;

-- An update is the old row taken away and the new one added. The old
-- region stops being covered when no active station is left there (the
-- updated row included, with its new values); the new region becomes
-- covered when no other active station was there and the row was not
-- already covering it.
CREATE TRIGGER stations_stats_update
  AFTER UPDATE OF region_code, tier, status, up_to_standard ON stations
BEGIN
  UPDATE stat_counts SET value = value - 1
   WHERE old.status = 'active'
     AND region_code IN (SELECT substr(old.region_code, 1, len) FROM stat_prefixes
                          WHERE len <= length(old.region_code))
     AND (metric = 'stations_' || old.tier
          OR (metric = 'standard_' || old.tier AND old.up_to_standard = 1)
          OR (metric = 'covered_' || old.tier
              AND NOT EXISTS (SELECT 1 FROM stations
                               WHERE region_code = old.region_code
                                 AND status = 'active')));
  INSERT INTO stat_counts (region_code, metric, value)
  SELECT substr(new.region_code, 1, p.len), m.metric, 1
    FROM stat_prefixes p,
         (SELECT 'stations_' || new.tier AS metric
          UNION ALL SELECT 'standard_' || new.tier WHERE new.up_to_standard = 1
          UNION ALL SELECT 'covered_' || new.tier
           WHERE NOT (old.status = 'active' AND old.region_code = new.region_code)
             AND NOT EXISTS (SELECT 1 FROM stations
                              WHERE region_code = new.region_code
                                AND status = 'active' AND id <> new.id)) m
   WHERE new.status = 'active' AND p.len <= length(new.region_code)
  ON CONFLICT (region_code, metric) DO UPDATE SET value = value + 1;
END;

-- Posts ---------------------------------------------------------------------

CREATE TRIGGER posts_stats_insert AFTER INSERT ON posts
  WHEN new.status = 'active'
BEGIN
  INSERT INTO stat_counts (region_code, metric, value)
  SELECT substr(new.region_code, 1, p.len), m.metric, 1
    FROM stat_prefixes p,
         (SELECT 'posts' AS metric
          UNION ALL SELECT 'posts_filled' WHERE new.worker_id IS NOT NULL
          UNION ALL SELECT 'staffed_village'
           WHERE new.worker_id IS NOT NULL AND length(new.region_code) = 12
             AND NOT EXISTS (SELECT 1 FROM posts
                              WHERE region_code = new.region_code AND status = 'active'
                                AND worker_id IS NOT NULL AND id <> new.id)) m
   WHERE p.len <= length(new.region_code)
  ON CONFLICT (region_code, metric) DO UPDATE SET value = value + 1;
END;

CREATE TRIGGER posts_stats_delete AFTER DELETE ON posts
  WHEN old.status = 'active'
BEGIN
  UPDATE stat_counts SET value = value - 1
   WHERE region_code IN (SELECT substr(old.region_code, 1, len) FROM stat_prefixes
                          WHERE len <= length(old.region_code))
     AND (metric = 'posts'
          OR (metric = 'posts_filled' AND old.worker_id IS NOT NULL)
          OR (metric = 'staffed_village' AND old.worker_id IS NOT NULL
              AND length(old.region_code) = 12
              AND NOT EXISTS (SELECT 1 FROM posts
                               WHERE region_code = old.region_code AND status = 'active'
                                 AND worker_id IS NOT NULL)));
END;

CREATE TRIGGER posts_stats_update
  AFTER UPDATE OF region_code, status, worker_id ON posts
BEGIN
  UPDATE stat_counts SET value = value - 1
   WHERE old.status = 'active'
     AND region_code IN (SELECT substr(old.region_code, 1, len) FROM stat_prefixes
                          WHERE len <= length(old.region_code))
     AND (metric = 'posts'
          OR (metric = 'posts_filled' AND old.worker_id IS NOT NULL)
          OR (metric = 'staffed_village' AND old.worker_id IS NOT NULL
              AND length(old.region_code) = 12
              AND NOT EXISTS (SELECT 1 FROM posts
                               WHERE region_code = old.region_code AND status = 'active'
                                 AND worker_id IS NOT NULL)));
  INSERT INTO stat_counts (region_code, metric, value)
  SELECT substr(new.region_code, 1, p.len), m.metric, 1
    FROM stat_prefixes p,
         (SELECT 'posts' AS metric
          UNION ALL SELECT 'posts_filled' WHERE new.worker_id IS NOT NULL
          UNION ALL SELECT 'staffed_village'
           WHERE new.worker_id IS NOT NULL AND length(new.region_code) = 12
             AND NOT (old.status = 'active' AND old.worker_id IS NOT NULL
                      AND old.region_code = new.region_code)
             AND NOT EXISTS (SELECT 1 FROM posts
                              WHERE region_code = new.region_code AND status = 'active'
                                AND worker_id IS NOT NULL AND id <> new.id)) m
   WHERE new.status = 'active' AND p.len <= length(new.region_code)
  ON CONFLICT (region_code, metric) DO UPDATE SET value = value + 1;
END;
