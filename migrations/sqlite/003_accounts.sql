-- 003_accounts: user accounts, web sessions and login throttling
-- (domain/user.h, domain/auth.h).
--
-- Times are UTC RFC 3339 text ("2026-11-22T06:41:31Z"), which sorts as
-- time does. Logins are unique without regard to case ("Admin" and "admin"
-- are one account), through an index on lower(login) that the lookups use.
--
-- Roles that work inside a region (bureau, org, worker, volunteer) must
-- have one; the platform roles (sysadmin, secadmin, auditor) have none,
-- because their duties are not regional. region_code points at the region
-- tree (002), whose codes are never deleted.
CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  login TEXT NOT NULL
    CHECK (length(login) BETWEEN 3 AND 64 AND login NOT GLOB '*[^A-Za-z0-9._@-]*'),
  display_name TEXT NOT NULL CHECK (display_name <> ''),
  role TEXT NOT NULL CHECK (role IN ('sysadmin', 'secadmin', 'auditor',
                                     'bureau', 'org', 'worker', 'volunteer')),
  region_code TEXT REFERENCES regions (code),
  password_hash TEXT NOT NULL,
  disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
  must_change_password INTEGER NOT NULL DEFAULT 0
    CHECK (must_change_password IN (0, 1)),
  -- second factor: secrets sealed with the instance key (core/secret.h);
  -- totp_secret is the confirmed one (NULL: not enrolled), totp_pending
  -- one awaiting its first code; totp_last_step is the last accepted time
  -- step, so that a code cannot be used twice.
  totp_secret TEXT,
  totp_pending TEXT,
  totp_last_step INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  password_changed_at TEXT NOT NULL,
  last_login_at TEXT,
  CHECK (CASE WHEN role IN ('sysadmin', 'secadmin', 'auditor')
              THEN region_code IS NULL ELSE region_code IS NOT NULL END)
) STRICT;

CREATE UNIQUE INDEX users_login ON users (lower(login));
-- a manager's scope is a range of region codes
CREATE INDEX users_region ON users (region_code);

-- A session is known by the BLAKE2b hash of its cookie token, never by
-- the token. expires_at is the absolute end (created_at + 12 h); the idle
-- end is last_seen_at + 30 min, which is refreshed at most once a minute.
CREATE TABLE sessions (
  id INTEGER PRIMARY KEY,
  token_hash TEXT NOT NULL UNIQUE,
  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  csrf_token TEXT NOT NULL,
  ip TEXT NOT NULL,
  created_at TEXT NOT NULL,
  last_seen_at TEXT NOT NULL,
  expires_at TEXT NOT NULL
) STRICT;

CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires_at);
CREATE INDEX sessions_last_seen ON sessions (last_seen_at);

-- Failed sign-ins, shared by every thread and process. scope is
-- 'login_ip' (key: lower(login) + ' ' + ip), 'ip' or 'login' (lower case);
-- the rules live in domain/auth.c. Rows untouched for a day are removed.
CREATE TABLE login_throttle (
  scope TEXT NOT NULL CHECK (scope IN ('login_ip', 'ip', 'login')),
  key TEXT NOT NULL,
  failures INTEGER NOT NULL CHECK (failures >= 0),
  window_start TEXT NOT NULL,
  last_failure_at TEXT NOT NULL,
  locked_until TEXT,
  PRIMARY KEY (scope, key)
) STRICT, WITHOUT ROWID;

CREATE INDEX login_throttle_last ON login_throttle (last_failure_at);
