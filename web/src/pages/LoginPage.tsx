import { Navigate, useNavigate, useSearchParams } from 'react-router';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Button, Card, Flex, Form, Input, Tag, Typography } from 'antd';
import { LockOutlined, UserOutlined } from '@ant-design/icons';
import { api } from '../api/client';
import { login, useMe } from '../auth/session';
import { useI18n } from '../i18n/I18nProvider';
import { ErrorAlert } from '../components/ErrorAlert';
import { LanguageSwitch } from '../components/LanguageSwitch';
import { Logo } from '../components/Logo';

interface Values {
  username: string;
  password: string;
}

/** Only same-site paths: never follow ?next= off the console. */
function safeNext(next: string | null): string {
  return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/login') ? next : '/releases';
}

export function LoginPage() {
  const { t } = useI18n();
  const me = useMe();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [params] = useSearchParams();
  const signIn = useMutation({
    mutationFn: (v: Values) => login(queryClient, v.username.trim(), v.password),
    onSuccess: () => navigate(next, { replace: true }),
  });
  const info = useQuery({ queryKey: ['info'], queryFn: () => api.call(api.client.GET('/api/info')), staleTime: Infinity });
  const next = safeNext(params.get('next'));

  if (me.data) {
    return <Navigate to={next} replace />;
  }

  return (
    <div className="login-page">
      <Flex justify="flex-end" style={{ padding: '12px 24px' }}>
        <LanguageSwitch />
      </Flex>
      <Flex vertical align="center" style={{ paddingTop: '8vh' }}>
        <Flex align="center" gap={12} style={{ marginBottom: 8 }}>
          <Logo size={40} />
          <Typography.Title level={2} style={{ margin: 0 }}>
            {t('app.name')}
          </Typography.Title>
        </Flex>
        <Typography.Text type="secondary" style={{ marginBottom: 28, fontSize: 15 }}>
          {t('app.tagline')}
        </Typography.Text>
        <Card className="login-card" title={t('login.title')}>
          <ErrorAlert error={signIn.error} />
          <Form<Values> layout="vertical" onFinish={(v) => signIn.mutate(v)} requiredMark={false} data-testid="login-form" size="large">
            <Form.Item name="username" label={t('login.username')} rules={[{ required: true, message: t('login.usernameRequired') }]}>
              <Input prefix={<UserOutlined />} autoComplete="username" autoFocus data-testid="login-username" />
            </Form.Item>
            <Form.Item name="password" label={t('login.password')} rules={[{ required: true, message: t('login.passwordRequired') }]}>
              <Input.Password prefix={<LockOutlined />} autoComplete="current-password" data-testid="login-password" />
            </Form.Item>
            <Button type="primary" htmlType="submit" block loading={signIn.isPending} data-testid="login-submit">
              {t('login.submit')}
            </Button>
          </Form>
          <Typography.Paragraph type="secondary" style={{ marginTop: 16, marginBottom: 0, fontSize: 12 }}>
            {t('login.footer')}
          </Typography.Paragraph>
        </Card>
        {info.data && (
          <Typography.Text type="secondary" style={{ marginTop: 24, fontSize: 12 }}>
            {t('app.version', { version: info.data.version })}
            {info.data.demo && (
              <Tag color="orange" style={{ marginInlineStart: 8 }}>
                {t('app.demo')}
              </Tag>
            )}
          </Typography.Text>
        )}
      </Flex>
    </div>
  );
}
