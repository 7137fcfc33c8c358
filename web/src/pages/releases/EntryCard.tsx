// 执行蓝绿灰度发布的入口组和应用: subscription mode, group, app (gateway or
// service) and the gateway-only switch. All four are fixed once the release
// exists (打开发布 greys them out).
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { App as AntApp, Button, Card, Flex, Form, Radio, Select, Space, Switch, Tag, Tooltip } from 'antd';
import { LockOutlined, ReloadOutlined } from '@ant-design/icons';
import { useMe } from '../../auth/session';
import { useI18n } from '../../i18n/I18nProvider';
import { ErrorAlert } from '../../components/ErrorAlert';
import { mayCreateIn } from './access';
import type { ReleaseFormValues } from './form';
import { Hint } from './parts';
import { fetchRegistryGroups, fetchServices, REGISTRY_GROUPS_KEY } from './queries';

export function EntryCard({ fixed }: { fixed: boolean }) {
  const { t } = useI18n();
  const { modal } = AntApp.useApp();
  const form = Form.useFormInstance<ReleaseFormValues>();
  const queryClient = useQueryClient();
  const me = useMe();
  const subscription = Form.useWatch('subscription', form);
  const group = Form.useWatch('group', form);
  const gatewayOnly = Form.useWatch('gatewayOnly', form);
  const partial = subscription !== 'GLOBAL';
  const types = gatewayOnly ? ['gateway'] : ['service', 'gateway'];

  const groups = useQuery({ queryKey: REGISTRY_GROUPS_KEY, queryFn: fetchRegistryGroups });
  const apps = useQuery({
    queryKey: ['registry', 'services', group ?? '', types.join(',')],
    queryFn: () => fetchServices(types, group),
    enabled: !!group && partial,
  });
  /**
   * A label that says, once the release exists, that its value is fixed: on
   * a lock icon of its own, never around the field, so the field's own "?"
   * hints (局部订阅, 全局订阅) show alone.
   */
  const label = (text: string, testId: string) => (
    <Space size={6}>
      <span>{text}</span>
      {fixed && (
        <Tooltip title={t('release.fixedHint')}>
          <LockOutlined className="hint-icon" aria-label={t('release.fixedHint')} data-testid={testId} />
        </Tooltip>
      )}
    </Space>
  );
  // Only when editable: undefined leaves the form's own disabled state in charge.
  const lock = fixed || undefined;

  const groupOptions = (groups.data ?? []).map((g) => {
    const member = mayCreateIn(me.data, g);
    return {
      value: g,
      disabled: !member,
      label: member ? g : `${g} (${t('release.notMember')})`,
    };
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

  /** The app is not a service of the release (seed: 需要弹出对话框提示). */
  const onAppChange = (app?: string) => {
    const services: string[] = form.getFieldValue('services') ?? [];
    if (app && services.includes(app)) {
      form.setFieldValue(
        'services',
        services.filter((s) => s !== app),
      );
      modal.warning({ title: t('release.appNotService.title'), content: t('release.appNotService.desc', { app }) });
    }
  };

  const refreshApps = () => {
    // 刷新 reloads the app list and, with it, the service list below.
    void queryClient.invalidateQueries({ queryKey: ['registry', 'services'] });
    void queryClient.invalidateQueries({ queryKey: ['registry', 'versions'] });
  };

  return (
    <Card title={t('release.entry.title')} size="small" className="release-card" data-testid="release-entry">
      <ErrorAlert error={groups.error ?? apps.error} />
      <Form.Item name="subscription" label={label(t('release.subscription'), 'release-subscription-fixed')}>
        <Radio.Group
          disabled={lock}
          data-testid="release-subscription"
          onChange={(e) => {
            if (e.target.value === 'GLOBAL') form.setFieldValue('app', undefined);
          }}
        >
          <Radio value="PARTIAL" data-testid="release-partial">
            <Hint label={t('release.subscription.PARTIAL')} hint={t('release.partialHint')} />
          </Radio>
          <Radio value="GLOBAL" data-testid="release-global">
            <Hint label={t('release.subscription.GLOBAL')} hint={t('release.globalHint')} />
          </Radio>
        </Radio.Group>
      </Form.Item>
      <Form.Item label={t('release.group')} required>
        <Space.Compact block>
          <Form.Item name="group" noStyle rules={[{ required: true, message: t('release.groupRequired') }]}>
            <Select
              showSearch
              disabled={lock}
              placeholder={t('release.groupPlaceholder')}
              options={groupOptions}
              loading={groups.isFetching}
              onChange={() => {
                // 应用 and the service list follow the group (seed: 联动).
                form.setFieldsValue({ app: undefined, services: [] });
              }}
              data-testid="release-group"
            />
          </Form.Item>
          <Tooltip title={t('common.refresh')}>
            <Button
              icon={<ReloadOutlined />}
              disabled={false}
              loading={groups.isFetching}
              onClick={() => void groups.refetch()}
              aria-label={t('common.refresh')}
              data-testid="release-group-refresh"
            >
              {t('common.refresh')}
            </Button>
          </Tooltip>
        </Space.Compact>
      </Form.Item>
      <Form.Item label={t('release.app')} required={partial}>
        <Space.Compact block>
          <Form.Item name="app" noStyle rules={partial ? [{ required: true, message: t('release.appRequired') }] : []}>
            <Select
              showSearch
              allowClear
              disabled={fixed || !partial || undefined}
              placeholder={partial ? t('release.appPlaceholder') : t('release.appGlobal')}
              options={appOptions}
              optionFilterProp="value"
              loading={apps.isFetching}
              onChange={onAppChange}
              data-testid="release-app"
            />
          </Form.Item>
          <Button
            icon={<ReloadOutlined />}
            disabled={!partial}
            loading={apps.isFetching}
            onClick={refreshApps}
            aria-label={t('common.refresh')}
            data-testid="release-app-refresh"
          >
            {t('common.refresh')}
          </Button>
        </Space.Compact>
      </Form.Item>
      <Form.Item name="gatewayOnly" label={label(t('release.gatewayOnly'), 'release-gateway-only-fixed')} valuePropName="checked" style={{ marginBottom: 0 }}>
        <Switch disabled={lock || !partial || undefined} data-testid="release-gateway-only" onChange={() => form.setFieldValue('app', undefined)} />
      </Form.Item>
    </Card>
  );
}
