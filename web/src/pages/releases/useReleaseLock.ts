// The operating lock of a release (seed 003: one person operates a release at
// a time). The lock belongs to this browser session: the same user in
// another browser (or the CLI) is refused like anyone else. The page takes
// it when it opens, renews the 60 s lease every 20 s while open, and gives
// it up when it is left (the tab closing included). Someone else's lock
// makes the page read-only; the renewal keeps trying, so the page becomes
// editable once they leave — and whenever the lock is taken (again), the
// page reloads the release first (onTaken), so it never operates on what it
// showed before. refresh() asks at once (the page calls it when the status
// it polls says the lock changed hands). An ended release holds no lock:
// the page stops asking.
import { useCallback, useEffect, useRef, useState } from 'react';
import { api } from '../../api/client';
import { ApiError } from '../../api/error';
import type { ReleaseLock } from '../../api/types';

export const LOCK_RENEW_MS = 20_000;

export type LockStatus =
  | { kind: 'off' }
  | { kind: 'pending' }
  | { kind: 'held'; lock: ReleaseLock }
  | { kind: 'other'; holder: string; since?: string }
  /** The same user holds it in another browser session or with a token. */
  | { kind: 'elsewhere'; since?: string }
  /** The release ended meanwhile: nothing to lock. */
  | { kind: 'ended' }
  | { kind: 'error'; error: unknown };

/**
 * Mounted pages per release. React's development mode mounts a page twice;
 * the lock is given up only when no page of the release is left, a moment
 * after the last one went away.
 */
const mounted = new Map<string, number>();

async function take(name: string): Promise<LockStatus> {
  try {
    const lock = await api.call(api.client.POST('/api/releases/{name}/lock', { params: { path: { name } } }));
    return { kind: 'held', lock };
  } catch (err) {
    if (err instanceof ApiError) {
      switch (err.reason) {
        case 'release.locked':
          return { kind: 'other', holder: err.params.holder ?? '?', since: err.params.since };
        case 'release.locked.session':
          return { kind: 'elsewhere', since: err.params.since };
        case 'release.ended':
          return { kind: 'ended' };
      }
    }
    return { kind: 'error', error: err };
  }
}

function giveUp(name: string, keepalive = false) {
  // Best effort: the lease expires by itself within a minute anyway.
  void api.client.DELETE('/api/releases/{name}/lock', { params: { path: { name } }, keepalive }).catch(() => undefined);
}

/**
 * @param onTaken called, and awaited, when the page takes the lock it did
 *   not hold: the page reloads the release there, before it may operate.
 */
export function useReleaseLock(name: string | undefined, enabled: boolean, onTaken?: () => Promise<void>) {
  const [status, setStatus] = useState<LockStatus>({ kind: enabled && name ? 'pending' : 'off' });
  const held = useRef(false);
  const taken = useRef(onTaken);
  taken.current = onTaken;
  // One request at a time: a renewal and a refresh never race.
  const inFlight = useRef<Promise<void> | null>(null);
  const live = useRef(false);

  const ask = useCallback(async () => {
    if (!name) return;
    if (inFlight.current) return inFlight.current;
    const run = (async () => {
      const next = await take(name);
      if (!live.current) {
        if (next.kind === 'held' && !mounted.get(name)) giveUp(name);
        return;
      }
      if (next.kind === 'held' && !held.current) {
        await taken.current?.().catch(() => undefined);
      }
      held.current = next.kind === 'held';
      setStatus(next);
    })();
    inFlight.current = run;
    try {
      await run;
    } finally {
      inFlight.current = null;
    }
  }, [name]);

  useEffect(() => {
    if (!enabled || !name) {
      setStatus({ kind: 'off' });
      return;
    }
    mounted.set(name, (mounted.get(name) ?? 0) + 1);
    live.current = true;
    setStatus((s) => (s.kind === 'held' ? s : { kind: 'pending' }));
    void ask();
    const timer = window.setInterval(() => void ask(), LOCK_RENEW_MS);
    const onPageHide = () => {
      if (held.current) giveUp(name, true);
    };
    window.addEventListener('pagehide', onPageHide);
    return () => {
      live.current = false;
      window.clearInterval(timer);
      window.removeEventListener('pagehide', onPageHide);
      mounted.set(name, (mounted.get(name) ?? 1) - 1);
      const wasHeld = held.current;
      held.current = false;
      window.setTimeout(() => {
        if (wasHeld && !mounted.get(name)) giveUp(name);
      }, 100);
    };
  }, [name, enabled, ask]);

  /** Breaks someone else's lock (admins) and takes it. */
  const breakLock = useCallback(async () => {
    if (!name) return;
    await api.call(api.client.POST('/api/releases/{name}/lock/break', { params: { path: { name } } }));
    await ask();
  }, [name, ask]);

  return { status, refresh: ask, breakLock };
}
