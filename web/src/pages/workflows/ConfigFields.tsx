// Each step type's own settings (workflow/config.go), with their defaults
// as placeholders.
import { useContext } from 'react';
import { Checkbox, Input, InputNumber, Select, Tooltip } from 'antd';
import { useI18n } from '../../i18n/I18nProvider';
import { configOf, type Step } from './model';
import { headersOf, lines, withConfig, withThreshold } from './configEdit';
import { Field, FieldErrorsContext } from './Field';
import { BOUNDS, METRICS } from './stepForm';

export interface ConfigProps {
  step: Step;
  change: (f: (s: Step) => Step, field: string) => void;
  services: string[];
  analyses: { id: string; name: string }[];
}

export function ConfigFields({ step, change, services, analyses }: ConfigProps) {
  const { t } = useI18n();
  const c = configOf(step);
  const set = (name: string) => (value: unknown) => change((s) => withConfig(s, name, value), `config.${name}`);
  const num = (name: string, o: { min?: number; max?: number; placeholder?: string; hint?: string; addon?: string } = {}) => (
    <Field field={`config.${name}`} label={t(`workflows.cfg.${name}` as 'workflows.cfg.weight')} hint={o.hint}>
      <InputNumber
        value={typeof c[name] === 'number' ? (c[name] as number) : null}
        onChange={(v) => set(name)(v ?? undefined)}
        placeholder={o.placeholder}
        addonAfter={o.addon}
        style={{ width: '100%' }}
        data-testid={`wf-cfg-${name}`}
      />
    </Field>
  );
  const text = (name: string, o: { placeholder?: string; hint?: string; label?: string } = {}) => (
    <Field field={`config.${name}`} label={o.label ?? t(`workflows.cfg.${name}` as 'workflows.cfg.weight')} hint={o.hint}>
      <Input value={typeof c[name] === 'string' ? (c[name] as string) : ''} onChange={(e) => set(name)(e.target.value)} placeholder={o.placeholder} data-testid={`wf-cfg-${name}`} />
    </Field>
  );
  const servicesField = (
    <Field field="config.services" label={t('workflows.panel.services')} hint={t('workflows.panel.servicesHint')}>
      <Select
        mode="tags"
        value={Array.isArray(c.services) ? (c.services as string[]) : []}
        onChange={(v: string[]) => set('services')(v)}
        options={services.map((s) => ({ value: s, label: s }))}
        data-testid="wf-cfg-services"
      />
    </Field>
  );
  const versionHint = (type: 'DEPLOY' | 'HEALTH_CHECK' | 'OFFLINE') => t(`workflows.cfg.versionHint.${type}`);

  switch (step.type) {
    case 'TRAFFIC_SHIFT':
      return (
        <>
          {num('weight', { addon: '%' })}
          <Field field="config.mode" label={t('workflows.cfg.mode')}>
            <Select
              value={c.mode === 'IMMEDIATE' ? 'IMMEDIATE' : 'GRADUAL'}
              onChange={set('mode')}
              options={(['GRADUAL', 'IMMEDIATE'] as const).map((m) => ({ value: m, label: t(`workflows.mode.${m}`) }))}
              data-testid="wf-cfg-mode"
            />
          </Field>
          {c.mode !== 'IMMEDIATE' && (
            <>
              {num('increment', { placeholder: '5', addon: '%' })}
              {text('interval', { placeholder: '5s' })}
            </>
          )}
        </>
      );
    case 'DEPLOY':
      return (
        <>
          {text('version', { hint: versionHint('DEPLOY') })}
          {num('instances', { placeholder: '1' })}
          {text('deployer', { placeholder: 'process', hint: t('workflows.cfg.deployerHint') })}
          {servicesField}
        </>
      );
    case 'HEALTH_CHECK':
      return (
        <>
          {text('version', { hint: versionHint('HEALTH_CHECK') })}
          {num('instances', { placeholder: '1' })}
          {text('path', { placeholder: '/healthz' })}
          {text('interval', { placeholder: '1s' })}
          {text('settle', { placeholder: '2s' })}
          {servicesField}
        </>
      );
    case 'TEST':
      return (
        <>
          <Field field="config.expect" label={t('workflows.cfg.expect')}>
            <Select
              value={typeof c.expect === 'string' && c.expect ? c.expect : 'new'}
              onChange={set('expect')}
              options={(['new', 'old', 'none'] as const).map((x) => ({ value: x, label: t(`workflows.expect.${x}`) }))}
              data-testid="wf-cfg-expect"
            />
          </Field>
          {num('requests', { placeholder: '20' })}
          {text('path')}
          {text('gateway', { hint: t('workflows.cfg.gatewayHint') })}
          <Field field="config.headers" label={t('workflows.cfg.headers')} hint={t('workflows.cfg.headersHint')}>
            <Input.TextArea
              autoSize={{ minRows: 1, maxRows: 4 }}
              defaultValue={Object.entries((c.headers as Record<string, string> | undefined) ?? {}).map(([k, v]) => `${k}: ${v}`).join('\n')}
              onBlur={(e) => set('headers')(headersOf(e.target.value))}
            />
          </Field>
          <Field field="config.command" label={t('workflows.cfg.command')} hint={t('workflows.cfg.commandHint')}>
            <Input.TextArea
              autoSize={{ minRows: 1, maxRows: 4 }}
              value={Array.isArray(c.command) ? (c.command as string[]).join('\n') : ''}
              onChange={(e) => set('command')(lines(e.target.value))}
            />
          </Field>
          {text('commandTimeout', { placeholder: '60s' })}
        </>
      );
    case 'MONITOR':
      return (
        <>
          {text('duration', { placeholder: '5m' })}
          {text('interval', { placeholder: '30s', label: t('workflows.cfg.sample') })}
          <Field field="config.thresholds" label={t('workflows.cfg.thresholds')}>
            <table className="wf-threshold-table" data-testid="wf-thresholds">
              <tbody>
                {METRICS.map((m) => {
                  const th = ((c.thresholds as Record<string, Record<string, number>> | undefined) ?? {})[m.name] ?? {};
                  return (
                    <tr key={m.name}>
                      <td style={{ whiteSpace: 'nowrap', fontSize: 12 }}>{t(`workflows.metric.${m.name}`)}</td>
                      <td>
                        {BOUNDS.filter((b) => !(m.name === 'successRate' && b === 'maxRatio')).map((b) => (
                          <ThresholdInput key={b} metric={m.name} bound={b} value={th[b]} change={change} />
                        ))}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </Field>
          {num('minRequests', { placeholder: '10' })}
          {num('failureLimit', { placeholder: '0', hint: t('workflows.cfg.limitHint') })}
          {num('inconclusiveLimit', { placeholder: '0', hint: t('workflows.cfg.limitHint') })}
          {num('consecutiveErrorLimit', { placeholder: '4', hint: t('workflows.cfg.limitHint') })}
        </>
      );
    case 'DECISION':
      return (
        <Field field="config.step" label={t('workflows.cfg.step')} hint={t('workflows.cfg.stepHint')}>
          <Select
            allowClear
            value={typeof c.step === 'string' && c.step ? c.step : undefined}
            onChange={(v?: string) => set('step')(v)}
            options={analyses.map((a) => ({ value: a.id, label: `${a.name} (${a.id})` }))}
            data-testid="wf-cfg-step"
          />
        </Field>
      );
    case 'OFFLINE':
      return (
        <>
          {text('version', { hint: versionHint('OFFLINE') })}
          {text('deployer', { placeholder: 'process', hint: t('workflows.cfg.deployerHint') })}
          {text('settle', { placeholder: '2s' })}
          <Field field="config.keepRelease" label="">
            <Checkbox checked={c.keepRelease === true} onChange={(e) => set('keepRelease')(e.target.checked || undefined)}>
              {t('workflows.cfg.keepRelease')}
            </Checkbox>
          </Field>
          {servicesField}
        </>
      );
    case 'APPROVAL':
      return (
        <>
          <Field field="config.approvers" label={t('workflows.cfg.approvers')} hint={t('workflows.cfg.approversHint')}>
            <Input.TextArea
              autoSize={{ minRows: 1, maxRows: 4 }}
              value={Array.isArray(c.approvers) ? (c.approvers as string[]).join('\n') : ''}
              onChange={(e) => set('approvers')(lines(e.target.value))}
            />
          </Field>
          {text('message')}
        </>
      );
    case 'NOTIFY':
      return text('message');
    case 'WAIT':
      return text('duration', { placeholder: '1m' });
    default:
      return null;
  }
}

function ThresholdInput({ metric, bound, value, change }: { metric: string; bound: string; value: number | undefined; change: ConfigProps['change'] }) {
  const { t } = useI18n();
  const field = `config.thresholds.${metric}.${bound}`;
  const error = useContext(FieldErrorsContext).at(field);
  return (
    <Tooltip title={error}>
      <InputNumber
        size="small"
        status={error ? 'error' : undefined}
        value={value ?? null}
        onChange={(v) => change((s) => withThreshold(s, metric, bound, v ?? null), field)}
        placeholder={t(`workflows.bound.${bound}` as 'workflows.bound.min')}
        style={{ width: 96, margin: '0 4px 4px 0' }}
        data-testid={`wf-th-${metric}-${bound}`}
      />
    </Tooltip>
  );
}
