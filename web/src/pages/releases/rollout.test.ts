import { describe, expect, test } from 'vitest';
import { NO_ROLLOUT, rolloutKind, rolloutRequest } from './rollout';

describe('rolloutRequest', () => {
  test('only release and end carry a rollout', () => {
    expect(rolloutKind('release')).toBe('deploy');
    expect(rolloutKind('end')).toBe('offline');
    expect(rolloutKind('fallback')).toBeUndefined();
    expect(rolloutKind('rollback')).toBeUndefined();
    expect(rolloutRequest('rollback', { ...NO_ROLLOUT, enabled: true, version: '1.1' })).toEqual({ body: {} });
  });

  test('nothing unless chosen', () => {
    expect(rolloutRequest('release', { ...NO_ROLLOUT, version: '1.1' })).toEqual({ body: {} });
  });

  test('a deploy names the version, instances and settle time', () => {
    expect(rolloutRequest('release', { enabled: true, version: '1.1', instances: 2, settleSeconds: 5 })).toEqual({
      body: { deploy: { version: '1.1', instances: 2, settle: '5s' } },
    });
  });

  test('a version that is not one is refused, not corrected', () => {
    for (const version of ['', ' 1.1', '1.1 ', '-1', 'a/b', 'x'.repeat(65)]) {
      expect(rolloutRequest('release', { enabled: true, version, instances: 1, settleSeconds: 2 }).problem, version).toBe('rollout.version.required');
    }
  });

  test('an offline carries the settle time', () => {
    expect(rolloutRequest('end', { ...NO_ROLLOUT, enabled: true, settleSeconds: 3 })).toEqual({ body: { offline: { settle: '3s' } } });
  });
});
