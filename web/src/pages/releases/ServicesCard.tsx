// 参与蓝绿灰度发布的服务列表: the services of the call chain (the group's in
// 域网关模式, all in 非域网关模式), never the entry app; each chosen service
// with its online versions (1.0;1.1, old green, new blue) and its live
// traffic per version.
import { useQueries, useQuery } from '@tanstack/react-query';
import { App as AntApp, Card, Flex, Form, Progress, Radio, Select, Space, Table, Tag, Typography } from 'antd';
import type { ServiceMetrics, ServiceVersions, VersionMetrics } from '../../api/types';
import { useI18n } from '../../i18n/I18nProvider';
import { ErrorAlert } from '../../components/ErrorAlert';
import type { ReleaseFormValues } from './form';
import { Hint, VersionTags } from './parts';
import { fetchMetrics, fetchServices, fetchVersions } from './queries';

export const METRICS_REFRESH_MS = 5_000;

/** The versions query the services card and the topology share. */
export function useVersions(services: string[], sort: 'version' | 'time') {
  return useQuery({
    queryKey: ['registry', 'versions', services.join(','), sort],
    queryFn: () => fetchVersions(services, sort),
    enabled: services.length > 0,
    refetchInterval: 15_000,
  });
}

export function ServicesCard() {
  const { t } = useI18n();
  const { modal } = AntApp.useApp();
  const form = Form.useFormInstance<ReleaseFormValues>();
  const domainGateway = Form.useWatch('domainGateway', form) ?? true;
  const group = Form.useWatch('group', form);
  const app = Form.useWatch('app', form);
  const subscription = Form.useWatch('subscription', form);
  const selected: string[] = Form.useWatch('services', form) ?? [];
  const sort = Form.useWatch('sort', form) ?? 'version';
  const entryApp = subscription === 'PARTIAL' ? app : undefined;

  const scope = domainGateway ? group : undefined;
  const list = useQuery({
    queryKey: ['registry', 'services', scope ?? '*', 'service'],
    queryFn: () => fetchServices(['service'], scope),
    enabled: !domainGateway || !!group,
  });
  const versions = useVersions(selected, sort);
  const metrics = useQueries({
    queries: selected.map((s) => ({
      queryKey: ['metrics', s],
      queryFn: () => fetchMetrics(s),
      refetchInterval: METRICS_REFRESH_MS,
    })),
  });
  const metricsOf = new Map<string, ServiceMetrics | undefined>(selected.map((s, i) => [s, metrics[i]?.data]));

  const options = (list.data ?? []).map((s) => ({ value: s.service, label: s.service }));
  // A service chosen before that is no longer listed stays visible.
  for (const s of selected) {
    if (!options.some((o) => o.value === s)) options.push({ value: s, label: s });
  }

  return (
    <Card title={t('release.services.title')} size="small" className="release-card" data-testid="release-services-card">
      <ErrorAlert error={list.error ?? versions.error} />
      <Form.Item name="domainGateway" style={{ marginBottom: 12 }}>
        <Radio.Group data-testid="release-domain-gateway">
          <Radio value={true} data-testid="release-domain">
            <Hint label={t('release.domainGateway')} hint={t('release.domainGatewayHint')} />
          </Radio>
          <Radio value={false} data-testid="release-non-domain">
            <Hint label={t('release.nonDomainGateway')} hint={t('release.nonDomainGatewayHint')} />
          </Radio>
        </Radio.Group>
      </Form.Item>
      <Form.Item
        name="services"
        // The entry app never joins the chain; choosing it opens the dialog below instead.
        normalize={(value: string[]) => (entryApp ? value.filter((s) => s !== entryApp) : value)}
      >
        <Select
          mode="multiple"
          allowClear
          placeholder={t('release.servicesPlaceholder')}
          options={options}
          loading={list.isFetching}
          onSelect={(s: string) => {
            if (s === entryApp) {
              modal.warning({ title: t('release.appNotService.title'), content: t('release.appNotService.desc', { app: s }) });
            }
          }}
          data-testid="release-services"
        />
      </Form.Item>
      <Table<ServiceVersions>
        size="small"
        rowKey="service"
        pagination={false}
        loading={versions.isFetching && !versions.data}
        dataSource={selected.length ? (versions.data ?? []) : []}
        locale={{ emptyText: t('release.noServices') }}
        data-testid="release-versions"
        columns={[
          { title: t('release.service'), dataIndex: 'service', className: 'nowrap', render: (s: string) => <Typography.Text strong>{s}</Typography.Text> },
          {
            title: t('release.versions'),
            key: 'versions',
            render: (_, sv) => (
              <Flex vertical gap={4}>
                <Typography.Text code data-testid="release-version-list">
                  {sv.versions.join(';') || '—'}
                </Typography.Text>
                <VersionTags sv={sv} />
              </Flex>
            ),
          },
          {
            title: t('release.metrics'),
            key: 'metrics',
            render: (_, sv) => <LiveTraffic sv={sv} metrics={metricsOf.get(sv.service)} />,
          },
        ]}
      />
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {t('release.versionsHelp')}
      </Typography.Text>
    </Card>
  );
}

/** Per version: its share of the service's traffic, success rate and latency over the last minute. */
function LiveTraffic({ sv, metrics }: { sv: ServiceVersions; metrics?: ServiceMetrics }) {
  const { t } = useI18n();
  if (!metrics) return <Typography.Text type="secondary">—</Typography.Text>;
  const byVersion = new Map(metrics.versions.map((v) => [v.version, v]));
  const news = sv.new.split(';');
  return (
    <Flex vertical gap={2} data-testid="release-metrics">
      {sv.versions.map((version) => {
        const m: VersionMetrics | undefined = byVersion.get(version);
        const isNew = sv.versions.length > 1 && news.includes(version) && version !== sv.old;
        const color = sv.versions.length === 1 ? '#8c8c8c' : isNew ? '#1677ff' : '#52c41a';
        return (
          <Space key={version} size={8} className="metrics-line">
            <Tag color={sv.versions.length === 1 ? 'default' : isNew ? 'blue' : 'green'} style={{ marginInlineEnd: 0, minWidth: 40 }}>
              {version}
            </Tag>
            <Progress percent={round(m?.traffic ?? 0)} size={[90, 8]} strokeColor={color} showInfo={false} />
            {m && m.requests > 0 ? (
              <Typography.Text style={{ fontSize: 12 }}>
                {t('release.metrics.traffic', { value: round(m.traffic) })} · {t('release.metrics.success', { value: round(m.successRate) })} ·{' '}
                {t('release.metrics.latency', { avg: round(m.avgLatencyMs), p99: round(m.p99LatencyMs) })}
              </Typography.Text>
            ) : (
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {t('release.metrics.idle')}
              </Typography.Text>
            )}
          </Space>
        );
      })}
    </Flex>
  );
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
