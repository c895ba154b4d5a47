// Account management over HTTP: create, read, list with filters, update
// (with the changed fields in the audit record), disable, password reset
// and TOTP reset; who may manage whom (sysadmin everything, a bureau only
// its own subtree and the regional roles, between the districts 清城区
// 441802 and 清新区 441803 of 清远市 4418); and bad input naming the field.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';

const PW = {
  qingcheng: 'Qingcheng-Pass!2026',  // bureau 441802 清城区
  qingxin: 'Qingxin-Pass!2026',    // bureau 441803 清新区
  qingyuan: 'Qingyuan-Pass!2026',   // bureau 4418 清远市
  sec: 'Security-Pass!2026',  // secadmin, reads the audit log
  wkr: 'Worker-Pass!2026x',   // worker 441802
};
const GIVEN = 'Given-By-Admin!26';

let srv;
let root;
let ids = {};

function addUser(login, role, region) {
  const args = ['user', 'add', login, '--role', role];
  if (region) args.push('--region', region);
  args.push('--password-stdin');
  const r = srv.cli(args, { stdin: PW[login] + '\n' });
  assert.equal(r.code, 0, r.stderr);
}

const fields = (r) => r.json.errors.map((e) => [e.field, e.code]);

before(async () => {
  srv = await startServer({ regions: 'fixture' });
  addUser('qingcheng', 'bureau', '441802');
  addUser('qingxin', 'bureau', '441803');
  addUser('qingyuan', 'bureau', '4418');
  addUser('sec', 'secadmin');
  addUser('wkr', 'worker', '441802');
  root = await srv.loginAs(srv.adminLogin, srv.adminPassword);
  const list = await root.get('/api/v1/users?per_page=200');
  for (const u of list.json.items) ids[u.login] = u.id;
});

after(async () => {
  if (srv) await srv.stop();
});

test('a sysadmin creates an account; it reads back whole', async () => {
  const r = await root.post('/api/v1/users', {
    login: 'wang.fang', display_name: '王芳', role: 'worker', region_code: '441802006', password: GIVEN,
  });
  assert.equal(r.status, 201, r.text);
  const u = r.json;
  assert.deepEqual(Object.keys(u).sort(), ['created_at', 'disabled', 'display_name', 'id', 'last_login_at',
    'login', 'must_change_password', 'region_code', 'region_name', 'role', 'totp_enabled']);
  assert.equal(u.login, 'wang.fang');
  assert.equal(u.display_name, '王芳');
  assert.equal(u.role, 'worker');
  assert.equal(u.region_code, '441802006');
  assert.equal(u.region_name, '凤城街道');
  assert.equal(u.must_change_password, true);
  assert.equal(u.disabled, false);
  assert.equal(u.totp_enabled, false);
  assert.equal(u.last_login_at, null);
  ids['wang.fang'] = u.id;
  const g = await root.get(`/api/v1/users/${u.id}`);
  assert.equal(g.status, 200);
  assert.deepEqual(g.json, u);
  // the platform roles have no region; the display name defaults to the login
  const s = await root.post('/api/v1/users', { login: 'aud.new', role: 'sysadmin', password: GIVEN });
  assert.equal(s.status, 201, s.text);
  assert.equal(s.json.region_code, null);
  assert.equal(s.json.region_name, null);
  assert.equal(s.json.display_name, 'aud.new');
});

test('separation of duties: a system administrator neither makes nor manages audit accounts', async () => {
  for (const role of ['secadmin', 'auditor']) {
    const r = await root.post('/api/v1/users', { login: `want.${role}`, role, password: GIVEN });
    assert.equal(r.status, 422, r.text);
    assert.deepEqual(fields(r), [['role', 'not_allowed']]);
  }
  const list = await root.get('/api/v1/users?role=secadmin');
  const sec = list.json.items[0];
  assert.ok(sec, list.text);
  assert.equal((await root.post(`/api/v1/users/${sec.id}/password-reset`, {})).status, 404);
  assert.equal((await root.patch(`/api/v1/users/${sec.id}`, { disabled: true })).status, 404);
});

test('a login is taken whatever its case: 409 naming login', async () => {
  for (const login of ['wang.fang', 'Wang.Fang', 'QINGCHENG']) {
    const r = await root.post('/api/v1/users', { login, role: 'worker', region_code: '441802', password: GIVEN });
    assert.equal(r.status, 409, `${login}: ${r.text}`);
    assert.deepEqual(fields(r), [['login', 'taken']]);
  }
});

test('bad input is 422 (or 400) naming the field', async () => {
  const base = { login: 'good.login', role: 'worker', region_code: '441802', password: GIVEN };
  const cases = [
    [{ ...base, nickname: 'x' }, [['nickname', 'unknown']]],
    [{ ...base, role: 5 }, [['role', 'type']]],
    [{ ...base, display_name: '名'.repeat(65) }, [['display_name', 'too_long']]],
    [{ ...base, display_name: 'tab\there' }, [['display_name', 'invalid']]],
    [{ ...base, login: 'a b' }, [['login', 'invalid']]],
    [{ ...base, login: 'ab' }, [['login', 'invalid']]],
    [{ ...base, login: 'x'.repeat(65) }, [['login', 'too_long']]],
    [{ ...base, login: 'system' }, [['login', 'reserved']]],
    [{ ...base, role: 'mayor' }, [['role', 'invalid']]],
    [{ ...base, role: 'system' }, [['role', 'invalid']]],
    [{ ...base, region_code: '441899' }, [['region_code', 'unknown']]],
    [{ ...base, region_code: '44x' }, [['region_code', 'invalid']]],
    [{ ...base, region_code: undefined }, [['region_code', 'required']]],
    [{ ...base, role: 'sysadmin' }, [['region_code', 'not_allowed']]],
    [{ ...base, password: 'short' }, [['password', 'too_short']]],
    [{ ...base, password: 'qwe123456' }, [['password', 'too_common']]],
    [{ ...base, password: 'good.login' }, [['password', 'too_common']]],
    [{ ...base, password: 'p'.repeat(20) }, [['password', 'too_common']]],
    [{ ...base, password: 'pq'.repeat(65) }, [['password', 'too_long']]],
    [{ ...base, password: undefined, login: undefined }, [['login', 'required'], ['password', 'required']]],
  ];
  for (const [body, want] of cases) {
    const r = await root.post('/api/v1/users', body);
    assert.equal(r.status, 422, `${JSON.stringify(body)}: ${r.text}`);
    assert.deepEqual(fields(r), want, JSON.stringify(body));
  }
  let r = await root.post('/api/v1/users', '{"login": "x",');
  assert.equal(r.status, 400);
  r = await root.post('/api/v1/users', '[]');
  assert.equal(r.status, 400);
  // PATCH too
  r = await root.patch(`/api/v1/users/${ids['wang.fang']}`, { display_name: 'x'.repeat(65) });
  assert.equal(r.status, 422);
  assert.deepEqual(fields(r), [['display_name', 'too_long']]);
  r = await root.patch(`/api/v1/users/${ids['wang.fang']}`, { disabled: 'yes' });
  assert.deepEqual(fields(r), [['disabled', 'type']]);
  r = await root.patch(`/api/v1/users/${ids['wang.fang']}`, { login: 'renamed' });
  assert.deepEqual(fields(r), [['login', 'unknown']]);
  r = await root.patch(`/api/v1/users/${ids['wang.fang']}`, { role: null });
  assert.deepEqual(fields(r), [['role', 'required']]);
  r = await root.patch(`/api/v1/users/${ids['wang.fang']}`, { region_code: null });
  assert.deepEqual(fields(r), [['region_code', 'required']]);
  r = await root.patch(`/api/v1/users/${ids['wang.fang']}`, { role: 'sysadmin' });
  assert.deepEqual(fields(r), [['region_code', 'not_allowed']]);
  // nothing was made
  r = await root.get('/api/v1/users?q=good.login');
  assert.equal(r.json.total, 0);
});

test('a district bureau sees and manages only its own district', async () => {
  const qc = await srv.loginAs('qingcheng', PW.qingcheng);
  let r = await qc.get('/api/v1/users?per_page=200');
  assert.equal(r.status, 200, r.text);
  const logins = r.json.items.map((u) => u.login).sort();
  assert.deepEqual(logins, ['qingcheng', 'wang.fang', 'wkr']);
  assert.equal(r.json.total, 3);
  for (const u of r.json.items) assert.ok(u.region_code.startsWith('441802'));

  // creates in its subtree, with the regional roles only
  r = await qc.post('/api/v1/users', { login: 'chen.jing', display_name: '陈静', role: 'org', region_code: '441802006', password: GIVEN });
  assert.equal(r.status, 201, r.text);
  ids['chen.jing'] = r.json.id;
  r = await qc.post('/api/v1/users', { login: 'other.side', role: 'worker', region_code: '441803', password: GIVEN });
  assert.equal(r.status, 422);
  assert.deepEqual(fields(r), [['region_code', 'outside_scope']]);
  assert.equal(r.json.errors[0].message, 'outside your region');
  r = await qc.post('/api/v1/users', { login: 'city.wide', role: 'worker', region_code: '4418', password: GIVEN });
  assert.deepEqual(fields(r), [['region_code', 'outside_scope']]);
  for (const role of ['sysadmin', 'secadmin', 'auditor']) {
    r = await qc.post('/api/v1/users', { login: 'admin.try', role, password: GIVEN });
    assert.equal(r.status, 422);
    assert.deepEqual(fields(r), [['role', 'not_allowed']]);
  }

  // the other district, the city and the unscoped accounts are not found
  for (const login of ['qingxin', 'qingyuan', 'sec', srv.adminLogin]) {
    const id = ids[login];
    r = await qc.get(`/api/v1/users/${id}`);
    assert.equal(r.status, 404, login);
    r = await qc.patch(`/api/v1/users/${id}`, { display_name: 'hijacked' });
    assert.equal(r.status, 404, login);
    r = await qc.post(`/api/v1/users/${id}/password-reset`, {});
    assert.equal(r.status, 404, login);
  }
  r = await qc.get('/api/v1/users/999999');
  assert.equal(r.status, 404);
  r = await qc.get('/api/v1/users/abc');
  assert.equal(r.status, 404);
  // a filter elsewhere finds nothing rather than leaking
  r = await qc.get('/api/v1/users?region=441803');
  assert.equal(r.json.total, 0);

  // it cannot move an account out of its district, nor widen or change itself
  r = await qc.patch(`/api/v1/users/${ids['chen.jing']}`, { region_code: '441803' });
  assert.deepEqual(fields(r), [['region_code', 'outside_scope']]);
  r = await qc.patch(`/api/v1/users/${ids['chen.jing']}`, { role: 'sysadmin', region_code: null });
  assert.deepEqual(fields(r), [['role', 'not_allowed']]);
  r = await qc.patch(`/api/v1/users/${ids.qingcheng}`, { region_code: '4418' });
  assert.deepEqual(fields(r), [['region_code', 'outside_scope']]);
  r = await qc.patch(`/api/v1/users/${ids.qingcheng}`, { role: 'worker' });
  assert.deepEqual(fields(r), [['role', 'not_allowed']]);
  r = await qc.patch(`/api/v1/users/${ids.qingcheng}`, { disabled: true });
  assert.deepEqual(fields(r), [['disabled', 'not_allowed']]);
  r = await qc.patch(`/api/v1/users/${ids.qingcheng}`, { display_name: '清城区民政局' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.display_name, '清城区民政局');
  // and a second factor is the sysadmin's to reset
  r = await qc.del(`/api/v1/users/${ids.wkr}/totp`);
  assert.equal(r.status, 403);
});

test('the city bureau sees both districts; the neighbour sees only its own', async () => {
  const qy = await srv.loginAs('qingyuan', PW.qingyuan);
  let r = await qy.get('/api/v1/users?per_page=200');
  const logins = r.json.items.map((u) => u.login);
  for (const l of ['qingcheng', 'qingxin', 'qingyuan', 'wkr', 'wang.fang', 'chen.jing']) assert.ok(logins.includes(l), l);
  assert.ok(!logins.includes('sec') && !logins.includes(srv.adminLogin));
  r = await qy.patch(`/api/v1/users/${ids['chen.jing']}`, { region_code: '441803102' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.region_name, '太和镇');

  const qx = await srv.loginAs('qingxin', PW.qingxin);
  r = await qx.get('/api/v1/users?per_page=200');
  assert.deepEqual(r.json.items.map((u) => u.login).sort(), ['chen.jing', 'qingxin']);
  r = await qx.get(`/api/v1/users/${ids.wkr}`);
  assert.equal(r.status, 404);
});

test('other roles may not manage accounts', async () => {
  for (const [login, pw] of [['wkr', PW.wkr], ['sec', PW.sec]]) {
    const c = await srv.loginAs(login, pw);
    let r = await c.get('/api/v1/users');
    assert.equal(r.status, 403, login);
    assert.equal(r.json.type, '/problems/role_forbidden');
    r = await c.post('/api/v1/users', { login: 'sneaky', role: 'worker', region_code: '441802', password: GIVEN });
    assert.equal(r.status, 403);
    r = await c.get(`/api/v1/users/${ids.wkr}`);
    assert.equal(r.status, 403);
  }
});

test('list filters and paging', async () => {
  let r = await root.get('/api/v1/users?role=bureau&per_page=200');
  assert.deepEqual(r.json.items.map((u) => u.login).sort(), ['qingcheng', 'qingxin', 'qingyuan']);
  r = await root.get('/api/v1/users?region=441802');
  assert.deepEqual(r.json.items.map((u) => u.login).sort(), ['qingcheng', 'wang.fang', 'wkr']);
  r = await root.get('/api/v1/users?q=%E7%8E%8B'); // 王, in the display name
  assert.deepEqual(r.json.items.map((u) => u.login), ['wang.fang']);
  r = await root.get('/api/v1/users?q=WANG');
  assert.deepEqual(r.json.items.map((u) => u.login), ['wang.fang']);
  r = await root.get('/api/v1/users?q=_');
  assert.equal(r.json.total, 0, 'LIKE wildcards are taken literally');
  r = await root.get('/api/v1/users?per_page=2&page=2');
  assert.equal(r.json.items.length, 2);
  assert.equal(r.json.page, 2);
  assert.equal(r.json.per_page, 2);
  const all = (await root.get('/api/v1/users?per_page=200')).json;
  assert.equal(r.json.total, all.total);
  assert.deepEqual(r.json.items.map((u) => u.id), all.items.slice(2, 4).map((u) => u.id));
  r = await root.get('/api/v1/users?disabled=true');
  assert.equal(r.json.total, 0);
  for (const bad of ['role=mayor', 'disabled=maybe', 'region=44x', 'per_page=0', 'page=-1']) {
    r = await root.get(`/api/v1/users?${bad}`);
    assert.equal(r.status, 422, bad);
    assert.equal(r.json.errors[0].field, bad.split('=')[0]);
  }
});

test('update lists the changed fields in the audit record; disable ends sessions', async () => {
  const w = await srv.loginAs('wkr', PW.wkr);
  let r = await root.patch(`/api/v1/users/${ids.wkr}`, { display_name: '工作者', region_code: '441802006', role: 'worker' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.display_name, '工作者');
  assert.equal(r.json.region_code, '441802006');
  // the change is seen by the running session at once
  r = await w.get('/api/v1/session');
  assert.equal(r.json.user.region_code, '441802006');

  r = await root.patch(`/api/v1/users/${ids.wkr}`, { disabled: true });
  assert.equal(r.status, 200);
  assert.equal(r.json.disabled, true);
  assert.equal((await w.get('/api/v1/session')).status, 401);
  assert.equal((await srv.client().login('wkr', PW.wkr)).status, 401);
  r = await root.get('/api/v1/users?disabled=true');
  assert.deepEqual(r.json.items.map((u) => u.login), ['wkr']);
  r = await root.patch(`/api/v1/users/${ids.wkr}`, { disabled: false });
  assert.equal(r.status, 200);
  assert.equal((await srv.client().login('wkr', PW.wkr)).status, 200);
  // a sysadmin cannot disable or demote itself
  r = await root.patch(`/api/v1/users/${ids[srv.adminLogin]}`, { disabled: true });
  assert.deepEqual(fields(r), [['disabled', 'not_allowed']]);

  const sec = await srv.loginAs('sec', PW.sec);
  const log = (await sec.get('/api/v1/audit?action=user.&per_page=200')).json.items;
  const mine = log.filter((x) => x.object_id === String(ids.wkr) && x.action !== 'user.create');
  assert.deepEqual(mine.map((x) => [x.action, x.details.fields]), [
    ['user.update', ['disabled']],
    ['user.disable', ['disabled']],
    ['user.update', ['display_name', 'region_code']],
  ]);
  for (const x of mine) assert.equal(x.user_login, srv.adminLogin);
});

test('password reset: a one-time password, sessions ended, change forced', async () => {
  const qc = await srv.loginAs('qingcheng', PW.qingcheng);
  const w = await srv.loginAs('wkr', PW.wkr);
  let r = await qc.post(`/api/v1/users/${ids.wkr}/password-reset`, {});
  assert.equal(r.status, 200, r.text);
  const otp = r.json.one_time_password;
  assert.match(otp, /^[A-HJ-NP-Za-km-z2-9]{12}$/);
  assert.equal((await w.get('/api/v1/session')).status, 401);
  assert.equal((await srv.client().login('wkr', PW.wkr)).status, 401);
  const c = srv.client();
  r = await c.login('wkr', otp);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.user.must_change_password, true);
  r = await c.get('/api/v1/regions');
  assert.equal(r.status, 403);
  assert.equal(r.json.type, '/problems/password_change_required');
  r = await qc.post(`/api/v1/users/${ids.qingcheng}/password-reset`, {});
  assert.equal(r.status, 403, 'not for one\'s own account');

  const sec = await srv.loginAs('sec', PW.sec);
  const log = (await sec.get('/api/v1/audit?action=user.password_reset')).json.items;
  assert.equal(log.length, 1);
  assert.equal(log[0].user_login, 'qingcheng');
  assert.equal(log[0].object_id, String(ids.wkr));
  assert.ok(!JSON.stringify(log).includes(otp));
});

test('TOTP reset is for the sysadmin; unknown ids are 404', async () => {
  let r = await root.del(`/api/v1/users/${ids.wkr}/totp`);
  assert.equal(r.status, 204, r.text);
  r = await root.del('/api/v1/users/999999/totp');
  assert.equal(r.status, 404);
  r = await root.get('/api/v1/users/0');
  assert.equal(r.status, 404);
  r = await root.patch('/api/v1/users/999999', { display_name: 'x' });
  assert.equal(r.status, 404);
});

test('the CLI lists and disables accounts', async () => {
  let r = srv.cli(['user', 'list', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const list = JSON.parse(r.stdout);
  assert.ok(list.items.some((u) => u.login === 'wang.fang' && u.region_name === '凤城街道'));
  assert.equal(list.total, list.items.length);
  r = srv.cli(['user', 'list']);
  assert.match(r.stdout, /wang\.fang\s+worker\s+441802006/);
  r = srv.cli(['user', 'disable', 'nobody.at.all']);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /^shegong: /);
  r = srv.cli(['user', 'add', 'cli.user', '--role', 'worker', '--region', '441802', '--password-stdin'],
    { stdin: '123456789\n' });
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /common/);
  r = srv.cli(['user', 'add', 'cli.user', '--role', 'worker', '--region', '441802'], { stdin: GIVEN + '\n' });
  assert.notEqual(r.code, 0);
  r = srv.cli(['user', 'add', 'cli.user', '--role', 'worker', '--region', '441802', '--password-stdin'],
    { stdin: GIVEN + '\r\n' });
  assert.equal(r.code, 0, r.stderr);
  const c = srv.client();
  r = await c.login('cli.user', GIVEN);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.user.must_change_password, false, 'a CLI account keeps its password');
});

test('a bureau manages bureau accounts only below its own level, never its peers', async () => {
  PW['peer.qc'] = 'Peer-Qingcheng!2026';
  addUser('peer.qc', 'bureau', '441802');
  const list = await root.get('/api/v1/users?q=peer.qc');
  const peer = list.json.items[0];
  const qc = await srv.loginAs('qingcheng', PW.qingcheng);
  assert.equal((await qc.post(`/api/v1/users/${peer.id}/password-reset`, {})).status, 404);
  assert.equal((await qc.patch(`/api/v1/users/${peer.id}`, { disabled: true })).status, 404);
  const city = await srv.loginAs('qingyuan', PW.qingyuan);
  const r = await city.post(`/api/v1/users/${peer.id}/password-reset`, {});
  assert.equal(r.status, 200, r.text);
  assert.ok(r.json.one_time_password);
});
