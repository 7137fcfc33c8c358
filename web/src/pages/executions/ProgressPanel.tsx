// 执行进度: every step of the main way with ✅ / 🔵 / ⚪ / ❌, its times and
// result (通过, 成功, 正常, or why it failed), the shift under way
// (当前流量: 35% → 50%) with 查看实时监控, and the same execution as a graph.
import { Button, Tabs, Typography } from 'antd';
import { LineChartOutlined } from '@ant-design/icons';
import { useI18n } from '../../i18n/I18nProvider';
import type { View } from './live';
import { ROLLBACK_STEP, type Execution, type StepRun, type Workflow } from './model';
import { clock } from './format';
import { ExecutionGraph } from './ExecutionGraph';
import { LookIcon, MONITOR_ANCHOR, Panel } from './parts';
import { lookOf, progressSteps, span } from './steps';


interface Props {
  execution: Execution;
  view: View;
  workflow?: Workflow;
  workflowError: unknown;
}

export function ProgressPanel({ view, workflow, workflowError }: Props) {
  const { t } = useI18n();
  return (
    <Panel title={t('exe.progress')} testId="execution-progress">
      <Tabs
        size="small"
        items={[
          { key: 'list', label: t('exe.tab.list'), children: <StepList view={view} /> },
          { key: 'graph', label: <span data-testid="execution-tab-graph">{t('exe.tab.graph')}</span>, children: <ExecutionGraph workflow={workflow} view={view} error={workflowError} /> },
        ]}
      />
    </Panel>
  );
}

function StepList({ view }: { view: View }) {
  return (
    <ol className="exe-steps" data-testid="execution-steps">
      {progressSteps(view.steps).map((s) => (
        <StepItem key={s.stepId} step={s} view={view} />
      ))}
    </ol>
  );
}

function StepItem({ step, view }: { step: StepRun; view: View }) {
  const { t } = useI18n();
  const look = lookOf(step, view.status);
  const time = span(step, clock);
  const current = step.stepId === view.currentStepId;
  const name = step.stepId === ROLLBACK_STEP ? t('exe.step.engineRollback') : step.name;
  const shift = current && view.shift?.stepId === step.stepId ? view.shift : undefined;
  const waiting = look === 'held' ? (step.waiting === 'approval' ? t('exe.step.waiting.approval') : t('exe.step.waiting.person')) : undefined;
  return (
    <li className={`exe-step exe-step-${look}${current ? ' exe-step-current' : ''}`} data-testid="execution-step" data-step={step.stepId} data-look={look}>
      <div className="exe-step-line">
        <LookIcon look={look} />
        <Typography.Text strong={current} className="exe-step-name">
          {name}
        </Typography.Text>
        {time.from && (
          <Typography.Text type="secondary" className="exe-step-time">
            ({time.from}
            {time.to ? `-${time.to}` : time.open ? `-${t('exe.step.running')}` : ''})
          </Typography.Text>
        )}
        {step.summary?.text && step.status !== 'RUNNING' && (
          <Typography.Text type={look === 'failed' ? 'danger' : undefined} className="exe-step-result" data-testid="execution-step-result">
            - {step.summary.text}
          </Typography.Text>
        )}
        {(step.attempt ?? 0) > 1 && <Typography.Text type="secondary"> · {t('exe.step.attempt', { n: step.attempt ?? 0 })}</Typography.Text>}
        {waiting && <Typography.Text type="warning"> · {waiting}</Typography.Text>}
      </div>
      {(shift || (current && look === 'running' && step.type === 'MONITOR')) && (
        <div className="exe-step-shift" data-testid={shift ? 'execution-shift' : 'execution-observing'}>
          {shift && <Typography.Text data-testid="execution-shift-text">{t('exe.step.currentTraffic', { from: shift.current, to: shift.to })}</Typography.Text>}
          <div>
            <Button
              size="small"
              icon={<LineChartOutlined />}
              onClick={() => document.getElementById(MONITOR_ANCHOR)?.scrollIntoView({ behavior: 'smooth', block: 'start' })}
              data-testid="execution-view-monitor"
            >
              {t('exe.step.viewMonitor')}
            </Button>
          </div>
        </div>
      )}
    </li>
  );
}
