// The one pattern of the console's form dialogs (System → Users, Groups, API
// tokens, and changing one's password): open on a target (nothing, to
// create), fill the form, submit through a TanStack Query mutation, put the
// server's field errors on their fields and show the rest translated above
// the form, offer a reload when the target changed elsewhere, refetch what
// the change touched, close.
import { useState, type ReactNode } from 'react';
import { useMutation, useQueryClient, type QueryKey } from '@tanstack/react-query';
import { Form, Input, Modal, type FormInstance, type FormProps } from 'antd';
import { ApiError } from '../api/error';
import { useI18n } from '../i18n/I18nProvider';
import { ErrorAlert } from './ErrorAlert';
import { placeFormError } from './formError';

export interface FormModalOptions<V, T, R> {
  /** The form's fields an API error may name: such an error is shown on its field. */
  fields: readonly string[];
  /** The API call; target is what the dialog was opened on (undefined: creating). */
  submit: (values: V, target: T | undefined) => Promise<R>;
  /** The queries the change touches: refetched before the dialog closes. */
  invalidates?: readonly QueryKey[];
  /** The form's values when the dialog opens on target, and after a reload. */
  valuesOf?: (target: T | undefined) => Partial<V>;
  /** After the change succeeded (a message, the next dialog). */
  onSaved?: (result: R, values: V, target: T | undefined) => void;
  /** Reads the target again after a revision.stale refusal; the dialog then offers a reload. */
  reload?: (target: T) => Promise<T>;
}

export interface FormModalState<V, T> {
  form: FormInstance<V>;
  isOpen: boolean;
  /** What the dialog is about: undefined when creating. After a reload, the fresh one. */
  target: T | undefined;
  saving: boolean;
  /** The error shown above the form (one placed on a field is not). */
  error: unknown;
  /** The target changed elsewhere: saving waits for a reload. */
  stale: boolean;
  open: (target?: T) => void;
  close: () => void;
  /** The form's onFinish. */
  submit: (values: V) => void;
  reload?: () => void;
  /** The Modal's afterClose: the next opening starts clean. */
  afterClose: () => void;
}

export function useFormModal<V, T = never, R = unknown>(options: FormModalOptions<V, T, R>): FormModalState<V, T> {
  const { errorText } = useI18n();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<V>();
  const [shown, setShown] = useState<{ open: boolean; target?: T }>({ open: false });
  const [error, setError] = useState<unknown>();

  const fill = (target: T | undefined) => {
    form.resetFields();
    const values = options.valuesOf?.(target);
    if (values) form.setFieldsValue(values as Parameters<FormInstance<V>['setFieldsValue']>[0]);
  };
  const refetch = () => Promise.all((options.invalidates ?? []).map((queryKey) => queryClient.invalidateQueries({ queryKey })));

  const mutation = useMutation({
    mutationFn: ({ values, target }: { values: V; target: T | undefined }) => options.submit(values, target),
    onMutate: () => setError(undefined),
    onSuccess: async (result, { values, target }) => {
      options.onSaved?.(result, values, target);
      await refetch();
      setShown((s) => ({ ...s, open: false }));
    },
    onError: (err) => setError(placeFormError(form, options.fields, err, errorText)),
  });

  const stale = error instanceof ApiError && error.reason === 'revision.stale';
  const target = shown.target;
  const reload =
    stale && options.reload && target !== undefined
      ? async () => {
          try {
            const fresh = await options.reload!(target);
            setShown({ open: true, target: fresh });
            fill(fresh);
            setError(undefined);
            await refetch();
          } catch (err) {
            setError(err);
          }
        }
      : undefined;

  return {
    form,
    isOpen: shown.open,
    target,
    saving: mutation.isPending,
    error,
    stale,
    open: (t?: T) => {
      mutation.reset();
      setError(undefined);
      setShown({ open: true, target: t });
      fill(t);
    },
    close: () => setShown((s) => ({ ...s, open: false })),
    submit: (values: V) => mutation.mutate({ values, target }),
    reload: reload && (() => void reload()),
    afterClose: () => {
      form.resetFields();
      setError(undefined);
    },
  };
}

/** The dialog of a useFormModal: title, the form's items as children, save and cancel. */
export function FormModal<V, T>({
  modal,
  title,
  okText,
  width = 520,
  testId,
  requiredMark,
  initialValues,
  children,
}: {
  modal: FormModalState<V, T>;
  title: ReactNode;
  okText?: ReactNode;
  width?: number;
  testId?: string;
  requiredMark?: FormProps['requiredMark'];
  initialValues?: FormProps<V>['initialValues'];
  children: ReactNode;
}) {
  const { t } = useI18n();
  return (
    <Modal
      open={modal.isOpen}
      title={title}
      okText={okText ?? t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={modal.saving}
      okButtonProps={{ disabled: modal.stale }}
      onOk={() => modal.form.submit()}
      onCancel={modal.close}
      afterClose={modal.afterClose}
      forceRender
      width={width}
    >
      <ErrorAlert error={modal.error} onRetry={modal.reload} />
      <Form<V> form={modal.form} layout="vertical" onFinish={modal.submit} requiredMark={requiredMark} initialValues={initialValues} data-testid={testId}>
        {children}
      </Form>
    </Modal>
  );
}

/** The name of what a dialog creates: required, and typed only when creating (a name never changes). */
export function NameField({ label, extra, testId }: { label: ReactNode; extra?: ReactNode; testId?: string }) {
  const { t } = useI18n();
  return (
    <Form.Item name="name" label={label} extra={extra} rules={[{ required: true, whitespace: true, message: t('error.name.required') }]}>
      <Input autoComplete="off" data-testid={testId} />
    </Form.Item>
  );
}
