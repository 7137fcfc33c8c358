// How the execution page shows a step: the seed's ✅ / 🔵 / ⚪ / ❌ and
// colours, and which steps the progress list shows (pure).
import type { ExecutionStatus, StepRun } from './model';
import { isFinished, ROLLBACK_STEP } from './model';

/**
 * done ✅, running 🔵, waiting for a person ⏸ (paused, or an approval),
 * pending ⚪, failed ❌, skipped ⏭, stopped ⏹ (the execution ended while the
 * step ran: aborted).
 */
export type Look = 'done' | 'running' | 'held' | 'pending' | 'failed' | 'skipped' | 'stopped';

export const LOOK_ICON: Record<Look, string> = {
  done: '✅',
  running: '🔵',
  held: '⏸️',
  pending: '⚪',
  failed: '❌',
  skipped: '⏭️',
  stopped: '⏹️',
};

/** The node and tag colours (antd's palette). */
export const LOOK_COLOR: Record<Look, { fill: string; border: string; text: string }> = {
  done: { fill: '#f6ffed', border: '#52c41a', text: '#237804' },
  running: { fill: '#e6f4ff', border: '#1677ff', text: '#0958d9' },
  held: { fill: '#fffbe6', border: '#faad14', text: '#ad6800' },
  pending: { fill: '#fafafa', border: '#d9d9d9', text: '#8c8c8c' },
  failed: { fill: '#fff1f0', border: '#ff4d4f', text: '#cf1322' },
  skipped: { fill: '#f5f5f5', border: '#bfbfbf', text: '#595959' },
  stopped: { fill: '#f5f5f5', border: '#8c8c8c', text: '#434343' },
};

export function lookOf(step: StepRun, status: ExecutionStatus): Look {
  switch (step.status) {
    case 'COMPLETED':
      return 'done';
    case 'FAILED':
      return 'failed';
    case 'SKIPPED':
      return 'skipped';
    case 'PENDING':
      return 'pending';
    case 'RUNNING':
      if (isFinished(status)) return 'stopped';
      if (status === 'PAUSED' || step.waiting === 'person' || step.waiting === 'approval') return 'held';
      return 'running';
  }
}

/**
 * The steps the progress list shows, in the workflow's order: as the seed
 * draws it, the main way — a decision (异常?) and a rollback branch not taken
 * are left out; a rollback that ran, and the engine's own, are shown.
 */
export function progressSteps(steps: StepRun[]): StepRun[] {
  return steps.filter((s) => {
    if (s.type === 'DECISION') return s.status === 'FAILED';
    if (s.type === 'ROLLBACK' && s.stepId !== ROLLBACK_STEP) return s.status !== 'PENDING';
    return true;
  });
}

/** The list's time span: 10:00, 10:00-10:05, or 10:26 - running (the caller words the last). */
export function span(step: StepRun, clock: (iso: string) => string): { from?: string; to?: string; open: boolean } {
  if (!step.startTime) return { open: false };
  const from = clock(step.startTime);
  if (step.endTime) {
    const to = clock(step.endTime);
    return { from, to: to === from && (step.type === 'START' || step.type === 'END') ? undefined : to, open: false };
  }
  return { from, open: step.status === 'RUNNING' };
}

/** The index in steps of the current step, or -1. */
export function currentIndex(steps: StepRun[], currentStepId: string): number {
  return steps.findIndex((s) => s.stepId === currentStepId);
}
