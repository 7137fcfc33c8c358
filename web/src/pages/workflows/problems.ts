// The server's validation problems placed on the chart: each step's under
// its id, each edge's under "from>to" (the edge's index changes as the
// user edits; its ends do not), the workflow's own in a list of their own;
// and each as a sentence in the user's language.
import { ApiError } from '../../api/error';
import { translateError } from '../../i18n/errors';
import type { Lang } from '../../i18n/messages';
import type { Edge, FieldProblem } from './model';

export interface PlacedProblems {
  steps: Map<string, FieldProblem[]>;
  edges: Map<string, FieldProblem[]>;
  workflow: FieldProblem[];
}

export const NO_PROBLEMS: PlacedProblems = { steps: new Map(), edges: new Map(), workflow: [] };

/** The problems of a validation of these edges, by step and edge. */
export function placeProblems(problems: readonly FieldProblem[], edges: readonly Edge[]): PlacedProblems {
  const out: PlacedProblems = { steps: new Map(), edges: new Map(), workflow: [] };
  const put = (m: Map<string, FieldProblem[]>, k: string, p: FieldProblem) => m.set(k, [...(m.get(k) ?? []), p]);
  for (const p of problems) {
    if (p.edge >= 0) {
      const e = edges[p.edge];
      const key = e ? `${e.from}>${e.to}` : `${p.params?.from ?? ''}>${p.params?.to ?? ''}`;
      put(out.edges, key, p);
    } else if (p.stepId && p.field.startsWith('steps[')) {
      put(out.steps, p.stepId, p);
    } else {
      out.workflow.push(p);
    }
  }
  return out;
}

/** The problems of a refused save (the error's details), as the validate call answers them. */
export function problemsOfError(err: unknown): FieldProblem[] | undefined {
  if (!(err instanceof ApiError) || err.code !== 'invalid' || !err.reason?.startsWith('workflow.')) return undefined;
  const all = err.details.length > 0 ? err.details : [err];
  return all.map((d) => ({
    field: d.field ?? d.params.field ?? '',
    stepId: d.params.stepId,
    edge: d.params.edge !== undefined && /^edges\[/.test(d.field ?? '') ? Number(d.params.edge) : -1,
    reason: d.reason ?? '',
    params: d.params,
    message: d.message,
  }));
}

/** A problem in the user's language (the server's English when the bundle has no such reason). */
export function problemText(lang: Lang, p: FieldProblem): string {
  return translateError(lang, new ApiError(400, { code: 'invalid', message: p.message, reason: p.reason, params: p.params ?? {} }));
}

/** The step's field a problem names, relative to the step ("config.weight"), or ''. */
export function stepField(p: FieldProblem): string {
  const m = /^steps\[\d+\]\.?(.*)$/.exec(p.field);
  return m ? m[1] : '';
}
