// What the browser tests share: the browser, where screenshots go, waiting
// for a page to settle, and watching for console problems. Not a test file
// (node --test runs *.test.mjs only).
//
//   UPDATE_SCREENSHOTS=1  write the screenshots to docs/screenshots/ (the
//                         committed ones); otherwise they go to a temporary
//                         directory, so a test run never changes tracked files
//   SCREENSHOT_DIR        write them there instead
//   CHROMIUM              the browser (default /usr/bin/chromium)
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));

export const COMMITTED_SCREENSHOTS = resolve(join(here, '../../docs/screenshots'));

let dir;

/** The directory screenshots go to, made on first use. */
export function screenshotDir() {
  if (!dir) {
    if (process.env.SCREENSHOT_DIR) dir = resolve(process.env.SCREENSHOT_DIR);
    else if (process.env.UPDATE_SCREENSHOTS === '1') dir = COMMITTED_SCREENSHOTS;
    else dir = mkdtempSync(join(tmpdir(), 'switchyard-screenshots-'));
    mkdirSync(dir, { recursive: true });
  }
  return dir;
}

export function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** Lets animations and pending requests finish before a screenshot. */
export async function settle(page) {
  await page.waitForLoadState('networkidle');
  // Finite animations only (a spinner runs forever), and never longer than 3 s.
  await page.evaluate(() =>
    Promise.race([
      Promise.all(
        document
          .getAnimations()
          .filter((a) => a.effect?.getTiming().iterations !== Infinity)
          .map((a) => a.finished.catch(() => undefined)),
      ),
      new Promise((done) => setTimeout(done, 3000)),
    ]),
  );
}

// Toasts ("saved") come and go with timing: keep them out of the pictures.
const SHOT_STYLE = '.ant-message { display: none !important; }';

/**
 * A screenshot of the whole page. A long page is shot with the window made
 * as tall as the page, so the sticky side menu and header stay where they
 * belong (a full-page capture would paint them at the scroll position).
 */
export async function shot(page, name) {
  const viewport = page.viewportSize();
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  if (viewport && height > viewport.height) {
    await page.setViewportSize({ width: viewport.width, height });
    await settle(page);
  }
  await page.screenshot({ path: join(screenshotDir(), `${name}.png`), animations: 'disabled', style: SHOT_STYLE });
  if (viewport && height > viewport.height) await page.setViewportSize(viewport);
}

/** A screenshot of one part of the page. */
export async function shotOf(locator, name) {
  await locator.screenshot({ path: join(screenshotDir(), `${name}.png`), animations: 'disabled', style: SHOT_STYLE });
}

/**
 * Console errors and warnings, uncaught page errors, and failed API calls
 * other than the ones a test provokes on purpose (expected: regular
 * expressions over "METHOD /path STATUS").
 */
export function watchConsole(page, expected) {
  const problems = [];
  page.on('console', (msg) => {
    if (msg.type() !== 'error' && msg.type() !== 'warning') return;
    // The browser logs every failed response; those are judged below, by request.
    if (/^Failed to load resource: the server responded with a status of \d+/.test(msg.text())) return;
    problems.push(`${msg.type()}: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  page.on('response', (res) => {
    if (res.status() < 400) return;
    const call = `${res.request().method()} ${new URL(res.url()).pathname} ${res.status()}`;
    if (!expected.some((re) => re.test(call))) problems.push(`response: ${call}`);
  });
  return problems;
}

export function escape(s) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
