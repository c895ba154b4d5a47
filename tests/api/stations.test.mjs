// Stations of the three-tier network (domain/station.h) and coverage
// (domain/coverage.h) over HTTP: the tier's region level (422 naming the
// level expected), one active station per region unless a reason is
// given (409 otherwise), the six haves and "up to standard", region scope,
// and coverage figures on the fixture tree with known answers, kept in
// step by the triggers as stations open, move and close.
//
// Fixture (tests/data/regions): 清远市 4418 has 8 counties, 19 towns and
// 46 villages; 清城区 441802 has 10 towns and 28 villages, all 28 under
// 凤城街道 441802006; 清新区 441803 has 9 towns and 18 villages.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startServer } from '../lib/server.mjs';
import { creditCode } from '../lib/ids.mjs';

const PASSWORD = 'Stations-Passw0rd!2026';
let srv;
let city; // bureau 清远市
let qc; // bureau 清城区
let gz; // bureau 广州市
let orgUser;
let operator;

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

const SIX = {
  site_area: 120.5, has_equipment: true, equipment_note: '电脑 2 台、投影仪',
  staff_count: 4, resident_workers: 2, functions: ['elderly', 'children'],
  has_procedures: true, has_rules: true,
};

before(async () => {
  srv = await startServer({ regions: 'fixture' });
  addUser('st-city', 'bureau', '4418');
  addUser('st-qc', 'bureau', '441802');
  addUser('st-gz', 'bureau', '4401');
  addUser('st-org', 'org', '441802');
  city = await srv.loginAs('st-city', PASSWORD);
  qc = await srv.loginAs('st-qc', PASSWORD);
  gz = await srv.loginAs('st-gz', PASSWORD);
  orgUser = await srv.loginAs('st-org', PASSWORD);
  const r = await qc.post('/api/v1/orgs', {
    name: '清城区阳光社工服务中心', credit_code: creditCode('441802', 7),
    type: 'private_non_enterprise', region_code: '441802',
  });
  assert.equal(r.status, 201, r.text);
  operator = r.json;
});
after(async () => { await srv?.stop(); });

async function coverage(c, region) {
  const r = await c.get(`/api/v1/coverage${region === undefined ? '' : `?region=${region}`}`);
  assert.equal(r.status, 200, r.text);
  return r.json;
}

function statsCheck() {
  const r = srv.cli(['stats', 'check']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
}

test('a town station with the six haves is up to standard', async () => {
  const r = await qc.post('/api/v1/stations', {
    name: '凤城街道社工站', tier: 'station', region_code: '441802006',
    operator_org_id: operator.id, address: '凤城街道北门街 12 号', established_on: '2021-06-01',
    ...SIX, projects: '长者饭堂',
  });
  assert.equal(r.status, 201, r.text);
  const s = r.json;
  assert.equal(s.tier, 'station');
  assert.equal(s.region_name, '凤城街道');
  assert.equal(s.operator_org_name, '清城区阳光社工服务中心');
  assert.deepEqual(s.haves, { site: true, equipment: true, staff: true, functions: true,
    procedures: true, rules: true });
  assert.equal(s.haves_met, 6);
  assert.equal(s.up_to_standard, true);
  assert.deepEqual(s.functions, ['elderly', 'children']);
  // one have gone: no longer up to standard, and the audit names the field
  const p = await qc.patch(`/api/v1/stations/${s.id}`, { has_rules: false });
  assert.equal(p.status, 200, p.text);
  assert.equal(p.json.haves.rules, false);
  assert.equal(p.json.haves_met, 5);
  assert.equal(p.json.up_to_standard, false);
  assert.equal(sql(`SELECT details FROM audit_log WHERE action = 'station.update' AND object_id = '${s.id}'`),
    '{"fields":["has_rules","up_to_standard"]}');
  // nothing changed: nothing written, nothing audited
  await qc.patch(`/api/v1/stations/${s.id}`, { has_rules: false });
  assert.equal(sql(`SELECT count(*) FROM audit_log WHERE action = 'station.update' AND object_id = '${s.id}'`), '1');
  await qc.patch(`/api/v1/stations/${s.id}`, { has_rules: true });
});

test('the tier fixes the region level: 422 naming the level expected', async () => {
  let r = await qc.post('/api/v1/stations', { name: '错层级站', tier: 'station', region_code: '441802' });
  assert.equal(r.status, 422, r.text);
  let e = fieldError(r, 'region_code');
  assert.equal(e.code, 'wrong_level');
  assert.match(e.message, /town.*9-digit/);
  r = await qc.post('/api/v1/stations', { name: '错层级室', tier: 'room', region_code: '441802007' });
  e = fieldError(r, 'region_code');
  assert.equal(r.status, 422);
  assert.match(e.message, /village.*12-digit/);
  r = await qc.post('/api/v1/stations', { name: '错层级中心', tier: 'centre', region_code: '441802006001' });
  assert.match(fieldError(r, 'region_code').message, /county.*6-digit/);
  r = await qc.post('/api/v1/stations', { name: '无层级', tier: 'hub', region_code: '441802006' });
  assert.equal(fieldError(r, 'tier').code, 'not_allowed');
  r = await qc.post('/api/v1/stations', {});
  assert.deepEqual(r.json.errors.map((x) => x.field).sort(), ['name', 'region_code', 'tier']);
  // bad six-haves values name their field
  r = await qc.post('/api/v1/stations', { name: '坏数据', tier: 'station', region_code: '441802008',
    site_area: -3, staff_count: 1, resident_workers: 2, functions: ['nope'] });
  assert.equal(r.status, 422);
  assert.deepEqual(r.json.errors.map((x) => x.field).sort(),
    ['functions', 'resident_workers', 'site_area']);
});

test('one active station per town: 409, unless the administrator gives a reason', async () => {
  let r = await qc.post('/api/v1/stations', { name: '凤城街道第二社工站', tier: 'station',
    region_code: '441802006' });
  assert.equal(r.status, 409, r.text);
  const e = fieldError(r, 'region_code');
  assert.equal(e.code, 'taken');
  assert.match(e.message, /凤城街道社工站/);
  r = await qc.post('/api/v1/stations', { name: '凤城街道第二社工站', tier: 'station',
    region_code: '441802006', duplicate_reason: '辖区人口超过 20 万，经局务会研究增设' });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.duplicate_reason, '辖区人口超过 20 万，经局务会研究增设');
  // a town with two stations still counts once
  const c = await coverage(qc, '441802');
  assert.equal(c.towns.covered, 1);
  statsCheck();
  // closing the second keeps the town covered
  r = await qc.patch(`/api/v1/stations/${r.json.id}`, { status: 'closed' });
  assert.equal(r.status, 200, r.text);
  assert.equal((await coverage(qc, '441802')).towns.covered, 1);
  statsCheck();
});

test('scope: a district bureau works only in its district; org accounts read, never write', async () => {
  let r = await qc.post('/api/v1/stations', { name: '太和镇社工站', tier: 'station', region_code: '441803102' });
  assert.equal(r.status, 422);
  assert.equal(fieldError(r, 'region_code').code, 'unknown');
  r = await city.post('/api/v1/stations', { name: '太和镇社工站', tier: 'station', region_code: '441803102', ...SIX });
  assert.equal(r.status, 201, r.text);
  const taihe = r.json;
  assert.equal((await qc.get(`/api/v1/stations/${taihe.id}`)).status, 404);
  assert.equal((await gz.get(`/api/v1/stations/${taihe.id}`)).status, 404);
  assert.equal((await city.get(`/api/v1/stations/${taihe.id}`)).status, 200);
  r = await qc.get('/api/v1/stations');
  assert.ok(r.json.items.every((s) => s.region_code.startsWith('441802')), r.text);
  r = await gz.get('/api/v1/stations');
  assert.equal(r.json.total, 0);
  r = await orgUser.get('/api/v1/stations?tier=station');
  assert.equal(r.status, 200);
  r = await orgUser.post('/api/v1/stations', { name: 'x', tier: 'station', region_code: '441802007' });
  assert.equal(r.status, 403);
  r = await gz.get('/api/v1/coverage?region=4418');
  assert.equal(r.status, 404);
  // an operator the account cannot see is unknown
  r = await gz.post('/api/v1/stations', { name: '沙面街道社工站', tier: 'station', region_code: '440103001',
    operator_org_id: operator.id });
  assert.equal(fieldError(r, 'operator_org_id').code, 'unknown');
});

test('list filters: tier, standard, name, operator, paging', async () => {
  for (const [code, name] of [['441802006001', '高基里社区社工室'], ['441802006002', '鹤堂社区社工室']]) {
    const r = await qc.post('/api/v1/stations', { name, tier: 'room', region_code: code });
    assert.equal(r.status, 201, r.text);
  }
  let r = await qc.get('/api/v1/stations?tier=room');
  assert.deepEqual(r.json.items.map((s) => s.name), ['高基里社区社工室', '鹤堂社区社工室']);
  r = await qc.get('/api/v1/stations?standard=1&status=active');
  assert.deepEqual(r.json.items.map((s) => s.name), ['凤城街道社工站']);
  r = await qc.get('/api/v1/stations?q=鹤堂');
  assert.equal(r.json.total, 1);
  r = await qc.get(`/api/v1/stations?org_id=${operator.id}`);
  assert.deepEqual(r.json.items.map((s) => s.name), ['凤城街道社工站']);
  r = await qc.get('/api/v1/stations?per_page=1&page=2');
  assert.equal(r.json.items.length, 1);
  assert.equal(r.json.total, 4);
  r = await qc.get('/api/v1/stations?page=9');
  assert.deepEqual([r.json.items.length, r.json.total], [0, 4]);
  r = await qc.get('/api/v1/stations?tier=hub');
  assert.equal(r.status, 422);
});

test('coverage of a district, a city and the children tree match the fixture', async () => {
  let c = await coverage(qc, '441802');
  assert.deepEqual(c.towns, { total: 10, covered: 1, share: 0.1, standard: 1 });
  assert.deepEqual([c.villages.total, c.villages.covered], [28, 2]);
  assert.ok(Math.abs(c.villages.share - 2 / 28) < 1e-12);
  assert.deepEqual(c.counties, { total: 1, covered: 0, share: 0 });
  c = await coverage(city, '4418');
  assert.equal(c.region_name, '清远市');
  assert.deepEqual([c.towns.total, c.towns.covered, c.towns.standard], [19, 2, 2]);
  assert.deepEqual([c.villages.total, c.villages.covered], [46, 2]);
  assert.equal(c.counties.total, 8);
  // the account's own region by default
  assert.equal((await coverage(qc)).region_code, '441802');
  const r = await city.get('/api/v1/coverage/children?region=4418');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.items.length, 8);
  const byCode = Object.fromEntries(r.json.items.map((x) => [x.region_code, x]));
  assert.deepEqual([byCode['441802'].towns.covered, byCode['441802'].towns.total], [1, 10]);
  assert.deepEqual([byCode['441803'].towns.covered, byCode['441803'].towns.total], [1, 9]);
  assert.equal(byCode['441821'].towns.share, null); // no towns loaded under 佛冈
  assert.equal(byCode['441802'].has_children, true);
  // a centre covers its county
  const centre = await city.post('/api/v1/stations', { name: '清城区社会工作指导中心', tier: 'centre',
    region_code: '441802' });
  assert.equal(centre.status, 201, centre.text);
  assert.equal((await coverage(city, '4418')).counties.covered, 1);
  statsCheck();
  // the dashboard's overview carries the same network figures
  const o = await city.get('/api/v1/stats/overview?region=4418');
  assert.deepEqual(o.json.stations, { centres: 1, stations: 2, rooms: 2, standard: 2, towns_with_station: 2,
    towns_total: 19, villages_with_room: 2, villages_total: 46 });
  assert.deepEqual(o.json.posts, { total: 0, filled: 0 });
});

test('gaps list the towns and villages without a station, in code order with the total', async () => {
  let r = await qc.get('/api/v1/coverage/gaps?region=441802&level=town&per_page=3');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.total, 9);
  assert.deepEqual(r.json.items.map((g) => g.code), ['441802007', '441802008', '441802009']);
  assert.equal(r.json.items[0].parent_name, '清城区');
  r = await qc.get('/api/v1/coverage/gaps?region=441802006&level=village&per_page=2');
  assert.equal(r.json.total, 26);
  assert.deepEqual(r.json.items.map((g) => g.code), ['441802006003', '441802006004']);
  r = await qc.get('/api/v1/coverage/gaps?region=441802&level=street');
  assert.equal(r.status, 422);
});

test('moving and closing stations keeps the counts right', async () => {
  let r = await qc.get('/api/v1/stations?q=鹤堂');
  const room = r.json.items[0];
  // move the room to another village: the old one loses cover, the new one gains it
  r = await qc.patch(`/api/v1/stations/${room.id}`, { region_code: '441802006003' });
  assert.equal(r.status, 200, r.text);
  r = await qc.get('/api/v1/coverage/gaps?region=441802006&level=village&per_page=1');
  assert.equal(r.json.items[0].code, '441802006002');
  assert.equal((await coverage(qc, '441802')).villages.covered, 2);
  r = await qc.patch(`/api/v1/stations/${room.id}`, { status: 'closed' });
  assert.equal((await coverage(qc, '441802')).villages.covered, 1);
  // a tier change must still match the region: room -> station on a village is refused
  r = await qc.patch(`/api/v1/stations/${room.id}`, { tier: 'station' });
  assert.equal(fieldError(r, 'region_code').code, 'wrong_level');
  statsCheck();
});

test('the station list exports to CSV with the filter, audited', async () => {
  const res = await fetch(`${srv.url}/api/v1/exports/stations?format=csv&tier=station&status=active`,
    { headers: { cookie: qc.cookie } });
  assert.equal(res.status, 200);
  const lines = Buffer.from(await res.arrayBuffer()).subarray(3).toString().split('\r\n');
  assert.match(lines[0], /^编号,站点名称,层级,行政区划代码/);
  assert.match(lines[1], /凤城街道社工站,station,441802006,凤城街道,\w{18},清城区阳光社工服务中心/);
  assert.equal(lines.filter((l) => l).length, 2);
  assert.equal(sql("SELECT count(*) FROM audit_log WHERE action = 'export' AND object_type = 'stations'"), '1');
  const bad = await qc.get('/api/v1/exports/stations?format=csv&tier=hub');
  assert.equal(bad.status, 422);
});

test('stations import from a spreadsheet with Chinese headers; a re-import changes nothing', async () => {
  const { writeFileSync, mkdtempSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { tmpdir } = await import('node:os');
  const file = join(mkdtempSync(join(tmpdir(), 'sg-st-')), 'stations.csv');
  writeFileSync(file, [
    '站点名称,层级,区划代码,运营机构统一社会信用代码,场地面积（平方米）,有设备,工作人员数,驻站社工数,服务功能,有工作流程,有规章制度',
    `洲心街道社工站,社工站,441802008,${operator.credit_code},90,是,3,2,老年人服务、儿童服务,是,是`,
    '横荷街道社工站,社工站,441802009,,0,否,1,1,,否,否',
    '错误站,社工站,441802,,,,,,,,',
    '',
  ].join('\n'));
  let r = srv.cli(['import', 'stations', file, '--mode', 'skip-invalid', '--json']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout.trim().split('\n').pop()),
    { inserted: 2, updated: 0, unchanged: 0, rejected: 1 });
  assert.match(r.stdout + r.stderr, /wrong_level|town or street/);
  const s = (await qc.get('/api/v1/stations?q=洲心')).json.items[0];
  assert.deepEqual([s.up_to_standard, s.operator_org_id, s.functions], [true, operator.id, ['elderly', 'children']]);
  r = srv.cli(['import', 'stations', file, '--mode', 'skip-invalid', '--json']);
  assert.deepEqual(JSON.parse(r.stdout.trim().split('\n').pop()),
    { inserted: 0, updated: 0, unchanged: 2, rejected: 1 });
  statsCheck();
  // the dashboard's indicator reads the same counts: 3 of 清城's 10 towns
  const ind = await qc.get('/api/v1/stats/indicator/town_station_coverage');
  assert.equal(ind.status, 200, ind.text);
  assert.deepEqual([ind.json.numerator, ind.json.denominator, ind.json.value], [3, 10, 30]);
});

test('the towns without a station export as a spreadsheet for the district to chase', async () => {
  const res = await fetch(`${srv.url}/api/v1/exports/coverage_gaps?format=csv&region=441802&level=town`,
    { headers: { cookie: qc.cookie } });
  assert.equal(res.status, 200);
  const lines = Buffer.from(await res.arrayBuffer()).subarray(3).toString().split('\r\n').filter((l) => l);
  assert.equal(lines[0], '区划代码,名称,上级区划');
  assert.deepEqual(lines.slice(1).map((l) => l.split(',')[0]),
    ['441802007', '441802103', '441802105', '441802106', '441802107', '441802400', '441802450']);
});
