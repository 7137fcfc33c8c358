import { describe, expect, test } from 'vitest';
import { translator } from '../../i18n/messages';
import type { Assertion, VerifyBatch, VerifyPhase } from './model';
import { assertionTally, assertionView, batchTitle, currentPhase, phasesOf, tally } from './phases';

const zh = translator('zh');
const en = translator('en');

const batch = (over: Partial<VerifyBatch> = {}): VerifyBatch => ({
  kind: 'bluegreen',
  header: { xyz: '1' },
  loop: 1,
  samples: 100,
  planned: 100,
  counts: [
    { key: 'a@@1.0', service: 'a', version: '1.0', count: 0, side: 'old' },
    { key: 'a@@1.1', service: 'a', version: '1.1', count: 100, side: 'new' },
  ],
  assertions: [],
  passed: true,
  ...over,
});

const assertion = (name: string, passed: boolean, params: Record<string, string>, expected = 'server expected', actual = 'server actual'): Assertion => ({
  name,
  passed,
  expected,
  actual,
  message: { key: `verify.assert.${name}`, params, text: 'english' },
});

describe('the plan and the tally', () => {
  test('before a run: seven phases, 5–7 skipped without the second release', () => {
    expect(phasesOf(undefined).map((p) => `${p.index}:${p.name}:${p.status}`)).toEqual([
      '1:reset:PENDING',
      '2:basic:PENDING',
      '3:release1:PENDING',
      '4:reset:PENDING',
      '5:recreate-basic:PENDING',
      '6:recreate-release2:PENDING',
      '7:reset:PENDING',
    ]);
    expect(tally(phasesOf([], false))).toMatchObject({ PENDING: 4, SKIPPED: 3, total: 7 });
  });
  test('the phase under way, else the failed one', () => {
    const ph = (index: number, status: VerifyPhase['status']): VerifyPhase => ({ index, name: 'reset', action: '', status, batches: [] });
    expect(currentPhase([ph(1, 'PASSED'), ph(2, 'RUNNING'), ph(3, 'PENDING')])?.index).toBe(2);
    expect(currentPhase([ph(1, 'PASSED'), ph(2, 'FAILED'), ph(3, 'SKIPPED')])?.index).toBe(2);
    expect(currentPhase([ph(1, 'PASSED')])).toBeUndefined();
    const withAssertions = { ...ph(3, 'FAILED'), batches: [batch({ assertions: [assertion('isolation', true, {}), assertion('bluegreen.side', false, {})] })] };
    expect(assertionTally(withAssertions)).toEqual({ passed: 1, failed: 1 });
  });
});

describe('batches and assertions in the user’s language', () => {
  test('batch titles', () => {
    expect(batchTitle(zh, batch())).toBe('蓝绿 · xyz=1');
    expect(batchTitle(en, batch({ kind: 'gray', header: {}, loop: 2 }), 2)).toBe('Gray · no header · loop 2');
  });
  test('a side assertion: expected from the version’s own side', () => {
    const b = batch();
    expect(assertionView(zh, assertion('bluegreen.side', true, { key: 'a@@1.1', count: '100', side: 'new' }), b)).toMatchObject({
      name: '蓝绿路由',
      subject: 'a@@1.1',
      expected: '命中（新版本）',
      actual: '100 次',
    });
    expect(assertionView(en, assertion('bluegreen.side', true, { key: 'a@@1.0', count: '0', side: 'new' }), b)).toMatchObject({ expected: '0 hits (old versions)', actual: '0 hits' });
  });
  test('gray weight and equal counts, isolation', () => {
    const b = batch({ kind: 'gray' });
    expect(assertionView(zh, assertion('gray.weight.new', false, { side: 'new', weight: '10', offset: '5', share: '17.3' }), b)).toMatchObject({
      subject: '新版本',
      expected: '10% ± 5（严格）',
      actual: '17.30%',
      passed: false,
    });
    expect(assertionView(en, assertion('gray.equal.old', true, { service: 'b', previous: 'a', count: '900', want: '900' }), b)).toMatchObject({
      subject: 'b',
      expected: '900 hits (as a)',
      actual: '900 hits',
    });
    expect(assertionView(zh, assertion('isolation', true, { crossed: '0', samples: '1000', example: '' }), b)).toMatchObject({ expected: '每条链路只在一侧', actual: '1000 次中 0 次交叉' });
  });
  test('without its params, the server’s text', () => {
    expect(assertionView(zh, assertion('normal.hit', true, {}, '>= 1 hit', '5 hits'), batch())).toMatchObject({ expected: '≥ 1 次', actual: '5 hits' });
    expect(assertionView(zh, assertion('some.new', true, {}, 'e', 'a'), batch())).toMatchObject({ name: 'some.new', expected: 'e', actual: 'a' });
  });
});
