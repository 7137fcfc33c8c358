// One run, live while it runs: read once, then followed through its
// server-sent event stream (each `run` event is the whole run; `end` once
// it finished). While the stream is not open (connecting, a proxy that
// buffers, the browser reconnecting) the run is polled instead.
import { useEffect, useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { VerifyRun } from './model';
import { normalizeRun } from './normalize';
import { eventsUrl, fetchRun, runKey } from './queries';

const POLL_MS = 2_000;
/**
 * A busy simulation changes hundreds of times a second; the page takes the
 * latest state at most this often (a finished run at once), so it stays
 * responsive while the tables grow.
 */
const RENDER_MS = 500;

export function useLiveRun(id: string | undefined, onEnd?: (run: VerifyRun) => void) {
  const queryClient = useQueryClient();
  const [streaming, setStreaming] = useState(false);
  const query = useQuery({
    queryKey: runKey(id ?? ''),
    queryFn: () => fetchRun(id!),
    enabled: !!id,
    refetchInterval: (q) => (q.state.data?.status === 'RUNNING' && !streaming ? POLL_MS : false),
  });
  const running = query.data?.status === 'RUNNING';

  useEffect(() => {
    if (!id || !running || typeof EventSource === 'undefined') return;
    const es = new EventSource(eventsUrl(id), { withCredentials: true });
    let latest: string | undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const flush = () => {
      timer = undefined;
      if (latest === undefined) return;
      const run = normalizeRun(JSON.parse(latest) as VerifyRun);
      latest = undefined;
      queryClient.setQueryData(runKey(id), run);
      if (run.status !== 'RUNNING') onEnd?.(run);
    };
    es.onopen = () => setStreaming(true);
    es.onerror = () => setStreaming(false); // the browser reconnects; polled meanwhile
    es.addEventListener('run', (ev: MessageEvent<string>) => {
      latest = ev.data;
      if (timer === undefined) timer = setTimeout(flush, RENDER_MS);
    });
    es.addEventListener('end', () => {
      es.close();
      if (timer !== undefined) clearTimeout(timer);
      flush();
      setStreaming(false);
      void queryClient.invalidateQueries({ queryKey: runKey(id) });
    });
    return () => {
      es.close();
      if (timer !== undefined) clearTimeout(timer);
      setStreaming(false);
    };
    // onEnd is a callback of the page; following restarts only for another run
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [id, running, queryClient]);

  return { ...query, streaming };
}
