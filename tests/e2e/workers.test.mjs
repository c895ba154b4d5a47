// Browser tests of the worker registry UI against the real server, in
// headless Debian Chromium (playwright-core from web/node_modules, no
// browser download): a bureau user enters a worker through the form (the
// GB 11643 check in the browser first), reveals the ID number for a
// reason, records a qualification; the registration goes through submit,
// first review, final review by a second bureau user, registration and
// certificate; the certificate PDF is downloaded and the public
// verification page it leads to shows the holder as valid.
//
// Needs build/shegong (or SHEGONG_BIN) and a built web/dist (make web).
// SHEGONG_E2E_SHOTS=DIR keeps a screenshot of every page visited.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, repoRoot } from '../lib/server.mjs';

const require = createRequire(join(repoRoot, 'web/package.json'));
const { chromium } = require('playwright-core');

const CHROMIUM = process.env.CHROMIUM_BIN || '/usr/bin/chromium';
// ms for one UI step to show up: generous, because sanitizer builds and a
// loaded 2-core machine can be slow without anything being wrong
const STEP = 45000;
const SHOTS = process.env.SHEGONG_E2E_SHOTS || '';
const PASSWORD = 'Bureau-Passw0rd!2026';
const REGION = '441802'; // 清城区 in the fixture tree

let srv;
let ctx;
let profileDir;
const problems = []; // CSP violations and page errors
const worker = { name: '陈思远', org: '清远市阳光社会工作服务中心', post: '项目社工' };

// A valid GB 11643 number for a region, birth date (YYYYMMDD) and sequence.
function idNumber(region6, date8, seq) {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const s17 = region6 + date8 + String(seq).padStart(3, '0');
  const sum = [...s17].reduce((acc, d, i) => acc + Number(d) * w[i], 0);
  return s17 + '10X98765432'[sum % 11];
}

function isoDaysAgo(n) {
  const d = new Date(Date.now() - n * 86400000);
  return d.toISOString().slice(0, 10);
}

function addUser(login, role, region) {
  const args = ['user', 'add', login, '--role', role, '--password-stdin'];
  if (region) args.push('--region', region);
  const r = srv.cli(args, { stdin: PASSWORD + '\n' });
  assert.equal(r.code, 0, r.stderr);
}

before(async () => {
  assert.ok(existsSync(join(repoRoot, 'web/dist/index.html')), 'web/dist is missing: run `make web`');
  srv = await startServer({ regions: 'fixture' });
  addUser('e2e_reviewer1', 'bureau', REGION);
  addUser('e2e_reviewer2', 'bureau', REGION);
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
  if (SHOTS) mkdirSync(SHOTS, { recursive: true });
});

after(async () => {
  if (ctx) await ctx.close();
  if (profileDir) rmSync(profileDir, { recursive: true, force: true });
  if (srv) await srv.stop();
});

async function shot(page, name) {
  if (!SHOTS) return;
  await page.waitForTimeout(400); // let transitions settle
  await page.screenshot({ path: join(SHOTS, name + '.png'), fullPage: true });
}

// A fresh page with no session and the default language.
async function freshPage() {
  await ctx.clearCookies();
  for (const p of ctx.pages()) await p.close();
  const page = await ctx.newPage();
  page.setDefaultTimeout(STEP);
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push('page error: ' + e.message));
  await page.goto(srv.url + '/');
  // let the app settle on the sign-in page first: a later hash-only goto
  // (the verification link) must not race the redirect still in flight
  await page.waitForSelector('input[name=login]');
  await page.evaluate(() => { localStorage.clear(); sessionStorage.clear(); });
  return page;
}

async function signIn(page, login, password) {
  await page.goto(srv.url + '/#/login');
  await page.waitForSelector('input[name=login]');
  await page.fill('input[name=login]', login);
  await page.fill('input[name=password]', password);
  await page.click('[data-test=login-submit]');
  await page.locator('[data-test=welcome]').waitFor();
}

async function withPage(name, fn) {
  const page = await freshPage();
  try {
    await fn(page);
  } catch (e) {
    const file = join(tmpdir(), `shegong-e2e-${name}.png`);
    await page.screenshot({ path: file, fullPage: true }).catch(() => {});
    e.message += `\n(screenshot: ${file})`;
    throw e;
  }
}

async function pickOption(page, select, text) {
  await select.click();
  await page.locator('.el-select-dropdown__item:visible', { hasText: text }).first().click();
}

// Click a transition button of the registration row and confirm its dialog.
async function transition(page, row, action, reason) {
  await row.locator(`[data-action=${action}]`).click();
  const dlg = page.locator('.sg-reason-dialog:visible');
  await dlg.waitFor();
  if (reason) await dlg.locator('textarea[name=reason]').fill(reason);
  await dlg.locator('[data-test=reason-confirm]').click();
  await dlg.waitFor({ state: 'hidden' });
}

const ID = idNumber(REGION, '19900315', 137); // sequence odd: male
const MASKED = ID.slice(0, 6) + '********' + ID.slice(14);
let workerId;
let workerUrl;

test('worker registry: create through the form with the ID check, reveal, add a qualification', async () => {
  await withPage('workers', async (page) => {
    await signIn(page, 'e2e_reviewer1', PASSWORD);
    await page.click('.el-sub-menu__title:has-text("社工人才")');
    await page.click('.el-menu-item[data-menu=workers]');
    await page.waitForURL(/#\/workers$/);
    await page.locator('[data-test=worker-table]').waitFor();
    await shot(page, '01-workers-empty');

    await page.click('[data-test=worker-create]');
    await page.waitForURL(/#\/workers\/new$/);
    const form = page.locator('[data-test=worker-form]');
    await form.locator('input[name=name]').fill(worker.name);
    // a wrong check character is caught in the browser, with the right one
    const wrong = ID.slice(0, 17) + (ID[17] === '0' ? '1' : '0');
    await form.locator('input[name=id_number]').fill(wrong);
    await form.locator('.el-form-item__error', { hasText: `校验码应为 ${ID[17]}` }).waitFor();
    await form.locator('input[name=id_number]').fill(ID);
    await form.locator('[data-test=id-ok]').waitFor();
    assert.equal(await form.locator('input[data-test=derived-sex]').inputValue(), '男');
    assert.equal(await form.locator('input[data-test=derived-birth]').inputValue(), '1990-03-15');
    await form.locator('input[name=phone]').fill('13800138000');
    await pickOption(page, form.locator('[data-test=education]'), '本科');
    await form.locator('[data-test=major] .el-radio', { hasText: '是' }).click();
    await form.locator('input[name=region_code]').fill(REGION);
    await form.locator('.sg-picker-name', { hasText: '清城区' }).waitFor();
    await form.locator('input[name=org_name]').fill(worker.org);
    await form.locator('input[name=post]').fill(worker.post);
    await pickOption(page, form.locator('[data-test=service-fields]'), '老年人服务');
    await page.locator('.el-select-dropdown__item:visible', { hasText: '青少年服务' }).click();
    await page.keyboard.press('Escape');
    await shot(page, '02-worker-form');
    await form.locator('[data-test=worker-save]').click();

    await page.waitForURL(/#\/workers\/\d+/);
    workerId = Number(/#\/workers\/(\d+)/.exec(page.url())[1]);
    workerUrl = page.url().replace(/\?.*$/, '');
    assert.equal(await page.locator('[data-test=worker-name]').innerText(), worker.name);
    const idCell = page.locator('[data-test=worker-id-number]');
    assert.equal(await idCell.innerText(), MASKED);
    const profile = await page.locator('[data-test=worker-profile]').innerText();
    for (const s of ['清城区', worker.org, '老年人服务', '青少年服务', '本科', '1990-03-15']) {
      assert.ok(profile.includes(s), `profile shows ${s}`);
    }

    // the full number for a reason, then masked again on request
    await page.click('[data-test=reveal]');
    const dlg = page.locator('.sg-reason-dialog:visible');
    await dlg.locator('textarea[name=reason]').fill('核对登记材料');
    await dlg.locator('[data-test=reason-confirm]').click();
    await page.locator('[data-test=worker-id-number]', { hasText: ID }).waitFor();
    await page.locator('text=本次查看已记录审计日志').waitFor();
    await shot(page, '03-worker-detail-revealed');
    await page.locator('.sg-id-cell .el-button', { hasText: '隐藏' }).click();
    assert.equal(await idCell.innerText(), MASKED);

    // a qualification passed 30 days ago: the level follows
    await page.click('.el-tabs__item:has-text("职业水平")');
    await page.click('[data-test=qual-add]');
    const qd = page.locator('.el-dialog[data-test=qual-dialog]');
    await qd.waitFor();
    await qd.locator('input[name=certificate_no]').fill('A2026440001');
    await qd.locator('input[name=passed_on]').fill(isoDaysAgo(30));
    await qd.locator('input[name=passed_on]').press('Enter');
    await qd.locator('input[name=issuer]').fill('人力资源社会保障部');
    await qd.locator('[data-test=qual-save]').click();
    await qd.waitFor({ state: 'hidden' });
    await page.locator('[data-test=qual-table] .el-table__row', { hasText: 'A2026440001' }).waitFor();
    await page.locator('[data-test=worker-level]', { hasText: '助理社会工作师' }).waitFor();
    await shot(page, '04-worker-qualifications');

    // the list: masked number, filters, and the column chooser kept after a reload
    await page.goto(srv.url + '/#/workers');
    const row = page.locator('[data-test=worker-table] .el-table__row', { hasText: worker.name });
    await row.waitFor();
    assert.match(await row.innerText(), new RegExp(MASKED.replace(/\*/g, '\\*')));
    assert.ok(!(await page.content()).includes(ID), 'the list never holds the number in clear');
    await page.fill('input[name=q]', '清遠市陽光');
    await page.click('[data-test=worker-search]');
    await row.waitFor();
    await page.click('[data-test=column-chooser]');
    await page.locator('.el-checkbox[data-column=phone]').click();
    await page.locator('.el-table__header th', { hasText: '联系电话' }).first().waitFor();
    await shot(page, '05-workers-list');
    await page.reload();
    await page.locator('.el-table__header th', { hasText: '联系电话' }).first().waitFor();
    assert.deepEqual(problems, []);
  });
});

// The registration and certificate APIs come with src/api/api_registrations.c
// and src/api/api_certificates.c; a build without them answers 404 here.
async function registrationApiPresent() {
  const c = await srv.loginAs('e2e_reviewer1', PASSWORD);
  const r = await c.get('/api/v1/registrations');
  return r.status !== 404;
}

test('registration: submit, two reviews by two users, register, certify, PDF, public verification', async (t) => {
  assert.ok(workerId, 'the worker test ran first');
  if (!(await registrationApiPresent())) {
    t.skip('this build has no registration API (GET /api/v1/registrations is 404)');
    return;
  }
  let certificateNo;
  await withPage('registration-first', async (page) => {
    await signIn(page, 'e2e_reviewer1', PASSWORD);
    await page.goto(workerUrl + '?tab=registrations');
    await page.click('[data-test=reg-create]');
    const dlg = page.locator('.el-dialog[data-test=reg-dialog]');
    await dlg.waitFor();
    // first registration, the qualification pre-selected
    assert.match(await dlg.locator('[data-test=reg-qualification]').innerText(), /A2026440001/);
    await dlg.locator('[data-test=reg-save]').click();
    await dlg.waitFor({ state: 'hidden' });
    const row = page.locator('[data-test=reg-table] .el-table__row').first();
    await row.locator('[data-state=not_applied]').waitFor();
    await transition(page, row, 'submit');
    await row.locator('[data-state=pending]').waitFor();
    await transition(page, row, 'first_approve', '材料齐全');
    await row.locator('[data-state=first_approved]').waitFor();
    // the first reviewer may not make the final review
    assert.equal(await row.locator('[data-action=final_approve]').count(), 0);
    await shot(page, '06-worker-registrations-first-approved');
    assert.deepEqual(problems, []);
  });

  await withPage('registration-final', async (page) => {
    await signIn(page, 'e2e_reviewer2', PASSWORD);
    await page.click('.el-sub-menu__title:has-text("社工人才")');
    await page.click('.el-menu-item[data-menu=registrations]');
    await page.waitForURL(/#\/registrations/);
    const queue = page.locator('[data-test=queue-table]');
    const steps = [
      ['first_approved', 'final_approve'],
      ['final_approved', 'register'],
      ['registered', 'certify'],
    ];
    for (const [tab, action] of steps) {
      await page.click(`[data-test=reg-tabs] [data-tab=${tab}]`);
      const row = queue.locator('.el-table__row', { hasText: worker.name });
      await row.waitFor();
      if (tab === 'first_approved') await shot(page, '07-review-queue');
      await transition(page, row, action);
      await row.waitFor({ state: 'detached' });
    }

    // the certificate: a PDF download from the worker's registrations
    await page.goto(workerUrl + '?tab=registrations');
    const row = page.locator('[data-test=reg-table] .el-table__row').first();
    await row.locator('[data-state=certified]').waitFor();
    certificateNo = (await row.locator('[data-test=certificate-no]').innerText()).trim();
    assert.ok(certificateNo, 'a certificate number is shown');
    await shot(page, '08-worker-registrations-certified');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      row.locator('[data-test=certificate-pdf]').click(),
    ]);
    const file = join(profileDir, 'certificate.pdf');
    await download.saveAs(file);
    const pdf = readFileSync(file);
    assert.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-');

    // the QR code's link: printed in the PDF's text when pdftotext can read
    // it, else built from the number shown (both name the same page)
    let verifyPath = '/#/verify/' + encodeURIComponent(certificateNo);
    const txt = spawnSync('pdftotext', [file, '-'], { encoding: 'utf8' });
    if (txt.status === 0) {
      const m = /https?:\/\/\S+?(#\/verify\/\S+)/.exec(txt.stdout);
      if (m) {
        assert.equal(decodeURIComponent(m[1].split('/').pop()), certificateNo);
        verifyPath = '/' + m[1];
      }
    }
    writeFileSync(join(profileDir, 'verify-path.txt'), verifyPath);
    assert.deepEqual(problems, []);
  });

  await withPage('verify', async (page) => {
    // no session: the public page needs none and has no admin chrome
    const verifyPath = readFileSync(join(profileDir, 'verify-path.txt'), 'utf8');
    await page.goto(srv.url + verifyPath);
    await page.locator('[data-test=verify-name]', { hasText: worker.name }).waitFor();
    assert.equal((await page.locator('[data-test=verify-badge]').innerText()).trim(), '有效');
    const fields = await page.locator('[data-test=verify-fields]').innerText();
    assert.ok(fields.includes(certificateNo) && fields.includes('助理社会工作师'), fields);
    assert.ok(!fields.includes(MASKED.slice(0, 6) + '*'), 'no ID number on the public page');
    assert.equal(await page.locator('.sg-aside').count(), 0);
    await shot(page, '09-verify-valid');

    await page.goto(srv.url + '/#/verify/NO-SUCH-CERT-0000');
    await page.reload();
    await page.locator('[data-test=verify-not-found]', { hasText: '未找到' }).waitFor();
    await shot(page, '10-verify-not-found');
    assert.deepEqual(problems, []);
  });
});
