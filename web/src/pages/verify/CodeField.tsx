// A document of the page (a strategy in YAML, the conditions as
// application.properties) in a code-style text area, with a button that
// fills in Nepxion's example (asking first when there is text already).
import { App as AntApp, Button, Form, Input, Space } from 'antd';
import { FileTextOutlined } from '@ant-design/icons';
import type { Rule } from 'antd/es/form';
import { useI18n } from '../../i18n/I18nProvider';
import { Hint } from '../releases/parts';

export function CodeField({
  name,
  label,
  hint,
  example,
  file,
  rows = 8,
  disabled,
  required,
  testId,
}: {
  name: string;
  label: string;
  hint?: string;
  example?: string;
  file?: string;
  rows?: number;
  disabled?: boolean;
  required?: boolean;
  testId: string;
}) {
  const { t } = useI18n();
  const { modal } = AntApp.useApp();
  const form = Form.useFormInstance();
  const fill = () => {
    const set = () => form.setFields([{ name, value: example, errors: [] }]);
    const current: string = form.getFieldValue(name) ?? '';
    if (current.trim() === '' || current === example) set();
    else modal.confirm({ title: t('verify.example.confirm', { file: file ?? '' }), onOk: set, okButtonProps: { 'data-testid': `${testId}-example-ok` } });
  };
  const rules: Rule[] = required ? [{ required: true, whitespace: true, message: t('verify.required') }] : [];
  return (
    <Form.Item
      label={
        <Space size={8}>
          {hint ? <Hint label={label} hint={hint} /> : <span>{label}</span>}
          {example !== undefined && !disabled && (
            <Button size="small" type="link" icon={<FileTextOutlined />} onClick={fill} data-testid={`${testId}-example`} style={{ paddingInline: 0 }}>
              {t('verify.example.fill', { file: file ?? t('verify.example') })}
            </Button>
          )}
        </Space>
      }
      name={name}
      rules={rules}
    >
      <Input.TextArea
        rows={rows}
        spellCheck={false}
        autoComplete="off"
        className="verify-code"
        placeholder={example}
        disabled={disabled || undefined}
        data-testid={testId}
      />
    </Form.Item>
  );
}
