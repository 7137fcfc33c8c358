// The editor's routes: /workflows/new?release=…, /workflows/:id and
// /workflows/:id/versions/:v (read-only). Loads the workflow, the templates
// and the release (its services, and whether the user may change it).
import { useQuery } from '@tanstack/react-query';
import { Flex, Result, Spin } from 'antd';
import { useParams, useSearchParams } from 'react-router';
import { useI18n } from '../../i18n/I18nProvider';
import { ErrorAlert } from '../../components/ErrorAlert';
import { ApiError } from '../../api/error';
import { readOnlyReason } from '../releases/access';
import { fetchRelease, fetchVersions as fetchRegistryVersions } from '../releases/queries';
import { Editor } from './Editor';
import { fetchTemplates, fetchVersion, fetchWorkflow, TEMPLATES_KEY, versionKey, workflowKey } from './queries';
import type { Template, Workflow } from './model';

export function NewWorkflowPage() {
  const [params] = useSearchParams();
  return <EditorLoader releaseId={params.get('release') ?? ''} />;
}

export function WorkflowPage() {
  const { id = '', v } = useParams();
  return <EditorLoader id={id} version={v ? Number(v) : undefined} />;
}

function EditorLoader({ id, version, releaseId: newRelease }: { id?: string; version?: number; releaseId?: string }) {
  const { t } = useI18n();
  const wf = useQuery({ queryKey: workflowKey(id ?? ''), queryFn: () => fetchWorkflow(id!), enabled: !!id });
  const old = useQuery({ queryKey: versionKey(id ?? '', version ?? 0), queryFn: () => fetchVersion(id!, version!), enabled: !!id && !!version });
  const templates = useQuery({ queryKey: TEMPLATES_KEY, queryFn: fetchTemplates, staleTime: 5 * 60_000 });
  const releaseId = wf.data?.releaseId ?? newRelease ?? '';
  const release = useQuery({ queryKey: ['release', releaseId], queryFn: () => fetchRelease(releaseId), enabled: !!releaseId });
  const services = release.data?.spec.services ?? [];
  const registry = useQuery({
    queryKey: ['registry', 'versions', services.join(','), release.data?.spec.sort ?? 'version'],
    queryFn: () => fetchRegistryVersions(services.slice(0, 1), release.data?.spec.sort ?? 'version'),
    enabled: services.length > 0,
  });

  const error = wf.error ?? old.error ?? templates.error ?? release.error;
  if (error) {
    if (error instanceof ApiError && error.status === 404) return <Result status="404" title={t('workflows.notFound')} subTitle={<ErrorAlert error={error} />} />;
    return <ErrorAlert error={error} onRetry={() => void Promise.all([wf.refetch(), templates.refetch(), release.refetch()])} />;
  }
  if ((!!id && !wf.data) || (!!version && !old.data) || !templates.data || !release.data || (services.length > 0 && registry.isPending)) {
    return (
      <Flex justify="center" style={{ padding: 80 }}>
        <Spin />
      </Flex>
    );
  }
  // The server's guess (workflow.Service.newVersion): the newest online version of the first service, when there are two.
  const vs = registry.data?.[0]?.versions ?? [];
  const guessedVersion = vs.length >= 2 ? vs[vs.length - 1] : '';

  const shown: Workflow | undefined = version && old.data && wf.data && version !== wf.data.version ? old.data : wf.data;
  const oldVersion = shown && wf.data && shown.version !== wf.data.version ? shown.version : undefined;
  const who = readOnlyReason(release.data);
  const readOnly = oldVersion
    ? t('workflows.readOnly.version', { version: oldVersion })
    : who === 'viewer'
      ? t('workflows.readOnly.viewer')
      : who === 'notMember'
        ? t('workflows.readOnly.notMember', { group: release.data.group })
        : undefined;

  const custom = templates.data.find((x) => x.template === 'CUSTOM');
  const initial = shown
    ? { name: shown.name, template: shown.template, steps: shown.steps, edges: shown.edges }
    : { name: releaseId, template: 'CUSTOM' as Template, steps: custom?.steps ?? [], edges: custom?.edges ?? [] };

  return (
    <Editor
      key={`${id ?? 'new'}:${oldVersion ?? 'current'}`}
      saved={wf.data && (oldVersion ? { ...wf.data, ...shown } : wf.data)}
      releaseId={releaseId}
      initial={initial}
      templates={templates.data}
      services={services}
      guessedVersion={guessedVersion}
      readOnly={readOnly}
      oldVersion={oldVersion}
    />
  );
}
