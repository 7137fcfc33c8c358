// The execution's graph view laid out (pure): dagre, top to bottom, over
// the edges that go on; the edges that lead back (a rollback's return to
// the deployment) are found by a depth-first walk from the START and left
// out of the ranking, so the main way stays one column as in seed 000.
import dagre from '@dagrejs/dagre';
import type { WorkflowEdge, WorkflowStep } from './model';

export const NODE_W = 168;
export const NODE_H = 44;

export interface Placed {
  id: string;
  x: number;
  y: number;
}

/** The edges that close a loop (from → to, to is on the way to from). */
export function backEdges(steps: readonly WorkflowStep[], edges: readonly WorkflowEdge[]): Set<number> {
  const out = new Map<string, number[]>();
  edges.forEach((e, i) => out.set(e.from, [...(out.get(e.from) ?? []), i]));
  const start = steps.find((s) => s.type === 'START')?.id ?? steps[0]?.id;
  const state = new Map<string, 'open' | 'done'>();
  const back = new Set<number>();
  const walk = (id: string) => {
    state.set(id, 'open');
    for (const i of out.get(id) ?? []) {
      const to = edges[i].to;
      const s = state.get(to);
      if (s === 'open') back.add(i);
      else if (!s) walk(to);
    }
    state.set(id, 'done');
  };
  if (start) walk(start);
  return back;
}

/** The top-left corner of every step. */
export function layoutGraph(steps: readonly WorkflowStep[], edges: readonly WorkflowEdge[]): Map<string, Placed> {
  const back = backEdges(steps, edges);
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: 'TB', ranksep: 28, nodesep: 40, marginx: 16, marginy: 16 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const s of steps) g.setNode(s.id, { width: NODE_W, height: NODE_H });
  edges.forEach((e, i) => {
    if (!back.has(i) && g.hasNode(e.from) && g.hasNode(e.to)) g.setEdge(e.from, e.to);
  });
  dagre.layout(g);
  const placed = new Map<string, Placed>();
  for (const s of steps) {
    const n = g.node(s.id);
    placed.set(s.id, { id: s.id, x: n.x - NODE_W / 2, y: n.y - NODE_H / 2 });
  }
  return placed;
}
