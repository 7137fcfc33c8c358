import { describe, expect, test, vi } from 'vitest';
import { createApi, CSRF_HEADER } from './client';
import { ApiError } from './error';

const BASE = 'http://switchyard.test';

/** A fetch stub that records requests and answers with the given responses in turn. */
function stubFetch(...responses: Response[]) {
  const requests: Request[] = [];
  const fetch = vi.fn(async (input: Request) => {
    requests.push(input);
    const next = responses.shift();
    if (!next) throw new Error('unexpected request ' + input.url);
    return next;
  });
  return { fetch: fetch as unknown as typeof globalThis.fetch, requests };
}

function json(status: number, body: unknown, headers: Record<string, string> = {}) {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', ...headers } });
}

const user = {
  id: 'u1', name: 'alice', displayName: 'Alice', role: 'admin', groups: [], disabled: false,
  createdAt: '2026-01-01T00:00:00Z', updatedAt: '2026-01-01T00:00:00Z', revision: 1,
};

describe('api client', () => {
  test('writes carry the CSRF token, reads do not', async () => {
    const { fetch, requests } = stubFetch(
      json(200, { user, via: 'session', csrfToken: 'csrf-123' }),
      json(201, { name: 'g1', description: '', members: [], createdAt: user.createdAt, updatedAt: user.updatedAt, revision: 1 }),
      json(200, user),
      new Response(null, { status: 204 }),
      new Response(null, { status: 204 }),
    );
    const api = createApi({ baseUrl: BASE, fetch });
    const me = await api.call(api.client.GET('/api/auth/me'));
    api.setCsrfToken(me.csrfToken);
    await api.call(api.client.POST('/api/groups', { body: { name: 'g1' } }));
    await api.call(api.client.PATCH('/api/users/{name}', { params: { path: { name: 'alice' } }, body: { revision: 1, displayName: 'A' } }));
    await api.call(api.client.DELETE('/api/users/{name}', { params: { path: { name: 'bob' }, query: { revision: 3 } } }));
    await api.call(api.client.PUT('/api/auth/password', { body: { current: 'a', new: 'b' } }));

    expect(requests.map((r) => [r.method, new URL(r.url).pathname + new URL(r.url).search, r.headers.get(CSRF_HEADER)])).toEqual([
      ['GET', '/api/auth/me', null],
      ['POST', '/api/groups', 'csrf-123'],
      ['PATCH', '/api/users/alice', 'csrf-123'],
      ['DELETE', '/api/users/bob?revision=3', 'csrf-123'],
      ['PUT', '/api/auth/password', 'csrf-123'],
    ]);
    for (const r of requests) {
      expect(r.credentials).toBe('same-origin');
    }
  });

  test('no CSRF header before the token is known or after it is forgotten', async () => {
    const { fetch, requests } = stubFetch(json(200, { user, via: 'session', csrfToken: 'x' }), new Response(null, { status: 204 }));
    const api = createApi({ baseUrl: BASE, fetch });
    await api.call(api.client.POST('/api/auth/login', { body: { username: 'alice', password: 'pw' } }));
    api.setCsrfToken('x');
    api.setCsrfToken(undefined);
    await api.call(api.client.POST('/api/auth/logout'));
    expect(requests.map((r) => r.headers.get(CSRF_HEADER))).toEqual([null, null]);
  });

  test('an error body becomes a typed ApiError', async () => {
    const { fetch } = stubFetch(
      json(
        409,
        { error: { code: 'conflict', message: 'user "bob" changed', reason: 'revision.stale', field: 'revision', params: { kind: 'user', name: 'bob' }, requestId: 'req-1' } },
        { 'X-Request-Id': 'req-1' },
      ),
    );
    const api = createApi({ baseUrl: BASE, fetch });
    const err = await api.call(api.client.PATCH('/api/users/{name}', { params: { path: { name: 'bob' } }, body: { revision: 1 } })).catch((e) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({
      status: 409,
      code: 'conflict',
      message: 'user "bob" changed',
      reason: 'revision.stale',
      field: 'revision',
      params: { kind: 'user', name: 'bob' },
      requestId: 'req-1',
    });
  });

  test('a body that is not an API error still gives a typed error', async () => {
    const { fetch } = stubFetch(
      new Response('<html>bad gateway</html>', { status: 502, statusText: 'Bad Gateway', headers: { 'Content-Type': 'text/html', 'X-Request-Id': 'r9' } }),
    );
    const api = createApi({ baseUrl: BASE, fetch });
    const err = await api.call(api.client.GET('/api/users')).catch((e) => e);
    expect(err).toMatchObject({ status: 502, code: 'unavailable', message: 'HTTP 502 Bad Gateway', requestId: 'r9', params: {} });
    expect(err.reason).toBeUndefined();
  });

  test('a network failure is an ApiError with reason network', async () => {
    const fetch = vi.fn(async () => {
      throw new TypeError('Failed to fetch');
    }) as unknown as typeof globalThis.fetch;
    const api = createApi({ baseUrl: BASE, fetch });
    const err = await api.call(api.client.GET('/api/users')).catch((e) => e);
    expect(err).toMatchObject({ status: 0, code: 'network', reason: 'network' });
  });

  test('a 401 goes to onUnauthorized unless the caller expects it', async () => {
    const expired = () => json(401, { error: { code: 'unauthenticated', message: 'your session has expired', reason: 'session.expired' } });
    const { fetch } = stubFetch(expired(), expired(), json(403, { error: { code: 'forbidden', message: 'admins only', reason: 'auth.role', params: { role: 'admin' } } }));
    const api = createApi({ baseUrl: BASE, fetch });
    const seen: ApiError[] = [];
    api.onUnauthorized = (e) => seen.push(e);

    await expect(api.call(api.client.GET('/api/users'))).rejects.toMatchObject({ status: 401, reason: 'session.expired' });
    expect(seen.map((e) => e.reason)).toEqual(['session.expired']);

    await expect(api.call(api.client.POST('/api/auth/login', { body: { username: 'a', password: 'b' } }), { expectUnauthorized: true })).rejects.toBeInstanceOf(ApiError);
    await expect(api.call(api.client.GET('/api/audit'))).rejects.toMatchObject({ status: 403, reason: 'auth.role' });
    expect(seen).toHaveLength(1);
  });

  test('query parameters are sent as the schema names them', async () => {
    const { fetch, requests } = stubFetch(json(200, { entries: [], next: '' }));
    const api = createApi({ baseUrl: BASE, fetch });
    await api.call(api.client.GET('/api/audit', { params: { query: { action: 'user.', outcome: 'ok', before: 'c1', limit: 50 } } }));
    const url = new URL(requests[0].url);
    expect(Object.fromEntries(url.searchParams)).toEqual({ action: 'user.', outcome: 'ok', before: 'c1', limit: '50' });
  });

  test('every field error of a form comes with the error, each translatable on its own', async () => {
    const body = {
      error: {
        code: 'invalid',
        message: 'spec.greenExpression must not be empty',
        field: 'spec.greenExpression',
        reason: 'bluegreen.expression.empty',
        params: { field: 'spec.greenExpression' },
        requestId: 'r1',
        details: [
          { field: 'spec.greenExpression', message: 'spec.greenExpression must not be empty', reason: 'bluegreen.expression.empty', params: { field: 'spec.greenExpression' } },
          { field: 'spec.grayConditions[1].expression', message: 'only one may be empty', reason: 'gray.basic.multiple' },
          { message: 'no field' },
          'not an object',
        ],
      },
    };
    const { fetch } = stubFetch(json(400, body, { 'X-Request-Id': 'r1' }));
    const api = createApi({ baseUrl: BASE, fetch });
    const err = await api.call(api.client.GET('/api/releases')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    const e = err as ApiError;
    expect(e.reason).toBe('bluegreen.expression.empty');
    expect(e.details.map((d) => [d.status, d.code, d.field, d.reason, d.requestId])).toEqual([
      [400, 'invalid', 'spec.greenExpression', 'bluegreen.expression.empty', 'r1'],
      [400, 'invalid', 'spec.grayConditions[1].expression', 'gray.basic.multiple', 'r1'],
      [400, 'invalid', undefined, undefined, 'r1'],
    ]);
    expect(e.details[0]).toBeInstanceOf(ApiError);
    expect(e.details[0].params).toEqual({ field: 'spec.greenExpression' });
  });

  test('lists go in a query as one comma-separated value, as the server reads them', async () => {
    const { fetch, requests } = stubFetch(json(200, []), json(200, []));
    const api = createApi({ baseUrl: BASE, fetch });
    const comma = { array: { style: 'form', explode: false } } as const;
    await api.call(api.client.GET('/api/registry/services', { params: { query: { types: ['service', 'gateway'], group: 'g' } }, querySerializer: comma }));
    await api.call(api.client.GET('/api/registry/versions', { params: { query: { services: ['a', 'b-c'], sort: 'time' } }, querySerializer: comma }));
    expect(Object.fromEntries(new URL(requests[0].url).searchParams)).toEqual({ types: 'service,gateway', group: 'g' });
    expect(Object.fromEntries(new URL(requests[1].url).searchParams)).toEqual({ services: 'a,b-c', sort: 'time' });
  });
});
