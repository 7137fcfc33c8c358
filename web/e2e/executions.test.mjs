// Browser test of the execution pages (流程执行, 执行记录) against the real demo.
//
// Starts `switchyard demo --fresh` (1.0 only; the workflow WF-001 deploys
// 1.1 as real processes) on its own data directory and port offset, drives
// ~50 requests a second through the demo gateway so the monitoring steps
// measure something, and in 中文 and in English: starts an execution through
// the API, opens /executions/<id> and watches its steps turn green and the
// traffic move without a reload, pauses it and sees the share hold, resumes
// it, rolls it back from the header (confirmed); starts a second one, injects
// errors into 1.1 while 10 % is observed and watches it roll back by itself
// with the breach listed under 告警; finds both in 执行记录 (filtered by the
// URL), and from the release's page the links to its workflow and
// executions. Screenshots as in harness.mjs.
//
//   SWITCHYARD_BIN   the binary (default ../bin/switchyard, built with the UI)
//   DEMO_PORT_OFFSET the demo's --port-offset (default 600: gateway on 5601)
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { escape, launchBrowser, screenshotDir, settle, shot, watchConsole } from './harness.mjs';
import { eventually, invokeURL, listening, session as demoSession, startDemo as startDemoAt, stopDemo } from './demo.mjs';

const PORT_OFFSET = Number(process.env.DEMO_PORT_OFFSET ?? 600);
const INVOKE = invokeURL(PORT_OFFSET);
// service-a 1.1 (started by the workflow's DEPLOY) takes a fault setting.
const FAULT = `http://127.0.0.1:${3002 + PORT_OFFSET}/demo/fault`;
const ADMIN = { name: 'admin', password: 'switchyard-demo' };
const RELEASE = 'discovery-guide-1.1';
const WORKFLOW = 'WF-001';
const LOAD_RPS = 50;
const STEP_TIMEOUT = 20_000;
const TEST_TIMEOUT = 420_000;

/** Texts written out, to catch a wrong bundle. */
const RUNS = {
  zh: {
    title: '发布执行 - V1.1',
    status: { RUNNING: '执行中', PAUSED: '已暂停', ROLLED_BACK: '已回滚' },
    sections: ['执行概览', '执行进度', '实时监控', '执行日志'],
    overview: ['开始时间', '当前步骤', '已耗时', '预计剩余'],
    blue: '蓝环境 (新版本 V1.1)',
    green: '绿环境 (旧版本 V1.0)',
    shift: /^当前流量: \d+% → 50%$/,
    viewMonitor: '查看实时监控',
    results: { S2: '通过', S3: '成功', S4: '通过', S7: '正常' },
    pause: '暂停',
    resume: '继续',
    rollback: '回滚',
    confirmTitle: '确认回滚此发布？',
    alertsNone: '无',
    breach: /成功率/,
    who: { pause: /admin 于 \S+ 暂停/, resume: /admin 于 \S+ 继续/, rollback: /admin 于 \S+ 回滚/ },
    history: '执行记录',
    historyLink: '执行记录',
    workflowLink: `发布流程 ${WORKFLOW}`,
  },
  en: {
    title: 'Release execution - V1.1',
    status: { RUNNING: 'Running', PAUSED: 'Paused', ROLLED_BACK: 'Rolled back' },
    sections: ['Overview', 'Progress', 'Live monitoring', 'Log'],
    overview: ['Started', 'Current step', 'Elapsed', 'Remaining (estimate)'],
    blue: 'Blue environment (new version V1.1)',
    green: 'Green environment (old version V1.0)',
    shift: /^Current traffic: \d+% → 50%$/,
    viewMonitor: 'View live monitoring',
    results: { S2: 'passed', S3: 'succeeded', S4: 'passed', S7: 'normal' },
    pause: 'Pause',
    resume: 'Resume',
    rollback: 'Roll back',
    confirmTitle: 'Roll back this release?',
    alertsNone: 'None',
    breach: /success rate/,
    who: { pause: /admin paused at /, resume: /admin resumed at /, rollback: /admin rolled back at / },
    history: 'Execution history',
    historyLink: 'Executions',
    workflowLink: `Workflow ${WORKFLOW}`,
  },
};

/** API calls the test provokes on purpose. */
const EXPECTED = [/^GET \/api\/auth\/me 401$/];

let demo; // { url, child, dataDir, output }
let browser;
let adminApi;
let load;
const started = { zh: [], en: [] };

before(async () => {
  demo = await startDemoAt({ offset: PORT_OFFSET, extra: ['--fresh'] });
  adminApi = await session(ADMIN.name, ADMIN.password);
  load = startLoad(LOAD_RPS);
  browser = await launchBrowser();
});

after(async () => {
  await load?.stop();
  await browser?.close();
  await stopDemo(demo);
  console.log(`screenshots in ${screenshotDir()}`);
});

describe('executions', { timeout: 2 * TEST_TIMEOUT + 60_000 }, () => {
  for (const lang of ['zh', 'en']) {
    test(`an execution live, paused, resumed, rolled back; a second one rolls back by itself; the history — ${lang === 'zh' ? '中文' : 'English'}`, { timeout: TEST_TIMEOUT }, async () => {
      await executionFlow(lang);
    });
  }
});

async function executionFlow(lang) {
  const R = RUNS[lang];
  const context = await newContext(lang);
  const page = await context.newPage();
  const problems = watchConsole(page, EXPECTED);
  try {
    await signIn(page, ADMIN);

    // 1. An execution started through the API; its page, live.
    const first = await startExecution(lang);
    started[lang].push(first);
    await page.goto(`${demo.url}/executions/${first}`);
    await page.getByText(R.title, { exact: true }).waitFor();
    await page.evaluate(() => (window.__notReloaded = true));
    for (const s of R.sections) await page.getByText(s, { exact: true }).first().waitFor();
    const overview = page.getByTestId('execution-overview');
    for (const label of R.overview) await overview.getByText(label, { exact: true }).waitFor();
    await page.getByTestId('execution-live').filter({ hasText: lang === 'zh' ? '实时' : 'Live' }).waitFor();

    // Steps turn green one after the other, each with its result (通过, 成功, 正常).
    for (const [stepId, result] of Object.entries(R.results)) {
      const step = stepOf(page, stepId);
      await step.and(page.locator('[data-look="done"]')).waitFor({ timeout: 90_000 });
      assert.match(await step.innerText(), new RegExp(`- ${escape(result)}`), `${stepId} shows ${result}`);
      await step.locator('[data-look-icon="done"]').waitFor(); // ✅
    }
    assert.equal(await stepOf(page, 'S8').count(), 0, 'the decision is not listed');
    await stepOf(page, 'S11').locator('[data-look-icon="pending"]').waitFor(); // ⚪
    // The elapsed time ticks.
    const elapsed = await page.getByTestId('overview-elapsed').innerText();
    await eventually(async () => assert.notEqual(await page.getByTestId('overview-elapsed').innerText(), elapsed), 5000);

    // The traffic moves towards 50 % (the shift's line and the blue side), without a reload.
    const shift = page.getByTestId('execution-shift-text');
    await shift.waitFor({ timeout: 60_000 });
    assert.match(await shift.innerText(), R.shift);
    await page.getByTestId('execution-view-monitor').filter({ hasText: R.viewMonitor }).waitFor();
    const blueTraffic = page.getByTestId('execution-env-blue-traffic');
    const seen = new Set();
    await eventually(async () => {
      seen.add(await blueTraffic.innerText());
      assert.ok(seen.size >= 2, `the blue side's traffic moved: ${[...seen].join(' | ')}`);
    }, 20_000);
    assert.match([...seen].join(' '), /\d+% → 50%/);

    // 暂停 while the share is on its way: it holds.
    await clickSignal(page, 'pause', R.pause);
    await statusIs(page, R, 'PAUSED');
    await page.getByTestId('execution-who-item').filter({ hasText: R.who.pause }).waitFor();
    const held = await blueTraffic.innerText();
    const heldApi = (await (await adminApi.get(`/api/executions/${first}`)).json()).metrics.blueEnv.traffic;
    await sleep(6000); // three intervals of the shift
    assert.equal(await blueTraffic.innerText(), held, 'the share holds while paused');
    assert.equal((await (await adminApi.get(`/api/executions/${first}`)).json()).metrics.blueEnv.traffic, heldApi, 'the server holds it too');
    await stepOf(page, 'S10').locator('[data-look-icon="held"]').waitFor(); // ⏸
    await shot(page, `execution-paused.${lang}`);

    // 继续: the share moves on.
    await clickSignal(page, 'resume', R.resume);
    await statusIs(page, R, 'RUNNING');
    await page.getByTestId('execution-who-item').filter({ hasText: R.who.resume }).waitFor();
    await eventually(async () => assert.notEqual(await blueTraffic.innerText(), held, 'the share moves after the resume'), 15_000);

    // 50 % observed: the charts draw the measurements live; no alert.
    await stepOf(page, 'S11').and(page.locator('[data-look="running"]')).waitFor({ timeout: 60_000 });
    await eventually(async () => {
      const points = Number(await page.getByTestId('execution-chart-successRate').getAttribute('data-points'));
      assert.ok(points >= 6, `success-rate samples drawn: ${points}`);
    }, 30_000);
    await page.getByTestId('execution-alerts-none').filter({ hasText: R.alertsNone }).waitFor();
    await page.getByTestId('execution-env-blue').getByText(R.blue, { exact: true }).waitFor();
    await page.getByTestId('execution-env-green').getByText(R.green, { exact: true }).waitFor();
    const logBox = page.getByTestId('execution-log-box');
    assert.equal(await logBox.getAttribute('data-following'), 'true');
    await eventually(async () => assert.ok(await logIsAtBottom(logBox), 'the log shows its newest line'));
    // Graph tab: the same execution, coloured.
    await page.getByTestId('execution-tab-graph').click();
    await page.locator('.exe-node-done').first().waitFor();
    await page.locator('.exe-node-running').first().waitFor();
    await settle(page);
    await shot(page, `execution-graph.${lang}`);
    await page.getByTestId('execution-progress').getByRole('tab').first().click();
    await settle(page);
    await shot(page, `execution-running.${lang}`);

    // 回滚 from the header: asks first, then rolls back.
    await page.getByTestId('exe-signal-rollback').filter({ hasText: R.rollback }).click();
    const dialog = page.locator('.ant-modal:visible', { hasText: R.confirmTitle });
    await dialog.waitFor();
    assert.match(await dialog.getByTestId('execution-confirm-body').innerText(), /1\.0/);
    await dialog.locator('.ant-modal-footer .ant-btn-primary').click();
    await statusIs(page, R, 'ROLLED_BACK', 60_000);
    await page.getByTestId('execution-who-item').filter({ hasText: R.who.rollback }).waitFor();
    await page.getByTestId('execution-live').and(page.locator('[data-state="ended"]')).waitFor();
    assert.ok(await page.evaluate(() => window.__notReloaded === true), 'the page was never reloaded');
    assert.equal((await (await adminApi.get(`/api/executions/${first}`)).json()).status, 'ROLLED_BACK');

    // 2. A second execution with errors injected into 1.1 while 10 % is observed: it rolls back by itself.
    const second = await startExecution(lang);
    started[lang].push(second);
    await page.goto(`${demo.url}/executions/${second}`);
    await page.evaluate(() => (window.__notReloaded = true));
    await stepOf(page, 'S7').and(page.locator('[data-look="running"]')).waitFor({ timeout: 120_000 });
    await setFault(0.3);
    try {
      await statusIs(page, R, 'ROLLED_BACK', 120_000);
    } finally {
      await setFault(0);
    }
    await page.getByTestId('execution-alert').first().waitFor();
    assert.match(await page.getByTestId('execution-alerts').innerText(), R.breach);
    await stepOf(page, 'S7').locator('[data-look-icon="failed"]').waitFor(); // ❌
    assert.match(await page.getByTestId('overview-reason').innerText(), R.breach);
    assert.ok(await page.evaluate(() => window.__notReloaded === true), 'the page followed the rollback without a reload');
    await settle(page);
    await shot(page, `execution-rolled-back.${lang}`);

    // 3. 执行记录: both, found by the release in the URL; the numbers over them.
    await page.goto(`${demo.url}/executions?release=${encodeURIComponent(RELEASE)}`);
    await page.getByText(R.history, { exact: true }).first().waitFor();
    const table = page.getByTestId('history-table');
    for (const id of [first, second]) {
      const row = table.locator('tbody tr', { hasText: id });
      await row.waitFor();
      assert.match(await row.innerText(), new RegExp(escape(R.status.ROLLED_BACK)));
    }
    const total = Number(await page.getByTestId('history-total').locator('.ant-statistic-content-value').innerText());
    assert.equal(total, started.zh.length + started.en.length, 'every execution of the release is counted');
    assert.match(await page.getByTestId('history-rolled-back').innerText(), /100(\.0)?%/);
    await page.goto(`${demo.url}/executions?release=${encodeURIComponent(RELEASE)}&status=COMPLETED`);
    await page.getByTestId('history-table').locator('.ant-empty, .ant-table-placeholder').first().waitFor();
    await page.goto(`${demo.url}/executions?release=${encodeURIComponent(RELEASE)}`);
    await table.locator('tbody tr', { hasText: second }).waitFor();
    await settle(page);
    await shot(page, `executions-history.${lang}`);
    await table.locator('tbody tr', { hasText: second }).getByTestId('history-open').click();
    await page.waitForURL(new RegExp(`/executions/${second}$`));
    await page.getByText(R.title, { exact: true }).waitFor();

    // 4. From the release's page: its workflow and its executions.
    await page.goto(`${demo.url}/releases/${encodeURIComponent(RELEASE)}`);
    const wfLink = page.getByTestId('release-workflow-link').filter({ hasText: R.workflowLink });
    await wfLink.waitFor();
    assert.equal(await wfLink.getAttribute('href'), `/workflows/${WORKFLOW}`);
    const exLink = page.getByTestId('release-executions-link').filter({ hasText: R.historyLink });
    assert.equal(await exLink.getAttribute('href'), `/executions?release=${encodeURIComponent(RELEASE)}`);
    await exLink.click();
    await page.waitForURL(/\/executions\?release=/);
    await table.locator('tbody tr', { hasText: first }).waitFor();

    assert.deepEqual(problems, [], 'no console errors or warnings');
  } finally {
    await context.close();
  }
}

function stepOf(page, stepId) {
  return page.getByTestId('execution-steps').locator(`[data-step="${stepId}"]`);
}

async function clickSignal(page, signal, label) {
  const button = page.getByTestId(`exe-signal-${signal}`).filter({ hasText: label.length === 2 ? new RegExp(label.split('').join(' ?')) : label });
  await button.waitFor();
  await button.click();
}

async function statusIs(page, R, status, timeout = STEP_TIMEOUT) {
  await page.getByTestId('execution-page').and(page.locator(`[data-status="${status}"]`)).waitFor({ timeout });
  await page.getByTestId('execution-status').filter({ hasText: R.status[status] }).first().waitFor({ timeout });
}

async function logIsAtBottom(box) {
  return box.evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight <= 24);
}

function session(name, password) {
  return demoSession(demo.url, name, password);
}

async function startExecution(lang) {
  // One execution per release at a time: the previous one has ended.
  const res = await adminApi.post(`/api/workflows/${WORKFLOW}/executions?lang=${lang}`, {});
  const body = await res.text();
  assert.equal(res.status, 201, `start an execution: ${body}`);
  return JSON.parse(body).id;
}

async function setFault(errorRate) {
  await eventually(async () => {
    const res = await fetch(FAULT, { method: 'PUT', body: JSON.stringify({ errorRate }) });
    assert.equal(res.status, 200, `PUT /demo/fault: ${res.status}`);
  });
}

// --- the load through the gateway ---

/** ~rps requests a second through the gateway, from a few workers; stop() waits for them. */
function startLoad(rps) {
  let running = true;
  const workers = 5;
  const every = (1000 * workers) / rps;
  const worker = async () => {
    while (running) {
      const t = Date.now();
      await fetch(INVOKE, { signal: AbortSignal.timeout(5000) })
        .then((r) => r.arrayBuffer())
        .catch(() => undefined);
      const wait = every - (Date.now() - t);
      if (wait > 0) await sleep(wait);
    }
  };
  const all = Promise.all(Array.from({ length: workers }, worker));
  return {
    stop: async () => {
      running = false;
      await all;
    },
  };
}

// --- the browser ---

async function newContext(lang) {
  const context = await browser.newContext({ locale: lang === 'zh' ? 'zh-CN' : 'en-US', viewport: { width: 1600, height: 1000 } });
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


function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

// --- the API, for setting up ---


// --- the demo ---




