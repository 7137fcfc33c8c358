import { describe, expect, it } from 'vitest';
import type { LogLine, WorkflowStep } from './model';
import { buildSeries, monitorAt, relativeLimit, thresholdsOf, trafficSeries, yRange } from './series';
import { run, sample } from './testdata';

const monitor = (id: string, thresholds: unknown): WorkflowStep => ({
  id,
  name: id,
  type: 'MONITOR',
  config: { duration: '20s', interval: '5s', thresholds },
  preconditions: [],
  postActions: [],
  timeout: 0,
});

const runs = [
  run('S7', 'MONITOR', 'COMPLETED', { startTime: '2026-02-15T10:00:10Z', endTime: '2026-02-15T10:00:30Z' }),
  run('S11', 'MONITOR', 'RUNNING', { startTime: '2026-02-15T10:01:00Z' }),
];

describe('thresholdsOf', () => {
  it('reads a MONITOR step’s thresholds by the charts’ metrics', () => {
    const th = thresholdsOf(monitor('S7', { successRate: { min: 95, maxDelta: 2 }, avgLatency: { maxRatio: 1.5, floor: 20 }, memory: { max: 512 } }));
    expect(th).toEqual({
      successRate: { min: 95, maxDelta: 2, max: undefined, maxRatio: undefined, floor: undefined },
      responseTime: { maxRatio: 1.5, floor: 20, min: undefined, max: undefined, maxDelta: undefined },
      memory: { max: 512, min: undefined, maxDelta: undefined, maxRatio: undefined, floor: undefined },
    });
    expect(thresholdsOf({ ...monitor('S1', {}), type: 'WAIT' })).toEqual({});
    expect(thresholdsOf(monitor('S1', 'nonsense'))).toEqual({});
  });
});

describe('relativeLimit', () => {
  it('bounds the success rate below the old version and the latency above it, never under the floor', () => {
    expect(relativeLimit('successRate', { maxDelta: 2 }, 99.5)).toBe(97.5);
    expect(relativeLimit('successRate', { min: 95 }, 99.5)).toBeUndefined();
    expect(relativeLimit('responseTime', { maxRatio: 1.5, floor: 20 }, 40)).toBe(60);
    expect(relativeLimit('responseTime', { maxRatio: 1.5, floor: 20 }, 2)).toBe(20);
    expect(relativeLimit('responseTime', { maxRatio: 2, maxDelta: 10 }, 40)).toBe(50);
  });
});

describe('monitorAt', () => {
  it('finds the MONITOR step a sample was taken in', () => {
    expect(monitorAt(runs, Date.parse('2026-02-15T10:00:15Z'))).toBe('S7');
    expect(monitorAt(runs, Date.parse('2026-02-15T10:00:30.5Z'))).toBe('S7'); // the last sample lands as the step ends
    expect(monitorAt(runs, Date.parse('2026-02-15T10:01:05Z'))).toBe('S11');
    expect(monitorAt(runs, Date.parse('2026-02-15T09:00:00Z'))).toBeUndefined();
  });
});

describe('buildSeries', () => {
  const thresholds = {
    S7: thresholdsOf(monitor('S7', { successRate: { min: 95, maxDelta: 2 }, avgLatency: { maxRatio: 1.5, floor: 20 } })),
    S11: thresholdsOf(monitor('S11', { successRate: { min: 99 } })),
  };
  const samples = [
    sample('2026-02-15T10:01:05Z', { traffic: 50, successRate: 98, responseTime: 30 }, { traffic: 50, successRate: 100, responseTime: 25 }),
    sample('2026-02-15T10:00:15Z', { traffic: 10, successRate: 80, memory: 64 * 1024 * 1024 }, { traffic: 90, successRate: 99.5, responseTime: 40 }),
  ];

  it('puts the samples in time order, blue and green, memory in MiB', () => {
    const s = buildSeries(samples, runs, thresholds);
    const t0 = Date.parse('2026-02-15T10:00:15Z');
    const t1 = Date.parse('2026-02-15T10:01:05Z');
    expect(s.successRate.blue).toEqual([
      [t0, 80],
      [t1, 98],
    ]);
    expect(s.successRate.green).toEqual([
      [t0, 99.5],
      [t1, 100],
    ]);
    expect(s.memory.blue[0]).toEqual([t0, 64]);
    expect(s.memory.green[0]).toEqual([t0, 100]);
  });

  it('draws each sample’s step’s thresholds: absolute lines once, relative limits per sample', () => {
    const s = buildSeries(samples, runs, thresholds);
    expect(s.successRate.lines).toEqual([
      { kind: 'min', value: 95 },
      { kind: 'min', value: 99 },
    ]);
    expect(s.successRate.limit).toEqual([[Date.parse('2026-02-15T10:00:15Z'), 97.5]]);
    expect(s.responseTime.limit).toEqual([[Date.parse('2026-02-15T10:00:15Z'), 60]]);
    expect(s.cpu.lines).toEqual([]);
  });

  it('follows the traffic between samples from the log', () => {
    const log = (time: string, key: string, params: Record<string, string> = {}): LogLine => ({ time, key, params, message: key, level: 'info' });
    const logs = [
      log('2026-02-15T10:00:01Z', 'deploy.pinned', { version: '1' }),
      log('2026-02-15T10:00:05Z', 'shift.move', { weight: '5' }),
      log('2026-02-15T10:00:07Z', 'shift.move', { weight: '10' }),
      log('2026-02-15T10:00:08Z', 'step.started', { step: 'x' }),
      log('2026-02-15T10:02:00Z', 'rollback.done', { state: 'ROLLED_BACK' }),
    ];
    expect(trafficSeries(logs, []).map((p) => p[1])).toEqual([0, 5, 10, 0]);
    const s = buildSeries(samples, runs, thresholds, logs);
    expect(s.traffic.blue.map((p) => p[1])).toEqual([0, 5, 10, 10, 50, 0]);
    expect(s.traffic.green.map((p) => p[1])).toEqual([100, 95, 90, 90, 50, 100]);
  });
});

describe('yRange', () => {
  const s = (blue: number[], lines: number[] = [], limit: number[] = []) => ({
    blue: blue.map((v, i): [number, number] => [i, v]),
    green: [],
    limit: limit.map((v, i): [number, number] => [i, v]),
    lines: lines.map((value) => ({ kind: 'min' as const, value })),
  });
  it('keeps the thresholds in sight', () => {
    expect(yRange('traffic', s([10, 50]))).toEqual({ min: 0, max: 100 });
    expect(yRange('successRate', s([99.5, 100], [95]))).toEqual({ min: 94, max: 100 });
    expect(yRange('successRate', s([76.9], [95]))).toEqual({ min: 75, max: 100 });
    expect(yRange('responseTime', s([0.5, 0.7], [], [20]))).toEqual({ min: 0, max: 50 });
    expect(yRange('cpu', s([3, 8]))).toEqual({ min: 0 });
  });
});
