// 执行概览: 开始时间, 当前步骤, 已耗时 (ticking), 预计剩余 (the server's
// estimate from the remaining steps, counting down between reads), who
// started it, and for an ended execution when and why.
import { Descriptions, Typography } from 'antd';
import { useI18n } from '../../i18n/I18nProvider';
import type { View } from './live';
import { isFinished, type Execution } from './model';
import { duration } from './format';
import { Panel } from './parts';
import { useNow } from './useLiveExecution';

export function Overview({ execution: x, view: v, readAt }: { execution: Execution; view: View; readAt: number }) {
  const { t, dateTime } = useI18n();
  const ended = isFinished(v.status);
  const now = useNow(!ended);
  const since = Math.max(0, (now - readAt) / 1000);
  const elapsed = isFinished(x.status) ? x.elapsed : x.elapsed + since;
  const remaining = ended ? undefined : x.status === 'RUNNING' ? Math.max(0, x.estimatedRemaining - since) : x.estimatedRemaining;
  const current = v.steps.find((s) => s.stepId === v.currentStepId);
  const items = [
    { key: 'start', label: t('exe.startTime'), children: <span data-testid="overview-start">{dateTime(x.startTime)}</span> },
    { key: 'step', label: t('exe.currentStep'), children: <span data-testid="overview-step">{current?.name ?? (x.currentStep || t('exe.none'))}</span> },
    { key: 'elapsed', label: t('exe.elapsed'), children: <span data-testid="overview-elapsed">{duration(elapsed, t)}</span> },
    {
      key: 'remaining',
      label: t('exe.remaining'),
      children: <span data-testid="overview-remaining">{remaining === undefined ? t('exe.none') : duration(remaining, t)}</span>,
    },
    { key: 'by', label: t('exe.startedBy'), children: x.startedBy },
  ];
  if (x.endTime) items.push({ key: 'end', label: t('exe.endTime'), children: <span>{dateTime(x.endTime)}</span> });
  if (v.reason?.text) {
    items.push({
      key: 'reason',
      label: t('exe.reason'),
      children: (
        <Typography.Text type={v.status === 'COMPLETED' ? undefined : 'danger'} data-testid="overview-reason">
          {v.reason.text}
        </Typography.Text>
      ),
    });
  }
  return (
    <Panel title={t('exe.overview')} testId="execution-overview">
      <Descriptions size="small" column={{ xs: 1, sm: 2, lg: 3, xl: 5 }} items={items} />
    </Panel>
  );
}
