// Queries of the workflow area: the list, one workflow and its versions,
// the templates, and the release a workflow operates.
import { api } from '../../api/client';
import type { NewWorkflow, WorkflowUpdate } from './model';

export const WORKFLOWS_KEY = ['workflows'] as const;
export const TEMPLATES_KEY = ['workflow-templates'] as const;
export const workflowKey = (id: string) => ['workflow', id] as const;
export const versionsKey = (id: string) => ['workflow', id, 'versions'] as const;
export const versionKey = (id: string, v: number) => ['workflow', id, 'version', v] as const;

export const fetchWorkflows = (releaseId?: string) =>
  api.call(api.client.GET('/api/workflows', { params: { query: releaseId ? { releaseId } : {} } }));

export const fetchWorkflow = (id: string) => api.call(api.client.GET('/api/workflows/{id}', { params: { path: { id } } }));

export const fetchVersions = (id: string) => api.call(api.client.GET('/api/workflows/{id}/versions', { params: { path: { id } } }));

export const fetchVersion = (id: string, version: number) =>
  api.call(api.client.GET('/api/workflows/{id}/versions/{version}', { params: { path: { id, version } } }));

export const fetchTemplates = () => api.call(api.client.GET('/api/workflow-templates'));

export const createWorkflow = (body: NewWorkflow) => api.call(api.client.POST('/api/workflows', { body }));

export const saveWorkflow = (id: string, body: WorkflowUpdate) => api.call(api.client.PUT('/api/workflows/{id}', { params: { path: { id } }, body }));

export const validateWorkflow = (id: string, body: WorkflowUpdate) =>
  api.call(api.client.POST('/api/workflows/{id}/validate', { params: { path: { id } }, body }));

export const startExecution = (id: string, version: number, lang: string) =>
  api.call(api.client.POST('/api/workflows/{id}/executions', { params: { path: { id }, query: { lang } }, body: { version } }));

export const deleteWorkflow = (id: string) => api.call(api.client.DELETE('/api/workflows/{id}', { params: { path: { id } } }));
