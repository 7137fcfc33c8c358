// The conditions as fields: the inspector's (testcase.inspect.url or the
// entry app, the context service, the sample count, the result filter) and
// the simulator's. Each label's "?" names the Nepxion key.
import { Col, Form, Input, InputNumber, Radio, Row, Select, Switch } from 'antd';
import { useI18n } from '../../i18n/I18nProvider';
import type { MessageKey } from '../../i18n/messages';
import { Hint } from '../releases/parts';
import { RESULT_TAGS } from './properties';

type Field = 'inspectUrl' | 'contextService' | 'sampleCount' | 'resultFilter' | 'debug' | 'consoleUrl' | 'awaitMillis' | 'loopCount' | 'blueGreenSampleCount' | 'graySampleCount' | 'grayWeightOffset' | 'versionPreferEnabled' | 'secondReleaseEnabled';

function useLabel() {
  const { t } = useI18n();
  return (f: Field) => <Hint label={t(`verify.cond.${f}` as MessageKey)} hint={t(`verify.cond.${f}.hint` as MessageKey)} />;
}

/** testcase.inspect.url, or through the entry app: the "URL or the gateway" choice. */
function Target() {
  const { t } = useI18n();
  const label = useLabel();
  const target = Form.useWatch('target');
  return (
    <>
      <Form.Item name="target" label={t('verify.cond.target')} style={{ marginBottom: target === 'url' ? 8 : undefined }}>
        <Radio.Group data-testid="cond-target">
          <Radio value="entry" data-testid="cond-target-entry">
            {t('verify.cond.target.entry')}
          </Radio>
          <Radio value="url" data-testid="cond-target-url">
            {t('verify.cond.target.url')}
          </Radio>
        </Radio.Group>
      </Form.Item>
      {target === 'url' && (
        <Form.Item name={['conditions', 'inspectUrl']} label={label('inspectUrl')}>
          <Input placeholder="http://localhost:5001/discovery-guide-service-a/inspector/inspect" className="mono" data-testid="cond-inspectUrl" />
        </Form.Item>
      )}
    </>
  );
}

// No bounds of its own: a number out of range is kept as typed and refused by the server at the field.
const num = (field: Field, label: ReturnType<typeof useLabel>) => (
  <Form.Item name={['conditions', field]} label={label(field)}>
    <InputNumber precision={0} style={{ width: '100%' }} data-testid={`cond-${field}`} />
  </Form.Item>
);

export function InspectionFields() {
  const { t } = useI18n();
  const label = useLabel();
  return (
    <Row gutter={16}>
      <Col span={24}>
        <Target />
      </Col>
      <Col xs={24} lg={12}>
        <Form.Item name={['conditions', 'contextService']} label={label('contextService')}>
          <Input placeholder="discovery-guide-service-a" data-testid="cond-contextService" />
        </Form.Item>
      </Col>
      <Col xs={12} lg={6}>
        {num('sampleCount', label)}
      </Col>
      <Col xs={12} lg={6}>
        <Form.Item name={['conditions', 'debug']} label={label('debug')} valuePropName="checked">
          <Switch data-testid="cond-debug" />
        </Form.Item>
      </Col>
      <Col span={24}>
        <Form.Item name={['conditions', 'resultFilter']} label={label('resultFilter')} style={{ marginBottom: 0 }}>
          <Select
            mode="multiple"
            options={RESULT_TAGS.map((tag) => ({ value: tag, label: t(`verify.tag.${tag}` as MessageKey) }))}
            data-testid="cond-resultFilter"
          />
        </Form.Item>
      </Col>
    </Row>
  );
}

export function SimulationFields() {
  const label = useLabel();
  return (
    <Row gutter={16}>
      <Col span={24}>
        <Target />
      </Col>
      <Col xs={24} lg={12}>
        <Form.Item name={['conditions', 'contextService']} label={label('contextService')}>
          <Input placeholder="discovery-guide-service-a" data-testid="cond-contextService" />
        </Form.Item>
      </Col>
      <Col xs={24} lg={12}>
        <Form.Item name={['conditions', 'consoleUrl']} label={label('consoleUrl')}>
          <Input placeholder="http://localhost:6001" className="mono" data-testid="cond-consoleUrl" />
        </Form.Item>
      </Col>
      <Col xs={12} lg={6}>
        {num('blueGreenSampleCount', label)}
      </Col>
      <Col xs={12} lg={6}>
        {num('graySampleCount', label)}
      </Col>
      <Col xs={12} lg={6}>
        {num('grayWeightOffset', label)}
      </Col>
      <Col xs={12} lg={6}>
        {num('loopCount', label)}
      </Col>
      <Col xs={12} lg={6}>
        {num('awaitMillis', label)}
      </Col>
      <Col xs={12} lg={6}>
        <Form.Item name={['conditions', 'secondReleaseEnabled']} label={label('secondReleaseEnabled')} valuePropName="checked" style={{ marginBottom: 0 }}>
          <Switch data-testid="cond-secondReleaseEnabled" />
        </Form.Item>
      </Col>
      <Col xs={12} lg={6}>
        <Form.Item name={['conditions', 'versionPreferEnabled']} label={label('versionPreferEnabled')} valuePropName="checked" style={{ marginBottom: 0 }}>
          <Switch data-testid="cond-versionPreferEnabled" />
        </Form.Item>
      </Col>
      <Col xs={12} lg={6}>
        <Form.Item name={['conditions', 'debug']} label={label('debug')} valuePropName="checked" style={{ marginBottom: 0 }}>
          <Switch data-testid="cond-debug" />
        </Form.Item>
      </Col>
    </Row>
  );
}
