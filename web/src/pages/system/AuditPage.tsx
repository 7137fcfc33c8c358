import { useState } from 'react';
import { useInfiniteQuery } from '@tanstack/react-query';
import { AutoComplete, Button, Card, DatePicker, Flex, Form, Input, Select, Table, Tag, Tooltip, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import type { Dayjs } from 'dayjs';
import { ReloadOutlined, SearchOutlined } from '@ant-design/icons';
import { api } from '../../api/client';
import type { AuditEntry, AuditOutcome } from '../../api/types';
import { useI18n } from '../../i18n/I18nProvider';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageHeader } from '../../components/PageHeader';
import { AUDIT_KEY } from './queries';

const PAGE_SIZE = 50;

/** Action prefixes offered in the filter; any other prefix can be typed. */
const ACTION_PREFIXES = ['auth.', 'user.', 'group.', 'token.', 'release.', 'workflow.', 'execution.'];

const OUTCOMES: AuditOutcome[] = ['ok', 'refused', 'error'];
const outcomeColor: Record<AuditOutcome, string> = { ok: 'success', refused: 'warning', error: 'error' };
const methodColor: Record<string, string> = { GET: 'default', POST: 'green', PUT: 'blue', PATCH: 'blue', DELETE: 'red' };

interface Filters {
  actor?: string;
  action?: string;
  outcome?: AuditOutcome;
  range?: [Dayjs | null, Dayjs | null] | null;
}

function query(f: Filters, before: string | undefined) {
  return {
    limit: PAGE_SIZE,
    ...(f.actor?.trim() ? { actor: f.actor.trim() } : {}),
    ...(f.action?.trim() ? { action: f.action.trim() } : {}),
    ...(f.outcome ? { outcome: f.outcome } : {}),
    ...(f.range?.[0] ? { since: f.range[0].toISOString() } : {}),
    ...(f.range?.[1] ? { until: f.range[1].toISOString() } : {}),
    ...(before ? { before } : {}),
  };
}

export function AuditPage() {
  const { t, dateTime } = useI18n();
  const [form] = Form.useForm<Filters>();
  const [filters, setFilters] = useState<Filters>({});
  const audit = useInfiniteQuery({
    queryKey: [...AUDIT_KEY, filters],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) => api.call(api.client.GET('/api/audit', { params: { query: query(filters, pageParam) } })),
    getNextPageParam: (last) => last.next || undefined,
  });
  const rows = audit.data?.pages.flatMap((p) => p.entries) ?? [];

  // Ordered by what a reader scans for: when, who, what, to what, how it ended;
  // the request details follow.
  const columns: ColumnsType<AuditEntry> = [
    { title: t('audit.time'), dataIndex: 'time', width: 170, fixed: 'left', render: (v: string) => dateTime(v) },
    {
      title: t('audit.actor'),
      dataIndex: 'actor',
      width: 130,
      ellipsis: true,
      render: (v: string) => (v ? <Typography.Text strong>{v}</Typography.Text> : <Typography.Text type="secondary">{t('audit.anonymous')}</Typography.Text>),
    },
    { title: t('audit.via'), dataIndex: 'via', width: 84, render: (v: AuditEntry['via']) => <Tag variant="filled">{t(`audit.via.${v}`)}</Tag> },
    { title: t('audit.action'), dataIndex: 'action', width: 140, ellipsis: true, render: (v: string) => <Typography.Text code>{v}</Typography.Text> },
    { title: t('audit.resource'), dataIndex: 'resource', width: 220, ellipsis: true },
    {
      title: t('audit.outcome'),
      dataIndex: 'outcome',
      width: 80,
      render: (v: AuditOutcome) => <Tag color={outcomeColor[v]}>{t(`audit.outcome.${v}`)}</Tag>,
    },
    {
      title: t('audit.status'),
      dataIndex: 'status',
      width: 76,
      render: (v: number) => <Typography.Text type={v >= 500 ? 'danger' : v >= 400 ? 'warning' : undefined}>{v}</Typography.Text>,
    },
    {
      title: t('audit.request'),
      key: 'request',
      width: 260,
      ellipsis: { showTitle: false },
      render: (_, e) => (
        <Tooltip title={`${e.method} ${e.path}`} placement="topLeft">
          <Tag color={methodColor[e.method] ?? 'default'} className="method-tag">
            {e.method}
          </Tag>
          <span className="mono">{e.path}</span>
        </Tooltip>
      ),
    },
    { title: t('audit.remoteAddr'), dataIndex: 'remoteAddr', width: 150, ellipsis: true, className: 'mono' },
    {
      title: t('audit.requestId'),
      dataIndex: 'requestId',
      width: 130,
      render: (v: string) => (
        <Typography.Text className="mono" copyable={{ text: v }} style={{ fontSize: 12 }}>
          {v.length > 8 ? `${v.slice(0, 8)}…` : v}
        </Typography.Text>
      ),
    },
    {
      title: t('audit.detail'),
      dataIndex: 'detail',
      width: 240,
      ellipsis: { showTitle: false },
      render: (v?: string) =>
        v ? (
          <Tooltip title={v} placement="topLeft">
            <span>{v}</span>
          </Tooltip>
        ) : (
          <Typography.Text type="secondary">—</Typography.Text>
        ),
    },
  ];

  return (
    <>
      <PageHeader path={[t('nav.system'), t('nav.audit')]} title={t('audit.title')} subtitle={t('audit.subtitle')} />
      <Card>
        <Form<Filters> form={form} layout="inline" onFinish={(v) => setFilters({ ...v })} className="filter-bar" data-testid="audit-filters">
          <Form.Item name="actor">
            <Input allowClear placeholder={t('audit.filterActor')} style={{ width: 180 }} data-testid="audit-actor" />
          </Form.Item>
          <Form.Item name="action">
            <AutoComplete
              allowClear
              placeholder={t('audit.filterAction')}
              style={{ width: 200 }}
              options={ACTION_PREFIXES.map((p) => ({ value: p }))}
              data-testid="audit-action"
            />
          </Form.Item>
          <Form.Item name="outcome">
            <Select
              allowClear
              placeholder={t('audit.filterOutcome')}
              style={{ width: 140 }}
              options={OUTCOMES.map((o) => ({ value: o, label: t(`audit.outcome.${o}`) }))}
            />
          </Form.Item>
          <Form.Item name="range">
            <DatePicker.RangePicker showTime allowEmpty={[true, true]} style={{ width: 380 }} />
          </Form.Item>
          <Form.Item>
            <Flex gap={8}>
              <Button type="primary" htmlType="submit" icon={<SearchOutlined />}>
                {t('common.search')}
              </Button>
              <Button
                onClick={() => {
                  form.resetFields();
                  setFilters({});
                }}
              >
                {t('common.reset')}
              </Button>
              <Button
                icon={<ReloadOutlined />}
                onClick={() => void audit.refetch()}
                loading={audit.isFetching && !audit.isFetchingNextPage}
                data-testid="audit-refresh"
              >
                {t('common.refresh')}
              </Button>
            </Flex>
          </Form.Item>
        </Form>
        <ErrorAlert error={audit.error} onRetry={() => void audit.refetch()} />
        <Table<AuditEntry>
          size="small"
          rowKey="id"
          columns={columns}
          dataSource={rows}
          loading={audit.isPending}
          pagination={false}
          tableLayout="fixed"
          scroll={{ x: columns.reduce((sum, c) => sum + (typeof c.width === 'number' ? c.width : 0), 0) }}
          data-testid="audit-table"
        />
        <Flex justify="center" align="center" gap={16} style={{ marginTop: 16 }}>
          <Typography.Text type="secondary">{t('audit.loaded', { count: rows.length })}</Typography.Text>
          {audit.hasNextPage ? (
            <Button onClick={() => void audit.fetchNextPage()} loading={audit.isFetchingNextPage} data-testid="audit-more">
              {t('common.loadMore')}
            </Button>
          ) : (
            !audit.isPending && <Typography.Text type="secondary">{t('common.noMore')}</Typography.Text>
          )}
        </Flex>
      </Card>
    </>
  );
}
