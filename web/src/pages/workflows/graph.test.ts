import { describe, expect, test } from 'vitest';
import templates from './testdata/templates.json';
import { connectionEdge, decorate, HANDLE, loopEdges, toGraph, toWorkflow, flowEdge } from './graph';
import type { Edge, Step, TemplateInfo } from './model';

// testdata/templates.json is GET /api/workflow-templates of the server
// (curl it from `switchyard demo` to refresh it).
const all = templates as TemplateInfo[];

const byName = (t: string) => all.find((x) => x.template === t)!;

describe('graph ↔ workflow', () => {
  test.each(all.map((t) => [t.template, t] as const))('%s round-trips unchanged', (_, t) => {
    const g = toGraph(t.steps, t.edges);
    expect(g.nodes).toHaveLength(t.steps.length);
    expect(g.edges).toHaveLength(t.edges.length);
    expect(toWorkflow(g)).toEqual({ steps: t.steps, edges: t.edges });
  });

  test('every template is there', () => {
    expect(all.map((t) => t.template).sort()).toEqual(['BLUE_GREEN', 'CANARY', 'CUSTOM', 'ROLLING']);
  });

  test('blue-green: the decisions branch 是 right and 否 down, the rollbacks loop back to the deploy', () => {
    const g = toGraph(byName('BLUE_GREEN').steps, byName('BLUE_GREEN').edges);
    const edge = (from: string, to: string) => g.edges.find((e) => e.source === from && e.target === to)!;
    expect(edge('S8', 'S9')).toMatchObject({ sourceHandle: HANDLE.yes, targetHandle: HANDLE.inSide, data: { when: 'yes', loop: false } });
    expect(edge('S8', 'S10')).toMatchObject({ sourceHandle: HANDLE.no, targetHandle: HANDLE.in, data: { when: 'no' } });
    for (const rb of ['S9', 'S13']) {
      expect(edge(rb, 'S3')).toMatchObject({ sourceHandle: HANDLE.loop, targetHandle: HANDLE.back, data: { loop: true, maxTraversals: 0 } });
    }
    expect(edge('S2', 'S3')).toMatchObject({ sourceHandle: HANDLE.out, targetHandle: HANDLE.in, data: { loop: false } });
  });
});

const step = (id: string, type: Step['type']): Step => ({ id, name: id, type, preconditions: [], postActions: [], timeout: 0 });

describe('loops and new edges', () => {
  const steps = [step('A', 'START'), step('B', 'DEPLOY'), step('C', 'DECISION'), step('D', 'ROLLBACK'), step('E', 'END')];
  const edges: Edge[] = [{ from: 'A', to: 'B' }, { from: 'B', to: 'C' }, { from: 'C', to: 'D', when: 'yes' }, { from: 'C', to: 'E', when: 'no' }];

  test('an edge back up the graph closes a loop; one down does not', () => {
    expect(loopEdges(steps, [...edges, { from: 'D', to: 'B' }])).toEqual(new Set(['D>B']));
    expect(loopEdges(steps, edges)).toEqual(new Set());
  });

  test('a connection from a decision takes the branch of its handle, else the one missing', () => {
    const g = toGraph(steps, edges.slice(0, 2));
    expect(connectionEdge(g.nodes, g.edges, 'C', 'D', HANDLE.yes)).toEqual({ from: 'C', to: 'D', when: 'yes' });
    expect(connectionEdge(g.nodes, g.edges, 'C', 'E', null)).toEqual({ from: 'C', to: 'E', when: 'no' });
    const withNo = toGraph(steps, [...edges.slice(0, 2), { from: 'C', to: 'E', when: 'no' }]);
    expect(connectionEdge(withNo.nodes, withNo.edges, 'C', 'D', null)).toEqual({ from: 'C', to: 'D', when: 'yes' });
  });

  test('a connection that closes a loop is bounded; a self-loop is refused', () => {
    const g = toGraph(steps, edges);
    expect(connectionEdge(g.nodes, g.edges, 'D', 'B', HANDLE.out)).toEqual({ from: 'D', to: 'B', maxTraversals: 1 });
    expect(connectionEdge(g.nodes, g.edges, 'B', 'B', HANDLE.out)).toBeUndefined();
  });

  test('decorate re-derives the loop flag after an edit', () => {
    const g = toGraph(steps, edges);
    const more = decorate(g.nodes, [...g.edges, flowEdge({ from: 'D', to: 'B', maxTraversals: 2 })]);
    expect(more.at(-1)).toMatchObject({ data: { loop: true, maxTraversals: 2 }, className: 'wf-edge-loop' });
    expect(toWorkflow({ nodes: g.nodes, edges: more }).edges.at(-1)).toEqual({ from: 'D', to: 'B', maxTraversals: 2 });
  });
});
