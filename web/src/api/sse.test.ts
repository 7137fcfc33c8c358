import { describe, expect, it } from 'vitest';
import { follow, type EventSourceLike, type StreamEvent, type StreamState } from './sse';

/** A fake EventSource: the test plays the server and the browser's reconnects. */
class FakeSource implements EventSourceLike {
  readyState = 0;
  onopen: ((ev: Event) => void) | null = null;
  onerror: ((ev: Event) => void) | null = null;
  closed = false;
  private listeners = new Map<string, ((ev: MessageEvent<string>) => void)[]>();
  constructor(readonly url: string) {}
  addEventListener(type: string, listener: (ev: MessageEvent<string>) => void) {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }
  close() {
    this.closed = true;
    this.readyState = 2;
  }
  open() {
    this.readyState = 1;
    this.onopen?.(new Event('open'));
  }
  emit(type: string, id: number | '', data: unknown) {
    const ev = new MessageEvent<string>(type, { data: JSON.stringify(data), lastEventId: String(id) });
    for (const l of this.listeners.get(type) ?? []) l(ev);
  }
  /** The connection dropped; the browser will reconnect by itself (CONNECTING) or gave up (CLOSED). */
  drop(gaveUp: boolean) {
    this.readyState = gaveUp ? 2 : 0;
    this.onerror?.(new Event('error'));
  }
}

function harness(after = 0) {
  const sources: FakeSource[] = [];
  const events: StreamEvent[] = [];
  const states: StreamState[] = [];
  const ends: string[] = [];
  const timers: { fn: () => void; ms: number }[] = [];
  const f = follow({
    url: (a) => `/api/executions/EXE-001/events?after=${a}`,
    types: ['step', 'log', 'metrics'],
    onEvent: (e) => events.push(e),
    onEnd: (d) => ends.push(d),
    onState: (s) => states.push(s),
    after,
    open: (url) => {
      const s = new FakeSource(url);
      sources.push(s);
      return s;
    },
    retryMs: 1000,
    maxRetryMs: 4000,
    setTimer: (fn, ms) => {
      timers.push({ fn, ms });
      return timers.length;
    },
    clearTimer: () => undefined,
  });
  const runTimer = () => timers.shift()!.fn();
  return { f, sources, events, states, ends, timers, runTimer };
}

describe('follow', () => {
  it('hands on the events in order from the start', () => {
    const h = harness();
    expect(h.sources[0].url).toBe('/api/executions/EXE-001/events?after=0');
    h.sources[0].open();
    h.sources[0].emit('step', 1, { stepId: 'S1' });
    h.sources[0].emit('log', 2, { message: '开始流量切换至50%' });
    expect(h.events.map((e) => [e.id, e.type])).toEqual([
      [1, 'step'],
      [2, 'log'],
    ]);
    expect(JSON.parse(h.events[1].data)).toEqual({ message: '开始流量切换至50%' });
    expect(h.f.lastId()).toBe(2);
    expect(h.states).toEqual(['connecting', 'open']);
  });

  it('drops what it already handed on when the browser reconnects with Last-Event-ID', () => {
    const h = harness();
    const s = h.sources[0];
    s.open();
    s.emit('log', 1, 'a');
    s.emit('log', 2, 'b');
    s.drop(false); // the browser reconnects the same EventSource
    expect(h.sources).toHaveLength(1);
    expect(h.states.at(-1)).toBe('reconnecting');
    s.open();
    s.emit('log', 2, 'b'); // a server repeating itself
    s.emit('log', 3, 'c');
    expect(h.events.map((e) => e.id)).toEqual([1, 2, 3]);
  });

  it('catches up after the browser gave up: a new stream after the last id, with a growing pause', () => {
    const h = harness();
    h.sources[0].open();
    h.sources[0].emit('metrics', 1, {});
    h.sources[0].emit('metrics', 2, {});
    h.sources[0].drop(true);
    expect(h.sources[0].closed).toBe(true);
    expect(h.timers.map((t) => t.ms)).toEqual([1000]);
    h.runTimer();
    expect(h.sources[1].url).toBe('/api/executions/EXE-001/events?after=2');
    // Refused again (say 429): the pause doubles, up to the most.
    h.sources[1].drop(true);
    h.runTimer();
    h.sources[2].drop(true);
    h.runTimer();
    h.sources[3].drop(true);
    expect(h.timers.map((t) => t.ms)).toEqual([4000]);
    h.runTimer();
    const s = h.sources[4];
    expect(s.url).toBe('/api/executions/EXE-001/events?after=2');
    s.open();
    s.emit('metrics', 3, {});
    expect(h.events.map((e) => e.id)).toEqual([1, 2, 3]);
    // Once open, the next failure starts from the first pause again.
    s.drop(true);
    expect(h.timers.map((t) => t.ms)).toEqual([1000]);
  });

  it('ignores an old source that talks after it was replaced', () => {
    const h = harness();
    const old = h.sources[0];
    old.open();
    old.drop(true);
    h.runTimer();
    old.emit('log', 5, 'late');
    expect(h.events).toEqual([]);
  });

  it('stops at the end event and does not reconnect', () => {
    const h = harness(4);
    expect(h.sources[0].url).toBe('/api/executions/EXE-001/events?after=4');
    h.sources[0].open();
    h.sources[0].emit('log', 5, 'done');
    h.sources[0].emit('end', '', { status: 'COMPLETED', seq: 5 });
    expect(h.ends).toEqual(['{"status":"COMPLETED","seq":5}']);
    expect(h.sources[0].closed).toBe(true);
    expect(h.states.at(-1)).toBe('ended');
    h.sources[0].drop(true);
    expect(h.timers).toEqual([]);
    h.f.close();
    expect(h.states.at(-1)).toBe('ended');
  });

  it('close stops everything, a pending reconnect too', () => {
    const h = harness();
    h.sources[0].drop(true);
    h.f.close();
    h.runTimer();
    expect(h.sources).toHaveLength(1);
    expect(h.states.at(-1)).toBe('closed');
  });
});
