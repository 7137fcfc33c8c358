// 执行's confirmation: what the execution will do — the release, its
// services, the new version, the first traffic step — before it starts.
import { Descriptions, Modal, Typography } from 'antd';
import { useI18n } from '../../i18n/I18nProvider';
import { configOf, deployedVersion, type Workflow } from './model';
import { firstOnPath } from './paths';

export function ExecuteDialog({
  workflow,
  services,
  open,
  pending,
  onOk,
  onCancel,
}: {
  workflow: Workflow;
  services: string[];
  open: boolean;
  pending: boolean;
  onOk: () => void;
  onCancel: () => void;
}) {
  const { t } = useI18n();
  const shift = firstOnPath(workflow.steps, workflow.edges, 'TRAFFIC_SHIFT');
  const c = shift ? configOf(shift) : {};
  const version = deployedVersion(workflow.steps);
  return (
    <Modal
      open={open}
      title={t('workflows.executeTitle', { id: workflow.id, version: workflow.version })}
      okText={t('workflows.exec.confirm')}
      cancelText={t('common.cancel')}
      onOk={onOk}
      onCancel={onCancel}
      confirmLoading={pending}
      okButtonProps={{ 'data-testid': 'wf-execute-confirm' }}
      width={560}
      data-testid="wf-execute-dialog"
    >
      <Typography.Paragraph type="secondary">{t('workflows.executeDesc')}</Typography.Paragraph>
      <Descriptions column={1} size="small" bordered>
        <Descriptions.Item label={t('workflows.exec.release')}>{workflow.releaseId}</Descriptions.Item>
        <Descriptions.Item label={t('workflows.exec.services')}>
          <span data-testid="wf-exec-services">{services.join(', ') || '—'}</span>
        </Descriptions.Item>
        <Descriptions.Item label={t('workflows.exec.version')}>{version ? `V${version}` : '—'}</Descriptions.Item>
        <Descriptions.Item label={t('workflows.exec.firstShift')}>
          <span data-testid="wf-exec-first-shift">
            {shift
              ? t('workflows.exec.firstShiftValue', {
                  name: shift.name,
                  weight: typeof c.weight === 'number' ? c.weight : '—',
                  mode: t(c.mode === 'IMMEDIATE' ? 'workflows.mode.IMMEDIATE' : 'workflows.mode.GRADUAL'),
                })
              : t('workflows.exec.noShift')}
          </span>
        </Descriptions.Item>
        <Descriptions.Item label={t('workflows.exec.steps')}>
          {t('workflows.exec.stepsValue', { count: workflow.steps.length, decisions: workflow.steps.filter((s) => s.type === 'DECISION').length })}
        </Descriptions.Item>
      </Descriptions>
    </Modal>
  );
}
