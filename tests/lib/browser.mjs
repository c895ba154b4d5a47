// Headless Debian Chromium for browser tests (playwright-core from
// web/node_modules, never a downloaded browser): a persistent context in a
// fresh profile, fresh pages that collect CSP violations and page errors,
// sign-in, and a screenshot kept when a step fails.
import { createRequire } from 'node:module';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from './server.mjs';

const require = createRequire(join(repoRoot, 'web/package.json'));
const { chromium } = require('playwright-core');

// ms for one UI step: generous, sanitizer builds on 2 loaded cores are slow
export const STEP = 45000;

export async function launchBrowser() {
  const profileDir = mkdtempSync(join(tmpdir(), 'shegong-e2e-chromium-'));
  const ctx = await chromium.launchPersistentContext(profileDir, {
    executablePath: process.env.CHROMIUM_BIN || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
    viewport: { width: 1440, height: 900 },
    locale: 'zh-CN',
    acceptDownloads: true,
  });
  const browser = {
    ctx,
    problems: [],
    async close() {
      await ctx.close();
      rmSync(profileDir, { recursive: true, force: true });
    },
    // A page with no session, settled on the sign-in page.
    async freshPage(url) {
      await ctx.clearCookies();
      for (const p of ctx.pages()) await p.close();
      const page = await ctx.newPage();
      page.setDefaultTimeout(STEP);
      page.on('console', (m) => {
        if (/Content Security Policy/i.test(m.text())) browser.problems.push(m.text());
      });
      page.on('pageerror', (e) => browser.problems.push('page error: ' + e.message));
      await page.goto(url + '/');
      await page.waitForSelector('input[name=login]');
      await page.evaluate(() => { localStorage.clear(); sessionStorage.clear(); });
      return page;
    },
    async withPage(url, name, fn) {
      const page = await browser.freshPage(url);
      try {
        await fn(page);
      } catch (e) {
        const file = join(tmpdir(), `shegong-e2e-${name}.png`);
        await page.screenshot({ path: file, fullPage: true }).catch(() => {});
        e.message += `\n(screenshot: ${file})`;
        throw e;
      }
    },
  };
  return browser;
}

export async function signIn(page, url, login, password) {
  await page.goto(url + '/#/login');
  await page.waitForSelector('input[name=login]');
  await page.fill('input[name=login]', login);
  await page.fill('input[name=password]', password);
  await page.click('[data-test=login-submit]');
  await page.locator('[data-test=welcome]').waitFor();
}

export async function pickOption(page, select, text) {
  await select.click();
  await page.locator('.el-select-dropdown__item:visible', { hasText: text }).first().click();
}
