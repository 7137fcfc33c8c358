// The new and the old version an execution is about (pure): the header's
// V<new version> and the monitoring panel's 蓝环境 / 绿环境.
import type { ExecutionMetrics, Workflow } from './model';

/** The version the workflow's DEPLOY step starts, else the one the samples measured as new. */
export function newVersionOf(w: Workflow | undefined, samples: ExecutionMetrics[]): string {
  for (const s of w?.steps ?? []) {
    if (s.type !== 'DEPLOY' || typeof s.config !== 'object' || s.config === null) continue;
    const v = (s.config as Record<string, unknown>).version;
    if (typeof v === 'string' && v) return v;
  }
  return samples.at(-1)?.blueEnv.version ?? '';
}

/** The old version(s) the samples measured, '' before the first. */
export function oldVersionOf(samples: ExecutionMetrics[]): string {
  return samples.at(-1)?.greenEnv.version ?? '';
}
