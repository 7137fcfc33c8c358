// Workflow ↔ flow chart: the steps become @xyflow/react nodes (the step in
// node.data), the edges become flow edges whose handles say what they are —
// a DECISION's 是 (right) and 否 (bottom) branches, an edge that closes a loop
// drawn from the right side of its step back to the right side of the step
// it returns to. The order of steps and edges is kept both ways: the engine
// takes the first edge of a branch it may, so edge order is meaning.
import type { Edge as FlowEdge, Node as FlowNode, XYPosition } from '@xyflow/react';
import type { Edge, Step } from './model';

export interface StepNodeData extends Record<string, unknown> {
  step: Step;
}
export type StepNode = FlowNode<StepNodeData, 'step'>;

export interface StepEdgeData extends Record<string, unknown> {
  when: '' | 'yes' | 'no';
  maxTraversals?: number | null;
  /** It leads back to a step on the way to it (the server's ClosesLoop). */
  loop: boolean;
}
export type StepEdge = FlowEdge<StepEdgeData>;

/** The handles of a step node. */
export const HANDLE = {
  in: 'in',
  inSide: 'in-left',
  back: 'back',
  out: 'out',
  yes: 'yes',
  no: 'no',
  loop: 'loop',
} as const;

export interface Graph {
  nodes: StepNode[];
  edges: StepEdge[];
}

/** The flow chart of steps and edges; positions by step id (missing: 0,0 until laid out). */
export function toGraph(steps: readonly Step[], edges: readonly Edge[], positions: Record<string, XYPosition> = {}): Graph {
  const nodes: StepNode[] = steps.map((step) => ({
    id: step.id,
    type: 'step',
    position: positions[step.id] ?? { x: 0, y: 0 },
    data: { step },
  }));
  const flow = edges.map((e, i) => flowEdge(e, i));
  return { nodes, edges: decorate(nodes, flow) };
}

/** The steps and edges of a flow chart, in its order. */
export function toWorkflow(g: Graph): { steps: Step[]; edges: Edge[] } {
  return {
    steps: g.nodes.map((n) => n.data.step),
    edges: g.edges.map(modelEdge),
  };
}

export function modelEdge(e: StepEdge): Edge {
  const out: Edge = { from: e.source, to: e.target };
  const d = e.data;
  if (d?.when) out.when = d.when;
  if (d && d.maxTraversals !== undefined && d.maxTraversals !== null) out.maxTraversals = d.maxTraversals;
  return out;
}

let edgeSeq = 0;

/** A flow edge of a workflow edge (handles are set by decorate). */
export function flowEdge(e: Edge, i?: number): StepEdge {
  const data: StepEdgeData = { when: e.when === 'yes' || e.when === 'no' ? e.when : '', loop: false };
  if (e.maxTraversals !== undefined && e.maxTraversals !== null) data.maxTraversals = e.maxTraversals;
  return { id: `e${i ?? 'n'}-${++edgeSeq}-${e.from}-${e.to}`, source: e.from, target: e.to, data };
}

/**
 * Sets what the drawing of each edge follows from the graph: whether it
 * closes a loop, its handles and its label. Called after every change (a
 * new edge can turn another into a loop edge).
 */
export function decorate(nodes: readonly StepNode[], edges: readonly StepEdge[]): StepEdge[] {
  const steps = nodes.map((n) => n.data.step);
  const loops = loopEdges(steps, edges.map(modelEdge));
  const typeOf = new Map(steps.map((s) => [s.id, s.type]));
  return edges.map((e) => {
    const data: StepEdgeData = { ...(e.data ?? { when: '' }), loop: loops.has(`${e.source}>${e.target}`) };
    const decision = typeOf.get(e.source) === 'DECISION';
    let sourceHandle: string = HANDLE.out;
    let targetHandle: string = HANDLE.in;
    if (decision) {
      sourceHandle = data.when === 'yes' ? HANDLE.yes : HANDLE.no;
      if (data.when === 'yes' && !data.loop) targetHandle = HANDLE.inSide;
    }
    if (data.loop) {
      if (!decision) sourceHandle = HANDLE.loop;
      targetHandle = HANDLE.back;
    }
    const className = [data.loop ? 'wf-edge-loop' : '', data.when ? `wf-edge-${data.when}` : ''].filter(Boolean).join(' ') || undefined;
    return { ...e, data, sourceHandle, targetHandle, type: 'smoothstep', className };
  });
}

/**
 * The edges ("from>to") that close a loop: those leading back to a step on
 * the way to them in a depth-first walk from the START, in edge order (the
 * server's workflow.NewGraph), then from the steps the START does not reach.
 */
export function loopEdges(steps: readonly Step[], edges: readonly Edge[]): Set<string> {
  const out = new Map<string, Edge[]>();
  const into = new Set<string>();
  for (const e of edges) {
    out.set(e.from, [...(out.get(e.from) ?? []), e]);
    into.add(e.to);
  }
  const back = new Set<string>();
  const mark = new Map<string, 1 | 2>(); // 1 on the path, 2 done
  const walk = (id: string) => {
    mark.set(id, 1);
    for (const e of out.get(id) ?? []) {
      const m = mark.get(e.to);
      if (m === 1) back.add(`${e.from}>${e.to}`);
      else if (m === undefined) walk(e.to);
    }
    mark.set(id, 2);
  };
  const start = steps.find((s) => s.type === 'START')?.id ?? steps.find((s) => !into.has(s.id))?.id ?? steps[0]?.id;
  if (start !== undefined) walk(start);
  for (const s of steps) if (!mark.has(s.id)) walk(s.id);
  return back;
}

/**
 * The edge a connection dragged from a handle makes: a DECISION's 是 or 否
 * branch by the handle it left; a loop edge is bounded (maxTraversals 1)
 * so the graph stays valid — the side panel changes it.
 */
export function connectionEdge(nodes: readonly StepNode[], edges: readonly StepEdge[], from: string, to: string, handle: string | null | undefined): Edge | undefined {
  if (from === to) return undefined;
  const source = nodes.find((n) => n.id === from)?.data.step;
  if (!source) return undefined;
  const e: Edge = { from, to };
  if (source.type === 'DECISION') {
    if (handle === HANDLE.yes || handle === HANDLE.no) e.when = handle;
    else e.when = edges.some((x) => x.source === from && x.data?.when === 'no') ? 'yes' : 'no';
  }
  const all = [...edges.map(modelEdge), e];
  const steps = nodes.map((n) => n.data.step);
  if (loopEdges(steps, all).has(`${from}>${to}`)) e.maxTraversals = 1;
  return e;
}

/** Whether the edge already exists (the server refuses a duplicate). */
export function hasEdge(edges: readonly StepEdge[], from: string, to: string): boolean {
  return edges.some((e) => e.source === from && e.target === to);
}
