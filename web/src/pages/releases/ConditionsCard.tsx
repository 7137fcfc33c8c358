// 蓝绿灰度发布条件: the version algorithm, blue-green (绿条件 / 蓝条件), any
// number of gray conditions with weights, and the inner header. A section
// works only when ticked; unticked ones are greyed out. The seed's input
// rules refuse, never correct, as the user types: a weight that is not an
// integer 0..100 and text with leading or trailing spaces are marked on
// their field (the operation's checks refuse them too); nothing is clamped,
// rounded or trimmed behind the user's back.
import type { ReactNode } from 'react';
import { Button, Card, Checkbox, Col, Flex, Form, Input, Radio, Row, Tag, Tooltip, Typography } from 'antd';
import type { Rule } from 'antd/es/form';
import { MinusOutlined, PlusOutlined } from '@ant-design/icons';
import { useI18n } from '../../i18n/I18nProvider';
import type { Translate } from '../../i18n/messages';
import { parseWeight, spacesIssue, type ReleaseFormValues } from './form';
import { Hint } from './parts';

/** The live check of a weight as typed: empty (checked before an operation) or an integer 0..100. */
function weightRule(t: Translate): Rule {
  return {
    validator: (_, v?: string) => (!v || parseWeight(v) !== undefined ? Promise.resolve() : Promise.reject(new Error(t('error.gray.weight.range')))),
  };
}

/** The live check of text with leading or trailing spaces: refused, showing it without them. */
function spacesRule(t: Translate, reason: 'header.name.space' | 'header.value.space' | 'expression.space', blankToo = false): Rule {
  return {
    validator: (_, v?: string) => {
      const issue = v && (blankToo || v.trim() !== '') ? spacesIssue('', reason, v) : undefined;
      return issue ? Promise.reject(new Error(t(`error.${reason}`, issue.params))) : Promise.resolve();
    },
  };
}

export function ConditionsCard() {
  const { t } = useI18n();
  const form = Form.useFormInstance<ReleaseFormValues>();
  const blueGreen = Form.useWatch('blueGreenEnabled', form) ?? false;
  const gray = Form.useWatch('grayEnabled', form) ?? false;
  const header = Form.useWatch('headerEnabled', form) ?? false;
  // Disabled when the section is off; otherwise the form decides (read-only pages).
  const off = (enabled: boolean) => (enabled ? undefined : true);

  return (
    <Card title={t('release.conditions.title')} size="small" className="release-card" data-testid="release-conditions">
      <Form.Item name="sort" label={t('release.sort')}>
        <Radio.Group data-testid="release-sort">
          <Radio value="version" data-testid="release-sort-version">
            <Hint label={t('release.sortVersion')} hint={t('release.sortVersionHint')} />
          </Radio>
          <Radio value="time" data-testid="release-sort-time">
            <Hint label={t('release.sortTime')} hint={t('release.sortTimeHint')} />
          </Radio>
        </Radio.Group>
      </Form.Item>
      <Row gutter={[24, 8]}>
        <Col xs={24} xl={10}>
          <Section enabledName="blueGreenEnabled" label={<Hint label={t('release.blueGreen')} hint={t('release.blueGreenHint')} />} enabled={blueGreen} testId="release-bluegreen-enabled">
            <Form.Item
              name="greenExpression"
              label={<Tag color="green">{t('release.green')}</Tag>}
              extra={t('release.greenHelp')}
              rules={[spacesRule(t, 'expression.space')]}
            >
              <Input className="mono" disabled={off(blueGreen)} placeholder={t('release.expressionPlaceholder')} data-testid="release-green" />
            </Form.Item>
            <Form.Item
              name="blueExpression"
              label={<Tag color="blue">{t('release.blue')}</Tag>}
              extra={t('release.blueHelp')}
              rules={[spacesRule(t, 'expression.space')]}
              style={{ marginBottom: 0 }}
            >
              <Input className="mono" disabled={off(blueGreen)} placeholder={t('release.expressionPlaceholder')} data-testid="release-blue" />
            </Form.Item>
          </Section>
        </Col>
        <Col xs={24} xl={14}>
          <Section enabledName="grayEnabled" label={<Hint label={t('release.gray')} hint={t('release.grayHint')} />} enabled={gray} testId="release-gray-enabled">
            <GrayRows disabled={off(gray)} />
          </Section>
          <Section enabledName="headerEnabled" label={<Hint label={t('release.header')} hint={t('release.headerHint')} />} enabled={header} testId="release-header-enabled">
            <HeaderRows disabled={off(header)} />
          </Section>
        </Col>
      </Row>
    </Card>
  );
}

/** A ticked section; unticked, its content is greyed out. */
function Section({ enabledName, label, enabled, testId, children }: { enabledName: keyof ReleaseFormValues; label: ReactNode; enabled: boolean; testId: string; children: ReactNode }) {
  return (
    <div className={enabled ? 'condition-section' : 'condition-section condition-section-off'}>
      <Form.Item name={enabledName} valuePropName="checked" style={{ marginBottom: 8 }}>
        <Checkbox data-testid={testId}>
          <Typography.Text strong>{label}</Typography.Text>
        </Checkbox>
      </Form.Item>
      {children}
    </div>
  );
}

function GrayRows({ disabled }: { disabled?: boolean }) {
  const { t } = useI18n();
  return (
    <Form.List name="grayConditions">
      {(fields, { add, remove }) => (
        <Flex vertical gap={0}>
          <Row gutter={8} className="rows-header">
            <Col flex="auto">{t('release.grayCondition')}</Col>
            <Col style={{ width: 220 }}>{t('release.grayWeight')}</Col>
            <Col style={{ width: 72 }} />
          </Row>
          {fields.map((field, i) => (
            <Row gutter={8} key={field.key} align="top" data-testid={`gray-row-${i}`}>
              <Col flex="auto">
                <Form.Item name={[field.name, 'expression']} rules={[spacesRule(t, 'expression.space', true)]}>
                  <Input className="mono" disabled={disabled} placeholder={t('release.grayExpressionPlaceholder')} data-testid={`gray-expression-${i}`} />
                </Form.Item>
              </Col>
              <Col style={{ width: 220 }}>
                {/* Text, not a number box: a number box clamps 101 to 100 and rounds 10.5 on blur. */}
                <Form.Item name={[field.name, 'weight']} extra={<WeightSplit index={field.name} />} rules={[weightRule(t)]}>
                  <Input inputMode="numeric" autoComplete="off" disabled={disabled} suffix="%" placeholder="0–100" data-testid={`gray-weight-${i}`} />
                </Form.Item>
              </Col>
              <Col style={{ width: 72 }}>
                <RowButtons
                  disabled={disabled}
                  canRemove={fields.length > 1}
                  onAdd={() => add({ expression: '', weight: '' }, i + 1)}
                  onRemove={() => remove(field.name)}
                  testId={`gray-${i}`}
                />
              </Col>
            </Row>
          ))}
        </Flex>
      )}
    </Form.List>
  );
}

/** "old 70% · new 30%" under a weight, so the split is never guessed; a dash while the weight is not a valid one. */
function WeightSplit({ index }: { index: number }) {
  const { t } = useI18n();
  const typed: unknown = Form.useWatch(['grayConditions', index, 'weight']);
  const weight = typeof typed === 'string' ? parseWeight(typed) : undefined;
  return (
    <span data-testid={`gray-split-${index}`}>
      {weight === undefined ? t('release.graySplitNone') : t('release.graySplit', { old: 100 - weight, new: weight })}
    </span>
  );
}

/** 〔去掉首尾空格〕 under a field whose text has spaces around it: the user removes them, the page never does. */
function TrimButton({ name, testId }: { name: (string | number)[]; testId: string }) {
  const { t } = useI18n();
  const form = Form.useFormInstance();
  const value: unknown = Form.useWatch(name, form);
  if (typeof value !== 'string' || value.trim() === value || value.trim() === '') return null;
  return (
    <Button
      type="link"
      size="small"
      style={{ padding: 0, height: 'auto' }}
      onClick={() => {
        form.setFieldValue(name, value.trim());
        void form.validateFields([name]);
      }}
      data-testid={testId}
    >
      {t('release.trimSpaces')}
    </Button>
  );
}

function HeaderRows({ disabled }: { disabled?: boolean }) {
  const { t } = useI18n();
  return (
    <Form.List name="headerRows">
      {(fields, { add, remove }) => (
        <Flex vertical gap={0}>
          {fields.map((field, i) => (
            <Row gutter={8} key={field.key} align="top" data-testid={`header-row-${i}`}>
              <Col span={10}>
                <Form.Item
                  name={[field.name, 'key']}
                  rules={[spacesRule(t, 'header.name.space')]}
                  extra={<TrimButton name={['headerRows', field.name, 'key']} testId={`header-key-${i}-trim`} />}
                >
                  <Input className="mono" disabled={disabled} placeholder={t('release.headerName')} data-testid={`header-key-${i}`} />
                </Form.Item>
              </Col>
              <Col flex="auto">
                <Form.Item
                  name={[field.name, 'value']}
                  rules={[spacesRule(t, 'header.value.space')]}
                  extra={<TrimButton name={['headerRows', field.name, 'value']} testId={`header-value-${i}-trim`} />}
                >
                  <Input className="mono" disabled={disabled} placeholder={t('release.headerValue')} data-testid={`header-value-${i}`} />
                </Form.Item>
              </Col>
              <Col style={{ width: 72 }}>
                <RowButtons
                  disabled={disabled}
                  canRemove={fields.length > 1}
                  onAdd={() => add({ key: '', value: '' }, i + 1)}
                  onRemove={() => remove(field.name)}
                  testId={`header-${i}`}
                />
              </Col>
            </Row>
          ))}
        </Flex>
      )}
    </Form.List>
  );
}

/** The seed's 〔+〕 and 〔-〕 to the right of a row. */
function RowButtons({ disabled, canRemove, onAdd, onRemove, testId }: { disabled?: boolean; canRemove: boolean; onAdd: () => void; onRemove: () => void; testId: string }) {
  const { t } = useI18n();
  return (
    <Flex gap={4}>
      <Tooltip title={t('release.addRow')}>
        <Button icon={<PlusOutlined />} disabled={disabled} onClick={onAdd} aria-label={t('release.addRow')} data-testid={`${testId}-add`} />
      </Tooltip>
      <Tooltip title={t('release.removeRow')}>
        <Button
          icon={<MinusOutlined />}
          disabled={disabled || !canRemove || undefined}
          onClick={onRemove}
          aria-label={t('release.removeRow')}
          data-testid={`${testId}-remove`}
        />
      </Tooltip>
    </Flex>
  );
}
