-- 001_core: instance settings.
-- schema_migrations itself is created by the db layer before any migration.
CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL,
  updated_at TEXT NOT NULL
) STRICT;
