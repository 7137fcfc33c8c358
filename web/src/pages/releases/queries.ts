// Queries of the release area: the table, one release, its rule and history,
// and the registry lists and metrics the release page's pickers show.
import { api } from '../../api/client';

export const RELEASES_KEY = ['releases'] as const;
export const releaseKey = (name: string) => ['release', name] as const;
export const ruleKey = (name: string) => ['release', name, 'rule'] as const;
export const historyKey = (name: string) => ['release', name, 'history'] as const;
export const statusKey = (name: string) => ['release', name, 'status'] as const;

/**
 * How often an open release page asks for the release's revision and lock:
 * a change made underneath (someone else, another session, a workflow) or a
 * lock changing hands shows within this time. Polling, not a server push:
 * the answer is read from the store, so it is right whichever replica made
 * the change, and it is one small quiet request.
 */
export const STATUS_POLL_MS = 2_500;
export const REGISTRY_GROUPS_KEY = ['registry', 'groups'] as const;

/** The server takes lists in a query as one comma-separated value (types=service,gateway). */
const commaLists = { array: { style: 'form', explode: false } } as const;

export const fetchReleases = (group?: string) =>
  api.call(api.client.GET('/api/releases', { params: { query: group ? { group } : {} } }));

/** One page of the release table, filtered and paged by the server. */
export interface ReleaseTableQuery {
  group?: string;
  types?: string[];
  /** NEW for a release never executed. */
  states?: string[];
  q?: string;
  offset: number;
  limit: number;
}

export const releaseTableKey = (query: ReleaseTableQuery) => [...RELEASES_KEY, 'table', query] as const;

export const fetchReleaseTable = (query: ReleaseTableQuery) =>
  api.call(
    api.client.GET('/api/release-table', {
      params: {
        query: {
          offset: query.offset,
          limit: query.limit,
          ...(query.group ? { group: query.group } : {}),
          ...(query.types?.length ? { types: query.types } : {}),
          ...(query.states?.length ? { states: query.states } : {}),
          ...(query.q ? { q: query.q } : {}),
        },
      },
      querySerializer: commaLists,
    }),
  );

export const fetchRelease = (name: string) => api.call(api.client.GET('/api/releases/{name}', { params: { path: { name } } }));

export const fetchStatus = (name: string) => api.call(api.client.GET('/api/releases/{name}/status', { params: { path: { name } } }));

export const fetchRule = (name: string) => api.call(api.client.GET('/api/releases/{name}/rule', { params: { path: { name } } }));

export const fetchHistory = (name: string) =>
  api.call(api.client.GET('/api/releases/{name}/history', { params: { path: { name } } }));

export const fetchRegistryGroups = () => api.call(api.client.GET('/api/registry/groups'));

/** Services of a registry group (or all when group is undefined) of the given types. */
export const fetchServices = (types: string[], group?: string) =>
  api.call(
    api.client.GET('/api/registry/services', {
      params: { query: { types, ...(group ? { group } : {}) } },
      querySerializer: commaLists,
    }),
  );

export const fetchVersions = (services: string[], sort: 'version' | 'time') =>
  api.call(api.client.GET('/api/registry/versions', { params: { query: { services, sort } }, querySerializer: commaLists }));

export const fetchMetrics = (service: string) =>
  api.call(api.client.GET('/api/metrics/services/{service}', { params: { path: { service }, query: { window: '1m' } } }));
