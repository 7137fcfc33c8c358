// Browser test of the verification pages (流量侦测, 模拟) against the real demo.
//
// Starts `switchyard demo --no-traffic` (control plane, gateway, service-a and
// service-b 1.0/1.1 as real processes) on its own data directory and ports,
// publishes a blue-green rule on xyz at the gateway's key, and drives
// Chromium once in 中文 and once in English:
//   - 流量侦测: the entry group and app picked, DiscoveryTool's
//     mock-inspector.yaml and the inspector's application.properties (its
//     localhost:5001 the demo's gateway) filled in, 保存, 执行侦测: the task id,
//     the chains table shows the one chain the rule dictates, the counts and
//     the topology;
//   - 模拟: the three release documents and the simulator's properties filled
//     in, 执行模拟, a second start while it runs refused in a dialog naming the
//     first (and the server refusing it too, 409 verify.running), then all
//     seven phases pass and the rule in effect before is back.
// Screenshots at 1600×1000 as in harness.mjs.
//
//   SWITCHYARD_BIN   the binary (default ../bin/switchyard, built with the UI)
//   DEMO_PORT_OFFSET the demo's --port-offset (default 700: gateway on 5701)
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { escape, launchBrowser, screenshotDir, settle, shot, watchConsole } from './harness.mjs';
import { startDemo, stopDemo } from './demo.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const AUTOMATION = resolve(here, '../../verify/testdata/automation');
const PORT_OFFSET = Number(process.env.DEMO_PORT_OFFSET ?? 700);
const GATEWAY_HOST = `127.0.0.1:${5001 + PORT_OFFSET}`;
const ADMIN = { name: 'admin', password: 'switchyard-demo' };
const GROUP = 'discovery-guide-group';
const APP = 'discovery-guide-gateway';
const TASK = `${GROUP}@@${APP}`;
const STEP_TIMEOUT = 20_000;
const TEST_TIMEOUT = 360_000;

/** xyz=1 goes to 1.1 of both services, every other request to 1.0 (mock-inspector.yaml sends xyz=1). */
const BLUE_GREEN_XYZ = `<rule>
  <strategy><version>{"discovery-guide-service-a":"1.0", "discovery-guide-service-b":"1.0"}</version></strategy>
  <strategy-release>
    <conditions type="blue-green">
      <condition id="xyz" expression="#H['xyz'] == '1'" version-id="new"/>
    </conditions>
    <routes>
      <route id="new" type="version">{"discovery-guide-service-a":"1.1", "discovery-guide-service-b":"1.1"}</route>
    </routes>
  </strategy-release>
</rule>`;
const CHAIN = '[ID=discovery-guide-gateway][V=1.0] -> [ID=discovery-guide-service-a][V=1.1] -> [ID=discovery-guide-service-b][V=1.1]';

const RUNS = {
  zh: {
    inspectionTitle: '全链路自动化流量侦测测试',
    simulationTitle: '全链路自动化模拟流程测试',
    sections: ['执行流量侦测的入口组和应用', '侦测策略', '侦测条件', '侦测执行', '流量侦测测试结果', '历史记录'],
    simSections: ['执行蓝绿灰度发布的入口组和应用', '发布策略', '模拟条件', '模拟执行', '模拟流程测试结果'],
    runInspection: '执行侦测',
    runSimulation: '执行模拟',
    saved: '修订 ',
    completed: '已完成',
    passed: '通过',
    tally: '7 个阶段中 7 个通过',
    restored: '模拟前生效的规则已恢复',
    refusedTitle: '该模拟任务正在执行中',
    started: '已启动：任务',
    phase3: '阶段 3 · 创建第一次发布',
  },
  en: {
    inspectionTitle: 'Full-link automated traffic inspection test',
    simulationTitle: 'Full-link automated simulation test',
    sections: ['Entry group and app of the inspection', 'Inspection strategy', 'Inspection conditions', 'Run the inspection', 'Traffic inspection results', 'Past runs'],
    simSections: ['Entry group and app of the blue-green and gray release', 'Release strategies', 'Simulation conditions', 'Run the simulation', 'Simulation results'],
    runInspection: 'Execute inspection',
    runSimulation: 'Execute simulation',
    saved: 'Revision ',
    completed: 'Completed',
    passed: 'Passed',
    tally: '7 of 7 phases passed',
    restored: 'The rule in effect before the simulation is back',
    refusedTitle: 'This simulation task is already running',
    started: 'Started: task',
    phase3: 'Phase 3 · First release',
  },
};

/** API calls the pages make on purpose that fail. */
const EXPECTED = [
  /^GET \/api\/auth\/me 401$/, // "who am I" before signing in
  /^GET \/api\/verify\/(inspections|simulations)\/[^/]+\/[^/]+\/config 404$/, // nothing saved yet
  /^PUT \/api\/verify\/inspections\/[^/]+\/[^/]+\/config 400$/, // the sample count out of range
];

let demo;
let browser;
let api; // admin's API session

const automation = (name) => readFileSync(join(AUTOMATION, name), 'utf8').replace(/^\uFEFF/, '');
const local = (text) => text.replaceAll('localhost:5001', GATEWAY_HOST).replaceAll('localhost:6001', new URL(demo.url).host);

before(async () => {
  demo = await startDemo({ offset: PORT_OFFSET });
  api = await login(ADMIN);
  const put = await api.put(`/api/config/${GROUP}/${APP}`, { content: BLUE_GREEN_XYZ, format: 'xml' });
  assert.equal(put.status, 200, `publish the rule in effect: ${await put.text()}`);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await stopDemo(demo);
  console.log(`screenshots in ${screenshotDir()}`);
});

describe('verification', { timeout: 2 * TEST_TIMEOUT + 60_000 }, () => {
  for (const lang of ['zh', 'en']) {
    test(`inspection and simulation in ${lang === 'zh' ? '中文' : 'English'}`, { timeout: TEST_TIMEOUT }, async () => {
      const context = await browser.newContext({ locale: lang === 'zh' ? 'zh-CN' : 'en-US', viewport: { width: 1600, height: 1000 } });
      context.setDefaultTimeout(STEP_TIMEOUT);
      await context.addInitScript((l) => window.localStorage.setItem('switchyard.lang', l), lang);
      const page = await context.newPage();
      const problems = watchConsole(page, EXPECTED);
      try {
        await signIn(page);
        await inspection(page, RUNS[lang], lang);
        await simulation(page, RUNS[lang], lang);
        assert.deepEqual(problems, [], 'no console errors or warnings');
      } catch (err) {
        await shot(page, `verify-failure.${lang}`).catch(() => undefined);
        console.log(`problems: ${problems.join('\n')}`);
        throw err;
      } finally {
        await context.close();
      }
    });
  }
});

async function inspection(page, R, lang) {
  await page.goto(`${demo.url}/inspection`);
  await page.getByText(R.inspectionTitle, { exact: true }).waitFor();
  await pick(page, 'verify-group', GROUP);
  await pick(page, 'verify-app', APP);
  assert.equal(await page.getByTestId('verify-task').innerText(), TASK);
  for (const s of R.sections) await page.getByText(s, { exact: true }).first().waitFor();

  // The files users paste: the strategy, and the conditions as text (the demo's gateway for localhost:5001).
  await page.getByTestId('verify-strategy-text').fill(automation('inspector/mock-inspector.yaml'));
  await page.getByTestId('verify-conditions-mode').getByText('application.properties').click();
  await page.getByTestId('verify-conditions-text').fill(local(automation('inspector/application.properties')));
  // Back to the fields: the text reads as fields (the URL, the context service, Nepxion's defaults).
  await page.getByTestId('verify-conditions-mode').getByText(lang === 'zh' ? '表单' : 'Fields').click();
  assert.equal(await page.getByTestId('cond-inspectUrl').inputValue(), `http://${GATEWAY_HOST}/discovery-guide-service-a/inspector/inspect`);
  assert.equal(await page.getByTestId('cond-contextService').inputValue(), 'discovery-guide-service-a');
  // A wrong count is refused by the server at its field, in the user's language.
  await page.getByTestId('cond-sampleCount').fill('20000');
  await page.getByTestId('verify-save').click();
  const countItem = page.locator('.ant-form-item', { has: page.getByTestId('cond-sampleCount') });
  await countItem.locator('.ant-form-item-explain-error').filter({ hasText: lang === 'zh' ? 'testcase.sample.count 必须在 1 到 10000 之间' : 'testcase.sample.count must be from 1 to 10000' }).waitFor();
  await page.getByTestId('cond-sampleCount').fill('20');

  // 保存: a revision; 执行侦测: the task id and the run.
  await page.getByTestId('verify-save').click();
  await page.getByTestId('verify-saved').filter({ hasText: R.saved }).waitFor();
  await page.getByTestId('verify-start').click();
  await page.locator('.ant-message').getByText(new RegExp(`${escape(R.started)}.*${escape(TASK)}`)).waitFor();
  await page.getByTestId('verify-run-task').filter({ hasText: TASK }).waitFor();
  await page.getByTestId('verify-run').locator('[data-testid="verify-run-status"][data-status="COMPLETED"]').waitFor({ timeout: 60_000 });
  assert.equal(await page.getByTestId('verify-run').getByTestId('verify-run-status').innerText(), R.completed);

  // The chain the rule dictates, every sample on it; the counts; the topology entry → a@@1.1 → b@@1.1.
  const chains = page.getByTestId('verify-chains').locator('tbody tr.ant-table-row');
  assert.equal(await chains.count(), 1, 'one chain');
  assert.match(await chains.first().innerText(), new RegExp(`${escape(CHAIN)}\\s+20\\s+100%`));
  const counts = await page.getByTestId('verify-counts').innerText();
  assert.match(counts, /discovery-guide-service-a@@1\.1\s+20\s+100%/);
  assert.doesNotMatch(counts, /service-a@@1\.0/);
  const topo = page.getByTestId('verify-topology');
  // React Flow draws the edges only after it has measured the nodes: wait for both before counting.
  await topo.locator('[data-testid="verify-topo-node"]').nth(2).waitFor();
  await topo.locator('[data-testid="verify-topo-edge"]').nth(1).waitFor();
  assert.equal(await topo.locator('[data-testid="verify-topo-node"]').count(), 3);
  assert.equal(await topo.locator('[data-testid="verify-topo-edge"]').count(), 2);
  // Its segments on expand.
  await chains.first().locator('.ant-table-row-expand-icon').click();
  await page.getByTestId('verify-hops').locator('tbody tr').nth(2).waitFor();
  assert.equal(await page.getByTestId('verify-hops').locator('tbody tr').count(), 3);
  // Past runs: this one listed.
  const runId = await page.getByTestId('verify-run-id').locator('.mono, span').first().innerText().catch(() => '');
  assert.ok((await page.getByTestId('verify-history').innerText()).includes(runId.trim() || TASK.slice(0, 0)));
  await settle(page);
  await shot(page, `verify-inspection.${lang}`);
}

async function simulation(page, R, lang) {
  const before = await (await api.get(`/api/config/${GROUP}/${APP}`)).json();
  await page.goto(`${demo.url}/simulation?group=${encodeURIComponent(GROUP)}&app=${encodeURIComponent(APP)}`);
  await page.getByText(R.simulationTitle, { exact: true }).waitFor();
  for (const s of R.simSections) await page.getByText(s, { exact: true }).first().waitFor();
  for (const [doc, file] of [['basic', 'mock-version-release-basic.yaml'], ['release1', 'mock-version-release-1.yaml'], ['release2', 'mock-version-release-2.yaml']]) {
    await page.getByTestId('verify-docs').getByRole('tab').nth(['basic', 'release1', 'release2'].indexOf(doc)).click();
    await page.getByTestId(`verify-doc-${doc}`).fill(automation(`simulator/${file}`));
  }
  await page.getByTestId('verify-conditions-mode').getByText('application.properties').click();
  // Nepxion's conditions, with more gray samples than its default 1000 so that the run lasts while a second
  // start is tried (on this demo 1000 take about a second).
  await page.getByTestId('verify-conditions-text').fill(`${local(automation('simulator/application.properties'))}\ntestcase.gray.sample.count=4000\n`);

  // 执行模拟: the run, live.
  await page.getByTestId('verify-start').click();
  await page.getByTestId('verify-run').locator('[data-testid="verify-run-status"][data-status="RUNNING"]').waitFor();
  const first = (await page.getByTestId('verify-run').getAttribute('data-run')) ?? '';
  assert.ok(first, 'the run id');
  // A second start while it runs: the dialog names the running one (its id, who, since when) with a link to it.
  // (dispatched: the toast of the first start may cover the button, and the run is short)
  await page.getByTestId('verify-start').dispatchEvent('click');
  const dialog = page.getByTestId('verify-refused-body');
  await dialog.waitFor();
  assert.equal(await dialog.getAttribute('data-reason'), 'verify.running');
  assert.equal(await page.getByTestId('verify-refused-id').innerText(), first);
  assert.equal(await page.getByTestId('verify-refused-user').innerText(), ADMIN.name);
  assert.ok((await page.getByTestId('verify-refused-since').innerText()).trim().length > 0);
  await page.getByText(R.refusedTitle).waitFor();
  await settle(page);
  await page.screenshot({ path: join(screenshotDir(), `verify-simulation-running-refused.${lang}.png`), animations: 'disabled', style: '.ant-message { display: none !important; }' });
  // The server refuses it too (the dialog asked first, as the seed says).
  const second = await api.post(`/api/verify/simulations/${GROUP}/${APP}`, {});
  assert.equal(second.status, 409);
  const refused = await second.json();
  assert.equal(refused.error.reason, 'verify.running');
  assert.equal(refused.error.params.id, first);
  await page.getByTestId('verify-refused-close').click();
  await page.locator('.ant-message').getByText(new RegExp(`${escape(R.started)}.*${escape(TASK)}`)).first().waitFor({ state: 'attached' }).catch(() => undefined);

  // All seven phases pass; the rule in effect before is back.
  await page.getByTestId('verify-run').locator('[data-testid="verify-run-status"][data-status="PASSED"]').waitFor({ timeout: 240_000 });
  assert.equal(await page.getByTestId('verify-run').getByTestId('verify-run-status').innerText(), R.passed);
  await page.getByTestId('verify-phase-tally').filter({ hasText: R.tally }).waitFor();
  const titles = page.getByTestId('verify-phases').getByTestId('phase-title');
  assert.equal(await titles.count(), 7);
  for (let i = 0; i < 7; i++) assert.equal(await titles.nth(i).getByTestId('phase-status').getAttribute('data-status'), 'PASSED', `phase ${i + 1}`);
  const restore = page.getByTestId('verify-restore');
  await restore.waitFor();
  assert.ok(['restored', 'unchanged'].includes(await restore.getAttribute('data-status')));
  if ((await restore.getAttribute('data-status')) === 'restored') assert.match(await restore.innerText(), new RegExp(escape(R.restored)));
  const afterRule = await (await api.get(`/api/config/${GROUP}/${APP}`)).json();
  assert.equal(afterRule.content, before.content, 'the rule in effect before is back');
  // Phase 3 opened: its batches, every assertion passed, the gray weights.
  await titles.nth(2).click();
  const body = page.locator('[data-testid="phase-body"][data-index="3"]');
  await body.getByTestId('verify-batch').first().waitFor();
  assert.ok((await body.getByTestId('verify-batch').count()) >= 4, 'blue-green and gray batches');
  assert.equal(await body.getByTestId('assertion-fail').count(), 0);
  assert.ok((await body.getByTestId('verify-weights').count()) >= 1, 'gray weights shown');
  await page.getByText(R.phase3).first().waitFor();
  await page.getByTestId('verify-topology').locator('[data-testid="verify-topo-node"]').nth(4).waitFor();
  await settle(page);
  await shot(page, `verify-simulation.${lang}`);
}

async function signIn(page) {
  await page.goto(demo.url + '/releases');
  await page.waitForURL(/\/login/);
  await page.getByTestId('login-username').fill(ADMIN.name);
  await page.getByTestId('login-password').fill(ADMIN.password);
  await page.getByTestId('login-submit').click();
  await page.waitForURL(/\/releases$/);
}

async function pick(page, testId, label) {
  await page.getByTestId(testId).click();
  const dropdown = page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden)');
  await dropdown.locator('.ant-select-item-option').filter({ hasText: new RegExp(`^${escape(label)}`) }).click();
  await dropdown.waitFor({ state: 'hidden' });
}

async function login({ name, password }) {
  const res = await fetch(`${demo.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: name, password }),
  });
  assert.equal(res.status, 200, `sign in as ${name}`);
  const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const { csrfToken } = await res.json();
  const headers = { Cookie: cookie, 'X-CSRF-Token': csrfToken, 'Content-Type': 'application/json' };
  const call = (method) => (path, body) => fetch(demo.url + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  return { get: call('GET'), post: call('POST'), put: call('PUT') };
}

