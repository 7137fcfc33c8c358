import { describe, expect, test } from 'vitest';
import { layoutOf, sideOf } from './topology';

const gw = 'discovery-guide-gateway@@1.0';
const a0 = 'discovery-guide-service-a@@1.0';
const a1 = 'discovery-guide-service-a@@1.1';
const b0 = 'discovery-guide-service-b@@1.0';
const b1 = 'discovery-guide-service-b@@1.1';
const node = (id: string, count: number, entry = false) => {
  const [service, version] = id.split('@@');
  return { id, service, version, count, entry };
};

describe('layoutOf', () => {
  const g = {
    nodes: [node(gw, 10, true), node(a1, 7), node(b1, 7), node(a0, 3), node(b0, 3)],
    edges: [
      { from: gw, to: a1, count: 7 },
      { from: a1, to: b1, count: 7 },
      { from: gw, to: a0, count: 3 },
      { from: a0, to: b0, count: 3 },
    ],
  };
  const sides = [
    { service: 'discovery-guide-service-a', all: ['1.0', '1.1'], old: ['1.0'], new: ['1.1'] },
    { service: 'discovery-guide-service-b', all: ['1.0', '1.1'], old: ['1.0'], new: ['1.1'] },
  ];

  test('entry, then a column per hop; versions in order within a column', () => {
    const l = layoutOf(g, sides);
    expect(l.columns).toBe(3);
    expect(l.rows).toBe(2);
    const at = Object.fromEntries(l.nodes.map((n) => [n.id, [n.column, n.row, n.side]]));
    expect(at).toEqual({ [gw]: [0, 0, 'entry'], [a0]: [1, 0, 'old'], [a1]: [1, 1, 'new'], [b0]: [2, 0, 'old'], [b1]: [2, 1, 'new'] });
  });

  test('edge counts and their share of the calls out of the source', () => {
    const l = layoutOf(g);
    expect(l.edges.find((e) => e.from === gw && e.to === a1)).toMatchObject({ count: 7, share: 70 });
    expect(l.edges.find((e) => e.from === a0)).toMatchObject({ count: 3, share: 100 });
  });

  test('a cycle is cut, an edge to an unknown node dropped', () => {
    const l = layoutOf({ nodes: [node(gw, 1, true), node(a0, 1)], edges: [{ from: gw, to: a0, count: 1 }, { from: a0, to: gw, count: 1 }, { from: a0, to: 'x@@1', count: 1 }] });
    expect(l.nodes.map((n) => n.column)).toEqual([0, 1]);
    expect(l.edges).toHaveLength(2);
  });

  test('empty', () => {
    expect(layoutOf({ nodes: [], edges: [] })).toEqual({ nodes: [], edges: [], columns: 0, rows: 0 });
  });
});

test('sideOf', () => {
  const sides = [{ service: 's', all: ['1', '2', '3'], old: ['1'], new: ['2', '3'] }];
  expect(sideOf('s', '3', sides)).toBe('new');
  expect(sideOf('s', '1', sides)).toBe('old');
  expect(sideOf('t', '1', sides)).toBe('none');
});
