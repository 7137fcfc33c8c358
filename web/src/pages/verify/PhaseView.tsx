// One phase of a simulation: its console operation, the rule version it
// left, how the change was waited for, and each batch of samples with its
// assertions (expected and actual counts) and gray weights.
import type { ReactNode } from 'react';
import { Space, Table, Tag, Tooltip, Typography } from 'antd';
import { CheckCircleFilled, ClockCircleOutlined, CloseCircleFilled, LoadingOutlined, MinusCircleOutlined } from '@ant-design/icons';
import { useI18n } from '../../i18n/I18nProvider';
import type { PhaseStatus, VerifyBatch, VerifyPhase } from './model';
import { messageText } from './messages';
import { assertionTally, assertionView, batchTitle, phaseName, weightsOf, type AssertionView } from './phases';

export const phaseIcon: Record<PhaseStatus, ReactNode> = {
  PENDING: <ClockCircleOutlined style={{ color: '#bfbfbf' }} />,
  RUNNING: <LoadingOutlined style={{ color: '#1677ff' }} />,
  PASSED: <CheckCircleFilled style={{ color: '#52c41a' }} />,
  FAILED: <CloseCircleFilled style={{ color: '#ff4d4f' }} />,
  SKIPPED: <MinusCircleOutlined style={{ color: '#bfbfbf' }} />,
};

const statusColor: Record<PhaseStatus, string> = { PENDING: 'default', RUNNING: 'processing', PASSED: 'success', FAILED: 'error', SKIPPED: 'default' };

export function PhaseStatusTag({ status }: { status: PhaseStatus }) {
  const { t } = useI18n();
  return (
    <Tag color={statusColor[status]} data-testid="phase-status" data-status={status} style={{ marginInlineEnd: 0 }}>
      {t(`verify.phaseStatus.${status}`)}
    </Tag>
  );
}

/** The line of a phase in the list: icon, number, name, operation, rule version, tally. */
export function PhaseTitle({ phase }: { phase: VerifyPhase }) {
  const { t } = useI18n();
  const { passed, failed } = assertionTally(phase);
  return (
    <Space size={10} wrap data-testid="phase-title" data-index={phase.index}>
      {phaseIcon[phase.status]}
      <b>
        {t('verify.phase.n', { index: phase.index })} · {phaseName(t, phase.name)}
      </b>
      <Typography.Text type="secondary" className="mono" style={{ fontSize: 12 }}>
        {phase.action}
      </Typography.Text>
      <PhaseStatusTag status={phase.status} />
      {phase.ruleVersion ? <Tag>{t('verify.phase.ruleVersion', { version: phase.ruleVersion })}</Tag> : null}
      {phase.injected && <Tag color="magenta">{t('verify.phase.injected')}</Tag>}
      {passed + failed > 0 && (
        <Typography.Text type={failed ? 'danger' : 'secondary'} style={{ fontSize: 12 }}>
          {t('verify.phase.assertions', { passed, failed })}
        </Typography.Text>
      )}
    </Space>
  );
}

function Batch({ batch, loops }: { batch: VerifyBatch; loops: number }) {
  const { t } = useI18n();
  const rows = batch.assertions.map((a, i) => ({ ...assertionView(t, a, batch), key: i }));
  const weights = weightsOf(batch);
  const done = batch.assertions.length > 0;
  return (
    <div className="verify-batch" data-testid="verify-batch" data-kind={batch.kind} data-passed={done ? String(batch.passed) : undefined}>
      <Space size={10} wrap style={{ marginBottom: 6 }}>
        {done ? (batch.passed ? phaseIcon.PASSED : phaseIcon.FAILED) : phaseIcon.RUNNING}
        <b>{batchTitle(t, batch, loops)}</b>
        <Typography.Text type="secondary">{t('verify.batch.samples', { samples: batch.samples, planned: batch.planned })}</Typography.Text>
        {batch.counts
          .filter((c) => c.count > 0)
          .map((c) => (
            <Tag key={c.key} color={c.side === 'new' ? 'blue' : c.side === 'old' ? 'green' : 'default'} className="mono">
              {c.key}: {c.count}
            </Tag>
          ))}
      </Space>
      {weights && (
        <div className="verify-weights" data-testid="verify-weights">
          {t('verify.batch.weights', {
            expectedOld: weights.expected[0] ?? 0,
            expectedNew: weights.expected[1] ?? 0,
            actualOld: (weights.actual[0] ?? 0).toFixed(1),
            actualNew: (weights.actual[1] ?? 0).toFixed(1),
          })}
        </div>
      )}
      {rows.length > 0 && (
        <Table<AssertionView & { key: number }>
          size="small"
          pagination={false}
          dataSource={rows}
          data-testid="verify-assertions"
          rowClassName={(r) => (r.passed ? '' : 'verify-assertion-failed')}
          columns={[
            { key: 'name', title: t('verify.col.assertion'), render: (_, r) => r.name, width: '22%' },
            { key: 'subject', title: t('verify.col.subject'), render: (_, r) => <span className="mono">{r.subject}</span> },
            { key: 'expected', title: t('verify.col.expected'), render: (_, r) => r.expected },
            { key: 'actual', title: t('verify.col.actual'), render: (_, r) => r.actual },
            {
              key: 'result',
              title: t('verify.col.result'),
              width: 90,
              render: (_, r) =>
                r.passed ? (
                  <Tag color="success" data-testid="assertion-pass">{t('verify.pass')}</Tag>
                ) : (
                  <Tag color="error" data-testid="assertion-fail">{t('verify.fail')}</Tag>
                ),
            },
          ]}
        />
      )}
    </div>
  );
}

export function PhaseBody({ phase, loops }: { phase: VerifyPhase; loops: number }) {
  const { t, lang } = useI18n();
  return (
    <div data-testid="phase-body" data-index={phase.index}>
      {phase.applied && (
        <div className="verify-hint">
          {t('verify.phase.applied')}: {phase.applied}
          {phase.rule && (
            <Tooltip title={<pre className="verify-rule-tip">{phase.rule}</pre>} styles={{ root: { maxWidth: 640 } }}>
              <Typography.Link style={{ marginInlineStart: 12 }}>{t('verify.phase.rule')}</Typography.Link>
            </Tooltip>
          )}
        </div>
      )}
      {phase.error && <Typography.Text type="danger">{messageText(lang, phase.error)}</Typography.Text>}
      {phase.batches.length === 0 && !phase.error && <Typography.Text type="secondary">{t('verify.phase.noBatch')}</Typography.Text>}
      {phase.batches.map((b, i) => (
        <Batch key={i} batch={b} loops={loops} />
      ))}
    </div>
  );
}
