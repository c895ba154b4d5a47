// Planning targets (规划目标) over HTTP (domain/target.h): the built-in
// examples and loading them (region must be loaded and in scope), create
// with every field error named, read, patch with items replaced, list by
// scope, progress with current values from the statistics engine, roles
// (org reads, only bureau writes), CSRF, delete, and the audit records.
//
// The fixture tree has neither Zhongshan (4420) nor Ningxia (64): the test
// loads those few codes from a small directory of its own, the way
// `shegong regions load` adds codes to a tree.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '../lib/server.mjs';

const PASSWORD = 'Targets-Passw0rd!2026';

let srv;
let nation; // bureau 广东省 44 (bureau accounts always have a region)
let nx; // bureau 宁夏 64, made once 64 is loaded
let admin; // sysadmin: reads everything
let qy; // bureau 清远市 4418
let qc; // bureau 清城区 441802
let org; // org account in 4418
let auditor;
let extraDir;

function addUser(login, role, region) {
  const args = ['user', 'add', login, '--role', role, '--password-stdin'];
  if (region) args.push('--region', region);
  const r = srv.cli(args, { stdin: PASSWORD + '\n' });
  assert.equal(r.code, 0, r.stderr);
}

function assertProblem(r, status, field, code) {
  assert.equal(r.status, status, r.text);
  assert.match(r.headers.get('content-type'), /^application\/problem\+json/);
  if (field) {
    const e = (r.json.errors || []).find((x) => x.field === field);
    assert.ok(e, `no error on ${field}: ${r.text}`);
    if (code) assert.equal(e.code, code, r.text);
  }
}

const qingyuanPlan = {
  name: '清远市社会工作人才发展规划 2024–2028',
  region_code: '4418',
  baseline_date: '2024-01-01',
  due_date: '2028-12-31',
  notes: '测试用规划',
  items: [
    { indicator: 'workers_total', target: 3000, baseline: 2000 },
    { indicator: 'certified_total', target: 2500 },
    { indicator: 'village_room_coverage', measure: 'numerator', target: 100, due_date: '2026-12-31', note: '2026 年底前' },
    { label: '在职培训率', target: 100, note: '暂无指标' },
  ],
};

before(async () => {
  srv = await startServer({ regions: 'fixture' });
  addUser('t_nation', 'bureau', '44');
  addUser('t_qy', 'bureau', '4418');
  addUser('t_qc', 'bureau', '441802');
  addUser('t_org', 'org', '4418');
  addUser('t_auditor', 'auditor');
  nation = await srv.loginAs('t_nation', PASSWORD);
  qy = await srv.loginAs('t_qy', PASSWORD);
  qc = await srv.loginAs('t_qc', PASSWORD);
  org = await srv.loginAs('t_org', PASSWORD);
  auditor = await srv.loginAs('t_auditor', PASSWORD);
  admin = await srv.loginAs(srv.adminLogin, srv.adminPassword);
});

after(async () => {
  if (srv) await srv.stop();
  if (extraDir) rmSync(extraDir, { recursive: true, force: true });
});

test('examples: the two real plans, with untracked items said so', async () => {
  const r = await qy.get('/api/v1/targets/examples');
  assert.equal(r.status, 200, r.text);
  const keys = r.json.map((x) => x.key);
  assert.deepEqual(keys, ['zhongshan-2016-2020', 'ningxia-2027']);
  const zs = r.json[0];
  assert.equal(zs.region_code, '4420');
  const byInd = Object.fromEntries(zs.items.filter((i) => i.indicator).map((i) => [i.indicator, i.target]));
  assert.equal(byInd.per_10k, 10);
  assert.equal(byInd.workers_total, 4000);
  assert.equal(byInd.level_intermediate, 400);
  assert.equal(byInd.college_share, 80);
  assert.equal(byInd.orgs, 70);
  assert.equal(byInd.supervisors_per_town, 5);
  const training = zs.items.find((i) => i.label === '在职培训率');
  assert.equal(training.indicator, null);
  assert.match(training.note, /暂无指标/);
  const nx = r.json[1];
  assert.equal(nx.region_code, '64');
  assert.equal(nx.due_date, '2027-12-31');
  const rooms = nx.items.filter((i) => i.indicator === 'village_room_coverage');
  assert.deepEqual(rooms.map((i) => [i.measure, i.target, i.due_date]),
    [['numerator', 1000, '2025-12-31'], ['value', 100, null]]);
});

test('loading an example needs its region loaded and in scope', async () => {
  assertProblem(await nation.post('/api/v1/targets/examples/zhongshan-2016-2020'), 422,
    'region_code', 'unknown');
  assertProblem(await nation.post('/api/v1/targets/examples/nope'), 404);

  // add 中山市 (a city without counties: 4420 > 442000) and 宁夏 64 > 6401
  extraDir = mkdtempSync(join(tmpdir(), 'shegong-regions-'));
  writeFileSync(join(extraDir, 'provinces.csv'), 'code,name\n64,"宁夏回族自治区"\n');
  writeFileSync(join(extraDir, 'cities.csv'), 'code,name,provinceCode\n4420,"中山市",44\n6401,"银川市",64\n');
  writeFileSync(join(extraDir, 'areas.csv'), 'code,name,cityCode,provinceCode\n442000,"中山市",4420,44\n');
  writeFileSync(join(extraDir, 'streets.csv'), 'code,name,areaCode,provinceCode,cityCode\n');
  writeFileSync(join(extraDir, 'villages.csv'), 'code,name,streetCode,provinceCode,cityCode,areaCode\n');
  const load = srv.cli(['regions', 'load', extraDir]);
  assert.equal(load.code, 0, load.stderr);

  // a Qingyuan bureau may not load Zhongshan's plan
  assertProblem(await qy.post('/api/v1/targets/examples/zhongshan-2016-2020'), 422,
    'region_code', 'unknown');
  // org accounts read only
  assertProblem(await org.post('/api/v1/targets/examples/zhongshan-2016-2020'), 403);

  const r = await nation.post('/api/v1/targets/examples/zhongshan-2016-2020');
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.example, 'zhongshan-2016-2020');
  assert.equal(r.json.region_code, '4420');
  assert.equal(r.json.region_name, '中山市');
  assert.equal(r.json.baseline_date, '2016-01-01');
  assert.equal(r.json.due_date, '2020-12-31');
  assert.equal(r.json.items.length, 8);
  assert.ok(r.json.items.every((i) => 'baseline' in i));

  assertProblem(await nation.post('/api/v1/targets/examples/ningxia-2027'), 422, 'region_code');
  addUser('t_nx', 'bureau', '64');
  nx = await srv.loginAs('t_nx', PASSWORD);
  const n = await nx.post('/api/v1/targets/examples/ningxia-2027');
  assert.equal(n.status, 201, n.text);
  assert.equal(n.json.region_code, '64');
  assert.equal(n.json.items.length, 6);

  // loaded sets are the caller's: the Qingyuan bureau sees neither
  const seen = await qy.get('/api/v1/targets');
  assert.equal(seen.status, 200);
  assert.equal(seen.json.items.length, 0);
  assertProblem(await qy.get(`/api/v1/targets/${r.json.id}`), 404);
  assertProblem(await qy.get(`/api/v1/targets/${r.json.id}/progress`), 404);
});

test('create: every bad field named', async () => {
  const bad = await qy.post('/api/v1/targets', {
    name: '',
    region_code: '4401',
    baseline_date: '2026-02-30',
    due_date: '2020-01-01',
    extra: 1,
    items: [
      { indicator: 'no_such', target: 1 },
      { target: 5 },
      { indicator: 'orgs' },
      { indicator: 'orgs', measure: 'sum', target: 'x' },
      { indicator: 'orgs', target: 1, colour: 'red' },
    ],
  });
  assertProblem(bad, 422);
  const fields = bad.json.errors.map((e) => `${e.field}:${e.code}`);
  for (const f of ['extra:unknown', 'items[3].target:type', 'items[4].colour:unknown']) {
    assert.ok(fields.includes(f), `${f} missing in ${fields}`);
  }
  // the domain's checks, once the body's shape is right
  const bad2 = await qy.post('/api/v1/targets', {
    name: '',
    region_code: '4401',
    baseline_date: '2026-02-30',
    due_date: '2020-01-01',
    items: [
      { indicator: 'no_such', target: 1 },
      { target: 5 },
      { indicator: 'orgs' },
      { indicator: 'orgs', measure: 'sum', target: 1 },
    ],
  });
  assertProblem(bad2, 422);
  const f2 = bad2.json.errors.map((e) => `${e.field}:${e.code}`);
  for (const f of ['name:required', 'region_code:unknown', 'baseline_date:invalid',
    'items[0].indicator:unknown', 'items[1].label:required', 'items[2].target:required',
    'items[3].measure:invalid']) {
    assert.ok(f2.includes(f), `${f} missing in ${f2}`);
  }
  const order = await qy.post('/api/v1/targets', { ...qingyuanPlan, due_date: '2023-12-31' });
  assertProblem(order, 422, 'due_date', 'before_baseline');
  const itemOrder = await qy.post('/api/v1/targets', {
    ...qingyuanPlan, items: [{ indicator: 'orgs', target: 10, due_date: '2020-01-01' }],
  });
  assertProblem(itemOrder, 422, 'items[0].due_date', 'before_baseline');
  assertProblem(await qy.post('/api/v1/targets', { ...qingyuanPlan, items: 'x' }), 422, 'items', 'type');
  assertProblem(await org.post('/api/v1/targets', qingyuanPlan), 403);
});

test('create, read, patch, list, progress, delete; audited', async () => {
  const c = await qy.post('/api/v1/targets', qingyuanPlan);
  assert.equal(c.status, 201, c.text);
  const id = c.json.id;
  assert.equal(c.json.region_name, '清远市');
  assert.equal(c.json.example, null);
  assert.equal(c.json.items.length, 4);
  assert.equal(c.json.items[0].baseline, 2000);
  assert.equal(c.json.items[0].indicator_name.length > 0, true);
  assert.equal(c.json.items[2].measure, 'numerator');
  assert.equal(c.json.items[2].due_date, '2026-12-31');
  assert.equal(c.json.items[3].indicator, null);
  assert.equal(c.json.items[3].label, '在职培训率');

  // the district bureau below sees nothing of the city's plan; org reads it
  assertProblem(await qc.get(`/api/v1/targets/${id}`), 404);
  assertProblem(await qc.patch(`/api/v1/targets/${id}`, { name: 'x' }), 404);
  const og = await org.get(`/api/v1/targets/${id}`);
  assert.equal(og.status, 200, og.text);
  assertProblem(await org.patch(`/api/v1/targets/${id}`, { name: 'x' }), 403);
  assertProblem(await org.del(`/api/v1/targets/${id}`), 403);

  const list = await qy.get('/api/v1/targets?region=4418');
  assert.equal(list.status, 200);
  assert.equal(list.json.total, 1);
  assert.equal(list.json.items[0].id, id);
  assert.equal(list.json.items[0].items, undefined);
  assertProblem(await qy.get('/api/v1/targets?region=4401'), 422, 'region');
  const gd = await nation.get('/api/v1/targets');
  assert.equal(gd.json.total, 2);
  const all = await admin.get('/api/v1/targets');
  assert.equal(all.json.total, 3);

  // CSRF is required for changes
  const saved = qy.csrf;
  qy.csrf = null;
  assertProblem(await qy.patch(`/api/v1/targets/${id}`, { name: 'x' }), 403);
  qy.csrf = saved;

  const p = await qy.patch(`/api/v1/targets/${id}`, {
    name: '清远市规划（修订）',
    items: [
      { indicator: 'workers_total', target: 3500, baseline: 2000 },
      { indicator: 'orgs', target: 80, baseline: 0 },
    ],
  });
  assert.equal(p.status, 200, p.text);
  assert.equal(p.json.name, '清远市规划（修订）');
  assert.equal(p.json.items.length, 2);
  assert.equal(p.json.items[0].target, 3500);
  assertProblem(await qy.patch(`/api/v1/targets/${id}`, { name: '' }), 422, 'name', 'required');
  assertProblem(await qy.patch(`/api/v1/targets/${id}`, { region_code: '4401' }), 422, 'region_code');
  assertProblem(await qy.patch(`/api/v1/targets/${id}`, { due_date: '2020-01-01' }), 422, 'due_date');

  const pr = await qy.get(`/api/v1/targets/${id}/progress`);
  assert.equal(pr.status, 200, pr.text);
  assert.match(pr.json.today, /^\d{4}-\d{2}-\d{2}$/);
  assert.equal(pr.json.items.length, 2);
  for (const it of pr.json.items) {
    assert.ok(['no_data', 'met', 'on_pace', 'behind'].includes(it.status), it.status);
    assert.equal(it.effective_due_date, '2028-12-31');
    assert.equal(typeof it.expected, 'number');
    if (it.current !== null) {
      assert.equal(typeof it.progress, 'number');
      assert.equal(typeof it.on_pace, 'boolean');
    }
  }

  const d = await qy.del(`/api/v1/targets/${id}`);
  assert.equal(d.status, 204, d.text);
  assertProblem(await qy.get(`/api/v1/targets/${id}`), 404);
  assertProblem(await qy.del(`/api/v1/targets/${id}`), 404);

  for (const action of ['target.create', 'target.update', 'target.delete']) {
    const log = await auditor.get(`/api/v1/audit?action=${action}`);
    assert.equal(log.status, 200, log.text);
    const mine = log.json.items.filter((x) => x.object_id === String(id));
    assert.ok(mine.length >= 1, `${action} not audited`);
    assert.equal(mine[0].object_type, 'target_set');
    assert.equal(mine[0].user_login, 't_qy');
  }
  const upd = await auditor.get('/api/v1/audit?action=target.update');
  const rec = upd.json.items.find((x) => x.object_id === String(id));
  const details = typeof rec.details === 'string' ? JSON.parse(rec.details) : rec.details;
  assert.deepEqual(details.fields, ['name', 'items']);
});

test('anonymous and other roles', async () => {
  const anon = srv.client();
  assert.equal((await anon.get('/api/v1/targets')).status, 401);
  const r = await auditor.get('/api/v1/targets');
  assert.equal(r.status, 403);
});

test('progress reads the statistics engine: current worker count', async () => {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const idn = (seq) => {
    const s17 = '441802' + '19900101' + String(seq).padStart(3, '0');
    const sum = [...s17].reduce((acc, d, i) => acc + Number(d) * w[i], 0);
    return s17 + '10X98765432'[sum % 11];
  };
  for (const seq of [11, 12]) {
    const r = await qy.post('/api/v1/workers', { name: `目标测试${seq}`, id_number: idn(seq), region_code: '441802006' });
    assert.equal(r.status, 201, r.text);
  }
  const c = await qy.post('/api/v1/targets', {
    name: '清远市人才总量', region_code: '4418', baseline_date: '2024-01-01', due_date: '2030-12-31',
    items: [{ indicator: 'workers_total', target: 4, baseline: 0 }, { indicator: 'workers_total', target: 4 }],
  });
  assert.equal(c.status, 201, c.text);
  // the engine answers past worker counts: none existed on 2024-01-01
  assert.equal(c.json.items[1].baseline, 0);
  const p = await qy.get(`/api/v1/targets/${c.json.id}/progress`);
  assert.equal(p.status, 200, p.text);
  assert.equal(p.json.items[0].current, 2);
  assert.equal(p.json.items[0].progress, 0.5);
  assert.ok(['on_pace', 'behind'].includes(p.json.items[0].status));
  assert.equal(p.json.items[0].indicator_name.length > 0, true);
  // the city's district bureau below sees its own figures only, not this set
  assertProblem(await qc.get(`/api/v1/targets/${c.json.id}/progress`), 404);
});
