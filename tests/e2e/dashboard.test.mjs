// Browser test of the statistics pages (issue 6) in headless Debian
// Chromium against the real server. A city bureau (清远市 4418) enters
// workers, qualifications and county populations through the API, opens
// the dashboard and sees every chart drawn (the canvas of each chart has a
// non-trivial share of non-background pixels), drills into a county from
// the ranking and back up by the breadcrumb, makes a target set in the
// targets form and sees its progress bars, and the public disclosure page,
// open without sign-in, shows the published figures but no ID number, no
// worker name and no phone number anywhere in its text.
//
// Needs build/shegong (or SHEGONG_BIN) and a built web UI (web/dist or
// SHEGONG_WEB_DIST). SHEGONG_E2E_SHOTS=DIR keeps screenshots.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, repoRoot } from '../lib/server.mjs';

const require = createRequire(join(repoRoot, 'web/package.json'));
const { chromium } = require('playwright-core');

const CHROMIUM = process.env.CHROMIUM_BIN || '/usr/bin/chromium';
const STEP = 45000;
const SHOTS = process.env.SHEGONG_E2E_SHOTS || '';
const WEB = process.env.SHEGONG_WEB_DIST || join(repoRoot, 'web/dist');
const PASSWORD = 'Dash-Passw0rd!2026';
const CITY = '4418'; // 清远市 in the fixture tree
const COUNTY = '441802'; // 清城区

let srv;
let ctx;
let profileDir;
const problems = [];
const names = [];
const phones = [];
const idNumbers = [];

function idNumber(region6, date8, seq) {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const s17 = region6 + date8 + String(seq).padStart(3, '0');
  const sum = [...s17].reduce((acc, d, i) => acc + Number(d) * w[i], 0);
  return s17 + '10X98765432'[sum % 11];
}

function addUser(login, role, region) {
  const args = ['user', 'add', login, '--role', role, '--password-stdin'];
  if (region) args.push('--region', region);
  const r = srv.cli(args, { stdin: PASSWORD + '\n' });
  assert.equal(r.code, 0, r.stderr);
}

// Workers in four counties of the city, with qualifications at every
// level (more in 清城 and 清新, few in 阳山: a lagging county).
async function seed() {
  const c = await srv.loginAs('dash_city', PASSWORD);
  const plan = [
    ['441802006', 6, ['assistant', 'assistant', 'assistant', 'intermediate', 'intermediate', 'senior']],
    ['441803102', 4, ['assistant', 'assistant', 'intermediate']],
    ['441881', 2, ['assistant']],
    ['441823', 1, []],
  ];
  const surnames = '陈林黄周吴徐孙马朱胡郭何高罗';
  let seq = 0;
  for (const [region, n, levels] of plan) {
    for (let i = 0; i < n; i++) {
      seq++;
      const name = surnames[seq % surnames.length] + '思' + '远明华嘉文'[seq % 5] + (seq > 5 ? '' : '');
      const id = idNumber(region.slice(0, 6), `1990${String((seq % 12) + 1).padStart(2, '0')}15`, seq);
      const phone = '139' + String(10000000 + seq * 7919).slice(0, 8);
      const r = await c.post('/api/v1/workers', {
        name, id_number: id, region_code: region, phone,
        education: i % 3 === 2 ? 'secondary_or_below' : 'bachelor',
      });
      assert.equal(r.status, 201, r.text);
      names.push(name);
      phones.push(phone);
      idNumbers.push(id);
      const level = levels[i];
      if (level) {
        const q = await c.post(`/api/v1/workers/${r.json.id}/qualifications`, {
          level, certificate_no: `Q${region}${seq}`, passed_on: `20${18 + (seq % 7)}-06-20`,
        });
        assert.equal(q.status, 201, q.text);
      }
    }
  }
  // population of every county of the city (the city's is their sum)
  const population = { 441802: 765000, 441803: 360000, 441821: 300000, 441823: 370000,
    441825: 100000, 441826: 150000, 441881: 940000, 441882: 380000 };
  for (const [code, n] of Object.entries(population)) {
    const r = await c.put(`/api/v1/regions/${code}/population`, { population: n });
    assert.equal(r.status, 204, r.text);
  }
}

before(async () => {
  assert.ok(existsSync(join(WEB, 'index.html')), `${WEB} is missing: build the web UI`);
  srv = await startServer({ regions: 'fixture', serveArgs: ['--public-rate', '0'] });
  addUser('dash_city', 'bureau', CITY);
  await seed();
  profileDir = mkdtempSync(join(tmpdir(), 'shegong-e2e-chromium-'));
  ctx = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
    viewport: { width: 1440, height: 1000 },
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
  await page.waitForTimeout(600);
  await page.screenshot({ path: join(SHOTS, name + '.png'), fullPage: true });
}

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
    e.message += `\n(screenshot: ${file})\nserver log tail:\n${srv.log.slice(-2000)}`;
    throw e;
  }
}

// Share of a chart's canvas pixels that are not background (transparent
// or near-white), read from the canvas itself once the chart's animation
// has settled; also saved as a PNG of the element when SHOTS is set.
async function inkOf(page, testId) {
  const sel = `[data-test=${testId}] canvas`;
  await page.waitForSelector(sel);
  await page.waitForTimeout(1200); // ECharts' entry animation
  if (SHOTS) await page.locator(`[data-test=${testId}]`).screenshot({ path: join(SHOTS, testId + '.png') });
  return page.evaluate((s) => {
    const c = document.querySelector(s);
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let ink = 0;
    for (let i = 0; i < d.length; i += 4) {
      if (d[i + 3] > 32 && !(d[i] > 240 && d[i + 1] > 240 && d[i + 2] > 240)) ink++;
    }
    return { ink, total: c.width * c.height };
  }, sel);
}

async function assertDrawn(page, testId, minShare = 0.01) {
  const { ink, total } = await inkOf(page, testId);
  assert.ok(total > 10000, `${testId}: canvas too small (${total} px)`);
  assert.ok(ink / total >= minShare, `${testId}: only ${ink} of ${total} pixels drawn`);
}

test('dashboard: city figures, every chart drawn, drill into a county and back', async () => {
  await withPage('dashboard', async (page) => {
    await signIn(page, 'dash_city', PASSWORD);
    await page.goto(srv.url + '/#/dashboard');
    await page.locator('[data-test=dash-region-name]', { hasText: '清远市' }).waitFor();
    await page.locator('[data-test=card-workers_total]', { hasText: '13' }).waitFor();
    await page.locator('[data-test=card-certified_total]', { hasText: '10' }).waitFor();
    for (const chart of ['chart-levels', 'chart-balance', 'chart-growth']) {
      await assertDrawn(page, chart);
    }
    // station coverage is drawn once the stations module records stations
    if (await page.locator('[data-test=chart-coverage]').count()) await assertDrawn(page, 'chart-coverage');
    // the ranking lists the counties; 清城 has the most workers
    const ranking = page.locator('[data-test=ranking]');
    await ranking.locator('[data-test=rank-441802]').waitFor();
    // 13 workers per 3,365,000 residents
    await page.locator('[data-test=card-per_10k]', { hasText: '0.04' }).waitFor();
    await shot(page, 'dashboard-city');

    // the report of the same figures, once the report export is served
    const c = await srv.loginAs('dash_city', PASSWORD);
    const report = await c.get(`/api/v1/stats/report?region=${CITY}&format=xlsx`);
    if (report.status === 200) {
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.click('[data-test=export-xlsx]'),
      ]);
      assert.match(download.suggestedFilename(), /\.xlsx$/);
    }

    // drill into 清城区 from the ranking, then check the charts again
    await ranking.locator('[data-test=rank-441802]').click();
    await page.locator('[data-test=dash-region-name]', { hasText: '清城区' }).waitFor();
    assert.match(page.url(), /region=441802/);
    await page.locator('[data-test=card-workers_total]', { hasText: '6' }).waitFor();
    await assertDrawn(page, 'chart-levels');
    await assertDrawn(page, 'chart-balance');
    await page.locator('[data-test=rank-441802006]').waitFor();
    await shot(page, 'dashboard-county');

    // back up by the breadcrumb
    await page.click(`[data-test=crumb-${CITY}]`);
    await page.locator('[data-test=dash-region-name]', { hasText: '清远市' }).waitFor();
    await page.locator('[data-test=card-workers_total]', { hasText: '13' }).waitFor();
  });
});

test('targets: a set made in the form shows its progress', async () => {
  await withPage('targets', async (page) => {
    await signIn(page, 'dash_city', PASSWORD);
    await page.goto(srv.url + '/#/targets');
    await page.click('[data-test=target-new]');
    const form = page.locator('[data-test=target-form]');
    await form.locator('input[name=target_name]').fill('清远市社工人才规划 2024–2028');
    await form.locator('input[name=baseline_date]').fill('2024-01-01');
    await form.locator('input[name=baseline_date]').press('Enter');
    await form.locator('input[name=due_date]').fill('2028-12-31');
    await form.locator('input[name=due_date]').press('Enter');
    await form.locator('[data-test=item-indicator-0]').click();
    await page.locator('.el-select-dropdown__item:visible', { hasText: /人才总量|workers/ }).first().click();
    await form.locator('[data-test=item-target-0] input').fill('100');
    await form.locator('[data-test=item-add]').click();
    await form.locator('input[data-test=item-label-1]').fill('在职培训率');
    await form.locator('[data-test=item-target-1] input').fill('100');
    await page.click('[data-test=target-save]');
    await page.locator('[data-test=target-progress]').waitFor();
    await page.locator('[data-test=target-status-0]').waitFor();
    const s0 = await page.locator('[data-test=target-status-0]').innerText();
    assert.match(s0, /已达成|进度正常|进度滞后/);
    const s1 = await page.locator('[data-test=target-status-1]').innerText();
    assert.match(s1, /暂无指标/);
    await shot(page, 'target-progress');

    // the dashboard shows the set's bars
    await page.goto(srv.url + '/#/dashboard');
    await page.locator('[data-test=target-item-0]').waitFor();
  });
});

test('public page: figures and organisations, no personal data', async () => {
  // publish a few indicators first (the published keys are national: sysadmin)
  const c = await srv.loginAs(srv.adminLogin, srv.adminPassword);
  const put = await c.put('/api/v1/stats/public-indicators', { keys: ['workers_total', 'certified_total', 'per_10k'] });
  assert.ok([200, 204].includes(put.status), put.text);

  await withPage('public', async (page) => {
    await page.goto(srv.url + '/#/login');
    await page.click('[data-test=public-link]');
    await page.locator('[data-test=public-page]').waitFor();
    // choose 广东省 / 清远市 in the region picker
    await page.click('[data-test=public-region] .el-cascader');
    await page.locator('.el-cascader-node', { hasText: '广东省' }).click();
    await page.locator('.el-cascader-node', { hasText: '清远市' }).locator('.el-radio').click();
    await page.keyboard.press('Escape');
    await page.locator('[data-test=public-figures]').waitFor();
    await page.locator('[data-test=figure-workers_total]', { hasText: '13' }).waitFor();
    await page.waitForTimeout(800);
    await shot(page, 'public');
    const text = await page.evaluate(() => document.body.innerText);
    assert.doesNotMatch(text, /\d{6}\*{8}[\dX]{4}|\d{17}[\dXx]/, 'an ID number on the public page');
    for (const n of names) assert.ok(!text.includes(n), `worker name ${n} on the public page`);
    for (const p of phones) assert.ok(!text.includes(p), `phone ${p} on the public page`);
    assert.doesNotMatch(text, /1[3-9]\d{9}/, 'a phone number on the public page');

    // certificate verification goes to the public verification page
    await page.fill('input[data-test=public-verify-input]', '4418022026000001');
    await page.click('[data-test=public-verify]');
    await page.locator('[data-test=verify-card]').waitFor();
    assert.match(page.url(), /#\/verify\/4418022026000001/);
  });
  assert.deepEqual(problems, []);
});
