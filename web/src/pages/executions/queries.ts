// Queries of the execution area: the history with its numbers, one
// execution (its messages in the reader's language), the workflow version it
// pins, and the signals.
import { api } from '../../api/client';
import type { Lang } from '../../i18n/messages';
import type { ExecutionStatus, Signal } from './model';

export const EXECUTIONS_KEY = ['executions'] as const;
export const executionKey = (id: string, lang: Lang) => ['execution', id, lang] as const;
export const workflowVersionKey = (id: string, version: number) => ['workflow', id, 'version', version] as const;

/** The history's filters, as the URL query holds them. */
export interface HistoryFilter {
  release?: string;
  workflow?: string;
  status?: ExecutionStatus;
  by?: string;
  /** RFC 3339. */
  since?: string;
  until?: string;
}

export const historyKey = (f: HistoryFilter, lang: Lang) => [...EXECUTIONS_KEY, f, lang] as const;

export const fetchExecutions = (f: HistoryFilter, lang: Lang) =>
  api.call(
    api.client.GET('/api/executions', {
      params: {
        query: {
          lang,
          limit: 1000,
          ...(f.release ? { releaseId: f.release } : {}),
          ...(f.workflow ? { workflowId: f.workflow } : {}),
          ...(f.status ? { status: f.status } : {}),
          ...(f.by ? { startedBy: f.by } : {}),
          ...(f.since ? { since: f.since } : {}),
          ...(f.until ? { until: f.until } : {}),
        },
      },
    }),
  );

export const fetchExecution = (id: string, lang: Lang) =>
  api.call(api.client.GET('/api/executions/{id}', { params: { path: { id }, query: { lang } } }));

export const fetchWorkflowVersion = (id: string, version: number) =>
  api.call(api.client.GET('/api/workflows/{id}/versions/{version}', { params: { path: { id, version } } }));

export const fetchWorkflowsOf = (releaseId: string) =>
  api.call(api.client.GET('/api/workflows', { params: { query: { releaseId } } }));

export const fetchReleaseNames = () => api.call(api.client.GET('/api/releases', { params: { query: {} } }));

export const fetchWorkflowList = () => api.call(api.client.GET('/api/workflows', { params: { query: {} } }));

/** Sends a signal; the answer is the execution once the signal was taken. */
export function sendSignal(id: string, signal: Signal, lang: Lang, body: { stepId?: string; comment?: string } = {}) {
  const opts = { params: { path: { id }, query: { lang } }, body };
  switch (signal) {
    case 'pause':
      return api.call(api.client.POST('/api/executions/{id}/pause', opts));
    case 'resume':
      return api.call(api.client.POST('/api/executions/{id}/resume', opts));
    case 'abort':
      return api.call(api.client.POST('/api/executions/{id}/abort', opts));
    case 'rollback':
      return api.call(api.client.POST('/api/executions/{id}/rollback', opts));
    case 'retry':
      return api.call(api.client.POST('/api/executions/{id}/retry', opts));
    case 'skip':
      return api.call(api.client.POST('/api/executions/{id}/skip', opts));
    case 'approve':
      return api.call(api.client.POST('/api/executions/{id}/approve', opts));
    case 'reject':
      return api.call(api.client.POST('/api/executions/{id}/reject', opts));
  }
}
