// 全链路自动化流量侦测测试: the entry group and app, the inspector strategy
// (YAML as mock-inspector.yaml), the conditions (the inspector's
// application.properties, as fields or text), 保存 and 执行侦测, the results
// live (chains, counts by service@@version, topology) and the past runs.
import { Card, Col, Form, Row } from 'antd';
import { useI18n } from '../../i18n/I18nProvider';
import { PageHeader } from '../../components/PageHeader';
import { ReadOnlyBanner } from './Banners';
import { CodeField } from './CodeField';
import { InspectionFields } from './ConditionFields';
import { ConditionsCard } from './ConditionsCard';
import { INSPECTOR_PROPERTIES, INSPECTOR_YAML } from './examples';
import { inspectionFieldsOf, inspectionFormOf, inspectionRequestOf, inspectionText, type InspectionForm } from './form';
import { InspectionResultView } from './InspectionResult';
import type { InspectionConfig, InspectionRequest } from './model';
import { fetchInspectionConfig, saveInspectionConfig, startInspection } from './queries';
import { useVerifyPage } from './useVerifyPage';
import { VerifyBody } from './VerifyBody';
import './verify.css';

export function InspectionPage() {
  const { t } = useI18n();
  const [form] = Form.useForm<InspectionForm>();
  const p = useVerifyPage<InspectionConfig, InspectionRequest>({
    kind: 'inspection',
    fetchConfig: fetchInspectionConfig,
    save: saveInspectionConfig,
    start: startInspection,
  });
  const submit = (action: 'save' | 'start') => {
    const body = inspectionRequestOf(form.getFieldsValue(true), p.revision);
    void form
      .validateFields(['strategy'])
      .then(() => (action === 'save' ? p.save : p.start).mutate({ form, body }))
      .catch(() => undefined);
  };
  return (
    <>
      <PageHeader path={[t('app.name'), t('nav.inspection')]} title={t('verify.inspection.title')} subtitle={t('verify.inspection.subtitle')} />
      <ReadOnlyBanner readOnly={p.readOnly} group={p.group} />
      <VerifyBody
        kind="inspection"
        p={p}
        onSubmit={submit}
        result={(run) => run.inspection && <InspectionResultView result={run.inspection.result} />}
        form={() => (
          <Form<InspectionForm>
            key={p.task}
            form={form}
            layout="vertical"
            initialValues={inspectionFormOf(p.config.data)}
            disabled={!!p.readOnly}
            data-testid="inspection-form"
          >
            <Row gutter={[16, 16]}>
              <Col xs={24} xl={10}>
                <Card size="small" title={t('verify.strategy.title')} className="release-card" data-testid="verify-strategy">
                  <div className="verify-hint">{t('verify.strategy.hint')}</div>
                  <CodeField name="strategy" label="mock-inspector.yaml" example={INSPECTOR_YAML} file="mock-inspector.yaml" rows={12} required disabled={!!p.readOnly} testId="verify-strategy-text" />
                </Card>
              </Col>
              <Col xs={24} xl={14}>
                <ConditionsCard
                  title={t('verify.conditions.inspection')}
                  fields={<InspectionFields />}
                  toText={() => inspectionText(form.getFieldsValue(true))}
                  fromText={(text) => {
                    const { fields, problems } = inspectionFieldsOf(text);
                    if (fields) form.setFieldsValue(fields);
                    return problems;
                  }}
                  example={INSPECTOR_PROPERTIES}
                  disabled={!!p.readOnly}
                  testId="verify-conditions"
                />
              </Col>
            </Row>
          </Form>
        )}
      />
    </>
  );
}
