// The statistics engine (domain/stats.h) over HTTP: every figure checked
// against numbers known by construction and against an independent count
// over the raw tables (sqlite3, read-only); the counts the triggers keep
// after inserts, edits and status changes; balance with its spread; growth
// by year; region scope; the public figures and what they leave out.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '../lib/server.mjs';
import { creditCode, idNumber } from '../lib/ids.mjs';

const PASSWORD = 'Stats-Passw0rd!2026';

let srv;
let city; // bureau of 清远市 4418
let qc; // bureau of 清城区 441802
let nation; // the system administrator: the whole country
let seq = 0;

function addUser(login, role, region) {
  const args = ['user', 'add', login, '--role', role, '--password-stdin'];
  if (region) args.push('--region', region);
  const r = srv.cli(args, { stdin: PASSWORD + '\n' });
  assert.equal(r.code, 0, r.stderr);
}

function sql(query) {
  return execFileSync('sqlite3', ['-readonly', srv.dbPath, query], { encoding: 'utf8' }).trim();
}

const LEVELS = { assistant: 1, intermediate: 2, senior: 3 };

async function worker(region, { level, education, passedOn = '2020-06-30' } = {}) {
  seq += 1;
  const body = {
    name: `统计${seq}号`, id_number: idNumber(region.slice(0, 6), '19900101', seq),
    region_code: region, phone: '13800138000',
  };
  if (education) body.education = education;
  const w = await city.post('/api/v1/workers', body);
  assert.equal(w.status, 201, w.text);
  if (level) {
    const q = await city.post(`/api/v1/workers/${w.json.id}/qualifications`, {
      level, certificate_no: `ST-${String(seq).padStart(6, '0')}`, passed_on: passedOn,
    });
    assert.equal(q.status, 201, q.text);
  }
  return w.json;
}

// The same figures as the overview, counted from the raw tables.
function rawCounts(prefix) {
  const where = `status = 'active' AND region_code LIKE '${prefix}%'`;
  const [total, l1, l2, l3, known, college] = sql(
    `SELECT count(*), sum(level = 1), sum(level = 2), sum(level = 3),
            count(education), sum(education IN ('associate','bachelor','master','doctor'))
       FROM workers WHERE ${where}`).split('|').map((x) => Number(x || 0));
  return { total, l1, l2, l3, known, college };
}

before(async () => {
  srv = await startServer({ regions: 'fixture' });
  addUser('st-city', 'bureau', '4418');
  addUser('st-qc', 'bureau', '441802');
  city = await srv.loginAs('st-city', PASSWORD);
  qc = await srv.loginAs('st-qc', PASSWORD);
  nation = await srv.loginAs(srv.adminLogin, srv.adminPassword);

  // 清城区: 6 workers (3 assistant, 1 intermediate, 1 senior, 1 none);
  // education known for 4, college or above for 3.
  await worker('441802006', { level: 'assistant', education: 'bachelor', passedOn: '2018-05-01' });
  await worker('441802006', { level: 'assistant', education: 'secondary_or_below', passedOn: '2019-05-01' });
  await worker('441802007', { level: 'assistant', education: 'associate', passedOn: '2020-05-01' });
  await worker('441802103', { level: 'intermediate', education: 'master' });
  await worker('441802', { level: 'senior' });
  await worker('441802008');
  // 清新区: 2 workers, one assistant
  await worker('441803', { level: 'assistant', education: 'bachelor' });
  await worker('441803');
});
after(async () => { await srv.stop(); });

test('overview: figures known by construction and equal to a raw count', async () => {
  let r = await qc.get('/api/v1/stats/overview');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.region_code, '441802', 'defaults to the caller\'s region');
  assert.equal(r.json.region_name, '清城区');
  assert.equal(r.json.workers_total, 6);
  assert.equal(r.json.certified_total, 5);
  assert.deepEqual(r.json.by_level, { none: 1, assistant: 3, intermediate: 1, senior: 1 });
  assert.equal(r.json.college_share, 3 / 4);
  assert.equal(r.json.population, null);
  assert.equal(r.json.per_10k, null);
  assert.equal(r.json.orgs, 0);
  assert.deepEqual([r.json.stations.stations, r.json.stations.towns_total, r.json.posts.total], [0, 10, 0]);
  const raw = rawCounts('441802');
  assert.equal(r.json.workers_total, raw.total);
  assert.deepEqual([raw.l1, raw.l2, raw.l3], [3, 1, 1]);

  r = await city.get('/api/v1/stats/overview?region=4418');
  assert.equal(r.json.workers_total, 8);
  assert.equal(r.json.by_level.assistant, 4);
  assert.equal(r.json.workers_total, rawCounts('4418').total);
  r = await nation.get('/api/v1/stats/overview');
  assert.equal(r.json.region_code, '');
  assert.equal(r.json.region_name, '全国');
  assert.equal(r.json.workers_total, 8);
  // a town counts what lies below it
  r = await city.get('/api/v1/stats/overview?region=441802006');
  assert.equal(r.json.workers_total, 2);
});

test('kept counts follow edits, status changes and stay equal to the raw tables', async () => {
  const w = await worker('441802009', { level: 'assistant', education: 'doctor' });
  let r = await qc.get('/api/v1/stats/overview');
  assert.equal(r.json.workers_total, 7);
  // moves to 清新区
  r = await city.patch(`/api/v1/workers/${w.id}`, { region_code: '441803' });
  assert.equal(r.status, 200, r.text);
  assert.equal((await qc.get('/api/v1/stats/overview')).json.workers_total, 6);
  assert.equal((await city.get('/api/v1/stats/overview?region=441803')).json.workers_total, 3);
  // leaves the field: no longer counted anywhere
  r = await city.patch(`/api/v1/workers/${w.id}`, { status: 'left' });
  assert.equal(r.status, 200, r.text);
  assert.equal((await city.get('/api/v1/stats/overview?region=441803')).json.workers_total, 2);
  assert.equal((await city.get('/api/v1/stats/overview?region=4418')).json.workers_total, 8);

  const check = srv.cli(['stats', 'check']);
  assert.equal(check.code, 0, check.stderr);
  // the kept table differs from the raw one only when someone edits it
  assert.equal(sql(`SELECT count(*) FROM (SELECT * FROM stat_counts WHERE value <> 0
                    EXCEPT SELECT * FROM stat_counts_fresh)`), '0');
});

test('organisations are counted while active, by region', async () => {
  const ids = [];
  for (let i = 1; i <= 3; i++) {
    const r = await qc.post('/api/v1/orgs', { name: `统计机构${i}`, credit_code: creditCode('441802', i),
      type: 'private_non_enterprise', region_code: i === 3 ? '441802006' : '441802' });
    assert.equal(r.status, 201, r.text);
    ids.push(r.json.id);
  }
  assert.equal((await qc.get('/api/v1/stats/overview')).json.orgs, 3);
  assert.equal((await qc.get('/api/v1/stats/overview?region=441802006')).json.orgs, 1);
  assert.equal((await qc.patch(`/api/v1/orgs/${ids[0]}`, { status: 'deregistered' })).status, 200);
  assert.equal((await city.get('/api/v1/stats/overview?region=4418')).json.orgs, 2);
  assert.equal((await qc.get('/api/v1/stats/indicator/orgs')).json.value, 2);
  assert.equal(sql("SELECT count(*) FROM orgs WHERE status = 'active' AND region_code LIKE '4418%'"), '2');
  assert.equal(srv.cli(['stats', 'check']).code, 0);
});

test('indicators: definitions, values, population and past dates', async () => {
  let r = await city.get('/api/v1/stats/indicators');
  assert.equal(r.status, 200);
  const keys = r.json.map((d) => d.key);
  for (const k of ['workers_total', 'certified_total', 'per_10k', 'college_share', 'level_assistant',
    'level_intermediate', 'level_senior', 'orgs', 'town_station_coverage', 'village_room_coverage',
    'posts_filled', 'community_worker_coverage', 'stations_standard', 'supervisors_per_town',
    'expiring_90d']) assert.ok(keys.includes(k), k);
  assert.ok(r.json.every((d) => d.tracked), 'every indicator has its data now');
  const per10k = r.json.find((d) => d.key === 'per_10k');
  assert.deepEqual([per10k.numerator, per10k.denominator, per10k.factor], ['workers', 'population', 10000]);

  r = await qc.get('/api/v1/stats/indicator/per_10k');
  assert.equal(r.json.value, null, 'no population yet');
  r = await qc.put('/api/v1/regions/441802/population', { population: 600000 });
  assert.equal(r.status, 204, r.text);
  r = await qc.get('/api/v1/stats/indicator/per_10k');
  assert.equal(r.json.value, 6 * 10000 / 600000);
  assert.equal(r.json.numerator, 6);
  assert.equal(r.json.denominator, 600000);
  assert.equal(sql("SELECT population FROM regions WHERE code = '441802'"), '600000');
  assert.equal(sql("SELECT count(*) FROM audit_log WHERE action = 'region.population'"), '1');
  // a bureau may not set a population outside its region
  r = await qc.put('/api/v1/regions/441803/population', { population: 1 });
  assert.equal(r.status, 404);

  r = await qc.get('/api/v1/stats/indicator/college_share');
  assert.equal(r.json.value, 75);
  r = await qc.get('/api/v1/stats/indicator/posts_filled');
  assert.equal(r.json.value, null, 'posts are not recorded yet');
  r = await qc.get('/api/v1/stats/indicator/no_such');
  assert.equal(r.status, 404);
  // as of a past date: the workers created since do not exist yet
  r = await qc.get('/api/v1/stats/indicator/workers_total?date=2001-01-01');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.value, 0);
  r = await qc.get('/api/v1/stats/indicator/per_10k?date=2001-01-01');
  assert.equal(r.json.value, null, 'only worker counts are known for a past date');
  r = await qc.get('/api/v1/stats/indicator/workers_total?date=2099-01-01');
  assert.equal(r.status, 422);
  r = await qc.get('/api/v1/stats/indicator/workers_total?date=2021-02-30');
  assert.equal(r.status, 422);
});

test('balance: children side by side, spread and the laggards', async () => {
  const r = await city.get('/api/v1/stats/balance?region=4418&indicator=workers_total');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.children.length, 8, 'every county of the fixture city');
  const byCode = Object.fromEntries(r.json.children.map((c) => [c.code, c.value]));
  assert.equal(byCode['441802'], 6);
  assert.equal(byCode['441803'], 2);
  assert.equal(byCode['441825'], 0);
  // values 6, 2 and six zeros
  const v = [6, 2, 0, 0, 0, 0, 0, 0];
  const mean = v.reduce((a, b) => a + b) / v.length;
  const sd = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length);
  const sorted = [...v].sort((a, b) => a - b);
  const gini = sorted.reduce((a, x, i) => a + (2 * (i + 1) - v.length - 1) * x, 0) / (v.length * 8);
  assert.ok(Math.abs(r.json.mean - mean) < 1e-9);
  assert.ok(Math.abs(r.json.cv - sd / mean) < 1e-9);
  assert.ok(Math.abs(r.json.gini - gini) < 1e-9);
  assert.deepEqual(r.json.lagging, [], 'no county is below mean - 1 sd here');
  // per 10k: only the county with a population has a value
  const p = await city.get('/api/v1/stats/balance?region=4418');
  assert.equal(p.json.indicator, 'per_10k');
  assert.deepEqual(p.json.children.filter((c) => c.value !== null).map((c) => c.code), ['441802']);
});

test('growth: cumulative certified and workers by year', async () => {
  const r = await qc.get('/api/v1/stats/growth?from=2017&to=2021');
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json.points.map((p) => [p.year, p.certified]),
    [[2017, 0], [2018, 1], [2019, 2], [2020, 5], [2021, 5]]);
  const bad = await qc.get('/api/v1/stats/growth?from=2020&to=2010');
  assert.equal(bad.status, 422);
});

test('scope: a county bureau cannot read another county, auditors read nothing', async () => {
  let r = await qc.get('/api/v1/stats/overview?region=441803');
  assert.equal(r.status, 404);
  r = await qc.get('/api/v1/stats/balance?region=4418');
  assert.equal(r.status, 404);
  r = await qc.get('/api/v1/stats/indicator/workers_total?region=4418');
  assert.equal(r.status, 404);
  addUser('st-auditor', 'auditor');
  const aud = await srv.loginAs('st-auditor', PASSWORD);
  r = await aud.get('/api/v1/stats/overview');
  assert.equal(r.status, 403);
});

test('public figures: only published indicators, counts only, no personal data', async () => {
  const anon = srv.client();
  let r = await anon.get('/api/v1/public/stats?region=4418');
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json.indicators.map((i) => i.key),
    ['workers_total', 'certified_total', 'level_assistant', 'level_intermediate', 'level_senior']);
  assert.equal(r.json.indicators[0].value, 8);
  const text = r.text;
  assert.ok(!/统计\d+号/.test(text), 'no worker names');
  assert.ok(!/\d{6}\*{8}|\d{17}[\dX]/.test(text), 'no ID numbers');
  assert.ok(!/1380013/.test(text), 'no phone numbers');

  // a county bureau may not choose what is published; the sysadmin may
  r = await qc.put('/api/v1/stats/public-indicators', { keys: ['per_10k'] });
  assert.equal(r.status, 403);
  const root = nation;
  r = await root.put('/api/v1/stats/public-indicators', { keys: ['no_such_indicator'] });
  assert.equal(r.status, 422, 'only known indicators can be published');
  r = await root.put('/api/v1/stats/public-indicators', { keys: ['per_10k', 'workers_total'] });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json.keys, ['per_10k', 'workers_total']);
  r = await anon.get('/api/v1/public/stats?region=441802');
  assert.deepEqual(r.json.indicators.map((i) => [i.key, i.value]), [['per_10k', 0.1], ['workers_total', 6]]);
  assert.equal(sql("SELECT count(*) FROM audit_log WHERE action = 'stats.public_indicators'"), '1');
  r = await anon.get('/api/v1/public/stats?region=99');
  assert.equal(r.status, 404);
});

// A report file with the client's session: {status, headers, bytes}.
async function download(client, path) {
  const res = await fetch(`${srv.url}${path}`, {
    headers: client.cookie ? { cookie: client.cookie } : {},
  });
  return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
}

test('report: the dashboard as XLSX (one sheet per table) and as PDF', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sg-report-'));
  try {
    const plan = await city.post('/api/v1/targets', {
      name: '清远市社工站建设计划', region_code: '4418', baseline_date: '2026-01-01', due_date: '2027-12-31',
      items: [{ indicator: 'town_station_coverage', target: 100, baseline: 0 }],
    });
    assert.equal(plan.status, 201, plan.text);
    let r = await download(city, '/api/v1/stats/report?region=4418&format=xlsx');
    assert.equal(r.status, 200, r.bytes.toString());
    assert.match(r.headers.get('content-type'), /spreadsheetml/);
    assert.match(r.headers.get('content-disposition'), /stats-4418\.xlsx/);
    assert.equal(r.bytes.subarray(0, 4).toString('binary'), 'PK\x03\x04', 'a zip file');
    const xlsx = join(dir, 'r.xlsx');
    writeFileSync(xlsx, r.bytes);
    const wb = execFileSync('unzip', ['-p', xlsx, 'xl/workbook.xml'], { encoding: 'utf8' });
    const sheets = [...wb.matchAll(/<sheet name="([^"]+)"/g)].map((m) => m[1]);
    assert.deepEqual(sheets, ['概览', '等级', '下级地区', '指标', '规划目标']);
    const strings = execFileSync('unzip', ['-p', xlsx, 'xl/sharedStrings.xml'], { encoding: 'utf8' });
    assert.ok(strings.includes('清远市') && strings.includes('清城区'), 'region and child names');
    assert.ok(strings.includes('清远市社工站建设计划') && strings.includes('乡镇（街道）社工站覆盖率'),
      'the plan and its item, named by the indicator');
    assert.ok(!/统计\d+号/.test(strings), 'no worker names in the report');
    // the overview sheet's worker count equals the raw count
    const sheet1 = execFileSync('unzip', ['-p', xlsx, 'xl/worksheets/sheet1.xml'], { encoding: 'utf8' });
    const nums = [...sheet1.matchAll(/<c r="B(\d+)"[^>]*><v>([^<]+)<\/v>/g)]
      .filter((m) => !/t="s"/.test(m[0])).map((m) => [Number(m[1]), Number(m[2])]);
    assert.deepEqual(nums.find(([row]) => row === 4), [4, rawCounts('4418').total]);

    r = await download(city, '/api/v1/stats/report?region=441802&format=pdf&date=2019-12-31');
    assert.equal(r.status, 200, r.bytes.toString());
    assert.equal(r.headers.get('content-type'), 'application/pdf');
    assert.equal(r.bytes.subarray(0, 5).toString('binary'), '%PDF-');
    const pdf = join(dir, 'r.pdf');
    writeFileSync(pdf, r.bytes);
    const text = execFileSync('pdftotext', ['-q', pdf, '-'], { encoding: 'utf8' });
    assert.ok(text.includes('清城区'), 'the region name is printed');
    assert.ok(text.includes('人才等级结构'), 'the level pyramid');
    assert.ok(text.includes('2019-12-31'), 'the as-of date');

    r = await download(city, '/api/v1/stats/report?format=pdf');
    assert.equal(r.status, 200, 'region omitted: the caller\'s root');
    writeFileSync(pdf, r.bytes);
    assert.ok(execFileSync('pdftotext', ['-q', pdf, '-'], { encoding: 'utf8' }).includes('规划目标进度'),
      "today's report has the plans' progress");
    r = await download(city, '/api/v1/stats/report?region=4418&format=doc');
    assert.equal(r.status, 422);
    r = await download(city, '/api/v1/stats/report?region=4418&date=2019-13-01');
    assert.equal(r.status, 422);
    r = await download(qc, '/api/v1/stats/report?region=4418&format=xlsx');
    assert.equal(r.status, 404, 'outside the scope');
    r = await download(srv.client(), '/api/v1/stats/report?region=4418');
    assert.equal(r.status, 401);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('supervisors: the open supervisor places of active workers, per town', async () => {
  const towns = Number(sql("SELECT count(*) FROM regions WHERE level = 4 AND code LIKE '4418%'"));
  const a = await worker('441802006', { level: 'intermediate' });
  const b = await worker('441803');
  const join = async (w) => {
    const r = await city.post(`/api/v1/workers/${w.id}/pools`,
      { pool: 'supervisor', grade: 'junior', joined_on: '2024-01-01' });
    assert.equal(r.status, 201, r.text);
    return r.json;
  };
  const pa = await join(a);
  await join(b);
  const rawSupervisors = (prefix) => Number(sql(
    `SELECT count(*) FROM worker_pools p JOIN workers w ON w.id = p.worker_id
      WHERE p.pool = 'supervisor' AND p.removed_at IS NULL AND w.status = 'active'
        AND w.region_code LIKE '${prefix}%'`));
  let r = await city.get('/api/v1/stats/overview?region=4418');
  assert.equal(r.json.supervisors, 2);
  assert.equal(r.json.supervisors, rawSupervisors('4418'));
  assert.ok(Math.abs(r.json.supervisors_per_town - 2 / towns) < 1e-9);
  r = await city.get('/api/v1/stats/indicator/supervisors_per_town?region=441802');
  const qcTowns = Number(sql("SELECT count(*) FROM regions WHERE level = 4 AND code LIKE '441802%'"));
  assert.deepEqual([r.json.numerator, r.json.denominator], [1, qcTowns]);
  r = await city.get('/api/v1/stats/indicator/supervisors_per_town?region=441802006');
  assert.deepEqual([r.json.value, r.json.denominator], [1, 1], 'a town is one town');

  r = await city.del(`/api/v1/workers/${a.id}/pools/${pa.id}`);
  assert.ok(r.status === 204 || r.status === 200, r.text);
  r = await city.get('/api/v1/stats/overview?region=4418');
  assert.equal(r.json.supervisors, 1);
  assert.equal(r.json.supervisors, rawSupervisors('4418'));
  r = await city.get('/api/v1/stats/indicator/supervisors_per_town?region=4418&date=2020-01-01');
  assert.equal(r.json.value, null, 'not answered for a past date');
});

test('overview as of a date: worker counts from the raw tables, the rest unknown', async () => {
  const now = await city.get('/api/v1/stats/overview?region=4418');
  let r = await city.get(`/api/v1/stats/overview?region=4418&date=${now.json.date}`);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json, now.json, 'today is today');
  r = await city.get('/api/v1/stats/overview?region=4418&date=2001-01-01');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.date, '2001-01-01');
  assert.equal(r.json.workers_total, 0, 'every fixture worker was created since');
  assert.deepEqual(r.json.by_level, { none: 0, assistant: 0, intermediate: 0, senior: 0 });
  for (const k of ['per_10k', 'college_share', 'orgs', 'supervisors', 'expiring_90d']) {
    assert.equal(r.json[k], null, k);
  }
  r = await city.get('/api/v1/stats/overview?region=4418&date=2099-01-01');
  assert.equal(r.status, 422);
});
