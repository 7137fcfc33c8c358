// @vitest-environment jsdom
// The release picker asks the server as one types: each search is one
// /api/release-table request with q, the states it offers and a limit, and
// the options are what the server answered.
import { afterEach, describe, expect, test, vi } from 'vitest';
import { fireEvent, screen, waitFor } from '@testing-library/react';
import { renderIn } from '../../test/render';
import { ReleasePicker } from './ReleasePicker';

const server = vi.hoisted(() => ({ queries: [] as URLSearchParams[] }));

vi.mock('../../api/client', async (importActual) => {
  const actual = await importActual<typeof import('../../api/client')>();
  const fetch = async (req: Request) => {
    const url = new URL(req.url);
    if (url.pathname !== '/api/release-table') return new Response(null, { status: 404 });
    server.queries.push(url.searchParams);
    const q = (url.searchParams.get('q') ?? '').toLowerCase();
    const items = NAMES.filter((n) => n.toLowerCase().includes(q)).map((name) => ({ name }));
    return new Response(JSON.stringify({ items, total: items.length, offset: 0, limit: 50 }), { status: 200, headers: { 'Content-Type': 'application/json' } });
  };
  return { ...actual, api: actual.createApi({ baseUrl: 'http://console.test', fetch: fetch as unknown as typeof globalThis.fetch }) };
});

const NAMES = ['order-2.0', 'order-2.1', 'payment-1.3'];
const last = () => server.queries[server.queries.length - 1];
const options = () => [...document.querySelectorAll('.ant-select-item-option')].map((o) => o.textContent);

afterEach(() => {
  server.queries.length = 0;
});

describe('the release picker', () => {
  test('searches on the server and offers what it answers', async () => {
    const picked: (string | undefined)[] = [];
    renderIn('en', <ReleasePicker placeholder="Release" states={['NEW', 'RELEASED']} onChange={(v) => picked.push(v)} data-testid="picker" />);
    await waitFor(() => expect(server.queries).toHaveLength(1));
    expect(last().get('states')).toBe('NEW,RELEASED');
    expect(last().get('limit')).toBe('50');
    expect(last().has('q')).toBe(false);

    const input = screen.getByRole('combobox');
    fireEvent.mouseDown(input);
    fireEvent.change(input, { target: { value: 'ORDER' } });
    await waitFor(() => expect(last().get('q')).toBe('ORDER'));
    await waitFor(() => expect(options()).toEqual(['order-2.0', 'order-2.1']));

    fireEvent.click(screen.getByTitle('order-2.1'));
    expect(picked).toEqual(['order-2.1']);
  });
});
