import { useEffect, useState, type ReactNode } from 'react';
import { BrowserRouter, Navigate, Route, Routes, useLocation, useNavigate } from 'react-router';
import { QueryClient, QueryClientProvider, useQueryClient } from '@tanstack/react-query';
import { App as AntApp, ConfigProvider, Flex, Spin, theme } from 'antd';
import zhCN from 'antd/locale/zh_CN';
import enUS from 'antd/locale/en_US';
import { api } from './api/client';
import { ApiError } from './api/error';
import { forgetSession, isAdmin, useMe } from './auth/session';
import { I18nProvider, useI18n } from './i18n/I18nProvider';
import { ErrorAlert } from './components/ErrorAlert';
import { AppLayout } from './layout/AppLayout';
import { LoginPage } from './pages/LoginPage';
import { ForbiddenPage, NotFoundPage } from './pages/StatusPages';
import { UsersPage } from './pages/system/UsersPage';
import { GroupsPage } from './pages/system/GroupsPage';
import { TokensPage } from './pages/system/TokensPage';
import { AuditPage } from './pages/system/AuditPage';
import { ReleasesPage } from './pages/releases/ReleasesPage';
import { NewReleasePage, OpenReleasePage } from './pages/releases/ReleasePage';
import { WorkflowRoutes } from './pages/workflows/WorkflowRoutes';
import { ExecutionRoutes } from './pages/executions/ExecutionRoutes';
import { InspectionRoutes } from './pages/verify/InspectionRoutes';
import { SimulationRoutes } from './pages/verify/SimulationRoutes';

function newQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        // 4xx answers do not get better by asking again.
        retry: (count, err) => !(err instanceof ApiError && err.status >= 400 && err.status < 500) && count < 2,
        refetchOnWindowFocus: false,
      },
    },
  });
}

export function App() {
  const [queryClient] = useState(newQueryClient);
  return (
    <I18nProvider>
      <QueryClientProvider client={queryClient}>
        <Themed>
          <BrowserRouter>
            <UnauthorizedRedirect />
            <AppRoutes />
          </BrowserRouter>
        </Themed>
      </QueryClientProvider>
    </I18nProvider>
  );
}

/** antd follows the console's language. */
function Themed({ children }: { children: ReactNode }) {
  const { lang } = useI18n();
  return (
    <ConfigProvider
      locale={lang === 'zh' ? zhCN : enUS}
      theme={{
        algorithm: theme.defaultAlgorithm,
        token: { colorPrimary: '#1677ff', borderRadius: 4, fontSize: 14 },
        components: { Layout: { headerHeight: 56, headerPadding: '0 16px' }, Table: { cellPaddingBlockSM: 6 } },
      }}
      componentSize="middle"
    >
      <AntApp>{children}</AntApp>
    </ConfigProvider>
  );
}

/** Any API call answered 401 (session expired, signed out elsewhere) leads back to the login page. */
function UnauthorizedRedirect() {
  const navigate = useNavigate();
  const location = useLocation();
  const queryClient = useQueryClient();
  const { message } = AntApp.useApp();
  const { errorText } = useI18n();
  useEffect(() => {
    api.onUnauthorized = (err) => {
      forgetSession(queryClient);
      if (err.reason === 'session.expired') {
        void message.warning(errorText(err));
      }
      if (!location.pathname.startsWith('/login')) {
        navigate(`/login?next=${encodeURIComponent(location.pathname + location.search)}`, { replace: true });
      }
    };
    return () => {
      api.onUnauthorized = undefined;
    };
  }, [navigate, location, queryClient, message, errorText]);
  return null;
}

function AppRoutes() {
  return (
    <Routes>
      <Route path="/login" element={<LoginPage />} />
      <Route
        element={
          <RequireSession>
            <AppLayout />
          </RequireSession>
        }
      >
        <Route index element={<Navigate to="/releases" replace />} />
        <Route path="releases">
          <Route index element={<ReleasesPage />} />
          <Route path="new" element={<NewReleasePage />} />
          <Route path=":name" element={<OpenReleasePage />} />
        </Route>
        <Route path="workflows/*" element={<WorkflowRoutes />} />
        <Route path="executions/*" element={<ExecutionRoutes />} />
        <Route path="inspection/*" element={<InspectionRoutes />} />
        <Route path="simulation/*" element={<SimulationRoutes />} />
        <Route path="system">
          <Route index element={<Navigate to="/system/tokens" replace />} />
          <Route
            path="users"
            element={
              <AdminOnly>
                <UsersPage />
              </AdminOnly>
            }
          />
          <Route path="groups" element={<GroupsPage />} />
          <Route path="tokens" element={<TokensPage />} />
          <Route
            path="audit"
            element={
              <AdminOnly>
                <AuditPage />
              </AdminOnly>
            }
          />
        </Route>
        <Route path="*" element={<NotFoundPage />} />
      </Route>
    </Routes>
  );
}

function RequireSession({ children }: { children: ReactNode }) {
  const me = useMe();
  const location = useLocation();
  const { t } = useI18n();
  if (me.isPending) {
    return (
      <Flex align="center" justify="center" style={{ height: '100vh' }}>
        <Spin size="large" description={t('app.loading')} />
      </Flex>
    );
  }
  if (me.isError) {
    return (
      <Flex align="center" justify="center" style={{ height: '100vh', padding: 24 }}>
        <ErrorAlert error={me.error} onRetry={() => void me.refetch()} />
      </Flex>
    );
  }
  if (!me.data) {
    return <Navigate to={`/login?next=${encodeURIComponent(location.pathname + location.search)}`} replace />;
  }
  return children;
}

function AdminOnly({ children }: { children: ReactNode }) {
  const me = useMe();
  return isAdmin(me.data) ? children : <ForbiddenPage />;
}
