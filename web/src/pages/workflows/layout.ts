// Automatic layout (dagre, top to bottom) drawn like document 000's chart:
// the main column runs down the middle, each side branch — a ROLLBACK a
// DECISION's 是 leads to, with no way on but back up a loop — sits to the
// right of its decision on the decision's row, and the loop edges are left
// out of the ranking (they are drawn back up the right-hand side).
import dagre from '@dagrejs/dagre';
import type { XYPosition } from '@xyflow/react';
import type { Edge, Step } from './model';
import { loopEdges } from './graph';

export const NODE_WIDTH = 188;
export const NODE_HEIGHT = 48;
export const DECISION_SIZE = 72;
const RANK_GAP = 36;
const NODE_GAP = 48;
const SIDE_GAP = 90;

export function nodeSize(type: Step['type']): { width: number; height: number } {
  return type === 'DECISION' ? { width: DECISION_SIZE * 1.6, height: DECISION_SIZE } : { width: NODE_WIDTH, height: NODE_HEIGHT };
}

/** The top-left position of every step. */
export function layout(steps: readonly Step[], edges: readonly Edge[]): Record<string, XYPosition> {
  const loops = loopEdges(steps, edges);
  const forward = edges.filter((e) => !loops.has(`${e.from}>${e.to}`) && steps.some((s) => s.id === e.from) && steps.some((s) => s.id === e.to));
  const side = sideBranches(steps, forward);

  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: 'TB', ranksep: RANK_GAP, nodesep: NODE_GAP, marginx: 24, marginy: 24 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const s of steps) if (!side.has(s.id)) g.setNode(s.id, nodeSize(s.type));
  for (const e of forward) if (!side.has(e.from) && !side.has(e.to)) g.setEdge(e.from, e.to);
  dagre.layout(g);

  const centers = new Map<string, XYPosition>();
  for (const s of steps) {
    if (side.has(s.id)) continue;
    const n = g.node(s.id);
    centers.set(s.id, { x: n.x, y: n.y });
  }
  // Side branches: to the right of their decisions, on the middle row of them.
  for (const [id, from] of side) {
    const at = from.map((f) => centers.get(f)).filter((p): p is XYPosition => !!p);
    if (at.length === 0) continue;
    const right = Math.max(...at.map((p) => p.x));
    const ys = at.map((p) => p.y);
    centers.set(id, { x: right + DECISION_SIZE * 0.8 + SIDE_GAP + NODE_WIDTH / 2, y: (Math.min(...ys) + Math.max(...ys)) / 2 });
  }
  const positions: Record<string, XYPosition> = {};
  for (const s of steps) {
    const c = centers.get(s.id) ?? { x: 0, y: 0 };
    const { width, height } = nodeSize(s.type);
    positions[s.id] = { x: Math.round(c.x - width / 2), y: Math.round(c.y - height / 2) };
  }
  return positions;
}

/**
 * The side branches, each with the decisions leading to it: a ROLLBACK
 * whose every incoming forward edge is a DECISION's 是 and that has no
 * forward edge out (it ends the execution or loops back).
 */
export function sideBranches(steps: readonly Step[], forward: readonly Edge[]): Map<string, string[]> {
  const type = new Map(steps.map((s) => [s.id, s.type]));
  const out = new Map<string, string[]>();
  for (const s of steps) {
    if (s.type !== 'ROLLBACK') continue;
    const into = forward.filter((e) => e.to === s.id);
    if (into.length === 0 || forward.some((e) => e.from === s.id)) continue;
    if (into.every((e) => type.get(e.from) === 'DECISION' && e.when === 'yes')) out.set(s.id, into.map((e) => e.from));
  }
  return out;
}
