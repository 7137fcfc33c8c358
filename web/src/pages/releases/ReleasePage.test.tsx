// @vitest-environment jsdom
// The release page against a fake API: what the user may do comes from the
// server's ReleaseView (allowedOperations, mayEdit, mayBreakLock, refusals),
// not from the page's own idea of the state machine or of roles; the page
// follows the status it polls (the lock changing hands, the release changing
// underneath); the weight and the inner header are refused as typed.
import { afterEach, describe, expect, test, vi } from 'vitest';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { MemoryRouter, Route, Routes } from 'react-router';
import type { LoginResponse, Operation, Refusal, ReleaseView } from '../../api/types';
import { renderIn } from '../../test/render';
import { OpenReleasePage } from './ReleasePage';

/** The fake server: answers by "METHOD /path"; records every request. */
const server = vi.hoisted(() => ({
  routes: new Map<string, (body: unknown) => { status: number; body?: unknown }>(),
  calls: [] as string[],
}));

vi.mock('../../api/client', async (importActual) => {
  const actual = await importActual<typeof import('../../api/client')>();
  const fetch = async (req: Request) => {
    const url = new URL(req.url);
    const key = `${req.method} ${url.pathname}`;
    server.calls.push(key);
    const text = await req.text();
    const route = server.routes.get(key);
    const answer = route ? route(text ? JSON.parse(text) : undefined) : { status: 404, body: { error: { code: 'not_found', message: `no fake for ${key}` } } };
    return answer.body === undefined
      ? new Response(null, { status: answer.status })
      : new Response(JSON.stringify(answer.body), { status: answer.status, headers: { 'Content-Type': 'application/json' } });
  };
  return { ...actual, api: actual.createApi({ baseUrl: 'http://console.test', fetch: fetch as unknown as typeof globalThis.fetch }) };
});

const ALL: Operation[] = ['fallback', 'release', 'rollback', 'end'];
const SINCE = '2026-11-23T10:00:00Z';

function user(name: string, role: LoginResponse['user']['role'], groups: string[] = []): LoginResponse {
  const at = '2026-01-01T00:00:00Z';
  return { user: { id: name, name, displayName: '', role, groups, disabled: false, createdAt: at, updatedAt: at, revision: 1 }, via: 'session', csrfToken: 'csrf' };
}

const refused = (code: Refusal['code'], reason: string, params: Record<string, string> = {}): Refusal => ({ code, reason, params, message: reason });
const lockedByBob = refused('conflict', 'release.locked', { holder: 'bob', since: SINCE });

/** A released release; by default everything is allowed. */
function view(over: Partial<ReleaseView> = {}): ReleaseView {
  return {
    name: 'R1',
    description: '',
    subscription: 'PARTIAL',
    group: 'guide',
    app: 'gateway',
    spec: {
      services: ['svc-a'],
      sort: 'version',
      blueGreenEnabled: false,
      greenExpression: '',
      blueExpression: '',
      grayEnabled: false,
      grayConditions: [],
      headerEnabled: false,
      header: {},
      domainGateway: false,
      gatewayOnly: false,
    },
    state: 'RELEASED',
    type: 'GRAY',
    revision: 3,
    configVersion: 2,
    createdAt: SINCE,
    createdBy: 'alice',
    createdByName: 'Alice',
    executedAt: SINCE,
    executedBy: 'alice',
    executedByName: 'Alice',
    stateOperations: ALL,
    allowedOperations: ALL,
    mayEdit: true,
    mayDelete: false,
    mayLock: true,
    mayBreakLock: false,
    lockedByYou: true,
    refusals: { delete: refused('conflict', 'release.delete.state', { state: 'RELEASED' }) },
    ...over,
  };
}

function serve(me: LoginResponse, views: ReleaseView[], lock: () => { status: number; body?: unknown }) {
  server.calls.length = 0;
  server.routes.clear();
  let n = 0;
  const at = '2026-11-23T10:00:00Z';
  server.routes.set('GET /api/auth/me', () => ({ status: 200, body: me }));
  // Each read of the release gets the next view (the last one stays).
  server.routes.set('GET /api/releases/R1', () => ({ status: 200, body: views[Math.min(n++, views.length - 1)] }));
  server.routes.set('POST /api/releases/R1/lock', lock);
  server.routes.set('DELETE /api/releases/R1/lock', () => ({ status: 204 }));
  // The status a page polls: the latest view's revision and lock, by default.
  server.routes.set('GET /api/releases/R1/status', () => {
    const v = views[Math.max(0, Math.min(n - 1, views.length - 1))];
    return { status: 200, body: { name: 'R1', revision: v.revision, state: v.state, lock: v.lock, lockedByYou: v.lockedByYou } };
  });
  server.routes.set('GET /api/releases/R1/rule', () => ({
    status: 200,
    body: { key: { group: 'guide', dataId: 'gateway' }, entry: { key: { group: 'guide', dataId: 'gateway' }, content: '', format: 'xml', version: 0, updatedAt: at, updatedBy: '' } },
  }));
  server.routes.set('GET /api/releases/R1/history', () => ({ status: 200, body: [] }));
  server.routes.set('GET /api/registry/groups', () => ({ status: 200, body: ['guide'] }));
  server.routes.set('GET /api/registry/services', () => ({ status: 200, body: [] }));
  server.routes.set('GET /api/registry/versions', () => ({ status: 200, body: [{ service: 'svc-a', versions: ['1.0', '1.1'], old: '1.0', new: '1.1' }] }));
  server.routes.set('GET /api/metrics/services/svc-a', () => ({ status: 200, body: { service: 'svc-a', window: '1m', versions: [] } }));
}

const held = (holder: string) => () => ({ status: 200, body: { release: 'R1', holder, holderName: holder, since: SINCE, expiresAt: '2026-11-23T10:01:00Z' } });
const conflict = (reason: string, params: Record<string, string>) => ({ status: 409, body: { error: { code: 'conflict', message: reason, reason, params } } });

function open(lang: 'en' | 'zh' = 'en') {
  return renderIn(
    lang,
    <MemoryRouter initialEntries={['/releases/R1']}>
      <Routes>
        <Route path="/releases/:name" element={<OpenReleasePage />} />
      </Routes>
    </MemoryRouter>,
  );
}

const button = (testId: string) => screen.getByTestId(testId) as HTMLButtonElement;
const enabled = () => ALL.filter((op) => !button(`op-${op}`).disabled);

afterEach(() => {
  server.routes.clear();
});

describe('the release page', () => {
  test('the operation buttons are the ones the server allows, not what the state would', async () => {
    // RELEASED allows all four; the server says only fallback and end for this user now.
    serve(user('alice', 'operator', ['guide']), [
      view({
        allowedOperations: ['fallback', 'end'],
        refusals: { release: refused('conflict', 'release.transition', { operation: 'release', state: 'RELEASED' }), rollback: lockedByBob },
      }),
    ], held('alice'));
    open();
    await screen.findByTestId('lock-held');
    await waitFor(() => expect(enabled()).toEqual(['fallback', 'end']));
    // What the state allows, whoever asks, is the server's state machine.
    const tags = within(screen.getByTestId('release-state-operations')).getAllByText(/^Execute|^End/);
    expect(tags.map((t) => t.textContent)).toEqual(['Execute fallback', 'Execute release', 'Execute rollback', 'End release']);
  });

  test.each([
    { lang: 'en' as const, text: 'Read-only: viewers cannot operate releases.' },
    { lang: 'zh' as const, text: '只读：只读用户不能操作发布。' },
  ])('a viewer gets the read-only page the refusal names, and no lock is taken ($lang)', async ({ lang, text }) => {
    const role = refused('forbidden', 'auth.role', { role: 'operator' });
    serve(user('vera', 'viewer', ['guide']), [
      view({
        allowedOperations: [],
        mayEdit: false,
        mayLock: false,
        refusals: { fallback: role, release: role, rollback: role, end: role, edit: role, delete: role, lock: role, breakLock: refused('forbidden', 'auth.role', { role: 'admin' }) },
      }),
    ], held('vera'));
    open(lang);
    expect((await screen.findByTestId('release-readonly')).textContent).toBe(text);
    expect(enabled()).toEqual([]);
    expect(screen.queryByTestId('release-save')).toBeNull();
    expect(server.calls).not.toContain('POST /api/releases/R1/lock');
  });

  test('a member who is not in the group reads why in the refusal (auth.group)', async () => {
    const group = refused('forbidden', 'auth.group', { group: 'guide' });
    serve(user('carol', 'operator', ['pay']), [view({ allowedOperations: [], mayEdit: false, mayLock: false, refusals: { edit: group, lock: group, end: group } })], held('carol'));
    open();
    expect((await screen.findByTestId('release-readonly')).textContent).toBe('Read-only: you are not a member of group “guide”.');
    expect(server.calls).not.toContain('POST /api/releases/R1/lock');
  });

  test("under someone else's lock: the banner, breaking it when the server allows, then the page asks again and opens", async () => {
    const locked = view({
      lock: { release: 'R1', holder: 'bob', holderName: 'bob', since: SINCE, expiresAt: '2026-11-23T10:01:00Z' },
      lockedByYou: false,
      allowedOperations: [],
      mayEdit: false,
      mayLock: false,
      mayBreakLock: true,
      refusals: { fallback: lockedByBob, release: lockedByBob, rollback: lockedByBob, end: lockedByBob, edit: lockedByBob, lock: lockedByBob },
    });
    let bobHolds = true;
    serve(user('admin', 'admin'), [locked, view({ mayBreakLock: true })], () =>
      bobHolds ? { status: 409, body: { error: { code: 'conflict', message: 'bob', reason: 'release.locked', params: { holder: 'bob', since: SINCE } } } } : held('admin')(),
    );
    server.routes.set('POST /api/releases/R1/lock/break', () => {
      bobHolds = false;
      return held('bob')();
    });
    open();
    const banner = await screen.findByTestId('lock-banner');
    expect(banner.textContent).toContain('bob is operating this release');
    expect(enabled()).toEqual([]);

    fireEvent.click(within(banner).getByTestId('lock-break'));
    fireEvent.click(await screen.findByTestId('lock-break-confirm'));
    await screen.findByTestId('lock-held');
    await waitFor(() => expect(enabled()).toEqual(ALL));
    expect(server.calls.filter((c) => c === 'GET /api/releases/R1').length).toBeGreaterThanOrEqual(2);
    expect(screen.queryByTestId('lock-banner')).toBeNull();
  });

  test('without mayBreakLock there is no break button', async () => {
    serve(user('bob2', 'operator', ['guide']), [view({ allowedOperations: [], mayEdit: false, refusals: { edit: lockedByBob, lock: lockedByBob } })], () => ({
      status: 409,
      body: { error: { code: 'conflict', message: 'bob', reason: 'release.locked', params: { holder: 'bob', since: SINCE } } },
    }));
    open();
    await screen.findByTestId('lock-banner');
    expect(screen.queryByTestId('lock-break')).toBeNull();
  });

  test('the same user in another browser session: told so, read-only', async () => {
    const elsewhere = refused('conflict', 'release.locked.session', { holder: 'Alice', user: 'alice', since: SINCE });
    serve(user('alice', 'operator', ['guide']), [view({ allowedOperations: [], mayEdit: false, mayLock: false, lockedByYou: false, refusals: { edit: elsewhere, lock: elsewhere } })], () =>
      conflict('release.locked.session', { holder: 'Alice', user: 'alice', since: SINCE }),
    );
    open('zh');
    const banner = await screen.findByTestId('lock-elsewhere');
    expect(banner.textContent).toContain('你正在另一个会话中操作此发布');
    expect(enabled()).toEqual([]);
    expect(screen.queryByTestId('release-save')).toBeNull();
  });

  test('when the lock comes free the page takes it at once — and reloads the release before it may operate', async () => {
    const bobs = view({
      lock: { release: 'R1', holder: 'bob', holderName: 'Bob', since: SINCE, expiresAt: '2026-11-23T10:01:00Z' },
      lockedByYou: false,
      allowedOperations: [],
      mayEdit: false,
      mayLock: false,
      refusals: { edit: lockedByBob, lock: lockedByBob },
    });
    const now = view({ revision: 4, state: 'ROLLED_BACK', configVersion: 3, allowedOperations: ['fallback', 'release', 'end'], stateOperations: ['fallback', 'release', 'end'] });
    let bobHolds = true;
    serve(user('alice', 'operator', ['guide']), [bobs], () => (bobHolds ? conflict('release.locked', { holder: 'Bob', since: SINCE }) : held('alice')()));
    let current = bobs;
    server.routes.set('GET /api/releases/R1', () => ({ status: 200, body: current }));
    server.routes.set('GET /api/releases/R1/status', () => ({ status: 200, body: { name: 'R1', revision: current.revision, state: current.state, lock: current.lock, lockedByYou: !bobHolds } }));
    open();
    await screen.findByTestId('lock-banner');
    // Bob operates (rollback, revision 4) and leaves; nothing is clicked here.
    bobHolds = false;
    current = { ...now, lock: undefined, lockedByYou: false };
    await screen.findByTestId('lock-held', {}, { timeout: 15_000 });
    current = now;
    expect(within(screen.getByTestId('release-state')).getByTestId('release-state-tag').textContent).toBe('Rolled back');
    expect(screen.getByTestId('release-config-version').textContent).toContain('3');
    await waitFor(() => expect(enabled()).toEqual(['fallback', 'release', 'end']));
    expect(screen.queryByTestId('release-stale')).toBeNull();
    // The release was read again after the lock was taken.
    const calls = server.calls;
    expect(calls.lastIndexOf('GET /api/releases/R1')).toBeGreaterThan(calls.lastIndexOf('POST /api/releases/R1/lock'));
  });

  test('a release changed underneath a page holding the lock: said at once, operations off until reloaded', async () => {
    const v3 = view();
    let current = v3;
    serve(user('alice', 'operator', ['guide']), [v3], held('alice'));
    server.routes.set('GET /api/releases/R1', () => ({ status: 200, body: current }));
    server.routes.set('GET /api/releases/R1/status', () => ({ status: 200, body: { name: 'R1', revision: current.revision, state: current.state, lockedByYou: true } }));
    open();
    await screen.findByTestId('lock-held');
    await waitFor(() => expect(enabled()).toEqual(ALL));
    current = view({ revision: 5, state: 'FALLBACK', stateOperations: ['fallback', 'release', 'end'], allowedOperations: ['fallback', 'release', 'end'] });
    const banner = await screen.findByTestId('release-stale', {}, { timeout: 15_000 });
    expect(banner.textContent).toContain('revision 3 → 5');
    expect(enabled()).toEqual([]);
    expect((screen.getByTestId('release-save') as HTMLButtonElement).disabled).toBe(true);
    fireEvent.click(within(banner).getByTestId('release-stale-reload'));
    await waitFor(() => expect(screen.queryByTestId('release-stale')).toBeNull());
    await waitFor(() => expect(enabled()).toEqual(['fallback', 'release', 'end']));
  });

  test.each([
    { lang: 'zh' as const, message: '只允许输入0<=灰度权重<=100的整数值', split: '旧 —% · 新 —%', title: '检查发现' },
    { lang: 'en' as const, message: 'Only an integer with 0 <= gray weight <= 100 is allowed', split: 'old —% · new —%', title: 'Problems found by the checks:' },
  ])('a weight is refused as typed, never corrected; the dialog lists every problem ($lang)', async ({ lang, message, split, title }) => {
    const gray = view({ spec: { ...view().spec, grayEnabled: true, grayConditions: [{ expression: '', weight: 10 }], headerEnabled: true, header: { 'user-type': 'vip' } } });
    serve(user('alice', 'operator', ['guide']), [gray], held('alice'));
    open(lang);
    await screen.findByTestId('lock-held');
    const weight = screen.getByTestId('gray-weight-0') as HTMLInputElement;
    expect(weight.value).toBe('10');
    for (const typed of ['101', '1000', '-5', '10.5', 'abc']) {
      fireEvent.change(weight, { target: { value: typed } });
      fireEvent.blur(weight);
      await waitFor(() => expect(within(itemOf(weight)).getByText(message)).toBeTruthy());
      expect(weight.value, 'nothing is corrected').toBe(typed);
      expect(screen.getByTestId('gray-split-0').textContent).toBe(split);
    }
    fireEvent.change(screen.getByTestId('header-key-0'), { target: { value: ' user-type ' } });
    fireEvent.click(button('op-release'));
    const dialog = await screen.findByTestId('check-dialog');
    expect(document.querySelector('.ant-modal-confirm-title')?.textContent).toMatch(new RegExp(`^${title} ?2`));
    const problems = within(dialog).getAllByTestId('check-problem').map((li) => li.textContent);
    expect(problems).toHaveLength(2);
    expect(problems[0]).toContain(message);
    expect(problems[1]).toContain('user-type');
    expect(server.calls).not.toContain('POST /api/releases/R1/preview');
    expect(server.calls).not.toContain('POST /api/releases/R1/operations');
  });
});

/** The form item holding an input. */
function itemOf(el: HTMLElement): HTMLElement {
  return el.closest('.ant-form-item') as HTMLElement;
}
