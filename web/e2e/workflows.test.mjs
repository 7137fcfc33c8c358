// Browser test of the workflow editor (流程编排) against the real demo.
//
// Starts `switchyard demo --fresh` (1.0 only; the shipped release
// discovery-guide-1.1 with its blue-green workflow WF-001) on its own data
// directory and ports, and drives Chromium once in 中文 and once in English:
// the blue-green editor as the seed draws it (screenshots of the chart and
// the side panel), then a CUSTOM workflow built by dragging steps from the
// palette and connecting them, a traffic step configured in the side panel,
// saved with an unconnected step — the server's problems shown on the steps
// at fault in the user's language — fixed, saved, executed after the
// confirmation, landing on /executions/EXE-…; the execution is then aborted
// through the API so the other language can run one. Screenshots as in
// harness.mjs.
//
//   SWITCHYARD_BIN   the binary (default ../bin/switchyard, built with the UI)
//   DEMO_PORT_OFFSET the demo's --port-offset (default 500: gateway on 5501)
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, screenshotDir, settle, shot, shotOf, watchConsole } from './harness.mjs';
import { session as demoSession, startDemo as startDemoAt, stopDemo } from './demo.mjs';

const PORT_OFFSET = Number(process.env.DEMO_PORT_OFFSET ?? 500);
const ADMIN = { name: 'admin', password: 'switchyard-demo' };
const RELEASE = 'discovery-guide-1.1';
const STEP_TIMEOUT = 20_000;
const TEST_TIMEOUT = 240_000;

const RUNS = {
  zh: {
    list: '发布流程',
    title: '发布流程编排 - V1.1',
    titleNew: '发布流程编排',
    panel: '步骤配置',
    selected: '选中步骤: 流量切换10%',
    fields: ['步骤类型', '切换比例', '切换方式', '失败处理', '超时时间', '前置条件', '后置动作'],
    checked: ['健康检查通过', '自动化测试通过', '发送通知', '记录日志'],
    shiftName: '流量切换10%',
    immediate: '立即',
    noEdge: '没有从它出发的连线',
    endUnreachable: '执行永远无法完成',
    weightError: '0 到 100 之间的整数',
    execTitle: '执行',
    firstShift: '流量切换10%：新版本承接 20% 流量，立即',
  },
  en: {
    list: 'Release workflows',
    title: 'Release workflow editor - V1.1',
    titleNew: 'Release workflow editor',
    panel: 'Step settings',
    selected: 'Selected step: 流量切换10%',
    fields: ['Step type', 'Shift ratio', 'Shift mode', 'On failure', 'Timeout', 'Preconditions', 'Post-actions'],
    checked: ['Health check passed', 'Automated test passed', 'Send notification', 'Write log'],
    shiftName: 'Traffic shift10%',
    immediate: 'Immediate',
    noEdge: 'no edge leaves this step',
    endUnreachable: 'the execution can never complete',
    weightError: 'A whole number from 0 to 100',
    execTitle: 'Execute',
    firstShift: 'Traffic shift10%: 20% of the traffic to the new version, Immediate',
  },
};

/** API calls the test provokes on purpose. */
const EXPECTED = [
  /^GET \/api\/auth\/me 401$/, // "who am I" before signing in
  /^POST \/api\/workflows 400$/, // the save with an unconnected step
];

let demo;
let browser;
let adminApi;

before(async () => {
  demo = await startDemoAt({ offset: PORT_OFFSET, extra: ['--fresh'] });
  adminApi = await session(ADMIN.name, ADMIN.password);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await stopDemo(demo);
  console.log(`screenshots in ${screenshotDir()}`);
});

describe('workflow editor', { timeout: 2 * TEST_TIMEOUT + 60_000 }, () => {
  for (const lang of ['zh', 'en']) {
    test(`blue-green and a custom workflow in ${lang === 'zh' ? '中文' : 'English'}`, { timeout: TEST_TIMEOUT }, async () => {
      await editorFlow(lang);
    });
  }
});

async function editorFlow(lang) {
  const R = RUNS[lang];
  const context = await browser.newContext({ locale: lang === 'zh' ? 'zh-CN' : 'en-US', viewport: { width: 1600, height: 1500 } });
  context.setDefaultTimeout(STEP_TIMEOUT);
  await context.addInitScript((l) => window.localStorage.setItem('switchyard.lang', l), lang);
  const page = await context.newPage();
  const problems = watchConsole(page, EXPECTED);
  try {
    await signIn(page);

    // The list: the demo's blue-green workflow.
    await page.goto(`${demo.url}/workflows`);
    await page.getByText(R.list, { exact: true }).first().waitFor();
    await page.getByTestId('wf-open-WF-001').waitFor();

    // The blue-green editor, as the seed draws it.
    await page.getByTestId('wf-open-WF-001').click();
    await page.waitForURL(/\/workflows\/WF-001$/);
    await page.getByText(R.title, { exact: true }).waitFor();
    for (let i = 1; i <= 18; i++) await page.getByTestId(`wf-node-S${i}`).waitFor();
    await assertRightOf(page, 'S9', 'S8');
    await assertRightOf(page, 'S13', 'S12');
    await assertBelow(page, 'S10', 'S8');
    await settle(page);
    await shot(page, `workflow-editor.${lang}`);

    // The side panel of 流量切换10%: the seed's fields, its boxes ticked.
    await page.getByTestId('wf-node-S6').click();
    const panel = page.getByTestId('wf-panel');
    await panel.getByText(R.selected, { exact: true }).waitFor();
    for (const f of R.fields) await panel.getByText(f, { exact: true }).first().waitFor();
    for (const c of R.checked) assert.ok(await panel.getByRole('checkbox', { name: c }).isChecked(), `${c} is ticked`);
    assert.equal(await page.getByTestId('wf-cfg-weight').inputValue(), '10');
    await settle(page);
    await shotOf(panel, `workflow-panel.${lang}`);

    // A CUSTOM workflow of the release: 开始 → 结束 to start with.
    await page.goto(`${demo.url}/workflows/new?release=${encodeURIComponent(RELEASE)}`);
    await page.getByText(R.titleNew, { exact: true }).waitFor();
    await page.getByTestId('wf-node-S1').waitFor();
    await page.getByTestId('wf-node-S2').waitFor();

    // Drag a traffic shift in from the palette, beside the column.
    const canvas = page.getByTestId('wf-canvas');
    const box = await canvas.boundingBox();
    await page.getByTestId('wf-palette-TRAFFIC_SHIFT').dragTo(canvas, { targetPosition: { x: box.width / 2 + 160, y: box.height / 2 } });
    await page.getByTestId('wf-node-S3').waitFor();

    // The panel: 切换比例 checked as it is typed, then 20%, 立即, 2 minutes.
    const weight = page.getByTestId('wf-cfg-weight');
    await weight.fill('150');
    await page.getByTestId('wf-field-config.weight').locator('.ant-form-item-explain-error', { hasText: R.weightError }).waitFor();
    await weight.fill('20');
    await page.getByTestId('wf-field-config.weight').locator('.ant-form-item-explain-error').waitFor({ state: 'detached' });
    await pick(page, 'wf-cfg-mode', R.immediate);
    await page.getByTestId('wf-step-timeout').fill('2');
    await page.getByTestId('wf-step-name').fill(R.shiftName);

    // Rewire: drop 开始 → 结束, connect 开始 → the shift, and leave the shift unconnected.
    const line = await page.locator('[data-testid="wf-edge-S1-S2"] .react-flow__edge-path').boundingBox();
    await page.mouse.click(line.x + line.width / 2, line.y + line.height / 2);
    await page.getByTestId('wf-edge-delete').click();
    await page.locator('[data-testid="wf-edge-S1-S2"]').waitFor({ state: 'detached' }); // the edge is gone
    await connect(page, 'S1', 'out', 'S3', 'in');
    await page.locator('[data-testid="wf-edge-S1-S3"]').waitFor();

    // Undo and redo the connection.
    await page.getByTestId('wf-undo').click();
    await page.locator('[data-testid="wf-edge-S1-S3"]').waitFor({ state: 'detached' });
    await page.keyboard.press('Control+Shift+Z');
    await page.locator('[data-testid="wf-edge-S1-S3"]').waitFor();

    // Save: the server refuses, naming the unconnected shift and the unreachable end, on those steps.
    await page.getByTestId('wf-save').click();
    const list = page.getByTestId('wf-problems');
    await list.getByText(R.noEdge, { exact: false }).waitFor();
    await list.getByText(R.endUnreachable, { exact: false }).waitFor();
    await page.locator('[data-testid="wf-node-S3"][data-invalid="true"]').waitFor();
    await page.locator('[data-testid="wf-node-S2"][data-invalid="true"]').waitFor();
    await settle(page);
    await shot(page, `workflow-invalid.${lang}`);

    // Fix it and save: a new workflow, opened under its id.
    await connect(page, 'S3', 'out', 'S2', 'in');
    await page.locator('[data-testid="wf-edge-S3-S2"]').waitFor();
    await page.getByTestId('wf-save').click();
    await page.waitForURL(/\/workflows\/WF-\d+$/);
    const id = /\/workflows\/(WF-\d+)$/.exec(page.url())[1];
    const saved = await (await adminApi.get(`/api/workflows/${id}`)).json();
    assert.equal(saved.template, 'CUSTOM');
    assert.deepEqual(saved.edges.map((e) => `${e.from}>${e.to}`), ['S1>S3', 'S3>S2']);
    const shift = saved.steps.find((s) => s.id === 'S3');
    assert.deepEqual(
      { type: shift.type, name: shift.name, timeout: shift.timeout, weight: shift.config.weight, mode: shift.config.mode },
      { type: 'TRAFFIC_SHIFT', name: R.shiftName, timeout: 2, weight: 20, mode: 'IMMEDIATE' },
    );

    // 执行: the confirmation says what will happen, then the execution's page.
    await page.getByTestId('wf-execute').click();
    const dialog = page.locator('.ant-modal:visible');
    await dialog.getByTestId('wf-exec-services').filter({ hasText: 'discovery-guide-service-a' }).waitFor();
    await dialog.getByTestId('wf-exec-first-shift').filter({ hasText: R.firstShift.replace('流量切换10%', R.shiftName).replace('Traffic shift10%', R.shiftName) }).waitFor();
    await dialog.getByTestId('wf-execute-confirm').click();
    await page.waitForURL(/\/executions\/EXE-\d+$/);
    const exe = /\/executions\/(EXE-\d+)$/.exec(page.url())[1];
    const x = await (await adminApi.get(`/api/executions/${exe}`)).json();
    assert.equal(x.workflowId, id);

    // Leave the release free for the other language's run.
    const aborted = await adminApi.post(`/api/executions/${exe}/abort`, {});
    assert.ok([200, 409].includes(aborted.status), `abort ${exe}: ${aborted.status}`);

    assert.deepEqual(problems, [], 'no console errors or warnings');
  } finally {
    await context.close();
  }
}

// --- the browser ---

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
  await dropdown.locator('.ant-select-item-option').filter({ hasText: label }).click();
  await dropdown.waitFor({ state: 'hidden' });
}

/** Drags from one node's handle to another's, as a user connects them. */
async function connect(page, from, fromHandle, to, toHandle) {
  const source = page.locator(`[data-testid="wf-node-${from}"] .react-flow__handle[data-handleid="${fromHandle}"]`);
  const target = page.locator(`[data-testid="wf-node-${to}"] .react-flow__handle[data-handleid="${toHandle}"]`);
  const a = await source.boundingBox();
  const b = await target.boundingBox();
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move((a.x + b.x) / 2, (a.y + b.y) / 2, { steps: 8 });
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 8 });
  await page.mouse.up();
}

async function centerOf(page, id) {
  const b = await page.getByTestId(`wf-node-${id}`).boundingBox();
  return { x: b.x + b.width / 2, y: b.y + b.height / 2 };
}

async function assertRightOf(page, a, b) {
  const [pa, pb] = [await centerOf(page, a), await centerOf(page, b)];
  assert.ok(pa.x > pb.x + 50 && Math.abs(pa.y - pb.y) < 5, `${a} right of ${b} on its row: ${JSON.stringify({ pa, pb })}`);
}

async function assertBelow(page, a, b) {
  const [pa, pb] = [await centerOf(page, a), await centerOf(page, b)];
  assert.ok(pa.y > pb.y && Math.abs(pa.x - pb.x) < 5, `${a} below ${b}: ${JSON.stringify({ pa, pb })}`);
}

// --- the API ---

function session(name, password) {
  return demoSession(demo.url, name, password);
}


// --- the demo ---



