// What comes before what along the chart's edges, for the side panel's
// choices (a precondition "step X completed", the analysis a decision
// reads) and the execute confirmation's first traffic step.
import type { Edge, Step } from './model';

/** The steps that can run before step id on some path from the START, in the workflow's order. */
export function earlierSteps(steps: readonly Step[], edges: readonly Edge[], id: string): Step[] {
  const into = new Map<string, string[]>();
  for (const e of edges) into.set(e.to, [...(into.get(e.to) ?? []), e.from]);
  const seen = new Set<string>();
  const queue = [id];
  while (queue.length) {
    const cur = queue.shift()!;
    for (const f of into.get(cur) ?? []) {
      if (!seen.has(f)) {
        seen.add(f);
        queue.push(f);
      }
    }
  }
  seen.delete(id);
  return steps.filter((s) => seen.has(s.id));
}

/** The first step of the type on the way from the START (否 branches first: the way a run goes when nothing fails). */
export function firstOnPath(steps: readonly Step[], edges: readonly Edge[], type: Step['type']): Step | undefined {
  const byId = new Map(steps.map((s) => [s.id, s]));
  const start = steps.find((s) => s.type === 'START');
  if (!start) return undefined;
  const seen = new Set<string>([start.id]);
  const queue = [start.id];
  while (queue.length) {
    const cur = queue.shift()!;
    const s = byId.get(cur);
    if (s?.type === type) return s;
    const out = edges.filter((e) => e.from === cur).sort((a, b) => (a.when === 'yes' ? 1 : 0) - (b.when === 'yes' ? 1 : 0));
    for (const e of out) {
      if (!seen.has(e.to)) {
        seen.add(e.to);
        queue.push(e.to);
      }
    }
  }
  return undefined;
}
