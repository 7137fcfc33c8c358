// The rule in effect drawn as lanes: each distinct version chain the rule
// can send a request down (the default <strategy>, each route of the
// conditions) is one lane across the services, labelled with what sends
// traffic there. Pure; TopologyGraph.tsx draws it.
import type { Topology } from '../../api/types';

export interface LaneLabel {
  kind: 'default' | 'blue-green' | 'gray';
  expression: string;
  /** Gray weight in percent; -1 for blue-green and the default. */
  weight: number;
  route?: string;
}

export interface Lane {
  key: string;
  /** service → version(s); a service without one is reached on any version. */
  versions: Record<string, string>;
  labels: LaneLabel[];
}

/**
 * The lanes of a rule, in the order they appear (default first). Routes that
 * pin the same versions share a lane: the fallback and the green route are
 * one chain.
 */
export function lanesOf(t: Topology): Lane[] {
  const lanes = new Map<string, Lane>();
  const add = (versions: Record<string, string>, label: LaneLabel) => {
    const key = t.services.map((s) => `${s}=${versions[s] ?? ''}`).join(',');
    const lane = lanes.get(key) ?? { key, versions, labels: [] };
    lane.labels.push(label);
    lanes.set(key, lane);
  };
  if (Object.keys(t.default).length > 0) {
    add(t.default, { kind: 'default', expression: '', weight: -1 });
  }
  for (const c of t.conditions) {
    for (const r of c.routes ?? []) {
      if (c.kind === 'gray' && r.weight === 0) continue; // a 0 % route sends nothing
      add(r.versions, { kind: c.kind, expression: c.expression, weight: r.weight, route: r.route });
    }
  }
  return [...lanes.values()];
}
