import { describe, expect, it } from 'vitest';
import { LOOK_ICON, lookOf, progressSteps, span } from './steps';
import { run } from './testdata';

describe('lookOf', () => {
  it.each([
    { status: 'COMPLETED', exec: 'RUNNING', want: 'done', icon: '✅' },
    { status: 'RUNNING', exec: 'RUNNING', want: 'running', icon: '🔵' },
    { status: 'PENDING', exec: 'RUNNING', want: 'pending', icon: '⚪' },
    { status: 'FAILED', exec: 'ROLLED_BACK', want: 'failed', icon: '❌' },
    { status: 'SKIPPED', exec: 'RUNNING', want: 'skipped', icon: '⏭️' },
    { status: 'RUNNING', exec: 'PAUSED', want: 'held', icon: '⏸️' },
    { status: 'RUNNING', exec: 'ABORTED', want: 'stopped', icon: '⏹️' },
  ] as const)('a $status step of a $exec execution is $want', ({ status, exec, want, icon }) => {
    const look = lookOf(run('S1', 'MONITOR', status), exec);
    expect(look).toBe(want);
    expect(LOOK_ICON[look]).toBe(icon);
  });

  it('an approval waiting for a person is held while the execution runs', () => {
    expect(lookOf(run('S1', 'APPROVAL', 'RUNNING', { waiting: 'approval' }), 'RUNNING')).toBe('held');
  });
});

describe('progressSteps', () => {
  it('shows the main way as the seed draws it: no decisions, no rollback branch not taken', () => {
    const steps = [
      run('S1', 'START', 'COMPLETED'),
      run('S7', 'MONITOR', 'COMPLETED'),
      run('S8', 'DECISION', 'COMPLETED'),
      run('S9', 'ROLLBACK', 'PENDING'),
      run('S10', 'TRAFFIC_SHIFT', 'RUNNING'),
      run('S12', 'DECISION', 'FAILED'),
      run('S13', 'ROLLBACK', 'COMPLETED'),
      run('_rollback', 'ROLLBACK', 'RUNNING'),
    ];
    expect(progressSteps(steps).map((s) => s.stepId)).toEqual(['S1', 'S7', 'S10', 'S12', 'S13', '_rollback']);
  });
});

describe('span', () => {
  const clock = (iso: string) => iso.slice(11, 16);
  it('words a step’s times', () => {
    expect(span(run('S2', 'PRE_CHECK', 'COMPLETED', { startTime: '2026-02-15T10:00:00Z', endTime: '2026-02-15T10:05:00Z' }), clock)).toEqual({ from: '10:00', to: '10:05', open: false });
    expect(span(run('S1', 'START', 'COMPLETED', { startTime: '2026-02-15T10:00:00Z', endTime: '2026-02-15T10:00:00Z' }), clock)).toEqual({ from: '10:00', to: undefined, open: false });
    expect(span(run('S10', 'TRAFFIC_SHIFT', 'RUNNING', { startTime: '2026-02-15T10:26:00Z' }), clock)).toEqual({ from: '10:26', open: true });
    expect(span(run('S11', 'MONITOR', 'PENDING'), clock)).toEqual({ open: false });
  });
});
