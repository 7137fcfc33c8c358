// What the signed-in user may do with a release comes from the server with
// the release (ReleaseView: allowedOperations, mayEdit, mayDelete, mayLock,
// mayBreakLock, and for everything refused the reason, as the error the
// attempt would get): the console asks and translates, it does not work the
// state machine or the permissions out again.
import { ApiError } from '../../api/error';
import type { LoginResponse, Operation, Refusal, ReleaseView } from '../../api/types';

/** The keys of ReleaseView.refusals: the operations and the other actions. */
export type ReleaseAction = Operation | 'edit' | 'delete' | 'lock' | 'breakLock';

const STATUS: Record<Refusal['code'], number> = { forbidden: 403, conflict: 409 };

/** Why the user may not do this now, as an error to translate (errorText); undefined when they may. */
export function refusal(v: ReleaseView, action: ReleaseAction): ApiError | undefined {
  const r = v.refusals[action];
  return r && new ApiError(STATUS[r.code] ?? 409, { code: r.code, message: r.message, reason: r.reason, params: r.params });
}

export function mayExecute(v: ReleaseView, op: Operation): boolean {
  return v.allowedOperations.includes(op);
}

/**
 * Whether only someone else's lock (or the user's own in another browser
 * session) keeps the user from editing: the page takes the lock (and keeps
 * trying while it is held elsewhere) only then.
 */
export function editableButForLock(v: ReleaseView): boolean {
  const why = v.refusals.edit?.reason;
  return v.mayEdit || why === 'release.locked' || why === 'release.locked.session';
}

/** Why the page is read-only for this user, when it is for who they are (not for the state or a lock). */
export function readOnlyReason(v: ReleaseView): 'viewer' | 'notMember' | undefined {
  switch (v.refusals.edit?.reason) {
    case 'auth.role':
      return 'viewer';
    case 'auth.group':
      return 'notMember';
  }
  return undefined;
}

// Creating is the one check the console still makes itself: there is no
// release yet to carry it. It mirrors the server's (release.Authorize: an
// operator of the group, or an admin), which refuses anything else anyway.

export function mayCreateReleases(me: LoginResponse | null | undefined): boolean {
  const role = me?.user.role;
  return role === 'admin' || role === 'operator';
}

export function mayCreateIn(me: LoginResponse | null | undefined, group: string): boolean {
  const user = me?.user;
  return !!user && (user.role === 'admin' || (user.role === 'operator' && user.groups.includes(group)));
}
