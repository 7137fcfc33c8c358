// The operating lock of a release (seed 003: one person operates a release at
// a time). The page takes it when it opens, renews the 60 s lease every 20 s
// while open, and gives it up when it is left (the tab closing included).
// Someone else's lock makes the page read-only; the renewal loop keeps
// trying, so the page becomes editable once they leave.
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
    if (err instanceof ApiError && err.reason === 'release.locked') {
      return { kind: 'other', holder: err.params.holder ?? '?', since: err.params.since };
    }
    return { kind: 'error', error: err };
  }
}

function giveUp(name: string, keepalive = false) {
  // Best effort: the lease expires by itself within a minute anyway.
  void api.client.DELETE('/api/releases/{name}/lock', { params: { path: { name } }, keepalive }).catch(() => undefined);
}

export function useReleaseLock(name: string | undefined, enabled: boolean) {
  const [status, setStatus] = useState<LockStatus>({ kind: enabled && name ? 'pending' : 'off' });
  const held = useRef(false);

  const refresh = useCallback(async () => {
    if (!name) return;
    const next = await take(name);
    held.current = next.kind === 'held';
    setStatus(next);
  }, [name]);

  useEffect(() => {
    if (!enabled || !name) {
      setStatus({ kind: 'off' });
      return;
    }
    mounted.set(name, (mounted.get(name) ?? 0) + 1);
    let live = true;
    const tick = async () => {
      const next = await take(name);
      if (!live) {
        if (next.kind === 'held' && !mounted.get(name)) giveUp(name);
        return;
      }
      held.current = next.kind === 'held';
      setStatus(next);
    };
    setStatus((s) => (s.kind === 'held' ? s : { kind: 'pending' }));
    void tick();
    const timer = window.setInterval(() => void tick(), LOCK_RENEW_MS);
    const onPageHide = () => {
      if (held.current) giveUp(name, true);
    };
    window.addEventListener('pagehide', onPageHide);
    return () => {
      live = false;
      window.clearInterval(timer);
      window.removeEventListener('pagehide', onPageHide);
      mounted.set(name, (mounted.get(name) ?? 1) - 1);
      const wasHeld = held.current;
      window.setTimeout(() => {
        if (wasHeld && !mounted.get(name)) giveUp(name);
      }, 100);
    };
  }, [name, enabled]);

  /** Breaks someone else's lock (admins) and takes it. */
  const breakLock = useCallback(async () => {
    if (!name) return;
    await api.call(api.client.POST('/api/releases/{name}/lock/break', { params: { path: { name } } }));
    await refresh();
  }, [name, refresh]);

  return { status, refresh, breakLock };
}
