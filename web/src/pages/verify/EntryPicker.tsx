// The entry group and app of a test (as on the release page: the registry's
// groups, the apps of the chosen one), and the task id they make,
// group@@serviceId. The choice lives in the page's URL (?group=&app=).
import { useQuery } from '@tanstack/react-query';
import { Button, Card, Col, Flex, Form, Row, Select, Space, Tag, Tooltip, Typography } from 'antd';
import { ReloadOutlined } from '@ant-design/icons';
import { useI18n } from '../../i18n/I18nProvider';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Hint } from '../releases/parts';
import { fetchRegistryGroups, fetchServices, REGISTRY_GROUPS_KEY } from '../releases/queries';
import { taskOf } from './model';

export function EntryPicker({
  title,
  group,
  app,
  onChange,
}: {
  title: string;
  group?: string;
  app?: string;
  onChange: (group?: string, app?: string) => void;
}) {
  const { t } = useI18n();
  const groups = useQuery({ queryKey: REGISTRY_GROUPS_KEY, queryFn: fetchRegistryGroups });
  const apps = useQuery({
    queryKey: ['registry', 'services', group ?? '', 'service,gateway'],
    queryFn: () => fetchServices(['service', 'gateway'], group),
    enabled: !!group,
  });
  const appOptions = (apps.data ?? []).map((s) => ({
    value: s.service,
    label: (
      <Flex justify="space-between" gap={8}>
        <span>{s.service}</span>
        <Tag color={s.type === 'gateway' ? 'purple' : 'cyan'} style={{ marginInlineEnd: 0 }}>
          {t(`release.kind.${s.type}`)}
        </Tag>
      </Flex>
    ),
  }));
  return (
    <Card title={title} size="small" className="release-card" data-testid="verify-entry">
      <ErrorAlert error={groups.error ?? apps.error} />
      <Row gutter={16}>
        <Col xs={24} lg={8}>
          <Form.Item label={t('verify.group')} required layout="vertical" style={{ marginBottom: 8 }}>
            <Space.Compact block>
              <Select
                showSearch
                value={group}
                placeholder={t('verify.groupPlaceholder')}
                options={(groups.data ?? []).map((g) => ({ value: g, label: g }))}
                loading={groups.isFetching}
                onChange={(g: string) => onChange(g, undefined)}
                data-testid="verify-group"
              />
              <Tooltip title={t('common.refresh')}>
                <Button icon={<ReloadOutlined />} onClick={() => void groups.refetch()} aria-label={t('common.refresh')} />
              </Tooltip>
            </Space.Compact>
          </Form.Item>
        </Col>
        <Col xs={24} lg={8}>
          <Form.Item label={t('verify.app')} required layout="vertical" style={{ marginBottom: 8 }}>
            <Space.Compact block>
              <Select
                showSearch
                value={app}
                disabled={!group}
                placeholder={t('verify.appPlaceholder')}
                options={appOptions}
                optionFilterProp="value"
                loading={apps.isFetching}
                onChange={(a: string) => onChange(group, a)}
                data-testid="verify-app"
              />
              <Tooltip title={t('common.refresh')}>
                <Button icon={<ReloadOutlined />} disabled={!group} onClick={() => void apps.refetch()} aria-label={t('common.refresh')} />
              </Tooltip>
            </Space.Compact>
          </Form.Item>
        </Col>
        <Col xs={24} lg={8}>
          <Form.Item label={<Hint label={t('verify.task')} hint={t('verify.task.hint')} />} layout="vertical" style={{ marginBottom: 8 }}>
            <Typography.Text code copyable={!!(group && app)} data-testid="verify-task" className="verify-task">
              {group && app ? taskOf(group, app) : '—'}
            </Typography.Text>
          </Form.Item>
        </Col>
      </Row>
    </Card>
  );
}
