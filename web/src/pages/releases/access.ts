// Who may change a release: admins, and operators who are members of its
// group (seed 003: a group is a department). The server decides; the
// console only avoids offering what it would refuse.
import type { LoginResponse } from '../../api/types';

export function mayCreateReleases(me: LoginResponse | null | undefined): boolean {
  const role = me?.user.role;
  return role === 'admin' || role === 'operator';
}

export function mayOperate(me: LoginResponse | null | undefined, group: string): boolean {
  const user = me?.user;
  if (!user) return false;
  return user.role === 'admin' || (user.role === 'operator' && user.groups.includes(group));
}
