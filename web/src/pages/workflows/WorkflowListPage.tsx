// 发布流程: every workflow (its current version) with its release, template,
// version and who saved it when; a new one for a release.
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { useQuery } from '@tanstack/react-query';
import { Button, Card, Flex, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { DeleteOutlined, EditOutlined, PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import { useI18n } from '../../i18n/I18nProvider';
import { useMe } from '../../auth/session';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageHeader } from '../../components/PageHeader';
import { ConfirmButton } from '../../components/ConfirmButton';
import { useAction } from '../../components/useAction';
import { ReleasePicker } from '../releases/ReleasePicker';
import { mayCreateReleases } from '../releases/access';
import { deleteWorkflow, fetchWorkflows, WORKFLOWS_KEY } from './queries';
import type { Workflow } from './model';
import './workflows.css';

/** A workflow is made for a release not ended. */
const OPEN_STATES = ['NEW', 'FALLBACK', 'RELEASED', 'ROLLED_BACK'];

export function WorkflowListPage() {
  const { t, dateTime } = useI18n();
  const navigate = useNavigate();
  const me = useMe();
  const [release, setRelease] = useState<string | undefined>();
  const workflows = useQuery({ queryKey: [...WORKFLOWS_KEY, release ?? ''], queryFn: () => fetchWorkflows(release) });
  const [newFor, setNewFor] = useState<string | undefined>();
  const canCreate = mayCreateReleases(me.data);

  const remove = useAction({
    action: (w: Workflow) => deleteWorkflow(w.id),
    done: (w) => t('workflows.deleted', { id: w.id }),
    invalidates: [WORKFLOWS_KEY],
  });

  const open = (id: string) => navigate(`/workflows/${encodeURIComponent(id)}`);
  const columns: ColumnsType<Workflow> = [
    { title: t('workflows.col.id'), dataIndex: 'id', width: 90, render: (id: string) => <Typography.Link onClick={() => open(id)} data-testid={`wf-open-${id}`}>{id}</Typography.Link> },
    { title: t('workflows.col.name'), dataIndex: 'name' },
    { title: t('workflows.col.release'), dataIndex: 'releaseId' },
    { title: t('workflows.col.template'), dataIndex: 'template', width: 110, render: (x: Workflow['template']) => <Tag>{t(`workflows.template.${x}`)}</Tag> },
    { title: t('workflows.col.version'), dataIndex: 'version', width: 80, render: (v: number) => `V${v}` },
    { title: t('workflows.col.updated'), key: 'updated', render: (_, w) => t('workflows.updatedBy', { when: dateTime(w.updatedAt), who: w.updatedBy }) },
    {
      title: t('workflows.col.actions'),
      key: 'actions',
      width: 170,
      render: (_, w) => (
        <Flex gap={4}>
          <Button type="link" size="small" icon={<EditOutlined />} onClick={() => open(w.id)}>
            {t('workflows.open')}
          </Button>
          {canCreate && (
            <ConfirmButton
              title={t('workflows.deleteConfirm', { id: w.id })}
              description={t('workflows.deleteDesc')}
              okText={t('common.delete')}
              icon={<DeleteOutlined />}
              onConfirm={() => remove.run(w)}
            >
              {t('workflows.delete')}
            </ConfirmButton>
          )}
        </Flex>
      ),
    },
  ];

  return (
    <>
      <PageHeader
        path={[t('app.name'), t('nav.workflows')]}
        title={t('workflows.title')}
        subtitle={t('workflows.subtitle')}
        extra={
          <Button icon={<ReloadOutlined />} onClick={() => void workflows.refetch()} loading={workflows.isFetching}>
            {t('common.refresh')}
          </Button>
        }
      />
      <Card>
        <Flex gap={8} wrap align="center" className="filter-bar" style={{ marginBottom: 12 }}>
          {canCreate && (
            <>
              <ReleasePicker
                placeholder={t('workflows.pickRelease')}
                value={newFor}
                onChange={setNewFor}
                states={OPEN_STATES}
                style={{ width: 260 }}
                data-testid="wf-new-release"
              />
              <Button type="primary" icon={<PlusOutlined />} disabled={!newFor} onClick={() => newFor && navigate(`/workflows/new?release=${encodeURIComponent(newFor)}`)} data-testid="wf-new">
                {t('workflows.new')}
              </Button>
            </>
          )}
          <ReleasePicker
            allowClear
            placeholder={t('workflows.col.release')}
            value={release}
            onChange={setRelease}
            style={{ width: 240, marginInlineStart: 'auto' }}
            data-testid="wf-filter-release"
          />
        </Flex>
        <ErrorAlert error={workflows.error} onRetry={() => void workflows.refetch()} />
        <Table<Workflow>
          size="small"
          rowKey="id"
          columns={columns}
          dataSource={workflows.data ?? []}
          loading={workflows.isPending}
          onRow={(w) => ({ onDoubleClick: () => open(w.id) })}
          locale={{ emptyText: t('workflows.empty') }}
          data-testid="wf-table"
        />
      </Card>
    </>
  );
}
