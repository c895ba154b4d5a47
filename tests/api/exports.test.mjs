// List exports over HTTP (/api/v1/exports/{kind}) and `shegong export`:
// the worker list with a filter as CSV (BOM, CRLF, Chinese headers) and
// XLSX (a zip whose sheet holds the rows), ID numbers masked, the reveal
// only with a reason and audited, region scope between 清城 441802 and
// 清新 441803, formula escaping, the audit record with kind, filter, rows
// and format, bad kinds/formats/filters, roles, and the CLI.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '../lib/server.mjs';

const PASSWORD = 'Export-Passw0rd!2026';
const ID_A = '440524188001010014';
const ID_B = '11010519491231002X';
const ID_C = '440524199001010018';

let srv, qc, qx, city, auditor, dir;

function addUser(login, role, region) {
  const args = ['user', 'add', login, '--role', role, '--password-stdin'];
  if (region) args.push('--region', region);
  const r = srv.cli(args, { stdin: PASSWORD + '\n' });
  assert.equal(r.code, 0, r.stderr);
}

// Raw download with the client's cookie: {status, headers, bytes}.
async function download(c, path) {
  const res = await fetch(srv.url + path, { headers: { cookie: c.cookie } });
  return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
}

// The cell texts of the first sheet of an XLSX, one array per row.
function xlsxRows(bytes) {
  const f = join(dir, 'x.xlsx');
  writeFileSync(f, bytes);
  const py = `
import json, re, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
x = z.read('xl/worksheets/sheet1.xml').decode()
rows = []
for r in re.findall(r'<row[^>]*>(.*?)</row>', x):
    cells = re.findall(r'<c r="([A-Z]+)\\d+"[^>]*?(?:/>|>(.*?)</c>)', r)
    out = []
    for ref, body in cells:
        col = 0
        for ch in ref: col = col * 26 + ord(ch) - 64
        while len(out) < col - 1: out.append('')
        m = re.search(r'<t[^>]*>(.*?)</t>', body or '') or re.search(r'<v>(.*?)</v>', body or '')
        out.append(m.group(1) if m else '')
    rows.append(out)
print(json.dumps(rows, ensure_ascii=False))
`;
  return JSON.parse(execFileSync('python3', ['-c', py, f]).toString());
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'exports-test-'));
  // downloads are capped (50,000 rows by default); 2 here, so the city
  // bureau's three workers are over it
  process.env.SHEGONG_EXPORT_MAX_ROWS = '2';
  srv = await startServer({ regions: 'fixture' });
  delete process.env.SHEGONG_EXPORT_MAX_ROWS;
  addUser('city-bureau', 'bureau', '4418');
  addUser('qc-bureau', 'bureau', '441802');
  addUser('qx-bureau', 'bureau', '441803');
  addUser('aud', 'auditor');
  qc = await srv.loginAs('qc-bureau', PASSWORD);
  city = await srv.loginAs('city-bureau', PASSWORD);
  qx = await srv.loginAs('qx-bureau', PASSWORD);
  auditor = await srv.loginAs('aud', PASSWORD);
  for (const w of [
    { name: '张三', id_number: ID_A, region_code: '441802006', org_name: '=HYPERLINK("http://evil")',
      post: '+项目主管', service_fields: ['elderly', 'youth'] },
    { name: '李四', id_number: ID_B, region_code: '441802' },
  ]) {
    const r = await qc.post('/api/v1/workers', w);
    assert.equal(r.status, 201, r.text);
  }
  const r = await qx.post('/api/v1/workers', { name: '王五', id_number: ID_C, region_code: '441803' });
  assert.equal(r.status, 201, r.text);
});

after(async () => {
  await srv?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('CSV of the worker list: BOM, CRLF, Chinese headers, masked, escaped, filtered', async () => {
  const r = await download(qc, '/api/v1/exports/workers?format=csv');
  assert.equal(r.status, 200, r.bytes.toString());
  assert.match(r.headers.get('content-type'), /^text\/csv/);
  const disp = r.headers.get('content-disposition');
  assert.match(disp, /^attachment; filename="export\.csv"; filename\*=UTF-8''/);
  assert.match(decodeURIComponent(disp.split("''")[1]), /^社工名单-\d{8}\.csv$/);
  assert.deepEqual([...r.bytes.subarray(0, 3)], [0xEF, 0xBB, 0xBF]);
  const text = r.bytes.subarray(3).toString();
  const lines = text.split('\r\n');
  assert.equal(lines.at(-1), '');
  assert.match(lines[0], /^编号,姓名,公民身份号码,性别,出生日期/);
  assert.equal(lines.length, 4, text); // header, two workers of 清城, ''
  assert.ok(!text.includes('王五'), 'another district leaked');
  assert.ok(text.includes('440524********0014'));
  assert.ok(!text.includes(ID_A) && !text.includes(ID_B));
  assert.ok(text.includes(`"'=HYPERLINK(""http://evil"")"`), text);
  assert.ok(text.includes(',\'+项目主管,'), text);
  assert.ok(text.includes('"elderly,youth"'), text);
  assert.equal(r.headers.get('x-export-rows'), '2');

  const f = await download(qc, '/api/v1/exports/workers?format=csv&q=' + encodeURIComponent('李四'));
  assert.equal(f.status, 200);
  const fl = f.bytes.subarray(3).toString().split('\r\n');
  assert.equal(fl.length, 3);
  assert.match(fl[1], /李四/);
});

test('XLSX of the worker list: a workbook whose sheet holds the filtered rows', async () => {
  const r = await download(qc, '/api/v1/exports/workers?format=xlsx&region=441802006');
  assert.equal(r.status, 200, r.bytes.toString());
  assert.equal(r.headers.get('content-type'),
    'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  assert.equal(r.bytes.subarray(0, 4).toString('latin1'), 'PK\x03\x04');
  const rows = xlsxRows(r.bytes);
  assert.equal(rows.length, 2, JSON.stringify(rows));
  assert.equal(rows[0][1], '姓名');
  assert.equal(rows[1][1], '张三');
  assert.equal(rows[1][2], '440524********0014');
  assert.ok(rows[1][10].startsWith("'="), rows[1][10]);
  // default format is xlsx
  const d = await download(qc, '/api/v1/exports/workers');
  assert.equal(d.bytes.subarray(0, 2).toString('latin1'), 'PK');
});

test('scope: a district sees only its own workers; a region outside scope is refused', async () => {
  const r = await download(qx, '/api/v1/exports/workers?format=csv');
  const text = r.bytes.toString();
  assert.ok(text.includes('王五') && !text.includes('张三'), text);
  const out = await qx.get('/api/v1/exports/workers?format=csv&region=441802');
  assert.ok([404, 422].includes(out.status), out.text);
});

test('reveal: only with a reason, numbers in clear, audited', async () => {
  const noReason = await qc.get('/api/v1/exports/workers?format=csv&reveal=1');
  assert.equal(noReason.status, 422, noReason.text);
  const r = await download(qc, '/api/v1/exports/workers?format=csv&reveal=1&reason=' +
    encodeURIComponent('年度普查核对'));
  assert.equal(r.status, 200);
  const text = r.bytes.toString();
  assert.ok(text.includes(ID_A) && text.includes(ID_B), text);
});

test('every export is audited with kind, format, rows and filter', async () => {
  const r = await auditor.get('/api/v1/audit?action=export&per_page=200');
  assert.equal(r.status, 200, r.text);
  const items = r.json.items;
  assert.ok(items.length >= 6, r.text);
  const details = items.map((i) => (typeof i.details === 'string' ? JSON.parse(i.details) : i.details));
  const filtered = details.find((d) => d.filter && d.filter.region === '441802006');
  assert.ok(filtered, r.text);
  assert.equal(filtered.kind, 'workers');
  assert.equal(filtered.format, 'xlsx');
  assert.equal(filtered.rows, 1);
  const revealed = details.find((d) => d.reveal === true);
  assert.ok(revealed && revealed.reason === '年度普查核对', r.text);
  assert.ok(!r.text.includes(ID_A));
});

test('over the download cap: 413 pointing to a narrower filter or the CLI, nothing audited', async () => {
  const before = (await auditor.get('/api/v1/audit?action=export&per_page=200')).json.total;
  const r = await city.get('/api/v1/exports/workers?format=csv');
  assert.equal(r.status, 413, r.text);
  assert.match(r.json.detail, /3 rows match; at most 2 .*shegong export/);
  const ok = await download(city, '/api/v1/exports/workers?format=csv&region=441803');
  assert.equal(ok.status, 200);
  const after = (await auditor.get('/api/v1/audit?action=export&per_page=200')).json.total;
  assert.equal(after, before + 1);
});

test('over the cap the same export runs as a job; its file streams, only to its owner, until a restart', async () => {
  let r = await city.post('/api/v1/exports/workers?format=csv');
  assert.equal(r.status, 202, r.text);
  assert.equal(r.json.kind, 'export');
  let job = r.json;
  for (let i = 0; i < 200 && ['queued', 'running'].includes(job.state); i++) {
    await new Promise((res) => setTimeout(res, 50));
    job = (await city.get(`/api/v1/jobs/${job.id}`)).json;
  }
  assert.equal(job.state, 'succeeded', JSON.stringify(job));
  assert.equal(job.result.rows, 3);
  assert.match(job.result.file_name, /^社工名单-\d{8}\.csv$/);
  const file = await download(city, `/api/v1/exports/jobs/${job.id}/file`);
  assert.equal(file.status, 200);
  assert.match(file.headers.get('content-type'), /text\/csv/);
  assert.match(decodeURIComponent(file.headers.get('content-disposition').split("''")[1]), /^社工名单-/);
  const lines = file.bytes.subarray(3).toString().split('\r\n').filter((l) => l);
  assert.equal(lines.length, 4);
  assert.equal(file.bytes.length, job.result.size);
  // audited like any export, as the job's submitter
  const audit = (await auditor.get('/api/v1/audit?action=export&per_page=1')).json.items[0];
  assert.equal(audit.user_login, 'city-bureau');
  // someone else does not see it; a bad filter is refused before queueing
  assert.equal((await download(qc, `/api/v1/exports/jobs/${job.id}/file`)).status, 404);
  assert.equal((await city.post('/api/v1/exports/workers?format=pdf')).status, 422);
  // the file is kept until the server restarts, then gone
  await srv.shutdown();
  process.env.SHEGONG_EXPORT_MAX_ROWS = '2';
  await srv.start();
  delete process.env.SHEGONG_EXPORT_MAX_ROWS;
  city = await srv.loginAs('city-bureau', PASSWORD);
  r = await download(city, `/api/v1/exports/jobs/${job.id}/file`);
  assert.equal(r.status, 404);
  assert.match(JSON.parse(r.bytes.toString()).detail, /export again/);
  qc = await srv.loginAs('qc-bureau', PASSWORD);
  qx = await srv.loginAs('qx-bureau', PASSWORD);
  auditor = await srv.loginAs('aud', PASSWORD);
});

test('orgs: the organisation list exports through the same path', async () => {
  const o = await qc.post('/api/v1/orgs', { name: '清远市清城区阳光社会工作服务中心',
    credit_code: '51610700305332460K', type: 'private_non_enterprise', region_code: '441802',
    legal_rep: '李明', founded_on: '2015-03-01', fields: ['elderly'] });
  assert.equal(o.status, 201, o.text);
  const r = await download(qc, '/api/v1/exports/orgs?format=csv');
  assert.equal(r.status, 200, r.bytes.toString());
  const lines = r.bytes.subarray(3).toString().split('\r\n');
  assert.match(lines[0], /^编号,机构名称,统一社会信用代码/);
  assert.match(lines[1], /阳光社会工作服务中心,51610700305332460K,private_non_enterprise/);
  assert.match(decodeURIComponent(r.headers.get('content-disposition').split("''")[1]), /^社会工作服务机构-/);
  const x = await download(qx, '/api/v1/exports/orgs?format=xlsx');
  assert.equal(xlsxRows(x.bytes).length, 1); // header only: another district
});

test('bad requests: unknown kind, bad format, bad filter, role', async () => {
  assert.equal((await qc.get('/api/v1/exports/nothing?format=csv')).status, 404);
  const f = await qc.get('/api/v1/exports/workers?format=pdf');
  assert.equal(f.status, 422);
  assert.equal(f.json.errors[0].field, 'format');
  const l = await qc.get('/api/v1/exports/workers?format=csv&level=wizard');
  assert.equal(l.status, 422, l.text);
  assert.equal(l.json.errors[0].field, 'level');
  assert.equal((await auditor.get('/api/v1/exports/workers?format=csv')).status, 403);
  const kinds = await qc.get('/api/v1/exports');
  assert.equal(kinds.status, 200);
  assert.ok(kinds.json.items.some((k) => k.kind === 'workers' && k.columns.length > 5));
});

test('CLI: shegong export workers to CSV and XLSX, with filters and failures', () => {
  const csv = join(dir, 'w.csv');
  let r = srv.cli(['export', 'workers', '--format', 'csv', '-o', csv, '--region', '441803']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /workers: 1 rows/);
  const text = readFileSync(csv).subarray(3).toString();
  assert.ok(text.includes('王五') && !text.includes('张三'));
  const xlsx = join(dir, 'w.xlsx');
  r = srv.cli(['export', 'workers', '--format', 'xlsx', '-o', xlsx, '--names']);
  assert.equal(r.code, 0, r.stderr);
  const rows = xlsxRows(readFileSync(xlsx));
  assert.equal(rows.length, 4);
  assert.equal(rows[0][2], 'id_number');
  r = srv.cli(['export', 'nothing', '--format', 'csv', '-o', csv]);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /^shegong: .*nothing/);
  r = srv.cli(['export', 'workers', '--format', 'pdf', '-o', csv]);
  assert.notEqual(r.code, 0);
  r = srv.cli(['export', 'workers', '--format', 'csv', '-o', csv, '--level', 'wizard']);
  assert.notEqual(r.code, 0);
  assert.equal(r.stderr.trim().split('\n').length >= 1, true);
});

test('registrations: the ledger exports with the filters of the review queues, in scope', async () => {
  const w = await qc.post('/api/v1/workers', { name: '赵六', id_number: '441802199203150317',
    region_code: '441802' });
  assert.equal(w.status, 201, w.text);
  // passed 60 days ago (China's date): a first registration is due within a year
  const passedOn = new Date(Date.now() + (8 * 3600 - 60 * 86400) * 1000).toISOString().slice(0, 10);
  const q = await qc.post(`/api/v1/workers/${w.json.id}/qualifications`,
    { level: 'assistant', certificate_no: 'EXP-000001', passed_on: passedOn });
  assert.equal(q.status, 201, q.text);
  const reg = await qc.post(`/api/v1/workers/${w.json.id}/registrations`,
    { kind: 'first', qualification_id: q.json.id, ce_hours: 24 });
  assert.equal(reg.status, 201, reg.text);
  const s = await qc.post(`/api/v1/registrations/${reg.json.id}/transitions`, { action: 'submit' });
  assert.equal(s.status, 200, s.text);

  const r = await download(qc, '/api/v1/exports/registrations?format=csv&state=pending');
  assert.equal(r.status, 200, r.bytes.toString());
  const lines = r.bytes.subarray(3).toString().split('\r\n').filter((l) => l);
  assert.equal(lines[0], '编号,社工编号,姓名,行政区划代码,登记类型,职业水平,职业资格证书管理号,'
    + '状态,提交时间,登记日期,有效期至,登记证书编号,继续教育学时,创建时间');
  assert.equal(lines.length, 2);
  const cells = lines[1].split(',');
  assert.deepEqual(cells.slice(1, 8), [String(w.json.id), '赵六', '441802', 'first', 'assistant',
    reg.json.certificate_mgmt_no, 'pending']);
  assert.equal(cells[12], '24');
  assert.match(decodeURIComponent(r.headers.get('content-disposition').split("''")[1]), /^社工登记台账-/);
  // another queue, another district: header only
  assert.equal(xlsxRows((await download(qc, '/api/v1/exports/registrations?format=xlsx&state=registered')).bytes).length, 1);
  assert.equal(xlsxRows((await download(qx, '/api/v1/exports/registrations?format=xlsx')).bytes).length, 1);
  // one worker's registrations (the worker page's tab); another worker has none
  const one = await download(qc, `/api/v1/exports/registrations?format=csv&worker=${w.json.id}`);
  assert.equal(one.bytes.subarray(3).toString().split('\r\n').filter((l) => l).length, 2);
  const zs = (await qc.get('/api/v1/workers?q=张三')).json.items[0];
  assert.equal(xlsxRows((await download(qc, `/api/v1/exports/registrations?format=xlsx&worker=${zs.id}`)).bytes).length, 1);
  const bad = await qc.get('/api/v1/exports/registrations?format=csv&state=wizard');
  assert.equal(bad.status, 422, bad.text);
  assert.equal(bad.json.errors[0].field, 'state');
});

test('pool_members: the members of a talent pool export with its filters, ID numbers masked', async () => {
  const zl = (await qc.get('/api/v1/workers?q=赵六')).json.items[0];
  let r = await qc.post(`/api/v1/workers/${zl.id}/pools`, { pool: 'supervisor', grade: 'senior',
    joined_on: '2024-03-01' });
  assert.equal(r.status, 201, r.text);
  r = await download(qc, '/api/v1/exports/pool_members?format=csv&pool=supervisor&grade=senior');
  assert.equal(r.status, 200, r.bytes.toString());
  const lines = r.bytes.subarray(3).toString().split('\r\n').filter((l) => l);
  assert.equal(lines[0], '社工编号,姓名,公民身份号码,行政区划代码,工作单位,职业水平,人才库,督导等级,入库日期,复核日期,出库时间');
  assert.equal(lines.length, 2);
  assert.match(lines[1], new RegExp(`^${zl.id},赵六,441802\\*{8}0317,441802,,assistant,supervisor,senior,2024-03-01,`));
  assert.match(decodeURIComponent(r.headers.get('content-disposition').split("''")[1]), /^人才库成员-/);
  // another grade, another pool, another district: header only
  for (const [c, q] of [[qc, 'pool=supervisor&grade=junior'], [qc, 'pool=expert'], [qx, 'pool=supervisor']])
    assert.equal(xlsxRows((await download(c, `/api/v1/exports/pool_members?format=xlsx&${q}`)).bytes).length, 1);
  // over the download cap (2 here) like every kind: three experts
  for (const w of (await qc.get('/api/v1/workers?region=441802')).json.items) {
    r = await qc.post(`/api/v1/workers/${w.id}/pools`, { pool: 'expert', joined_on: '2024-03-01' });
    assert.equal(r.status, 201, r.text);
  }
  assert.equal((await qc.get('/api/v1/exports/pool_members?format=csv&pool=expert')).status, 413);
  const bad = await qc.get('/api/v1/exports/pool_members?format=csv');
  assert.equal(bad.status, 422, bad.text);
  assert.equal(bad.json.errors[0].field, 'pool');
});

test('employment: the service history ledger exports with the import\'s columns, one worker or the region, in scope', async () => {
  const zs = (await qc.get('/api/v1/workers?q=张三')).json.items[0];
  for (const e of [{ org_name: '清城区阳光社工服务中心', post: '社工', field: 'elderly', started_on: '2019-03-01',
    ended_on: '2021-06-30' }, { org_name: '清远市启航社工中心', post: '项目主管', started_on: '2021-07-01' }]) {
    const r = await qc.post(`/api/v1/workers/${zs.id}/employments`, e);
    assert.equal(r.status, 201, r.text);
  }
  let r = await download(qc, `/api/v1/exports/employment?format=csv&worker=${zs.id}`);
  assert.equal(r.status, 200, r.bytes.toString());
  const lines = r.bytes.subarray(3).toString().split('\r\n').filter((l) => l);
  assert.equal(lines[0], '身份证号,机构统一社会信用代码,工作单位,岗位,服务领域,开始日期,结束日期,社工编号,姓名,行政区划代码');
  assert.deepEqual(lines.slice(1), [
    `440524********0014,,清远市启航社工中心,项目主管,,2021-07-01,,${zs.id},张三,441802006`,
    `440524********0014,,清城区阳光社工服务中心,社工,elderly,2019-03-01,2021-06-30,${zs.id},张三,441802006`,
  ]);
  assert.match(decodeURIComponent(r.headers.get('content-disposition').split("''")[1]), /^服务履历-/);
  r = await download(qc, `/api/v1/exports/employment?format=csv&worker=${zs.id}&current=true&reveal=1&reason=${encodeURIComponent('核对履历')}`);
  const cur = r.bytes.subarray(3).toString().split('\r\n').filter((l) => l);
  assert.equal(cur.length, 2, cur.join('\n'));
  assert.match(cur[1], new RegExp(`^${ID_A},,清远市启航社工中心,`));
  // another district's bureau sees none of it; a region outside scope is named
  assert.equal(xlsxRows((await download(qx, `/api/v1/exports/employment?format=xlsx&worker=${zs.id}`)).bytes).length, 1);
  for (const [q, field] of [['region=441803', 'region'], ['current=maybe', 'current'], ['worker=abc', 'worker']]) {
    const bad = await qc.get(`/api/v1/exports/employment?format=csv&${q}`);
    assert.equal(bad.status, 422, bad.text);
    assert.equal(bad.json.errors[0].field, field);
  }
  // the region's ledger: both lines of 张三 and nothing of 王五 (another district)
  r = await download(qc, '/api/v1/exports/employment?format=csv&region=441802');
  assert.equal(r.status, 200, r.bytes.toString());
  assert.equal(r.bytes.subarray(3).toString().split('\r\n').filter((l) => l).length, 3);

  // the ledger is the employment import's template: with the numbers in
  // clear it imports back unchanged, its own columns (社工编号, 姓名...) skipped
  const file = join(dir, 'employment.xlsx');
  let c = srv.cli(['export', 'employment', '--format', 'xlsx', '-o', file, '--worker', String(zs.id),
    '--reveal', '--reason', '核对履历']);
  assert.equal(c.code, 0, c.stderr);
  c = srv.cli(['import', 'employment', file, '--json']);
  assert.equal(c.code, 0, c.stderr);
  assert.deepEqual(JSON.parse(c.stdout.trim().split('\n').at(-1)),
    { inserted: 0, updated: 0, unchanged: 2, rejected: 0 });
  // an organisation's staff: the current employments there, its credit code first
  const org = (await qc.get('/api/v1/orgs?q=' + encodeURIComponent('阳光社会工作服务中心'))).json.items[0];
  r = await qc.post(`/api/v1/workers/${zs.id}/employments`, { org_id: org.id, post: '督导',
    started_on: '2022-01-01' });
  assert.equal(r.status, 201, r.text);
  r = await download(qc, `/api/v1/exports/employment?format=csv&org_id=${org.id}&current=true`);
  assert.deepEqual(r.bytes.subarray(3).toString().split('\r\n').filter((l) => l).slice(1),
    [`440524********0014,51610700305332460K,清远市清城区阳光社会工作服务中心,督导,,2022-01-01,,${zs.id},张三,441802006`]);
  assert.equal((await qc.get('/api/v1/exports/employment?format=csv&org_id=0')).json.errors[0].field, 'org_id');
  // the worker list is not a template: its file is refused at the header
  const workers = join(dir, 'workers-export.csv');
  assert.equal(srv.cli(['export', 'workers', '--format', 'csv', '-o', workers]).code, 0);
  c = srv.cli(['import', 'workers', workers]);
  assert.notEqual(c.code, 0);
  assert.match(c.stderr, /第1列「编号」不是社会工作者导入的列/);
});

test('one worker\'s certificates, honours and pools export from the worker page\'s tabs', async () => {
  const zl = (await qc.get('/api/v1/workers?q=赵六')).json.items[0];
  const zs = (await qc.get('/api/v1/workers?q=张三')).json.items[0];
  const lines = async (c, q) => {
    const r = await download(c, `/api/v1/exports/${q}`);
    assert.equal(r.status, 200, r.bytes.toString());
    return r.bytes.subarray(3).toString().split('\r\n').filter((l) => l);
  };
  let l = await lines(qc, `qualifications?format=csv&worker=${zl.id}`);
  assert.equal(l[0], '职业水平,证书管理号,通过日期,发证机关,录入时间,删除时间');
  assert.equal(l.length, 2);
  assert.match(l[1], /^assistant,EXP-000001,\d{4}-\d\d-\d\d,/);

  const rec = await qc.post(`/api/v1/workers/${zs.id}/records`, { kind: 'honour', title: '优秀社工',
    issuer: '清城区民政局', dated_on: '2023-12-01' });
  assert.equal(rec.status, 201, rec.text);
  l = await lines(qc, `records?format=csv&worker=${zs.id}`);
  assert.equal(l[0], '类别,名称,授予或作出机关,日期,说明,录入时间,删除时间');
  assert.match(l[1], /^honour,优秀社工,清城区民政局,2023-12-01,,/);
  assert.equal((await lines(qc, `records?format=csv&worker=${zs.id}&kind=discipline`)).length, 1);

  l = await lines(qc, `pool_members?format=csv&worker=${zl.id}`);
  assert.deepEqual(l.slice(1).map((x) => x.split(',')[6]).sort(), ['expert', 'supervisor']);

  for (const [q, field] of [['qualifications?format=csv', 'worker'], ['records?format=csv&worker=x', 'worker'],
    [`records?format=csv&worker=${zs.id}&kind=prize`, 'kind']]) {
    const bad = await qc.get(`/api/v1/exports/${q}`);
    assert.equal(bad.status, 422, bad.text);
    assert.equal(bad.json.errors[0].field, field);
  }
  // another district's bureau does not see the worker
  assert.equal((await qx.get(`/api/v1/exports/qualifications?format=csv&worker=${zl.id}`)).status, 404);
});
