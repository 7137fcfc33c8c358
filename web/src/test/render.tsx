// Rendering a piece of the console in a test: the providers the app wraps
// every page in (language, queries, antd's App for messages).
import type { ReactElement, ReactNode } from 'react';
import { render } from '@testing-library/react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { App as AntApp } from 'antd';
import { I18nProvider } from '../i18n/I18nProvider';
import { LANG_STORAGE_KEY, type Lang } from '../i18n/messages';

export function testQueryClient(): QueryClient {
  return new QueryClient({ defaultOptions: { queries: { retry: false }, mutations: { retry: false } } });
}

export function renderIn(lang: Lang, ui: ReactElement, queryClient = testQueryClient()) {
  window.localStorage.setItem(LANG_STORAGE_KEY, lang);
  const wrapper = ({ children }: { children: ReactNode }) => (
    <I18nProvider>
      <QueryClientProvider client={queryClient}>
        <AntApp>{children}</AntApp>
      </QueryClientProvider>
    </I18nProvider>
  );
  return { queryClient, ...render(ui, { wrapper }) };
}
