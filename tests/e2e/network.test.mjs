// Browser test of the service network pages: a district bureau creates an
// organisation, then a town station with the six haves (first on the
// district itself, which is refused with the level a station needs), sees
// it up to standard, creates a post for the organisation, fills it with a
// worker through the dialog, and finds the town covered on the coverage
// page with its tree and the list of towns still without a station.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, repoRoot } from '../lib/server.mjs';
import { creditCode, idNumber } from '../lib/ids.mjs';
import { launchBrowser, pickOption, signIn } from '../lib/browser.mjs';

const PASSWORD = 'Network-Passw0rd!2026';
const ORG = '清城区凤城社会工作服务中心';
let srv;
let browser;

before(async () => {
  assert.ok(existsSync(join(process.env.SHEGONG_WEB_DIST || join(repoRoot, 'web/dist'), 'index.html')),
    'web/dist is missing: run `make web`');
  srv = await startServer({ regions: 'fixture' });
  const r = srv.cli(['user', 'add', 'e2e_net', '--role', 'bureau', '--region', '441802', '--password-stdin'],
    { stdin: PASSWORD + '\n' });
  assert.equal(r.code, 0, r.stderr);
  const api = await srv.loginAs('e2e_net', PASSWORD);
  const w = await api.post('/api/v1/workers', { name: '欧阳晓', id_number: idNumber('441802', '19910909', 9),
    region_code: '441802006' });
  assert.equal(w.status, 201, w.text);
  browser = await launchBrowser();
});

after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.stop();
});

// A filterable select that searches the server as one types.
async function pickRemote(page, select, query, text) {
  await select.click();
  await page.keyboard.type(query);
  await page.locator('.el-select-dropdown__item:visible', { hasText: text }).first().click();
}

async function region(page, code) {
  await page.fill('input[name=region_code]', code);
  await page.keyboard.press('Tab');
}

test('organisation, town station with the six haves, post filled with a worker, coverage', async () => {
  await browser.withPage(srv.url, 'network', async (page) => {
    await signIn(page, srv.url, 'e2e_net', PASSWORD);

    await page.goto(srv.url + '/#/orgs/new');
    await page.fill('input[name=name]', ORG);
    await page.fill('input[name=credit_code]', creditCode('441802', 91));
    await page.locator('[data-test=code-check]', { hasText: '代码校验通过' }).waitFor();
    await region(page, '441802');
    await page.click('[data-test=org-save]');
    await page.locator('[data-test=org-title]', { hasText: ORG }).waitFor();

    await page.goto(srv.url + '/#/stations');
    await page.click('[data-test=station-create]');
    await page.fill('input[name=name]', '凤城街道社会工作服务站');
    await region(page, '441802');
    await page.click('[data-test=station-save]');
    await page.locator('.el-form-item__error', { hasText: '社工站应设在乡镇（街道），区划代码 9 位' }).waitFor();
    await region(page, '441802006');
    await pickRemote(page, page.locator('[data-test=station-operator]'), '凤城', ORG);
    await page.fill('input[name=site_area]', '150');
    await page.keyboard.press('Tab');
    await page.click('text=已配备办公和服务设备');
    await page.fill('input[name=staff_count]', '4');
    await page.keyboard.press('Tab');
    await page.fill('input[name=resident_workers]', '2');
    await page.keyboard.press('Tab');
    await pickOption(page, page.locator('[data-test=station-functions]'), '老年人服务');
    await page.keyboard.press('Escape');
    await page.click('text=已建立工作流程');
    await page.click('text=已建立规章制度');
    await page.locator('[data-test=haves-met]', { hasText: '六有达标 6/6' }).waitFor();
    await page.click('[data-test=station-save]');
    await page.locator('[data-test=station-title]', { hasText: '凤城街道社会工作服务站' }).waitFor();
    await page.locator('[data-test=station-standard]', { hasText: '达标' }).waitFor();
    assert.equal(await page.locator('[data-test=station-haves] .sg-no').count(), 0);

    await page.goto(srv.url + '/#/posts');
    await page.click('[data-test=post-create]');
    await page.fill('input[name=title]', '长者服务社工');
    await pickRemote(page, page.locator('[data-test=post-org]'), '凤城', ORG);
    await pickOption(page, page.locator('[data-test=post-field]'), '老年人服务');
    await pickOption(page, page.locator('[data-test=post-level]'), '助理社会工作师');
    await region(page, '441802006');
    await page.click('[data-test=post-save]');
    await page.locator('[data-test=post-state]', { hasText: '空缺' }).waitFor();

    await page.click('[data-test=post-fill]');
    await pickRemote(page, page.locator('[data-test=fill-worker]'), '欧阳', '欧阳晓');
    await page.fill('input[name=since]', '2026-09-01');
    await page.keyboard.press('Enter');
    await page.click('[data-test=fill-save]');
    await page.locator('[data-test=post-state]', { hasText: '在岗：欧阳晓' }).waitFor();
    await page.locator('[data-test=post-history]', { hasText: '2026-09-01' }).waitFor();

    await page.goto(srv.url + '/#/coverage');
    await page.locator('[data-test=coverage-towns]', { hasText: '已覆盖 1 / 10' }).waitFor();
    await page.locator('[data-test=coverage-towns]', { hasText: '10.0%' }).waitFor();
    await page.locator('[data-test=gap-table]', { hasText: '东城街道' }).waitFor();
    await page.locator('[data-test=coverage-tree] [data-code="441802"]').waitFor();
  });
  assert.deepEqual(browser.problems, []);
});
