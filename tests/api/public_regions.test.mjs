// The public region tree for the disclosure page (api_public_regions.c):
// answers without a session and for a scoped user alike (the whole tree,
// not the caller's scope), writes only code, name, level and has_children,
// and 404s unknown codes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';

let srv;

before(async () => {
  srv = await startServer({ regions: 'fixture' });
  const r = srv.cli(['user', 'add', 'pr_qc', '--role', 'bureau', '--region', '441802', '--password-stdin'],
    { stdin: 'Public-Passw0rd!2026\n' });
  assert.equal(r.code, 0, r.stderr);
});

after(async () => {
  if (srv) await srv.stop();
});

test('provinces and children without a session, public fields only', async () => {
  const anon = srv.client();
  const roots = await anon.get('/api/v1/public/regions');
  assert.equal(roots.status, 200, roots.text);
  assert.deepEqual(roots.json.items.map((r) => r.code), ['11', '44']);
  assert.deepEqual(Object.keys(roots.json.items[1]).sort(), ['code', 'has_children', 'level', 'name']);
  const kids = await anon.get('/api/v1/public/regions/4418/children?per_page=200');
  assert.equal(kids.status, 200);
  assert.equal(kids.json.total, 8);
  assert.equal(kids.json.items[0].name, '清城区');
  assert.equal(kids.json.items[0].has_children, true);
  assert.equal((await anon.get('/api/v1/public/regions/4499/children')).status, 404);
  assert.equal((await anon.get('/api/v1/public/regions/x/children')).status, 422);
});

test('a scoped user sees the whole public tree, not its scope', async () => {
  const c = await srv.loginAs('pr_qc', 'Public-Passw0rd!2026');
  const roots = await c.get('/api/v1/public/regions');
  assert.equal(roots.json.items.length, 2);
  const bj = await c.get('/api/v1/public/regions/11/children');
  assert.equal(bj.status, 200);
  assert.equal(bj.json.items[0].code, '1101');
});
