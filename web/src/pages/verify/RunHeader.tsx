// The head of a run: its id and task, status, who started it and when, the
// samples sent of those planned, why it ended, and 中止 while it runs.
import { Alert, Button, Descriptions, Popconfirm, Progress, Space, Tag, Typography } from 'antd';
import { CheckCircleFilled, CloseCircleFilled, LoadingOutlined, MinusCircleFilled, StopOutlined } from '@ant-design/icons';
import type { ReactNode } from 'react';
import { useI18n } from '../../i18n/I18nProvider';
import type { VerifyRun, VerifyStatus } from './model';
import { messageText } from './messages';
import { progress } from './results';

const statusColor: Record<VerifyStatus, string> = { RUNNING: 'processing', COMPLETED: 'success', PASSED: 'success', FAILED: 'error', ABORTED: 'warning' };
const statusIcon: Record<VerifyStatus, ReactNode> = {
  RUNNING: <LoadingOutlined />,
  COMPLETED: <CheckCircleFilled />,
  PASSED: <CheckCircleFilled />,
  FAILED: <CloseCircleFilled />,
  ABORTED: <MinusCircleFilled />,
};

export function StatusTag({ status }: { status: VerifyStatus }) {
  const { t } = useI18n();
  return (
    <Tag color={statusColor[status]} icon={statusIcon[status]} data-testid="verify-run-status" data-status={status}>
      {t(`verify.status.${status}`)}
    </Tag>
  );
}

function duration(run: VerifyRun): string {
  const end = run.endedAt ? new Date(run.endedAt).getTime() : Date.now();
  const s = Math.max(0, Math.round((end - new Date(run.startedAt).getTime()) / 1000));
  return s >= 60 ? `${Math.floor(s / 60)}m ${s % 60}s` : `${s}s`;
}

export function RunHeader({ run, mayAbort, onAbort, aborting }: { run: VerifyRun; mayAbort: boolean; onAbort: () => Promise<void>; aborting: boolean }) {
  const { t, lang, dateTime } = useI18n();
  const running = run.status === 'RUNNING';
  return (
    <div data-testid="verify-run" data-run={run.id}>
      <Descriptions
        size="small"
        column={{ xs: 1, md: 2, xl: 4 }}
        items={[
          { key: 'id', label: t('verify.run.id'), children: <Typography.Text code copyable data-testid="verify-run-id">{run.id}</Typography.Text> },
          { key: 'task', label: t('verify.task'), children: <Typography.Text code data-testid="verify-run-task">{run.task}</Typography.Text> },
          {
            key: 'status',
            label: t('verify.run.status'),
            children: (
              <Space size={8}>
                <StatusTag status={run.status} />
                {running && mayAbort && (
                  <Popconfirm
                    title={t('verify.abort.title')}
                    description={<div style={{ maxWidth: 320 }}>{t('verify.abort.body')}</div>}
                    onConfirm={onAbort}
                    okButtonProps={{ danger: true, loading: aborting, 'data-testid': 'verify-abort-ok' }}
                  >
                    <Button size="small" danger icon={<StopOutlined />} disabled={!!run.abortRequestedBy} data-testid="verify-abort">
                      {t('verify.abort')}
                    </Button>
                  </Popconfirm>
                )}
              </Space>
            ),
          },
          { key: 'by', label: t('verify.run.startedBy'), children: run.startedBy },
          { key: 'at', label: t('verify.run.startedAt'), children: dateTime(run.startedAt) },
          { key: 'dur', label: t('verify.run.duration'), children: duration(run) },
          {
            key: 'progress',
            label: t('verify.run.progress'),
            span: 2,
            children: (
              <Space size={12} style={{ width: '100%' }}>
                <Progress percent={progress(run.done, run.total)} size="small" status={running ? 'active' : run.status === 'FAILED' ? 'exception' : 'normal'} style={{ width: 200, margin: 0 }} />
                <span data-testid="verify-run-samples">{t('verify.run.samples', { done: run.done, total: run.total })}</span>
              </Space>
            ),
          },
        ]}
      />
      {run.abortRequestedBy && running && <Alert type="warning" showIcon style={{ marginTop: 8 }} title={t('verify.run.abortRequested', { user: run.abortRequestedBy })} />}
      {run.reason && !running && (
        <Alert
          type={run.status === 'ABORTED' ? 'warning' : 'error'}
          showIcon
          style={{ marginTop: 8 }}
          title={messageText(lang, run.reason)}
          data-testid="verify-run-reason"
        />
      )}
    </div>
  );
}
