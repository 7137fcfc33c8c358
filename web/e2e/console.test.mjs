// Browser test of the console against the real server binary.
//
// Starts `switchyard server` on a free port with a fresh data directory,
// drives Debian's Chromium through playwright-core, once in 中文 and once in
// English (each in its own browser context, language set with the switch),
// and takes a screenshot of every page (to docs/screenshots/ with
// UPDATE_SCREENSHOTS=1, see harness.mjs).
//
//   SWITCHYARD_BIN   the binary (default ../bin/switchyard, built with the UI)
//   SWITCHYARD_URL   test a server that is already running instead (e.g. the
//                    Vite dev server, which also reports React warnings);
//                    its admin password is SWITCHYARD_ADMIN_PASSWORD
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { escape, launchBrowser, screenshotDir, settle, shot, watchConsole as watch } from './harness.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const BIN = resolve(process.env.SWITCHYARD_BIN ?? join(here, '../../bin/switchyard'));
const ADMIN_PASSWORD = process.env.SWITCHYARD_URL ? (process.env.SWITCHYARD_ADMIN_PASSWORD ?? 'admin-password') : 'e2e-Admin-Passw0rd';
const USER_PASSWORD = 'a-long-enough-password';
const STEP_TIMEOUT = 20_000;
const TEST_TIMEOUT = 120_000;
// What each flow creates: names a team would use (they show in the screenshots),
// made unique per run against a server that outlives the test.
const SUFFIX = process.env.SWITCHYARD_URL ? `-${Date.now().toString(36).slice(-5)}` : '';
const NAMES = {
  zh: { user: `zhang.wei${SUFFIX}`, group: `order-group${SUFFIX}`, token: `ci-deploy${SUFFIX}` },
  en: { user: `alex.doe${SUFFIX}`, group: `payment-group${SUFFIX}`, token: `release-bot${SUFFIX}` },
};

/** What each language must show; the texts come from the i18n bundles, written out to catch a wrong bundle. */
const TEXT = {
  zh: {
    browserLocale: 'en-US', // start in the other language: the switch must change it
    switchTo: '简体中文',
    loginTitle: '登录控制台',
    loginInvalid: '用户名或密码错误。',
    nav: ['发布管理', '发布流程', '执行记录', '流量侦测', '模拟测试', '系统', '用户管理', '组管理', 'API 令牌', '审计日志'],
    releasesTitle: '发布列表',
    workflows: '发布流程',
    users: '用户管理',
    groups: '组管理',
    tokens: 'API 令牌',
    audit: '审计日志',
    userCreated: '已创建用户',
    groupCreated: '已创建组',
    secretWarning: '它只显示这一次',
    roleViewer: '只读用户',
    revoked: '已吊销',
    forbidden: '无权访问',
    stale: '已被他人修改，请重新加载后再修改。',
    groupsReadOnly: '只有管理员可以修改组。',
    passwordWrong: '当前密码不正确。',
    passwordChanged: '密码已修改',
  },
  en: {
    browserLocale: 'zh-CN',
    switchTo: 'English',
    loginTitle: 'Sign in to the console',
    loginInvalid: 'Wrong user name or password.',
    nav: ['Releases', 'Workflows', 'Executions', 'Inspection', 'Simulation', 'System', 'Users', 'Groups', 'API tokens', 'Audit log'],
    releasesTitle: 'Release list',
    workflows: 'Workflows',
    users: 'Users',
    groups: 'Groups',
    tokens: 'API tokens',
    audit: 'Audit log',
    userCreated: 'User',
    groupCreated: 'Group',
    secretWarning: 'It is shown only once',
    roleViewer: 'Viewer',
    revoked: 'Revoked',
    forbidden: 'No access',
    stale: 'Someone else changed',
    groupsReadOnly: 'Only admins can change groups.',
    passwordWrong: 'The current password is wrong.',
    passwordChanged: 'Password changed',
  },
};

let server; // { url, child, dataDir, output }
let browser;

before(async () => {
  server = process.env.SWITCHYARD_URL ? { url: process.env.SWITCHYARD_URL.replace(/\/$/, '') } : await startServer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await stopServer(server);
  console.log(`screenshots in ${screenshotDir()}`);
});

describe('console', { timeout: 2 * TEST_TIMEOUT + 60_000 }, () => {
  for (const lang of ['zh', 'en']) {
    test(`admin works in ${lang === 'zh' ? '中文' : 'English'}`, { timeout: TEST_TIMEOUT }, async () => {
      await consoleFlow(lang);
    });
  }
});

async function consoleFlow(lang) {
  const T = TEXT[lang];
  const context = await browser.newContext({ locale: T.browserLocale, viewport: { width: 1440, height: 900 } });
  context.setDefaultTimeout(STEP_TIMEOUT);
  const page = await context.newPage();
  const problems = watchConsole(page);
  const names = NAMES[lang];
  try {
    // Not signed in: the console sends us to the login page, in the browser's language.
    await page.goto(server.url + '/');
    await page.waitForURL(/\/login/);
    const other = lang === 'zh' ? TEXT.en : TEXT.zh;
    await page.getByText(other.loginTitle).waitFor();

    // The switch changes the language before login, and the choice is remembered.
    await switchLanguage(page, T.switchTo);
    await page.getByText(T.loginTitle).waitFor();
    await page.reload();
    await page.getByText(T.loginTitle).waitFor();
    await settle(page);
    await shot(page, `login.${lang}`);

    // A wrong password shows the translated error.
    await page.getByTestId('login-username').fill('admin');
    await page.getByTestId('login-password').fill('not-the-password');
    await page.getByTestId('login-submit').click();
    const alert = page.getByTestId('error-alert');
    await alert.waitFor();
    assert.match(await alert.innerText(), new RegExp(escape(T.loginInvalid)));
    await shot(page, `login-error.${lang}`);

    // Sign in; the console opens at the release list with the navigation in this language.
    await page.getByTestId('login-password').fill(ADMIN_PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.waitForURL(/\/releases$/);
    await page.getByTestId('releases-table').waitFor();
    await page.getByText(T.releasesTitle, { exact: true }).waitFor();
    const nav = await page.getByTestId('nav').innerText();
    for (const label of T.nav) {
      assert.ok(nav.includes(label), `navigation shows "${label}" (got ${JSON.stringify(nav)})`);
    }
    await openMenu(page, T.workflows);
    await page.getByTestId('wf-table').waitFor();
    await settle(page);
    await shot(page, `workflows.${lang}`);

    // Groups: create one.
    await openMenu(page, T.groups);
    await page.getByTestId('groups-table').waitFor();
    await page.getByTestId('group-new').click();
    const groupDialog = await visibleDialog(page);
    await groupDialog.getByTestId('group-name').fill(names.group);
    await groupDialog.getByTestId('group-description').fill(lang === 'zh' ? '订单中心：下单、库存与支付回调服务' : 'Payment services: checkout, refunds and callbacks');
    await submitDialog(groupDialog);
    await page.locator('.ant-message-notice', { hasText: T.groupCreated }).filter({ hasText: names.group }).waitFor();
    await rowOf(page, 'groups-table', names.group).waitFor();

    // Users: create one in that group, then make it a viewer.
    await openMenu(page, T.users);
    await page.getByTestId('users-table').waitFor();
    await page.getByTestId('user-new').click();
    const userDialog = await visibleDialog(page);
    await userDialog.getByTestId('user-name').fill(names.user);
    await userDialog.getByTestId('user-display-name').fill(lang === 'zh' ? '张伟' : 'Alex Doe');
    await userDialog.getByTestId('user-password').fill(USER_PASSWORD);
    await pickOption(page, userDialog, 'user-groups', names.group, { search: true });
    await settle(page);
    await shot(page, `system-users-create.${lang}`);
    await submitDialog(userDialog);
    await page.locator('.ant-message-notice', { hasText: T.userCreated }).filter({ hasText: names.user }).waitFor();
    const userRow = rowOf(page, 'users-table', names.user);
    await userRow.waitFor();
    assert.ok((await userRow.innerText()).includes(names.group), 'the new user is shown in its group');
    await userRow.getByRole('button').first().click(); // edit
    const editDialog = await visibleDialog(page);
    await pickOption(page, editDialog, 'user-role', T.roleViewer);
    await submitDialog(editDialog);
    await userRow.getByText(T.roleViewer).waitFor();
    await settle(page);
    await shot(page, `system-users.${lang}`);

    // The group now lists its member.
    await openMenu(page, T.groups);
    const groupRow = rowOf(page, 'groups-table', names.group);
    await groupRow.getByText(names.user).waitFor();
    await settle(page);
    await shot(page, `system-groups.${lang}`);

    // API tokens: create one, read the secret from the once-only dialog, use it, revoke it.
    await openMenu(page, T.tokens);
    await page.getByTestId('tokens-table').waitFor();
    await page.getByTestId('token-new').click();
    const tokenDialog = await visibleDialog(page);
    await tokenDialog.getByTestId('token-name').fill(names.token);
    await submitDialog(tokenDialog);
    const secretDialog = page.getByTestId('token-secret-dialog');
    await secretDialog.waitFor();
    await secretDialog.getByText(T.secretWarning, { exact: false }).waitFor();
    const secret = await page.getByTestId('token-secret').inputValue();
    assert.match(secret, /^sy_\S{16,}$/, 'the dialog shows the token secret');
    await settle(page);
    await shot(page, `system-tokens-secret.${lang}`);
    const asToken = await fetch(`${server.url}/api/auth/me`, { headers: { Authorization: `Bearer ${secret}` } });
    assert.equal(asToken.status, 200, 'the secret works as a bearer token');
    assert.equal((await asToken.json()).user.name, 'admin');
    const bearer = { Authorization: `Bearer ${secret}`, 'Content-Type': 'application/json' };
    const tokenId = (await (await fetch(`${server.url}/api/tokens`, { headers: bearer })).json()).find((x) => x.name === names.token).id;
    await page.getByTestId('token-secret-done').click();
    await secretDialog.waitFor({ state: 'detached' });
    const tokenRow = rowOf(page, 'tokens-table', names.token);
    await tokenRow.waitFor();
    assert.ok((await tokenRow.innerText()).includes(secret.slice(0, 6)), 'the table shows the token prefix, not the secret');
    assert.ok(!(await page.content()).includes(secret), 'the secret is gone once the dialog is closed');
    await tokenRow.getByText(/\d{2}:\d{2}:\d{2}/).nth(2).waitFor(); // created, expires, and now last used
    await settle(page);
    await shot(page, `system-tokens.${lang}`);

    // Someone else changes the user while we edit it: the console says so and reloads it.
    await openMenu(page, T.users);
    await rowOf(page, 'users-table', names.user).getByRole('button').first().click();
    const staleDialog = await visibleDialog(page);
    const current = await (await fetch(`${server.url}/api/users/${names.user}`, { headers: bearer })).json();
    const elsewhere = await fetch(`${server.url}/api/users/${names.user}`, {
      method: 'PATCH',
      headers: bearer,
      body: JSON.stringify({ revision: current.revision, displayName: 'changed elsewhere' }),
    });
    assert.equal(elsewhere.status, 200, 'the concurrent change is accepted');
    await staleDialog.getByTestId('user-display-name').fill(lang === 'zh' ? '张伟（运维）' : 'Alex Doe (ops)');
    await staleDialog.locator('.ant-modal-footer .ant-btn-primary').click();
    const staleAlert = staleDialog.getByTestId('error-alert');
    await staleAlert.getByText(T.stale).waitFor();
    await settle(page);
    await shot(page, `system-users-stale.${lang}`);
    await staleAlert.getByRole('button').click(); // reload
    await staleAlert.waitFor({ state: 'detached' });
    assert.equal(await staleDialog.getByTestId('user-display-name').inputValue(), 'changed elsewhere', 'reload shows the other change');
    await staleDialog.getByTestId('user-display-name').fill(lang === 'zh' ? '张伟（运维）' : 'Alex Doe (ops)');
    await submitDialog(staleDialog);
    await rowOf(page, 'users-table', names.user).getByText(lang === 'zh' ? '张伟（运维）' : 'Alex Doe (ops)').waitFor();

    await openMenu(page, T.tokens);
    await tokenRow.getByRole('button').click(); // revoke
    await page.locator('.ant-popconfirm:visible .ant-btn-dangerous').click();
    await tokenRow.getByText(T.revoked).first().waitFor();
    const revoked = await fetch(`${server.url}/api/auth/me`, { headers: { Authorization: `Bearer ${secret}` } });
    assert.equal(revoked.status, 401, 'a revoked token no longer works');

    // Audit log: what we just did is there.
    await openMenu(page, T.audit);
    const audit = page.getByTestId('audit-table');
    await audit.locator('tbody tr.ant-table-row').first().waitFor();
    for (const [action, resource] of [
      ['user.create', `user/${names.user}`],
      ['group.create', `group/${names.group}`],
      ['token.create', `token/${tokenId}`],
      ['token.revoke', `token/${tokenId}`],
    ]) {
      const row = audit.locator('tbody tr.ant-table-row').filter({ hasText: action }).filter({ hasText: resource }).first();
      await row.waitFor();
    }
    await settle(page);
    await shot(page, `system-audit.${lang}`);

    // Paging: push the group's creation off the first page, then load more.
    const rows = audit.locator('tbody tr.ant-table-row');
    const created = rows.filter({ hasText: 'group.create' }).filter({ hasText: `group/${names.group}` });
    await changeGroupManyTimes(page, names.group, AUDIT_PAGE_SIZE);
    await page.getByTestId('audit-refresh').click();
    await created.waitFor({ state: 'detached' });
    assert.equal(await rows.count(), AUDIT_PAGE_SIZE, 'the first page is full');
    await page.getByTestId('audit-more').click();
    await created.waitFor();
    assert.ok((await rows.count()) > AUDIT_PAGE_SIZE, 'the next page is appended');

    // The action filter narrows the list to user changes.
    await page.getByTestId('audit-action').locator('input').fill('user.');
    await page.getByTestId('audit-filters').locator('button[type="submit"]').click();
    await audit.locator('tbody tr.ant-table-row').filter({ hasText: 'group.create' }).waitFor({ state: 'detached' });
    const actions = await audit.locator('tbody tr.ant-table-row td:nth-child(4)').allInnerTexts(); // the Action column
    assert.ok(actions.length > 0 && actions.every((a) => a.startsWith('user.')), `filtered actions: ${actions}`);

    // Sign out: back on the login page, still in this language.
    await page.getByTestId('user-menu').click();
    await page.getByTestId('menu-signout').click();
    await page.waitForURL(/\/login/);
    await page.getByText(T.loginTitle).waitFor();
    // The session is gone: the console sends us back to the login page.
    await page.goto(server.url + '/system/tokens');
    await page.waitForURL(/\/login\?next=%2Fsystem%2Ftokens/);

    // The new user (a viewer now) signs in and lands where the link pointed.
    await page.getByTestId('login-username').fill(names.user);
    await page.getByTestId('login-password').fill(USER_PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.waitForURL(/\/system\/tokens$/);
    await page.getByTestId('tokens-table').waitFor();
    const viewerNav = await page.getByTestId('nav').innerText();
    for (const label of [T.users, T.audit]) {
      assert.ok(!viewerNav.includes(label), `a viewer does not see "${label}" (got ${JSON.stringify(viewerNav)})`);
    }
    await page.goto(server.url + '/system/users');
    await page.getByText(T.forbidden).waitFor();
    await settle(page);
    await shot(page, `forbidden.${lang}`);
    await openMenu(page, T.groups);
    await page.getByText(T.groupsReadOnly).waitFor();
    assert.equal(await page.getByTestId('group-new').count(), 0, 'a viewer cannot create groups');

    // Changing one's password: a wrong current password is shown on its field.
    await page.getByTestId('user-menu').click();
    await page.getByTestId('menu-password').click();
    const pwDialog = await visibleDialog(page);
    await pwDialog.locator('#current').fill('not-my-password');
    await pwDialog.locator('#new').fill(USER_PASSWORD + '-2');
    await pwDialog.locator('#confirm').fill(USER_PASSWORD + '-2');
    await pwDialog.locator('.ant-modal-footer .ant-btn-primary').click();
    await pwDialog.locator('.ant-form-item-explain-error', { hasText: T.passwordWrong }).waitFor();
    await settle(page);
    await shot(page, `change-password.${lang}`);
    await pwDialog.locator('#current').fill(USER_PASSWORD);
    await submitDialog(pwDialog);
    await page.locator('.ant-message-notice', { hasText: T.passwordChanged }).waitFor();

    // The session ends elsewhere (signed out in another tab): the next call
    // gets a 401 and the console goes back to the login page, keeping the place.
    const { csrfToken } = await (await page.request.get(`${server.url}/api/auth/me`)).json();
    const ended = await page.request.post(`${server.url}/api/auth/logout`, { headers: { 'X-CSRF-Token': csrfToken } });
    assert.equal(ended.status(), 204);
    await openMenu(page, T.tokens);
    await page.waitForURL(/\/login\?next=%2Fsystem%2Ftokens$/);
    await page.getByText(T.loginTitle).waitFor();
    const relogin = await fetch(`${server.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: names.user, password: USER_PASSWORD + '-2' }),
    });
    assert.equal(relogin.status, 200, 'the new password works');

    assert.deepEqual(problems, [], 'no console errors or warnings');
  } finally {
    await context.close();
  }
}

// --- helpers ---

const AUDIT_PAGE_SIZE = 50;

/** Changes a group's description n times through the API, with the browser's session. */
async function changeGroupManyTimes(page, name, n) {
  const { csrfToken } = await (await page.request.get(`${server.url}/api/auth/me`)).json();
  let { revision } = await (await page.request.get(`${server.url}/api/groups/${name}`)).json();
  for (let i = 0; i < n; i++) {
    const res = await page.request.patch(`${server.url}/api/groups/${name}`, {
      headers: { 'X-CSRF-Token': csrfToken },
      data: { revision, description: `change ${i + 1}` },
    });
    assert.equal(res.status(), 200, `group change ${i + 1}: ${await res.text()}`);
    ({ revision } = await res.json());
  }
}

/**
 * Console errors and warnings, uncaught page errors, and failed API calls
 * other than the ones this test provokes on purpose.
 */
const EXPECTED_FAILURES = [
  /^GET \/api\/auth\/me 401$/, // "who am I" while signed out
  /^POST \/api\/auth\/login 401$/, // the wrong password
  /^PUT \/api\/auth\/password 400$/, // the wrong current password
  /^PATCH \/api\/users\/[\w.-]+ 409$/, // the edit based on a stale revision
  /^GET \/api\/tokens 401$/, // after the session was ended elsewhere
];

function watchConsole(page) {
  return watch(page, EXPECTED_FAILURES);
}

async function switchLanguage(page, label) {
  await page.getByTestId('lang-switch').click();
  await page.locator('.ant-dropdown:visible .ant-dropdown-menu-item', { hasText: label }).click();
  await page.getByTestId('lang-switch').filter({ hasText: label }).waitFor();
}

async function openMenu(page, label) {
  await page.getByTestId('nav').locator('.ant-menu-item', { hasText: label }).click();
}

/** The dialog open now, pinned by its title id so it stays the same one when another opens. */
async function visibleDialog(page) {
  const open = page.locator('.ant-modal:visible').last();
  await open.waitFor();
  const id = await open.getAttribute('aria-labelledby');
  return page.locator(`.ant-modal[aria-labelledby="${id}"]`);
}

async function submitDialog(dialog) {
  await dialog.locator('.ant-modal-footer .ant-btn-primary').click();
  await dialog.waitFor({ state: 'hidden' });
}

/**
 * Opens an antd Select and clicks the option with this label; a multiple
 * select stays open, so close it. Searchable selects get the label typed
 * first: their option list is virtual, so a long one shows only a few.
 */
async function pickOption(page, dialog, testId, label, { search = false } = {}) {
  await dialog.getByTestId(testId).click();
  if (search) await page.keyboard.type(label);
  const dropdown = page.locator('.ant-select-dropdown:visible');
  await dropdown.locator('.ant-select-item-option', { hasText: label }).click();
  if (await dropdown.isVisible()) {
    await dialog.locator('.ant-modal-title').click();
    await dropdown.waitFor({ state: 'hidden' });
  }
}

function rowOf(page, table, text) {
  return page.getByTestId(table).locator('tbody tr.ant-table-row').filter({ hasText: text }).first();
}

// --- the server ---

async function startServer() {
  const dataDir = mkdtempSync(join(tmpdir(), 'switchyard-e2e-'));
  const child = spawn(BIN, ['server', '--listen', '127.0.0.1:0', '--data-dir', dataDir], {
    env: { ...process.env, SWITCHYARD_ADMIN_PASSWORD: ADMIN_PASSWORD, SWITCHYARD_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Never leave the server behind, even when the test process exits abnormally.
  process.once('exit', () => child.kill('SIGKILL'));
  const output = [];
  child.stderr.on('data', (b) => output.push(b.toString()));
  const lines = createInterface({ input: child.stdout });
  const url = await new Promise((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in 20 s:\n${output.join('')}`)), 20_000);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`cannot start ${BIN}: ${err.message} (build it with \`make e2e\` or set SWITCHYARD_BIN)`));
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before listening:\n${output.join('')}`));
    });
    lines.on('line', (line) => {
      output.push(line + '\n');
      const m = /^switchyard \S+ listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(line);
      if (m) {
        clearTimeout(timer);
        resolveUrl(m[1]);
      }
    });
  });
  child.removeAllListeners('exit');
  const info = await (await fetch(`${url}/`)).text();
  assert.ok(info.includes('<div id="root">'), `the binary serves the built console (${BIN}); build it with the UI`);
  return { url, child, dataDir, output };
}

async function stopServer(s) {
  if (!s?.child) return;
  const { child, dataDir } = s;
  if (child.exitCode === null && child.signalCode === null) {
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
  rmSync(dataDir, { recursive: true, force: true });
}
