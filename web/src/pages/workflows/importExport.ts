// A workflow file (the CLI's YAML) to and from the editor's graph.
import type { Edge, Step, Template } from './model';
import { TEMPLATES } from './model';
import { parseYaml, toYaml } from './yaml';

export interface WorkflowFile {
  name?: string;
  template?: Template;
  steps: Step[];
  edges: Edge[];
}

/** The YAML of a workflow: what `switchyard workflow create -f` reads. */
export function exportYaml(w: { id?: string; releaseId: string; name: string; template: Template; steps: Step[]; edges: Edge[] }): string {
  const doc: Record<string, unknown> = { ...(w.id ? { id: w.id } : {}), releaseId: w.releaseId, name: w.name, template: w.template, steps: w.steps, edges: w.edges };
  return toYaml(doc);
}

/** Reads a workflow file; throws an Error naming what is wrong. */
export function importYaml(text: string, shapeError: string): WorkflowFile {
  const doc = parseYaml(text);
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new Error(shapeError);
  const steps = doc.steps;
  const edges = doc.edges ?? [];
  if (!Array.isArray(steps) || !Array.isArray(edges)) throw new Error(shapeError);
  const out: WorkflowFile = { steps: [], edges: [] };
  for (const s of steps) {
    if (typeof s !== 'object' || s === null || Array.isArray(s) || typeof s.id !== 'string' || typeof s.type !== 'string') throw new Error(shapeError);
    const step = {
      ...s,
      name: typeof s.name === 'string' ? s.name : s.id,
      preconditions: Array.isArray(s.preconditions) ? s.preconditions : [],
      postActions: Array.isArray(s.postActions) ? s.postActions : [],
      timeout: typeof s.timeout === 'number' ? s.timeout : 0,
    } as unknown as Step;
    out.steps.push(step);
  }
  for (const e of edges) {
    if (typeof e !== 'object' || e === null || Array.isArray(e) || typeof e.from !== 'string' || typeof e.to !== 'string') throw new Error(shapeError);
    out.edges.push(e as unknown as Edge);
  }
  if (typeof doc.name === 'string') out.name = doc.name;
  if (typeof doc.template === 'string' && (TEMPLATES as string[]).includes(doc.template)) out.template = doc.template as Template;
  return out;
}
