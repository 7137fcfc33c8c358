// 执行记录: every execution with filters (release, workflow, status, who,
// time range) kept in the URL (?release=…), duration and outcome, and the
// numbers a lead asks for: executions per week, the share rolled back, the
// median duration, and the last weeks as a chart.
import { useMemo } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useQuery } from '@tanstack/react-query';
import { Button, Card, Col, DatePicker, Input, Row, Select, Space, Statistic, Table, Typography } from 'antd';
import dayjs from 'dayjs';
import { useI18n } from '../../i18n/I18nProvider';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageHeader } from '../../components/PageHeader';
import { EXECUTION_STATUSES, type ExecutionStatus, type ExecutionSummary } from './model';
import { duration } from './format';
import { StatusTag } from './parts';
import { fetchExecutions, fetchReleaseNames, fetchWorkflowList, historyKey, type HistoryFilter } from './queries';
import { weekly } from './stats';
import { WeeklyChart } from './WeeklyChart';
import './executions.css';

const FILTER_KEYS = ['release', 'workflow', 'status', 'by', 'since', 'until'] as const;

/** The filter the URL query holds. */
export function filterOf(params: URLSearchParams): HistoryFilter {
  const f: HistoryFilter = {};
  for (const k of FILTER_KEYS) {
    const v = params.get(k)?.trim();
    if (!v) continue;
    if (k === 'status') {
      if ((EXECUTION_STATUSES as string[]).includes(v)) f.status = v as ExecutionStatus;
    } else f[k] = v;
  }
  return f;
}

export function HistoryPage() {
  const { t, lang, dateTime } = useI18n();
  const [params, setParams] = useSearchParams();
  const filter = useMemo(() => filterOf(params), [params]);
  const list = useQuery({ queryKey: historyKey(filter, lang), queryFn: () => fetchExecutions(filter, lang), refetchInterval: 15_000 });
  const releases = useQuery({ queryKey: ['execution-filter', 'releases'], queryFn: () => fetchReleaseNames(), staleTime: 60_000 });
  const workflows = useQuery({ queryKey: ['execution-filter', 'workflows'], queryFn: () => fetchWorkflowList(), staleTime: 60_000 });
  const rows = list.data?.executions ?? [];
  const stats = list.data?.stats;
  const weeks = useMemo(() => weekly(rows, Date.now()), [rows]);

  const set = (k: (typeof FILTER_KEYS)[number], v: string | undefined) => {
    const next = new URLSearchParams(params);
    if (v) next.set(k, v);
    else next.delete(k);
    setParams(next, { replace: true });
  };
  const releaseOptions = unique([...(releases.data ?? []).map((r) => r.name), ...rows.map((r) => r.releaseId), filter.release]);
  const workflowOptions = (workflows.data ?? []).map((w) => ({ value: w.id, label: `${w.id} · ${w.name}` }));
  if (filter.workflow && !workflowOptions.some((o) => o.value === filter.workflow)) workflowOptions.push({ value: filter.workflow, label: filter.workflow });

  return (
    <div data-testid="executions-history">
      <PageHeader path={[t('exe.history.title')]} title={t('exe.history.title')} subtitle={t('exe.history.subtitle')} />
      <Card size="small" style={{ marginBottom: 16 }}>
        <Space wrap size={[12, 8]} data-testid="history-filters">
          <Select
            allowClear
            showSearch
            style={{ width: 200 }}
            placeholder={t('exe.history.release')}
            value={filter.release}
            onChange={(v?: string) => set('release', v)}
            options={releaseOptions.map((r) => ({ value: r, label: r }))}
            data-testid="history-release"
          />
          <Select
            allowClear
            showSearch
            style={{ width: 220 }}
            placeholder={t('exe.history.workflow')}
            value={filter.workflow}
            onChange={(v?: string) => set('workflow', v)}
            options={workflowOptions}
            data-testid="history-workflow"
          />
          <Select
            allowClear
            style={{ width: 120 }}
            placeholder={t('exe.history.status')}
            value={filter.status}
            onChange={(v?: string) => set('status', v)}
            options={EXECUTION_STATUSES.map((s) => ({ value: s, label: t(`exe.status.${s}`) }))}
            data-testid="history-status"
          />
          <Input.Search
            allowClear
            style={{ width: 150 }}
            placeholder={t('exe.history.by')}
            defaultValue={filter.by}
            key={filter.by ?? ''}
            onSearch={(v) => set('by', v.trim() || undefined)}
            data-testid="history-by"
          />
          <DatePicker.RangePicker
            showTime={{ format: 'HH:mm' }}
            format="YYYY-MM-DD HH:mm"
            placeholder={[t('exe.history.time'), '']}
            value={[filter.since ? dayjs(filter.since) : null, filter.until ? dayjs(filter.until) : null]}
            onChange={(r) => {
              const next = new URLSearchParams(params);
              const [a, b] = r ?? [null, null];
              if (a) next.set('since', a.toISOString());
              else next.delete('since');
              if (b) next.set('until', b.toISOString());
              else next.delete('until');
              setParams(next, { replace: true });
            }}
            allowEmpty={[true, true]}
            data-testid="history-time"
          />
          {Object.keys(filter).length > 0 && (
            <Button onClick={() => setParams(new URLSearchParams(), { replace: true })} data-testid="history-reset">
              {t('exe.history.reset')}
            </Button>
          )}
        </Space>
      </Card>
      <ErrorAlert error={list.error} onRetry={() => void list.refetch()} />
      <Row gutter={16} style={{ marginBottom: 16 }} className="exe-stats">
        <Col xs={24} lg={12}>
          <Card size="small" style={{ height: '100%' }}>
            <Row gutter={12}>
              <Col span={6}>
                <Statistic title={t('exe.history.total')} value={stats?.total ?? 0} data-testid="history-total" />
              </Col>
              <Col span={6}>
                <Statistic title={t('exe.history.perWeek')} value={stats?.perWeek ?? 0} precision={1} data-testid="history-per-week" />
              </Col>
              <Col span={6}>
                <Statistic title={t('exe.history.rolledBack')} value={stats?.rolledBackRate ?? 0} precision={1} suffix="%" data-testid="history-rolled-back" />
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {t('exe.history.rolledBackOf', { count: stats?.rolledBack ?? 0 })}
                </Typography.Text>
              </Col>
              <Col span={6}>
                <Statistic title={t('exe.history.median')} value={stats?.medianDuration ? duration(stats.medianDuration, t) : t('exe.none')} data-testid="history-median" />
              </Col>
            </Row>
          </Card>
        </Col>
        <Col xs={24} lg={12}>
          <Card size="small" title={t('exe.history.weekly')} styles={{ body: { padding: '4px 8px' } }}>
            <WeeklyChart weeks={weeks} />
          </Card>
        </Col>
      </Row>
      <Card size="small">
        <Table<ExecutionSummary>
          size="small"
          rowKey="id"
          loading={list.isPending}
          dataSource={rows}
          pagination={{ defaultPageSize: 20, hideOnSinglePage: true, showSizeChanger: false }}
          locale={{ emptyText: t('exe.history.empty') }}
          data-testid="history-table"
          columns={[
            {
              title: t('exe.history.id'),
              dataIndex: 'id',
              render: (id: string) => (
                <Link to={`/executions/${encodeURIComponent(id)}`} data-testid="history-open">
                  {id}
                </Link>
              ),
            },
            { title: t('exe.history.release'), dataIndex: 'releaseId', render: (r: string) => <Link to={`/releases/${encodeURIComponent(r)}`}>{r}</Link> },
            {
              title: t('exe.history.workflow'),
              key: 'workflow',
              render: (_, e) => (
                <Link to={`/workflows/${encodeURIComponent(e.workflowId)}`}>
                  {e.workflowId} v{e.workflowVersion}
                </Link>
              ),
            },
            { title: t('exe.history.status'), dataIndex: 'status', render: (s: ExecutionStatus) => <StatusTag status={s} /> },
            { title: t('exe.history.by'), dataIndex: 'startedBy' },
            { title: t('exe.history.start'), dataIndex: 'startTime', render: (v: string) => dateTime(v), className: 'nowrap' },
            { title: t('exe.history.duration'), dataIndex: 'duration', render: (v: number) => duration(v, t), className: 'nowrap' },
            {
              title: t('exe.history.outcome'),
              key: 'outcome',
              render: (_, e) => <Outcome e={e} />,
            },
          ]}
        />
      </Card>
    </div>
  );
}

function Outcome({ e }: { e: ExecutionSummary }) {
  const { t } = useI18n();
  if (e.status === 'RUNNING' || e.status === 'PAUSED') {
    return <Typography.Text type="secondary">{e.reason?.text || t('exe.history.outcome.running', { step: e.currentStep })}</Typography.Text>;
  }
  if (e.status === 'COMPLETED') return <Typography.Text type="success">{e.reason?.text || t('exe.history.outcome.completed')}</Typography.Text>;
  // Rolled back or aborted by a person: said so, not as a failure.
  if (e.reason?.key === 'reason.by' && (e.status === 'ROLLED_BACK' || e.status === 'ABORTED')) {
    const action = t(e.status === 'ROLLED_BACK' ? 'exe.action.rollback' : 'exe.action.abort');
    return (
      <Typography.Text type="warning" data-testid="history-outcome">
        {t('exe.history.outcome.manual', { action, reason: e.reason.text })}
      </Typography.Text>
    );
  }
  return (
    <Typography.Text type="danger" ellipsis={{ tooltip: e.reason?.text }} style={{ maxWidth: 420 }} data-testid="history-outcome">
      {e.reason?.text ?? e.currentStep}
    </Typography.Text>
  );
}

function unique(values: (string | undefined)[]): string[] {
  return [...new Set(values.filter((v): v is string => !!v))].sort();
}
