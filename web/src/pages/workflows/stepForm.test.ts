import { describe, expect, test } from 'vitest';
import templates from './testdata/templates.json';
import { checkStep } from './stepForm';
import type { Step, TemplateInfo } from './model';
import { parseDuration } from './duration';

const step = (type: Step['type'], config?: Record<string, unknown>, extra: Partial<Step> = {}): Step => ({
  id: 'S1', name: 'x', type, preconditions: [], postActions: [], timeout: 0, ...(config ? { config } : {}), ...extra,
});
const fields = (s: Step) => checkStep(s).map((p) => `${p.field} ${p.key}`);

describe('side panel checks', () => {
  test('every template step passes (DEPLOY once it has its version)', () => {
    for (const t of templates as TemplateInfo[]) {
      for (const s of t.steps) {
        const filled = s.type === 'DEPLOY' ? { ...s, config: { ...(s.config as object), version: '1.1' } } : s;
        expect(fields(filled), `${t.template} ${s.id}`).toEqual([]);
      }
    }
  });

  test.each([
    ['weight 150', step('TRAFFIC_SHIFT', { weight: 150 }), ['config.weight workflows.check.int']],
    ['weight 10.5', step('TRAFFIC_SHIFT', { weight: 10.5 }), ['config.weight workflows.check.int']],
    ['no weight', step('TRAFFIC_SHIFT', {}), ['config.weight workflows.check.required']],
    ['bad interval', step('TRAFFIC_SHIFT', { weight: 10, interval: '5 sec' }), ['config.interval workflows.check.duration']],
    ['interval too long', step('TRAFFIC_SHIFT', { weight: 10, interval: '2h' }), ['config.interval workflows.check.duration.range']],
    ['deploy without version', step('DEPLOY', { instances: 1 }), ['config.version workflows.check.required']],
    ['deploy version with a space', step('DEPLOY', { version: '1 .1' }), ['config.version workflows.check.token']],
    ['instances 101', step('DEPLOY', { version: '1', instances: 101 }), ['config.instances workflows.check.int']],
    ['monitor without thresholds', step('MONITOR', { duration: '1m' }), ['config.thresholds workflows.check.thresholds.none']],
    ['monitor interval over duration', step('MONITOR', { duration: '1m', interval: '2m', thresholds: { cpu: { max: 90 } } }), ['config.interval workflows.check.interval.longer']],
    ['success rate ratio', step('MONITOR', { thresholds: { successRate: { maxRatio: 2 } } }), ['config.thresholds.successRate.maxRatio workflows.check.threshold.ratio']],
    ['min above max', step('MONITOR', { thresholds: { cpu: { min: 90, max: 10 } } }), ['config.thresholds.cpu.max workflows.check.threshold.order']],
    ['a floor alone', step('MONITOR', { thresholds: { avgLatency: { floor: 20 } } }), ['config.thresholds.avgLatency workflows.check.threshold.empty']],
    ['monitor timeout shorter than it runs', step('MONITOR', { duration: '10m', thresholds: { cpu: { max: 90 } } }, { timeout: 5 }), ['timeout workflows.check.timeout.short']],
    ['wait without duration', step('WAIT', {}), ['config.duration workflows.check.required']],
    ['health path', step('HEALTH_CHECK', { path: 'healthz' }), ['config.path workflows.check.path']],
    ['test gateway', step('TEST', { gateway: 'ftp://x' }), ['config.gateway workflows.check.url']],
    ['test nothing', step('TEST', { expect: 'none' }), ['config.command workflows.check.test.nothing']],
    ['timeout over 7 days', step('PRE_CHECK', undefined, { timeout: 10081 }), ['timeout workflows.check.range']],
    ['no name', step('PRE_CHECK', undefined, { name: '  ' }), ['name workflows.check.required']],
    ['retries 11', step('PRE_CHECK', undefined, { onFailure: { action: 'RETRY', retries: 11 } }), ['onFailure.retries workflows.check.range']],
    ['settings on a start', step('START', { x: 1 }), ['config workflows.check.noConfig']],
  ])('%s', (_, s, want) => {
    expect(fields(s)).toEqual(want);
  });

  test('Go durations', () => {
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('1.5s')).toBe(1500);
    expect(parseDuration('0')).toBe(0);
    expect(parseDuration('5')).toBeUndefined();
    expect(parseDuration('-5s')).toBeUndefined();
  });
});
