// A start the server refused because of someone else's work on the key:
// the simulation running there (verify.running: its id, who, since when)
// or a release being operated (verify.release.locked: who holds it). The
// dialog names it and links to it.
import { Button, Descriptions, Modal, Typography } from 'antd';
import { ExclamationCircleFilled } from '@ant-design/icons';
import { Link } from 'react-router';
import { ApiError } from '../../api/error';
import { useI18n } from '../../i18n/I18nProvider';

/** Whether the dialog is how this error is shown. */
export const isRefusal = (err: unknown): err is ApiError =>
  err instanceof ApiError && ((err.reason === 'verify.running' && !!err.params.id) || (err.reason === 'verify.release.locked' && !!err.params.holder));

export function RefusalDialog({ refusal, task, runLink, onClose }: { refusal: ApiError | null; task: string; runLink: (id: string) => string; onClose: () => void }) {
  const { t, dateTime } = useI18n();
  if (!refusal) return null;
  const p = refusal.params;
  const running = refusal.reason === 'verify.running';
  const title = running ? t('verify.refused.running.title') : t('verify.refused.locked.title');
  const body = running ? t('verify.refused.running.body', { task: p.task ?? task }) : t('verify.refused.locked.body', { task, release: p.release ?? '' });
  const link = running ? runLink(p.id) : `/releases/${encodeURIComponent(p.release ?? '')}`;
  return (
    <Modal
      open
      onCancel={onClose}
      title={
        <span>
          <ExclamationCircleFilled style={{ color: '#faad14', marginInlineEnd: 8 }} />
          {title}
        </span>
      }
      footer={[
        <Button key="close" onClick={onClose} data-testid="verify-refused-close">
          {t('common.close')}
        </Button>,
        <Link key="open" to={link} onClick={onClose}>
          <Button type="primary" data-testid="verify-refused-open">
            {running ? t('verify.refused.open') : t('verify.refused.openRelease', { release: p.release ?? '' })}
          </Button>
        </Link>,
      ]}
      data-testid="verify-refused"
    >
      <div data-testid="verify-refused-body" data-reason={refusal.reason}>
        <p>{body}</p>
        <Descriptions
          size="small"
          column={1}
          bordered
          items={
            running
              ? [
                  { key: 'id', label: t('verify.refused.id'), children: <Typography.Text code data-testid="verify-refused-id">{p.id}</Typography.Text> },
                  { key: 'user', label: t('verify.refused.user'), children: <span data-testid="verify-refused-user">{p.user}</span> },
                  { key: 'since', label: t('verify.refused.since'), children: <span data-testid="verify-refused-since">{dateTime(p.since)}</span> },
                ]
              : [
                  { key: 'holder', label: t('verify.refused.holder'), children: <span data-testid="verify-refused-user">{p.holder}</span> },
                  { key: 'since', label: t('verify.refused.since'), children: <span data-testid="verify-refused-since">{dateTime(p.since)}</span> },
                ]
          }
        />
      </div>
    </Modal>
  );
}
