// Browser test of the import page (数据采集 → 批量导入) against the real
// server in headless Debian Chromium: a bureau user uploads a CSV with
// errors in strict mode, watches the progress bar finish, sees the counts
// and the problems, downloads the error report, then uploads the fixed
// file and sees it imported cleanly; the past imports list shows both.
//
// Needs SHEGONG_BIN (or build/shegong) and a built UI (SHEGONG_WEB_DIST or web/dist).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, repoRoot } from '../lib/server.mjs';

const require = createRequire(join(repoRoot, 'web/package.json'));
const { chromium } = require('playwright-core');

const CHROMIUM = process.env.CHROMIUM_BIN || '/usr/bin/chromium';
const STEP = 45000;
const PASSWORD = 'Import-Passw0rd!2026';
const DATA = join(repoRoot, 'tests/data/import');

let srv;
let ctx;
let profileDir;
const problems = [];

before(async () => {
  srv = await startServer({ regions: 'fixture' });
  const r = srv.cli(['user', 'add', 'e2e_import', '--role', 'bureau', '--region', '44',
    '--password-stdin'], { stdin: PASSWORD + '\n' });
  assert.equal(r.code, 0, r.stderr);
  profileDir = mkdtempSync(join(tmpdir(), 'shegong-e2e-chromium-'));
  ctx = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
    viewport: { width: 1440, height: 900 },
    locale: 'zh-CN',
    acceptDownloads: true,
  });
});

after(async () => {
  if (ctx) await ctx.close();
  if (profileDir) rmSync(profileDir, { recursive: true, force: true });
  if (srv) await srv.stop();
});

async function upload(page, file) {
  const chooser = page.waitForEvent('filechooser');
  await page.click('[data-test=upload] button');
  await (await chooser).setFiles(join(DATA, file));
}

test('upload with errors, read the report, fix and import cleanly', async () => {
  const page = await ctx.newPage();
  page.setDefaultTimeout(STEP);
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push('page error: ' + e.message));
  await page.goto(srv.url + '/#/login');
  await page.fill('input[name=login]', 'e2e_import');
  await page.fill('input[name=password]', PASSWORD);
  await page.click('[data-test=login-submit]');
  await page.locator('[data-test=welcome]').waitFor();
  await page.goto(srv.url + '/#/imports');
  await page.locator('[data-test=upload]').waitFor();

  await upload(page, 'workers_errors.csv');
  await page.locator('[data-test=progress]').waitFor();
  await page.locator('[data-test=rejected]').waitFor();
  assert.equal(await page.locator('[data-test=rejected]').innerText(), '4');
  assert.equal(await page.locator('[data-test=inserted]').innerText(), '0');
  const rows = page.locator('[data-test=problems] .el-table__body tr');
  assert.equal(await rows.count(), 4);
  assert.match(await page.locator('[data-test=problems]').innerText(), /小学/);

  let dl = page.waitForEvent('download');
  await page.click('[data-test=error-report-csv]');
  const report = readFileSync(await (await dl).path(), 'utf8');
  assert.match(report, /^\ufeff行号,列,值,问题/);
  assert.match(report, /周强/);
  dl = page.waitForEvent('download');
  await page.click('[data-test=error-report]');
  const xlsx = await dl;
  assert.match(xlsx.suggestedFilename(), /errors\.xlsx$/);
  assert.equal(readFileSync(await xlsx.path()).subarray(0, 4).toString('binary'), 'PK\x03\x04');

  await upload(page, 'workers_fixed.csv');
  await page.locator('[data-test=inserted]', { hasText: '7' }).waitFor();
  assert.equal(await page.locator('[data-test=rejected]').innerText(), '0');
  assert.equal(await page.locator('[data-test=problems]').count(), 0);
  await page.locator('[data-test=history] .el-table__body tr').nth(1).waitFor();
  assert.deepEqual(problems, []);
});
