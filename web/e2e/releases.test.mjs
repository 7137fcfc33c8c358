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
import { join } from 'node:path';
import { escape, launchBrowser, screenshotDir, settle, shot, shotOf, watchConsole } from './harness.mjs';
import { SERVICES, eventually, hopsOf, invokeURL, listening, session as demoSession, startDemo as startDemoAt, stopDemo } from './demo.mjs';

const PORT_OFFSET = Number(process.env.DEMO_PORT_OFFSET ?? 40000);
const INVOKE = invokeURL(PORT_OFFSET);
const ADMIN = { name: 'admin', password: 'switchyard-demo' };
const ADMIN_NAME = 'Administrator'; // admin's display name
const DEMO_RELEASE = 'discovery-guide-1.1'; // the release the demo ships
const GROUP = 'discovery-guide-group';
const APP = 'discovery-guide-gateway';
const GREEN = "#H['user-type'] == 'normal'";
const BLUE = "#H['user-type'] == 'vip'";
const STEP_TIMEOUT = 20_000;
const TEST_TIMEOUT = 240_000;

/** Each language its own release and its own second operator; texts written out to catch a wrong bundle. */
const RUNS = {
  zh: {
    release: 'guide-v1.1',
    description: '服务 A、B 升级到 1.1：VIP 用户先走新版本，其余请求 30% 灰度',
    operator: { name: 'li.na', displayName: '李娜' },
    title: '全链路蓝绿灰度发布',
    list: '发布列表',
    search: 'VIP 用户先走',
    noMatch: '没有符合筛选条件的发布。',
    sections: ['执行蓝绿灰度发布的入口组和应用', '参与蓝绿灰度发布的服务列表', '当前生效的策略', '当前发布的状态', '蓝绿灰度发布条件', '蓝绿灰度发布执行', '发布历史'],
    hints: ['所选应用订阅策略发布', '所选组下的所有应用都订阅策略发布', '服务列表显示属于所选组下的服务', '服务列表显示所有服务', '版本可排序，取版本值最大的实例为新版本', '版本不可排序，取上线时间最晚的实例为新版本', '蓝条件对应为新版本路由', '灰度权重值对应为新版本路由的权重百分比', '代替外置参数的蓝绿灰度驱动'],
    sameConditions: '绿条件和蓝条件不能相同。',
    weightRule: '只允许输入0<=灰度权重<=100的整数值',
    splitNone: '旧 —% · 新 —%',
    split30: '旧 70% · 新 30%',
    headerSpaces: '参数名首尾有空格（需要首尾判断是否有空格）：去掉空格后为“user-type”。',
    blue: '蓝条件',
    weightRow: '灰度权重（第 1 行）',
    headerRow: '内置参数名（第 1 行）',
    syntax: '不是有效的条件表达式',
    previewTitle: { fallback: '二次确认：执行兜底', release: '二次确认：执行发布', rollback: '二次确认：执行回滚', end: '二次确认：结束发布' },
    state: { '': '未执行', FALLBACK: '兜底', RELEASED: '发布', ROLLED_BACK: '回滚', ENDED: '结束' },
    done: '成功：发布状态为',
    lockBanner: 'Administrator 正在操作此发布',
    elsewhere: '你正在另一个会话中操作此发布',
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
    search: 'vip USERS first',
    noMatch: 'No release matches the filters.',
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
    sameConditions: 'The green and the blue conditions must differ.',
    weightRule: 'Only an integer with 0 <= gray weight <= 100 is allowed',
    splitNone: 'old —% · new —%',
    split30: 'old 70% · new 30%',
    headerSpaces: 'The name starts or ends with spaces; without them it is “user-type”.',
    blue: 'Blue condition',
    weightRow: 'Gray weight (row 1)',
    headerRow: 'Inner header name (row 1)',
    syntax: 'Not a valid condition',
    previewTitle: { fallback: 'Confirm: Execute fallback', release: 'Confirm: Execute release', rollback: 'Confirm: Execute rollback', end: 'Confirm: End release' },
    state: { '': 'Not executed', FALLBACK: 'Fallback', RELEASED: 'Released', ROLLED_BACK: 'Rolled back', ENDED: 'Ended' },
    done: 'done: the release is',
    lockBanner: 'Administrator is operating this release',
    elsewhere: 'You are operating this release in another session',
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
  demo = await startDemoAt({ offset: PORT_OFFSET });
  adminApi = await session(ADMIN.name, ADMIN.password);
  // The demo ships a release of the gateway for its workflow (never executed); this test makes its own
  // releases on the same key, one at a time.
  const shipped = await adminApi.del(`/api/releases/${DEMO_RELEASE}`);
  assert.ok([204, 404].includes(shipped.status), `delete the demo's release: ${shipped.status} ${await shipped.text()}`);
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

    // The greyed 局部/全局订阅 "?" shows its own hint only (no second tooltip on top).
    await eventually(async () => {
      await page.mouse.move(0, 0);
      await page.getByLabel(R.hints[0], { exact: true }).hover();
      await page.locator('.ant-tooltip:visible', { hasText: R.hints[0] }).waitFor({ timeout: 2000 });
      assert.equal(await page.locator('.ant-tooltip:visible').count(), 1, 'one tooltip on the fixed subscription hint');
    });
    await page.mouse.move(0, 0);

    // Input rules refuse, never correct: each wrong weight keeps what was typed, shows the seed's
    // message at the field, and the split line shows no number.
    const weight = page.getByTestId('gray-weight-0');
    for (const typed of ['101', '1000', '-5', '10.5', 'abc']) {
      await weight.fill(typed);
      await weight.blur();
      await fieldError(page, 'gray-weight-0', R.weightRule);
      assert.equal(await weight.inputValue(), typed, `${typed} is kept as typed`);
      assert.equal(await page.getByTestId('gray-split-0').innerText(), R.splitNone, `no split for ${typed}`);
    }
    // The inner header's spaces are flagged with the name as it would be without them.
    await page.getByTestId('release-header-enabled').check();
    await page.getByTestId('header-key-0').fill(' user-type ');
    await page.getByTestId('header-value-0').fill('vip');
    await fieldError(page, 'header-key-0', R.headerSpaces);
    // And green = blue. The operation is not executed: a dialog lists every problem (the fields stay marked).
    await page.getByTestId('release-blue').fill(GREEN);
    await page.getByTestId('op-release').click();
    let check = page.getByTestId('check-dialog');
    await check.waitFor();
    const listed = await check.getByTestId('check-problem').allInnerTexts();
    assert.equal(listed.length, 3, `three problems: ${listed.join(' | ')}`);
    assert.match(listed[0], new RegExp(`${escape(R.blue)}.*${escape(R.sameConditions)}`));
    assert.match(listed[1], new RegExp(`${escape(R.weightRow)}.*${escape(R.weightRule)}`));
    assert.match(listed[2], new RegExp(`${escape(R.headerRow)}.*user-type`));
    assert.equal(await page.getByTestId('preview-dialog').count(), 0, 'no preview for a wrong form');
    await fieldError(page, 'release-blue', R.sameConditions);
    await settle(page);
    await shotOf(page.locator('.ant-modal:visible'), `release-check-dialog.${lang}`);
    await closeCheck(page);
    await shotOf(page.getByTestId('release-conditions'), `release-invalid.${lang}`);
    // Fixed by the user: the weight retyped, the header's spaces removed with its button, the header off again.
    await weight.fill('30');
    await page.getByTestId('gray-split-0').filter({ hasText: R.split30 }).waitFor();
    await page.getByTestId('header-key-0-trim').click();
    assert.equal(await page.getByTestId('header-key-0').inputValue(), 'user-type');
    await page.getByTestId('release-header-enabled').uncheck();
    // The server's check (an expression it cannot parse) is translated on the field, and listed too.
    await page.getByTestId('release-blue').fill("#H['user-type'] = 'vip'");
    await page.getByTestId('op-release').click();
    await fieldError(page, 'release-blue', R.syntax);
    check = page.getByTestId('check-dialog');
    await check.getByText(R.syntax).waitFor();
    await closeCheck(page);
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
    // 〔确认执行〕 is in sight without scrolling at 1600×1000 (the dialog's body scrolls instead).
    const viewport = page.viewportSize();
    await page.setViewportSize({ width: 1600, height: 1000 });
    await eventually(async () => {
      const box = await preview.getByTestId('preview-confirm').boundingBox();
      assert.ok(box && box.y >= 0 && box.y + box.height <= 1000, `the confirm button is within the window: ${JSON.stringify(box)}`);
    });
    await settle(page);
    await page.screenshot({ path: join(screenshotDir(), `release-preview.${lang}.png`), animations: 'disabled', style: '.ant-message { display: none !important; }' });
    await page.setViewportSize(viewport);
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

    // The same admin in a second browser: told the release is being operated in another session.
    const second = await newContext(lang);
    try {
      const secondPage = await second.newPage();
      const secondProblems = watchConsole(secondPage, [/^GET \/api\/auth\/me 401$/, /^POST \/api\/releases\/[^/]+\/lock 409$/]);
      await signIn(secondPage, ADMIN);
      await secondPage.goto(`${demo.url}/releases/${encodeURIComponent(R.release)}`);
      const elsewhere = secondPage.getByTestId('lock-elsewhere');
      await elsewhere.waitFor();
      assert.match(await elsewhere.innerText(), new RegExp(escape(R.elsewhere)));
      for (const op of ['fallback', 'release', 'rollback', 'end']) {
        assert.ok(await secondPage.getByTestId(`op-${op}`).isDisabled(), `${op} is disabled in the second session`);
      }
      assert.equal(await secondPage.getByTestId('release-save').count(), 0, 'nothing to save in the second session');
      await settle(secondPage);
      await shot(secondPage, `release-elsewhere.${lang}`);
      assert.deepEqual(secondProblems, [], 'no console errors or warnings in the second session');
    } finally {
      await second.close();
    }
    await page.getByTestId('lock-held').waitFor();

    // Another operator of the group opens it: admin holds the lock (shown by display name), the page is read-only.
    other = await newContext(lang);
    const otherPage = await other.newPage();
    const otherProblems = watchConsole(otherPage, OPERATOR_EXPECTED);
    await signIn(otherPage, operator);
    const row = otherPage.getByTestId('releases-table').locator('tbody tr.ant-table-row', { hasText: R.release });
    await row.getByTestId('release-lock-holder').filter({ hasText: ADMIN_NAME }).waitFor(); // the lock holder, by display name
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

    // 执行回滚 by admin while the other operator watches: everyone back on 1.0, VIP users too; the
    // other page follows on its own.
    await confirm(page, await openPreview(page, R, 'rollback'));
    await stateIs(page, R, 'ROLLED_BACK');
    await eventually(async () => assertAll(await send(20, { 'user-type': 'vip' }), '1.0'));
    assertAll(await send(50), '1.0');
    // (The config version counts the key's writes: 3 in the first run, later in the second, on the same key.)
    const rolledBack = await configVersionOf(page);
    await pageShows(otherPage, R, 'ROLLED_BACK', rolledBack);

    // Admin leaves, giving the lock up: the other operator's open page takes it by itself — no
    // reload — and shows the release as it is now (回滚, version 3) with what may be done from there.
    await page.getByTestId('release-back').click();
    await page.waitForURL(/\/releases$/);
    await otherPage.getByTestId('lock-held').waitFor();
    assert.equal(await otherPage.getByTestId('lock-banner').count(), 0);
    await pageShows(otherPage, R, 'ROLLED_BACK', rolledBack);
    await eventually(async () => {
      assert.ok(await otherPage.getByTestId('op-end').isEnabled(), 'the other operator may end it now');
      assert.ok(await otherPage.getByTestId('op-rollback').isDisabled(), 'a rolled-back release cannot be rolled back again');
    });
    assert.equal(await otherPage.getByTestId('release-stale').count(), 0, 'the page took the lock with the current release');
    assert.equal((await (await adminApi.get(releasePath(R))).json()).lock?.holder, operator.name, 'the other operator holds the lock');
    await settle(otherPage);
    await shot(otherPage, `release-taken-over.${lang}`);

    // Admin comes back: the banner names the other operator (display name); admin breaks the lock and
    // takes over; the other page says at once that admin operates it now.
    await page.getByTestId('releases-table').locator('tbody tr.ant-table-row', { hasText: R.release }).dblclick();
    const adminBanner = page.getByTestId('lock-banner');
    await adminBanner.getByText(new RegExp(`^${escape(R.operator.displayName)}`)).waitFor();
    await settle(page);
    await shot(page, `release-lock-break.${lang}`);
    await adminBanner.getByTestId('lock-break').click();
    await page.getByTestId('lock-break-confirm').click();
    await page.getByTestId('lock-held').waitFor();
    await adminBanner.waitFor({ state: 'detached' });
    assert.equal((await (await adminApi.get(releasePath(R))).json()).lock?.holder, 'admin', 'admin holds the lock');
    await otherPage.getByTestId('lock-banner').getByText(new RegExp(`^${escape(R.lockBanner)}`)).waitFor();
    for (const op of ['fallback', 'release', 'rollback', 'end']) {
      assert.ok(await otherPage.getByTestId(`op-${op}`).isDisabled(), `${op} is disabled again on the other page`);
    }

    // 结束发布 by admin: the release is over and read-only; its history lists every step.
    await confirm(page, await openPreview(page, R, 'end'));
    await stateIs(page, R, 'ENDED');
    await page.getByTestId('release-ended').getByText(R.ended).waitFor();
    // The other operator's page shows it without a reload: 结束, the next version (4 in the first run), nothing to do, no lock.
    const endedAt = await configVersionOf(page);
    assert.equal(endedAt, rolledBack + 1, 'end wrote the next version');
    await pageShows(otherPage, R, 'ENDED', endedAt);
    await otherPage.getByTestId('release-ended').waitFor();
    await otherPage.getByTestId('lock-banner').waitFor({ state: 'detached' });
    for (const op of ['fallback', 'release', 'rollback', 'end']) {
      assert.ok(await otherPage.getByTestId(`op-${op}`).isDisabled(), `${op} is disabled on the ended release`);
    }
    assert.equal((await (await adminApi.get(releasePath(R))).json()).lock, undefined, 'an ended release holds no lock');
    await settle(otherPage);
    await shot(otherPage, `release-ended-followed.${lang}`);
    assert.deepEqual(otherProblems, [], 'no console errors or warnings for the other operator');
    await other.close();
    other = undefined;

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

    // The table shows no lock holder on the ended release.
    await page.getByTestId('release-back').click();
    await page.waitForURL(/\/releases$/);
    await page.getByTestId('releases-refresh').click();
    const endedRow = page.getByTestId('releases-table').locator('tbody tr.ant-table-row', { hasText: R.release });
    await endedRow.getByTestId('release-state-tag').filter({ hasText: new RegExp(`^${escape(R.state.ENDED)}$`) }).waitFor();
    assert.equal(await endedRow.getByTestId('release-lock-holder').count(), 0, 'no lock holder on an ended release');
    await page.getByTestId('releases-departures').waitFor();
    await settle(page);
    await shot(page, `releases-ended.${lang}`);

    // The table searches on the server: by part of the description (any case), and nothing for a name no release has.
    const search = page.getByTestId('releases-search').locator('input');
    await search.fill(R.search);
    await search.press('Enter');
    await endedRow.waitFor();
    const listedRows = page.getByTestId('releases-table').locator('tbody tr.ant-table-row');
    await eventually(async () => assert.equal(await listedRows.count(), 1, `one release matches "${R.search}"`));
    await search.fill('no-such-release');
    await search.press('Enter');
    await page.getByText(R.noMatch, { exact: true }).waitFor();
    await search.fill('');
    await search.press('Enter');
    await endedRow.waitFor();

    // 删除发布, from the table, after confirming.
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

/** The release page shows the state and config version (without being reloaded by the test). */
async function pageShows(page, R, state, version) {
  await page.getByTestId('release-state').getByTestId('release-state-tag').filter({ hasText: new RegExp(`^${escape(R.state[state])}$`) }).waitFor();
  await page.getByTestId('release-config-version').filter({ hasText: new RegExp(`\\b${version}\\b`) }).waitFor();
}

/** The config version the release page shows. */
async function configVersionOf(page) {
  const text = await page.getByTestId('release-config-version').innerText();
  return Number(/(\d+)/.exec(text)[1]);
}

/** Closes the dialog listing the form's problems. */
async function closeCheck(page) {
  const dialog = page.locator('.ant-modal-confirm:visible');
  await dialog.locator('.ant-modal-confirm-btns button').click();
  await dialog.waitFor({ state: 'hidden' });
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


function assertAll(hops, version) {
  const off = hops.filter((h) => h[0] !== version || h[1] !== version);
  assert.deepEqual(off, [], `every request on ${version} at both hops`);
}


// --- the API, for setting up ---

function session(name, password) {
  return demoSession(demo.url, name, password);
}


/** An operator who is a member of the release's group. */
async function createOperator({ name, displayName }) {
  const password = 'an-operator-password';
  const res = await adminApi.post('/api/users', { name, displayName, password, role: 'operator', groups: [GROUP] });
  assert.equal(res.status, 201, `create ${name}: ${await res.text()}`);
  return { name, password };
}

// --- the demo ---




