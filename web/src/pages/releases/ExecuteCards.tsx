// 当前发布的状态 and 蓝绿灰度发布执行: where the release is, and the four
// operations, each enabled when the server says the user may execute it now
// (and otherwise saying why, in the server's words translated).
import { Alert, Button, Card, Collapse, Flex, Space, Tag, Tooltip, Typography } from 'antd';
import { CheckCircleOutlined, LockOutlined, RollbackOutlined, SafetyOutlined, SendOutlined, StopOutlined } from '@ant-design/icons';
import { ApiError } from '../../api/error';
import { OPERATIONS, type Operation, type OperationResult, type ReleaseView } from '../../api/types';
import { useI18n } from '../../i18n/I18nProvider';
import { ErrorAlert } from '../../components/ErrorAlert';
import { mayExecute, refusal } from './access';
import { CodeBlock, StateTag, TypeTag } from './parts';
import { useVersions } from './ServicesCard';
import { RolloutProgressView } from './RolloutOptions';

export function StateCard({ release, holding }: { release?: ReleaseView; holding: boolean }) {
  const { t, dateTime } = useI18n();
  const state = release?.state ?? '';
  // What the state allows, whoever asks (the server's state machine).
  const allowed = OPERATIONS.filter((op) => release?.stateOperations.includes(op));
  return (
    <Card title={t('release.stateCard.title')} size="small" className="release-card" data-testid="release-state">
      <Flex vertical gap={12}>
        <Space size={8} wrap>
          <StateTag state={state} large />
          {release && <TypeTag type={release.type} />}
        </Space>
        <Typography.Text type="secondary">
          {release?.executedAt
            ? t('release.lastExecuted', { by: release.executedByName || release.executedBy || '', at: dateTime(release.executedAt) })
            : t('release.neverExecuted')}
        </Typography.Text>
        {release && release.configVersion > 0 && (
          <Typography.Text type="secondary" data-testid="release-config-version">
            {t('release.configVersion', { version: release.configVersion })}
          </Typography.Text>
        )}
        {release && (
          <div data-testid="release-state-operations">
            <Typography.Text type="secondary">{t('release.allowed')}: </Typography.Text>
            {allowed.length ? (
              allowed.map((op) => (
                <Tag key={op} variant="outlined">
                  {t(`release.op.${op}`)}
                </Tag>
              ))
            ) : (
              <Typography.Text type="secondary">{t('release.nothingAllowed')}</Typography.Text>
            )}
          </div>
        )}
        {holding && (
          <Tag icon={<LockOutlined />} color="processing" style={{ alignSelf: 'flex-start' }} data-testid="lock-held">
            {t('lock.held')}
          </Tag>
        )}
      </Flex>
    </Card>
  );
}

const icons: Record<Operation, React.ReactNode> = {
  fallback: <SafetyOutlined />,
  release: <SendOutlined />,
  rollback: <RollbackOutlined />,
  end: <StopOutlined />,
};

export function ExecuteCard({
  release,
  editable,
  busy,
  result,
  errors,
  onOperate,
  onReload,
}: {
  release?: ReleaseView;
  editable: boolean;
  busy: Operation | 'save' | null;
  result?: OperationResult;
  errors: unknown[];
  onOperate: (op: Operation) => void;
  /** Offered when the release changed elsewhere (revision.stale). */
  onReload: () => void;
}) {
  const { t, errorText } = useI18n();
  return (
    <Card title={t('release.execute.title')} size="small" className="release-card" data-testid="release-execute">
      <Flex vertical gap={12}>
        <Typography.Text type="secondary">{release ? t('release.execute.hint') : t('release.execute.createFirst')}</Typography.Text>
        <Space size={12} wrap>
          {OPERATIONS.map((op) => {
            const ok = !!release && mayExecute(release, op);
            const why = release && refusal(release, op);
            return (
              <Tooltip key={op} title={why ? errorText(why) : undefined}>
                <Button
                  type={op === 'release' ? 'primary' : 'default'}
                  danger={op === 'rollback'}
                  icon={icons[op]}
                  disabled={!editable || !ok || (busy !== null && busy !== op)}
                  loading={busy === op}
                  onClick={() => onOperate(op)}
                  data-testid={`op-${op}`}
                >
                  {t(`release.op.${op}`)}
                </Button>
              </Tooltip>
            );
          })}
        </Space>
        {errors.map((e, i) => (
          <ErrorAlert key={i} error={e} onRetry={e instanceof ApiError && e.reason === 'revision.stale' ? onReload : undefined} />
        ))}
        {result && <ResultAlert result={result} />}
      </Flex>
    </Card>
  );
}

/** The outcome of an operation: the new state, and the rule as read back from the config center. */
function ResultAlert({ result }: { result: OperationResult }) {
  const { t } = useI18n();
  const h = result.history;
  const versions = useVersions(result.release.spec.services, result.release.spec.sort);
  return (
    <Alert
      type="success"
      showIcon
      icon={<CheckCircleOutlined />}
      data-testid="op-result"
      title={t('release.done', {
        operation: t(`release.op.${h.operation}`),
        state: t(`release.state.${result.release.state || 'NEW'}`),
        version: result.version,
      })}
      description={
        <Flex vertical gap={4}>
          {h.detail && !result.rollout && <Typography.Text type="secondary">{t('release.unchanged')}</Typography.Text>}
          {result.rollout && <RolloutProgressView name={result.release.name} running={false} done={result.rollout} />}
          <Collapse
            size="small"
            ghost
            defaultActiveKey={['xml']}
            items={[
              {
                key: 'xml',
                label: `${t('release.rule.readBack')} · ${h.configKey.group} / ${h.configKey.dataId} · v${result.version}`,
                children: <CodeBlock text={result.xml} highlight versions={versions.data ?? []} maxHeight={420} testId="op-result-xml" />,
              },
            ]}
          />
        </Flex>
      }
    />
  );
}
