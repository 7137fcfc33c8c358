// How a step looks: its colour on the chart and palette, and its settings
// in one line under its name (10% · 渐进式, 5m · 30s, 1.1 ×1).
import type { Translate } from '../../i18n/messages';
import { configOf, type Step, type StepType } from './model';

const COLORS: Record<StepType, string> = {
  START: '#52c41a', END: '#8c8c8c', PRE_CHECK: '#13c2c2', DEPLOY: '#1677ff', HEALTH_CHECK: '#13c2c2', TEST: '#722ed1',
  TRAFFIC_SHIFT: '#fa8c16', MONITOR: '#2f54eb', DECISION: '#faad14', ROLLBACK: '#f5222d', OFFLINE: '#595959',
  REPORT: '#08979c', APPROVAL: '#eb2f96', NOTIFY: '#1890ff', WAIT: '#a0d911',
};

export const stepColor = (type: StepType) => COLORS[type];

export function stepSummary(step: Step, t: Translate): string {
  const c = configOf(step);
  const parts: string[] = [t(`workflows.type.${step.type}`)];
  switch (step.type) {
    case 'TRAFFIC_SHIFT':
      if (typeof c.weight === 'number') parts.push(`${c.weight}%`);
      parts.push(t(c.mode === 'IMMEDIATE' ? 'workflows.mode.IMMEDIATE' : 'workflows.mode.GRADUAL'));
      break;
    case 'MONITOR':
      parts.push(String(c.duration ?? '5m'));
      break;
    case 'DEPLOY':
      if (c.version) parts.push(`V${String(c.version)}`);
      break;
    case 'WAIT':
      if (c.duration) parts.push(String(c.duration));
      break;
  }
  if (step.timeout > 0) parts.push(`${step.timeout}${t('workflows.panel.minutes')}`);
  return parts.join(' · ');
}
