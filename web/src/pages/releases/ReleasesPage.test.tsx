// @vitest-environment jsdom
// The release table pages and filters on the server: each page, search and
// filter is one /api/release-table request with offset, limit and the
// filters, and the pager counts what the server says matches.
import { afterEach, describe, expect, test, vi } from 'vitest';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import type { LoginResponse, ReleaseView } from '../../api/types';
import { renderIn } from '../../test/render';
import { ReleasesPage } from './ReleasesPage';

/** The fake server: 45 releases, filtered and paged as the real one does; records each table query. */
const server = vi.hoisted(() => ({ queries: [] as URLSearchParams[] }));

vi.mock('../../api/client', async (importActual) => {
  const actual = await importActual<typeof import('../../api/client')>();
  const json = (body: unknown) => new Response(JSON.stringify(body), { status: 200, headers: { 'Content-Type': 'application/json' } });
  const fetch = async (req: Request) => {
    const url = new URL(req.url);
    if (url.pathname === '/api/auth/me') return json(me);
    if (url.pathname === '/api/registry/groups') return json(['guide']);
    if (url.pathname !== '/api/release-table') return new Response(null, { status: 404 });
    server.queries.push(url.searchParams);
    const q = (url.searchParams.get('q') ?? '').toLowerCase();
    const states = url.searchParams.get('states')?.split(',');
    const matched = ALL_RELEASES.filter((r) => r.name.toLowerCase().includes(q) && (!states || states.includes(r.state || 'NEW')));
    const offset = Number(url.searchParams.get('offset')), limit = Number(url.searchParams.get('limit'));
    return json({ items: matched.slice(offset, offset + limit), total: matched.length, offset, limit });
  };
  return { ...actual, api: actual.createApi({ baseUrl: 'http://console.test', fetch: fetch as unknown as typeof globalThis.fetch }) };
});

const AT = '2026-11-23T10:00:00Z';
const me: LoginResponse = {
  user: { id: 'alice', name: 'alice', displayName: '', role: 'operator', groups: ['guide'], disabled: false, createdAt: AT, updatedAt: AT, revision: 1 },
  via: 'session',
  csrfToken: 'csrf',
};

const ALL_RELEASES: ReleaseView[] = Array.from({ length: 45 }, (_, i) => ({
  name: `rel-${String(44 - i).padStart(2, '0')}`,
  description: '',
  subscription: 'PARTIAL',
  group: 'guide',
  app: `app-${i}`,
  spec: { services: ['svc-a'], sort: 'version', blueGreenEnabled: false, greenExpression: '', blueExpression: '', grayEnabled: false, grayConditions: [], headerEnabled: false, header: {}, domainGateway: false, gatewayOnly: false },
  state: i % 3 === 0 ? 'RELEASED' : '',
  type: 'GRAY',
  revision: 1,
  configVersion: 0,
  createdAt: AT,
  createdBy: 'alice',
  createdByName: 'alice',
  stateOperations: [],
  allowedOperations: [],
  mayEdit: true,
  mayDelete: true,
  mayLock: true,
  mayBreakLock: false,
  lockedByYou: false,
  refusals: {},
}));

const rowNames = () => [...screen.getByTestId('releases-table').querySelectorAll('tr.ant-table-row a')].map((a) => a.textContent);
/** Types text and presses Enter (down and up: the input ignores a second Enter until the key is up). */
function enter(input: HTMLElement, text: string) {
  fireEvent.change(input, { target: { value: text } });
  fireEvent.keyDown(input, { key: 'Enter', code: 'Enter', keyCode: 13 });
  fireEvent.keyUp(input, { key: 'Enter', code: 'Enter', keyCode: 13 });
}

const last = () => server.queries[server.queries.length - 1];

afterEach(() => {
  server.queries.length = 0;
});

describe('the release table', () => {
  test('pages, searches and counts on the server', async () => {
    renderIn('zh', <MemoryRouter><ReleasesPage /></MemoryRouter>);
    await waitFor(() => expect(rowNames()).toHaveLength(20));
    expect(rowNames()[0]).toBe('rel-44');
    expect(last().get('offset')).toBe('0');
    expect(last().get('limit')).toBe('20');
    expect(screen.getByText('共 45 条')).toBeTruthy();

    fireEvent.click(screen.getByTitle('3'));
    await waitFor(() => expect(rowNames()).toEqual(['rel-04', 'rel-03', 'rel-02', 'rel-01', 'rel-00']));
    expect(last().get('offset')).toBe('40');

    // A search asks again from the first page; the pager counts the matches.
    const search = within(screen.getByTestId('releases-search')).getByRole('searchbox');
    enter(search, 'REL-1');
    await waitFor(() => expect(rowNames()).toHaveLength(10));
    expect(last().get('q')).toBe('REL-1');
    expect(last().get('offset')).toBe('0');
    expect(screen.getByText('共 10 条')).toBeTruthy();

    enter(search, 'nothing-like-it');
    await waitFor(() => expect(last().get('q')).toBe('nothing-like-it'));
    await waitFor(() => expect(rowNames()).toHaveLength(0));
    expect(await screen.findByText('没有符合筛选条件的发布。')).toBeTruthy();
  });
});
