// The demo city (make demo): the synthetic data generator's Qingyuan files
// imported through `shegong import KIND FILE --mode strict` into a fresh
// database with the full region tree, then the published figures checked
// through the API: 2,174 certified workers (1,881 assistant, 293
// intermediate), 58 organisations, 33 town stations, 148 posts. Also the
// demo_data setting behind the UI's "synthetic people" banner.
// A kind this build cannot import yet is reported and its checks skipped.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { startServer, bin, fullRegions } from '../lib/server.mjs';

const gen = join(dirname(bin), 'shegong-gen-data');
const kinds = ['population', 'orgs', 'workers', 'stations', 'posts', 'employment'];
let srv;
let dir;
const imported = {};
const BUREAU_PW = 'Qingyuan-Bureau-Pa55!';
const bureau = () => srv.loginAs('bureau_qy', BUREAU_PW);

function unsupported(r) {
  return /unknown (import )?(command|kind)|not (a )?(known|supported)/i.test(r.stderr + r.stdout);
}

before(async () => {
  assert.ok(existsSync(gen), `${gen} is built with the shegong binary`);
  dir = mkdtempSync(join(tmpdir(), 'shegong-demo-'));
  const g = spawnSync(gen, ['--shape', 'qingyuan', '--seed', '2019', '--regions-dir',
    fullRegions, '--out', dir], { encoding: 'utf8' });
  assert.equal(g.status, 0, g.stderr);
  // the imports below take minutes under a sanitizer on a busy machine: keep
  // pooled keep-alive connections from timing out meanwhile
  srv = await startServer({ regions: 'full', serveArgs: ['--idle-timeout', '120'] });
  const add = srv.cli(['user', 'add', 'bureau_qy', '--role', 'bureau', '--region', '4418',
    '--password-stdin'], { stdin: BUREAU_PW + '\n' });
  assert.equal(add.code, 0, add.stderr);
  for (const kind of kinds) {
    const r = srv.cli(['import', kind, join(dir, `${kind}.csv`), '--mode', 'strict', '--json']);
    if (r.code === 0) {
      const last = r.stdout.trim().split('\n').pop();
      imported[kind] = JSON.parse(last);
    } else if (unsupported(r)) {
      console.log(`# demo: no importer for ${kind} yet: ${r.stderr.trim()}`);
    } else {
      assert.fail(`import ${kind} failed: ${r.stderr}`);
    }
  }
});

after(async () => {
  if (srv) await srv.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('demo_data is off on a new database and on after settings set', async () => {
  const c = srv.client();
  let r = await c.get('/api/v1/demo');
  assert.equal(r.status, 200);
  assert.equal(r.json.demo_data, false);
  assert.equal(srv.cli(['settings', 'get', 'demo_data']).stdout.trim(), '0');
  const set = srv.cli(['settings', 'set', 'demo_data', '1']);
  assert.equal(set.code, 0, set.stderr);
  r = await c.get('/api/v1/demo');
  assert.equal(r.json.demo_data, true);
  assert.equal(srv.cli(['settings', 'get', 'demo_data']).stdout.trim(), '1');
});

test('settings refuses keys off the whitelist and values the key does not take', () => {
  let r = srv.cli(['settings', 'set', 'org_rating.cutoffs', '1,2,3']);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /unknown setting/);
  r = srv.cli(['settings', 'set', 'demo_data', 'yes']);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /accepts 0 or 1/);
});

test('the change of demo_data is audited', async () => {
  const pw = 'Aud-demo-Passw0rd!26';
  const add = srv.cli(['user', 'add', 'aud_demo', '--role', 'auditor', '--password-stdin'], { stdin: pw + '\n' });
  assert.equal(add.code, 0, add.stderr);
  const c = await srv.loginAs('aud_demo', pw);
  const r = await c.get('/api/v1/audit?per_page=200');
  assert.equal(r.status, 200, r.text);
  const e = r.json.items.find((x) => x.action === 'setting.update');
  assert.ok(e, 'a setting.update record');
  assert.equal(e.object_id, 'demo_data');
});

test('every import of the demo city went through with no rejected row', () => {
  for (const [kind, s] of Object.entries(imported)) {
    assert.equal(s.rejected, 0, `${kind}: ${JSON.stringify(s)}`);
  }
});

test('the workers: 2,174 certified, 1,881 assistant and 293 intermediate', async (t) => {
  if (!imported.workers) return t.skip('no worker importer in this build');
  const c = await bureau();
  assert.equal(imported.workers.inserted, 2174);
  const w = await c.get('/api/v1/workers?region=4418&per_page=1');
  assert.equal(w.status, 200, w.text);
  assert.equal(w.json.total, 2174);
  for (const [level, n] of [['assistant', 1881], ['intermediate', 293], ['senior', 0], ['none', 0]]) {
    const r = await c.get(`/api/v1/workers?region=4418&level=${level}&per_page=1`);
    assert.equal(r.json.total, n, level);
  }
  // concentrated in 清城 and 清新, scarce in 三连一阳
  const count = async (code) => (await c.get(`/api/v1/workers?region=${code}&per_page=1`)).json.total;
  const qc = await count('441802') + await count('441803');
  const slyy = await count('441825') + await count('441826') + await count('441882') + await count('441823');
  assert.ok(qc > 1100, `清城+清新 ${qc}`);
  assert.ok(slyy < 500, `三连一阳 ${slyy}`);
});

test('the organisations: 58, each with a valid credit code', async (t) => {
  if (!imported.orgs) return t.skip('no organisation importer in this build');
  const c = await bureau();
  const r = await c.get('/api/v1/orgs?region=4418&per_page=200');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.total, 58);
  for (const o of r.json.items) assert.ok(!o.credit_override_reason, o.name);
});

test('the stations: 33 town stations; the posts: 148', async (t) => {
  const c = await bureau();
  if (imported.stations) {
    const r = await c.get('/api/v1/stations?region=4418&per_page=1');
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.total, 33);
  }
  if (imported.posts) {
    const r = await c.get('/api/v1/posts?region=4418&per_page=1');
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.total, 148);
  }
  if (!imported.stations && !imported.posts) t.skip('no station or post importer in this build');
});

test('the city overview has the population and a per-10k figure', async (t) => {
  if (!imported.population || !imported.workers) return t.skip('population or workers not importable yet');
  const c = await bureau();
  const r = await c.get('/api/v1/stats/overview?region=4418');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.by_level.assistant, 1881);
  assert.equal(r.json.by_level.intermediate, 293);
  assert.ok(r.json.population > 3000000);
  assert.ok(r.json.per_10k > 4 && r.json.per_10k < 7, String(r.json.per_10k));
});
