-- 006_registrations: the registration cycle (登记) of social workers, by the
-- national rule of 2009 (domain/registration.h, docs/dev/registration-contract.md).
--
-- One row per application: first registration (首次登记) or renewal
-- (再登记), tied to the qualification it registers. The state column holds
-- the national states by their API words; the reviews keep who (user id and
-- login, so that the record survives a renamed or removed account), when and
-- why. registered_on / expires_on are calendar dates in China (YYYY-MM-DD).
--
-- "One open application per worker" is a partial unique index, so that two
-- requests racing each other cannot both succeed.
CREATE TABLE registrations (
  id INTEGER PRIMARY KEY,
  worker_id INTEGER NOT NULL REFERENCES workers (id),
  kind TEXT NOT NULL CHECK (kind IN ('first', 'renewal')),
  qualification_id INTEGER NOT NULL REFERENCES qualifications (id),
  state TEXT NOT NULL DEFAULT 'not_applied'
    CHECK (state IN ('not_applied', 'pending', 'first_approved', 'first_rejected',
                     'final_approved', 'final_rejected', 'registered',
                     'certified', 'cancelled', 'revoked')),
  submitted_at TEXT,
  first_by INTEGER,
  first_by_login TEXT,
  first_at TEXT,
  first_reason TEXT,
  final_by INTEGER,
  final_by_login TEXT,
  final_at TEXT,
  final_reason TEXT,
  registered_on TEXT CHECK (registered_on IS NULL OR length(registered_on) = 10),
  expires_on TEXT CHECK (expires_on IS NULL OR length(expires_on) = 10),
  certificate_no TEXT UNIQUE,
  ce_hours INTEGER CHECK (ce_hours IS NULL OR ce_hours >= 0),
  reason TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
) STRICT;

CREATE INDEX registrations_worker ON registrations (worker_id, id);
CREATE INDEX registrations_state ON registrations (state, id);
-- the "expiring soon" view: current registrations by expiry date
CREATE INDEX registrations_expiry ON registrations (expires_on)
  WHERE state IN ('registered', 'certified');
CREATE UNIQUE INDEX registrations_open ON registrations (worker_id)
  WHERE state IN ('not_applied', 'pending', 'first_approved', 'final_approved');

-- Certificate numbers: <county 6><year 4><sequence 6>, the sequence counted
-- per county and year here (INSERT ... ON CONFLICT DO UPDATE ... RETURNING).
CREATE TABLE registration_cert_seq (
  county TEXT NOT NULL CHECK (length(county) = 6),
  year INTEGER NOT NULL,
  last INTEGER NOT NULL,
  PRIMARY KEY (county, year)
) STRICT, WITHOUT ROWID;

-- Continuing-education hours per 3-year cycle (继续教育), configuration: the
-- requirement is enforced at renewal only when ce_required is 'true', which
-- waits for the training module to record the hours.
INSERT INTO settings (key, value, updated_at) VALUES
  ('registration.ce_required', 'false', strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
  ('registration.ce_hours.assistant', '72', strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
  ('registration.ce_hours.intermediate', '90', strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
  ('registration.ce_hours.senior', '90', strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
  ('public_base_url', 'http://127.0.0.1:8080', strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
ON CONFLICT (key) DO NOTHING;
