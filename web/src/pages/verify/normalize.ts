// A run as the server sends it, with its lists made lists: Go sends an empty
// list as null (nothing counted yet, a phase without batches), the pages
// read them as lists. Pure.
import type { ChainTopology, InspectionResult, SimulationResult, VerifyBatch, VerifyPhase, VerifyRun } from './model';

const list = <T>(v: T[] | null | undefined): T[] => v ?? [];

const topology = (g: ChainTopology | null | undefined): ChainTopology => ({ nodes: list(g?.nodes), edges: list(g?.edges) });

function inspection(r: InspectionResult): InspectionResult {
  return {
    ...r,
    serviceIdList: list(r.serviceIdList),
    header: r.header ?? {},
    counts: list(r.counts),
    chains: list(r.chains).map((c) => ({ ...c, hops: list(c.hops).map((h) => ({ ...h, tags: h.tags ?? {} })) })),
    otherChains: r.otherChains ?? 0,
    topology: topology(r.topology),
  };
}

function batch(b: VerifyBatch): VerifyBatch {
  return { ...b, header: b.header ?? {}, counts: list(b.counts), assertions: list(b.assertions) };
}

function phase(p: VerifyPhase): VerifyPhase {
  return { ...p, batches: list(p.batches).map(batch) };
}

function simulation(r: SimulationResult): SimulationResult {
  return {
    ...r,
    serviceIdList: list(r.serviceIdList),
    versions: list(r.versions).map((v) => ({ ...v, all: list(v.all), old: list(v.old), new: list(v.new) })),
    phases: list(r.phases).map(phase),
    topology: topology(r.topology),
  };
}

export function normalizeRun(run: VerifyRun): VerifyRun {
  const out = { ...run };
  if (run.inspection) out.inspection = { ...run.inspection, result: inspection(run.inspection.result ?? ({} as InspectionResult)) };
  if (run.simulation) out.simulation = { ...run.simulation, result: simulation(run.simulation.result ?? ({} as SimulationResult)) };
  return out;
}
