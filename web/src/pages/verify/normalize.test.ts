import { expect, test } from 'vitest';
import type { VerifyRun } from './model';
import { normalizeRun } from './normalize';

test("Go's null lists read as empty lists", () => {
  const raw = {
    id: 'r',
    kind: 'simulation',
    status: 'RUNNING',
    simulation: {
      config: {},
      result: { url: 'u', serviceIdList: null, versions: null, topology: { nodes: null, edges: null }, phases: [{ index: 1, name: 'reset', action: 'a', status: 'RUNNING', batches: [{ kind: 'normal', header: null, counts: null, assertions: null }] }] },
    },
  } as unknown as VerifyRun;
  const r = normalizeRun(raw).simulation!.result;
  expect(r.serviceIdList).toEqual([]);
  expect(r.versions).toEqual([]);
  expect(r.topology).toEqual({ nodes: [], edges: [] });
  expect(r.phases[0].batches[0]).toMatchObject({ header: {}, counts: [], assertions: [] });
  const i = normalizeRun({ id: 'i', kind: 'inspection', inspection: { config: {}, result: { chains: null, counts: null, topology: null } } } as unknown as VerifyRun).inspection!.result;
  expect([i.chains, i.counts, i.serviceIdList, i.topology.nodes, i.otherChains]).toEqual([[], [], [], [], 0]);
});
