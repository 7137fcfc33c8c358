// The verification API: the saved configs of the two pages, starting a run,
// past runs, one run and the simulations running now.
import { api } from '../../api/client';
import { normalizeRun } from './normalize';
import type { InspectionRequest, SimulationRequest, VerifyKind } from './model';

export type Kind = VerifyKind;

/** The API path segment of a kind. */
const plural: Record<Kind, 'inspections' | 'simulations'> = { inspection: 'inspections', simulation: 'simulations' };
export const pluralOf = (k: Kind) => plural[k];

export const configKey = (kind: Kind, group: string, app: string) => ['verify', kind, group, app, 'config'] as const;
export const runsKey = (kind: Kind, group: string, app: string) => ['verify', kind, group, app, 'runs'] as const;
export const runKey = (id: string) => ['verify', 'run', id] as const;
export const RUNNING_KEY = ['verify', 'simulations', 'running'] as const;

const key = (group: string, serviceId: string) => ({ path: { group, serviceId } });

export const fetchInspectionConfig = (group: string, serviceId: string) =>
  api.call(api.client.GET('/api/verify/inspections/{group}/{serviceId}/config', { params: key(group, serviceId) }));

export const saveInspectionConfig = (group: string, serviceId: string, body: InspectionRequest) =>
  api.call(api.client.PUT('/api/verify/inspections/{group}/{serviceId}/config', { params: key(group, serviceId), body }));

export const startInspection = (group: string, serviceId: string, body: InspectionRequest) =>
  api.call(api.client.POST('/api/verify/inspections/{group}/{serviceId}', { params: key(group, serviceId), body }));

export const fetchSimulationConfig = (group: string, serviceId: string) =>
  api.call(api.client.GET('/api/verify/simulations/{group}/{serviceId}/config', { params: key(group, serviceId) }));

export const saveSimulationConfig = (group: string, serviceId: string, body: SimulationRequest) =>
  api.call(api.client.PUT('/api/verify/simulations/{group}/{serviceId}/config', { params: key(group, serviceId), body }));

export const startSimulation = (group: string, serviceId: string, body: SimulationRequest) =>
  api.call(api.client.POST('/api/verify/simulations/{group}/{serviceId}', { params: key(group, serviceId), body }));

export const fetchRuns = (kind: Kind, group: string, serviceId: string) =>
  kind === 'inspection'
    ? api.call(api.client.GET('/api/verify/inspections/{group}/{serviceId}/runs', { params: { ...key(group, serviceId), query: { limit: 20 } } }))
    : api.call(api.client.GET('/api/verify/simulations/{group}/{serviceId}/runs', { params: { ...key(group, serviceId), query: { limit: 20 } } }));

export const fetchRun = (id: string) => api.call(api.client.GET('/api/verify/runs/{id}', { params: { path: { id } } })).then(normalizeRun);

export const fetchRunning = () => api.call(api.client.GET('/api/verify/simulations/running'));

export const abortRun = (id: string) => api.call(api.client.POST('/api/verify/runs/{id}/abort', { params: { path: { id } } }));

/** The live stream of a run (server-sent events: `run` with the run, `end`). */
export const eventsUrl = (id: string) => `/api/verify/runs/${encodeURIComponent(id)}/events`;
