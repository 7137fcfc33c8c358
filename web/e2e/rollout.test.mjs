// Browser test of 执行发布 with 上线新服务 and 结束发布 with 下线旧服务 on the
// release page, against `switchyard demo --fresh` (1.0 only, real
// processes): the preview dialog's option deploys 1.1 through the process
// deployer, shows the progress and publishes once the new instances are
// healthy; then 结束发布 with the old version taken offline stops 1.0 and
// clears the rule; the history marks both. Screenshots as in harness.mjs.
//
//   SWITCHYARD_BIN   the binary (default ../bin/switchyard, built with the UI)
//   ROLLOUT_PORT_OFFSET the demo's --port-offset (default 41000)
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, settle, shot, shotOf, watchConsole } from './harness.mjs';
import { eventually, hopsOf, invokeURL, listening, startDemo, stopDemo } from './demo.mjs';

const OFFSET = Number(process.env.ROLLOUT_PORT_OFFSET ?? 41000);
const RELEASE = 'discovery-guide-1.1';
const T = {
  zh: { deploy: '先上线新服务', offline: '先下线旧服务', ready: '所有新实例已注册且健康，开始发布', ended: '结束', released: '发布', gone: '旧版本已下线，开始清除规则' },
  en: { deploy: 'Bring the new version online first', offline: 'Take the old version offline first', ready: 'Every new instance is registered and healthy; publishing', ended: 'Ended', released: 'Released', gone: 'The old version is offline; clearing the rule' },
};

let demo;
let browser;

before(async () => {
  demo = await startDemo({ offset: OFFSET, extra: ['--fresh'] });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await stopDemo(demo);
});

for (const lang of ['zh', 'en']) {
  test(`执行发布 with deploy and 结束发布 with offline in ${lang === 'zh' ? '中文' : 'English'}`, { timeout: 180_000 }, async (t) => {
    if (lang === 'en') {
      // The first run ended the release and took 1.0 offline: start over.
      await stopDemo(demo);
      demo = await startDemo({ offset: OFFSET, extra: ['--fresh'] });
    }
    const R = T[lang];
    assert.ok(!(await listening(3002 + OFFSET)), '--fresh: 1.1 is not running yet');
    const context = await browser.newContext({ locale: lang === 'zh' ? 'zh-CN' : 'en-US', viewport: { width: 1600, height: 1000 } });
    context.setDefaultTimeout(20_000);
    await context.addInitScript((l) => window.localStorage.setItem('switchyard.lang', l), lang);
    const page = await context.newPage();
    const problems = watchConsole(page, [/^GET \/api\/auth\/me 401$/]);
    await page.goto(demo.url + '/releases');
    await page.waitForURL(/\/login/);
    await page.getByTestId('login-username').fill('admin');
    await page.getByTestId('login-password').fill('switchyard-demo');
    await page.getByTestId('login-submit').click();
    await page.waitForURL(/\/releases$/);
    await page.goto(`${demo.url}/releases/${RELEASE}`);
    await page.getByTestId('op-release').waitFor();
    await page.getByTestId('gray-weight-0').fill('100');

    // 执行发布 with 上线新服务.
    await page.getByTestId('op-release').click();
    const dialog = page.locator('.ant-modal:visible', { has: page.getByTestId('rollout-options') });
    await dialog.getByTestId('rollout-deploy').click();
    await dialog.getByTestId('rollout-version').fill('1.1');
    await dialog.getByTestId('rollout-settle').fill('1');
    await settle(page);
    await shotOf(dialog, `release-deploy-dialog.${lang}`);
    await dialog.getByTestId('preview-confirm').click();
    await dialog.waitFor({ state: 'hidden', timeout: 120_000 });
    const result = page.getByTestId('op-result');
    await result.waitFor();
    await result.getByTestId('rollout-progress').getByText(R.ready).waitFor();
    assert.ok(await listening(3002 + OFFSET), '1.1 of service-a runs');
    assert.ok(await listening(4002 + OFFSET), '1.1 of service-b runs');
    await eventually(async () => {
      for (let i = 0; i < 20; i++) {
        const body = await (await fetch(invokeURL(OFFSET))).text();
        assert.deepEqual(hopsOf(body), ['1.1', '1.1'], 'gray 100: every request on 1.1');
      }
    });
    await settle(page);
    await shot(page, `release-deployed.${lang}`);

    // 结束发布 with 下线旧服务.
    await page.getByTestId('op-end').click();
    const endDialog = page.locator('.ant-modal:visible', { has: page.getByTestId('rollout-options') });
    await endDialog.getByTestId('rollout-offline').click();
    await endDialog.getByTestId('rollout-settle').fill('1');
    await endDialog.getByTestId('preview-confirm').click();
    await endDialog.waitFor({ state: 'hidden', timeout: 120_000 });
    await page.getByTestId('op-result').getByTestId('rollout-progress').getByText(R.gone).waitFor();
    await page.getByTestId('release-state').getByTestId('release-state-tag').filter({ hasText: R.ended }).waitFor();
    assert.ok(!(await listening(3001 + OFFSET)), '1.0 of service-a stopped');
    assert.ok(!(await listening(4001 + OFFSET)), '1.0 of service-b stopped');
    const tags = page.getByTestId('release-history').getByTestId('history-rollout');
    await eventually(async () => assert.equal(await tags.count(), 2, 'the history marks the deploy and the offline'));
    assert.match(await tags.nth(0).innerText(), new RegExp(R.offline));
    assert.match(await tags.nth(1).innerText(), new RegExp(R.deploy));
    await settle(page);
    await shot(page, `release-offline.${lang}`);
    assert.deepEqual(problems, [], 'no console errors');
    await context.close();
    t.diagnostic(`${lang}: deployed 1.1, published at 100%, took 1.0 offline, ended`);
  });
}
