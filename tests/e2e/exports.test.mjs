// Browser test of the shared export button (components/ExportButton.vue) on
// the worker list: a district bureau filters the list, exports it as CSV
// and as XLSX, and gets files named in Chinese that hold the filtered rows
// with the ID numbers masked; then the registration review queue exports
// the registration ledger, the talent pools page its pool's members, a
// worker's tabs that worker's certificates and service history, the
// accounts page the bureau's accounts, the regions page a region's towns
// with their population (no button for an auditor, who may not export it)
// and the audit log page, for an auditor, the filtered log; no page errors
// or CSP violations.
//
// Needs build/shegong (or SHEGONG_BIN) and a built web UI (web/dist or
// SHEGONG_WEB_DIST).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, repoRoot } from '../lib/server.mjs';
import { launchBrowser, signIn } from '../lib/browser.mjs';

const PASSWORD = 'Export-Passw0rd!2026';

let srv, browser, dir;
const workerIds = {};

before(async () => {
  const web = process.env.SHEGONG_WEB_DIST || join(repoRoot, 'web/dist');
  assert.ok(existsSync(join(web, 'index.html')), `${web} is missing: run make web`);
  // a direct download cap of one row: the unfiltered list goes through a job
  process.env.SHEGONG_EXPORT_MAX_ROWS = '1';
  srv = await startServer({ regions: 'fixture' });
  delete process.env.SHEGONG_EXPORT_MAX_ROWS;
  srv.addUser('e2e_export', 'bureau', '441802', PASSWORD);
  srv.addUser('e2e_auditor', 'auditor', null, PASSWORD);
  const c = await srv.loginAs('e2e_export', PASSWORD);
  for (const w of [{ name: '陈思远', id_number: '440524188001010014', region_code: '441802' },
    { name: '林晓', id_number: '11010519491231002X', region_code: '441802' }]) {
    const x = await c.post('/api/v1/workers', w);
    assert.equal(x.status, 201, x.text);
    workerIds[w.name] = x.json.id;
  }
  // 林晓 applies for registration (qualification passed 60 days ago): the pending queue
  const passedOn = new Date(Date.now() + (8 * 3600 - 60 * 86400) * 1000).toISOString().slice(0, 10);
  const q = await c.post(`/api/v1/workers/${workerIds['林晓']}/qualifications`,
    { level: 'assistant', certificate_no: 'E2E-000001', passed_on: passedOn });
  assert.equal(q.status, 201, q.text);
  const reg = await c.post(`/api/v1/workers/${workerIds['林晓']}/registrations`,
    { kind: 'first', qualification_id: q.json.id });
  assert.equal(reg.status, 201, reg.text);
  const sub = await c.post(`/api/v1/registrations/${reg.json.id}/transitions`, { action: 'submit' });
  assert.equal(sub.status, 200, sub.text);
  // 陈思远 is a supervisor (the pools page opens on that pool)
  const pool = await c.post(`/api/v1/workers/${workerIds['陈思远']}/pools`,
    { pool: 'supervisor', grade: 'junior', joined_on: '2024-03-01' });
  assert.equal(pool.status, 201, pool.text);
  // and has a service history
  const emp = await c.post(`/api/v1/workers/${workerIds['陈思远']}/employments`,
    { org_name: '清城区阳光社工服务中心', post: '督导', started_on: '2020-05-01' });
  assert.equal(emp.status, 201, emp.text);
  dir = mkdtempSync(join(tmpdir(), 'shegong-e2e-export-'));
  browser = await launchBrowser();
});

after(async () => {
  if (browser) await browser.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  if (srv) await srv.stop();
});

// A fresh page signed in as login, for one test.
function asUser(login, shot, fn) {
  return browser.withPage(srv.url, `exports-${shot}`, async (page) => {
    await signIn(page, srv.url, login, PASSWORD);
    await fn(page);
    assert.deepEqual(browser.problems, []);
  });
}

const asBureau = (shot, fn) => asUser('e2e_export', shot, fn);

// The first visible export button of the page (a worker's page has one
// per tab) in format (csv|xlsx): the suggested file name and the saved
// file's path under dir/file.
async function exportAs(page, format, file) {
  await page.locator('[data-test=export-button] button:visible').first().click();
  const [d] = await Promise.all([
    page.waitForEvent('download'),
    page.locator(`[data-test=export-${format}]:visible`).click(),
  ]);
  const path = join(dir, file);
  await d.saveAs(path);
  return { name: d.suggestedFilename(), path };
}

// A CSV download's lines, without the BOM and empty lines.
function csvLines(path) {
  return readFileSync(path).subarray(3).toString().split('\r\n').filter((l) => l);
}

test('export the filtered worker list as CSV and XLSX', () => asBureau('workers', async (page) => {
  await page.goto(srv.url + '/#/workers');
  await page.locator('.el-table__row', { hasText: '林晓' }).waitFor();
  await page.fill('input[name=q]', '陈思远');
  await page.click('[data-test=worker-search]');
  await page.locator('.el-table__row', { hasText: '林晓' }).waitFor({ state: 'detached' });

  const csv = await exportAs(page, 'csv', 'w.csv');
  assert.match(csv.name, /^社工名单-\d{8}\.csv$/);
  const text = csvLines(csv.path).join('\n');
  assert.ok(text.includes('陈思远') && !text.includes('林晓'), text);
  assert.ok(text.includes('440524********0014'), text);
  await page.locator('.el-message--success').first().waitFor();

  const xlsx = await exportAs(page, 'xlsx', 'w.xlsx');
  assert.match(xlsx.name, /^社工名单-\d{8}\.xlsx$/);
  assert.equal(readFileSync(xlsx.path).subarray(0, 2).toString('latin1'), 'PK');

  // over the cap: the same button builds the file on the server, then downloads it
  await page.fill('input[name=q]', '');
  await page.click('[data-test=worker-search]');
  await page.locator('.el-table__row', { hasText: '林晓' }).waitFor();
  const big = await exportAs(page, 'csv', 'all.csv');
  assert.match(big.name, /^社工名单-\d{8}\.csv$/);
  const all = csvLines(big.path).join('\n');
  assert.ok(all.includes('陈思远') && all.includes('林晓'), all);
}));

test('export the registration review queue', () => asBureau('registrations', async (page) => {
  await page.goto(srv.url + '/#/registrations');
  await page.locator('[data-test=queue-table] .el-table__row', { hasText: '林晓' }).waitFor();
  const csv = await exportAs(page, 'csv', 'r.csv');
  assert.match(csv.name, /^社工登记台账-\d{8}\.csv$/);
  const lines = csvLines(csv.path);
  assert.equal(lines.length, 2, lines.join('\n'));
  assert.match(lines[1], /,林晓,441802,first,assistant,.*,pending,/);
}));

test('export the members of a talent pool', () => asBureau('pools', async (page) => {
  await page.goto(srv.url + '/#/pools');
  await page.locator('[data-test=pool-members] .el-table__row', { hasText: '陈思远' }).waitFor();
  const csv = await exportAs(page, 'csv', 'p.csv');
  assert.match(csv.name, /^人才库成员-\d{8}\.csv$/);
  const lines = csvLines(csv.path);
  assert.equal(lines.length, 2, lines.join('\n'));
  assert.match(lines[1], /,陈思远,440524\*{8}0014,441802,.*,supervisor,junior,2024-03-01,/);
}));

test('export a worker\'s service history from the history tab', () => asBureau('history', async (page) => {
  await page.goto(`${srv.url}/#/workers/${workerIds['陈思远']}`);
  await page.click('#tab-history');
  await page.locator('[data-test=emp-table] .el-table__row', { hasText: '清城区阳光社工服务中心' }).waitFor();
  const csv = await exportAs(page, 'csv', 'h.csv');
  assert.match(csv.name, /^服务履历-\d{8}\.csv$/);
  const lines = csvLines(csv.path);
  assert.deepEqual(lines.slice(1), [
    `440524********0014,,清城区阳光社工服务中心,督导,,2020-05-01,,${workerIds['陈思远']},陈思远,441802`,
  ]);
}));

test('export a worker\'s certificates from the qualifications tab', () => asBureau('quals', async (page) => {
  await page.goto(`${srv.url}/#/workers/${workerIds['林晓']}`);
  await page.click('#tab-qualifications');
  await page.locator('[data-test=qual-table] .el-table__row', { hasText: 'E2E-000001' }).waitFor();
  const csv = await exportAs(page, 'csv', 'q.csv');
  assert.match(csv.name, /^职业资格证书-\d{8}\.csv$/);
  const lines = csvLines(csv.path);
  assert.equal(lines.length, 2, lines.join('\n'));
  assert.match(lines[1], /^assistant,E2E-000001,/);
}));

test('export the accounts a bureau manages', () => asBureau('users', async (page) => {
  await page.goto(srv.url + '/#/users');
  await page.locator('[data-test=user-table] .el-table__row', { hasText: 'e2e_export' }).waitFor();
  const csv = await exportAs(page, 'csv', 'u.csv');
  assert.match(csv.name, /^用户账号-\d{8}\.csv$/);
  const lines = csvLines(csv.path);
  assert.equal(lines.length, 2, lines.join('\n'));
  assert.match(lines[1], /^\d+,e2e_export,.*,bureau,441802,/);
}));

test('an auditor exports the filtered audit log', () => asUser('e2e_auditor', 'audit', async (page) => {
  await page.goto(srv.url + '/#/audit');
  await page.locator('[data-test=audit-table] .el-table__row').first().waitFor();
  await page.fill('input[name=user]', 'e2e_export');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => ![...document.querySelectorAll('[data-test=audit-table] .el-table__row')]
    .some((r) => r.textContent.includes('e2e_auditor')));
  // more rows than the cap of one: built as a job, then downloaded
  const csv = await exportAs(page, 'csv', 'a.csv');
  assert.match(csv.name, /^审计日志-\d{8}\.csv$/);
  const lines = csvLines(csv.path);
  assert.equal(lines[0], '编号,时间,用户,IP 地址,操作,对象类型,对象编号,结果,详情');
  assert.ok(lines.length > 2, lines.join('\n'));
  assert.ok(lines.slice(1).every((l) => l.split(',')[2] === 'e2e_export'), lines.join('\n'));
}));

test('export the towns of a district with their population; an auditor gets no button there', async () => {
  await asBureau('regions', async (page) => {
    await page.goto(srv.url + '/#/regions');
    await page.click('.sg-tree-node[data-code="441802"]');
    await page.locator('[data-test=region-children] .el-table__row').first().waitFor();
    const csv = await exportAs(page, 'csv', 'pop.csv');
    assert.match(csv.name, /^行政区划人口-\d{8}\.csv$/);
    const lines = csvLines(csv.path);
    assert.equal(lines[0], '区划代码,常住人口,名称,层级');
    assert.ok(lines.length > 1 && lines.slice(1).every((l) => l.startsWith('441802')), lines.join('\n'));
  });
  await asUser('e2e_auditor', 'regions-auditor', async (page) => {
    await page.goto(srv.url + '/#/regions');
    // the button asks which kinds the role may export before it shows
    const asked = page.waitForResponse((r) => r.url().endsWith('/api/v1/exports'));
    await page.click('.sg-tree-node[data-code="44"]');
    await page.locator('[data-test=region-children] .el-table__row').first().waitFor();
    assert.deepEqual((await (await asked).json()).items.map((k) => k.kind), ['audit']);
    await page.waitForTimeout(200);
    assert.equal(await page.locator('[data-test=export-button]').count(), 0);
  });
});
