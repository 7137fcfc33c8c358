// 侦测条件 / 模拟条件: the conditions as fields or as the application.properties
// text, switchable. Switching converts what is there (properties.ts); text
// the fields cannot take keeps the text view and lists its lines.
import { useState, type ReactNode } from 'react';
import { Alert, Card, Form, Segmented } from 'antd';
import { useI18n } from '../../i18n/I18nProvider';
import type { MessageKey } from '../../i18n/messages';
import { CodeField } from './CodeField';
import type { Problem } from './properties';

export type Mode = 'fields' | 'text';

export function ConditionsCard({
  title,
  fields,
  toText,
  fromText,
  example,
  disabled,
  testId,
}: {
  title: string;
  fields: ReactNode;
  /** The fields as text. */
  toText: () => string;
  /** Sets the fields from the text; the problems that kept it from doing so. */
  fromText: (text: string) => Problem[];
  example: string;
  disabled?: boolean;
  testId: string;
}) {
  const { t } = useI18n();
  const form = Form.useFormInstance();
  const mode: Mode = Form.useWatch('mode', form) ?? 'fields';
  const [problems, setProblems] = useState<Problem[]>([]);
  const switchTo = (next: Mode) => {
    if (next === mode) return;
    if (next === 'text') {
      form.setFieldsValue({ conditionsText: toText(), mode: next });
      setProblems([]);
      return;
    }
    const found = fromText(form.getFieldValue('conditionsText') ?? '');
    setProblems(found);
    if (found.length === 0) form.setFieldValue('mode', next);
  };
  return (
    <Card
      title={title}
      size="small"
      className="release-card"
      data-testid={testId}
      extra={
        <Segmented<Mode>
          value={mode}
          onChange={switchTo}
          options={[
            { value: 'fields', label: t('verify.mode.fields') },
            { value: 'text', label: t('verify.mode.text') },
          ]}
          data-testid={`${testId}-mode`}
        />
      }
    >
      <Form.Item name="mode" hidden>
        <input />
      </Form.Item>
      <div className="verify-hint">{t('verify.conditions.hint')}</div>
      {problems.length > 0 && (
        <Alert
          type="warning"
          showIcon
          style={{ marginBottom: 12 }}
          title={t('verify.mode.problems')}
          description={
            <ul className="check-problems" data-testid={`${testId}-problems`}>
              {problems.map((p) => (
                <li key={`${p.line}:${p.key}`}>{t(`verify.problem.${p.kind}` as MessageKey, { line: p.line, key: p.key })}</li>
              ))}
            </ul>
          }
        />
      )}
      <div style={{ display: mode === 'fields' ? undefined : 'none' }}>{fields}</div>
      {mode === 'text' && (
        <CodeField name="conditionsText" label="application.properties" example={example} file="application.properties" rows={12} disabled={disabled} testId={`${testId}-text`} />
      )}
    </Card>
  );
}
