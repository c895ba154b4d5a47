// Worker self-service (/api/v1/me/worker): a bureau links a worker-role
// account to a record; the worker sees only their own record (masked),
// exports it as JSON, reveals their own number with an audited reason;
// other roles get 403, an unlinked worker 404, links across scope 404/422.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '../lib/server.mjs';

const PASSWORD = 'Self-Service-Passw0rd!2026';

function idNumber(region6, date8, seq) {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const s17 = region6 + date8 + String(seq).padStart(3, '0');
  const sum = [...s17].reduce((acc, d, i) => acc + Number(d) * w[i], 0);
  return s17 + '10X98765432'[sum % 11];
}

let srv, qc, qx, me, other, auditor, root;
let wa, wb;
const ID_A = idNumber('440524', '19800101', 11);
const users = {};

function addUser(login, role, region) {
  const args = ['user', 'add', login, '--role', role, '--password-stdin'];
  if (region) args.push('--region', region);
  const r = srv.cli(args, { stdin: PASSWORD + '\n' });
  assert.equal(r.code, 0, r.stderr);
}

before(async () => {
  srv = await startServer({ regions: 'fixture' });
  addUser('qc-bureau', 'bureau', '441802');
  addUser('qx-bureau', 'bureau', '441803');
  addUser('me-worker', 'worker', '441802');
  addUser('other-worker', 'worker', '441802');
  addUser('qx-worker', 'worker', '441803');
  addUser('aud', 'auditor');
  qc = await srv.loginAs('qc-bureau', PASSWORD);
  qx = await srv.loginAs('qx-bureau', PASSWORD);
  auditor = await srv.loginAs('aud', PASSWORD);
  root = await srv.loginAs(srv.adminLogin, srv.adminPassword);
  const list = await root.get('/api/v1/users?per_page=200');
  for (const u of list.json.items) users[u.login] = u.id;
  let r = await qc.post('/api/v1/workers', { name: '孙八', id_number: ID_A, region_code: '441802006' });
  assert.equal(r.status, 201, r.text);
  wa = r.json;
  r = await qc.post('/api/v1/workers', { name: '周九', id_number: idNumber('440524', '19810101', 12),
    region_code: '441802' });
  wb = r.json;
  await qc.post(`/api/v1/workers/${wa.id}/employments`, { org_name: '阳光社工', started_on: '2020-01-01' });
  await qc.post(`/api/v1/workers/${wa.id}/pools`, { pool: 'mentor', joined_on: '2021-01-01' });
  await qc.post(`/api/v1/workers/${wa.id}/records`, { kind: 'honour', title: '优秀社工', dated_on: '2022-01-01' });
  me = await srv.loginAs('me-worker', PASSWORD);
  other = await srv.loginAs('other-worker', PASSWORD);
});

after(async () => { await srv?.stop(); });

test('linking: bureau in scope only, worker-role users only', async () => {
  let r = await qx.put(`/api/v1/workers/${wa.id}/account`, { user_id: users['me-worker'] });
  assert.equal(r.status, 404, r.text);
  r = await qc.put(`/api/v1/workers/${wa.id}/account`, { user_id: users['qx-worker'] });
  assert.equal(r.status, 422, r.text);
  r = await qc.put(`/api/v1/workers/${wa.id}/account`, { user_id: users['qc-bureau'] });
  assert.equal(r.status, 422, r.text);
  assert.equal(r.json.errors[0].code, 'role');
  r = await me.put(`/api/v1/workers/${wa.id}/account`, { user_id: users['me-worker'] });
  assert.equal(r.status, 403, r.text);
  r = await qc.put(`/api/v1/workers/${wa.id}/account`, { user_id: users['me-worker'] });
  assert.equal(r.status, 204, r.text);
  r = await qc.put(`/api/v1/workers/${wb.id}/account`, { user_id: users['me-worker'] });
  assert.equal(r.status, 409, r.text);
  const log = await auditor.get('/api/v1/audit?action=worker.account_link');
  assert.equal(log.json.items.length, 1);
});

test('a worker sees their own record, masked, and only that', async () => {
  let r = await me.get('/api/v1/me/worker');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.worker.id, wa.id);
  assert.equal(r.json.worker.id_number, ID_A.slice(0, 6) + '********' + ID_A.slice(14));
  assert.ok(!r.text.includes(ID_A), 'no clear number');
  assert.equal(r.json.employments[0].org_name, '阳光社工');
  assert.equal(r.json.pools[0].pool, 'mentor');
  assert.equal(r.json.records[0].title, '优秀社工');
  assert.ok(Array.isArray(r.json.qualifications));

  r = await other.get('/api/v1/me/worker');
  assert.equal(r.status, 404, r.text);
  r = await me.get(`/api/v1/workers/${wb.id}`);
  assert.equal(r.status, 403, r.text);
  r = await me.get(`/api/v1/workers/${wa.id}/employments`);
  assert.equal(r.status, 403, r.text);
  r = await qc.get('/api/v1/me/worker');
  assert.equal(r.status, 403, r.text);
});

test('export as JSON and an audited reveal of the own number', async () => {
  let r = await me.get('/api/v1/me/worker/export');
  assert.equal(r.status, 200, r.text);
  assert.match(r.headers.get('content-disposition'), /attachment/);
  assert.equal(r.json.worker.name, '孙八');
  r = await me.post('/api/v1/me/worker/reveal', { reason: '本人核对' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.id_number, ID_A);
  r = await me.post('/api/v1/me/worker/reveal', {});
  assert.equal(r.status, 422, r.text);
  const log = await auditor.get('/api/v1/audit?action=worker.reveal');
  const e = log.json.items[0];
  assert.equal(e.user_login, 'me-worker');
  assert.equal(e.object_id, String(wa.id));
  assert.ok(!JSON.stringify(e).includes(ID_A));
});

test('corrections: the worker asks, a bureau in scope approves or rejects, audited', async () => {
  let r = await me.post('/api/v1/me/worker/corrections', { field: 'phone', new_value: '13912345678', reason: '换号了' });
  assert.equal(r.status, 201, r.text);
  const c1 = r.json;
  assert.equal(c1.state, 'pending');
  r = await me.post('/api/v1/me/worker/corrections', { field: 'phone', new_value: '13900000000', reason: '再换' });
  assert.equal(r.status, 409, r.text);
  r = await me.post('/api/v1/me/worker/corrections', { field: 'id_number', new_value: 'x', reason: '不对' });
  assert.equal(r.status, 422, r.text);
  r = await me.post('/api/v1/me/worker/corrections', { field: 'post', new_value: '督导助理', reason: '岗位变了' });
  assert.equal(r.status, 201, r.text);
  const c2 = r.json;
  r = await other.post('/api/v1/me/worker/corrections', { field: 'post', new_value: 'x', reason: '无档案' });
  assert.equal(r.status, 404, r.text);
  r = await qc.post('/api/v1/me/worker/corrections', { field: 'post', new_value: 'x', reason: '不是工作者' });
  assert.equal(r.status, 403, r.text);

  r = await qx.get('/api/v1/corrections?state=pending');
  assert.equal(r.json.total, 0, 'out of scope');
  r = await qx.post(`/api/v1/corrections/${c1.id}/approve`, {});
  assert.equal(r.status, 404, r.text);
  r = await qc.get('/api/v1/corrections?state=pending');
  assert.equal(r.json.total, 2, r.text);

  r = await qc.post(`/api/v1/corrections/${c1.id}/approve`, {});
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.state, 'approved');
  r = await qc.get(`/api/v1/workers/${wa.id}`);
  assert.equal(r.json.phone, '13912345678');
  r = await qc.post(`/api/v1/corrections/${c1.id}/approve`, {});
  assert.equal(r.status, 409, r.text);

  r = await qc.post(`/api/v1/corrections/${c2.id}/reject`, {});
  assert.equal(r.status, 422, r.text);
  r = await qc.post(`/api/v1/corrections/${c2.id}/reject`, { reason: '需单位证明' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.decision_reason, '需单位证明');
  r = await qc.get(`/api/v1/workers/${wa.id}`);
  assert.notEqual(r.json.post, '督导助理');

  r = await me.get('/api/v1/me/worker/corrections');
  assert.deepEqual(r.json.items.map((c) => c.state), ['rejected', 'approved']);

  let log = await auditor.get('/api/v1/audit?action=worker.correction_approve');
  assert.deepEqual(log.json.items[0].details, { correction_id: c1.id, fields: ['phone'] });
  assert.equal(log.json.items[0].user_login, 'qc-bureau');
  log = await auditor.get('/api/v1/audit?action=worker.update');
  assert.ok(log.json.items.some((e) => e.object_id === String(wa.id)), 'the change itself is audited');
  assert.ok(!JSON.stringify(log.json).includes('13912345678'), 'no values in audit');
  log = await auditor.get('/api/v1/audit?action=worker.correction_reject');
  assert.equal(log.json.items.length, 1);
});

test('export as a printable PDF: the name in it, the number masked', async () => {
  const res = await fetch(`${srv.url}/api/v1/me/worker/export.pdf`, { headers: { cookie: me.cookie } });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'application/pdf');
  const bytes = Buffer.from(await res.arrayBuffer());
  assert.equal(bytes.subarray(0, 4).toString(), '%PDF');
  const dir = mkdtempSync(join(tmpdir(), 'shegong-self-'));
  try {
    writeFileSync(join(dir, 'r.pdf'), bytes);
    const text = execFileSync('pdftotext', ['-q', join(dir, 'r.pdf'), '-'], { encoding: 'utf8' });
    assert.match(text, /孙八/);
    assert.match(text, /阳光社工/);
    assert.ok(text.includes(ID_A.slice(0, 6) + '********' + ID_A.slice(14)), text);
    assert.ok(!text.includes(ID_A), 'masked in the PDF');
  } finally { rmSync(dir, { recursive: true, force: true }); }
  const r = await fetch(`${srv.url}/api/v1/me/worker/export.pdf`, { headers: { cookie: other.cookie } });
  assert.equal(r.status, 404);
});
