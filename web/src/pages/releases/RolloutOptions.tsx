// In the preview dialog of 执行发布 / 结束发布: bring the new version online
// first (上线新服务) or take the old one offline first (下线旧服务), and while
// the operation runs, its progress as the server reports it.
import { useQuery } from '@tanstack/react-query';
import { Alert, Checkbox, Flex, Form, Input, InputNumber, Timeline, Typography } from 'antd';
import type { Operation, RolloutProgress as Progress } from '../../api/types';
import { useI18n } from '../../i18n/I18nProvider';
import { isMessageKey } from '../../i18n/messages';
import { fetchStatus, statusKey } from './queries';
import { rolloutKind, type RolloutChoice } from './rollout';

export function RolloutOptions({
  operation,
  choice,
  problem,
  disabled,
  onChange,
}: {
  operation: Operation;
  choice: RolloutChoice;
  problem?: string;
  disabled: boolean;
  onChange: (c: RolloutChoice) => void;
}) {
  const { t } = useI18n();
  const kind = rolloutKind(operation);
  if (!kind) return null;
  return (
    <Flex vertical gap={8} className="rollout-options" data-testid="rollout-options">
      <Checkbox checked={choice.enabled} disabled={disabled} onChange={(e) => onChange({ ...choice, enabled: e.target.checked })} data-testid={`rollout-${kind}`}>
        {t(kind === 'deploy' ? 'rollout.deploy.label' : 'rollout.offline.label')}
      </Checkbox>
      <Typography.Text type="secondary">{t(kind === 'deploy' ? 'rollout.deploy.help' : 'rollout.offline.help')}</Typography.Text>
      {choice.enabled && kind === 'deploy' && <Alert type="info" showIcon title={t('rollout.deploy.previewNote')} data-testid="rollout-preview-note" />}
      {choice.enabled && (
        <Flex gap={16} wrap>
          {kind === 'deploy' && (
            <>
              <Form.Item label={t('rollout.version')} validateStatus={problem ? 'error' : undefined} help={problem ? t(problem as 'rollout.version.required') : undefined} style={{ marginBottom: 0 }}>
                <Input value={choice.version} disabled={disabled} onChange={(e) => onChange({ ...choice, version: e.target.value })} style={{ width: 160 }} data-testid="rollout-version" />
              </Form.Item>
              <Form.Item label={t('rollout.instances')} style={{ marginBottom: 0 }}>
                <InputNumber min={1} max={100} precision={0} value={choice.instances} disabled={disabled} onChange={(v) => onChange({ ...choice, instances: v ?? 1 })} data-testid="rollout-instances" />
              </Form.Item>
            </>
          )}
          <Form.Item label={t('rollout.settle')} style={{ marginBottom: 0 }}>
            <InputNumber min={0} max={600} precision={0} value={choice.settleSeconds} disabled={disabled} onChange={(v) => onChange({ ...choice, settleSeconds: v ?? 0 })} data-testid="rollout-settle" />
          </Form.Item>
        </Flex>
      )}
    </Flex>
  );
}

/** What the rollout under way has done: the release's status, asked every second while it runs. */
export function RolloutProgressView({ name, running, keep, done }: { name: string; running: boolean; keep?: boolean; done?: Progress }) {
  const { t } = useI18n();
  // keep: after a failure, the last progress (read once more) stays shown.
  const enabled = !done && (running || !!keep);
  const status = useQuery({ queryKey: [...statusKey(name), 'rollout'], queryFn: () => fetchStatus(name), enabled, refetchInterval: running ? 1000 : false });
  const p = done ?? (enabled ? status.data?.rollout : undefined);
  if (!p) return null;
  const text = (m: { key: string; params?: Record<string, string>; text: string }) =>
    isMessageKey(m.key) ? t(m.key, m.params ?? {}) : m.text;
  return (
    <Flex vertical gap={4} data-testid="rollout-progress">
      <Typography.Text strong>
        {t('rollout.progress')}
        {p.running ? ` — ${t('rollout.running')}` : ''}
      </Typography.Text>
      <Timeline
        items={p.lines.map((l, i) => ({
          key: i,
          color: i === p.lines.length - 1 && p.running ? 'blue' : 'green',
          content: (
            <span>
              <Typography.Text type="secondary">{new Date(l.time).toLocaleTimeString()}</Typography.Text> {text(l.message)}
            </span>
          ),
        }))}
      />
      {p.failed && <Alert type="error" showIcon title={text(p.failed)} />}
    </Flex>
  );
}
