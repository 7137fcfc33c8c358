// Small pieces the execution pages share: the status and stream tags, the
// page's card.
import type { ReactNode } from 'react';
import { Badge, Card, Tag, Typography } from 'antd';
import type { StreamState } from '../../api/sse';
import { useI18n } from '../../i18n/I18nProvider';
import {
  CheckCircleFilled,
  CloseCircleFilled,
  MinusCircleOutlined,
  PauseCircleFilled,
  StepForwardFilled,
  StopFilled,
  SyncOutlined,
} from '@ant-design/icons';
import type { ExecutionStatus } from './model';
import { LOOK_COLOR, LOOK_ICON, type Look } from './steps';

/** The id of the 实时监控 card, which 查看实时监控 scrolls to. */
export const MONITOR_ANCHOR = 'execution-monitor';

export const STATUS_COLOR: Record<ExecutionStatus, string> = {
  RUNNING: 'processing',
  PAUSED: 'warning',
  COMPLETED: 'success',
  FAILED: 'error',
  ROLLED_BACK: 'magenta',
  ABORTED: 'default',
};

export function StatusTag({ status }: { status: ExecutionStatus }) {
  const { t } = useI18n();
  return (
    <Tag color={STATUS_COLOR[status]} data-testid="execution-status" data-status={status}>
      {t(`exe.status.${status}`)}
    </Tag>
  );
}

const STREAM_BADGE: Record<StreamState, 'success' | 'processing' | 'warning' | 'default'> = {
  open: 'success',
  connecting: 'processing',
  reconnecting: 'warning',
  ended: 'default',
  closed: 'default',
};

/** Whether the page follows the stream now. */
export function LiveTag({ state }: { state: StreamState }) {
  const { t } = useI18n();
  return <Badge status={STREAM_BADGE[state]} text={t(`exe.live.${state}`)} data-testid="execution-live" data-state={state} />;
}

/** A card with the execution page's look. */
export function Panel({ title, extra, children, testId, id }: { title: ReactNode; extra?: ReactNode; children: ReactNode; testId: string; id?: string }) {
  return (
    <Card size="small" title={<Typography.Text strong>{title}</Typography.Text>} extra={extra} data-testid={testId} id={id} className="exe-card">
      {children}
    </Card>
  );
}

const LOOK_ICONS: Record<Look, ReactNode> = {
  done: <CheckCircleFilled />,
  running: <SyncOutlined spin />,
  held: <PauseCircleFilled />,
  pending: <MinusCircleOutlined />,
  failed: <CloseCircleFilled />,
  skipped: <StepForwardFilled />,
  stopped: <StopFilled />,
};

/** A step's state as the seed's ✅ / 🔵 / ⚪ / ❌, drawn with the console's icons (emoji fonts vary); the emoji is its label. */
export function LookIcon({ look }: { look: Look }) {
  const { t } = useI18n();
  return (
    <span className="exe-look-icon" style={{ color: LOOK_COLOR[look].border }} role="img" aria-label={`${LOOK_ICON[look]} ${t(`exe.graph.legend.${look}`)}`} data-look-icon={look}>
      {LOOK_ICONS[look]}
    </span>
  );
}
