// The 实时监控 charts' data (pure): for each metric the new (blue) and the
// old (green) version over the execution's time, from the stream's metric
// samples, and the MONITOR thresholds to draw — absolute bounds as lines,
// bounds relative to the old version as a limit that follows it.
import type { ExecutionMetrics, LogLine, StepRun, WorkflowStep } from './model';

export type MetricKey = 'traffic' | 'successRate' | 'responseTime' | 'cpu' | 'memory';
export const METRICS: readonly MetricKey[] = ['traffic', 'successRate', 'responseTime', 'cpu', 'memory'];

/** [time in ms, value]. */
export type Point = [number, number];

export interface MetricSeries {
  blue: Point[];
  green: Point[];
  /** A bound relative to the old version, at each sample (empty: none). */
  limit: Point[];
  /** Absolute bounds. */
  lines: Bound[];
}

export interface Bound {
  kind: 'min' | 'max';
  value: number;
}

/** A MONITOR's threshold of one metric (workflow.Threshold). */
export interface Threshold {
  min?: number;
  max?: number;
  maxDelta?: number;
  maxRatio?: number;
  floor?: number;
}

/** The thresholds of a MONITOR step per metric the charts show. */
export type Thresholds = Partial<Record<MetricKey, Threshold>>;

const MIB = 1024 * 1024;

/** The value of a metric of one side, in the chart's unit (memory in MiB). */
function valueOf(m: ExecutionMetrics['blueEnv'], key: MetricKey): number {
  switch (key) {
    case 'memory':
      return m.memory / MIB;
    case 'traffic':
      return m.traffic;
    case 'successRate':
      return m.successRate;
    case 'responseTime':
      return m.responseTime;
    case 'cpu':
      return m.cpu;
  }
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

function thresholdOf(v: unknown): Threshold | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const o = v as Record<string, unknown>;
  const t: Threshold = { min: num(o.min), max: num(o.max), maxDelta: num(o.maxDelta), maxRatio: num(o.maxRatio), floor: num(o.floor) };
  return Object.values(t).some((x) => x !== undefined) ? t : undefined;
}

/** A MONITOR step's thresholds, by the chart's metric (avgLatency → responseTime). */
export function thresholdsOf(step: WorkflowStep | undefined): Thresholds {
  if (!step || step.type !== 'MONITOR' || typeof step.config !== 'object' || step.config === null) return {};
  const th = (step.config as Record<string, unknown>).thresholds;
  if (typeof th !== 'object' || th === null) return {};
  const o = th as Record<string, unknown>;
  const out: Thresholds = {};
  const pairs: [MetricKey, string][] = [
    ['successRate', 'successRate'],
    ['responseTime', 'avgLatency'],
    ['cpu', 'cpu'],
    ['memory', 'memory'],
  ];
  for (const [key, name] of pairs) {
    const t = thresholdOf(o[name]);
    if (t) out[key] = t;
  }
  return out;
}

/** The bound a relative threshold sets for the new version, given the old version's value. */
export function relativeLimit(key: MetricKey, t: Threshold, green: number): number | undefined {
  if (key === 'successRate') {
    if (t.maxDelta === undefined) return undefined;
    return green - t.maxDelta;
  }
  const candidates: number[] = [];
  if (t.maxDelta !== undefined) candidates.push(green + t.maxDelta);
  if (t.maxRatio !== undefined) candidates.push(green * t.maxRatio);
  if (candidates.length === 0) return undefined;
  // The relative checks apply only above the floor: below it nothing is a breach.
  return Math.max(Math.min(...candidates), t.floor ?? -Infinity);
}

/** The MONITOR step a sample belongs to: the one running at its time, else the last one before it. */
export function monitorAt(runs: StepRun[], at: number): string | undefined {
  let found: string | undefined;
  for (const r of runs) {
    if (r.type !== 'MONITOR' || !r.startTime) continue;
    const from = Date.parse(r.startTime);
    const to = r.endTime ? Date.parse(r.endTime) : Infinity;
    if (from <= at && at <= to + 1000) return r.stepId;
    if (from <= at) found = r.stepId;
  }
  return found;
}

/**
 * The charts' series from the samples (in time order). thresholds gives each
 * MONITOR step's; a sample is judged by the step it was taken in.
 */
export function buildSeries(
  samples: ExecutionMetrics[],
  runs: StepRun[],
  thresholds: Record<string, Thresholds>,
  logs: LogLine[] = [],
): Record<MetricKey, MetricSeries> {
  const out = {} as Record<MetricKey, MetricSeries>;
  for (const key of METRICS) out[key] = { blue: [], green: [], limit: [], lines: [] };
  const sorted = [...samples].filter((s) => s.blueEnv && s.greenEnv).sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  const seen = new Map<MetricKey, Set<string>>();
  for (const s of sorted) {
    const at = Date.parse(s.at);
    const step = monitorAt(runs, at);
    const th = (step && thresholds[step]) || {};
    for (const key of METRICS) {
      const series = out[key];
      const green = valueOf(s.greenEnv, key);
      series.blue.push([at, round(valueOf(s.blueEnv, key))]);
      series.green.push([at, round(green)]);
      const t = th[key];
      if (!t) continue;
      const limit = relativeLimit(key, t, green);
      if (limit !== undefined) series.limit.push([at, round(limit)]);
      const lines = seen.get(key) ?? new Set<string>();
      seen.set(key, lines);
      for (const kind of ['min', 'max'] as const) {
        const value = t[kind];
        if (value !== undefined && !lines.has(`${kind}:${value}`)) {
          lines.add(`${kind}:${value}`);
          series.lines.push({ kind, value });
        }
      }
    }
  }
  // The share moves between samples too: every move is in the log.
  const traffic = trafficSeries(logs, sorted);
  out.traffic.blue = traffic;
  out.traffic.green = traffic.map(([at, w]) => [at, 100 - w]);
  return out;
}

/**
 * The new version's share over time, from the log (every move is a line:
 * 流量切换至45%, the pin at 0 %, the rollback) and the samples; it holds
 * between points (a step line).
 */
export function trafficSeries(logs: LogLine[], samples: ExecutionMetrics[]): Point[] {
  const points: Point[] = [];
  for (const l of logs) {
    const at = Date.parse(l.time);
    const w = Number(l.params?.weight ?? l.params?.traffic);
    if ((l.key === 'shift.move' || l.key === 'shift.done') && Number.isFinite(w)) points.push([at, w]);
    else if (l.key === 'deploy.pinned' || l.key === 'rollback.done') points.push([at, 0]);
  }
  for (const s of samples) if (s.blueEnv) points.push([Date.parse(s.at), s.blueEnv.traffic]);
  points.sort((a, b) => a[0] - b[0]);
  return points;
}

function round(v: number): number {
  return Math.round(v * 100) / 100;
}

/**
 * The value axis of a chart: from 0 (the success rate: from just under its
 * lowest value or bound, up to 100), far enough to show every bound drawn —
 * ECharts does not widen an axis for its mark lines. undefined: ECharts
 * chooses.
 */
export function yRange(key: MetricKey, s: MetricSeries): { min?: number; max?: number } {
  if (key === 'traffic') return { min: 0, max: 100 };
  const values = [...s.blue, ...s.green, ...s.limit].map((p) => p[1]).concat(s.lines.map((b) => b.value));
  if (key === 'successRate') {
    const low = values.length ? Math.min(...values) : 100;
    return { min: Math.max(0, Math.floor(low - 1)), max: 100 };
  }
  const bounds = [...s.lines.map((b) => b.value), ...s.limit.map((p) => p[1])];
  if (bounds.length === 0) return { min: 0 };
  const high = Math.max(...values);
  return { min: 0, max: niceCeil(high * 1.1) };
}

/** The next 1, 2 or 5 × 10ⁿ at or above v. */
function niceCeil(v: number): number {
  if (v <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}
