// The notes above a test page: why it is read-only for this user, and the
// simulation of this key running now (with a link to it).
import { Alert, Button } from 'antd';
import { useI18n } from '../../i18n/I18nProvider';
import type { ReadOnly } from './access';
import type { VerifyRun } from './model';

export function ReadOnlyBanner({ readOnly, group }: { readOnly: ReadOnly; group?: string }) {
  const { t } = useI18n();
  if (!readOnly) return null;
  return (
    <Alert
      type="info"
      showIcon
      style={{ marginBottom: 16 }}
      data-testid="verify-readonly"
      title={readOnly === 'viewer' ? t('verify.readOnly.viewer') : t('verify.readOnly.notMember', { group: group ?? '' })}
    />
  );
}

export function RunningBanner({ run, shown, onOpen }: { run?: VerifyRun; shown?: string; onOpen: (id: string) => void }) {
  const { t, dateTime } = useI18n();
  if (!run) return null;
  return (
    <Alert
      type="warning"
      showIcon
      style={{ marginBottom: 16 }}
      data-testid="verify-running-banner"
      title={t('verify.runningBanner', { id: run.id, task: run.task, user: run.startedBy, since: dateTime(run.startedAt) })}
      action={
        run.id !== shown ? (
          <Button size="small" onClick={() => onOpen(run.id)}>
            {t('verify.runningBanner.open')}
          </Button>
        ) : undefined
      }
    />
  );
}
