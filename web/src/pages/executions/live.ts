// What the live stream has said about an execution, folded event by event
// (pure), and the page's view: the last snapshot (GET, at its seq) with
// every newer event laid over it. The stream is followed from the start, so
// the logs, the metric samples over the whole execution and the alerts come
// from it; the snapshot brings what events do not carry (step times,
// estimates, the signals allowed), and is asked for again when a step or
// the status changes.
import type { StreamEvent } from '../../api/sse';
import type { Alert, Execution, ExecutionAction, ExecutionMetrics, ExecutionStatus, LogLine, Message, Shift, StatusRecord, StepRecord, StepRun } from './model';

export interface SeqLog extends LogLine {
  seq: number;
}

export interface Live {
  /** The id of the last event folded (0: none yet). */
  seq: number;
  logs: SeqLog[];
  samples: ExecutionMetrics[];
  alerts: Alert[];
  actions: ExecutionAction[];
  /** The last step record of each step, with its seq. */
  steps: Record<string, { seq: number; rec: StepRecord }>;
  status?: { seq: number; rec: StatusRecord };
  shift?: { seq: number; shift: Shift };
  /** The new version's share, as last reported (a move or a sample). */
  weight?: { seq: number; value: number };
  /** The end event came. */
  ended: boolean;
}

export const emptyLive = (): Live => ({ seq: 0, logs: [], samples: [], alerts: [], actions: [], steps: {}, ended: false });

/** Events that change what only the snapshot shows (times, allowed signals, estimates). */
export function changesSnapshot(type: string): boolean {
  return type === 'step' || type === 'status' || type === 'action';
}

/** Folds one event in; an event that cannot be read is skipped (its seq still counts). */
export function fold(live: Live, ev: StreamEvent): Live {
  if (ev.id <= live.seq) return live;
  let data: unknown;
  try {
    data = JSON.parse(ev.data);
  } catch {
    return { ...live, seq: ev.id };
  }
  const next: Live = { ...live, seq: ev.id };
  if (typeof data !== 'object' || data === null) return next;
  switch (ev.type) {
    case 'log':
      next.logs = [...live.logs, { ...(data as LogLine), seq: ev.id }];
      break;
    case 'metrics': {
      const m = data as ExecutionMetrics;
      next.samples = [...live.samples, m];
      if (m.blueEnv) next.weight = { seq: ev.id, value: m.blueEnv.traffic };
      break;
    }
    case 'alert':
      next.alerts = [...live.alerts, data as Alert];
      break;
    case 'action':
      next.actions = [...live.actions, data as ExecutionAction];
      break;
    case 'step': {
      const rec = data as StepRecord;
      next.steps = { ...live.steps, [rec.stepId]: { seq: ev.id, rec } };
      break;
    }
    case 'status':
      next.status = { seq: ev.id, rec: data as StatusRecord };
      break;
    case 'traffic': {
      const shift = data as Shift;
      next.shift = { seq: ev.id, shift };
      next.weight = { seq: ev.id, value: shift.current };
      break;
    }
  }
  return next;
}

/** The page's view of the execution. */
export interface View {
  status: ExecutionStatus;
  reason?: Message;
  steps: StepRun[];
  currentStepId: string;
  /** The shift under way (its step runs), if any. */
  shift?: Shift;
  /** The new version's share now. */
  weight: number;
  logs: LogLine[];
  samples: ExecutionMetrics[];
  alerts: Alert[];
  actions: ExecutionAction[];
  /** The stream has caught up with the snapshot. */
  caughtUp: boolean;
}

export function view(x: Execution, live: Live): View {
  const newer = (seq: number | undefined) => seq !== undefined && seq > x.seq;
  const steps = x.steps.map((s): StepRun => {
    const l = live.steps[s.stepId];
    if (!l || !newer(l.seq)) return s;
    const ended = l.rec.status === 'COMPLETED' || l.rec.status === 'FAILED' || l.rec.status === 'SKIPPED';
    return { ...s, status: l.rec.status, attempt: l.rec.attempt, summary: l.rec.summary ?? (ended ? s.summary : undefined) };
  });
  // A step started after the snapshot is the current one.
  let currentStepId = x.currentStepId;
  let latest = x.seq;
  for (const [id, l] of Object.entries(live.steps)) {
    if (l.rec.status === 'RUNNING' && l.seq > latest && steps.some((s) => s.stepId === id)) {
      currentStepId = id;
      latest = l.seq;
    }
  }
  const status = newer(live.status?.seq) ? live.status!.rec.status : x.status;
  const reason = newer(live.status?.seq) ? (live.status!.rec.reason ?? x.reason) : x.reason;
  const caughtUp = live.seq >= x.seq;
  let shift = newer(live.shift?.seq) ? live.shift!.shift : x.traffic;
  const shiftStep = shift && steps.find((s) => s.stepId === shift!.stepId);
  if (!shiftStep || shiftStep.status !== 'RUNNING' || shift!.stepId !== currentStepId) shift = undefined;
  const weight = newer(live.weight?.seq) ? live.weight!.value : x.metrics.blueEnv.traffic;
  return {
    status,
    reason,
    steps,
    currentStepId,
    shift,
    weight,
    logs: caughtUp ? live.logs : x.logs,
    samples: live.samples.length > 0 || caughtUp ? live.samples : x.metrics.at && !x.metrics.at.startsWith('0001') ? [x.metrics] : [],
    alerts: caughtUp ? live.alerts : x.alerts,
    actions: caughtUp ? live.actions : x.actions,
    caughtUp,
  };
}
