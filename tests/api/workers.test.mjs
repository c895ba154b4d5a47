// The worker registry over HTTP (/api/v1/workers) on the fixture regions:
// create, read, patch; the ID number masked in every reply and absent in
// clear from the database file; the audited reveal; duplicates; scope
// between the districts 清城 441802 and 清新 441803; roles; qualifications
// and the computed level; search by filters and in Traditional or
// Simplified Chinese; and 422s that name the field at fault.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { startServer } from '../lib/server.mjs';

const PASSWORD = 'Registry-Passw0rd!2026';
const ID_A = '440524188001010014';        // male, 1880-01-01
const ID_B = '11010519491231002X';        // female, 1949-12-31
const MASK_A = '440524********0014';

// A valid number with the given birth date and sequence.
function idNumber(region6, date8, seq) {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const s17 = region6 + date8 + String(seq).padStart(3, '0');
  const sum = [...s17].reduce((acc, d, i) => acc + Number(d) * w[i], 0);
  return s17 + '10X98765432'[sum % 11];
}

let srv;
let qc; // bureau 清城区 441802
let qx; // bureau 清新区 441803
let org; // org account in 441802
let root; // sysadmin
let auditor;
const clear = new Set(); // every ID number sent, to look for in replies

function addUser(login, role, region) {
  const args = ['user', 'add', login, '--role', role, '--password-stdin'];
  if (region) args.push('--region', region);
  const r = srv.cli(args, { stdin: PASSWORD + '\n' });
  assert.equal(r.code, 0, r.stderr);
}

// No reply may carry a number in clear, except the reveal.
function assertMasked(r) {
  for (const n of clear) {
    assert.ok(!r.text.includes(n), `reply carries ${n} in clear: ${r.text}`);
    assert.ok(!r.text.includes(n.slice(0, 17)), `reply carries ${n} in clear: ${r.text}`);
  }
}

function assertProblem(r, status, field, code) {
  assert.equal(r.status, status, r.text);
  assert.match(r.headers.get('content-type'), /^application\/problem\+json/);
  if (field) {
    const e = r.json.errors.find((x) => x.field === field);
    assert.ok(e, `no error for field ${field}: ${r.text}`);
    if (code) assert.equal(e.code, code, r.text);
    return e;
  }
  return null;
}

async function create(client, body) {
  if (typeof body.id_number === 'string') clear.add(body.id_number.toUpperCase());
  const r = await client.post('/api/v1/workers', body);
  assertMasked(r);
  return r;
}

before(async () => {
  srv = await startServer({ regions: 'fixture' });
  addUser('qingcheng-bureau', 'bureau', '441802');
  addUser('qingxin-bureau', 'bureau', '441803');
  addUser('qingcheng-org', 'org', '441802');
  addUser('auditor1', 'auditor');
  qc = await srv.loginAs('qingcheng-bureau', PASSWORD);
  qx = await srv.loginAs('qingxin-bureau', PASSWORD);
  org = await srv.loginAs('qingcheng-org', PASSWORD);
  auditor = await srv.loginAs('auditor1', PASSWORD);
  root = await srv.loginAs(srv.adminLogin, srv.adminPassword);
});

after(async () => {
  if (srv) await srv.stop();
});

let workerA;

test('create: sex and birth date derived, number masked, 201', async () => {
  const r = await create(qc, {
    name: '张三', id_number: ID_A, region_code: '441802006', phone: '13800138000',
    education: 'bachelor', social_work_major: true, org_name: '清远市社工服务中心',
    post: '项目主管', service_fields: ['elderly', 'youth'],
  });
  assert.equal(r.status, 201, r.text);
  workerA = r.json;
  assert.equal(r.json.id_number, MASK_A);
  assert.equal(r.json.sex, 'male');
  assert.equal(r.json.birth_date, '1880-01-01');
  assert.equal(r.json.region_name, '凤城街道');
  assert.equal(r.json.level, 'none');
  assert.equal(r.json.status, 'active');
  assert.equal(r.json.org_id, null);
  assert.deepEqual(r.json.service_fields, ['elderly', 'youth']);
  assert.equal(r.json.registration_state, 'not_applied');
  assert.deepEqual(Object.keys(r.json).sort(), ['birth_date', 'created_at', 'education',
    'id', 'id_number', 'level', 'name', 'org_id', 'org_name', 'phone', 'post',
    'region_code', 'region_name', 'registration_state', 'service_fields',
    'sex', 'social_work_major', 'status', 'updated_at']);

  const b = await create(qc, { name: '李四', id_number: ID_B.toLowerCase(), region_code: '441802',
    sex: 'female', birth_date: '1949-12-31' });
  assert.equal(b.status, 201, b.text);
  assert.equal(b.json.id_number, '110105********002X');
});

test('read and patch: masked, audited with the changed field names', async () => {
  let r = await qc.get(`/api/v1/workers/${workerA.id}`);
  assert.equal(r.status, 200, r.text);
  assertMasked(r);
  assert.equal(r.json.id_number, MASK_A);

  r = await qc.patch(`/api/v1/workers/${workerA.id}`, { post: '督导', phone: '0763-3388123',
    service_fields: ['school'], name: '张三' });
  assert.equal(r.status, 200, r.text);
  assertMasked(r);
  assert.equal(r.json.id_number, MASK_A);
  assert.equal(r.json.post, '督导');
  assert.deepEqual(r.json.service_fields, ['school']);

  r = await qc.patch(`/api/v1/workers/${workerA.id}`, { phone: null, status: 'left' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.phone, null);
  assert.equal(r.json.status, 'left');
  r = await qc.patch(`/api/v1/workers/${workerA.id}`, { status: 'active' });
  assert.equal(r.status, 200, r.text);

  const log = await auditor.get('/api/v1/audit?action=worker.update');
  assert.equal(log.status, 200, log.text);
  const first = log.json.items.at(-1);
  assert.equal(first.object_type, 'worker');
  assert.equal(first.object_id, String(workerA.id));
  assert.equal(first.user_login, 'qingcheng-bureau');
  assert.deepEqual(first.details, { fields: ['phone', 'post', 'service_fields'] });
  const created = await auditor.get('/api/v1/audit?action=worker.create');
  assert.equal(created.json.total, 2);
  assertMasked(created);
});

test('a new ID number re-derives sex and birth date; a wrong sex is 422', async () => {
  const r = await create(qc, { name: '王五', id_number: idNumber('441802', '19900101', 11),
    region_code: '441802007' });
  assert.equal(r.status, 201, r.text);
  const next = idNumber('441802', '19950607', 22);
  clear.add(next);
  const p = await qc.patch(`/api/v1/workers/${r.json.id}`, { id_number: next });
  assert.equal(p.status, 200, p.text);
  assertMasked(p);
  assert.equal(p.json.birth_date, '1995-06-07');
  assert.equal(p.json.sex, 'female');
  assert.equal(p.json.id_number, next.slice(0, 6) + '********' + next.slice(14));

  assertProblem(await qc.patch(`/api/v1/workers/${r.json.id}`, { sex: 'male' }),
    422, 'sex', 'mismatch');
  assertProblem(await qc.patch(`/api/v1/workers/${r.json.id}`, { birth_date: '1995-06-08' }),
    422, 'birth_date', 'mismatch');
  const e = assertProblem(await qc.patch(`/api/v1/workers/${r.json.id}`,
    { id_number: '110105194912310021' }), 422, 'id_number', 'check');
  assert.equal(e.message, 'check character should be X');
  assertProblem(await qc.patch(`/api/v1/workers/${r.json.id}`, { id_number: ID_A }),
    409, 'id_number', 'duplicate');
});

test('the database file never holds an ID number in clear', async () => {
  const files = [srv.dbPath, srv.dbPath + '-wal'].filter(existsSync);
  assert.ok(files.length > 0);
  for (const f of files) {
    const bytes = readFileSync(f);
    for (const n of clear) {
      assert.equal(bytes.indexOf(n), -1, `${f} contains ${n}`);
      assert.equal(bytes.indexOf(n.slice(0, 17)), -1, `${f} contains ${n}`);
    }
  }
});

test('reveal: reason required, number in clear, audited without it', async () => {
  const path = `/api/v1/workers/${workerA.id}/reveal`;
  assertProblem(await qc.post(path, {}), 422, 'reason', 'required');
  assertProblem(await qc.post(path, { reason: 'x' }), 422, 'reason', 'too_short');
  assertProblem(await qc.post(path, { reason: 'x'.repeat(201) }), 422, 'reason', 'too_long');

  let r = await qc.post(path, { reason: '核对登记材料' });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json, { id_number: ID_A });
  assert.match(r.headers.get('cache-control'), /no-store/);
  r = await org.post(path, { reason: '发放补贴' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.id_number, ID_A);

  // other roles: refused by role; the other district: not found
  assertProblem(await root.post(path, { reason: '看一下' }), 403);
  assertProblem(await auditor.post(path, { reason: '看一下' }), 403);
  assertProblem(await qx.post(path, { reason: '看一下' }), 404);

  const log = await auditor.get('/api/v1/audit?action=worker.reveal');
  assert.equal(log.status, 200, log.text);
  assert.equal(log.json.total, 2);
  assert.deepEqual(log.json.items.map((i) => i.details.reason), ['发放补贴', '核对登记材料']);
  assert.deepEqual(log.json.items.map((i) => i.user_login), ['qingcheng-org', 'qingcheng-bureau']);
  assert.ok(!log.text.includes(ID_A));
  const denied = await auditor.get('/api/v1/audit?action=permission.denied');
  assert.ok(denied.json.items.some((i) => i.object_id === `POST /api/v1/workers/${workerA.id}/reveal`));
});

test('duplicates: 409 naming the record when the caller may see it', async () => {
  let r = await create(qc, { name: '张三', id_number: ID_A, region_code: '441802006' });
  const e = assertProblem(r, 409, 'id_number', 'duplicate');
  assert.equal(e.message, `already registered as worker ${workerA.id}`);
  r = await create(qx, { name: '张三', id_number: ID_A, region_code: '441803102' });
  const e2 = assertProblem(r, 409, 'id_number', 'duplicate');
  assert.equal(e2.message, 'already registered in another region');
});

test('scope: a district never sees the other district\'s workers', async () => {
  const other = await create(qx, { name: '清新一', id_number: idNumber('441803', '19880808', 31),
    region_code: '441803102', org_name: '清新社工站' });
  assert.equal(other.status, 201, other.text);
  const q = await qc.post(`/api/v1/workers/${workerA.id}/qualifications`,
    { level: 'assistant', certificate_no: 'A2015440001', passed_on: '2015-06-20' });
  assert.equal(q.status, 201, q.text);

  for (const [mine, theirs, id, qid] of [[qc, qx, workerA.id, q.json.id],
    [qx, qc, other.json.id, 1]]) {
    const list = await theirs.get('/api/v1/workers?per_page=200');
    assert.equal(list.status, 200, list.text);
    assert.ok(!list.json.items.some((w) => w.id === id));
    assertMasked(list);
    assertProblem(await theirs.get(`/api/v1/workers/${id}`), 404);
    assertProblem(await theirs.patch(`/api/v1/workers/${id}`, { post: 'x' }), 404);
    assertProblem(await theirs.post(`/api/v1/workers/${id}/reveal`, { reason: '核对身份' }), 404);
    assertProblem(await theirs.get(`/api/v1/workers/${id}/qualifications`), 404);
    assertProblem(await theirs.post(`/api/v1/workers/${id}/qualifications`,
      { level: 'senior', certificate_no: 'S2020000001', passed_on: '2020-01-01' }), 404);
    assertProblem(await theirs.del(`/api/v1/workers/${id}/qualifications/${qid}`), 404);
    assert.equal((await mine.get(`/api/v1/workers/${id}`)).status, 200);
  }
  // the other district's region in input or filters
  assertProblem(await create(qc, { name: '越界', id_number: idNumber('441802', '19900101', 41),
    region_code: '441803102' }), 422, 'region_code', 'unknown');
  assertProblem(await qc.get('/api/v1/workers?region=441803'), 422, 'region');
  assertProblem(await qc.patch(`/api/v1/workers/${workerA.id}`, { region_code: '441803102' }),
    422, 'region_code', 'unknown');
});

test('roles: platform roles get 403 on worker data', async () => {
  for (const c of [root, auditor]) {
    assertProblem(await c.get('/api/v1/workers'), 403);
    assertProblem(await c.get(`/api/v1/workers/${workerA.id}`), 403);
    assertProblem(await c.post('/api/v1/workers', { name: 'x' }), 403);
    assertProblem(await c.get(`/api/v1/workers/${workerA.id}/qualifications`), 403);
  }
  assertProblem(await srv.client().get('/api/v1/workers'), 401);
});

test('qualifications: history kept, level is the highest, bureau removes', async () => {
  const base = `/api/v1/workers/${workerA.id}/qualifications`;
  let r = await org.post(base, { level: 'senior', certificate_no: 'S2024440001',
    passed_on: '2024-06-20', issuer: '人力资源社会保障部' });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.level, 'senior');
  assert.equal(r.json.removed_at, null);
  const senior = r.json.id;
  assert.equal((await qc.get(`/api/v1/workers/${workerA.id}`)).json.level, 'senior');

  assertProblem(await qc.post(base, { level: 'senior', certificate_no: 'S2024440001',
    passed_on: '2024-06-20' }), 409, 'certificate_no', 'duplicate');
  r = await qc.post(base, { level: 'expert', certificate_no: '!', passed_on: '2999-01-01' });
  assertProblem(r, 422, 'level', 'invalid');
  assertProblem(r, 422, 'certificate_no', 'invalid');
  assertProblem(r, 422, 'passed_on', 'future');
  assertProblem(await qc.post(base, {}), 422, 'certificate_no', 'required');

  assertProblem(await org.del(`${base}/${senior}`), 403);
  assert.equal((await qc.del(`${base}/${senior}`)).status, 204);
  assertProblem(await qc.del(`${base}/${senior}`), 404);
  r = await qc.get(base);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.total, 2);
  assert.deepEqual(r.json.items.map((q) => [q.level, q.removed_at !== null]),
    [['assistant', false], ['senior', true]]);
  assert.equal((await qc.get(`/api/v1/workers/${workerA.id}`)).json.level, 'assistant');
});

test('search: 清遠 finds 清远, filters, sort, paging', async () => {
  const c = await create(qc, { name: '陈清远', id_number: idNumber('441802', '19960101', 51),
    region_code: '441802103', org_name: '清远市社工服务中心', education: 'master',
    service_fields: ['disability'] });
  assert.equal(c.status, 201, c.text);
  const d = await create(qc, { name: '林美玲', id_number: idNumber('441802', '19700101', 62),
    region_code: '441802103', org_name: '英德市啟明社會工作服務中心' });
  assert.equal(d.status, 201, d.text);

  const ids = (r) => r.json.items.map((w) => w.id);
  const get = async (client, qs) => {
    const r = await client.get('/api/v1/workers?' + qs);
    assert.equal(r.status, 200, r.text);
    assertMasked(r);
    return r;
  };
  // one or two characters: the name and its initials (the short-fragment
  // index), so workerA, whose organisation only has 清远, is not a match;
  // three or more: the trigram index over name, organisation, certificates
  let r = await get(qc, 'q=' + encodeURIComponent('清遠'));
  assert.deepEqual(ids(r), [c.json.id]);
  r = await get(qc, 'q=' + encodeURIComponent('遠') + '&region=441802103&level=none');
  assert.deepEqual(ids(r), [c.json.id]);
  assert.equal(r.json.total, 1);
  r = await get(qc, 'q=cq&education=master');
  assert.deepEqual(ids(r), [c.json.id]);
  r = await get(qc, 'q=' + encodeURIComponent('美'));
  assert.deepEqual(ids(r), [d.json.id]);
  r = await get(qc, 'q=' + encodeURIComponent('清遠市社工服務中心'));
  assert.deepEqual(ids(r).sort(), [workerA.id, c.json.id].sort());
  r = await get(qc, 'q=' + encodeURIComponent('启明社会'));
  assert.deepEqual(ids(r), [d.json.id]);
  r = await get(qc, 'q=A2015440');
  assert.deepEqual(ids(r), [workerA.id]);
  r = await get(qx, 'q=' + encodeURIComponent('清遠'));
  assert.ok(!ids(r).includes(workerA.id));

  r = await get(qc, 'field=disability');
  assert.deepEqual(ids(r), [c.json.id]);
  r = await get(qc, 'education=master&region=441802103');
  assert.deepEqual(ids(r), [c.json.id]);
  r = await get(qc, 'level=assistant');
  assert.deepEqual(ids(r), [workerA.id]);
  r = await get(qc, 'org=' + encodeURIComponent('英德'));
  assert.deepEqual(ids(r), [d.json.id]);
  // exact lookup by number: a POST, so that no URL carries it
  r = await qc.post('/api/v1/workers/lookup', { id_number: ID_B.toLowerCase() });
  assert.equal(r.status, 200, r.text);
  assertMasked(r);
  assert.equal(r.json.total, 1);
  assert.equal(r.json.items[0].name, '李四');
  r = await qx.post('/api/v1/workers/lookup', { id_number: ID_B });
  assert.equal(r.json.total, 0);
  assertProblem(await qc.post('/api/v1/workers/lookup', { id_number: '110105194912310021' }),
    422, 'id_number', 'check');
  r = await get(qc, 'age_min=50&age_max=60');
  assert.deepEqual(ids(r), [d.json.id]);
  r = await get(qc, 'age_max=35');
  assert.ok(ids(r).includes(c.json.id) && !ids(r).includes(d.json.id));

  r = await get(qc, 'per_page=2&page=1');
  assert.equal(r.json.total, 5);
  assert.equal(r.json.items.length, 2);
  assert.equal(r.json.items[0].id, d.json.id); // newest first
  r = await get(qc, 'per_page=2&page=3');
  assert.equal(r.json.items.length, 1);
  r = await get(qc, 'sort=-level');
  assert.equal(r.json.items[0].id, workerA.id);
  r = await get(qc, 'sort=name&q=' + encodeURIComponent('清远市'));
  assert.deepEqual(r.json.items.map((w) => w.name), ['张三', '陈清远']);
  r = await get(qc, 'sort=-name&q=' + encodeURIComponent('清'));
  assert.deepEqual(r.json.items.map((w) => w.name), ['陈清远']);

  r = await qc.get('/api/v1/workers?level=expert&sort=age&education=phd&status=x&field=astrology');
  assertProblem(r, 422, 'level', 'invalid');
  assertProblem(r, 422, 'sort', 'invalid');
  assertProblem(r, 422, 'education', 'invalid');
  assertProblem(r, 422, 'status', 'invalid');
  assertProblem(r, 422, 'field', 'invalid');
  r = await qc.get('/api/v1/workers?age_min=-1&age_max=abc&page=0');
  assertProblem(r, 422, 'age_min');
  assertProblem(r, 422, 'age_max');
  assertProblem(await qc.get('/api/v1/workers?age_min=40&age_max=30'), 422, 'age_max');
  assertProblem(await qc.get('/api/v1/workers?q=' + 'x'.repeat(51)), 422, 'q');
});

test('bad input: 422 naming every field at fault', async () => {
  let r = await create(qc, {});
  assertProblem(r, 422, 'name', 'required');
  assertProblem(r, 422, 'id_number', 'required');
  assertProblem(r, 422, 'region_code', 'required');

  // types and sizes first, then the rules
  r = await create(qc, { name: 'x'.repeat(51), id_number: 4405241880010100, region_code: '4418',
    social_work_major: 'yes', color: 'red' });
  assertProblem(r, 422, 'name', 'too_long');
  assertProblem(r, 422, 'id_number', 'type');
  assertProblem(r, 422, 'social_work_major', 'type');
  assertProblem(r, 422, 'color', 'unknown');
  r = await create(qc, { name: '张', id_number: '4405241880010100', region_code: '441802' });
  assert.equal(assertProblem(r, 422, 'id_number', 'length').message, 'must be 18 characters (got 16)');

  r = await create(qc, { name: '张', id_number: '4405241880010100A4', region_code: '4418',
    phone: '12345', education: 'phd', status: 'retired', service_fields: ['elderly', 'astrology'] });
  assert.equal(assertProblem(r, 422, 'id_number', 'digit').message, 'character 17 must be a digit');
  assertProblem(r, 422, 'region_code', 'level');
  assertProblem(r, 422, 'phone', 'invalid');
  assertProblem(r, 422, 'education', 'invalid');
  assertProblem(r, 422, 'status', 'invalid');
  assertProblem(r, 422, 'service_fields[1]', 'unknown');

  r = await create(qc, { name: '张', id_number: idNumber('441802', '20230229', 1), region_code: '441802' });
  assert.equal(assertProblem(r, 422, 'id_number', 'birth_date').message,
    'impossible birth date 2023-02-29');
  r = await create(qc, { name: '张', id_number: '110105194912310021', region_code: '441802' });
  assert.equal(assertProblem(r, 422, 'id_number', 'check').message, 'check character should be X');
  r = await create(qc, { name: '张', id_number: ID_A.replace('0014', '0024'), region_code: '441802',
    sex: 'female' });
  assertProblem(r, 422, 'id_number', 'check');
  r = await create(qc, { name: '张', id_number: idNumber('441802', '19900101', 71),
    region_code: '441802999', sex: 'female' });
  assertProblem(r, 422, 'region_code', 'unknown');
  assertProblem(r, 422, 'sex', 'mismatch');
  assertProblem(await create(qc, { name: '张', service_fields: 'elderly' }), 422, 'service_fields', 'type');
  assertProblem(await create(qc, { name: '张', service_fields: ['elderly', 3] }), 422,
    'service_fields', 'type');

  assertProblem(await qc.get('/api/v1/workers/abc'), 404);
  assertProblem(await qc.get('/api/v1/workers/999999'), 404);
  assertProblem(await qc.del(`/api/v1/workers/${workerA.id}`), 405);
});

test('service field codes with their Chinese names', async () => {
  const r = await org.get('/api/v1/workers/service-fields');
  assert.equal(r.status, 200, r.text);
  assert.ok(r.json.items.length >= 20);
  assert.deepEqual(r.json.items.find((i) => i.code === 'elderly'), { code: 'elderly', name: '老年人服务' });
});
