// Who may save, run and abort the tests of a group: its operators and the
// admins (the server's verifyGroup: release.Authorize, checked again on
// every write). Everyone signed in may read.
import type { LoginResponse } from '../../api/types';
import { mayCreateIn } from '../releases/access';

export type ReadOnly = 'viewer' | 'notMember' | undefined;

/** Why the user may not act on the tests of group; undefined when they may. */
export function readOnlyFor(me: LoginResponse | null | undefined, group: string | undefined): ReadOnly {
  const role = me?.user.role;
  if (role !== 'admin' && role !== 'operator') return 'viewer';
  if (group && !mayCreateIn(me, group)) return 'notMember';
  return undefined;
}
