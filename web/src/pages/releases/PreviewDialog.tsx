// 二次确认: what an operation would publish, before it does — the config
// key, each service's old → new versions, the concrete routes and the
// default, the YAML assembled from the form next to the XML (routes
// highlighted), the warnings, and the rule in the config center now.
import { Alert, Col, Collapse, Descriptions, Flex, Modal, Row, Space, Table, Tag, Typography } from 'antd';
import { ArrowRightOutlined } from '@ant-design/icons';
import type { Operation, Preview, ServiceVersions } from '../../api/types';
import { useI18n } from '../../i18n/I18nProvider';
import type { Translate } from '../../i18n/messages';
import { ErrorAlert } from '../../components/ErrorAlert';
import { chainOf, versionMap } from './highlight';
import { chainColor, CodeBlock, VersionTags } from './parts';

export interface PreviewState {
  operation: Operation;
  preview: Preview;
}

export function PreviewDialog({
  state,
  busy,
  error,
  onConfirm,
  onCancel,
  extra,
}: {
  state: PreviewState | undefined;
  busy: boolean;
  error: unknown;
  onConfirm: () => void;
  onCancel: () => void;
  /** Shown under the intro: the rollout options and progress. */
  extra?: React.ReactNode;
}) {
  const { t } = useI18n();
  const p = state?.preview;
  const op = state?.operation;
  return (
    <Modal
      open={!!state}
      width={1240}
      // The dialog fits the window and its body scrolls, so 〔确认执行〕 is
      // always in sight (1600×1000 and smaller), however long the rule.
      style={{ top: 24 }}
      styles={{ body: { maxHeight: 'calc(100vh - 190px)', overflowY: 'auto', paddingInlineEnd: 8 } }}
      title={op ? t('preview.title', { operation: t(`release.op.${op}`) }) : ''}
      okText={t('preview.confirm')}
      cancelText={t('common.cancel')}
      okButtonProps={{ danger: op === 'rollback' || op === 'end', 'data-testid': 'preview-confirm' }}
      confirmLoading={busy}
      onOk={onConfirm}
      onCancel={onCancel}
      destroyOnHidden
      data-testid="preview-dialog"
    >
      {p && op && (
        <Flex vertical gap={12}>
          <Typography.Text type="secondary">{t('preview.intro')}</Typography.Text>
          {extra}
          <ErrorAlert error={error} />
          {p.warnings && p.warnings.length > 0 && (
            <Alert type="warning" showIcon title={t('preview.warnings')} description={warningsOf(p, op, t).map((w) => <div key={w}>{w}</div>)} />
          )}
          <Descriptions
            size="small"
            bordered
            column={1}
            items={[
              { key: 'key', label: t('preview.key'), children: <Typography.Text code>{`${p.key.group} / ${p.key.dataId}`}</Typography.Text> },
              { key: 'default', label: t('preview.default'), children: <Routes value={p.default} versions={p.versions} empty={t('preview.noDefault')} /> },
              {
                key: 'routes',
                label: t('preview.routes'),
                children: p.routes?.length ? (
                  <Flex vertical gap={4}>
                    {p.routes.map((r) => (
                      <Space key={r.id} size={8}>
                        <Typography.Text code>{r.id}</Typography.Text>
                        <Routes value={r.value} versions={p.versions} />
                      </Space>
                    ))}
                  </Flex>
                ) : (
                  <Typography.Text type="secondary">{t('preview.noRoutes')}</Typography.Text>
                ),
              },
            ]}
          />
          <VersionsTable versions={p.versions} />
          <Row gutter={12}>
            <Col span={8}>
              <Typography.Text strong>{t('preview.yaml')}</Typography.Text>
              <CodeBlock text={p.yaml} maxHeight={480} testId="preview-yaml" />
            </Col>
            <Col span={16}>
              <Typography.Text strong>{t('preview.xml')}</Typography.Text>
              <CodeBlock text={p.xml} highlight versions={p.versions} maxHeight={480} testId="preview-xml" />
            </Col>
          </Row>
          <Collapse
            size="small"
            items={[
              {
                key: 'before',
                label: t('preview.before'),
                children: p.before ? <CodeBlock text={p.before} maxHeight={260} /> : <Typography.Text type="secondary">{t('common.none')}</Typography.Text>,
              },
            ]}
          />
        </Flex>
      )}
    </Modal>
  );
}

/** A route value as "service version" pairs coloured by chain. */
function Routes({ value, versions, empty }: { value: string; versions: ServiceVersions[]; empty?: string }) {
  const map = versionMap(value);
  const entries = Object.entries(map);
  if (entries.length === 0) {
    return <Typography.Text type="secondary">{empty ?? ''}</Typography.Text>;
  }
  const chain = chainOf(map, versions);
  return (
    <Space size={4} wrap data-testid="preview-route" data-chain={chain}>
      {entries.map(([service, version]) => (
        <Tag key={service} color={chainColor[chain]} style={{ marginInlineEnd: 0 }}>
          {service === '*' ? version : `${service} ${version}`}
        </Tag>
      ))}
    </Space>
  );
}

function VersionsTable({ versions }: { versions: ServiceVersions[] }) {
  const { t } = useI18n();
  return (
    <Table<ServiceVersions>
      size="small"
      rowKey="service"
      pagination={false}
      dataSource={versions}
      data-testid="preview-versions"
      columns={[
        { title: t('release.service'), dataIndex: 'service' },
        {
          title: t('preview.versions'),
          key: 'oldNew',
          render: (_, v) => (
            <Space size={6}>
              <Tag color="green">{v.old}</Tag>
              <ArrowRightOutlined style={{ color: '#8c8c8c' }} />
              <Tag color={v.new === v.old ? 'default' : 'blue'}>{v.new}</Tag>
            </Space>
          ),
        },
        { title: t('release.versions'), key: 'all', render: (_, v) => <VersionTags sv={v} /> },
      ]}
    />
  );
}

/**
 * The warnings in the user's language. The server sends them as English
 * text; the one it knows of (a service with a single version on a release)
 * is worked out again here to be translated, others are shown as sent.
 */
function warningsOf(p: Preview, op: Operation, t: Translate): string[] {
  const single = op === 'release' ? p.versions.filter((v) => v.versions.length === 1) : [];
  const server = p.warnings ?? [];
  if (single.length !== server.length) return server;
  return single.map((v) => t('preview.singleVersion', { service: v.service, version: v.old }));
}
