import { expect, test } from 'vitest';
import type { LoginResponse } from '../../api/types';
import { readOnlyFor } from './access';

const me = (role: string, groups: string[]) => ({ user: { role, groups } }) as unknown as LoginResponse;

test('operators of the group and admins may act; viewers and other operators read', () => {
  expect(readOnlyFor(me('admin', []), 'g')).toBeUndefined();
  expect(readOnlyFor(me('operator', ['g']), 'g')).toBeUndefined();
  expect(readOnlyFor(me('operator', ['h']), 'g')).toBe('notMember');
  expect(readOnlyFor(me('viewer', ['g']), 'g')).toBe('viewer');
  expect(readOnlyFor(null, 'g')).toBe('viewer');
});
