// 当前生效的策略: the rule the config center holds now at the release's key,
// drawn as a topology and shown as XML, with its version and who wrote it.
import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Card, Empty, Flex, Tabs, Typography } from 'antd';
import { ReloadOutlined } from '@ant-design/icons';
import type { ReleaseView } from '../../api/types';
import { useI18n } from '../../i18n/I18nProvider';
import { ErrorAlert } from '../../components/ErrorAlert';
import { CodeBlock } from './parts';
import { fetchRule, ruleKey } from './queries';
import { useVersions } from './ServicesCard';
import { TopologyGraph } from './TopologyGraph';

export function RuleCard({ release, follow }: { release?: ReleaseView; follow: boolean }) {
  const { t, dateTime } = useI18n();
  const name = release?.name ?? '';
  const rule = useQuery({
    queryKey: ruleKey(name),
    queryFn: () => fetchRule(name),
    enabled: !!release,
    // Someone else operates the release: follow what they publish.
    refetchInterval: follow ? 10_000 : false,
  });
  const topology = rule.data?.topology;
  const versions = useVersions(topology?.services ?? [], release?.spec.sort ?? 'version');
  const entry = rule.data?.entry;
  const key = rule.data ? `${rule.data.key.group} / ${rule.data.key.dataId}` : '';
  const empty = !entry || entry.version === 0 || entry.deleted || entry.content.trim() === '';

  return (
    <Card
      title={t('release.rule.title')}
      size="small"
      className="release-card"
      data-testid="release-rule"
      extra={
        release && (
          <Button size="small" icon={<ReloadOutlined />} loading={rule.isFetching} disabled={false} onClick={() => void rule.refetch()} data-testid="release-rule-refresh">
            {t('common.refresh')}
          </Button>
        )
      }
    >
      {!release ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('release.rule.afterCreate')} />
      ) : (
        <Flex vertical gap={8}>
          <ErrorAlert error={rule.error} onRetry={() => void rule.refetch()} />
          {entry && !empty && (
            <Typography.Text type="secondary" style={{ fontSize: 12 }} data-testid="release-rule-meta">
              {t('release.rule.meta', { key, version: entry.version, by: entry.updatedBy || '—', at: dateTime(entry.updatedAt) })}
            </Typography.Text>
          )}
          {rule.data && empty && <Alert type="info" showIcon title={t('release.rule.none', { key })} />}
          {rule.data?.parseError && <Alert type="error" showIcon title={t('release.rule.parseError', { error: rule.data.parseError })} />}
          {rule.data && (
            <Tabs
              size="small"
              items={[
                {
                  key: 'topology',
                  label: t('release.rule.topology'),
                  children: topology ? (
                    <TopologyGraph topology={topology} versions={versions.data ?? []} global={release.subscription === 'GLOBAL'} />
                  ) : (
                    <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} />
                  ),
                },
                {
                  key: 'xml',
                  label: t('release.rule.xml'),
                  children: empty ? (
                    <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('common.none')} />
                  ) : (
                    <CodeBlock text={entry!.content} highlight versions={versions.data ?? []} maxHeight={420} testId="release-rule-xml" />
                  ),
                },
              ]}
            />
          )}
        </Flex>
      )}
    </Card>
  );
}
