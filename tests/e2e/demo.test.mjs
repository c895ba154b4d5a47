// The "synthetic people" banner: absent on a normal database; with the
// setting demo_data = 1 (what make demo sets) it shows on the sign-in page
// and, after signing in, above every page of the layout.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, repoRoot } from '../lib/server.mjs';

const require = createRequire(join(repoRoot, 'web/package.json'));
const { chromium } = require('playwright-core');

const CHROMIUM = process.env.CHROMIUM_BIN || '/usr/bin/chromium';
const STEP = 45000;
const SHOTS = process.env.SHEGONG_E2E_SHOTS || '';
let srv;
let ctx;
let profileDir;

before(async () => {
  srv = await startServer({ regions: 'fixture' });
  profileDir = mkdtempSync(join(tmpdir(), 'shegong-e2e-chromium-'));
  ctx = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
    viewport: { width: 1440, height: 900 },
    locale: 'zh-CN',
  });
  if (SHOTS) mkdirSync(SHOTS, { recursive: true });
});

after(async () => {
  if (ctx) await ctx.close();
  if (profileDir) rmSync(profileDir, { recursive: true, force: true });
  if (srv) await srv.stop();
});

async function freshPage() {
  await ctx.clearCookies();
  for (const p of ctx.pages()) await p.close();
  const page = await ctx.newPage();
  page.setDefaultTimeout(STEP);
  await page.goto(srv.url + '/');
  await page.waitForSelector('[data-test=login-submit]');
  return page;
}

test('no banner on a database without demo data', async () => {
  const page = await freshPage();
  await page.waitForLoadState('networkidle');
  assert.equal(await page.locator('[data-test=demo-banner]').count(), 0);
});

test('with demo_data = 1 the sign-in page and the layout say the people are fictitious', async () => {
  const r = srv.cli(['settings', 'set', 'demo_data', '1']);
  assert.equal(r.code, 0, r.stderr);
  const page = await freshPage();
  const banner = page.locator('[data-test=demo-banner]');
  await banner.waitFor();
  assert.match(await banner.innerText(), /演示数据：本系统中的人员均为虚构/);
  if (SHOTS) await page.screenshot({ path: join(SHOTS, 'demo-login.png') });
  await page.fill('input[name=login]', srv.adminLogin);
  await page.fill('input[name=password]', srv.adminPassword);
  await page.click('[data-test=login-submit]');
  await page.waitForSelector('.sg-layout [data-test=demo-banner]');
  assert.match(await page.locator('.sg-layout [data-test=demo-banner]').innerText(), /人员均为虚构/);
  if (SHOTS) await page.screenshot({ path: join(SHOTS, 'demo-layout.png') });
});
