import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { ApiError } from '../../api/error';
import { en } from '../../i18n/en';
import { formFieldOf, messageText, placeErrors, shownField, verifyErrorText } from './messages';

describe('run messages', () => {
  test('translated by key, nested messages first', () => {
    const m = {
      key: 'verify.phase.failed',
      params: { phase: '3', name: 'release1', assertion: 'bluegreen.side', expected: 'x', actual: 'y' },
      nested: { assertion: { key: 'verify.assert.bluegreen.side', params: { key: 'a@@1.1', count: '0', side: 'new' }, text: 'only the new versions…' } },
      text: 'phase 3 (release1) failed',
    };
    expect(messageText('zh', m)).toBe('阶段 3 未通过：只应访问新版本：a@@1.1 被访问 0 次。');
    expect(messageText('en', m)).toBe('Phase 3 failed: Only the new versions are reached: a@@1.1 was hit 0 times.');
  });
  test('the restore line', () => {
    const m = { key: 'verify.restore.restored', params: { key: 'g/gw', version: '12' }, text: 'the rule in effect before the simulation (version 9) is back' };
    expect(messageText('zh', m)).toBe('模拟前生效的规则已恢复到 g/gw（当前版本 12）。');
  });
  test('an error key, and the English text when a param is missing or the key unknown', () => {
    expect(messageText('zh', { key: 'verify.running', params: { id: 'r1', task: 'g@@gw', user: 'admin', since: 'x' }, text: 't' })).toContain('模拟 r1 正在运行');
    expect(messageText('zh', { key: 'verify.aborted', text: 'aborted by bob' })).toBe('aborted by bob');
    expect(messageText('zh', { key: 'verify.nothing', text: 'as sent' })).toBe('as sent');
  });
});

describe('field errors', () => {
  test('named as the user knows them', () => {
    expect(shownField('conditions.sampleCount')).toBe('testcase.sample.count');
    expect(shownField('conditionsText.testcase.gray.weight.offset')).toBe('testcase.gray.weight.offset');
    expect(shownField('strategy.service[0]')).toBe('strategy.service[0]');
    const err = new ApiError(400, { code: 'invalid', reason: 'verify.conditions.range', field: 'conditions.sampleCount', message: 'm', params: { field: 'conditions.sampleCount', min: '1', max: '10000' } });
    expect(verifyErrorText('zh', err)).toBe('testcase.sample.count 必须在 1 到 10000 之间。');
  });
  test('placed on the form', () => {
    expect(formFieldOf('release1.blueGreen[0].expression')).toBe('release1');
    expect(formFieldOf('strategy')).toBe('strategy');
    expect(formFieldOf('conditions.resultFilter')).toEqual(['conditions', 'resultFilter']);
    expect(formFieldOf('conditionsText.testcase.sample.count')).toBe('conditionsText');
    expect(formFieldOf('inject')).toBeUndefined();
    const details = [
      new ApiError(400, { code: 'invalid', reason: 'verify.service.empty', field: 'strategy.service', message: 'a', params: { field: 'strategy.service' } }),
      new ApiError(400, { code: 'invalid', reason: 'verify.inject.off', field: 'inject', message: 'b' }),
    ];
    const { fields, rest } = placeErrors(new ApiError(400, { code: 'invalid', message: 'a', details }), 'zh');
    expect(fields).toEqual([{ name: 'strategy', errors: ['strategy.service 至少要列出一个服务（初始化失败，服务列表为空）。'] }]);
    expect(rest).toEqual([details[1]]);
  });
});

// The reasons the verification API and its runs send: every one has a
// translation (error.<reason>, or msg.<key> for a run's messages). The
// console's own i18n test does not scan the verify package.
test('every verification reason the server sends is translated', () => {
  const root = fileURLToPath(new URL('../../../..', import.meta.url));
  if (!existsSync(join(root, 'go.mod'))) return;
  const files = [
    ...readdirSync(join(root, 'verify')).filter((f) => f.endsWith('.go') && !f.endsWith('_test.go')).map((f) => join(root, 'verify', f)),
    join(root, 'verify.go'),
    join(root, 'httpapi', 'verify.go'),
  ];
  const found = new Set<string>();
  for (const f of files) {
    const src = readFileSync(f, 'utf8');
    for (const re of [/WithReason\("(verify\.[\w.]+)"/g, /FieldErrorf\([^,()]+, "(verify\.[\w.]+)"/g, /invalid\([^"]*?"(verify\.[\w.]+)"/g, /Key: "(verify\.[\w.]+)"/g]) {
      for (const m of src.matchAll(re)) if (!m[1].endsWith('.')) found.add(m[1]);
    }
  }
  expect(found.size).toBeGreaterThan(30);
  const missing = [...found].filter((r) => !(`error.${r}` in en) && !(`msg.${r}` in en));
  expect(missing).toEqual([]);
  // keys built at run time: the assertion names and the restore outcomes
  for (const a of ['normal.hit', 'basic.side', 'bluegreen.side', 'isolation', 'gray.equal.old', 'gray.equal.new', 'gray.weight.old', 'gray.weight.new']) {
    expect(`msg.verify.assert.${a}` in en, a).toBe(true);
  }
  for (const r of ['restored', 'unchanged', 'skipped', 'failed']) expect(`msg.verify.restore.${r}` in en, r).toBe(true);
});
