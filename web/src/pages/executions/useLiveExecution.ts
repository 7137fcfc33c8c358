// One execution, live: the snapshot (GET) and the event stream followed
// from its start (sse.ts: reconnects, catches up after Last-Event-ID). The
// snapshot is asked for again only when an event changes what only it
// shows (a step, the status, an action), at most once a second — never on
// a timer — so a page left open costs one quiet stream.
import { useEffect, useMemo, useRef, useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { follow, type StreamState } from '../../api/sse';
import type { Lang } from '../../i18n/messages';
import { changesSnapshot, emptyLive, fold, view, type Live, type View } from './live';
import { STREAM_EVENTS, type Execution } from './model';
import { executionKey, fetchExecution } from './queries';

/** The fewest ms between two snapshot reads the stream asks for. */
const REFRESH_MS = 1000;

export interface LiveExecution {
  snapshot?: Execution;
  view?: View;
  error: unknown;
  loading: boolean;
  stream: StreamState;
  /** When the snapshot was read (ms), for the ticking clocks. */
  readAt: number;
  refetch: () => void;
}

export function useLiveExecution(id: string, lang: Lang): LiveExecution {
  const queryClient = useQueryClient();
  const key = executionKey(id, lang);
  const snapshot = useQuery({ queryKey: key, queryFn: () => fetchExecution(id, lang) });
  const [live, setLive] = useState<Live>(emptyLive);
  const [stream, setStream] = useState<StreamState>('connecting');
  const refresh = useRef<{ timer?: ReturnType<typeof setTimeout>; last: number }>({ last: 0 });

  useEffect(() => {
    const r = refresh.current;
    const ask = () => {
      r.timer = undefined;
      r.last = Date.now();
      void queryClient.invalidateQueries({ queryKey: executionKey(id, lang), exact: true });
    };
    const soon = () => {
      if (r.timer !== undefined) return;
      r.timer = setTimeout(ask, Math.max(0, r.last + REFRESH_MS - Date.now()));
    };
    setLive(emptyLive());
    const f = follow({
      url: (after) => `/api/executions/${encodeURIComponent(id)}/events?lang=${lang}${after ? `&after=${after}` : ''}`,
      types: STREAM_EVENTS,
      onEvent: (ev) => {
        setLive((l) => fold(l, ev));
        if (changesSnapshot(ev.type)) soon();
      },
      onEnd: () => {
        setLive((l) => ({ ...l, ended: true }));
        soon();
      },
      onState: setStream,
    });
    return () => {
      f.close();
      if (r.timer !== undefined) clearTimeout(r.timer);
      r.timer = undefined;
    };
  }, [id, lang, queryClient]);

  const data = snapshot.data;
  const v = useMemo(() => (data ? view(data, live) : undefined), [data, live]);
  return {
    snapshot: data,
    view: v,
    error: snapshot.error,
    loading: snapshot.isPending,
    stream,
    readAt: snapshot.dataUpdatedAt,
    refetch: () => void snapshot.refetch(),
  };
}

/** A clock that ticks every second while on is true. */
export function useNow(on: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!on) return;
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, [on]);
  return now;
}
