-- 013_targets: planning targets (规划目标), domain/target.h.
--
-- A target set is a named plan of one region ("中山市社会工作专业人才十三五
-- 规划 2016–2020") with a baseline date and a due date; its items are the
-- target values, one per row, each naming a statistics indicator by its key
-- (domain/stats.h) or none for a target the platform cannot measure yet
-- (the item then carries a label and is shown as "not tracked").
--
-- measure says what of the indicator the target is about: its value (10 per
-- 10,000 residents) or its numerator (1,000 village rooms: the villages with
-- a room, the numerator of village room coverage). baseline_value is the
-- indicator at the baseline date, recorded when the set was made or
-- entered by the user; NULL when unknown. An item's due_date overrides the
-- set's (Ningxia: rooms by 2025, full coverage by 2027).
--
-- Dates are calendar dates in China, YYYY-MM-DD. example is the key of the
-- built-in example a set was loaded from, NULL for a user's own.
CREATE TABLE target_sets (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL CHECK (name <> ''),
  region_code TEXT NOT NULL REFERENCES regions (code),
  baseline_date TEXT NOT NULL CHECK (length(baseline_date) = 10),
  due_date TEXT NOT NULL CHECK (length(due_date) = 10),
  notes TEXT,
  example TEXT,
  created_by INTEGER,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  CHECK (due_date > baseline_date)
) STRICT;

-- lists are the sets of the caller's region subtree, newest first
CREATE INDEX target_sets_region ON target_sets (region_code, id);

CREATE TABLE target_items (
  id INTEGER PRIMARY KEY,
  set_id INTEGER NOT NULL REFERENCES target_sets (id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  indicator TEXT,
  measure TEXT NOT NULL DEFAULT 'value' CHECK (measure IN ('value', 'numerator')),
  label TEXT,
  target_value REAL NOT NULL,
  baseline_value REAL,
  due_date TEXT CHECK (due_date IS NULL OR length(due_date) = 10),
  note TEXT,
  CHECK (indicator IS NOT NULL OR label IS NOT NULL),
  UNIQUE (set_id, position)
) STRICT;
