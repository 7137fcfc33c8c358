// 侦测执行 / 模拟执行: 保存 and 执行, what is saved (revision, by whom, when),
// and what the server refused that names no field of the page.
import type { ReactNode } from 'react';
import { Alert, Button, Card, Space, Typography } from 'antd';
import { PlayCircleOutlined, SaveOutlined } from '@ant-design/icons';
import { useI18n } from '../../i18n/I18nProvider';
import { verifyErrorText } from './messages';

export function ExecuteCard({
  title,
  runLabel,
  saved,
  readOnly,
  busy,
  saving,
  starting,
  problem,
  onSave,
  onStart,
  extra,
}: {
  title: string;
  runLabel: string;
  saved?: { revision: number; updatedBy: string; updatedAt: string } | null;
  readOnly: boolean;
  busy: boolean;
  saving: boolean;
  starting: boolean;
  problem: unknown;
  onSave: () => void;
  onStart: () => void;
  extra?: ReactNode;
}) {
  const { t, lang, dateTime } = useI18n();
  return (
    <Card size="small" title={title} data-testid="verify-execute">
      {problem ? <Alert type="error" showIcon style={{ marginBottom: 12 }} title={verifyErrorText(lang, problem)} data-testid="verify-problem" /> : null}
      <Space size={12} wrap>
        {!readOnly && (
          <>
            <Button icon={<SaveOutlined />} onClick={onSave} loading={saving} disabled={busy && !saving} data-testid="verify-save">
              {t('verify.save')}
            </Button>
            <Button type="primary" icon={<PlayCircleOutlined />} onClick={onStart} loading={starting} disabled={busy && !starting} data-testid="verify-start">
              {runLabel}
            </Button>
          </>
        )}
        <Typography.Text type="secondary" data-testid="verify-saved">
          {saved && saved.revision > 0 ? t('verify.savedBy', { revision: saved.revision, user: saved.updatedBy, at: dateTime(saved.updatedAt) }) : t('verify.notSaved')}
        </Typography.Text>
        {!readOnly && <Typography.Text type="secondary">{t('verify.startSaves')}</Typography.Text>}
        {extra}
      </Space>
    </Card>
  );
}
