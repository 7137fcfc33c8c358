import { describe, expect, test } from 'vitest';
import type { Refusal, ReleaseView } from '../../api/types';
import { translateError } from '../../i18n/errors';
import { editableButForLock, mayExecute, readOnlyReason, refusal } from './access';

const r = (code: Refusal['code'], reason: string, params: Record<string, string> = {}): Refusal => ({ code, reason, params, message: `english ${reason}` });

function access(over: Partial<ReleaseView>): ReleaseView {
  return { allowedOperations: [], mayEdit: false, refusals: {}, ...over } as ReleaseView;
}

describe('release access from the server', () => {
  test('a refusal is translated like the error the attempt would get', () => {
    const v = access({ refusals: { rollback: r('conflict', 'release.transition', { operation: 'rollback', state: 'FALLBACK' }) } });
    expect(translateError('en', refusal(v, 'rollback'))).toBe('The release is “Fallback”: “Execute rollback” is not possible now.');
    expect(translateError('zh', refusal(v, 'rollback'))).toBe('发布当前处于“兜底”状态，不能“执行回滚”。');
    expect(refusal(v, 'fallback')).toBeUndefined();
    expect(refusal(v, 'rollback')?.status).toBe(409);
  });

  test('an unknown reason falls back to the server’s English message', () => {
    const v = access({ refusals: { delete: r('forbidden', 'release.someday') } });
    expect(translateError('zh', refusal(v, 'delete'))).toBe('english release.someday');
  });

  test('the operations are the allowed ones', () => {
    const v = access({ allowedOperations: ['fallback', 'end'] });
    expect((['fallback', 'release', 'rollback', 'end'] as const).filter((op) => mayExecute(v, op))).toEqual(['fallback', 'end']);
  });

  test.each([
    { name: 'may edit', v: access({ mayEdit: true }), lock: true, ro: undefined },
    { name: "only someone else's lock", v: access({ refusals: { edit: r('conflict', 'release.locked', { holder: 'bob' }) } }), lock: true, ro: undefined },
    { name: 'their own lock in another session', v: access({ refusals: { edit: r('conflict', 'release.locked.session', { holder: 'bob' }) } }), lock: true, ro: undefined },
    { name: 'ended', v: access({ refusals: { edit: r('conflict', 'release.ended') } }), lock: false, ro: undefined },
    { name: 'viewer', v: access({ refusals: { edit: r('forbidden', 'auth.role', { role: 'operator' }) } }), lock: false, ro: 'viewer' },
    { name: 'not a member', v: access({ refusals: { edit: r('forbidden', 'auth.group', { group: 'g' }) } }), lock: false, ro: 'notMember' },
  ])('$name: takes the lock $lock, read-only for who they are: $ro', ({ v, lock, ro }) => {
    expect(editableButForLock(v)).toBe(lock);
    expect(readOnlyReason(v)).toBe(ro);
  });
});
