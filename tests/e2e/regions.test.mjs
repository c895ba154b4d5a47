// Browser tests of the web UI against the real server: headless Debian
// Chromium driven by playwright-core (resolved from web/node_modules, no
// browser download). Covers sign-in with the forced first password change,
// the region browser (lazy tree down to towns, search down to a village),
// the language switch, creating a user and verifying the audit chain.
//
// Needs build/shegong (or SHEGONG_BIN) and a built web/dist (make web).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createRequire } from 'node:module';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, repoRoot } from '../lib/server.mjs';

const require = createRequire(join(repoRoot, 'web/package.json'));
const { chromium } = require('playwright-core');

const CHROMIUM = process.env.CHROMIUM_BIN || '/usr/bin/chromium';
// ms for one UI step to show up: generous, because sanitizer builds and a
// loaded 2-core machine can be slow without anything being wrong
const STEP = 45000;

let srv;
let ctx;
let profileDir;
const cspViolations = [];

before(async () => {
  assert.ok(existsSync(join(repoRoot, 'web/dist/index.html')), 'web/dist is missing: run `make web`');
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
});

after(async () => {
  if (ctx) await ctx.close();
  if (profileDir) rmSync(profileDir, { recursive: true, force: true });
  if (srv) await srv.stop();
});

// A fresh page with no session and the default language.
async function freshPage() {
  await ctx.clearCookies();
  for (const p of ctx.pages()) await p.close();
  const page = await ctx.newPage();
  page.setDefaultTimeout(STEP);
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
  });
  page.on('pageerror', (e) => cspViolations.push('page error: ' + e.message));
  await page.goto(srv.url + '/');
  await page.evaluate(() => { localStorage.clear(); sessionStorage.clear(); });
  await page.goto(srv.url + '/#/login');
  await page.reload();
  await page.waitForSelector('input[name=login]');
  return page;
}

// Sign in through the form; when the account must change its password,
// the undismissable dialog comes first and is filled with newPassword.
async function signIn(page, login, password, newPassword) {
  await page.fill('input[name=login]', login);
  await page.fill('input[name=password]', password);
  await page.click('[data-test=login-submit]');
  const forced = page.locator('.sg-password-dialog');
  const home = page.locator('[data-test=welcome]');
  await page.locator('.sg-password-dialog, [data-test=welcome]').first().waitFor();
  if (await forced.isVisible()) {
    assert.ok(newPassword, `${login} was asked to change the password`);
    // no close button: the dialog cannot be dismissed
    assert.equal(await forced.locator('.el-dialog__headerbtn').count(), 0);
    await forced.locator('input[name=current_password]').fill(password);
    await forced.locator('input[name=new_password]').fill(newPassword);
    await forced.locator('input[name=confirm_password]').fill(newPassword);
    await forced.locator('[data-test=password-submit]').click();
    await forced.waitFor({ state: 'hidden' });
  }
  await home.waitFor();
}

// Run a test body; on failure keep a screenshot for the person reading the log.
async function withPage(name, fn) {
  const page = await freshPage();
  try {
    await fn(page);
  } catch (e) {
    const shot = join(tmpdir(), `shegong-e2e-${name}.png`);
    await page.screenshot({ path: shot, fullPage: true }).catch(() => {});
    e.message += `\n(screenshot: ${shot})`;
    throw e;
  }
}

function treeNode(page, code) {
  return page.locator(`.sg-tree-node[data-code="${code}"]`);
}

async function expand(page, code) {
  await treeNode(page, code).waitFor();
  const content = page.locator('.el-tree-node__content', { has: treeNode(page, code) });
  const icon = content.locator('.el-tree-node__expand-icon');
  if (!(await icon.getAttribute('class')).includes('expanded')) await icon.click();
}

// RFC 6238 code (SHA-1, 30 s, 6 digits) of a base32 secret at step `step`.
function totpCode(secretB32, step) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const ch of secretB32.replace(/[\s=]/g, '').toUpperCase()) {
    bits += alphabet.indexOf(ch).toString(2).padStart(5, '0');
  }
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(step));
  const h = createHmac('sha1', key).update(msg).digest();
  const off = h[h.length - 1] & 15;
  return String((h.readUInt32BE(off) & 0x7fffffff) % 1000000).padStart(6, '0');
}

function itemsOf(json) { return Array.isArray(json) ? json : json.items; }

// Walk the fixture through the API for a county with towns and a village
// whose name is rare enough to be on the first page of a search.
async function findCountyAndVillage(c) {
  const queue = itemsOf((await c.get('/api/v1/regions?per_page=200')).json);
  while (queue.length) {
    const r = queue.shift();
    if (r.has_children === false || r.level === 'town' || r.level === 'village') continue;
    const kids = itemsOf((await c.get(`/api/v1/regions/${r.code}/children?per_page=200`)).json);
    if (r.level === 'county' && kids.some((k) => k.level === 'town')) {
      for (const town of kids) {
        const villages = itemsOf((await c.get(`/api/v1/regions/${town.code}/children?per_page=200`)).json);
        for (const v of villages) {
          const s = await c.get(`/api/v1/regions?q=${encodeURIComponent(v.name)}&per_page=20`);
          if (s.status === 200 && s.json.total <= 20) {
            const county = (await c.get(`/api/v1/regions/${r.code}`)).json;
            return { county, towns: kids, village: v };
          }
        }
      }
    }
    queue.push(...kids);
  }
  throw new Error('the fixture has no county with towns and villages');
}

test('region browser: sign in, forced password change, tree to towns, search a village', async () => {
  const admin = await srv.loginAs(srv.adminLogin, srv.adminPassword);
  const { county, towns, village } = await findCountyAndVillage(admin);
  const province = county.path[0];

  // a bureau account for the province: created by the admin, so its first
  // sign-in must change the initial password
  const initial = 'Init-Bureau-Pass-2026';
  const created = await admin.post('/api/v1/users', {
    login: 'e2e_bureau', display_name: '省民政厅测试', role: 'bureau',
    region_code: province.code, password: initial,
  });
  assert.equal(created.status, 201, created.text);

  await withPage('regions', async (page) => {
    await signIn(page, 'e2e_bureau', initial, 'Changed-Bureau-Pass-2026');
    // the header shows the user's region
    await page.locator('.sg-region-name', { hasText: province.name }).waitFor();

    await page.click('.el-menu-item[data-menu=regions]');
    await page.waitForURL(/#\/regions/);
    // expand from the scope root down to the county: its towns are listed
    for (const p of county.path) await expand(page, p.code);
    for (const town of towns.slice(0, 5)) await treeNode(page, town.code).waitFor();
    assert.equal(await treeNode(page, towns[0].code).locator('.sg-tree-name').innerText(), towns[0].name);

    // selecting the county shows its detail with descendant counts
    await treeNode(page, county.code).click();
    await page.locator('[data-test=detail-code]', { hasText: county.code }).waitFor();
    await page.locator('[data-test=desc-town]').waitFor();

    // search the village by name and open its detail
    await page.fill('input[data-test=region-search]', village.name);
    await page.press('input[data-test=region-search]', 'Enter');
    const hit = page.locator(`.sg-result[data-code="${village.code}"]`);
    await hit.waitFor();
    assert.match(await hit.innerText(), new RegExp(county.name));
    await hit.click();
    await page.locator('[data-test=detail-code]', { hasText: village.code }).waitFor();
    assert.equal(await page.locator('[data-test=detail-name]').innerText(), village.name);
    const path = await page.locator('[data-test=detail-path]').innerText();
    assert.ok(path.includes(county.name), `path "${path}" names the county`);

    // a path link goes back up to the county
    await page.locator('[data-test=detail-path] a', { hasText: county.name }).click();
    await page.locator('[data-test=detail-code]', { hasText: county.code }).waitFor();
    assert.deepEqual(cspViolations, []);
  });
});

test('language switch to English changes the menu and is kept after reload', async () => {
  await withPage('locale', async (page) => {
    await signIn(page, srv.adminLogin, srv.adminPassword);
    await page.locator('.el-menu-item[data-menu=regions]', { hasText: '行政区划' }).waitFor();
    await page.click('[data-test=locale-switch]');
    await page.click('.el-dropdown-menu__item[data-locale=en]');
    await page.locator('.el-menu-item[data-menu=regions]', { hasText: 'Regions' }).waitFor();
    await page.locator('.el-menu-item[data-menu=home]', { hasText: 'Home' }).waitFor();
    await page.locator('.sg-title', { hasText: 'Social Work Talent Information Platform' }).waitFor();
    await page.reload();
    await page.locator('.el-menu-item[data-menu=home]', { hasText: 'Home' }).waitFor();
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
    assert.deepEqual(cspViolations, []);
  });
});

test('users page: create a user through the dialog', async () => {
  const admin = await srv.loginAs(srv.adminLogin, srv.adminPassword);
  const root = itemsOf((await admin.get('/api/v1/regions?per_page=200')).json)[0];
  await withPage('users', async (page) => {
    await signIn(page, srv.adminLogin, srv.adminPassword);
    await page.goto(srv.url + '/#/users');
    await page.locator('[data-test=user-table] .el-table__row').first().waitFor();
    await page.click('[data-test=user-create]');
    const dlg = page.locator('.el-dialog', { has: page.locator('[data-test=user-save]') });
    await dlg.waitFor();
    await dlg.locator('input[name=login]').fill('e2e_worker');
    await dlg.locator('input[name=display_name]').fill('张社工');
    await dlg.locator('.el-select').click();
    await page.locator('.el-select-dropdown__item:visible', { hasText: '社会工作者' }).click();
    // a worker needs a region: typing the code shows the region's name
    await dlg.locator('input[name=region_code]').fill(root.code);
    await dlg.locator('.sg-picker-name', { hasText: root.name }).waitFor();
    await dlg.locator('input[name=password]').fill('Worker-Initial-2026');
    await dlg.locator('[data-test=user-save]').click();
    await dlg.waitFor({ state: 'hidden' });
    const row = page.locator('[data-test=user-table] .el-table__row', { hasText: 'e2e_worker' });
    await row.waitFor();
    assert.match(await row.innerText(), /张社工/);
    assert.match(await row.innerText(), /社会工作者/);
    assert.match(await row.innerText(), new RegExp(root.name));
    assert.deepEqual(cspViolations, []);
  });
});

test('audit page: verifying the chain reports success', async () => {
  const add = srv.cli(['user', 'add', 'e2e_auditor', '--role', 'auditor', '--password-stdin'],
    { stdin: 'Auditor-Passw0rd-2026\n' });
  assert.equal(add.code, 0, add.stderr);
  await withPage('audit', async (page) => {
    await signIn(page, 'e2e_auditor', 'Auditor-Passw0rd-2026');
    // an auditor sees the audit log but not user management
    assert.equal(await page.locator('.el-menu-item[data-menu=users]').count(), 0);
    await page.goto(srv.url + '/#/audit');
    await page.locator('[data-test=audit-table] .el-table__row').first().waitFor();
    await page.click('[data-test=audit-verify]');
    await page.locator('[data-test=verify-ok]').waitFor({ timeout: 60000 });
    assert.deepEqual(cspViolations, []);
  });
});

test('two-factor: enrol in the dialog, then sign in with the 6-digit code', async () => {
  const add = srv.cli(['user', 'add', 'e2e_secadmin', '--role', 'secadmin', '--password-stdin'],
    { stdin: 'Secadmin-Passw0rd-2026\n' });
  assert.equal(add.code, 0, add.stderr);
  await withPage('totp', async (page) => {
    await signIn(page, 'e2e_secadmin', 'Secadmin-Passw0rd-2026');
    await page.click('[data-test=user-menu]');
    await page.click('.el-dropdown-menu__item:has-text("两步验证")');
    // the password is asked again before a second factor is bound
    await page.fill('input[name=totp_password]', 'Secadmin-Passw0rd-2026');
    await page.click('[data-test=totp-start]');
    // the QR code is an <img> with an SVG data: URL (the CSP allows data: images)
    const src = await page.locator('[data-test=totp-qr]').getAttribute('src');
    assert.match(src, /^data:image\/svg\+xml;base64,/);
    const secret = (await page.locator('[data-test=totp-secret]').innerText()).replace(/\s/g, '');
    const step = Math.floor(Date.now() / 30000);
    await page.fill('input[name=totp_code]', totpCode(secret, step));
    await page.click('[data-test=totp-confirm]');
    await page.locator('[data-test=totp-qr]').waitFor({ state: 'hidden' });

    // sign out, then in again: the password alone asks for the code
    await page.click('[data-test=user-menu]');
    await page.click('[data-test=logout]');
    await page.click('.el-message-box .el-button--primary');
    await page.waitForSelector('input[name=login]');
    await page.fill('input[name=login]', 'e2e_secadmin');
    await page.fill('input[name=password]', 'Secadmin-Passw0rd-2026');
    await page.click('[data-test=login-submit]');
    await page.waitForSelector('input[name=totp]');
    // a code is good once: wait for the next 30-second step
    while (Math.floor(Date.now() / 30000) <= step) await new Promise((r) => setTimeout(r, 500));
    await page.fill('input[name=totp]', totpCode(secret, Math.floor(Date.now() / 30000)));
    await page.click('[data-test=login-submit]');
    await page.locator('[data-test=welcome]').waitFor();
    assert.deepEqual(cspViolations, []);
  });
});
