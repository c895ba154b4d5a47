// Bulk import (issue 5, import half) over HTTP and the CLI on the fixture
// regions: the fixtures in tests/data/import/ in UTF-8, UTF-8 with BOM and
// CRLF (and a quoted field spanning two lines), GB18030 and XLSX when the
// io module's writer is there; strict and skip-invalid with known counts;
// re-import is a no-op; a bureau of 广州 4401 cannot import rows of 东城
// 110101; unknown and missing columns are refused before a row is stored;
// the error report repeats the rejected rows; population is audited once;
// and a strict CLI import killed with SIGKILL stores nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { execFileSync, spawn } from 'node:child_process';
import http from 'node:http';
import { join } from 'node:path';
import { startServer, repoRoot, bin } from '../lib/server.mjs';

const PASSWORD = 'Import-Passw0rd!2026';
const DATA = join(repoRoot, 'tests/data/import');

let srv;
let qy; // bureau 清远 4418
let root; // bureau 广东 44

function addUser(login, role, region) {
  const args = ['user', 'add', login, '--role', role, '--password-stdin'];
  if (region) args.push('--region', region);
  const r = srv.cli(args, { stdin: PASSWORD + '\n' });
  assert.equal(r.code, 0, r.stderr);
}

async function login(name) {
  const c = srv.client();
  const r = await c.login(name, PASSWORD);
  assert.equal(r.status, 200, r.text);
  return c;
}

async function upload(c, kind, file, mode = 'strict', extra = {}) {
  const content = readFileSync(join(DATA, file)).toString('base64');
  const r = await c.post('/api/v1/imports', { kind, mode, file_name: file, content_base64: content, ...extra });
  return r;
}


async function run(c, kind, file, mode, extra) {
  const r = await upload(c, kind, file, mode, extra);
  assert.equal(r.status, 202, r.text);
  const job = await c.waitJob(r.json.id);
  assert.equal(job.state, 'succeeded', JSON.stringify(job));
  return { id: r.json.id, result: job.result };
}

async function workerTotal(c) {
  const r = await c.get('/api/v1/workers?per_page=1');
  assert.equal(r.status, 200, r.text);
  return r.json.total;
}

function itemsOf(d) {
  return Array.isArray(d) ? d : d.items;
}

function counts(res) {
  const { inserted, updated, unchanged, rejected } = res;
  return { inserted, updated, unchanged, rejected };
}

before(async () => {
  srv = await startServer({ regions: 'fixture' });
  addUser('qy_bureau', 'bureau', '4418');
  addUser('gd_bureau', 'bureau', '44');
  addUser('vol', 'volunteer', '4401');
  qy = await login('qy_bureau');
  root = await login('gd_bureau');
});

after(async () => {
  await srv?.stop();
});

test('template: Chinese headers with BOM and a notes row', async () => {
  const r = await qy.get('/api/v1/imports/templates/workers?format=csv');
  assert.equal(r.status, 200, r.text);
  assert.match(r.headers.get('content-type'), /^text\/csv/);
  const lines = r.text.replace(/^\ufeff/, '').split('\r\n');
  assert.match(lines[0], /^姓名\*,身份证号\*,性别,出生日期,区划代码\*/);
  assert.match(lines[1], /^【说明】/);
  assert.equal((await qy.get('/api/v1/imports/templates/nope')).status, 404);
  // the XLSX template imports as an empty file: headers mapped, notes row skipped
  const x = await fetch(srv.url + '/api/v1/imports/templates/workers?format=xlsx',
    { headers: { cookie: root.cookie } });
  assert.equal(x.status, 200);
  assert.match(x.headers.get('content-type'), /spreadsheetml/);
  const file = join(srv.dir, 'template.xlsx');
  writeFileSync(file, Buffer.from(await x.arrayBuffer()));
  const cli = srv.cli(['import', 'workers', file, '--json']);
  assert.equal(cli.code, 0, cli.stderr);
  assert.deepEqual(JSON.parse(cli.stdout.trim().split('\n').pop()),
    { inserted: 0, updated: 0, unchanged: 0, rejected: 0 });
});

test('unknown, missing and repeated columns are refused before a row is stored', async () => {
  for (const [file, re] of [['workers_unknown_column.csv', /salary/],
    ['workers_missing_column.csv', /身份证号/]]) {
    const r = await upload(root, 'workers', file);
    assert.equal(r.status, 202, r.text);
    const job = await root.waitJob(r.json.id);
    assert.equal(job.state, 'failed');
    assert.match(job.error, re);
  }
  assert.equal(await workerTotal(root), 0);
  const cli = srv.cli(['import', 'workers', join(DATA, 'workers_unknown_column.csv')]);
  assert.notEqual(cli.code, 0);
  assert.match(cli.stderr, /salary/);
});

test('a formula-looking name is stored as text and the template round-trips', async () => {
  const { result } = await run(root, 'workers', 'workers_formula.csv', 'skip-invalid');
  // =HYPERLINK(...) is a legal name text of up to 50 characters, or refused:
  // either way it is counted, never executed
  assert.equal(result.rows, 1);
});

test('strict import with errors stores nothing; the report names each cell', async () => {
  const before = await workerTotal(root);
  const { id, result } = await run(root, 'workers', 'workers_errors.csv', 'strict');
  assert.deepEqual(counts(result), { inserted: 0, updated: 0, unchanged: 0, rejected: 4 });
  assert.equal(result.rolled_back, true);
  assert.equal(result.rows, 7);
  assert.equal(await workerTotal(root), before);
  const rows = result.problems.map((p) => p.row).sort((a, b) => a - b);
  assert.deepEqual(rows, [5, 6, 7, 8]);
  const edu = result.problems.find((p) => p.row === 7);
  assert.equal(edu.column, '学历');
  assert.equal(edu.value, '小学');
  const rep = await root.get(`/api/v1/imports/${id}/errors?format=csv`);
  assert.equal(rep.status, 200, rep.text);
  const lines = rep.text.replace(/^\ufeff/, '').trim().split('\r\n');
  assert.match(lines[0], /^行号,列,值,问题,姓名\*,身份证号\*/);
  assert.equal(lines.length, 5);
  assert.ok(lines.some((l) => l.startsWith('7,学历,小学,') && l.includes('周强')), rep.text);
  // the same report as XLSX, which Excel users open without an import wizard
  const x = await fetch(`${srv.url}/api/v1/imports/${id}/errors?format=xlsx`, { headers: { cookie: root.cookie } });
  assert.equal(x.status, 200);
  assert.match(x.headers.get('content-disposition'), /import-\d+-errors\.xlsx/);
  const bytes = Buffer.from(await x.arrayBuffer());
  assert.equal(bytes.subarray(0, 4).toString('binary'), 'PK\x03\x04');
  const file = join(srv.dir, 'errors.xlsx');
  writeFileSync(file, bytes);
  const strings = execFileSync('unzip', ['-p', file, 'xl/worksheets/sheet1.xml'], { encoding: 'utf8' });
  assert.ok(strings.includes('学历') && strings.includes('小学') && strings.includes('周强'), strings);
  assert.equal((await root.get(`/api/v1/imports/${id}/errors?format=pdf`)).status, 422);
  // someone else cannot read it
  assert.equal((await qy.get(`/api/v1/imports/${id}/errors`)).status, 404);
});

test('skip-invalid stores the valid rows; the fixed file then updates the rest', async () => {
  const { result } = await run(root, 'workers', 'workers_errors.csv', 'skip-invalid');
  assert.deepEqual(counts(result), { inserted: 3, updated: 0, unchanged: 0, rejected: 4 });
  const fixed = await run(root, 'workers', 'workers_fixed.csv', 'strict');
  assert.deepEqual(counts(fixed.result), { inserted: 4, updated: 0, unchanged: 3, rejected: 0 });
  const again = await run(root, 'workers', 'workers_fixed.csv', 'strict');
  assert.deepEqual(counts(again.result), { inserted: 0, updated: 0, unchanged: 7, rejected: 0 });
});

test('UTF-8 with English headers: level, certificate and paper registration', async () => {
  const { result } = await run(root, 'workers', 'workers_utf8.csv', 'strict');
  assert.deepEqual(counts(result), { inserted: 2, updated: 0, unchanged: 3, rejected: 0 });
  const r = await root.get('/api/v1/workers?q=' + encodeURIComponent('王芳'));
  assert.equal(r.json.total, 1);
  assert.equal(r.json.items[0].level, 'intermediate');
  assert.equal(r.json.items[0].registration_state, 'certified');
  const again = await run(root, 'workers', 'workers_utf8.csv', 'strict');
  assert.deepEqual(counts(again.result), { inserted: 0, updated: 0, unchanged: 5, rejected: 0 });
});

test('GB18030 CSV, auto-detected and named', async () => {
  const { result } = await run(root, 'workers', 'workers_gb18030.csv', 'strict');
  assert.deepEqual(counts(result), { inserted: 3, updated: 0, unchanged: 0, rejected: 0 });
  const r = await root.get('/api/v1/workers?q=' + encodeURIComponent('诸葛亮'));
  assert.equal(r.json.total, 1);
  const forced = await run(root, 'workers', 'workers_gb18030.csv', 'strict', { encoding: 'gb18030' });
  assert.equal(forced.result.unchanged, 3);
});

test('UTF-8 BOM, CRLF and a quoted field over two lines: row numbers are the file\'s', async () => {
  const { result } = await run(root, 'workers', 'workers_bom_crlf.csv', 'skip-invalid');
  // 郑洁's organisation holds a line break, which the registry refuses
  assert.deepEqual(counts(result), { inserted: 1, updated: 0, unchanged: 0, rejected: 1 });
  assert.equal(result.problems[0].row, 2);
  assert.equal(result.problems[0].column, '工作单位');
});

test('XLSX: the sheet by name, Excel dates and numbers, an ID number Excel cut short', async () => {
  const first = await upload(root, 'workers', 'workers.xlsx', 'strict');
  const job = await root.waitJob(first.json.id);
  // the first sheet is the notes sheet: its header is not a worker column
  assert.equal(job.state, 'failed');
  assert.match(job.error, /填表说明/);
  const { result } = await run(root, 'workers', 'workers.xlsx', 'skip-invalid', { sheet: '社工' });
  assert.deepEqual(counts(result), { inserted: 2, updated: 0, unchanged: 0, rejected: 1 });
  assert.equal(result.problems[0].row, 4);
  assert.equal(result.problems[0].code, 'number_lost_digits');
  const r = await root.get('/api/v1/workers?q=' + encodeURIComponent('黄晓明'));
  assert.equal(r.json.items[0].level, 'assistant');
  const q = await root.get(`/api/v1/workers/${r.json.items[0].id}/qualifications`);
  assert.equal(q.status, 200, q.text);
  assert.equal(itemsOf(q.json)[0].passed_on, '2019-06-16');
});

test('scope: a 清远 bureau cannot import or move rows of 广州 440103', async () => {
  const { result } = await run(qy, 'workers', 'workers_utf8.csv', 'skip-invalid');
  // every row is in 广州: refused, and the records there are not touched
  assert.deepEqual(counts(result), { inserted: 0, updated: 0, unchanged: 0, rejected: 5 });
  assert.equal(result.problems[0].row, 2);
  assert.equal(result.problems[0].column, 'region_code');
  const strict = await run(qy, 'workers', 'workers_utf8.csv', 'strict');
  assert.equal(strict.result.rolled_back, true);
  // lists: each sees their own imports only
  const mine = await qy.get('/api/v1/imports');
  assert.equal(mine.status, 200);
  assert.equal(mine.json.total, 2);
  assert.equal(mine.json.items[0].kind, 'workers');
  assert.equal(mine.json.items[0].file_name, 'workers_utf8.csv');
});

test('roles: a volunteer may not import', async () => {
  const v = await login('vol');
  const r = await upload(v, 'workers', 'workers_utf8.csv');
  assert.equal(r.status, 403, r.text);
});

test('bad requests: kind, mode, encoding, base64', async () => {
  let r = await root.post('/api/v1/imports', { kind: 'nope', content_base64: 'YQ==' });
  assert.equal(r.status, 422, r.text);
  r = await root.post('/api/v1/imports', { kind: 'workers', mode: 'lenient', content_base64: 'YQ==' });
  assert.equal(r.status, 422, r.text);
  r = await root.post('/api/v1/imports', { kind: 'workers', encoding: 'latin1', content_base64: 'YQ==' });
  assert.equal(r.status, 422, r.text);
  r = await root.post('/api/v1/imports', { kind: 'workers', content_base64: '@@@' });
  assert.equal(r.status, 422, r.text);
});

test('population: strict refuses the bad file, the good one is audited once', async () => {
  const bad = await run(root, 'population', 'population_bad.csv', 'strict');
  assert.deepEqual(counts(bad.result), { inserted: 0, updated: 0, unchanged: 0, rejected: 2 });
  const good = await run(root, 'population', 'population.csv', 'strict');
  assert.deepEqual(counts(good.result), { inserted: 0, updated: 3, unchanged: 0, rejected: 0 });
  const again = await run(root, 'population', 'population.csv', 'strict');
  assert.deepEqual(counts(again.result), { inserted: 0, updated: 0, unchanged: 3, rejected: 0 });
  const region = await root.get('/api/v1/regions/440103');
  assert.equal(region.json.population, 1000000);
  addUser('aud', 'auditor');
  const aud = await login('aud');
  const log = await aud.get('/api/v1/audit?action=import.population&per_page=50');
  assert.equal(log.status, 200, log.text);
  // one record per import (the refused one as a failure), none per row
  assert.equal(log.json.total, 3);
  assert.deepEqual(log.json.items.map((e) => e.outcome).sort(), ['failure', 'success', 'success']);
  assert.equal((await aud.get('/api/v1/audit?action=region.population')).json.total, 0);
});

test('orgs: keyed by credit code, a bad check character rejected, re-import unchanged', async () => {
  const { result } = await run(root, 'orgs', 'orgs.csv', 'skip-invalid');
  assert.deepEqual(counts(result), { inserted: 2, updated: 0, unchanged: 0, rejected: 1 });
  assert.equal(result.problems[0].row, 4);
  assert.equal(result.problems[0].column, '统一社会信用代码');
  const again = await run(root, 'orgs', 'orgs.csv', 'skip-invalid');
  assert.deepEqual(counts(again.result), { inserted: 0, updated: 0, unchanged: 2, rejected: 1 });
  const r = await root.get('/api/v1/orgs?q=91440101MA5CJQ4N59');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.total, 1);
});

test('employment: keyed by worker, organisation and start; unknown workers and future dates rejected', async () => {
  const { result } = await run(root, 'employment', 'employment.csv', 'skip-invalid');
  assert.deepEqual(counts(result), { inserted: 3, updated: 0, unchanged: 0, rejected: 2 });
  assert.deepEqual(result.problems.map((p) => p.row), [5, 6]);
  const again = await run(root, 'employment', 'employment.csv', 'skip-invalid');
  assert.deepEqual(counts(again.result), { inserted: 0, updated: 0, unchanged: 3, rejected: 2 });
});

test('CLI --json: the last line holds the counts; exit status by mode', () => {
  let r = srv.cli(['import', 'workers', join(DATA, 'workers_errors.csv'), '--json']);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /strict/);
  r = srv.cli(['import', 'workers', join(DATA, 'workers_errors.csv'), '--mode', 'skip-invalid', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const last = JSON.parse(r.stdout.trim().split('\n').pop());
  // 张伟 and 李娜 got their current organisation from the employment
  // import; the workers file sets it back: updated
  assert.deepEqual(last, { inserted: 0, updated: 2, unchanged: 1, rejected: 4 });
  r = srv.cli(['import', 'workers', join(DATA, 'workers_gb18030.csv'), '--encoding', 'utf-8', '--json']);
  assert.notEqual(r.code, 0); // GB18030 bytes are not UTF-8
});

test('CLI --errors-out: the report as XLSX or CSV by the name, also when strict stored nothing', () => {
  const file = join(DATA, 'workers_errors.csv');
  const csv = join(srv.dir, 'cli-errors.csv');
  let r = srv.cli(['import', 'workers', file, '--errors-out', csv]);
  assert.notEqual(r.code, 0); // strict: refused, but the report is written
  assert.match(r.stderr, /error report: .*cli-errors\.csv \(\d+ problems\)/);
  const text = readFileSync(csv, 'utf8');
  assert.match(text, /^\ufeff行号,列,值,问题,姓名\*,身份证号\*/);
  const lines = text.split('\r\n');
  const message = lines.find((l) => l.startsWith('7,学历,小学,')).split(',')[3];
  assert.match(message, /[\u4e00-\u9fff]/);
  const xlsx = join(srv.dir, 'cli-errors.XLSX');
  r = srv.cli(['import', 'workers', file, '--errors-out', xlsx]);
  assert.match(r.stderr, /error report: .*cli-errors\.XLSX/);
  assert.equal(readFileSync(xlsx).subarray(0, 4).toString('binary'), 'PK\x03\x04');
  const sheet = execFileSync('unzip', ['-p', xlsx, 'xl/worksheets/sheet1.xml'], { encoding: 'utf8' });
  assert.ok(sheet.includes(message) && sheet.includes('周强'), sheet);
  // an unknown extension is refused before anything is imported
  r = srv.cli(['import', 'workers', join(DATA, 'workers_fixed.csv'), '--errors-out', join(srv.dir, 'e.txt')]);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /\.xlsx or \.csv/);
  assert.doesNotMatch(r.stderr, /rows in/);
});

test('kill -9 during a strict CLI import leaves the workers as they were', async () => {
  const before = await workerTotal(root);
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const lines = ['name,id_number,region_code'];
  for (let i = 0; i < 200000; i++) {
    const d = new Date(Date.UTC(1960, 0, 1) + (i % 15000) * 86400000);
    const s17 = '440103' + d.toISOString().slice(0, 10).replaceAll('-', '') +
      String(500 + Math.floor(i / 15000)).padStart(3, '0');
    const sum = [...s17].reduce((a, c, k) => a + Number(c) * w[k], 0);
    lines.push(`批量${i},${s17 + '10X98765432'[sum % 11]},440103`);
  }
  const file = join(srv.dir, 'big.csv');
  writeFileSync(file, lines.join('\n') + '\n');
  const child = spawn(bin, ['--db', srv.dbPath, 'import', 'workers', file, '--mode', 'strict']);
  await new Promise((res, rej) => {
    let err = '';
    child.stderr.on('data', (d) => {
      err += d;
      // a progress line after some thousands of rows: the transaction is well under way
      if (/import: [1-9]\d{3,}\//.test(err)) res();
    });
    child.on('exit', () => rej(new Error('import ended before it was killed: ' + err)));
  });
  child.kill('SIGKILL');
  await new Promise((res) => child.on('exit', res));
  assert.equal(await workerTotal(root), before);
});

// The status of a POST that announces a body of length bytes and sends
// none: h2o answers 413 from Content-Length alone and closes the
// connection, so a client still writing the body may see EPIPE instead.
function announceBody(path, length) {
  return new Promise((resolve, reject) => {
    const req = http.request(srv.url + path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': length,
        cookie: root.cookie, 'x-csrf-token': root.csrf },
    });
    req.on('response', (res) => { res.resume(); req.destroy(); resolve(res.statusCode); });
    req.on('error', reject);
    req.flushHeaders();
  });
}

test('a file larger than one request goes in pieces, in order, resumable; bodies stay capped', async () => {
  const rows = 120000;
  const csv = Buffer.from('区划代码,常住人口\r\n' + '441802,600000\r\n'.repeat(rows));
  assert.ok(csv.length > 1.5 * 1024 * 1024);
  // whole, the body is over the 1 MiB cap on this route as on every other
  assert.equal(await announceBody('/api/v1/imports', csv.toString('base64').length + 100), 413);
  let r = await root.post('/api/v1/imports/uploads', {});
  assert.equal(r.status, 201, r.text);
  const { token } = r.json;
  assert.match(token, /^[0-9a-f]{32}$/);
  const piece = 512 * 1024;
  // out of order: told where to resume
  r = await root.post(`/api/v1/imports/uploads/${token}`, { offset: piece, content_base64: 'AAAA' });
  assert.equal(r.status, 409);
  assert.equal(r.json.errors[0].field, 'offset');
  for (let offset = 0; offset < csv.length; offset += piece) {
    r = await root.post(`/api/v1/imports/uploads/${token}`,
      { offset, content_base64: csv.subarray(offset, offset + piece).toString('base64') });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.size, Math.min(offset + piece, csv.length));
  }
  // another account cannot add to it or import it
  assert.equal((await qy.post(`/api/v1/imports/uploads/${token}`, { offset: csv.length, content_base64: 'AAAA' })).status, 404);
  assert.equal((await qy.post('/api/v1/imports', { kind: 'population', upload: token })).status, 422);
  // no CSRF token, no piece
  const bare = srv.client();
  bare.cookie = root.cookie;
  assert.equal((await bare.post(`/api/v1/imports/uploads/${token}`, { offset: csv.length, content_base64: 'AAAA' })).status, 403);
  r = await root.post('/api/v1/imports', { kind: 'population', mode: 'skip-invalid', upload: token, file_name: 'big.csv' });
  assert.equal(r.status, 202, r.text);
  const job = await root.waitJob(r.json.id);
  assert.equal(job.state, 'succeeded', JSON.stringify(job));
  assert.equal(job.result.rows, rows);
  // either content or an upload, not both, not neither
  r = await root.post('/api/v1/imports', { kind: 'population' });
  assert.equal(r.status, 422);
});

test('starting an upload drops the account\'s earlier unsubmitted one: an abandoned upload cannot pile up', async () => {
  const first = (await root.post('/api/v1/imports/uploads', {})).json.token;
  let r = await root.post(`/api/v1/imports/uploads/${first}`, { offset: 0, content_base64: 'AAAA' });
  assert.equal(r.status, 200);
  const second = (await root.post('/api/v1/imports/uploads', {})).json.token;
  r = await root.post(`/api/v1/imports/uploads/${first}`, { offset: 3, content_base64: 'AAAA' });
  assert.equal(r.status, 404, 'the first upload is gone');
  r = await root.post(`/api/v1/imports/uploads/${second}`, { offset: 0, content_base64: 'AAAA' });
  assert.equal(r.status, 200);
  // another account's pending upload is untouched
  const other = (await qy.post('/api/v1/imports/uploads', {})).json.token;
  r = await root.post(`/api/v1/imports/uploads/${second}`, { offset: 3, content_base64: 'AAAA' });
  assert.equal(r.status, 200);
  assert.match(other, /^[0-9a-f]{32}$/);
});
