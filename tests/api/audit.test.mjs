// The audit trail over HTTP and the CLI: who may read it, what a login
// failure and a user creation leave in it (and that no password does), the
// background verification job, a backup taken while serving, and tampering
// with the database file while the server is stopped.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, statSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, bin } from '../lib/server.mjs';

const PASSWORDS = {
  sec1: 'Sec-Passw0rd!2026x',
  aud1: 'Aud-Passw0rd!2026x',
  bur1: 'Bur-Passw0rd!2026x',
};
const WRONG_PASSWORD = 'Wr0ng-Guess!Secret-77';
const NEW_USER_PASSWORD = 'Newbie-Passw0rd!2026';

let srv;

function sqlite(db, sql) {
  const r = spawnSync('sqlite3', [db, sql], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout.trim(), stderr: r.stderr.trim() };
}

// The CLI without blocking this process, so that requests go on meanwhile.
function cliAsync(args) {
  return new Promise((res) => {
    const p = spawn(bin, ['--db', srv.dbPath, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => { stdout += d; });
    p.stderr.on('data', (d) => { stderr += d; });
    p.on('close', (code) => res({ code, stdout, stderr }));
  });
}

function addUser(login, role, region) {
  const args = ['user', 'add', login, '--role', role];
  if (region) args.push('--region', region);
  args.push('--password-stdin');
  const r = srv.cli(args, { stdin: PASSWORDS[login] + '\n' });
  assert.equal(r.code, 0, r.stderr);
}

async function as(login) {
  if (login === 'root') return srv.loginAs(srv.adminLogin, srv.adminPassword);
  return srv.loginAs(login, PASSWORDS[login]);
}

// Every record, newest first, through the API's paging.
async function allRecords(c, query = '') {
  const items = [];
  for (let page = 1; ; page++) {
    const r = await c.get(`/api/v1/audit?per_page=200&page=${page}${query}`);
    assert.equal(r.status, 200, r.text);
    items.push(...r.json.items);
    if (items.length >= r.json.total || r.json.items.length === 0) return { items, text: JSON.stringify(items) };
  }
}


before(async () => {
  srv = await startServer({ regions: 'fixture' });
  addUser('sec1', 'secadmin');
  addUser('aud1', 'auditor');
  addUser('bur1', 'bureau', '4418');
});

after(async () => {
  if (srv) await srv.stop();
});

test('only the security and audit administrators read the audit log', async () => {
  const anon = srv.client();
  assert.equal((await anon.get('/api/v1/audit')).status, 401);

  const root = await as('root');
  const denied = await root.get('/api/v1/audit');
  assert.equal(denied.status, 403, denied.text);
  assert.match(denied.headers.get('content-type'), /problem\+json/);
  assert.equal((await root.post('/api/v1/audit/verify')).status, 403);

  const bur = await as('bur1');
  assert.equal((await bur.get('/api/v1/audit')).status, 403);
  assert.equal((await bur.post('/api/v1/audit/verify')).status, 403);

  for (const login of ['sec1', 'aud1']) {
    const c = await as(login);
    const r = await c.get('/api/v1/audit');
    assert.equal(r.status, 200, r.text);
    assert.ok(Array.isArray(r.json.items));
    assert.ok(r.json.total > 0);
    assert.equal(r.json.page, 1);
    assert.equal(r.json.per_page, 20);
    // no route edits or deletes a record
    assert.notEqual((await c.del('/api/v1/audit')).status, 200);
    assert.notEqual((await c.del('/api/v1/audit/1')).status, 204);
    assert.notEqual((await c.patch('/api/v1/audit/1', { outcome: 'success' })).status, 200);
  }

  // the refusals themselves are on record, by who was refused
  const sec = await as('sec1');
  const { items } = await allRecords(sec, '&outcome=denied');
  assert.ok(items.some((r) => r.user_login === srv.adminLogin && r.action === 'permission.denied'
    && r.object_id === 'GET /api/v1/audit'), JSON.stringify(items));
  assert.ok(items.some((r) => r.user_login === 'bur1' && r.object_id === 'POST /api/v1/audit/verify'));
});

test('a failed login and a user creation are recorded, and no password is', async () => {
  const anon = srv.client();
  const failed = await anon.login(srv.adminLogin, WRONG_PASSWORD);
  assert.ok(failed.status >= 400, failed.text);

  const root = await as('root');
  const created = await root.post('/api/v1/users',
    { login: 'newbie', display_name: 'New Bie', role: 'sysadmin', password: NEW_USER_PASSWORD });
  assert.equal(created.status, 201, created.text);

  const sec = await as('sec1');
  const failures = await allRecords(sec, `&user=${srv.adminLogin}&outcome=failure`);
  const fail = failures.items.find((r) => /login/.test(r.action));
  assert.ok(fail, failures.text);
  assert.equal(fail.user_login, srv.adminLogin);
  assert.equal(fail.ip, '127.0.0.1');
  assert.match(fail.ts, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.ok(fail.details === null || typeof fail.details === 'object');

  const creates = await allRecords(sec, '&action=user.create');
  const create = creates.items.find((r) => r.user_login === srv.adminLogin
    && [String(created.json.id), 'newbie'].includes(r.object_id));
  assert.ok(create, creates.text);
  assert.equal(create.outcome, 'success');
  assert.equal(create.object_type, 'user');
  assert.equal(create.ip, '127.0.0.1');
  for (const r of creates.items) assert.equal(r.action, 'user.create');

  // nowhere in the log, in the server's log or in the audit table's raw text
  const everything = await allRecords(sec);
  const dump = sqlite(srv.dbPath, 'SELECT * FROM audit_log');
  assert.equal(dump.code, 0, dump.stderr);
  for (const secret of [WRONG_PASSWORD, NEW_USER_PASSWORD, srv.adminPassword, ...Object.values(PASSWORDS)]) {
    assert.ok(!everything.text.includes(secret), `audit log contains a password: ${secret}`);
    assert.ok(!dump.stdout.includes(secret), `audit table contains a password: ${secret}`);
    assert.ok(!srv.log.includes(secret), `server log contains a password: ${secret}`);
  }
  // items have exactly the documented fields
  assert.deepEqual(Object.keys(everything.items[0]).sort(),
    ['action', 'details', 'id', 'ip', 'object_id', 'object_type', 'outcome', 'ts', 'user_login']);
  const ids = everything.items.map((r) => r.id);
  assert.deepEqual(ids, [...ids].sort((a, b) => b - a), 'newest first');
});

test('a denial is audited even when its path is not valid UTF-8', async () => {
  PASSWORDS.wkr1 = 'Worker-Passw0rd!2026';
  addUser('wkr1', 'worker', '441802');
  const wkr = await as('wkr1');
  const r = await wkr.get('/api/v1/users/%FF%FE');
  assert.equal(r.status, 403, r.text);
  const sec = await as('sec1');
  const denied = await allRecords(sec, '&action=permission.denied&user=wkr1');
  assert.ok(denied.items.some((d) => d.object_id === 'GET /api/v1/users/%FF%FE'), denied.text);
});

test('filters, paging and their validation', async () => {
  const sec = await as('sec1');
  const users = await sec.get('/api/v1/audit?action=user.&per_page=200');
  assert.equal(users.status, 200);
  assert.ok(users.json.items.length > 0);
  for (const r of users.json.items) assert.match(r.action, /^user\./);

  const p1 = await sec.get('/api/v1/audit?per_page=2&page=1');
  const p2 = await sec.get('/api/v1/audit?per_page=2&page=2');
  assert.equal(p1.json.items.length, 2);
  assert.equal(p2.json.total, p1.json.total);
  assert.ok(p2.json.items[0].id < p1.json.items[1].id);

  const today = new Date().toISOString().slice(0, 10);
  const t = await sec.get(`/api/v1/audit?from=${today}&to=${today}`);
  assert.equal(t.status, 200);
  assert.ok(t.json.total > 0);
  assert.equal((await sec.get('/api/v1/audit?from=2999-01-01')).json.total, 0);
  assert.equal((await sec.get('/api/v1/audit?to=2000-01-01T00:00:00Z')).json.total, 0);

  const bad = await sec.get('/api/v1/audit?outcome=maybe&from=yesterday');
  assert.equal(bad.status, 422, bad.text);
  assert.deepEqual(bad.json.errors.map((e) => e.field).sort(), ['from', 'outcome']);
  assert.equal((await sec.get('/api/v1/audit?per_page=1000')).status, 422);
});

test('verification runs as a job that its submitter and the auditors can poll', async () => {
  const sec = await as('sec1');
  sec.csrf = null;
  assert.equal((await sec.post('/api/v1/audit/verify')).status, 403, 'CSRF token required');
  const sec2 = await as('sec1');
  const r = await sec2.post('/api/v1/audit/verify');
  assert.equal(r.status, 202, r.text);
  assert.equal(r.json.kind, 'audit_verify');
  assert.ok(['queued', 'running', 'succeeded'].includes(r.json.state));
  assert.ok(Number.isInteger(r.json.id));

  const job = await sec2.waitJob(r.json.id);
  assert.equal(job.state, 'succeeded', JSON.stringify(job));
  assert.equal(job.result.ok, true);
  assert.ok(job.result.records > 5);
  assert.equal(job.done, job.total);
  assert.equal(job.error, null);
  assert.ok(job.created_at && job.started_at && job.finished_at);

  const aud = await as('aud1');
  assert.equal((await aud.get(`/api/v1/jobs/${r.json.id}`)).status, 200);
  const root = await as('root');
  assert.equal((await root.get(`/api/v1/jobs/${r.json.id}`)).status, 404);
  const bur = await as('bur1');
  assert.equal((await bur.get(`/api/v1/jobs/${r.json.id}`)).status, 404);
  assert.equal((await bur.get('/api/v1/jobs/999999')).status, 404);
  assert.equal((await bur.get('/api/v1/jobs/abc')).status, 404);

  const submits = await allRecords(sec2, '&action=job.submit');
  assert.ok(submits.items.some((x) => x.user_login === 'sec1' && x.object_id === String(r.json.id)
    && x.details.kind === 'audit_verify'));
  const verifies = await allRecords(sec2, '&action=audit.verify');
  assert.ok(verifies.items.some((x) => x.outcome === 'success' && x.details.job === r.json.id));
});

test('backup while serving is a consistent copy with the users in it', async () => {
  const file = join(srv.dir, 'backup.db');
  // keep the server writing (sessions, audit records) during the copy
  let writing = true;
  let logins = 0;
  const load = (async () => {
    while (writing) {
      const res = await srv.client().login('aud1', PASSWORDS.aud1);
      assert.equal(res.status, 200, res.text);
      logins++;
    }
  })();
  const r = await cliAsync(['backup', file]);
  writing = false;
  await load;
  assert.ok(logins > 0);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`${statSync(file).size} bytes`));
  assert.equal(sqlite(file, 'PRAGMA integrity_check').stdout, 'ok');
  const users = sqlite(file, 'SELECT login FROM users ORDER BY login').stdout.split('\n');
  for (const login of [srv.adminLogin, 'sec1', 'aud1', 'bur1', 'newbie']) assert.ok(users.includes(login), users.join(','));
  assert.ok(!existsSync(file + '.partial'));

  const again = srv.cli(['backup', file]);
  assert.notEqual(again.code, 0);
  assert.match(again.stderr, /^shegong: .*exists.*--force/);
  const forced = srv.cli(['backup', file, '--force']);
  assert.equal(forced.code, 0, forced.stderr);
  assert.equal(sqlite(file, 'PRAGMA integrity_check').stdout, 'ok');

  const sec = await as('sec1');
  const b = await allRecords(sec, '&action=backup.create');
  assert.equal(b.items.length, 2);
  assert.equal(b.items[0].user_login, 'system');
  assert.equal(b.items[0].outcome, 'success');
  assert.equal(b.items[0].details.file, realpathSync(file));
  // and the copy's own chain holds (with this instance's key)
  const keyCopy = join(srv.dir, 'backup.key');
  spawnSync('cp', [join(srv.dir, 'shegong.key'), keyCopy]);
  const v = srv.cli(['--db', file, 'audit', 'verify']);
  assert.equal(v.code, 0, v.stderr);
});

test('tampering with the file while stopped is named by the job and the CLI', async () => {
  const ok = srv.cli(['audit', 'verify']);
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /^audit chain ok: \d+ records\n$/);
  const okJson = JSON.parse(srv.cli(['audit', 'verify', '--json']).stdout);
  assert.equal(okJson.ok, true);

  assert.equal(await srv.shutdown(), 0, srv.log);
  assert.doesNotMatch(srv.log, /Sanitizer/);
  // with its triggers the table refuses changes even from the sqlite3 shell
  const refused = sqlite(srv.dbPath, 'DELETE FROM audit_log WHERE id = 3');
  assert.notEqual(refused.code, 0);
  assert.match(refused.stderr, /append-only/);
  const tamper = sqlite(srv.dbPath, "DROP TRIGGER audit_log_no_update; UPDATE audit_log SET outcome = "
    + "CASE outcome WHEN 'success' THEN 'failure' ELSE 'success' END WHERE id = 3");
  assert.equal(tamper.code, 0, tamper.stderr);
  await srv.start();

  const sec = await as('sec1');
  const r = await sec.post('/api/v1/audit/verify');
  assert.equal(r.status, 202, r.text);
  const job = await sec.waitJob(r.json.id);
  assert.equal(job.state, 'succeeded', JSON.stringify(job));
  assert.equal(job.result.ok, false);
  assert.equal(job.result.bad_id, 3);
  assert.equal(job.result.records, 2);
  assert.match(job.result.reason, /edited/);

  const cli = srv.cli(['audit', 'verify']);
  assert.equal(cli.code, 1);
  assert.equal(cli.stdout, '');
  assert.match(cli.stderr, /^shegong: audit chain broken at record 3: hash mismatch \(record edited\)\n$/);
  const js = srv.cli(['audit', 'verify', '--json']);
  assert.equal(js.code, 1);
  assert.deepEqual(JSON.parse(js.stdout),
    { ok: false, records: 2, bad_id: 3, reason: 'hash mismatch (record edited)' });
  const usage = srv.cli(['audit', 'frobnicate']);
  assert.equal(usage.code, 1);
  assert.match(usage.stderr, /usage: shegong audit verify/);
});
