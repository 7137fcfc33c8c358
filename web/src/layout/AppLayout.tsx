import { useState } from 'react';
import { Outlet, useLocation, useNavigate } from 'react-router';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { App as AntApp, Avatar, Button, Dropdown, Flex, Layout, Menu, Tag, Tooltip, Typography, type MenuProps } from 'antd';
import {
  ApartmentOutlined,
  AuditOutlined,
  DownOutlined,
  ExperimentOutlined,
  HistoryOutlined,
  KeyOutlined,
  LockOutlined,
  LogoutOutlined,
  MenuFoldOutlined,
  MenuUnfoldOutlined,
  RadarChartOutlined,
  RocketOutlined,
  SettingOutlined,
  TeamOutlined,
  UserOutlined,
} from '@ant-design/icons';
import { api } from '../api/client';
import { isAdmin, logout, useMe } from '../auth/session';
import { useI18n } from '../i18n/I18nProvider';
import { LanguageSwitch } from '../components/LanguageSwitch';
import { ChangePasswordDialog, useChangePassword } from '../components/ChangePasswordDialog';
import { Logo } from '../components/Logo';
import { roleColor } from '../components/roles';

const SIDER_WIDTH = 216;

export function AppLayout() {
  const { t } = useI18n();
  const me = useMe();
  const admin = isAdmin(me.data);
  const location = useLocation();
  const navigate = useNavigate();
  const [collapsed, setCollapsed] = useState(false);
  const [systemOpen, setSystemOpen] = useState(true);
  const info = useQuery({
    queryKey: ['info'],
    queryFn: () => api.call(api.client.GET('/api/info')),
    staleTime: Infinity,
  });

  const items: MenuProps['items'] = [
    { key: '/releases', icon: <RocketOutlined />, label: t('nav.releases') },
    { key: '/workflows', icon: <ApartmentOutlined />, label: t('nav.workflows') },
    { key: '/executions', icon: <HistoryOutlined />, label: t('nav.executions') },
    { key: '/inspection', icon: <RadarChartOutlined />, label: t('nav.inspection') },
    { key: '/simulation', icon: <ExperimentOutlined />, label: t('nav.simulation') },
    {
      key: 'system',
      icon: <SettingOutlined />,
      label: t('nav.system'),
      children: [
        admin && { key: '/system/users', icon: <UserOutlined />, label: t('nav.users') },
        { key: '/system/groups', icon: <TeamOutlined />, label: t('nav.groups') },
        { key: '/system/tokens', icon: <KeyOutlined />, label: t('nav.tokens') },
        admin && { key: '/system/audit', icon: <AuditOutlined />, label: t('nav.audit') },
      ].filter((item) => !!item),
    },
  ];
  const selected = '/' + location.pathname.split('/').filter(Boolean).slice(0, 2).join('/');

  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Sider
        width={SIDER_WIDTH}
        collapsible
        collapsed={collapsed}
        trigger={null}
        theme="dark"
        style={{ position: 'sticky', top: 0, height: '100vh', overflow: 'auto' }}
      >
        <Flex align="center" gap={10} className="brand" onClick={() => navigate('/releases')}>
          <Logo size={28} />
          {!collapsed && <span className="brand-name">{t('app.name')}</span>}
        </Flex>
        <Menu
          theme="dark"
          mode="inline"
          data-testid="nav"
          selectedKeys={[selected]}
          openKeys={collapsed ? undefined : systemOpen ? ['system'] : []}
          onOpenChange={(keys) => setSystemOpen(keys.includes('system'))}
          items={items}
          onClick={({ key }) => navigate(key)}
        />
        {!collapsed && info.data && (
          <div className="sider-footer">
            {t('app.version', { version: info.data.version })}
            {info.data.demo && (
              <Tag color="orange" style={{ marginInlineStart: 8 }}>
                {t('app.demo')}
              </Tag>
            )}
          </div>
        )}
      </Layout.Sider>
      <Layout>
        <Layout.Header className="app-header">
          <Tooltip title={collapsed ? t('nav.expand') : t('nav.collapse')}>
            <Button
              type="text"
              aria-label={collapsed ? t('nav.expand') : t('nav.collapse')}
              icon={collapsed ? <MenuUnfoldOutlined /> : <MenuFoldOutlined />}
              onClick={() => setCollapsed(!collapsed)}
            />
          </Tooltip>
          <Typography.Text type="secondary" className="header-tagline">
            {t('app.tagline')}
          </Typography.Text>
          <Flex align="center" gap={4} style={{ marginInlineStart: 'auto' }}>
            <LanguageSwitch />
            <UserMenu />
          </Flex>
        </Layout.Header>
        <Layout.Content className="app-content">
          <Outlet />
        </Layout.Content>
      </Layout>
    </Layout>
  );
}

function UserMenu() {
  const { t, errorText } = useI18n();
  const me = useMe();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const { message } = AntApp.useApp();
  const password = useChangePassword();
  const user = me.data?.user;
  if (!user) {
    return null;
  }
  const onSignOut = async () => {
    try {
      await logout(queryClient);
      void message.success(t('header.signedOut'));
    } catch (err) {
      void message.error(errorText(err));
    }
    navigate('/login', { replace: true });
  };
  return (
    <>
      <Dropdown
        trigger={['click']}
        menu={{
          items: [
            { key: 'password', icon: <LockOutlined />, label: <span data-testid="menu-password">{t('header.changePassword')}</span> },
            { type: 'divider' },
            { key: 'signout', icon: <LogoutOutlined />, label: <span data-testid="menu-signout">{t('header.signOut')}</span> },
          ],
          onClick: ({ key }) => (key === 'password' ? password.open() : void onSignOut()),
        }}
      >
        <Button type="text" data-testid="user-menu" style={{ height: 40 }}>
          <Avatar size={26} style={{ backgroundColor: '#1677ff' }} icon={<UserOutlined />} />
          <span className="user-name">{user.displayName || user.name}</span>
          <Tag color={roleColor[user.role]} style={{ marginInlineEnd: 0 }}>
            {t(`role.${user.role}`)}
          </Tag>
          <DownOutlined style={{ fontSize: 10 }} />
        </Button>
      </Dropdown>
      <ChangePasswordDialog modal={password} />
    </>
  );
}
