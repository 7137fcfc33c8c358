// The signed-in user, kept in the React Query cache under ['me'].
import { useQuery, type QueryClient } from '@tanstack/react-query';
import { api } from '../api/client';
import { ApiError } from '../api/error';
import type { LoginResponse } from '../api/types';

export const ME_KEY = ['me'] as const;

/** The session, or null when nobody is signed in. Remembers the CSRF token. */
export async function fetchMe(): Promise<LoginResponse | null> {
  try {
    const me = await api.call(api.client.GET('/api/auth/me'), { expectUnauthorized: true });
    api.setCsrfToken(me.csrfToken);
    return me;
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) {
      api.setCsrfToken(undefined);
      return null;
    }
    throw err;
  }
}

export function useMe() {
  return useQuery({ queryKey: ME_KEY, queryFn: fetchMe, staleTime: 60_000, retry: false });
}

export async function login(queryClient: QueryClient, username: string, password: string): Promise<LoginResponse> {
  const me = await api.call(api.client.POST('/api/auth/login', { body: { username, password } }), {
    expectUnauthorized: true,
  });
  api.setCsrfToken(me.csrfToken);
  queryClient.clear();
  queryClient.setQueryData(ME_KEY, me);
  return me;
}

export async function logout(queryClient: QueryClient): Promise<void> {
  try {
    await api.call(api.client.POST('/api/auth/logout'), { expectUnauthorized: true });
  } finally {
    forgetSession(queryClient);
  }
}

/** Drops everything the previous user saw. */
export function forgetSession(queryClient: QueryClient): void {
  api.setCsrfToken(undefined);
  queryClient.clear();
  queryClient.setQueryData(ME_KEY, null);
}

export function isAdmin(me: LoginResponse | null | undefined): boolean {
  return me?.user.role === 'admin';
}
