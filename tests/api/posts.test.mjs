// Social work posts (domain/post.h) over HTTP: create for an organisation
// or a community, fill with a worker (409 when filled, or when the worker
// already holds a post), vacate, the holders' history, vacancies by field
// and level, "one community one social worker" coverage, scope and roles.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startServer } from '../lib/server.mjs';
import { creditCode, idNumber } from '../lib/ids.mjs';

const PASSWORD = 'Posts-Passw0rd!2026';
let srv;
let city; // bureau 清远市
let qc; // bureau 清城区
let qx; // bureau 清新区
let orgUser;
let org;
let wa;
let wb;
let wx;

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

async function created(c, path, body) {
  const r = await c.post(path, body);
  assert.equal(r.status, 201, r.text);
  return r.json;
}

before(async () => {
  srv = await startServer({ regions: 'fixture' });
  addUser('po-city', 'bureau', '4418');
  addUser('po-qc', 'bureau', '441802');
  addUser('po-qx', 'bureau', '441803');
  addUser('po-org', 'org', '441802');
  city = await srv.loginAs('po-city', PASSWORD);
  qc = await srv.loginAs('po-qc', PASSWORD);
  qx = await srv.loginAs('po-qx', PASSWORD);
  orgUser = await srv.loginAs('po-org', PASSWORD);
  org = await created(qc, '/api/v1/orgs', { name: '清城区启航社工服务中心',
    credit_code: creditCode('441802', 11), type: 'private_non_enterprise', region_code: '441802' });
  wa = await created(qc, '/api/v1/workers', { name: '陈一', id_number: idNumber('441802', '19880101', 1),
    region_code: '441802006' });
  wb = await created(qc, '/api/v1/workers', { name: '林二', id_number: idNumber('441802', '19900202', 2),
    region_code: '441802' });
  wx = await created(qx, '/api/v1/workers', { name: '黄三', id_number: idNumber('441803', '19920303', 3),
    region_code: '441803' });
});
after(async () => { await srv?.stop(); });

test('create: an organisation post and a community post; bad input names the field', async () => {
  const p = await created(qc, '/api/v1/posts', { title: '长者服务社工', unit_type: 'org', org_id: org.id,
    field: 'elderly', required_level: 'assistant', region_code: '441802', purchased: true });
  assert.equal(p.org_name, '清城区启航社工服务中心');
  assert.deepEqual([p.filled, p.worker_id, p.required_level, p.purchased, p.status],
    [false, null, 'assistant', true, 'active']);
  const c = await created(qc, '/api/v1/posts', { title: '高基里社区社工', unit_type: 'community',
    unit_name: '高基里社区居委会', field: 'community', required_level: 'none', region_code: '441802006001' });
  assert.equal(c.region_name, '高基里社区居委会');
  let r = await qc.post('/api/v1/posts', { title: '错层级社区岗', unit_type: 'community', field: 'community',
    region_code: '441802006' });
  assert.equal(r.status, 422);
  assert.equal(fieldError(r, 'region_code').code, 'wrong_level');
  r = await qc.post('/api/v1/posts', { title: '无机构', unit_type: 'org', field: 'elderly', region_code: '441802' });
  assert.equal(fieldError(r, 'org_id').code, 'required');
  r = await qc.post('/api/v1/posts', { title: 'x', unit_type: 'club', field: 'nope', required_level: 'expert',
    region_code: '441802' });
  assert.deepEqual(r.json.errors.map((e) => e.field).sort(), ['field', 'required_level', 'unit_type']);
  r = await qc.post('/api/v1/posts', {});
  assert.deepEqual(r.json.errors.map((e) => e.field).sort(), ['field', 'region_code', 'title', 'unit_type']);
  r = await orgUser.post('/api/v1/posts', { title: 'x', unit_type: 'government', field: 'elderly',
    region_code: '441802' });
  assert.equal(r.status, 403);
});

test('fill: a worker takes the post; filling a filled post is 409; one post per worker', async () => {
  const p = (await qc.get('/api/v1/posts?q=长者服务')).json.items[0];
  let r = await qc.post(`/api/v1/posts/${p.id}/fill`, { worker_id: wa.id, since: '2024-03-01' });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual([r.json.filled, r.json.worker_id, r.json.worker_name, r.json.filled_since],
    [true, wa.id, '陈一', '2024-03-01']);
  r = await qc.post(`/api/v1/posts/${p.id}/fill`, { worker_id: wb.id, since: '2024-04-01' });
  assert.equal(r.status, 409, r.text);
  assert.equal(fieldError(r, 'worker_id').code, 'filled');
  const other = (await qc.get('/api/v1/posts?q=高基里')).json.items[0];
  r = await qc.post(`/api/v1/posts/${other.id}/fill`, { worker_id: wa.id, since: '2024-04-01' });
  assert.equal(r.status, 409);
  assert.equal(fieldError(r, 'worker_id').code, 'holds_post');
  // a worker outside the scope is unknown; a bad date names "since"
  r = await qc.post(`/api/v1/posts/${other.id}/fill`, { worker_id: wx.id, since: '2024-02-30' });
  assert.equal(r.status, 422);
  assert.deepEqual(r.json.errors.map((e) => e.field).sort(), ['since', 'worker_id']);
  assert.equal(sql(`SELECT details FROM audit_log WHERE action = 'post.fill' AND object_id = '${p.id}'`),
    `{"worker_id":${wa.id}}`);
  // a filled post cannot be closed
  r = await qc.patch(`/api/v1/posts/${p.id}`, { status: 'closed' });
  assert.equal(r.status, 409);
  assert.equal(fieldError(r, 'status').code, 'filled');
});

test('vacate, history, refill after the leaving date', async () => {
  const p = (await qc.get('/api/v1/posts?q=长者服务')).json.items[0];
  let r = await qc.post(`/api/v1/posts/${p.id}/vacate`, { until: '2024-02-01' });
  assert.equal(r.status, 422);
  assert.equal(fieldError(r, 'until').code, 'before_since');
  r = await qc.post(`/api/v1/posts/${p.id}/vacate`, { until: '2025-06-30' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.filled, false);
  r = await qc.post(`/api/v1/posts/${p.id}/vacate`, { until: '2025-07-01' });
  assert.equal(r.status, 409);
  r = await qc.post(`/api/v1/posts/${p.id}/fill`, { worker_id: wb.id, since: '2025-06-01' });
  assert.equal(fieldError(r, 'since').code, 'overlap');
  r = await qc.post(`/api/v1/posts/${p.id}/fill`, { worker_id: wb.id, since: '2025-07-01' });
  assert.equal(r.status, 200, r.text);
  r = await qc.get(`/api/v1/posts/${p.id}/history`);
  assert.deepEqual(r.json.items.map((h) => [h.worker_name, h.since, h.until]),
    [['林二', '2025-07-01', null], ['陈一', '2024-03-01', '2025-06-30']]);
});

test('list filters, vacancies by field and level, scope', async () => {
  await created(qc, '/api/v1/posts', { title: '儿童服务社工', unit_type: 'government', unit_name: '清城区民政局',
    field: 'children', required_level: 'intermediate', region_code: '441802' });
  await created(qx, '/api/v1/posts', { title: '太和镇社工', unit_type: 'government', unit_name: '太和镇政府',
    field: 'elderly', required_level: 'assistant', region_code: '441803102' });
  let r = await qc.get('/api/v1/posts?filled=1');
  assert.deepEqual(r.json.items.map((p) => p.title), ['长者服务社工']);
  r = await qc.get('/api/v1/posts?filled=0');
  assert.deepEqual(r.json.items.map((p) => p.title).sort(), ['儿童服务社工', '高基里社区社工']);
  r = await qc.get('/api/v1/posts?level=intermediate');
  assert.deepEqual(r.json.items.map((p) => p.title), ['儿童服务社工']);
  r = await qc.get('/api/v1/posts?unit_type=community');
  assert.equal(r.json.total, 1);
  r = await qc.get(`/api/v1/posts?org_id=${org.id}`);
  assert.equal(r.json.total, 1);
  r = await qc.get('/api/v1/posts?q=民政局');
  assert.deepEqual(r.json.items.map((p) => p.title), ['儿童服务社工']);
  r = await qc.get('/api/v1/posts?level=expert');
  assert.equal(r.status, 422);
  // scope: 清城 does not see 清新's post; the city sees both
  r = await qc.get('/api/v1/posts?q=太和');
  assert.equal(r.json.total, 0);
  r = await city.get('/api/v1/posts');
  assert.equal(r.json.total, 4);
  const taihe = (await city.get('/api/v1/posts?q=太和')).json.items[0];
  assert.equal((await qc.get(`/api/v1/posts/${taihe.id}`)).status, 404);
  r = await city.get('/api/v1/posts/vacancies?region=4418');
  assert.equal(r.status, 200, r.text);
  const key = (v) => `${v.field}/${v.required_level}`;
  assert.deepEqual(Object.fromEntries(r.json.items.map((v) => [key(v), [v.posts, v.filled, v.vacant]])), {
    'elderly/assistant': [2, 1, 1], 'children/intermediate': [1, 0, 1], 'community/none': [1, 0, 1],
  });
  r = await orgUser.get('/api/v1/posts/vacancies');
  assert.equal(r.status, 200);
});

test('one community one social worker: staffed communities follow fills and vacancies', async () => {
  const cov = async () => (await qc.get('/api/v1/coverage?region=441802')).json;
  let c = await cov();
  assert.deepEqual([c.communities.total, c.communities.staffed], [28, 0]);
  assert.deepEqual(c.posts, { total: 3, filled: 1, vacant: 2 });
  const p = (await qc.get('/api/v1/posts?q=高基里')).json.items[0];
  const wc = await created(qc, '/api/v1/workers', { name: '吴四', id_number: idNumber('441802', '19950505', 4),
    region_code: '441802006001' });
  let r = await qc.post(`/api/v1/posts/${p.id}/fill`, { worker_id: wc.id, since: '2026-01-05' });
  assert.equal(r.status, 200, r.text);
  c = await cov();
  assert.equal(c.communities.staffed, 1);
  r = await qc.get('/api/v1/coverage/gaps?region=441802006&level=community&per_page=1');
  assert.deepEqual([r.json.total, r.json.items[0].code], [27, '441802006002']);
  // the dashboard's indicators agree with a count over the raw tables
  const raw = (q) => Number(sql(q));
  let ind = (await qc.get('/api/v1/stats/indicator/community_worker_coverage')).json;
  assert.deepEqual([ind.numerator, ind.denominator], [
    raw("SELECT count(DISTINCT region_code) FROM posts WHERE status = 'active' AND worker_id IS NOT NULL"
      + " AND length(region_code) = 12 AND region_code LIKE '441802%'"),
    raw("SELECT count(*) FROM regions WHERE level = 5 AND code LIKE '441802%'")]);
  assert.equal(ind.numerator, 1);
  ind = (await qc.get('/api/v1/stats/indicator/posts_filled')).json;
  assert.deepEqual([ind.numerator, ind.denominator], [
    raw("SELECT count(*) FROM posts WHERE status = 'active' AND worker_id IS NOT NULL AND region_code LIKE '441802%'"),
    raw("SELECT count(*) FROM posts WHERE status = 'active' AND region_code LIKE '441802%'")]);
  r = await qc.post(`/api/v1/posts/${p.id}/vacate`, { until: '2026-06-30' });
  assert.equal(r.status, 200);
  assert.equal((await cov()).communities.staffed, 0);
  r = srv.cli(['stats', 'check']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
});

test('the post list exports to CSV with the filter', async () => {
  const res = await fetch(`${srv.url}/api/v1/exports/posts?format=csv&filled=1`,
    { headers: { cookie: qc.cookie } });
  assert.equal(res.status, 200);
  const lines = Buffer.from(await res.arrayBuffer()).subarray(3).toString().split('\r\n').filter((l) => l);
  assert.match(lines[0], /^编号,岗位名称,设岗单位类型/);
  assert.deepEqual(lines.slice(1).map((l) => l.split(',')[1]), ['长者服务社工']);
  assert.match(lines[1], /,林二,2025-07-01$/);
});

test('posts import: an organisation post filled by ID number; the same file again changes nothing', async () => {
  const { writeFileSync, mkdtempSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { tmpdir } = await import('node:os');
  const wd = await created(qc, '/api/v1/workers', { name: '郑五', id_number: idNumber('441802', '19960606', 5),
    region_code: '441802' });
  assert.ok(wd.id);
  const file = join(mkdtempSync(join(tmpdir(), 'sg-po-')), 'posts.csv');
  writeFileSync(file, [
    '岗位名称,设岗单位类型,机构统一社会信用代码,服务领域,要求职业水平,区划代码,政府购买,在岗社工身份证号,上岗日期',
    `青少年社工,机构,${org.credit_code},青少年服务,初级,441802,是,${idNumber('441802', '19960606', 5)},2026-03-01`,
    `社区岗,城乡社区,,社区建设,不限,441802006005,否,,`,
    `无人岗,机构,${org.credit_code},青少年服务,初级,441802,是,${idNumber('441802', '19960606', 5)},`,
    '',
  ].join('\n'));
  let r = srv.cli(['import', 'posts', file, '--mode', 'skip-invalid', '--json']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout.trim().split('\n').pop()),
    { inserted: 2, updated: 0, unchanged: 0, rejected: 1 });
  const p = (await qc.get('/api/v1/posts?q=青少年社工')).json.items[0];
  assert.deepEqual([p.worker_name, p.filled_since, p.purchased, p.org_id], ['郑五', '2026-03-01', true, org.id]);
  r = srv.cli(['import', 'posts', file, '--mode', 'skip-invalid', '--json']);
  assert.deepEqual(JSON.parse(r.stdout.trim().split('\n').pop()),
    { inserted: 0, updated: 0, unchanged: 2, rejected: 1 });
  r = srv.cli(['stats', 'check']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
});
