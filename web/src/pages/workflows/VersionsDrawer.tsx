// The saved versions (保存 keeps each), newest first, with who saved them
// and when; an older one opens read-only.
import { useQuery } from '@tanstack/react-query';
import { Drawer, List, Tag, Typography } from 'antd';
import { Link } from 'react-router';
import { useI18n } from '../../i18n/I18nProvider';
import { ErrorAlert } from '../../components/ErrorAlert';
import { fetchVersions, versionsKey } from './queries';

export function VersionsDrawer({ id, current, open, onClose }: { id: string; current: number; open: boolean; onClose: () => void }) {
  const { t, dateTime } = useI18n();
  const versions = useQuery({ queryKey: versionsKey(id), queryFn: () => fetchVersions(id), enabled: open });
  return (
    <Drawer open={open} onClose={onClose} title={t('workflows.versionsTitle', { id })} size={380} data-testid="wf-versions">
      <ErrorAlert error={versions.error} onRetry={() => void versions.refetch()} />
      <List
        loading={versions.isPending}
        dataSource={versions.data ?? []}
        renderItem={(v) => (
          <List.Item
            data-testid={`wf-version-${v.version}`}
            actions={[
              <Link key="view" to={v.version === current ? `/workflows/${encodeURIComponent(id)}` : `/workflows/${encodeURIComponent(id)}/versions/${v.version}`} onClick={onClose}>
                {t('workflows.versionView')}
              </Link>,
            ]}
          >
            <List.Item.Meta
              title={
                <>
                  <Typography.Text strong>{t('workflows.versionRow', { version: v.version })}</Typography.Text>{' '}
                  {v.version === current && <Tag color="blue">{t('workflows.versionCurrent')}</Tag>}
                </>
              }
              description={t('workflows.versionSaved', { when: dateTime(v.savedAt), who: v.savedBy })}
            />
          </List.Item>
        )}
      />
    </Drawer>
  );
}
