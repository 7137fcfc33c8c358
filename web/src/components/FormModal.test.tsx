// @vitest-environment jsdom
import { describe, expect, test, vi } from 'vitest';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { Form, Input } from 'antd';
import { ApiError } from '../api/error';
import { renderIn } from '../test/render';
import { FormModal, useFormModal, type FormModalOptions } from './FormModal';

interface Values {
  name: string;
  description?: string;
}

interface Thing {
  name: string;
  description: string;
  revision: number;
}

const THING: Thing = { name: 'order-group', description: 'orders', revision: 1 };

/** A dialog like the System pages': a name (when creating) and a description. */
function Dialog({ options, target }: { options: FormModalOptions<Values, Thing, Thing>; target?: Thing }) {
  const modal = useFormModal(options);
  return (
    <>
      <button onClick={() => modal.open(target)}>open</button>
      <span data-testid="state">{modal.isOpen ? 'open' : 'closed'}</span>
      <FormModal modal={modal} title={modal.target ? `edit ${modal.target.name}` : 'create'} okText="Go" testId="test-form">
        {!modal.target && (
          <Form.Item name="name" label="Name">
            <Input data-testid="name" />
          </Form.Item>
        )}
        <Form.Item name="description" label="Description">
          <Input data-testid="description" />
        </Form.Item>
      </FormModal>
    </>
  );
}

function options(over: Partial<FormModalOptions<Values, Thing, Thing>> = {}): FormModalOptions<Values, Thing, Thing> {
  return {
    fields: ['name', 'description'],
    valuesOf: (t) => (t ? { description: t.description } : { description: '' }),
    submit: vi.fn(async (v: Values, t?: Thing) => ({ ...THING, ...t, ...v, revision: (t?.revision ?? 0) + 1 })),
    invalidates: [['things']],
    ...over,
  };
}

const input = (testId: string) => screen.getByTestId(testId) as HTMLInputElement;
const ok = () => screen.getByText('Go').closest('button') as HTMLButtonElement;

/** The error shown under a form item. */
async function fieldError(testId: string, text: string) {
  const item = screen.getByTestId(testId).closest('.ant-form-item') as HTMLElement;
  await within(item).findByText(text);
}

describe('useFormModal + FormModal', () => {
  test('opens on its target with its values, saves through the mutation, refetches what it touched, closes', async () => {
    const onSaved = vi.fn();
    const o = options({ onSaved });
    const { queryClient } = renderIn('en', <Dialog options={o} target={THING} />);
    const invalidate = vi.spyOn(queryClient, 'invalidateQueries');
    fireEvent.click(screen.getByText('open'));
    expect(screen.getByTestId('state').textContent).toBe('open');
    expect(screen.getByText('edit order-group')).toBeTruthy();
    expect(input('description').value).toBe('orders');
    expect(screen.queryByTestId('name')).toBeNull();

    fireEvent.change(input('description'), { target: { value: 'orders and stock' } });
    fireEvent.click(ok());
    await waitFor(() => expect(screen.getByTestId('state').textContent).toBe('closed'));
    expect(o.submit).toHaveBeenCalledWith({ description: 'orders and stock' }, THING);
    expect(onSaved).toHaveBeenCalledWith({ ...THING, description: 'orders and stock', revision: 2 }, { description: 'orders and stock' }, THING);
    expect(invalidate).toHaveBeenCalledWith({ queryKey: ['things'] });
  });

  test('opened without a target it creates, starting from the values for none', async () => {
    const o = options();
    renderIn('en', <Dialog options={o} />);
    fireEvent.click(screen.getByText('open'));
    expect(screen.getByText('create')).toBeTruthy();
    fireEvent.change(input('name'), { target: { value: 'pay-group' } });
    fireEvent.click(ok());
    await waitFor(() => expect(screen.getByTestId('state').textContent).toBe('closed'));
    expect(o.submit).toHaveBeenCalledWith({ name: 'pay-group', description: '' }, undefined);
  });

  test.each([
    { lang: 'en' as const, text: 'A group with this name already exists.' },
    { lang: 'zh' as const, text: '同名的组已存在。' },
  ])('a server error naming a field goes on that field, translated ($lang)', async ({ lang, text }) => {
    const taken = new ApiError(409, { code: 'conflict', message: 'group "pay-group" exists', field: 'name', reason: 'group.name.taken' });
    const o = options({ submit: vi.fn().mockRejectedValue(taken) });
    renderIn(lang, <Dialog options={o} />);
    fireEvent.click(screen.getByText('open'));
    fireEvent.change(input('name'), { target: { value: 'pay-group' } });
    fireEvent.click(ok());
    await fieldError('name', text);
    expect(screen.queryByTestId('error-alert')).toBeNull();
    expect(screen.getByTestId('state').textContent).toBe('open');
  });

  test('each field error of several goes on its field; one naming no field of the form is shown above it', async () => {
    const detail = (field: string, reason: string, params: Record<string, string> = {}) => new ApiError(400, { code: 'invalid', message: reason, field, reason, params });
    const err = new ApiError(400, {
      code: 'invalid',
      message: 'name',
      details: [detail('name', 'name.format'), detail('description', 'description.length'), detail('owner', 'auth.role', { role: 'admin' })],
    });
    renderIn('en', <Dialog options={options({ submit: vi.fn().mockRejectedValue(err) })} />);
    fireEvent.click(screen.getByText('open'));
    fireEvent.change(input('name'), { target: { value: 'Bad Name' } });
    fireEvent.click(ok());
    await fieldError('description', 'The description must be at most 1000 characters.');
    expect((screen.getByTestId('name').closest('.ant-form-item') as HTMLElement).querySelector('.ant-form-item-explain-error')).toBeTruthy();
    expect(screen.getByTestId('error-alert').textContent).toContain('This needs the Admin role.');
  });

  test('a change made elsewhere (revision.stale) is said, saving waits, reload fills the fresh values and saves on them', async () => {
    const stale = new ApiError(409, { code: 'conflict', message: 'stale', reason: 'revision.stale', params: { kind: 'group', name: 'order-group' } });
    const fresh = { ...THING, description: 'changed elsewhere', revision: 5 };
    const submit = vi.fn().mockRejectedValueOnce(stale).mockImplementation(async (v: Values, t: Thing) => ({ ...t, ...v }));
    const reload = vi.fn(async () => fresh);
    renderIn('en', <Dialog options={options({ submit, reload })} target={THING} />);
    fireEvent.click(screen.getByText('open'));
    fireEvent.click(ok());
    const alert = await screen.findByTestId('error-alert');
    expect(alert.textContent).toContain('Someone else changed “order-group” in the meantime.');
    expect(ok().disabled).toBe(true);

    fireEvent.click(within(alert).getByRole('button', { name: 'Reload' }));
    await waitFor(() => expect(input('description').value).toBe('changed elsewhere'));
    expect(reload).toHaveBeenCalledWith(THING);
    expect(screen.queryByTestId('error-alert')).toBeNull();
    fireEvent.click(ok());
    await waitFor(() => expect(screen.getByTestId('state').textContent).toBe('closed'));
    expect(submit).toHaveBeenLastCalledWith({ description: 'changed elsewhere' }, fresh);
  });

  test('while saving the OK button shows it; a second opening starts clean', async () => {
    let finish: (t: Thing) => void = () => undefined;
    const submit = vi
      .fn()
      .mockRejectedValueOnce(new ApiError(403, { code: 'forbidden', message: 'admins only', reason: 'auth.role', params: { role: 'admin' } }))
      .mockImplementationOnce(() => new Promise<Thing>((resolve) => (finish = resolve)));
    renderIn('en', <Dialog options={options({ submit })} target={THING} />);
    fireEvent.click(screen.getByText('open'));
    fireEvent.click(ok());
    await screen.findByTestId('error-alert');
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    fireEvent.click(screen.getByText('open'));
    expect(screen.queryByTestId('error-alert')).toBeNull();
    fireEvent.click(ok());
    await waitFor(() => expect(ok().className).toContain('ant-btn-loading'));
    finish(THING);
    await waitFor(() => expect(screen.getByTestId('state').textContent).toBe('closed'));
  });
});
