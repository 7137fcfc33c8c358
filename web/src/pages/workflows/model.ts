// The workflow model the editor works on: names for the API's schema types
// and the step-type catalogue (palette order, the server's StepTypes).
import type { components } from '../../api/schema';

type Schemas = components['schemas'];

export type Workflow = Schemas['Workflow'];
export type WorkflowVersion = Schemas['WorkflowVersion'];
export type WorkflowUpdate = Schemas['WorkflowUpdate'];
export type NewWorkflow = Schemas['NewWorkflow'];
export type TemplateInfo = Schemas['TemplateInfo'];
export type Template = Workflow['template'];
export type Step = Schemas['Step'];
export type StepType = Step['type'];
export type Edge = Schemas['Edge'];
export type FailurePolicy = Schemas['FailurePolicy'];
export type FailureAction = FailurePolicy['action'];
export type FieldProblem = Schemas['FieldProblem'];
export type Validation = Schemas['Validation'];
export type Execution = Schemas['Execution'];

/** A step's config as the editor holds it: a JSON object. */
export type Config = Record<string, unknown>;

/** Every template, in the picker's order; the Record makes the compiler list one the server adds. */
const templateOrder: Record<Template, number> = { BLUE_GREEN: 0, CANARY: 1, ROLLING: 2, CUSTOM: 3 };
export const TEMPLATES = (Object.keys(templateOrder) as Template[]).sort((a, b) => templateOrder[a] - templateOrder[b]);

/** Every step type in the palette's order (the server's switchyard.StepTypes). */
const stepOrder: Record<StepType, number> = {
  START: 0, PRE_CHECK: 1, DEPLOY: 2, HEALTH_CHECK: 3, TEST: 4, TRAFFIC_SHIFT: 5, MONITOR: 6, DECISION: 7,
  ROLLBACK: 8, OFFLINE: 9, REPORT: 10, APPROVAL: 11, NOTIFY: 12, WAIT: 13, END: 14,
};
export const STEP_TYPES = (Object.keys(stepOrder) as StepType[]).sort((a, b) => stepOrder[a] - stepOrder[b]);

const actionOrder: Record<FailureAction, number> = { ROLLBACK: 0, PAUSE: 1, FAIL: 2, RETRY: 3, IGNORE: 4 };
/** 失败处理: 自动回滚 / 暂停 / 失败 / 重试 / 忽略. */
export const FAILURE_ACTIONS = (Object.keys(actionOrder) as FailureAction[]).sort((a, b) => actionOrder[a] - actionOrder[b]);

export const PRECONDITION_HEALTHY = 'HEALTH_CHECK_PASSED';
export const PRECONDITION_TESTED = 'TEST_PASSED';
export const POST_ACTIONS = ['NOTIFY', 'LOG'] as const;

/** The failure policy a step has when it sets none (docs/workflows.md). */
export function defaultFailure(type: StepType): FailureAction {
  switch (type) {
    case 'TRAFFIC_SHIFT':
    case 'MONITOR':
      return 'ROLLBACK';
    case 'NOTIFY':
    case 'REPORT':
      return 'IGNORE';
    default:
      return 'PAUSE';
  }
}

/** Steps with no settings of their own (their config must stay empty). */
export const NO_CONFIG: ReadonlySet<StepType> = new Set<StepType>(['START', 'END', 'PRE_CHECK', 'ROLLBACK', 'REPORT']);

/** How a step of each type starts when dragged in from the palette. */
export function newStepConfig(type: StepType, newVersion: string): Config | undefined {
  switch (type) {
    case 'DEPLOY':
      return { version: newVersion, instances: 1 };
    case 'HEALTH_CHECK':
      return { instances: 1 };
    case 'TEST':
      return { expect: 'new' };
    case 'TRAFFIC_SHIFT':
      return { weight: 10, mode: 'GRADUAL', increment: 5, interval: '5s' };
    case 'MONITOR':
      return { duration: '5m', interval: '30s', thresholds: { successRate: { min: 95, maxDelta: 2 }, avgLatency: { maxRatio: 1.5, floor: 20 } } };
    case 'WAIT':
      return { duration: '1m' };
    default:
      return undefined;
  }
}

/** The minutes a new step of the type may take (the templates' timeouts). */
export function newStepTimeout(type: StepType): number {
  switch (type) {
    case 'PRE_CHECK':
    case 'HEALTH_CHECK':
    case 'TRAFFIC_SHIFT':
      return 5;
    case 'DEPLOY':
    case 'TEST':
    case 'OFFLINE':
      return 10;
    default:
      return 0;
  }
}

/** The step's config as an object ({} for none or a value that is not one). */
export function configOf(step: Step): Config {
  const c: unknown = step.config;
  return typeof c === 'object' && c !== null && !Array.isArray(c) ? (c as Config) : {};
}

/** The version the workflow deploys: its first DEPLOY's (the header's V2.1.0). */
export function deployedVersion(steps: readonly Step[]): string {
  for (const s of steps) {
    if (s.type === 'DEPLOY') {
      const v = configOf(s).version;
      if (typeof v === 'string' && v) return v;
    }
  }
  return '';
}

/** A step id not used yet: S1, S2, … (the templates' scheme). */
export function nextStepId(steps: readonly Step[]): string {
  const used = new Set(steps.map((s) => s.id));
  let n = steps.length + 1;
  for (const s of steps) {
    const m = /^S(\d+)$/.exec(s.id);
    if (m) n = Math.max(n, Number(m[1]) + 1);
  }
  while (used.has(`S${n}`)) n++;
  return `S${n}`;
}
