import { describe, expect, it } from 'vitest';
import type { ExecutionSummary } from './model';
import { historyStats, median, weekly, weekStart } from './stats';

const exe = (id: string, startTime: string, status: ExecutionSummary['status'], duration: number): ExecutionSummary => ({
  id,
  workflowId: 'WF-001',
  workflowVersion: 1,
  releaseId: 'r',
  status,
  currentStep: '',
  startTime,
  duration,
  startedBy: 'admin',
});

// Wednesday 2026-02-18 12:00 local
const now = new Date(2026, 1, 18, 12, 0, 0).getTime();
const local = (d: number, h = 10) => new Date(2026, 1, d, h, 0, 0).toISOString();

const list = [
  exe('EXE-005', local(18), 'RUNNING', 60),
  exe('EXE-004', local(16), 'ROLLED_BACK', 120),
  exe('EXE-003', local(10), 'COMPLETED', 300),
  exe('EXE-002', local(9), 'COMPLETED', 600),
  exe('EXE-001', local(4), 'FAILED', 30),
];

describe('median', () => {
  it('takes the middle, or the mean of the two middles', () => {
    expect(median([])).toBe(0);
    expect(median([5, 1, 3])).toBe(3);
    expect(median([600, 120, 300, 30])).toBe(210);
  });
});

describe('historyStats', () => {
  it('counts per week, the share rolled back of the finished, the median of the finished', () => {
    const s = historyStats(list, now);
    expect(s.total).toBe(5);
    // 5 executions over the 14 days since the first.
    expect(s.perWeek).toBe(2.5);
    expect(s.rolledBack).toBe(1);
    expect(s.rolledBackRate).toBe(25);
    expect(s.medianDuration).toBe(210);
  });

  it('has no numbers for no executions', () => {
    expect(historyStats([], now)).toEqual({ total: 0, perWeek: 0, rolledBack: 0, rolledBackRate: 0, medianDuration: 0 });
  });

  it('counts a young history as one week', () => {
    expect(historyStats([exe('EXE-001', local(18, 9), 'COMPLETED', 10)], now).perWeek).toBe(1);
  });
});

describe('weekly', () => {
  it('starts weeks on Monday', () => {
    expect(new Date(weekStart(now)).getDate()).toBe(16);
    expect(new Date(weekStart(new Date(2026, 1, 15, 23).getTime())).getDate()).toBe(9); // a Sunday
  });

  it('buckets the last weeks, oldest first, empty ones included', () => {
    const w = weekly(list, now, 3);
    expect(w.map((b) => new Date(b.start).getDate())).toEqual([2, 9, 16]);
    expect(w.map((b) => [b.total, b.rolledBack, b.failed])).toEqual([
      [1, 0, 1],
      [2, 0, 0],
      [2, 1, 0],
    ]);
  });
});
