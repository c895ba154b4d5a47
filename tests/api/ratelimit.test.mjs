// The per-client limit on public data routes (http/ratelimit.h): a burst
// is served, then 429 with Retry-After and a problem document; routes that
// are not public data (health, sign-in) are not counted.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';

let srv;
before(async () => {
  // 20 a minute: a burst of 10
  srv = await startServer({ regions: 'none', serveArgs: ['--public-rate', '20'] });
});
after(async () => { await srv.stop(); });

test('public certificate lookups are limited per client', async () => {
  const anon = srv.client();
  for (let i = 0; i < 10; i++) {
    const r = await anon.get(`/api/v1/public/certificates/44180220260000${String(i).padStart(2, '0')}`);
    assert.equal(r.status, 404, `lookup ${i} is served`);
  }
  const r = await anon.get('/api/v1/public/certificates/4418022026000099');
  assert.equal(r.status, 429);
  assert.match(r.headers.get('content-type'), /^application\/problem\+json/);
  assert.equal(r.json.type, '/problems/rate_limited');
  const wait = Number(r.headers.get('retry-after'));
  assert.ok(wait >= 1 && wait <= 3, `Retry-After ${wait}`);

  const health = await anon.get('/api/v1/health');
  assert.equal(health.status, 200, 'health is not public data');
  const login = await anon.login(srv.adminLogin, srv.adminPassword);
  assert.equal(login.status, 200, 'sign-in has its own throttle');
});

test('the limit can be switched off', async () => {
  const off = await startServer({ regions: 'none', serveArgs: ['--public-rate', '0'] });
  try {
    const anon = off.client();
    for (let i = 0; i < 40; i++) {
      const r = await anon.get('/api/v1/public/certificates/441802202600000' + (i % 10));
      assert.equal(r.status, 404);
    }
  } finally {
    await off.stop();
  }
});
