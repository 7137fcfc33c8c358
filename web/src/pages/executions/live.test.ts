import { describe, expect, it } from 'vitest';
import type { StreamEvent } from '../../api/sse';
import { changesSnapshot, emptyLive, fold, view, type Live } from './live';
import { execution, sample } from './testdata';

const ev = (id: number, type: string, data: unknown): StreamEvent => ({ id, type, data: JSON.stringify(data) });
const foldAll = (events: StreamEvent[], live: Live = emptyLive()) => events.reduce(fold, live);

describe('fold', () => {
  it('collects logs, samples, alerts and actions in order, once', () => {
    const live = foldAll([
      ev(1, 'action', { time: 't', by: 'admin', action: 'start' }),
      ev(2, 'log', { time: '2026-02-15T10:00:00Z', message: 'a', key: 'k', level: 'info' }),
      ev(3, 'metrics', sample('2026-02-15T10:21:05Z', { traffic: 10 }, { traffic: 90 })),
      ev(3, 'log', { message: 'repeated id' }),
      ev(4, 'alert', { time: 't', stepId: 'S7', metric: 'successRate', threshold: '>= 95%', value: 80, message: { key: 'm', text: 'x' } }),
    ]);
    expect(live.seq).toBe(4);
    expect(live.logs.map((l) => l.message)).toEqual(['a']);
    expect(live.samples).toHaveLength(1);
    expect(live.alerts).toHaveLength(1);
    expect(live.actions.map((a) => a.action)).toEqual(['start']);
    expect(live.weight).toEqual({ seq: 3, value: 10 });
  });

  it('skips data it cannot read but counts its id', () => {
    const live = fold(emptyLive(), { id: 7, type: 'log', data: 'not json' });
    expect(live.seq).toBe(7);
    expect(live.logs).toEqual([]);
  });

  it('says which events change what only the snapshot shows', () => {
    expect(['step', 'status', 'action'].every(changesSnapshot)).toBe(true);
    expect(['log', 'metrics', 'alert', 'traffic'].some(changesSnapshot)).toBe(false);
  });
});

describe('view', () => {
  it('lays the events newer than the snapshot over it', () => {
    const x = execution();
    const live = foldAll([
      ev(9, 'step', { stepId: 'S10', status: 'FAILED', attempt: 1 }), // older than the snapshot: ignored
      ev(11, 'traffic', { stepId: 'S10', from: 10, to: 50, current: 40 }),
      ev(12, 'step', { stepId: 'S10', status: 'COMPLETED', attempt: 1, summary: { key: 'summary.succeeded', text: '成功' } }),
      ev(13, 'step', { stepId: 'S11', status: 'RUNNING', attempt: 1 }),
    ]);
    const v = view(x, live);
    expect(v.steps.find((s) => s.stepId === 'S10')).toMatchObject({ status: 'COMPLETED', summary: { text: '成功' } });
    expect(v.currentStepId).toBe('S11');
    expect(v.weight).toBe(40);
    expect(v.shift).toBeUndefined(); // its step is no longer running
    expect(v.caughtUp).toBe(true);
  });

  it('shows the shift under way while its step runs', () => {
    const x = execution();
    const v = view(x, foldAll([ev(11, 'traffic', { stepId: 'S10', from: 10, to: 50, current: 45 })]));
    expect(v.shift).toEqual({ stepId: 'S10', from: 10, to: 50, current: 45 });
    expect(v.weight).toBe(45);
  });

  it('takes the status from the stream once it is newer', () => {
    const x = execution();
    const v = view(x, foldAll([ev(11, 'status', { status: 'PAUSED', reason: { key: 'exec.paused', text: 'admin 暂停了执行' } })]));
    expect(v.status).toBe('PAUSED');
    expect(v.reason?.text).toBe('admin 暂停了执行');
  });

  it('keeps the snapshot’s logs until the stream has caught up', () => {
    const x = execution();
    const behind = view(x, foldAll([ev(2, 'log', { time: 't', message: 'first', key: 'k', level: 'info' })]));
    expect(behind.caughtUp).toBe(false);
    expect(behind.logs.map((l) => l.message)).toEqual(['开始流量切换至50%']);
    expect(behind.samples).toHaveLength(1); // the snapshot's last measurement
    const none = view(execution({ metrics: { ...x.metrics, at: '0001-01-01T00:00:00Z' } }), emptyLive());
    expect(none.samples).toEqual([]);
  });
});
