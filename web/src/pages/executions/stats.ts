// The numbers a lead asks of the history (pure): executions per week, the
// share rolled back, the median duration, and the weeks for the chart. The
// server computes the headline numbers over the filter too (ExecutionStats);
// these are the same rules, for the weekly breakdown it does not send.
import type { ExecutionSummary } from './model';

export interface WeekBucket {
  /** Monday 00:00 (local) of the week, in ms. */
  start: number;
  total: number;
  rolledBack: number;
  failed: number;
}

export interface HistoryStats {
  total: number;
  /** Executions per week over the weeks from the first to now (at least one week). */
  perWeek: number;
  rolledBack: number;
  /** Percent of the finished executions. */
  rolledBackRate: number;
  /** Seconds, over the finished executions (0: none). */
  medianDuration: number;
}

const WEEK = 7 * 24 * 3600 * 1000;

/** Monday 00:00 local time of the week holding t. */
export function weekStart(t: number): number {
  const d = new Date(t);
  d.setHours(0, 0, 0, 0);
  const day = (d.getDay() + 6) % 7; // Monday 0 … Sunday 6
  d.setDate(d.getDate() - day);
  return d.getTime();
}

export function median(values: number[]): number {
  if (values.length === 0) return 0;
  const v = [...values].sort((a, b) => a - b);
  const mid = Math.floor(v.length / 2);
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

const finished = (e: ExecutionSummary) => e.status !== 'RUNNING' && e.status !== 'PAUSED';

export function historyStats(list: ExecutionSummary[], now: number): HistoryStats {
  const done = list.filter(finished);
  const rolledBack = done.filter((e) => e.status === 'ROLLED_BACK').length;
  const first = Math.min(...list.map((e) => Date.parse(e.startTime)));
  const weeks = list.length ? Math.max(1, (now - first) / WEEK) : 1;
  return {
    total: list.length,
    perWeek: Math.round((list.length / weeks) * 10) / 10,
    rolledBack,
    rolledBackRate: done.length ? Math.round((rolledBack / done.length) * 1000) / 10 : 0,
    medianDuration: median(done.map((e) => e.duration)),
  };
}

/** The last `weeks` weeks up to now, oldest first, each with its counts (empty weeks included). */
export function weekly(list: ExecutionSummary[], now: number, weeks = 8): WeekBucket[] {
  const last = weekStart(now);
  const buckets: WeekBucket[] = [];
  for (let i = weeks - 1; i >= 0; i--) {
    const d = new Date(last);
    d.setDate(d.getDate() - 7 * i);
    buckets.push({ start: d.getTime(), total: 0, rolledBack: 0, failed: 0 });
  }
  for (const e of list) {
    const w = weekStart(Date.parse(e.startTime));
    const b = buckets.find((x) => x.start === w);
    if (!b) continue;
    b.total++;
    if (e.status === 'ROLLED_BACK') b.rolledBack++;
    if (e.status === 'FAILED' || e.status === 'ABORTED') b.failed++;
  }
  return buckets;
}
