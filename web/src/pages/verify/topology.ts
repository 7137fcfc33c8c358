// The chains a run saw as a graph laid out in columns: the entry (the
// gateway) on the left, each service@@version in the column of its hop
// along the chains, a node per version with its count, an edge per call
// with its count. Pure; RunTopology.tsx draws it.
import type { ChainTopology, ServiceSides } from './model';

export type Side = 'old' | 'new' | 'entry' | 'none';

export type PlacedNode = {
  id: string;
  service: string;
  version: string;
  count: number;
  entry: boolean;
  side: Side;
  column: number;
  row: number;
};

export type PlacedEdge = {
  id: string;
  from: string;
  to: string;
  count: number;
  /** Percent of the calls out of the edge's source. */
  share: number;
};

export interface Layout {
  nodes: PlacedNode[];
  edges: PlacedEdge[];
  columns: number;
  rows: number;
}

/** A version's side from the versions a simulation found online (old = the first). */
export function sideOf(service: string, version: string, sides: ServiceSides[] = []): Side {
  const s = sides.find((x) => x.service === service);
  if (!s) return 'none';
  if (s.old.includes(version)) return 'old';
  if (s.new.includes(version)) return 'new';
  return 'none';
}

/**
 * Columns by the longest path from an entry node (a cycle, which a chain
 * should not have, is cut where it closes); within a column the nodes are
 * ordered by service, then version.
 */
export function layoutOf(g: ChainTopology, sides: ServiceSides[] = []): Layout {
  const ids = new Set(g.nodes.map((n) => n.id));
  const edges = g.edges.filter((e) => ids.has(e.from) && ids.has(e.to) && e.from !== e.to);
  const out = new Map<string, string[]>();
  for (const e of edges) out.set(e.from, [...(out.get(e.from) ?? []), e.to]);
  const incoming = new Set(edges.map((e) => e.to));
  const column = new Map<string, number>();
  const roots = g.nodes.filter((n) => n.entry || !incoming.has(n.id)).map((n) => n.id);
  const visit = (id: string, depth: number, path: Set<string>) => {
    if ((column.get(id) ?? -1) >= depth || path.has(id)) return;
    column.set(id, depth);
    path.add(id);
    for (const next of out.get(id) ?? []) visit(next, depth + 1, path);
    path.delete(id);
  };
  for (const r of roots) visit(r, 0, new Set());
  for (const n of g.nodes) if (!column.has(n.id)) column.set(n.id, 0);

  const byColumn = new Map<number, typeof g.nodes>();
  for (const n of g.nodes) {
    const c = column.get(n.id)!;
    byColumn.set(c, [...(byColumn.get(c) ?? []), n]);
  }
  const nodes: PlacedNode[] = [];
  let rows = 0;
  for (const [c, list] of [...byColumn].sort((a, b) => a[0] - b[0])) {
    const sorted = [...list].sort((a, b) => a.service.localeCompare(b.service) || a.version.localeCompare(b.version, undefined, { numeric: true }));
    sorted.forEach((n, row) =>
      nodes.push({
        id: n.id,
        service: n.service,
        version: n.version,
        count: n.count,
        entry: !!n.entry,
        side: n.entry ? 'entry' : sideOf(n.service, n.version, sides),
        column: c,
        row,
      }),
    );
    rows = Math.max(rows, sorted.length);
  }
  const outTotal = new Map<string, number>();
  for (const e of edges) outTotal.set(e.from, (outTotal.get(e.from) ?? 0) + e.count);
  return {
    nodes,
    edges: edges.map((e) => {
      const total = outTotal.get(e.from) ?? 0;
      return { id: `${e.from}->${e.to}`, from: e.from, to: e.to, count: e.count, share: total > 0 ? Math.round((e.count * 1000) / total) / 10 : 0 };
    }),
    columns: byColumn.size,
    rows,
  };
}
