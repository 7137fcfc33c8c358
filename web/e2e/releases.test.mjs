// Browser test of the release console (发布管理) against the real demo.
//
// Starts `switchyard demo` (control plane, gateway, service-a and service-b
// 1.0/1.1 as real processes) with a fresh data directory, and drives
// Chromium through a whole release once in 中文 and once in English: create
// it, see the versions, get a wrong form refused on its fields (by the
// console's own checks and by the server), 执行兜底 → 执行发布 → 执行回滚 →
// 结束发布 with the preview confirmed each time, checking the routing by
// sending requests through the demo gateway, a second operator locked out
// while admin operates, then delete. Screenshots as in harness.mjs.
//
//   SWITCHYARD_BIN   the binary (default ../bin/switchyard, built with the UI)
//   DEMO_PORT_OFFSET the demo's --port-offset (default 40000: gateway on 45001)
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { escape, launchBrowser, screenshotDir, settle, shot, shotOf, watchConsole } from './harness.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const BIN = resolve(process.env.SWITCHYARD_BIN ?? join(here, '../../bin/switchyard'));
const PORT_OFFSET = Number(process.env.DEMO_PORT_OFFSET ?? 40000);
const GATEWAY = `http://127.0.0.1:${5001 + PORT_OFFSET}`;
const INVOKE = `${GATEWAY}/discovery-guide-service-a/invoke/gateway`;
const ADMIN = { name: 'admin', password: 'switchyard-demo' };
const GROUP = 'discovery-guide-group';
const APP = 'discovery-guide-gateway';
const SERVICES = ['discovery-guide-service-a', 'discovery-guide-service-b'];
const GREEN = "#H['user-type'] == 'normal'";
const BLUE = "#H['user-type'] == 'vip'";
const STEP_TIMEOUT = 15_000;
const TEST_TIMEOUT = 240_000;

/** Each language its own release and its own second operator; texts written out to catch a wrong bundle. */
const RUNS = {
  zh: {
    release: 'guide-v1.1',
    description: '服务 A、B 升级到 1.1：VIP 用户先走新版本，其余请求 30% 灰度',
    operator: { name: 'li.na', displayName: '李娜' },
    title: '全链路蓝绿灰度发布',
    list: '发布列表',
    sections: ['执行蓝绿灰度发布的入口组和应用', '参与蓝绿灰度发布的服务列表', '当前生效的策略', '当前发布的状态', '蓝绿灰度发布条件', '蓝绿灰度发布执行', '发布历史'],
    hints: ['所选应用订阅策略发布', '所选组下的所有应用都订阅策略发布', '服务列表显示属于所选组下的服务', '服务列表显示所有服务', '版本可排序，取版本值最大的实例为新版本', '版本不可排序，取上线时间最晚的实例为新版本', '蓝条件对应为新版本路由', '灰度权重值对应为新版本路由的权重百分比', '代替外置参数的蓝绿灰度驱动'],
    checkFailed: '请先修正标出的字段。',
    sameConditions: '绿条件和蓝条件不能相同。',
    syntax: '不是有效的条件表达式',
    previewTitle: { fallback: '二次确认：执行兜底', release: '二次确认：执行发布', rollback: '二次确认：执行回滚', end: '二次确认：结束发布' },
    state: { '': '未执行', FALLBACK: '兜底', RELEASED: '发布', ROLLED_BACK: '回滚', ENDED: '结束' },
    done: '成功：发布状态为',
    lockBanner: 'admin 正在操作此发布',
    readOnly: '页面为只读',
    ended: '此发布已结束',
    mixed: '混合',
  },
  en: {
    release: 'guide-v1.1-canary',
    description: 'Services A and B to 1.1: VIP users first, 30% gray for everyone else',
    operator: { name: 'sam.lee', displayName: 'Sam Lee' },
    title: 'Full-link blue-green and gray release',
    list: 'Release list',
    sections: ['Entry group and app of the release', 'Services taking part in the release', 'Rule in effect', 'Current release state', 'Blue-green and gray conditions', 'Execute the release', 'Release history'],
    hints: [
      'The selected app subscribes to the release rule',
      'Every app of the selected group subscribes to the release rule',
      'The service list shows the services of the selected group',
      'The service list shows all services',
      'Versions are sortable: the instance with the highest version is the new version',
      'Versions are not sortable: the instance that came online last is the new version',
      'The blue condition routes to the new versions',
      'The gray weight is the percentage of requests routed to the new versions',
      'Drives the blue-green and gray conditions in place of external parameters',
    ],
    checkFailed: 'Fix the marked fields first.',
    sameConditions: 'The green and the blue conditions must differ.',
    syntax: 'Not a valid condition',
    previewTitle: { fallback: 'Confirm: Execute fallback', release: 'Confirm: Execute release', rollback: 'Confirm: Execute rollback', end: 'Confirm: End release' },
    state: { '': 'Not executed', FALLBACK: 'Fallback', RELEASED: 'Released', ROLLED_BACK: 'Rolled back', ENDED: 'Ended' },
    done: 'done: the release is',
    lockBanner: 'admin is operating this release',
    readOnly: 'the page is read-only',
    ended: 'This release has ended',
    mixed: 'Mixed',
  },
};

/** API calls the test provokes on purpose. */
const ADMIN_EXPECTED = [
  /^GET \/api\/auth\/me 401$/, // "who am I" before signing in
  /^POST \/api\/releases\/[^/]+\/preview 400$/, // the condition the server refuses
  /^POST \/api\/releases\/[^/]+\/lock 409$/, // the other operator holds the lock, until admin breaks it
];
const OPERATOR_EXPECTED = [
  /^GET \/api\/auth\/me 401$/,
  /^POST \/api\/releases\/[^/]+\/lock 409$/, // admin holds the lock
];

let demo; // { url, child, dataDir, output }
let browser;
let adminApi; // { get, post } with admin's session

before(async () => {
  demo = await startDemo();
  adminApi = await session(ADMIN.name, ADMIN.password);
  // The console group of the registry group, so an operator can be its member.
  const g = await adminApi.post('/api/groups', { name: GROUP, description: 'Nepxion guide services' });
  assert.equal(g.status, 201, `create group: ${await g.text()}`);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await stopDemo(demo);
  console.log(`screenshots in ${screenshotDir()}`);
});

describe('releases', { timeout: 2 * TEST_TIMEOUT + 60_000 }, () => {
  for (const lang of ['zh', 'en']) {
    test(`a release from creation to deletion in ${lang === 'zh' ? '中文' : 'English'}`, { timeout: TEST_TIMEOUT }, async () => {
      await releaseFlow(lang);
    });
  }
});

async function releaseFlow(lang) {
  const R = RUNS[lang];
  const operator = await createOperator(R.operator);
  const context = await newContext(lang);
  const page = await context.newPage();
  const problems = watchConsole(page, ADMIN_EXPECTED);
  let other;
  try {
    await signIn(page, ADMIN);
    await page.getByText(R.list, { exact: true }).waitFor();

    // 新建发布: the page, with every section and hint of the seed.
    await page.getByTestId('release-new').click();
    await page.waitForURL(/\/releases\/new$/);
    await page.getByText(R.title, { exact: true }).waitFor();
    for (const section of R.sections.slice(0, -1)) {
      await page.getByText(section, { exact: true }).waitFor();
    }
    for (const hint of R.hints) {
      assert.equal(await page.getByLabel(hint, { exact: true }).count(), 1, `the hint "${hint}"`);
    }
    await settle(page);
    await shot(page, `release-new.${lang}`);

    // The entry and the services; each service shows its versions, old and new.
    await page.getByTestId('release-name').fill(R.release);
    await page.getByTestId('release-description').fill(R.description);
    await pick(page, 'release-group', GROUP);
    await pick(page, 'release-app', APP);
    for (const s of SERVICES) await pick(page, 'release-services', s, { multiple: true });
    const versions = page.getByTestId('release-versions');
    for (const s of SERVICES) {
      const row = versions.locator('tbody tr', { hasText: s });
      await row.getByTestId('release-version-list').filter({ hasText: /^1\.0;1\.1$/ }).waitFor();
    }
    // The conditions: blue-green, and a gray condition for every other request.
    await page.getByTestId('release-bluegreen-enabled').check();
    await page.getByTestId('release-green').fill(GREEN);
    await page.getByTestId('release-blue').fill(BLUE);
    await page.getByTestId('release-gray-enabled').check();
    await page.getByTestId('gray-weight-0').fill('30');
    await settle(page);
    await shot(page, `release-filled.${lang}`);

    // Create it: the page becomes the release's, under admin's lock.
    await page.getByTestId('release-create').click();
    await page.waitForURL(new RegExp(`/releases/${escape(encodeURIComponent(R.release))}$`));
    await page.getByTestId('lock-held').waitFor();
    await stateIs(page, R, '');
    for (const field of ['release-group', 'release-app']) {
      assert.ok(await page.getByTestId(field).locator('input').isDisabled(), `${field} is fixed once the release exists`);
    }

    // A wrong form is refused on its fields: the console's check (green = blue)…
    await page.getByTestId('release-blue').fill(GREEN);
    await page.getByTestId('op-fallback').click();
    await fieldError(page, 'release-blue', R.sameConditions);
    await page.locator('.ant-message-notice', { hasText: R.checkFailed }).waitFor();
    assert.equal(await visibleDialogs(page), 0, 'no preview for a wrong form');
    await settle(page);
    await shotOf(page.getByTestId('release-conditions'), `release-invalid.${lang}`);
    // …and the server's (an expression it cannot parse), translated on the field.
    await page.getByTestId('release-blue').fill("#H['user-type'] = 'vip'");
    await page.getByTestId('op-release').click();
    await fieldError(page, 'release-blue', R.syntax);
    await page.getByTestId('release-blue').fill(BLUE);

    // 执行兜底: preview, confirm; every request stays on 1.0 along the chain.
    let preview = await openPreview(page, R, 'fallback');
    assert.match(await code(preview.getByTestId('preview-yaml')), /^service:\n {2}- discovery-guide-service-a\n {2}- discovery-guide-service-b\nsort: version$/m);
    const fallbackXml = preview.getByTestId('preview-xml');
    assert.equal(await fallbackXml.locator('[data-kind="default"][data-chain="old"]').count(), 1, 'the default route (old versions) is highlighted');
    await confirm(page, preview);
    await stateIs(page, R, 'FALLBACK');
    await eventually(async () => assertAll(await send(20), '1.0'));

    // 执行发布: the preview shows the routes to the old and the new chain.
    preview = await openPreview(page, R, 'release');
    const xml = preview.getByTestId('preview-xml');
    assert.equal(await xml.locator('[data-kind="route"][data-chain="old"]').count(), 1, 'the route to 1.0 is highlighted as the old chain');
    assert.equal(await xml.locator('[data-kind="route"][data-chain="new"]').count(), 1, 'the route to 1.1 is highlighted as the new chain');
    assert.match(await code(xml), /<condition id="condition-1" expression="#H\['user-type'\] == 'vip'" version-id="route-1"\/>/);
    assert.match(await code(preview.getByTestId('preview-yaml')), /^gray:\n {2}- weight:\n {6}- 70\n {6}- 30$/m);
    const previewVersions = await preview.getByTestId('preview-versions').innerText();
    for (const s of SERVICES) assert.match(previewVersions, new RegExp(`${s}\\s+1\\.0\\s+1\\.1`), `old → new of ${s}`);
    await settle(page);
    await shot(page, `release-preview.${lang}`);
    await confirm(page, preview);
    await stateIs(page, R, 'RELEASED');
    // VIP users take the new chain; the others are 30 % gray, each request on one version all along.
    await eventually(async () => assertAll(await send(20, { 'user-type': 'vip' }), '1.1'));
    assertAll(await send(20, { 'user-type': 'normal' }), '1.0');
    const hops = await send(1000);
    const onNew = hops.filter((h) => h[0] === '1.1').length / hops.length;
    assert.ok(Math.abs(onNew - 0.3) <= 0.05, `1.1 share ${(onNew * 100).toFixed(1)}% is 30 ± 5%`);
    for (const h of hops) assert.equal(h[0], h[1], `a request stays on one version along the chain: ${h}`);

    // The page: the rule in effect drawn, and the traffic the requests made.
    const topology = page.getByTestId('topology');
    await topology.locator('.topo-service.topo-side-new').first().waitFor();
    assert.equal(await topology.locator('.topo-service').count(), 4, 'two lanes over two services');
    // Live traffic per version: the instances report every 5 s, the page asks every 5 s.
    for (const line of [0, 1]) {
      await page.getByTestId('release-metrics').first().locator('.metrics-line').nth(line).getByText(/%/).waitFor({ timeout: 30_000 });
    }
    await settle(page);
    await shot(page, `release-executed.${lang}`);

    // Another operator of the group opens it: admin holds the lock, the page is read-only.
    other = await newContext(lang);
    const otherPage = await other.newPage();
    const otherProblems = watchConsole(otherPage, OPERATOR_EXPECTED);
    await signIn(otherPage, operator);
    const row = otherPage.getByTestId('releases-table').locator('tbody tr.ant-table-row', { hasText: R.release });
    await row.locator('td', { has: otherPage.locator('.anticon-lock') }).filter({ hasText: 'admin' }).waitFor(); // the lock holder
    await settle(otherPage);
    await shot(otherPage, `releases.${lang}`);
    await row.dblclick();
    const banner = otherPage.getByTestId('lock-banner');
    await banner.waitFor();
    assert.match(await banner.innerText(), new RegExp(`${escape(R.lockBanner)}[\\s\\S]*${escape(R.readOnly)}`));
    assert.equal(await otherPage.getByTestId('lock-break').count(), 0, 'only admins may break a lock');
    assert.equal(await otherPage.getByTestId('release-save').count(), 0, 'nothing to save on a read-only page');
    assert.ok(await otherPage.getByTestId('release-green').isDisabled(), 'the conditions are read-only');
    for (const op of ['fallback', 'release', 'rollback', 'end']) {
      assert.ok(await otherPage.getByTestId(`op-${op}`).isDisabled(), `${op} is disabled`);
    }
    await otherPage.getByTestId('topology').locator('.topo-service.topo-side-new').first().waitFor();
    await settle(otherPage);
    await shot(otherPage, `release-locked.${lang}`);
    // Admin leaves the page, giving the lock up: the other operator, opening it again, operates it now.
    await page.getByTestId('release-back').click();
    await page.waitForURL(/\/releases$/);
    await eventually(async () => assert.equal((await (await adminApi.get(releasePath(R))).json()).lock, undefined, 'the lock is given up'));
    await otherPage.reload();
    await otherPage.getByTestId('lock-held').waitFor();
    assert.equal(await otherPage.getByTestId('lock-banner').count(), 0);
    assert.ok(await otherPage.getByTestId('op-rollback').isEnabled(), 'the other operator may operate now');

    // Admin comes back: the banner names the other operator; admin breaks the lock and takes over.
    await page.getByTestId('releases-table').locator('tbody tr.ant-table-row', { hasText: R.release }).dblclick();
    const adminBanner = page.getByTestId('lock-banner');
    await adminBanner.getByText(new RegExp(`^${escape(operator.name)}`)).waitFor();
    await settle(page);
    await shot(page, `release-lock-break.${lang}`);
    await adminBanner.getByTestId('lock-break').click();
    await page.getByTestId('lock-break-confirm').click();
    await page.getByTestId('lock-held').waitFor();
    await adminBanner.waitFor({ state: 'detached' });
    assert.equal((await (await adminApi.get(releasePath(R))).json()).lock?.holder, 'admin', 'admin holds the lock');
    await page.getByTestId('topology').locator('.topo-service.topo-side-new').first().waitFor();

    assert.deepEqual(otherProblems, [], 'no console errors or warnings for the other operator');
    await other.close();
    other = undefined;

    // 执行回滚: everyone back on 1.0, VIP users too.
    await confirm(page, await openPreview(page, R, 'rollback'));
    await stateIs(page, R, 'ROLLED_BACK');
    await eventually(async () => assertAll(await send(20, { 'user-type': 'vip' }), '1.0'));
    assertAll(await send(50), '1.0');

    // 结束发布: the release is over and read-only; its history lists every step.
    await confirm(page, await openPreview(page, R, 'end'));
    await stateIs(page, R, 'ENDED');
    await page.getByTestId('release-ended').getByText(R.ended).waitFor();
    const history = page.getByTestId('release-history');
    await history.locator('tbody tr.ant-table-row').nth(3).waitFor();
    assert.equal(await history.locator('tbody tr.ant-table-row').count(), 4);
    const latest = history.locator('tbody tr.ant-table-row').first();
    assert.match(await latest.innerText(), new RegExp(`${escape(R.state.ROLLED_BACK)}[\\s\\S]*${escape(R.state.ENDED)}[\\s\\S]*admin`));
    await latest.locator('.ant-table-row-expand-icon').click();
    await history.locator('.ant-table-expanded-row .code-block').nth(1).waitFor();
    await history.scrollIntoViewIfNeeded();
    await settle(page);
    await shotOf(page.getByTestId('release-history-card'), `release-history.${lang}`);

    // 删除发布, from the table, after confirming.
    await page.getByTestId('release-back').click();
    await page.waitForURL(/\/releases$/);
    const mine = page.getByTestId('releases-table').locator('tbody tr.ant-table-row', { hasText: R.release });
    await mine.click();
    await page.getByTestId('release-delete').click();
    await page.getByTestId('release-delete-confirm').click();
    await mine.waitFor({ state: 'detached' });
    const gone = await adminApi.get(releasePath(R));
    assert.equal(gone.status, 404, 'the release is deleted');

    assert.deepEqual(problems, [], 'no console errors or warnings');
  } finally {
    await other?.close();
    await context.close();
  }
}

// --- the browser ---

async function newContext(lang) {
  const context = await browser.newContext({ locale: lang === 'zh' ? 'zh-CN' : 'en-US', viewport: { width: 1440, height: 900 } });
  context.setDefaultTimeout(STEP_TIMEOUT);
  await context.addInitScript((l) => window.localStorage.setItem('switchyard.lang', l), lang);
  return context;
}

async function signIn(page, user) {
  await page.goto(demo.url + '/releases');
  await page.waitForURL(/\/login/);
  await page.getByTestId('login-username').fill(user.name);
  await page.getByTestId('login-password').fill(user.password);
  await page.getByTestId('login-submit').click();
  await page.waitForURL(/\/releases$/);
  await page.getByTestId('releases-table').waitFor();
}

/** Picks an option of an antd Select by its test id; a single select closes, a multiple one is closed. */
async function pick(page, testId, label, { multiple = false } = {}) {
  await page.getByTestId(testId).click();
  const dropdown = page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden)');
  await dropdown.locator('.ant-select-item-option').filter({ hasText: new RegExp(`^${escape(label)}`) }).click();
  if (multiple) await page.keyboard.press('Escape');
  await dropdown.waitFor({ state: 'hidden' });
}

/** The error message under the form item holding the element with this test id. */
async function fieldError(page, testId, text) {
  const item = page.locator('.ant-form-item', { has: page.getByTestId(testId) }).last();
  await item.locator('.ant-form-item-explain-error', { hasText: text }).waitFor();
}

function releasePath(R) {
  return `/api/releases/${encodeURIComponent(R.release)}`;
}

/** The text of a code block, without its line numbers. */
async function code(block) {
  return (await block.locator('.code-text').allInnerTexts()).join('\n');
}

async function visibleDialogs(page) {
  return page.locator('.ant-modal:visible').count();
}

async function openPreview(page, R, op) {
  await page.getByTestId(`op-${op}`).click();
  const dialog = page.locator('.ant-modal:visible', { hasText: R.previewTitle[op] });
  await dialog.getByTestId('preview-xml').waitFor();
  return dialog;
}

async function confirm(page, dialog) {
  await dialog.getByTestId('preview-confirm').click();
  await dialog.waitFor({ state: 'hidden' });
  await page.getByTestId('op-result').waitFor();
}

async function stateIs(page, R, state) {
  await page.getByTestId('release-state').getByTestId('release-state-tag').filter({ hasText: new RegExp(`^${escape(R.state[state])}$`) }).waitFor();
  if (state) assert.match(await page.getByTestId('op-result').innerText(), new RegExp(`${escape(R.done)}.*${escape(R.state[state])}`));
}

// --- traffic through the demo gateway ---

/** Sends n requests through the gateway; returns the versions of the two hops of each. */
async function send(n, headers = {}) {
  const out = [];
  let started = 0;
  const worker = async () => {
    while (started < n) {
      started++;
      const res = await fetch(INVOKE, { headers });
      const body = await res.text();
      assert.equal(res.status, 200, `gateway answered ${res.status}: ${body}`);
      out.push(hopsOf(body));
    }
  };
  await Promise.all(Array.from({ length: Math.min(n, 25) }, worker));
  return out;
}

/** "gateway -> [ID=a]…[V=1.0]… -> [ID=b]…[V=1.1]…" → ['1.0', '1.1'] (service-a, service-b). */
function hopsOf(body) {
  const versions = {};
  for (const m of body.matchAll(/\[ID=([^\]]+)\][^>]*?\[V=([^\]]+)\]/g)) versions[m[1]] = m[2];
  assert.ok(SERVICES.every((s) => versions[s]), `both hops in ${body}`);
  return SERVICES.map((s) => versions[s]);
}

function assertAll(hops, version) {
  const off = hops.filter((h) => h[0] !== version || h[1] !== version);
  assert.deepEqual(off, [], `every request on ${version} at both hops`);
}

/** Retries an assertion while the rule travels to the gateway (well under a second normally). */
async function eventually(check, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

// --- the API, for setting up ---

async function session(name, password) {
  const res = await fetch(`${demo.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: name, password }),
  });
  assert.equal(res.status, 200, `sign in as ${name}`);
  const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const { csrfToken } = await res.json();
  const headers = { Cookie: cookie, 'X-CSRF-Token': csrfToken, 'Content-Type': 'application/json' };
  return {
    get: (path) => fetch(demo.url + path, { headers }),
    post: (path, body) => fetch(demo.url + path, { method: 'POST', headers, body: JSON.stringify(body) }),
  };
}

/** An operator who is a member of the release's group. */
async function createOperator({ name, displayName }) {
  const password = 'an-operator-password';
  const res = await adminApi.post('/api/users', { name, displayName, password, role: 'operator', groups: [GROUP] });
  assert.equal(res.status, 201, `create ${name}: ${await res.text()}`);
  return { name, password };
}

// --- the demo ---

async function startDemo() {
  const dataDir = mkdtempSync(join(tmpdir(), 'switchyard-e2e-demo-'));
  const child = spawn(BIN, ['demo', '--no-traffic', '--data-dir', dataDir, '--listen', '127.0.0.1:0', '--port-offset', String(PORT_OFFSET)], {
    env: { ...process.env, SWITCHYARD_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // its own process group: the gateway and services go with it
  });
  // Never leave the demo behind, even when the test process exits abnormally.
  process.once('exit', () => killGroup(child, 'SIGKILL'));
  const output = [];
  const keep = (line) => {
    output.push(line);
    if (output.length > 200) output.shift();
  };
  createInterface({ input: child.stderr }).on('line', keep);
  const lines = createInterface({ input: child.stdout });
  const url = await new Promise((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`demo did not start in 30 s:\n${output.join('\n')}`)), 30_000);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`cannot start ${BIN}: ${err.message} (build it with \`make build\` or set SWITCHYARD_BIN)`));
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`demo exited with ${code} before it was up:\n${output.join('\n')}`));
    });
    lines.on('line', (line) => {
      keep(line);
      const m = /^console: (http:\/\/127\.0\.0\.1:\d+)\/?/.exec(line);
      if (m) {
        clearTimeout(timer);
        resolveUrl(m[1]);
      }
    });
  });
  child.removeAllListeners('exit');
  const index = await (await fetch(`${url}/`)).text();
  assert.ok(index.includes('<div id="root">'), `the binary serves the built console (${BIN}); build it with the UI`);
  // Up when a request crosses the whole chain.
  await eventually(async () => {
    const res = await fetch(INVOKE).catch((err) => ({ status: 0, text: async () => err.message }));
    const body = await res.text();
    assert.equal(res.status, 200, body);
    hopsOf(body);
  }, 30_000);
  return { url, child, dataDir, output };
}

function killGroup(child, signal) {
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

async function stopDemo(d) {
  if (!d?.child) return;
  const { child, dataDir } = d;
  if (child.exitCode === null && child.signalCode === null) {
    const exited = once(child, 'exit');
    killGroup(child, 'SIGTERM');
    const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
  killGroup(child, 'SIGKILL'); // anything of the group still around
  await eventually(async () => assert.ok(!(await listening(5001 + PORT_OFFSET)), 'the demo gateway port is free'), 10_000);
  rmSync(dataDir, { recursive: true, force: true });
}

function listening(port) {
  return new Promise((done) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      done(true);
    });
    socket.once('error', () => done(false));
  });
}
