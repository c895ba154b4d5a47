// Sign-in, sessions and the signed-in user's own account over HTTP:
// login/logout, the generic refusal, session rotation (at sign-in and at a
// password change), CSRF refusal, throttling with Retry-After, the forced
// first-login password change, and TOTP enrolment and sign-in with codes
// computed here (RFC 6238 with node:crypto).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { startServer } from '../lib/server.mjs';

const PW = {
  liwei: 'Li-Passw0rd!2026x',
  zhao: 'Zhao-Passw0rd!2026x',
  thr1: 'Thr1-Passw0rd!2026x',
  thr2: 'Thr2-Passw0rd!2026x',
  tot1: 'Tot1-Passw0rd!2026x',
  off1: 'Off1-Passw0rd!2026x',
};

let srv;

function addUser(login, role, region) {
  const args = ['user', 'add', login, '--role', role];
  if (region) args.push('--region', region);
  args.push('--password-stdin');
  const r = srv.cli(args, { stdin: PW[login] + '\n' });
  assert.equal(r.code, 0, r.stderr);
}

// RFC 4648 base32 without padding -> bytes
function base32Decode(s) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  const out = [];
  for (const ch of s.replace(/=+$/, '')) {
    const v = alphabet.indexOf(ch);
    if (v < 0) throw new Error('bad base32');
    value = (value << 5) | v;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

// RFC 6238 TOTP, HMAC-SHA1, 30 s steps
function totp(key, unixSeconds, digits = 6) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(unixSeconds / 30)));
  const h = createHmac('sha1', key).update(counter).digest();
  const off = h[h.length - 1] & 0xf;
  const bin = ((h[off] & 0x7f) << 24) | (h[off + 1] << 16) | (h[off + 2] << 8) | h[off + 3];
  return String(bin % 10 ** digits).padStart(digits, '0');
}

const now = () => Math.floor(Date.now() / 1000);

before(async () => {
  srv = await startServer({ regions: 'fixture' });
  addUser('liwei', 'worker', '441802');
  addUser('zhao', 'bureau', '441802');
  addUser('thr1', 'worker', '441802');
  addUser('thr2', 'worker', '441802');
  addUser('tot1', 'sysadmin');
  addUser('off1', 'worker', '441803');
});

after(async () => {
  if (srv) await srv.stop();
});

test('the JS TOTP matches the RFC 6238 vectors', () => {
  const key = Buffer.from('12345678901234567890');
  assert.equal(totp(key, 59, 8), '94287082');
  assert.equal(totp(key, 1111111109, 8), '07081804');
  assert.equal(totp(key, 1234567890, 8), '89005924');
  assert.equal(totp(key, 20000000000, 8), '65353130');
});

test('login, read the session, logout', async () => {
  const c = srv.client();
  const r = await c.login('liwei', PW.liwei);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(Object.keys(r.json).sort(), ['csrf_token', 'user']);
  assert.match(r.json.csrf_token, /^[A-Za-z0-9_-]{43}$/);
  const u = r.json.user;
  assert.equal(u.login, 'liwei');
  assert.equal(u.role, 'worker');
  assert.equal(u.region_code, '441802');
  assert.equal(u.region_name, '清城区');
  assert.equal(u.must_change_password, false);
  assert.equal(u.totp_enabled, false);
  assert.equal(u.disabled, false);
  assert.match(u.last_login_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  for (const k of ['id', 'display_name', 'created_at']) assert.ok(k in u, k);
  // cookie: the token only there, HttpOnly and SameSite=Strict, 43 base64url characters
  const cookie = r.headers.get('set-cookie');
  assert.match(cookie, /^sg_session=[A-Za-z0-9_-]{43}; /);
  assert.match(cookie, /HttpOnly/);
  assert.match(cookie, /SameSite=Strict/);
  assert.match(cookie, /Path=\//);
  assert.ok(!r.text.includes(c.cookie.split('=')[1]));

  const g = await c.get('/api/v1/session');
  assert.equal(g.status, 200, g.text);
  assert.equal(g.json.user.id, u.id);
  assert.equal(g.json.csrf_token, r.json.csrf_token);

  const oldCookie = c.cookie;
  const d = await c.del('/api/v1/session');
  assert.equal(d.status, 204, d.text);
  assert.match(d.headers.get('set-cookie'), /^sg_session=;.*Max-Age=0/);
  assert.equal(c.cookie, null);
  assert.equal((await c.get('/api/v1/session')).status, 401);
  // the old token is dead, not just forgotten by the client
  c.cookie = oldCookie;
  const again = await c.get('/api/v1/session');
  assert.equal(again.status, 401);
  assert.equal(again.json.type, '/problems/login_required');
});

test('wrong password, unknown login and disabled account get one reply', async () => {
  const c = srv.client();
  const wrong = await c.login('off1', 'Not-The-Passw0rd!');
  const unknown = await c.login('nobody-here', PW.off1);
  assert.equal(srv.cli(['user', 'disable', 'off1']).code, 0);
  const disabled = await c.login('off1', PW.off1);
  for (const r of [wrong, unknown, disabled]) {
    assert.equal(r.status, 401, r.text);
    assert.equal(r.json.detail, wrong.json.detail);
    assert.deepEqual(r.json.errors, []);
    assert.equal(r.headers.get('set-cookie'), null);
  }
});

test('login input is checked: missing, wrong type, unknown field, not JSON', async () => {
  const c = srv.client();
  let r = await c.post('/api/v1/session', { login: 'liwei' });
  assert.equal(r.status, 422);
  assert.deepEqual(r.json.errors.map((e) => [e.field, e.code]), [['password', 'required']]);
  r = await c.post('/api/v1/session', { login: 'liwei', password: 12345678 });
  assert.equal(r.status, 422);
  assert.deepEqual(r.json.errors.map((e) => [e.field, e.code]), [['password', 'type']]);
  r = await c.post('/api/v1/session', { login: 'liwei', password: PW.liwei, remember: true });
  assert.equal(r.status, 422);
  assert.deepEqual(r.json.errors.map((e) => [e.field, e.code]), [['remember', 'unknown']]);
  r = await c.post('/api/v1/session', { login: 'x'.repeat(65), password: PW.liwei });
  assert.equal(r.status, 422);
  assert.deepEqual(r.json.errors.map((e) => [e.field, e.code]), [['login', 'too_long']]);
  r = await c.post('/api/v1/session', '{"login":');
  assert.equal(r.status, 400);
});

test('sign-in rotates the session and ends the one it was given', async () => {
  const c = srv.client();
  assert.equal((await c.login('liwei', PW.liwei)).status, 200);
  const first = c.cookie;
  const other = await srv.loginAs('liwei', PW.liwei); // a second browser
  assert.equal((await c.login('liwei', PW.liwei)).status, 200);
  const second = c.cookie;
  assert.notEqual(first, second);
  assert.equal((await c.get('/api/v1/session')).status, 200);
  const stale = srv.client();
  stale.cookie = first;
  assert.equal((await stale.get('/api/v1/session')).status, 401);
  // the other browser's session is untouched by a sign-in elsewhere
  assert.equal((await other.get('/api/v1/session')).status, 200);
});

test('password change: old sessions die, the caller gets a new one', async () => {
  const c = await srv.loginAs('zhao', PW.zhao);
  const other = await srv.loginAs('zhao', PW.zhao);
  const before = c.cookie;
  const oldCsrf = c.csrf;

  let r = await c.post('/api/v1/me/password', { current_password: 'nope-nope-nope', new_password: 'Zhao-New-Pass!2026' });
  assert.equal(r.status, 422, r.text);
  assert.deepEqual(r.json.errors.map((e) => [e.field, e.code]), [['current_password', 'wrong']]);
  r = await c.post('/api/v1/me/password', { current_password: PW.zhao, new_password: PW.zhao });
  assert.equal(r.status, 422);
  assert.deepEqual(r.json.errors.map((e) => [e.field, e.code]), [['new_password', 'same_as_current']]);
  for (const [pw, code] of [['short1!', 'too_short'], ['woaini1314', 'too_common'],
    ['x'.repeat(129), 'too_long'], ['zhao', 'too_short'], ['88888888', 'too_common']]) {
    r = await c.post('/api/v1/me/password', { current_password: PW.zhao, new_password: pw });
    assert.equal(r.status, 422, pw);
    assert.deepEqual(r.json.errors.map((e) => [e.field, e.code]), [['new_password', code]], pw);
  }

  r = await c.post('/api/v1/me/password', { current_password: PW.zhao, new_password: 'Zhao-New-Pass!2026' });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(Object.keys(r.json), ['csrf_token']);
  assert.notEqual(r.json.csrf_token, oldCsrf);
  assert.notEqual(c.cookie, before);
  c.csrf = r.json.csrf_token;
  assert.equal((await c.get('/api/v1/session')).status, 200);
  assert.equal((await other.get('/api/v1/session')).status, 401);
  const stale = srv.client();
  stale.cookie = before;
  assert.equal((await stale.get('/api/v1/session')).status, 401);
  assert.equal((await srv.client().login('zhao', PW.zhao)).status, 401);
  assert.equal((await srv.client().login('zhao', 'Zhao-New-Pass!2026')).status, 200);
  // the new CSRF token is the one that works now
  assert.equal((await c.post('/api/v1/me/totp', { password: 'Zhao-New-Pass!2026' })).status, 200);
});

test('state-changing requests need the session\'s CSRF token', async () => {
  const c = await srv.loginAs('liwei', PW.liwei);
  const root = await srv.loginAs(srv.adminLogin, srv.adminPassword);
  const liToken = c.csrf;
  const rootToken = root.csrf;
  const li = (await c.get('/api/v1/session')).json.user;

  for (const [liBad, rootBad] of [[null, null], ['x'.repeat(43), 'y'.repeat(43)], [rootToken, liToken]]) {
    c.csrf = liBad;
    root.csrf = rootBad;
    let r = await c.post('/api/v1/me/totp', {});
    assert.equal(r.status, 403, r.text);
    assert.equal(r.json.type, '/problems/csrf_failed');
    r = await c.del('/api/v1/session');
    assert.equal(r.status, 403);
    r = await root.patch(`/api/v1/users/${li.id}`, { display_name: 'Li' });
    assert.equal(r.status, 403);
    assert.equal(r.json.type, '/problems/csrf_failed');
    r = await root.del(`/api/v1/users/${li.id}/totp`);
    assert.equal(r.status, 403);
    r = await root.post('/api/v1/users', { login: 'csrf-victim', role: 'worker', region_code: '441802', password: 'Csrf-Victim!2026' });
    assert.equal(r.status, 403);
  }
  // nothing happened: still signed in, name unchanged, no account made
  c.csrf = liToken;
  root.csrf = rootToken;
  const s = await c.get('/api/v1/session');
  assert.equal(s.status, 200);
  assert.equal(s.json.user.display_name, 'liwei');
  assert.equal((await root.get('/api/v1/users?q=csrf-victim')).json.total, 0);
  assert.equal((await c.del('/api/v1/session')).status, 204);
});

test('the sixth wrong password is refused with 429 and Retry-After', async () => {
  const c = srv.client();
  for (let i = 1; i <= 5; i++) {
    const r = await c.login('thr1', `Wrong-Guess-${i}!x`);
    assert.equal(r.status, 401, `attempt ${i}: ${r.text}`);
  }
  let r = await c.login('thr1', 'Wrong-Guess-6!x');
  assert.equal(r.status, 429, r.text);
  assert.equal(r.json.type, '/problems/throttled');
  const retry = Number(r.headers.get('retry-after'));
  assert.ok(retry >= 1 && retry <= 60, `Retry-After ${retry}`);
  // even the right password waits
  r = await c.login('thr1', PW.thr1);
  assert.equal(r.status, 429);
  // another login from the same address is not locked
  r = await c.login('thr2', PW.thr2);
  assert.equal(r.status, 200, r.text);
});

test('an account made by an administrator must change its password first', async () => {
  const root = await srv.loginAs(srv.adminLogin, srv.adminPassword);
  let r = await root.post('/api/v1/users', {
    login: 'newcomer', display_name: '新同事', role: 'bureau', region_code: '441803', password: 'Given-By-Admin!26',
  });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.must_change_password, true);

  const c = srv.client();
  r = await c.login('newcomer', 'Given-By-Admin!26');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.user.must_change_password, true);
  for (const [method, path] of [['GET', '/api/v1/regions'], ['GET', '/api/v1/users'],
    ['POST', '/api/v1/me/totp'], ['POST', '/api/v1/users']]) {
    r = await c.request(method, path, method === 'POST' ? {} : undefined);
    assert.equal(r.status, 403, `${method} ${path}: ${r.text}`);
    assert.equal(r.json.type, '/problems/password_change_required');
  }
  // reading the session and signing out stay possible
  assert.equal((await c.get('/api/v1/session')).status, 200);
  r = await c.post('/api/v1/me/password', { current_password: 'Given-By-Admin!26', new_password: 'Mine-Now-Chosen!26' });
  assert.equal(r.status, 200, r.text);
  c.csrf = r.json.csrf_token;
  r = await c.get('/api/v1/session');
  assert.equal(r.json.user.must_change_password, false);
  r = await c.get('/api/v1/users');
  assert.equal(r.status, 200, r.text);
});

test('TOTP: enrol, confirm, sign in with a code, no replay, reset', async () => {
  const c = await srv.loginAs('tot1', PW.tot1);
  const id = (await c.get('/api/v1/session')).json.user.id;
  let r = await c.post('/api/v1/me/totp/confirm', { code: '123456' });
  assert.equal(r.status, 409, r.text);
  // a session alone is not enough: the password is checked again
  r = await c.post('/api/v1/me/totp', {});
  assert.equal(r.status, 422, r.text);
  assert.deepEqual(r.json.errors.map((e) => [e.field, e.code]), [['password', 'required']]);
  r = await c.post('/api/v1/me/totp', { password: 'not-the-password' });
  assert.equal(r.status, 422, r.text);
  assert.deepEqual(r.json.errors.map((e) => [e.field, e.code]), [['password', 'wrong']]);
  r = await c.post('/api/v1/me/totp', { password: PW.tot1 });
  assert.equal(r.status, 200, r.text);
  const { secret, otpauth_uri: uri, qr_svg: svg } = r.json;
  assert.match(secret, /^[A-Z2-7]{32}$/);
  assert.equal(uri, `otpauth://totp/shegong:tot1?secret=${secret}&issuer=shegong`);
  assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"[^>]*viewBox="0 0 \d+ \d+"/);
  assert.ok(!/<script|on\w+=|href/i.test(svg));
  assert.ok(svg.length < 16384);
  const key = base32Decode(secret);
  assert.equal(key.length, 20);

  r = await c.post('/api/v1/me/totp/confirm', { code: totp(key, now() + 600) });
  assert.equal(r.status, 422);
  assert.deepEqual(r.json.errors.map((e) => [e.field, e.code]), [['code', 'invalid']]);
  r = await c.post('/api/v1/me/totp/confirm', { code: totp(key, now()) });
  assert.equal(r.status, 204, r.text);
  r = await c.get('/api/v1/session');
  assert.equal(r.json.user.totp_enabled, true);
  r = await c.post('/api/v1/me/totp', { password: PW.tot1 });
  assert.equal(r.status, 409);

  const d = srv.client();
  r = await d.login('tot1', PW.tot1);
  assert.equal(r.status, 401);
  assert.deepEqual(r.json.errors.map((e) => [e.field, e.code]), [['totp', 'required']]);
  // the next step's code (within the one-step window) signs in once
  const code = totp(key, now() + 30);
  r = await d.login('tot1', PW.tot1, code);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.user.totp_enabled, true);
  r = await srv.client().login('tot1', PW.tot1, code);
  assert.equal(r.status, 401, 'a code is good for one sign-in');
  assert.deepEqual(r.json.errors.map((e) => [e.field, e.code]), [['totp', 'invalid']]);
  r = await srv.client().login('tot1', 'Wrong-Passw0rd!x', totp(key, now() + 60));
  assert.equal(r.status, 401);
  assert.deepEqual(r.json.errors, [], 'a wrong password says nothing about the code');

  // a system administrator resets it; then the password alone suffices
  const root = await srv.loginAs(srv.adminLogin, srv.adminPassword);
  r = await root.del(`/api/v1/users/${id}/totp`);
  assert.equal(r.status, 204, r.text);
  r = await srv.client().login('tot1', PW.tot1);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.user.totp_enabled, false);
});

test('own-account routes need a session', async () => {
  const c = srv.client();
  for (const [method, path] of [['GET', '/api/v1/session'], ['DELETE', '/api/v1/session'],
    ['POST', '/api/v1/me/password'], ['POST', '/api/v1/me/totp'], ['POST', '/api/v1/me/totp/confirm']]) {
    const r = await c.request(method, path, method === 'POST' ? {} : undefined);
    assert.equal(r.status, 401, `${method} ${path}`);
  }
});
