// Exports of the administrators' lists over HTTP and `shegong export`:
// the audit log (security and audit administrators only), user accounts
// (their managers, in scope), the corrections queue (a bureau, in scope),
// a user's import history and the region population table (which imports
// back); each kind only for the roles that read its list, with the list's
// filters, and audited like every export.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '../lib/server.mjs';

const PASSWORD = 'Export-Passw0rd!2026';

let srv, dir, root, qc, qx, auditor, sec, me;

// The non-empty CSV lines of an export, after the BOM: {status, lines, headers}.
async function csv(c, path) {
  const res = await fetch(srv.url + path, { headers: { cookie: c.cookie } });
  const bytes = Buffer.from(await res.arrayBuffer());
  if (res.status !== 200) return { status: res.status, text: bytes.toString() };
  assert.deepEqual([...bytes.subarray(0, 3)], [0xEF, 0xBB, 0xBF]);
  return {
    status: 200,
    headers: res.headers,
    lines: bytes.subarray(3).toString().split('\r\n').filter((l) => l),
  };
}

function fileTitle(r) {
  return decodeURIComponent(r.headers.get('content-disposition').split("''")[1]);
}


function cliCsv(args) {
  const out = join(dir, 'cli.csv');
  const r = srv.cli(['export', ...args, '--format', 'csv', '-o', out]);
  assert.equal(r.code, 0, r.stderr);
  return readFileSync(out).subarray(3).toString().split('\r\n').filter((l) => l);
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'exports-admin-test-'));
  srv = await startServer({ regions: 'fixture' });
  srv.addUser('qc-bureau', 'bureau', '441802', PASSWORD);
  srv.addUser('qx-bureau', 'bureau', '441803', PASSWORD);
  srv.addUser('me-worker', 'worker', '441802', PASSWORD);
  srv.addUser('aud', 'auditor', null, PASSWORD);
  srv.addUser('sec', 'secadmin', null, PASSWORD);
  root = await srv.loginAs(srv.adminLogin, srv.adminPassword);
  qc = await srv.loginAs('qc-bureau', PASSWORD);
  qx = await srv.loginAs('qx-bureau', PASSWORD);
  auditor = await srv.loginAs('aud', PASSWORD);
  sec = await srv.loginAs('sec', PASSWORD);
  me = await srv.loginAs('me-worker', PASSWORD);
});

after(async () => {
  await srv?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('each role is offered, and may export, only the lists it reads', async () => {
  const offered = async (c) => (await c.get('/api/v1/exports')).json.items.map((k) => k.kind).sort();
  assert.deepEqual(await offered(auditor), ['audit']);
  assert.deepEqual(await offered(root), ['users']);
  const bureau = await offered(qc);
  for (const k of ['workers', 'users', 'corrections', 'imports', 'registrations'])
    assert.ok(bureau.includes(k), k);
  assert.ok(!bureau.includes('audit'));
  assert.equal((await me.get('/api/v1/exports')).status, 403);

  for (const [c, kind] of [[qc, 'audit'], [auditor, 'users'], [root, 'audit'], [sec, 'workers'],
    [root, 'corrections']]) {
    const r = await c.get(`/api/v1/exports/${kind}?format=csv`);
    assert.equal(r.status, 403, `${kind}: ${r.text}`);
    // nor as a background job
    assert.equal((await c.post(`/api/v1/exports/${kind}?format=csv`)).status, 403);
  }
});

test('audit log: the auditors export it with the log\'s filters, and the export is itself audited', async () => {
  const logins = (await auditor.get('/api/v1/audit?action=session.login&per_page=200')).json;
  const r = await csv(auditor, '/api/v1/exports/audit?format=csv&action=session.login');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.lines[0], '编号,时间,用户,IP 地址,操作,对象类型,对象编号,结果,详情');
  assert.equal(r.lines.length, 1 + logins.total);
  assert.equal(r.headers.get('x-export-rows'), String(logins.total));
  assert.ok(r.lines.slice(1).every((l) => l.split(',')[4] === 'session.login'));
  assert.match(r.lines[1], new RegExp(`^${logins.items[0].id},`), 'newest first, as the page');
  assert.match(fileTitle(r), /^审计日志-\d{8}\.csv$/);

  const user = await csv(sec, '/api/v1/exports/audit?format=csv&user=qc-bureau&outcome=success');
  assert.ok(user.lines.length > 1);
  assert.ok(user.lines.slice(1).every((l) => l.split(',')[2] === 'qc-bureau'));

  const rec = (await auditor.get('/api/v1/audit?action=export&per_page=1')).json.items[0];
  assert.equal(rec.user_login, 'sec');
  assert.equal(rec.object_type, 'audit');
  assert.deepEqual(rec.details.filter, { user: 'qc-bureau', outcome: 'success' });

  const bad = await auditor.get('/api/v1/exports/audit?format=csv&outcome=wizard');
  assert.equal(bad.status, 422, bad.text);
  assert.equal(bad.json.errors[0].field, 'outcome');

  // as a background job too: the auditor's own file
  const job = await auditor.post('/api/v1/exports/audit?format=xlsx&action=session.login');
  assert.equal(job.status, 202, job.text);
  const done = await auditor.waitJob(job.json.id);
  assert.equal(done.state, 'succeeded', JSON.stringify(done));
  assert.ok(done.result.rows >= logins.total);
  const file = await fetch(`${srv.url}/api/v1/exports/jobs/${job.json.id}/file`,
    { headers: { cookie: auditor.cookie } });
  assert.equal(file.status, 200);
  assert.equal(Buffer.from(await file.arrayBuffer()).subarray(0, 2).toString(), 'PK');

  const cli = cliCsv(['audit', '--action', 'session.login']);
  assert.ok(cli.length >= r.lines.length);
});

test('users: a bureau exports the accounts it manages, sysadmin all of them', async () => {
  const r = await csv(qc, '/api/v1/exports/users?format=csv');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.lines[0], '编号,登录名,姓名,角色,行政区划代码,所在地区,已停用,已启用双因素认证,'
    + '须修改密码,创建时间,最近登录时间');
  const logins = r.lines.slice(1).map((l) => l.split(',')[1]).sort();
  assert.deepEqual(logins, ['me-worker', 'qc-bureau']);
  const qcRow = r.lines.find((l) => l.split(',')[1] === 'qc-bureau').split(',');
  assert.deepEqual(qcRow.slice(3, 5), ['bureau', '441802']);
  assert.equal(qcRow[6], 'false');
  assert.match(qcRow[10], /^\d{4}-\d\d-\d\dT/, 'signed in');
  assert.match(fileTitle(r), /^用户账号-/);

  const workers = await csv(qc, '/api/v1/exports/users?format=csv&role=worker');
  assert.deepEqual(workers.lines.slice(1).map((l) => l.split(',')[1]), ['me-worker']);
  const all = await csv(root, '/api/v1/exports/users?format=csv');
  const allLogins = all.lines.slice(1).map((l) => l.split(',')[1]);
  for (const l of ['aud', 'sec', 'qx-bureau', srv.adminLogin]) assert.ok(allLogins.includes(l), l);
  for (const [q, field] of [['role=wizard', 'role'], ['disabled=maybe', 'disabled'], ['region=x', 'region']]) {
    const bad = await qc.get(`/api/v1/exports/users?format=csv&${q}`);
    assert.equal(bad.status, 422, bad.text);
    assert.equal(bad.json.errors[0].field, field);
  }
  // the list page takes the same filters and says the same
  assert.equal((await qc.get('/api/v1/users?role=wizard')).json.errors[0].field, 'role');
  assert.equal((await qc.get('/api/v1/users?disabled=maybe')).json.errors[0].field, 'disabled');
  assert.equal((await qc.get('/api/v1/users?disabled=false&role=worker')).json.total, 1);
});

test('corrections: the review queue exports in the bureau\'s scope, by state', async () => {
  let r = await qc.post('/api/v1/workers', { name: '孙八', id_number: '440524188001010014',
    region_code: '441802006' });
  assert.equal(r.status, 201, r.text);
  const meId = (await root.get('/api/v1/users?q=me-worker')).json.items[0].id;
  r = await qc.put(`/api/v1/workers/${r.json.id}/account`, { user_id: meId });
  assert.equal(r.status, 204, r.text);
  r = await me.post('/api/v1/me/worker/corrections', { field: 'phone', new_value: '13912345678',
    reason: '换号了' });
  assert.equal(r.status, 201, r.text);

  const q = await csv(qc, '/api/v1/exports/corrections?format=csv&state=pending');
  assert.equal(q.status, 200, q.text);
  assert.equal(q.lines[0], '编号,社工编号,姓名,更正项目,更正为,申请理由,状态,处理意见,申请时间,处理时间');
  assert.equal(q.lines.length, 2);
  assert.deepEqual(q.lines[1].split(',').slice(2, 7), ['孙八', 'phone', '13912345678', '换号了', 'pending']);
  assert.match(fileTitle(q), /^信息更正申请-/);
  for (const [c, state] of [[qc, 'approved'], [qx, 'pending'], [qx, '']])
    assert.equal((await csv(c, `/api/v1/exports/corrections?format=csv&state=${state}`)).lines.length, 1);
  const bad = await qc.get('/api/v1/exports/corrections?format=csv&state=wizard');
  assert.equal(bad.status, 422, bad.text);
  assert.equal(bad.json.errors[0].field, 'state');
  assert.equal(cliCsv(['corrections', '--state', 'pending']).length, 2);
});

test('imports: a user\'s import history with its counts; the CLI exports everyone\'s', async () => {
  const content = Buffer.from('region_code,population\r\n441802,560000\r\n441899,1\r\n').toString('base64');
  const r = await qc.post('/api/v1/imports', { kind: 'population', mode: 'skip-invalid',
    file_name: '清城人口.csv', content_base64: content });
  assert.equal(r.status, 202, r.text);
  const job = await qc.waitJob(r.json.id);
  assert.equal(job.state, 'succeeded', JSON.stringify(job));

  const h = await csv(qc, '/api/v1/exports/imports?format=csv');
  assert.equal(h.status, 200, h.text);
  assert.equal(h.lines[0], '任务编号,提交用户,导入类型,文件名,导入模式,状态,总行数,新增,更新,未变,拒绝,'
    + '错误,提交时间,完成时间');
  assert.equal(h.lines.length, 2);
  const cells = h.lines[1].split(',');
  assert.deepEqual(cells.slice(0, 7), [String(r.json.id), 'qc-bureau', 'population', '清城人口.csv',
    'skip-invalid', 'succeeded', '2']);
  assert.deepEqual(cells.slice(7, 11).map(Number), [job.result.inserted, job.result.updated,
    job.result.unchanged, job.result.rejected]);
  assert.equal(job.result.rejected, 1);
  assert.match(cells[13], /^\d{4}-/);
  assert.match(fileTitle(h), /^导入记录-/);
  // another bureau's history is its own: empty
  assert.equal((await csv(qx, '/api/v1/exports/imports?format=csv')).lines.length, 1);
  const cli = cliCsv(['imports']);
  assert.ok(cli.some((l) => l.startsWith(`${r.json.id},qc-bureau,population,`)), cli.join('\n'));
});

test('regions: a region\'s children with their population export, are filled in and import back', async () => {
  const kids = (await qc.get('/api/v1/regions/441802/children?per_page=200')).json;
  assert.ok(kids.total >= 2);
  let r = await csv(qc, '/api/v1/exports/population?format=csv&parent=441802');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.lines[0], '区划代码,常住人口,名称,层级');
  assert.equal(r.lines.length, 1 + kids.total);
  assert.deepEqual(r.lines[1].split(',').filter((c, i) => i !== 1),
    [kids.items[0].code, kids.items[0].name, kids.items[0].level]);
  assert.match(fileTitle(r), /^行政区划人口-/);
  // no parent: the bureau's own region
  const own = await csv(qc, '/api/v1/exports/population?format=csv');
  assert.deepEqual(own.lines.slice(1).map((l) => l.split(',')[0]), ['441802']);
  for (const parent of ['441803', 'x']) {
    const bad = await qc.get(`/api/v1/exports/population?format=csv&parent=${parent}`);
    assert.equal(bad.status, 422, bad.text);
    assert.equal(bad.json.errors[0].field, 'parent');
  }

  // the clerk fills the population column in and imports the same file
  const filled = ['\uFEFF' + r.lines[0], ...r.lines.slice(1).map((l, i) => {
    const c = l.split(',');
    c[1] = String(10000 + i);
    return c.join(',');
  })].join('\r\n');
  const up = await qc.post('/api/v1/imports', { kind: 'population', mode: 'strict', file_name: '人口.csv',
    content_base64: Buffer.from(filled).toString('base64') });
  assert.equal(up.status, 202, up.text);
  const job = await qc.waitJob(up.json.id);
  assert.equal(job.state, 'succeeded', JSON.stringify(job));
  assert.equal(job.result.rejected, 0);
  r = await csv(qc, '/api/v1/exports/population?format=csv&parent=441802');
  assert.deepEqual(r.lines.slice(1).map((l) => l.split(',')[1]), kids.items.map((k, i) => String(10000 + i)));
});
