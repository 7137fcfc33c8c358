// 流程执行: one execution, live (seed 000 §2.2) — the header with the
// signals the state allows, 执行概览, 执行进度 (list and graph), 实时监控 and
// 执行日志, all following the execution's event stream without a reload.
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { Col, Flex, Result, Row, Space, Spin } from 'antd';
import { ApiError } from '../../api/error';
import { useI18n } from '../../i18n/I18nProvider';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageHeader } from '../../components/PageHeader';
import { ExecutionActions, WhoDidWhat } from './ExecutionActions';
import { LogPanel } from './LogPanel';
import { MonitorPanel } from './MonitorPanel';
import { Overview } from './Overview';
import { ProgressPanel } from './ProgressPanel';
import { LiveTag, MONITOR_ANCHOR, StatusTag } from './parts';
import { fetchWorkflowVersion, workflowVersionKey } from './queries';
import { useLiveExecution } from './useLiveExecution';
import { newVersionOf, oldVersionOf } from './versions';
import './executions.css';

export function ExecutionPage({ id }: { id: string }) {
  const { t, lang } = useI18n();
  const live = useLiveExecution(id, lang);
  const x = live.snapshot;
  const v = live.view;
  const workflow = useQuery({
    queryKey: workflowVersionKey(x?.workflowId ?? '', x?.workflowVersion ?? 0),
    queryFn: () => fetchWorkflowVersion(x!.workflowId, x!.workflowVersion),
    enabled: !!x,
    staleTime: Infinity, // a saved version never changes
  });

  if (live.loading) {
    return (
      <Flex justify="center" style={{ padding: 64 }}>
        <Spin size="large" />
      </Flex>
    );
  }
  if (!x || !v) {
    if (live.error instanceof ApiError && live.error.status === 404) {
      return <Result status="404" title={id} subTitle={<ErrorAlert error={live.error} />} extra={<Link to="/executions">{t('exe.back')}</Link>} />;
    }
    return <ErrorAlert error={live.error} onRetry={live.refetch} />;
  }
  const wf = workflow.data;
  const newVersion = newVersionOf(wf, v.samples);
  const oldVersion = oldVersionOf(v.samples);
  return (
    <div className="execution-page" data-testid="execution-page" data-status={v.status}>
      <PageHeader
        path={[t('exe.breadcrumb'), x.id]}
        title={t('exe.title', { version: newVersion || '?' })}
        subtitle={
          <Space size={8} wrap>
            <StatusTag status={v.status} />
            <LiveTag state={live.stream} />
            <span>
              {x.id} ·{' '}
              <Link to={`/workflows/${encodeURIComponent(x.workflowId)}`}>
                {x.workflowId} v{x.workflowVersion}
              </Link>{' '}
              · <Link to={`/releases/${encodeURIComponent(x.releaseId)}`}>{x.releaseId}</Link>
            </span>
          </Space>
        }
        extra={<ExecutionActions execution={x} view={v} workflow={wf} oldVersion={oldVersion} newVersion={newVersion} />}
      />
      <WhoDidWhat actions={v.actions} steps={v.steps} />
      <ErrorAlert error={live.error} onRetry={live.refetch} />
      <Row gutter={[16, 16]}>
        <Col span={24}>
          <Overview execution={x} view={v} readAt={live.readAt} />
        </Col>
        <Col xs={24} xl={10}>
          <ProgressPanel execution={x} view={v} workflow={wf} workflowError={workflow.error} />
        </Col>
        <Col xs={24} xl={14}>
          <Flex vertical gap={16}>
            <MonitorPanel id={MONITOR_ANCHOR} view={v} workflow={wf} start={x.startTime} end={x.endTime ?? undefined} newVersion={newVersion} oldVersion={oldVersion} />
            <LogPanel logs={v.logs} />
          </Flex>
        </Col>
      </Row>
    </div>
  );
}
