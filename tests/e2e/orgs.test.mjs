// Browser test of the organisation pages: a bureau user types a credit
// code with a wrong check character and is told the right one, corrects
// it, saves the organisation, finds it in the list and records a rating
// whose grade comes from the score, sees the staff tab and the export
// button, and reads (not changes) the rating cut-offs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, repoRoot } from '../lib/server.mjs';
import { creditCode } from '../lib/ids.mjs';
import { launchBrowser, pickOption, signIn } from '../lib/browser.mjs';

const PASSWORD = 'Bureau-Passw0rd!2026';
let srv;
let browser;

before(async () => {
  assert.ok(existsSync(join(process.env.SHEGONG_WEB_DIST || join(repoRoot, 'web/dist'), 'index.html')),
    'web/dist is missing: run `make web`');
  srv = await startServer({ regions: 'fixture' });
  const r = srv.cli(['user', 'add', 'e2e_orgs', '--role', 'bureau', '--region', '441802', '--password-stdin'],
    { stdin: PASSWORD + '\n' });
  assert.equal(r.code, 0, r.stderr);
  browser = await launchBrowser();
});

after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.stop();
});

test('create an organisation with a checked credit code, then rate it', async () => {
  const code = creditCode('441802', 77);
  const wrong = code.slice(0, 17) + (code[17] === '0' ? '1' : '0');
  await browser.withPage(srv.url, 'orgs', async (page) => {
    await signIn(page, srv.url, 'e2e_orgs', PASSWORD);
    await page.goto(srv.url + '/#/orgs');
    await page.click('[data-test=org-create]');
    await page.fill('input[name=name]', '清远市清城区同心社会工作服务中心');
    await page.fill('input[name=credit_code]', wrong);
    await page.locator('[data-test=code-check]', { hasText: `校验位应为 ${code[17]}` }).waitFor();
    await page.fill('input[name=credit_code]', code);
    await page.locator('[data-test=code-check]', { hasText: '代码校验通过' }).waitFor();
    await page.fill('input[name=region_code]', '441802');
    await page.keyboard.press('Tab');
    await pickOption(page, page.locator('[data-test=org-type]'), '社会团体');
    await page.click('[data-test=org-save]');
    await page.locator('[data-test=org-title]', { hasText: '同心社会工作服务中心' }).waitFor();
    assert.equal(await page.locator('[data-test=org-code]').innerText(), code);

    await page.click('.el-tabs__item:has-text("等级评估")');
    await page.click('[data-test=rating-add]');
    await page.fill('input[name=score]', '865');
    await page.fill('.el-dialog input[placeholder]', '2025-06-30');
    await page.keyboard.press('Enter');
    await page.click('[data-test=rating-save]');
    await page.locator('[data-test=org-title]', { hasText: '4A' }).waitFor();
    await page.click('.el-tabs__item:has-text("在职人员")');
    await page.locator('[data-test=staff-counts]', { hasText: '社会工作师：0' }).waitFor();

    await page.goto(srv.url + '/#/orgs');
    await page.locator('[data-test=org-table]', { hasText: code }).waitFor();
    await page.locator('[data-test=export-button]').waitFor();

    await page.goto(srv.url + '/#/orgs/rating-settings');
    const least5 = page.locator('[data-test=cutoffs-form] input[name=grade5]');
    await page.waitForFunction(() => document.querySelector('[data-test=cutoffs-form] input[name=grade5]')?.value === '900');
    assert.ok(await least5.isDisabled(), 'a bureau reads the cut-offs; a sysadmin changes them');
  });
  assert.deepEqual(browser.problems, []);
});
