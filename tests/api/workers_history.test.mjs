// Service history, honours and discipline, and talent pools over HTTP
// (/api/v1/workers/{id}/employments|records|pools, /api/v1/pools/{pool}):
// CRUD, the worker's current organisation kept in step with the current
// employment, audit with field names, scope between 清城 441802 and 清新
// 441803 (404 outside), roles, pool lists and their filters, and the pool
// filter of /api/v1/workers.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';

const PASSWORD = 'History-Passw0rd!2026';

function idNumber(region6, date8, seq) {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const s17 = region6 + date8 + String(seq).padStart(3, '0');
  const sum = [...s17].reduce((acc, d, i) => acc + Number(d) * w[i], 0);
  return s17 + '10X98765432'[sum % 11];
}

let srv, qc, qx, org, auditor;
let wa, wb, wx;

function addUser(login, role, region) {
  const args = ['user', 'add', login, '--role', role, '--password-stdin'];
  if (region) args.push('--region', region);
  const r = srv.cli(args, { stdin: PASSWORD + '\n' });
  assert.equal(r.code, 0, r.stderr);
}

function field(r, status, name, code) {
  assert.equal(r.status, status, r.text);
  const e = r.json.errors.find((x) => x.field === name);
  assert.ok(e, `no error for ${name}: ${r.text}`);
  if (code) assert.equal(e.code, code, r.text);
}

before(async () => {
  srv = await startServer({ regions: 'fixture' });
  addUser('qc-bureau', 'bureau', '441802');
  addUser('qx-bureau', 'bureau', '441803');
  addUser('qc-org', 'org', '441802');
  addUser('aud', 'auditor');
  qc = await srv.loginAs('qc-bureau', PASSWORD);
  qx = await srv.loginAs('qx-bureau', PASSWORD);
  org = await srv.loginAs('qc-org', PASSWORD);
  auditor = await srv.loginAs('aud', PASSWORD);
  let r = await qc.post('/api/v1/workers', { name: '王五', id_number: idNumber('440524', '19800101', 1),
    region_code: '441802006', org_name: '旧机构' });
  assert.equal(r.status, 201, r.text);
  wa = r.json;
  r = await qc.post('/api/v1/workers', { name: '赵六', id_number: idNumber('440524', '19850505', 2),
    region_code: '441802' });
  assert.equal(r.status, 201, r.text);
  wb = r.json;
  r = await qx.post('/api/v1/workers', { name: '钱七', id_number: idNumber('440524', '19900202', 3),
    region_code: '441803' });
  assert.equal(r.status, 201, r.text);
  wx = r.json;
});

after(async () => { await srv?.stop(); });

test('employment CRUD keeps the current organisation in step', async () => {
  const base = `/api/v1/workers/${wa.id}/employments`;
  let r = await qc.post(base, { org_name: '清城社工站', post: '社工', field: 'elderly',
    started_on: '2015-03-01', ended_on: '2018-06-30' });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.current, false);
  // history but no current employment: no current organisation
  r = await qc.get(`/api/v1/workers/${wa.id}`);
  assert.equal(r.json.org_name, null, r.text);

  r = await qc.post(base, { org_name: '阳光社工服务中心', post: '项目主管', field: 'youth',
    started_on: '2018-07-01' });
  assert.equal(r.status, 201, r.text);
  const cur = r.json;
  assert.equal(cur.current, true);
  assert.equal(cur.ended_on, null);
  r = await qc.get(`/api/v1/workers/${wa.id}`);
  assert.equal(r.json.org_name, '阳光社工服务中心');
  assert.equal(r.json.post, '项目主管');
  // the search text follows: the new organisation is searchable
  r = await qc.get('/api/v1/workers?q=' + encodeURIComponent('阳光社工'));
  assert.ok(r.json.items.some((w) => w.id === wa.id), r.text);

  r = await qc.get(base);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.items.length, 2);
  assert.equal(r.json.items[0].id, cur.id, 'latest first');

  r = await org.put(`${base}/${cur.id}`, { org_name: '阳光社工服务中心', post: '督导',
    field: 'youth', started_on: '2018-07-01' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.post, '督导');
  r = await qc.get(`/api/v1/workers/${wa.id}`);
  assert.equal(r.json.post, '督导');

  const log = await auditor.get('/api/v1/audit?action=worker.employment_update');
  assert.equal(log.status, 200, log.text);
  assert.deepEqual(log.json.items[0].details, { employment_id: cur.id, fields: ['post'] });
  const add = await auditor.get('/api/v1/audit?action=worker.employment_add');
  assert.equal(add.json.items.length, 2);
  assert.equal(add.json.items[0].object_id, String(wa.id));

  // ending the current one clears the current organisation
  r = await qc.put(`${base}/${cur.id}`, { org_name: '阳光社工服务中心', post: '督导',
    started_on: '2018-07-01', ended_on: '2024-01-31' });
  assert.equal(r.status, 200, r.text);
  r = await qc.get(`/api/v1/workers/${wa.id}`);
  assert.equal(r.json.org_name, null);

  // org accounts may not delete; bureau may
  r = await org.del(`${base}/${cur.id}`);
  assert.equal(r.status, 403, r.text);
  r = await qc.del(`${base}/${cur.id}`);
  assert.equal(r.status, 204, r.text);
  r = await qc.get(base);
  assert.equal(r.json.items.length, 1);
});

test('employment input is checked field by field', async () => {
  const base = `/api/v1/workers/${wb.id}/employments`;
  let r = await qc.post(base, { started_on: '2999-01-01', field: 'nope' });
  field(r, 422, 'org_name', 'required');
  field(r, 422, 'started_on', 'future');
  field(r, 422, 'field', 'invalid');
  r = await qc.post(base, { org_name: 'x', started_on: '2020-01-01', ended_on: '2019-01-01' });
  field(r, 422, 'ended_on', 'invalid');
  r = await qc.post(base, { org_name: 'x', started_on: '1970-01-01' });
  field(r, 422, 'started_on', 'invalid');
  r = await qc.post(base, { org_id: 999999, started_on: '2020-01-01' });
  field(r, 422, 'org_id', 'not_found');
});

test('history is scoped: another district gets 404', async () => {
  let r = await qx.get(`/api/v1/workers/${wa.id}/employments`);
  assert.equal(r.status, 404, r.text);
  r = await qx.post(`/api/v1/workers/${wa.id}/employments`, { org_name: 'x', started_on: '2020-01-01' });
  assert.equal(r.status, 404, r.text);
  r = await qx.get(`/api/v1/workers/${wa.id}/records`);
  assert.equal(r.status, 404, r.text);
  r = await qx.get(`/api/v1/workers/${wa.id}/pools`);
  assert.equal(r.status, 404, r.text);
  r = await auditor.get(`/api/v1/workers/${wa.id}/employments`);
  assert.equal(r.status, 403, r.text);
});

test('honours and disciplinary records', async () => {
  const base = `/api/v1/workers/${wa.id}/records`;
  let r = await org.post(base, { kind: 'honour', title: '优秀社工', issuer: '清远市民政局',
    dated_on: '2021-12-01' });
  assert.equal(r.status, 201, r.text);
  const honour = r.json;
  r = await org.post(base, { kind: 'discipline', title: '警告', dated_on: '2022-01-01' });
  assert.equal(r.status, 403, r.text);
  r = await qc.post(base, { kind: 'discipline', title: '警告', dated_on: '2022-01-01',
    note: '迟交报告' });
  assert.equal(r.status, 201, r.text);
  r = await qc.post(base, { kind: 'praise', title: 'x', dated_on: 'x' });
  field(r, 422, 'kind', 'invalid');
  field(r, 422, 'dated_on', 'invalid');
  r = await qc.get(base + '?kind=honour');
  assert.equal(r.json.items.length, 1);
  r = await qc.get(base);
  assert.equal(r.json.items.length, 2);
  r = await qc.del(`${base}/${honour.id}`);
  assert.equal(r.status, 204, r.text);
  r = await qc.get(base + '?kind=honour');
  assert.ok(r.json.items[0].removed_at, 'kept with removed_at');
  const log = await auditor.get('/api/v1/audit?action=worker.record_add');
  assert.equal(log.json.items.length, 2);
});

test('talent pools: join, filters, recertification, the pool filter of /workers', async () => {
  let r = await qc.post(`/api/v1/workers/${wa.id}/pools`, { pool: 'supervisor', grade: 'senior',
    joined_on: '2024-03-01' });
  assert.equal(r.status, 201, r.text);
  const sup = r.json;
  assert.equal(sup.recertify_on, '2025-03-01', 'a year after joining by default');
  assert.equal(sup.worker.id_number.length, 18);
  assert.match(sup.worker.id_number, /\*{8}/);
  r = await qc.post(`/api/v1/workers/${wa.id}/pools`, { pool: 'supervisor', grade: 'junior',
    joined_on: '2024-03-01' });
  assert.equal(r.status, 409, r.text);
  r = await qc.post(`/api/v1/workers/${wa.id}/pools`, { pool: 'expert', joined_on: '2023-01-01' });
  assert.equal(r.status, 201, r.text);
  r = await qc.post(`/api/v1/workers/${wb.id}/pools`, { pool: 'supervisor', grade: 'junior',
    joined_on: '2025-01-01', recertify_on: '2030-01-01' });
  assert.equal(r.status, 201, r.text);
  r = await qc.post(`/api/v1/workers/${wb.id}/pools`, { pool: 'mentor', grade: 'junior',
    joined_on: '2025-01-01' });
  field(r, 422, 'grade', 'invalid');
  r = await qc.post(`/api/v1/workers/${wb.id}/pools`, { pool: 'supervisor', joined_on: '2025-01-01' });
  assert.equal(r.status, 422, r.text);
  r = await qx.post(`/api/v1/workers/${wx.id}/pools`, { pool: 'supervisor', grade: 'senior',
    joined_on: '2025-01-01' });
  assert.equal(r.status, 201, r.text);
  r = await org.post(`/api/v1/workers/${wa.id}/pools`, { pool: 'mentor', joined_on: '2025-01-01' });
  assert.equal(r.status, 403, r.text);

  r = await qc.get('/api/v1/pools/supervisor');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.total, 2, 'the other district is out of scope');
  r = await qc.get('/api/v1/pools/supervisor?grade=senior');
  assert.deepEqual(r.json.items.map((m) => m.worker_id), [wa.id]);
  r = await qc.get('/api/v1/pools/supervisor?due_by=2026-01-01');
  assert.deepEqual(r.json.items.map((m) => m.worker_id), [wa.id]);
  r = await qc.get('/api/v1/pools/supervisor?region=441802006');
  assert.deepEqual(r.json.items.map((m) => m.worker_id), [wa.id]);
  r = await qc.get('/api/v1/pools/supervisor?region=441803');
  assert.equal(r.status, 422, r.text);
  r = await qc.get('/api/v1/pools/supervisor?grade=huge');
  field(r, 422, 'grade', 'invalid');
  r = await qc.get('/api/v1/pools/nonsense');
  assert.equal(r.status, 404, r.text);

  r = await qc.get('/api/v1/workers?pool=expert');
  assert.deepEqual(r.json.items.map((w) => w.id), [wa.id]);
  r = await qc.get('/api/v1/workers?pool=supervisor');
  assert.equal(r.json.total, 2);
  r = await qc.get('/api/v1/workers?pool=wizard');
  field(r, 422, 'pool', 'invalid');

  r = await qc.patch(`/api/v1/workers/${wa.id}/pools/${sup.id}`, { recertify_on: '2027-03-01' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.recertify_on, '2027-03-01');
  r = await qc.get('/api/v1/pools/supervisor?due_by=2026-01-01');
  assert.equal(r.json.total, 0);

  r = await qc.del(`/api/v1/workers/${wa.id}/pools/${sup.id}`);
  assert.equal(r.status, 204, r.text);
  r = await qc.get('/api/v1/workers?pool=supervisor');
  assert.equal(r.json.total, 1);
  r = await qc.get(`/api/v1/workers/${wa.id}/pools`);
  assert.equal(r.json.items.length, 2, 'history kept');
  r = await qc.post(`/api/v1/workers/${wa.id}/pools`, { pool: 'supervisor', grade: 'intermediate',
    joined_on: '2025-06-01' });
  assert.equal(r.status, 201, 'may rejoin after leaving: ' + r.text);

  const log = await auditor.get('/api/v1/audit?action=worker.pool_update');
  assert.deepEqual(log.json.items[0].details, { membership_id: sup.id, fields: ['recertify_on'] });
});

test('pinyin initials find a name: zsf finds 张三丰, 張三豐 too', async () => {
  let r = await qc.post('/api/v1/workers', { name: '张三丰', id_number: idNumber('440524', '19700303', 4),
    region_code: '441802' });
  assert.equal(r.status, 201, r.text);
  const z = r.json;
  r = await qc.post('/api/v1/workers', { name: '張無忌', id_number: idNumber('440524', '19700404', 5),
    region_code: '441802' });
  assert.equal(r.status, 201, r.text);
  const t = r.json;
  r = await qc.get('/api/v1/workers?q=zsf');
  assert.deepEqual(r.json.items.map((w) => w.id), [z.id], r.text);
  r = await qc.get('/api/v1/workers?q=ZSF');
  assert.deepEqual(r.json.items.map((w) => w.id), [z.id], 'case does not matter');
  r = await qc.get('/api/v1/workers?q=zwj');
  assert.deepEqual(r.json.items.map((w) => w.id), [t.id], 'Traditional names get initials');
  r = await qc.get('/api/v1/workers?q=zs');
  assert.ok(r.json.items.some((w) => w.id === z.id), 'two letters: LIKE');
  r = await qx.get('/api/v1/workers?q=zsf');
  assert.equal(r.json.total, 0, 'scope still applies');
});
