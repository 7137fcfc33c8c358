// Names for the execution API's types (from the OpenAPI document) and the
// records the live stream sends (workflow.EventData on the server).
import type { components } from '../../api/schema';

type Schemas = components['schemas'];

export type Execution = Schemas['Execution'];
export type ExecutionStatus = Execution['status'];
export type ExecutionSummary = Schemas['ExecutionSummary'];
export type ExecutionList = Schemas['ExecutionList'];
export type ExecutionStats = Schemas['ExecutionStats'];
export type StepRun = Schemas['StepRun'];
export type StepStatus = StepRun['status'];
export type LogLine = Schemas['LogLine'];
export type Alert = Schemas['Alert'];
export type Shift = Schemas['Shift'];
export type ExecutionMetrics = Schemas['ExecutionMetrics'];
export type EnvMetrics = Schemas['EnvMetrics'];
export type ExecutionAction = Schemas['ExecutionAction'];
export type Message = Schemas['Message'];
export type Workflow = Schemas['Workflow'];
export type WorkflowStep = Schemas['Step'];
export type WorkflowEdge = Schemas['Edge'];

/** The signals a person sends an execution, in the server's order (workflow.Signals). */
export const SIGNALS = ['pause', 'resume', 'abort', 'rollback', 'retry', 'skip', 'approve', 'reject'] as const;
export type Signal = (typeof SIGNALS)[number];

/** Every execution status, in the filter's order; the Record makes the compiler list one the server adds. */
const statusOrder: Record<ExecutionStatus, number> = { RUNNING: 0, PAUSED: 1, COMPLETED: 2, FAILED: 3, ROLLED_BACK: 4, ABORTED: 5 };
export const EXECUTION_STATUSES = (Object.keys(statusOrder) as ExecutionStatus[]).sort((a, b) => statusOrder[a] - statusOrder[b]);

export function isFinished(status: ExecutionStatus): boolean {
  return status === 'COMPLETED' || status === 'FAILED' || status === 'ROLLED_BACK' || status === 'ABORTED';
}

/** The stream's event names (besides end). */
export const STREAM_EVENTS = ['step', 'log', 'metrics', 'alert', 'action', 'status', 'traffic'] as const;

/** A step change as the stream sends it (workflow.StepRecord). */
export interface StepRecord {
  stepId: string;
  status: StepStatus;
  attempt: number;
  summary?: Message;
}

/** A status change as the stream sends it (workflow.StatusRecord). */
export interface StatusRecord {
  status: ExecutionStatus;
  reason?: Message;
}

/** The engine's own rollback step's id (workflow.RollbackStep). */
export const ROLLBACK_STEP = '_rollback';
