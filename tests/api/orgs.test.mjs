// Organisations (domain/org.h) over HTTP: create with a valid credit code,
// the expected check character named on a bad one, an override with a
// recorded reason, duplicates, filters and paging, region scope, updates
// audited with field names, ratings graded by the configured cut-offs and
// their expiry, and the live code check.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startServer } from '../lib/server.mjs';
import { creditCode, idNumber } from '../lib/ids.mjs';

const PASSWORD = 'Orgs-Passw0rd!2026';
let srv;
let city; // bureau 清远市
let qc; // bureau 清城区
let gz; // bureau 广州市
let orgUser;

function addUser(login, role, region) {
  const r = srv.cli(['user', 'add', login, '--role', role, '--region', region, '--password-stdin'],
    { stdin: PASSWORD + '\n' });
  assert.equal(r.code, 0, r.stderr);
}

function sql(query) {
  return execFileSync('sqlite3', ['-readonly', srv.dbPath, query], { encoding: 'utf8' }).trim();
}

function fieldError(r, field) {
  return (r.json.errors || []).find((e) => e.field === field);
}

before(async () => {
  srv = await startServer({ regions: 'fixture' });
  addUser('org-city', 'bureau', '4418');
  addUser('org-qc', 'bureau', '441802');
  addUser('org-gz', 'bureau', '4401');
  addUser('org-staff', 'org', '441802');
  city = await srv.loginAs('org-city', PASSWORD);
  qc = await srv.loginAs('org-qc', PASSWORD);
  gz = await srv.loginAs('org-gz', PASSWORD);
  orgUser = await srv.loginAs('org-staff', PASSWORD);
});
after(async () => { await srv.stop(); });

const base = (over = {}) => ({
  name: '清远市清城区阳光社会工作服务中心', credit_code: creditCode('441802', 1),
  type: 'private_non_enterprise', region_code: '441802', legal_rep: '李明',
  founded_on: '2015-03-01', contact_phone: '0763-3388123', fields: ['elderly', 'youth'],
  ...over,
});

test('create: a valid code, the authority derived from it', async () => {
  const r = await qc.post('/api/v1/orgs', base());
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.authority, 'civil_affairs');
  assert.equal(r.json.region_name, '清城区');
  assert.deepEqual(r.json.fields, ['elderly', 'youth']);
  assert.equal(r.json.status, 'active');
  assert.equal(r.json.grade, null);
  // the standard's own examples are accepted too
  const ex = await qc.post('/api/v1/orgs', base({ name: '示例机构', credit_code: '51610700305332460K' }));
  assert.equal(ex.status, 201, ex.text);
  assert.equal(ex.json.authority, 'civil_affairs');
});

test('a wrong check character is 422 naming the expected one; an override needs a reason', async () => {
  const good = creditCode('441802', 2);
  const wrong = good.slice(0, 17) + (good[17] === '0' ? '1' : '0');
  let r = await qc.post('/api/v1/orgs', base({ name: '早期机构', credit_code: wrong }));
  assert.equal(r.status, 422, r.text);
  const e = fieldError(r, 'credit_code');
  assert.equal(e.code, 'invalid_check');
  assert.equal(e.message, `check character should be ${good[17]}`);
  r = await qc.get(`/api/v1/credit-codes/${wrong}`);
  assert.deepEqual([r.json.valid, r.json.result, r.json.expected_check, r.json.region_code],
    [false, 'check', good[17], '441802']);
  r = await qc.post('/api/v1/orgs', base({ name: '早期机构', credit_code: wrong,
    credit_override_reason: '登记证书所载代码，经核实为真实早期代码' }));
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.credit_code, wrong);
  assert.equal(sql(`SELECT details FROM audit_log WHERE action = 'org.create' AND object_id = '${r.json.id}'`),
    '{"check_overridden":true}');
  // malformed codes name what is wrong
  r = await qc.post('/api/v1/orgs', base({ credit_code: '91440101MI5CJQ4N59' }));
  assert.equal(r.status, 422);
  assert.match(fieldError(r, 'credit_code').message, /character 10/);
  r = await qc.post('/api/v1/orgs', base({ credit_code: '1234' }));
  assert.equal(fieldError(r, 'credit_code').code, 'invalid');
});

test('duplicates are 409 and name the holder when visible', async () => {
  let r = await qc.post('/api/v1/orgs', base({ name: '重复机构' }));
  assert.equal(r.status, 409, r.text);
  assert.match(fieldError(r, 'credit_code').message, /organisation \d+ already has this code/);
  // lower case is the same code
  r = await qc.post('/api/v1/orgs', base({ name: '重复机构', credit_code: creditCode('441802', 1).toLowerCase() }));
  assert.equal(r.status, 409);
  r = await gz.post('/api/v1/orgs', base({ region_code: '440103' }));
  assert.equal(r.status, 409);
  assert.match(fieldError(r, 'credit_code').message, /outside your region/);
});

test('bad fields are named', async () => {
  const r = await qc.post('/api/v1/orgs', { name: '', credit_code: creditCode('441802', 9), type: 'company',
    region_code: '441802', founded_on: '2015-02-30', fields: ['astrology'] });
  assert.equal(r.status, 422);
  const fields = r.json.errors.map((e) => e.field).sort();
  assert.deepEqual(fields, ['fields', 'founded_on', 'name', 'type']);
});

test('scope: another city is invisible, creating there is refused, org accounts read only', async () => {
  const mine = await qc.get('/api/v1/orgs');
  assert.equal(mine.status, 200);
  assert.ok(mine.json.total >= 3);
  const other = await gz.get('/api/v1/orgs');
  assert.equal(other.json.total, 0);
  const id = mine.json.items[0].id;
  assert.equal((await gz.get(`/api/v1/orgs/${id}`)).status, 404);
  assert.equal((await gz.patch(`/api/v1/orgs/${id}`, { name: 'x' })).status, 404);
  let r = await qc.post('/api/v1/orgs', base({ name: '越界机构', credit_code: creditCode('441803', 3), region_code: '441803' }));
  assert.equal(r.status, 422);
  assert.equal(fieldError(r, 'region_code').code, 'unknown');
  assert.equal((await orgUser.get(`/api/v1/orgs/${id}`)).status, 200);
  assert.equal((await orgUser.post('/api/v1/orgs', base({ name: 'x', credit_code: creditCode('441802', 4) }))).status, 403);
});

test('list: filters, paging and total', async () => {
  for (let i = 10; i < 15; i++) {
    const r = await city.post('/api/v1/orgs', base({ name: `清新区第${i}社工站运营机构`, credit_code: creditCode('441803', i),
      region_code: '441803', type: i % 2 ? 'social_group' : 'private_non_enterprise' }));
    assert.equal(r.status, 201, r.text);
  }
  let r = await city.get('/api/v1/orgs?region=441803&per_page=2&page=2');
  assert.equal(r.json.total, 5);
  assert.equal(r.json.items.length, 2);
  assert.equal(r.json.page, 2);
  r = await city.get('/api/v1/orgs?region=441803&type=social_group');
  assert.equal(r.json.total, 2);
  r = await city.get('/api/v1/orgs?q=' + encodeURIComponent('第12'));
  assert.deepEqual(r.json.items.map((o) => o.name), ['清新区第12社工站运营机构']);
  r = await city.get('/api/v1/orgs?q=' + creditCode('441803', 13).slice(8, 16));
  assert.equal(r.json.total, 1);
  r = await city.get('/api/v1/orgs?region=4401');
  assert.equal(r.status, 422);
});

test('update: fields changed, audited by name, code rechecked', async () => {
  const list = await qc.get('/api/v1/orgs?q=' + encodeURIComponent('阳光'));
  const id = list.json.items[0].id;
  let r = await qc.patch(`/api/v1/orgs/${id}`, { address: '清城区凤城街道 1 号', status: 'deregistered' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.address, '清城区凤城街道 1 号');
  assert.equal(r.json.status, 'deregistered');
  assert.equal(r.json.legal_rep, '李明', 'fields not sent are kept');
  assert.equal(sql(`SELECT details FROM audit_log WHERE action = 'org.update' AND object_id = '${id}'`),
    '{"fields":["address","status"]}');
  r = await qc.patch(`/api/v1/orgs/${id}`, { credit_code: '91440101MA5CJQ4N58' });
  assert.equal(r.status, 422);
  assert.equal(fieldError(r, 'credit_code').message, 'check character should be 9');
});

test('ratings: grade from the score by the cut-offs, valid five years, expired shown', async () => {
  const list = await qc.get('/api/v1/orgs?q=' + encodeURIComponent('示例'));
  const id = list.json.items[0].id;
  let r = await qc.post(`/api/v1/orgs/${id}/ratings`, { score: 812.5, evaluated_on: '2018-06-01' });
  assert.equal(r.status, 201, r.text);
  assert.deepEqual([r.json.grade, r.json.valid_until, r.json.expired], [4, '2023-06-01', true]);
  r = await qc.get(`/api/v1/orgs/${id}`);
  assert.deepEqual([r.json.grade, r.json.grade_expired], [4, true]);
  assert.equal((await qc.get('/api/v1/orgs?grade=-1')).json.items.some((o) => o.id === id), true);

  const today = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
  r = await qc.post(`/api/v1/orgs/${id}/ratings`, { score: 900, evaluated_on: today });
  assert.equal(r.json.grade, 5, 'the 5A cut-off is inclusive');
  r = await qc.get(`/api/v1/orgs/${id}`);
  assert.deepEqual([r.json.grade, r.json.grade_expired], [5, false]);
  assert.deepEqual((await qc.get('/api/v1/orgs?grade=5')).json.items.map((o) => o.id), [id]);
  r = await qc.get(`/api/v1/orgs/${id}/ratings`);
  assert.deepEqual(r.json.items.map((x) => x.grade), [5, 4]);

  r = await qc.post(`/api/v1/orgs/${id}/ratings`, { score: 499, evaluated_on: today });
  assert.equal(r.status, 422);
  assert.equal(fieldError(r, 'score').code, 'below_grade');
  r = await qc.post(`/api/v1/orgs/${id}/ratings`, { evaluated_on: today });
  assert.equal(fieldError(r, 'score').code, 'required');
  r = await qc.post(`/api/v1/orgs/${id}/ratings`, { grade: 3, evaluated_on: '2024-02-30' });
  assert.equal(fieldError(r, 'evaluated_on').code, 'invalid');
  // a grade given by the evaluators stands without a score
  r = await qc.post(`/api/v1/orgs/${id}/ratings`, { grade: 3, evaluated_on: today });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.score, null);
  assert.equal(sql(`SELECT count(*) FROM audit_log WHERE action = 'org.rating' AND object_id = '${id}'`), '3');
  assert.equal((await orgUser.post(`/api/v1/orgs/${id}/ratings`, { grade: 3, evaluated_on: today })).status, 403);
});

test('the public register lists active organisations without contacts', async () => {
  const anon = srv.client();
  const r = await anon.get('/api/v1/public/orgs?region=4418&per_page=100');
  assert.equal(r.status, 200, r.text);
  assert.ok(r.json.total >= 5);
  assert.deepEqual(Object.keys(r.json.items[0]).sort(),
    ['credit_code', 'grade', 'name', 'region_code', 'region_name', 'type']);
  assert.ok(!r.json.items.some((o) => o.name === '清远市清城区阳光社会工作服务中心'), 'deregistered ones are not listed');
  assert.ok(!r.text.includes('李明') && !r.text.includes('3388123'), 'no legal representative or phone');
});

test('staff: current employments of active workers, counted by level', async () => {
  const o = await qc.post('/api/v1/orgs', base({ name: '员工统计机构', credit_code: creditCode('441802', 31) }));
  assert.equal(o.status, 201, o.text);
  const people = [['assistant', null], ['assistant', null], ['intermediate', null], [null, null], ['senior', '2020-12-31']];
  let seq = 0;
  for (const [level, ended] of people) {
    seq += 1;
    const w = await qc.post('/api/v1/workers', { name: `员工${seq}`, id_number: idNumber('441802', '19850101', 300 + seq),
      region_code: '441802' });
    assert.equal(w.status, 201, w.text);
    if (level) {
      const q = await qc.post(`/api/v1/workers/${w.json.id}/qualifications`,
        { level, certificate_no: `STAFF-${seq}`, passed_on: '2019-05-01' });
      assert.equal(q.status, 201, q.text);
    }
    const e = await qc.post(`/api/v1/workers/${w.json.id}/employments`, { org_id: o.json.id,
      org_name: '员工统计机构', post: '社工', started_on: '2019-06-01', ...(ended ? { ended_on: ended } : {}) });
    assert.equal(e.status, 201, e.text);
  }
  const r = await orgUser.get(`/api/v1/orgs/${o.json.id}/staff`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.total, 4, 'the one who left in 2020 is not staff');
  assert.deepEqual(r.json.by_level, { none: 1, assistant: 2, intermediate: 1, senior: 0 });
  assert.equal((await gz.get(`/api/v1/orgs/${o.json.id}/staff`)).status, 404);
});

test('list items carry the current staff count', async () => {
  const r = await qc.get('/api/v1/orgs?q=' + encodeURIComponent('员工统计机构'));
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.items.length, 1);
  assert.equal(r.json.items[0].staff_count, 4);
});

test('rating cut-offs: read by all, changed by sysadmin only, ordered, audited, used for new ratings', async () => {
  const admin = await srv.loginAs(srv.adminLogin, srv.adminPassword);
  const defaults = { grade5: 900, grade4: 800, grade3: 700, grade2: 600, grade1: 500 };
  let r = await qc.get('/api/v1/settings/org-rating');
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json, { ...defaults, scale: 1000, valid_years: 5 });
  assert.equal((await qc.put('/api/v1/settings/org-rating', { ...defaults, grade5: 950 })).status, 403);
  r = await admin.put('/api/v1/settings/org-rating', { ...defaults, grade4: 900 });
  assert.equal(r.status, 422, r.text);
  assert.ok(fieldError(r, 'grade4'), r.text);
  r = await admin.put('/api/v1/settings/org-rating', { ...defaults, grade5: 950 });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.grade5, 950);
  assert.equal(sql("SELECT details FROM audit_log WHERE action = 'setting.update' AND object_id = 'org_rating.cutoffs'"),
    '{"fields":["value"]}');
  const o = await qc.post('/api/v1/orgs', base({ name: '定级机构', credit_code: creditCode('441802', 41) }));
  assert.equal(o.status, 201, o.text);
  r = await qc.post(`/api/v1/orgs/${o.json.id}/ratings`, { score: 920, evaluated_on: '2025-06-01' });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.grade, 4, '920 is 4A once 5A needs 950');
  assert.equal((await admin.put('/api/v1/settings/org-rating', defaults)).status, 200);
});
