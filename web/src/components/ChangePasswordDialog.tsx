import { App as AntApp, Checkbox, Form, Input } from 'antd';
import { api } from '../api/client';
import { useI18n } from '../i18n/I18nProvider';
import { FormModal, useFormModal } from './FormModal';
import { HiddenUsername } from './HiddenUsername';
import { useMe } from '../auth/session';

interface Values {
  current: string;
  new: string;
  confirm: string;
  revokeTokens: boolean;
}

/** Changing one's password: open it with .open(). */
export function useChangePassword() {
  const { t } = useI18n();
  const { message } = AntApp.useApp();
  return useFormModal<Values>({
    fields: ['current', 'new'],
    // The server ends every other session of ours; the tokens only when asked.
    submit: (v) => api.call(api.client.PUT('/api/auth/password', { body: { current: v.current, new: v.new, revokeTokens: !!v.revokeTokens } })),
    onSaved: () => void message.success(t('password.changed')),
  });
}

export function ChangePasswordDialog({ modal }: { modal: ReturnType<typeof useChangePassword> }) {
  const { t } = useI18n();
  const me = useMe();
  return (
    <FormModal modal={modal} title={t('password.title')} width={440} requiredMark={false} testId="password-form">
      <HiddenUsername name={me.data?.user.name ?? ''} />
      <Form.Item name="current" label={t('password.current')} rules={[{ required: true, message: t('common.required') }]}>
        <Input.Password autoComplete="current-password" />
      </Form.Item>
      <Form.Item name="new" label={t('password.new')} extra={t('password.help')} rules={[{ required: true, message: t('common.required') }]}>
        <Input.Password autoComplete="new-password" />
      </Form.Item>
      <Form.Item
        name="confirm"
        label={t('password.confirm')}
        dependencies={['new']}
        rules={[
          { required: true, message: t('common.required') },
          ({ getFieldValue }) => ({
            validator: (_, value) => (!value || getFieldValue('new') === value ? Promise.resolve() : Promise.reject(new Error(t('password.mismatch')))),
          }),
        ]}
      >
        <Input.Password autoComplete="new-password" />
      </Form.Item>
      <Form.Item name="revokeTokens" valuePropName="checked" initialValue={false} extra={t('password.revokeTokensHelp')}>
        <Checkbox data-testid="password-revoke-tokens">{t('password.revokeTokens')}</Checkbox>
      </Form.Item>
    </FormModal>
  );
}
