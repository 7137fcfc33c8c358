// The pages' forms and what they send: a saved config (or Nepxion's
// defaults) as the form, the form as the body of a save or a start. Pure.
import type { Mode } from './ConditionsCard';
import type { InspectionConditions, InspectionConfig, InspectionRequest, SimulationConditions, SimulationConfig, SimulationRequest } from './model';
import { defaultInspection, defaultSimulation, inspectionFromText, inspectionToText, simulationFromText, simulationToText, type Problem } from './properties';

export type Target = 'entry' | 'url';

export interface InspectionForm {
  strategy: string;
  mode: Mode;
  conditionsText: string;
  target: Target;
  conditions: InspectionConditions;
}

export interface SimulationForm {
  basic: string;
  release1: string;
  release2: string;
  mode: Mode;
  conditionsText: string;
  target: Target;
  conditions: Omit<SimulationConditions, 'secondReleaseEnabled'> & { secondReleaseEnabled: boolean };
}

export function inspectionFormOf(c: InspectionConfig | null | undefined): InspectionForm {
  const saved = c?.conditions;
  const conditions = { ...defaultInspection(), ...(saved ?? {}), resultFilter: saved?.resultFilter?.length ? saved.resultFilter : ['ID', 'V'] };
  return {
    strategy: c?.strategy ?? '',
    mode: 'fields',
    conditionsText: inspectionToText(conditions),
    target: conditions.inspectUrl ? 'url' : 'entry',
    conditions,
  };
}

/** The fields' conditions as sent: no URL when the samples go through the entry app. */
function inspectionConditions(v: InspectionForm): InspectionConditions {
  return { ...defaultInspection(), ...v.conditions, inspectUrl: v.target === 'url' ? (v.conditions.inspectUrl ?? '').trim() : '' };
}

export function inspectionRequestOf(v: InspectionForm, revision: number): InspectionRequest {
  const base = { strategy: v.strategy ?? '', revision };
  return v.mode === 'text' ? { ...base, conditionsText: v.conditionsText ?? '', conditionsFormat: 'properties' } : { ...base, conditions: inspectionConditions(v) };
}

export function inspectionText(v: InspectionForm): string {
  return inspectionToText(inspectionConditions(v));
}

/** The text as the form's fields, or the problems that keep it from being so. */
export function inspectionFieldsOf(text: string): { fields?: Pick<InspectionForm, 'target' | 'conditions'>; problems: Problem[] } {
  const { conditions, problems } = inspectionFromText(text);
  if (problems.length) return { problems };
  return { fields: { target: conditions.inspectUrl ? 'url' : 'entry', conditions }, problems };
}

export function simulationFormOf(c: SimulationConfig | null | undefined, group: string, app: string): SimulationForm {
  const merged = { ...defaultSimulation(), ...(c?.conditions ?? {}) };
  const conditions = { ...merged, consoleUrl: merged.consoleUrl ?? '', secondReleaseEnabled: merged.secondReleaseEnabled ?? true };
  return {
    basic: c?.basic ?? '',
    release1: c?.release1 ?? '',
    release2: c?.release2 ?? '',
    mode: 'fields',
    conditionsText: simulationToText(simulationConditions({ conditions, target: conditions.inspectUrl ? 'url' : 'entry' }), group, app),
    target: conditions.inspectUrl ? 'url' : 'entry',
    conditions,
  };
}

function simulationConditions(v: Pick<SimulationForm, 'conditions' | 'target'>): SimulationConditions {
  const c = { ...defaultSimulation(), ...v.conditions };
  return {
    ...c,
    inspectUrl: v.target === 'url' ? (c.inspectUrl ?? '').trim() : '',
    consoleUrl: (c.consoleUrl ?? '').trim(),
    // true is the default: sent as such only when turned off
    secondReleaseEnabled: v.conditions.secondReleaseEnabled === false ? false : null,
  };
}

export function simulationRequestOf(v: SimulationForm, revision: number): SimulationRequest {
  const base = { basic: v.basic ?? '', release1: v.release1 ?? '', release2: v.release2 ?? '', revision };
  return v.mode === 'text' ? { ...base, conditionsText: v.conditionsText ?? '', conditionsFormat: 'properties' } : { ...base, conditions: simulationConditions(v) };
}

export function simulationText(v: SimulationForm, group: string, app: string): string {
  return simulationToText(simulationConditions(v), group, app);
}

export function simulationFieldsOf(text: string): { fields?: Pick<SimulationForm, 'target' | 'conditions'>; group: string; service: string; problems: Problem[] } {
  const { conditions, group, service, problems } = simulationFromText(text);
  if (problems.length) return { group, service, problems };
  return {
    fields: { target: conditions.inspectUrl ? 'url' : 'entry', conditions: { ...conditions, consoleUrl: conditions.consoleUrl ?? '', secondReleaseEnabled: conditions.secondReleaseEnabled ?? true } },
    group,
    service,
    problems,
  };
}
