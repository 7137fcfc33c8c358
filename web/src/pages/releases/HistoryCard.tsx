// 发布历史: every operation of the release, newest first — what, state
// before → after, who, when, which config version — each with the YAML it
// was assembled from and the XML published and read back.
import { useQuery } from '@tanstack/react-query';
import { Card, Col, Row, Space, Table, Tag, Tooltip, Typography } from 'antd';
import { ArrowRightOutlined } from '@ant-design/icons';
import type { ReleaseHistory, ReleaseState, ReleaseType, ServiceVersions } from '../../api/types';
import { useI18n } from '../../i18n/I18nProvider';
import { ErrorAlert } from '../../components/ErrorAlert';
import { CodeBlock, StateTag, TypeTag } from './parts';
import { fetchHistory, historyKey } from './queries';

export function HistoryCard({ name, follow, versions }: { name: string; follow: boolean; versions: ServiceVersions[] }) {
  const { t, dateTime } = useI18n();
  const history = useQuery({ queryKey: historyKey(name), queryFn: () => fetchHistory(name), refetchInterval: follow ? 10_000 : false });
  return (
    <Card title={t('history.title')} size="small" className="release-card" data-testid="release-history-card">
      <ErrorAlert error={history.error} onRetry={() => void history.refetch()} />
      <Table<ReleaseHistory>
        size="small"
        rowKey="id"
        loading={history.isPending}
        dataSource={history.data ?? []}
        pagination={{ defaultPageSize: 10, hideOnSinglePage: true }}
        locale={{ emptyText: t('history.empty') }}
        data-testid="release-history"
        expandable={{
          expandedRowRender: (h) => (
            <Row gutter={12}>
              <Col span={10}>
                <Typography.Text strong>YAML</Typography.Text>
                <CodeBlock text={h.yaml} maxHeight={320} />
              </Col>
              <Col span={14}>
                <Typography.Text strong>XML</Typography.Text>
                <CodeBlock text={h.xml} highlight versions={versions} maxHeight={320} />
              </Col>
            </Row>
          ),
        }}
        columns={[
          { title: t('history.operation'), dataIndex: 'operation', render: (op: ReleaseHistory['operation']) => <Typography.Text strong>{t(`release.op.${op}`)}</Typography.Text> },
          {
            title: t('history.state'),
            key: 'state',
            render: (_, h) => (
              <Space size={4}>
                <StateTag state={h.stateBefore as ReleaseState} />
                <ArrowRightOutlined style={{ color: '#8c8c8c' }} />
                <StateTag state={h.stateAfter as ReleaseState} />
              </Space>
            ),
          },
          { title: t('release.type'), dataIndex: 'type', render: (v: string) => <TypeTag type={v as ReleaseType} /> },
          { title: t('history.by'), dataIndex: 'by' },
          { title: t('history.at'), dataIndex: 'at', render: (v: string) => dateTime(v), className: 'nowrap' },
          {
            title: t('history.config'),
            key: 'config',
            render: (_, h) => (
              <Space size={4}>
                <Typography.Text code>{`${h.configKey.group} / ${h.configKey.dataId}`}</Typography.Text>
                <Tag>v{h.configVersion}</Tag>
                <DetailTag detail={h.detail} />
              </Space>
            ),
          },
        ]}
      />
    </Card>
  );
}

/**
 * What the history entry's detail says, as a tag: 上线新服务 / 下线旧服务 with
 * the rollout's steps on hover, or that the rule was already in place.
 */
function DetailTag({ detail }: { detail?: string }) {
  const { t } = useI18n();
  if (!detail) return null;
  if (detail.startsWith('deploy:') || detail.startsWith('offline:')) {
    const deploy = detail.startsWith('deploy:');
    return (
      <Tooltip title={detail.slice(detail.indexOf(':') + 1).trim()}>
        <Tag color={deploy ? 'blue' : 'green'} data-testid="history-rollout">
          {t(deploy ? 'rollout.deploy.label' : 'rollout.offline.label')}
        </Tag>
      </Tooltip>
    );
  }
  return (
    <Tooltip title={detail}>
      <Tag color="default">{t('history.unchanged')}</Tag>
    </Tooltip>
  );
}
