// The header's signals: 暂停 / 继续 and 回滚 (asks first), and abort,
// retry, skip, approve and reject where the state allows them (the server
// says which: Execution.allowed). And who started, paused, resumed or
// rolled back, and when.
import { useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App as AntApp, Button, Input, Modal, Space, Tooltip, Typography } from 'antd';
import {
  CheckOutlined,
  CloseOutlined,
  PauseCircleOutlined,
  PlayCircleOutlined,
  RedoOutlined,
  RollbackOutlined,
  StepForwardOutlined,
  StopOutlined,
} from '@ant-design/icons';
import { useMe } from '../../auth/session';
import { useI18n } from '../../i18n/I18nProvider';
import type { View } from './live';
import type { Execution, ExecutionAction, Signal, StepRun, Workflow } from './model';
import { EXECUTIONS_KEY, executionKey, sendSignal } from './queries';
import { clock } from './format';

/** The signals that ask before they are sent. */
const CONFIRMED: ReadonlySet<Signal> = new Set(['rollback', 'abort', 'skip', 'reject']);

/** The signals meant for the current step. */
const STEP_SIGNALS: ReadonlySet<Signal> = new Set(['retry', 'skip', 'approve', 'reject']);

const ICONS: Record<Signal, React.ReactNode> = {
  pause: <PauseCircleOutlined />,
  resume: <PlayCircleOutlined />,
  abort: <StopOutlined />,
  rollback: <RollbackOutlined />,
  retry: <RedoOutlined />,
  skip: <StepForwardOutlined />,
  approve: <CheckOutlined />,
  reject: <CloseOutlined />,
};

/** The buttons' order in the header. */
const ORDER: Signal[] = ['approve', 'reject', 'pause', 'resume', 'retry', 'skip', 'rollback', 'abort'];

interface Props {
  execution: Execution;
  view: View;
  workflow?: Workflow;
  oldVersion: string;
  newVersion: string;
}

export function ExecutionActions({ execution, view, oldVersion, newVersion }: Props) {
  const { t, lang, errorText } = useI18n();
  const { message } = AntApp.useApp();
  const queryClient = useQueryClient();
  const me = useMe();
  const [asking, setAsking] = useState<Signal>();
  const [comment, setComment] = useState('');
  const role = me.data?.user.role;
  const mayOperate = role === 'admin' || role === 'operator';
  const current = view.steps.find((s) => s.stepId === view.currentStepId);
  const signal = useMutation({
    mutationFn: (vars: { signal: Signal; comment?: string }) =>
      sendSignal(execution.id, vars.signal, lang, {
        // A signal about the current step names it: refused if the execution moved on meanwhile.
        ...(STEP_SIGNALS.has(vars.signal) && execution.currentStepId ? { stepId: execution.currentStepId } : {}),
        ...(vars.comment ? { comment: vars.comment } : {}),
      }),
    onSuccess: (answer, vars) => {
      queryClient.setQueryData(executionKey(execution.id, lang), answer);
      void message.success(t(`exe.signal.done.${vars.signal}`));
    },
    onError: (err) => void message.error(errorText(err)),
    onSettled: () => {
      void queryClient.invalidateQueries({ queryKey: executionKey(execution.id, lang), exact: true });
      void queryClient.invalidateQueries({ queryKey: EXECUTIONS_KEY });
    },
  });

  if (!mayOperate) {
    return (
      <Typography.Text type="secondary" data-testid="execution-readonly">
        {t('exe.readOnly')}
      </Typography.Text>
    );
  }
  // The snapshot's allowed signals hold for the snapshot's status; a status the stream already changed waits for the next one.
  const allowed = new Set(view.status === execution.status ? execution.allowed : []);
  const shown = ORDER.filter((s) => allowed.has(s));
  const send = (s: Signal) => {
    if (CONFIRMED.has(s)) {
      setComment('');
      setAsking(s);
    } else signal.mutate({ signal: s });
  };
  const stepName = current?.name ?? execution.currentStep;
  return (
    <>
      <Space wrap data-testid="execution-actions">
        {shown.map((s) => (
          <Button
            key={s}
            icon={ICONS[s]}
            type={s === 'resume' || s === 'approve' ? 'primary' : 'default'}
            danger={s === 'rollback' || s === 'abort' || s === 'reject'}
            loading={signal.isPending && signal.variables?.signal === s}
            disabled={signal.isPending}
            onClick={() => send(s)}
            data-testid={`exe-signal-${s}`}
          >
            {t(`exe.signal.${s}`)}
          </Button>
        ))}
      </Space>
      <Modal
        open={asking !== undefined}
        title={asking && t(`exe.confirm.${asking as 'rollback' | 'abort' | 'skip' | 'reject'}.title`, { step: stepName })}
        okText={t('exe.confirm.ok')}
        okButtonProps={{ danger: true, loading: signal.isPending }}
        cancelText={t('common.cancel')}
        onCancel={() => setAsking(undefined)}
        onOk={async () => {
          if (!asking) return;
          await signal.mutateAsync({ signal: asking, comment: comment.trim() || undefined }).catch(() => undefined);
          setAsking(undefined);
        }}
        destroyOnHidden
        data-testid="execution-confirm"
      >
        <Typography.Paragraph data-testid="execution-confirm-body">
          {asking &&
            t(`exe.confirm.${asking as 'rollback' | 'abort' | 'skip' | 'reject'}.body`, {
              step: stepName,
              old: oldVersion || t('exe.none'),
              new: newVersion || t('exe.none'),
              weight: view.weight,
            })}
        </Typography.Paragraph>
        {(asking === 'reject' || asking === 'rollback' || asking === 'abort') && (
          <Input.TextArea
            rows={2}
            maxLength={500}
            placeholder={t('exe.confirm.comment')}
            value={comment}
            onChange={(e) => setComment(e.target.value)}
            data-testid="execution-confirm-comment"
          />
        )}
      </Modal>
    </>
  );
}

const ACTIONS = new Set(['start', 'pause', 'resume', 'abort', 'rollback', 'retry', 'skip', 'approve', 'reject']);

/** Who started, paused, resumed, rolled back… and when (the engine's own moves are in the log). */
export function WhoDidWhat({ actions, steps }: { actions: ExecutionAction[]; steps: StepRun[] }) {
  const { t, dateTime } = useI18n();
  const shown = actions.filter((a) => ACTIONS.has(a.action));
  if (shown.length === 0) return null;
  return (
    <Typography.Paragraph type="secondary" className="exe-who" data-testid="execution-who">
      {shown.map((a, i) => {
        const step = a.stepId ? steps.find((s) => s.stepId === a.stepId)?.name : undefined;
        const params = { by: a.by, action: t(`exe.action.${a.action as Signal | 'start'}`), time: clock(a.time), step: step ?? '' };
        return (
          <Tooltip key={i} title={dateTime(a.time)}>
            <span className="exe-who-item" data-testid="execution-who-item" data-action={a.action}>
              {step && (a.action === 'skip' || a.action === 'retry' || a.action === 'approve' || a.action === 'reject')
                ? t('exe.action.lineStep', params)
                : t('exe.action.line', params)}
            </span>
          </Tooltip>
        );
      })}
    </Typography.Paragraph>
  );
}
