import { useState } from 'react';
import { App as AntApp, Form, Input, Modal } from 'antd';
import { api } from '../api/client';
import { useI18n } from '../i18n/I18nProvider';
import { ErrorAlert } from './ErrorAlert';
import { placeFormError } from './formError';
import { HiddenUsername } from './HiddenUsername';
import { useMe } from '../auth/session';

interface Values {
  current: string;
  new: string;
  confirm: string;
}

const FIELDS = ['current', 'new'] as const;

export function ChangePasswordDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t, errorText } = useI18n();
  const { message } = AntApp.useApp();
  const [form] = Form.useForm<Values>();
  const [error, setError] = useState<unknown>();
  const [saving, setSaving] = useState(false);
  const me = useMe();

  const submit = async (v: Values) => {
    setSaving(true);
    setError(undefined);
    try {
      await api.call(api.client.PUT('/api/auth/password', { body: { current: v.current, new: v.new } }));
      void message.success(t('password.changed'));
      onClose();
    } catch (err) {
      setError(placeFormError(form, FIELDS, err, errorText));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Modal
      open={open}
      title={t('password.title')}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={saving}
      onOk={() => form.submit()}
      onCancel={onClose}
      afterClose={() => {
        form.resetFields();
        setError(undefined);
      }}
      forceRender
      width={440}
    >
      <ErrorAlert error={error} />
      <Form form={form} layout="vertical" onFinish={submit} requiredMark={false} data-testid="password-form">
        <HiddenUsername name={me.data?.user.name ?? ''} />
        <Form.Item name="current" label={t('password.current')} rules={[{ required: true, message: t('common.required') }]}>
          <Input.Password autoComplete="current-password" />
        </Form.Item>
        <Form.Item
          name="new"
          label={t('password.new')}
          extra={t('password.help')}
          rules={[{ required: true, message: t('common.required') }]}
        >
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <Form.Item
          name="confirm"
          label={t('password.confirm')}
          dependencies={['new']}
          rules={[
            { required: true, message: t('common.required') },
            ({ getFieldValue }) => ({
              validator: (_, value) =>
                !value || getFieldValue('new') === value ? Promise.resolve() : Promise.reject(new Error(t('password.mismatch'))),
            }),
          ]}
        >
          <Input.Password autoComplete="new-password" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
