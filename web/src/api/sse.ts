// A follower of a server-sent event stream whose events carry increasing
// ids (the execution stream: `id: <seq>`). It hands every event on once and
// in order, whatever happens to the connection:
//
//   - while the browser reconnects by itself (readyState CONNECTING after an
//     error) it sends Last-Event-ID, and the server resumes after it;
//   - when the browser gives up (readyState CLOSED: an HTTP error, a proxy
//     that answered something else) the follower opens a new stream itself,
//     after a growing pause, with `after=<last id>` in the URL (a new
//     EventSource cannot set Last-Event-ID);
//   - an event it has already handed on (an id not above the last) is
//     dropped, so a server that repeats itself does no harm.
//
// The named `end` event closes the stream for good: the server sends it once
// the execution finished and every event was sent, so the browser does not
// reconnect to a stream that has nothing more to say.

/** One event as the follower hands it on. */
export interface StreamEvent {
  /** The event's id (its sequence number). */
  id: number;
  /** The event's name (`event:`). */
  type: string;
  /** The data, as sent. */
  data: string;
}

/** Where the follower is; `ended` once the end event came, `closed` once close() was called. */
export type StreamState = 'connecting' | 'open' | 'reconnecting' | 'ended' | 'closed';

/** The part of EventSource the follower uses, so tests can hand in a fake. */
export interface EventSourceLike {
  readonly readyState: number;
  onopen: ((ev: Event) => void) | null;
  onerror: ((ev: Event) => void) | null;
  addEventListener(type: string, listener: (ev: MessageEvent<string>) => void): void;
  close(): void;
}

export type EventSourceFactory = (url: string) => EventSourceLike;

export interface FollowOptions {
  /** The stream's URL for the events after `after` (0: from the beginning). */
  url: (after: number) => string;
  /** The event names to listen to (besides `end`). */
  types: readonly string[];
  onEvent: (ev: StreamEvent) => void;
  /** The end event's data; the stream is closed after it. */
  onEnd?: (data: string) => void;
  onState?: (state: StreamState) => void;
  /** Start after this id (default 0). */
  after?: number;
  /** Default: the browser's EventSource, with the session cookie. */
  open?: EventSourceFactory;
  /** The first pause before opening a stream again, in ms (doubled each time, default 1000). */
  retryMs?: number;
  /** The longest pause, in ms (default 30000). */
  maxRetryMs?: number;
  /** Timers (tests). */
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}

export interface Follower {
  /** Stops following; nothing is handed on afterwards. */
  close(): void;
  /** The id of the last event handed on. */
  lastId(): number;
}

/** EventSource.CLOSED, without needing the global in tests. */
const CLOSED = 2;

const browserEventSource: EventSourceFactory = (url) => new EventSource(url, { withCredentials: true });

export function follow(o: FollowOptions): Follower {
  const open = o.open ?? browserEventSource;
  const retryMs = o.retryMs ?? 1000;
  const maxRetryMs = o.maxRetryMs ?? 30_000;
  const setTimer = o.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
  const clearTimer = o.clearTimer ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>));
  let last = o.after ?? 0;
  let source: EventSourceLike | undefined;
  let timer: unknown;
  let failures = 0;
  let done = false;

  const state = (s: StreamState) => o.onState?.(s);

  const connect = () => {
    timer = undefined;
    if (done) return;
    const es = open(o.url(last));
    source = es;
    es.onopen = () => {
      if (source !== es) return;
      failures = 0;
      state('open');
    };
    es.onerror = () => {
      if (source !== es || done) return;
      if (es.readyState !== CLOSED) {
        state('reconnecting'); // the browser reconnects with Last-Event-ID
        return;
      }
      es.close();
      source = undefined;
      const wait = Math.min(retryMs * 2 ** failures, maxRetryMs);
      failures++;
      state('reconnecting');
      timer = setTimer(connect, wait);
    };
    const handle = (ev: MessageEvent<string>) => {
      if (source !== es || done) return;
      const id = Number(ev.lastEventId);
      if (!Number.isFinite(id) || id <= last) return; // already handed on
      last = id;
      o.onEvent({ id, type: ev.type, data: ev.data });
    };
    for (const type of o.types) es.addEventListener(type, handle);
    es.addEventListener('end', (ev) => {
      if (source !== es || done) return;
      done = true;
      es.close();
      source = undefined;
      state('ended');
      o.onEnd?.(ev.data);
    });
    state(failures === 0 ? 'connecting' : 'reconnecting');
  };

  connect();
  return {
    close() {
      if (done) return;
      done = true;
      if (timer !== undefined) clearTimer(timer);
      timer = undefined;
      source?.close();
      source = undefined;
      state('closed');
    },
    lastId: () => last,
  };
}
