// The editor's graph under undo/redo: every edit goes through here, so one
// Ctrl+Z undoes one user action (a drag, a connection, a typed field).
import { useCallback, useRef, useState } from 'react';
import { applyNodeChanges, type NodeChange, type XYPosition } from '@xyflow/react';
import { decorate, flowEdge, modelEdge, toGraph, type Graph, type StepEdge, type StepNode } from './graph';
import { initHistory, push, redo, replace, undo, type History } from './history';
import { layout } from './layout';
import type { Edge, Step } from './model';

export function laidOut(steps: readonly Step[], edges: readonly Edge[]): Graph {
  return toGraph(steps, edges, layout(steps, edges));
}

export function useGraphEditor(initial: Graph) {
  const [h, setH] = useState<History<Graph>>(() => initHistory(initial));
  const dragStart = useRef<Graph | null>(null);
  const lastEdit = useRef<string>('');

  const commit = useCallback((f: (g: Graph) => Graph, coalesce = '') => {
    setH((cur) => {
      const next = f(cur.present);
      if (next === cur.present) return cur;
      const same = coalesce !== '' && coalesce === lastEdit.current;
      lastEdit.current = coalesce;
      return same ? replace(cur, next) : push(cur, next);
    });
  }, []);

  const onNodesChange = useCallback((changes: NodeChange<StepNode>[]) => {
    // Selection is the page's; removal goes through remove() (one undo step with the edges).
    const kept = changes.filter((c) => c.type === 'position' || c.type === 'dimensions');
    if (kept.length === 0) return;
    setH((cur) => replace(cur, { ...cur.present, nodes: applyNodeChanges(kept, cur.present.nodes) }));
  }, []);

  const dragStarted = useCallback(() => {
    setH((cur) => {
      dragStart.current = cur.present;
      return cur;
    });
  }, []);

  const dragStopped = useCallback(() => {
    setH((cur) => {
      const before = dragStart.current;
      dragStart.current = null;
      lastEdit.current = '';
      return before && before !== cur.present ? { past: [...cur.past, before], present: cur.present, future: [] } : cur;
    });
  }, []);

  return {
    graph: h.present,
    canUndo: h.past.length > 0,
    canRedo: h.future.length > 0,
    undo: useCallback(() => ((lastEdit.current = ''), setH(undo)), []),
    redo: useCallback(() => ((lastEdit.current = ''), setH(redo)), []),
    onNodesChange,
    dragStarted,
    dragStopped,
    /** Replaces the whole graph (a template, an import): one undo step. */
    reset: useCallback((g: Graph) => commit(() => g), [commit]),
    /** Replaces the graph with no way back (a load, a saved version). */
    load: useCallback((g: Graph) => setH(initHistory(g)), []),
    addStep: useCallback(
      (step: Step, position: XYPosition) =>
        commit((g) => ({ ...g, nodes: [...g.nodes, { id: step.id, type: 'step', position, data: { step } }] })),
      [commit],
    ),
    updateStep: useCallback(
      (id: string, f: (s: Step) => Step, field: string) =>
        commit(
          (g) => {
            const nodes = g.nodes.map((n) => (n.id === id ? { ...n, data: { ...n.data, step: f(n.data.step) } } : n));
            return { nodes, edges: decorate(nodes, g.edges) };
          },
          `${id}:${field}`,
        ),
      [commit],
    ),
    connect: useCallback((e: Edge) => commit((g) => ({ ...g, edges: decorate(g.nodes, [...g.edges, flowEdge(e, g.edges.length)]) })), [commit]),
    updateEdge: useCallback(
      (id: string, f: (e: Edge) => Edge, field: string) =>
        commit(
          (g) => ({
            ...g,
            edges: decorate(
              g.nodes,
              g.edges.map((e) => {
                if (e.id !== id) return e;
                const m = f(modelEdge(e));
                return { ...e, data: { when: m.when === 'yes' || m.when === 'no' ? m.when : '', maxTraversals: m.maxTraversals, loop: false } };
              }),
            ),
          }),
          `${id}:${field}`,
        ),
      [commit],
    ),
    remove: useCallback(
      (nodeIds: string[], edgeIds: string[]) =>
        commit((g) => {
          if (nodeIds.length === 0 && edgeIds.length === 0) return g;
          const nodes = g.nodes.filter((n) => !nodeIds.includes(n.id));
          const edges = g.edges.filter((e: StepEdge) => !edgeIds.includes(e.id) && !nodeIds.includes(e.source) && !nodeIds.includes(e.target));
          return { nodes, edges: decorate(nodes, edges) };
        }),
      [commit],
    ),
    relayout: useCallback(
      () =>
        commit((g) => {
          const steps = g.nodes.map((n) => n.data.step);
          const pos = layout(steps, g.edges.map(modelEdge));
          return { ...g, nodes: g.nodes.map((n) => ({ ...n, position: pos[n.id] ?? n.position })) };
        }),
      [commit],
    ),
  };
}

export type GraphEditor = ReturnType<typeof useGraphEditor>;
