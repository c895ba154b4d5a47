// The HTTP layer as a client sees it: health, security headers, problem
// documents, limits (413, 431, connections, idle clients), graceful stop.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { startServer } from '../lib/server.mjs';

let srv;
before(async () => {
  srv = await startServer({ regions: 'none', serveArgs: ['--max-connections', '6', '--idle-timeout', '2'] });
});
after(async () => { await srv.stop(); });

function rawRequest(port, text, { waitMs = 3000 } = {}) {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    let data = '';
    s.on('data', (d) => { data += d; });
    s.on('close', () => resolve(data));
    s.on('error', () => resolve(data));
    s.write(text);
    setTimeout(() => s.destroy(), waitMs);
  });
}

test('health answers with status ok and no-store', async () => {
  const r = await srv.client().get('/api/v1/health');
  assert.equal(r.status, 200);
  assert.equal(r.json.status, 'ok');
  assert.equal(r.headers.get('cache-control'), 'no-store');
  assert.match(r.headers.get('content-type'), /^application\/json/);
});

test('every API response carries the security headers', async () => {
  for (const path of ['/api/v1/health', '/api/v1/no-such-thing']) {
    const r = await srv.client().get(path);
    assert.match(r.headers.get('content-security-policy'), /frame-ancestors 'none'/);
    assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(r.headers.get('referrer-policy'), 'no-referrer');
    assert.equal(r.headers.get('x-frame-options'), 'DENY');
  }
});

test('unknown endpoint and wrong method are problem documents', async () => {
  let r = await srv.client().get('/api/v1/no-such-thing');
  assert.equal(r.status, 404);
  assert.match(r.headers.get('content-type'), /^application\/problem\+json/);
  assert.equal(r.json.status, 404);
  assert.ok(Array.isArray(r.json.errors));
  r = await srv.client().request('DELETE', '/api/v1/health');
  assert.equal(r.status, 405);
  assert.equal(r.json.type, '/problems/method_not_allowed');
});

test('malformed JSON is 400 naming the position; wrong content type is 415', async () => {
  const c = srv.client();
  let r = await c.post('/api/v1/session', '{"login": "a", "password": ');
  assert.equal(r.status, 400);
  assert.match(r.json.detail, /malformed JSON at line 1/);
  r = await c.post('/api/v1/session', 'login=a', { 'content-type': 'application/x-www-form-urlencoded' });
  assert.equal(r.status, 415);
  r = await c.post('/api/v1/session', Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x7d]));
  assert.equal(r.status, 400);
  assert.match(r.json.detail, /UTF-8 at byte 2/);
});

test('a body over the limit is refused with 413 before it is read', async () => {
  // announce 2 MiB but send none of it: the answer must come from the headers alone
  const reply = await rawRequest(srv.port,
    'POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n' +
    `Content-Length: ${2 * 1024 * 1024}\r\n\r\n`, { waitMs: 2000 });
  assert.match(reply, /^HTTP\/1\.1 413 /);
});

test('headers over the limit are refused with 431', async () => {
  const r = await srv.client().get('/api/v1/health', { 'x-padding': 'a'.repeat(20000) });
  assert.equal(r.status, 431);
  assert.equal(r.json.status, 431);
});

test('a client that stops sending is disconnected after the idle timeout', async () => {
  const start = Date.now();
  const data = await rawRequest(srv.port, 'GET /api/v1/health HTTP/1.1\r\nHost: x\r\n', { waitMs: 8000 });
  const took = Date.now() - start;
  assert.ok(took < 7000, `connection held for ${took} ms`);
  assert.doesNotMatch(data, /200 OK/);
});

test('connections over the limit are closed at once', async () => {
  const socks = [];
  for (let i = 0; i < 6; i++) {
    const s = net.connect(srv.port, '127.0.0.1');
    await new Promise((r) => s.once('connect', r));
    socks.push(s);
  }
  await new Promise((r) => setTimeout(r, 200));
  const extra = await rawRequest(srv.port, 'GET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n', { waitMs: 1500 });
  assert.equal(extra, '');
  socks.forEach((s) => s.destroy());
  // once the server has seen the closes, a new client gets through again
  let status = 0;
  for (let i = 0; i < 50 && status !== 200; i++) {
    await new Promise((r) => setTimeout(r, 100));
    try { status = (await srv.client().get('/api/v1/health')).status; } catch { status = 0; }
  }
  assert.equal(status, 200);
});

test('SIGTERM stops the server cleanly and the data survives a restart', async () => {
  const code = await srv.shutdown('SIGTERM');
  assert.equal(code, 0);
  assert.match(srv.log, /stopped cleanly/);
  await srv.start();
  const c = await srv.loginAs(srv.adminLogin, srv.adminPassword);
  const r = await c.get('/api/v1/session');
  assert.equal(r.status, 200);
});

test('the web UI is served gzip-compressed, index revalidated, hashed assets cached', async () => {
  const index = await fetch(srv.url + '/', { headers: { 'accept-encoding': 'gzip' } });
  assert.equal(index.status, 200);
  assert.equal(index.headers.get('content-encoding'), 'gzip');
  assert.equal(index.headers.get('cache-control'), 'no-cache');
  assert.match(index.headers.get('content-security-policy'), /script-src 'self'/);
  const html = await index.text();
  const asset = /src="\.?\/(assets\/[^"]+\.js)"/.exec(html);
  assert.ok(asset, 'index.html references a hashed script');
  const js = await fetch(`${srv.url}/${asset[1]}`, { headers: { 'accept-encoding': 'gzip' } });
  assert.equal(js.status, 200);
  assert.equal(js.headers.get('content-encoding'), 'gzip');
  assert.match(js.headers.get('cache-control'), /immutable/);
});

test('an unknown field whose name is cut mid-character still gets a clean 4xx', async () => {
  const key = 'a' + '中'.repeat(40);
  const r = await srv.client().post('/api/v1/session', { login: 'x', password: 'y', [key]: 1 });
  assert.ok(r.status >= 400 && r.status < 500, `${r.status} ${r.text}`);
  assert.ok(r.json, 'the problem document is valid JSON');
  assert.equal(r.json.errors[0].code, 'unknown');
});
