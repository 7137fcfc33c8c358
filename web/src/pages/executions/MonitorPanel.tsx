// 实时监控: 蓝环境 (新版本) and 绿环境 (旧版本) side by side — traffic,
// request success rate, average response time, CPU, memory from the last
// measurement — the live charts over the execution's time with the
// thresholds drawn, and 告警: the threshold breaches, or 无.
import { useMemo } from 'react';
import { Col, List, Row, Typography } from 'antd';
import { useI18n } from '../../i18n/I18nProvider';
import type { MessageKey } from '../../i18n/messages';
import type { View } from './live';
import type { EnvMetrics, Workflow } from './model';
import { clock, fixed, memory } from './format';
import { BLUE, GREEN, MetricChart, type ChartLabels } from './MetricChart';
import { Panel } from './parts';
import { buildSeries, METRICS, thresholdsOf, yRange, type MetricKey, type Thresholds } from './series';

interface Props {
  id: string;
  view: View;
  workflow?: Workflow;
  start: string;
  end?: string;
  newVersion: string;
  oldVersion: string;
}

const TITLE: Record<MetricKey, MessageKey> = {
  traffic: 'exe.monitor.traffic',
  successRate: 'exe.monitor.successRate',
  responseTime: 'exe.monitor.responseTime',
  cpu: 'exe.monitor.cpu',
  memory: 'exe.monitor.memory',
};

const UNIT: Record<MetricKey, string> = { traffic: '%', successRate: '%', responseTime: 'ms', cpu: '%', memory: 'MB' };

export function MonitorPanel({ id, view, workflow, start, end, newVersion, oldVersion }: Props) {
  const { t } = useI18n();
  const thresholds = useMemo(() => {
    const out: Record<string, Thresholds> = {};
    for (const s of workflow?.steps ?? []) if (s.type === 'MONITOR') out[s.id] = thresholdsOf(s);
    return out;
  }, [workflow]);
  const series = useMemo(() => buildSeries(view.samples, view.steps, thresholds, view.logs), [view.samples, view.steps, thresholds, view.logs]);
  const labels = useMemo(() => {
    const out = {} as Record<MetricKey, ChartLabels>;
    for (const k of METRICS) {
      out[k] = {
        title: t(TITLE[k]),
        blue: t('exe.monitor.newSeries'),
        green: t('exe.monitor.oldSeries'),
        limit: t('exe.monitor.limit'),
        min: (v) => t('exe.monitor.min', { value: v }),
        max: (v) => t('exe.monitor.max', { value: v }),
        unit: UNIT[k],
      };
    }
    return out;
  }, [t]);
  const last = view.samples.at(-1);
  const from = Date.parse(start);
  const to = end ? Date.parse(end) : Math.max(Date.now(), series.traffic.blue.at(-1)?.[0] ?? 0);
  const shift = view.shift;
  const blueTraffic = shift ? `${shift.current}% → ${shift.to}%` : `${view.weight}%`;
  const greenTraffic = shift ? `${100 - shift.current}% → ${100 - shift.to}%` : `${100 - view.weight}%`;
  const stepName = (stepId: string) => view.steps.find((s) => s.stepId === stepId)?.name ?? stepId;

  return (
    <Panel title={t('exe.monitor')} testId="execution-monitor" id={id} extra={last && <Typography.Text type="secondary">{t('exe.monitor.at', { time: clock(last.at) })}</Typography.Text>}>
      <Row gutter={12}>
        <Col xs={24} md={12}>
          <EnvCard side="blue" title={t('exe.monitor.blue', { version: newVersion || last?.blueEnv.version || '?' })} traffic={blueTraffic} env={last?.blueEnv} />
        </Col>
        <Col xs={24} md={12}>
          <EnvCard side="green" title={t('exe.monitor.green', { version: oldVersion || '?' })} traffic={greenTraffic} env={last?.greenEnv} />
        </Col>
      </Row>
      {view.samples.length === 0 && <Typography.Paragraph type="secondary" style={{ marginTop: 8 }}>{t('exe.monitor.noData')}</Typography.Paragraph>}
      <div className="exe-charts" data-testid="execution-charts">
        {METRICS.map((k) => (
          <MetricChart
            key={k}
            series={series[k]}
            labels={labels[k]}
            from={from}
            to={to}
            step={k === 'traffic'}
            y={yRange(k, series[k])}
            testId={`execution-chart-${k}`}
          />
        ))}
      </div>
      <div className="exe-alerts" data-testid="execution-alerts">
        <Typography.Text strong>{t('exe.alerts')}: </Typography.Text>
        {view.alerts.length === 0 ? (
          <Typography.Text data-testid="execution-alerts-none">{t('exe.alerts.none')}</Typography.Text>
        ) : (
          <List
            size="small"
            dataSource={view.alerts.slice(-20).reverse()}
            renderItem={(a) => (
              <List.Item data-testid="execution-alert">
                <Typography.Text type="danger">
                  {clock(a.time)} · {stepName(a.stepId)} · {a.message.text || `${a.metric} ${a.value} (${a.threshold})`}
                </Typography.Text>
              </List.Item>
            )}
          />
        )}
      </div>
    </Panel>
  );
}

function EnvCard({ side, title, traffic, env }: { side: 'blue' | 'green'; title: string; traffic: string; env?: EnvMetrics }) {
  const { t } = useI18n();
  const rows: [string, string][] = [
    [t('exe.monitor.traffic'), traffic],
    [t('exe.monitor.successRate'), env ? `${fixed(env.successRate)}%` : '—'],
    [t('exe.monitor.responseTime'), env ? `${fixed(env.responseTime)}ms` : '—'],
    [t('exe.monitor.cpu'), env ? `${fixed(env.cpu)}%` : '—'],
    [t('exe.monitor.memory'), env ? memory(env.memory / (1024 * 1024)) : '—'],
    [t('exe.monitor.requests'), env ? String(env.requests) : '—'],
  ];
  return (
    <div className={`exe-env exe-env-${side}`} style={{ borderColor: side === 'blue' ? BLUE : GREEN }} data-testid={`execution-env-${side}`}>
      <Typography.Text strong style={{ color: side === 'blue' ? BLUE : GREEN }}>
        {title}
      </Typography.Text>
      <ul className="exe-env-list">
        {rows.map(([k, v], i) => (
          <li key={k} data-testid={i === 0 ? `execution-env-${side}-traffic` : undefined}>
            <span className="exe-env-key">• {k}:</span> <span className="exe-env-value">{v}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}
