// 全链路自动化模拟流程测试: the entry group and app, the three release
// strategies (YAML as mock-version-release-basic.yaml, -1.yaml, -2.yaml),
// the conditions (the simulator's application.properties), 保存 and 执行模拟,
// the seven phases live with their assertions, the restore of the rule
// before, the topology, and the past runs. A second start on the key, or a
// start while a release of it is operated, is refused in a dialog naming
// the other.
import { Card, Col, Form, Row, Tabs } from 'antd';
import { useI18n } from '../../i18n/I18nProvider';
import { PageHeader } from '../../components/PageHeader';
import { Hint } from '../releases/parts';
import { ReadOnlyBanner, RunningBanner } from './Banners';
import { CodeField } from './CodeField';
import { SimulationFields } from './ConditionFields';
import { ConditionsCard } from './ConditionsCard';
import { RELEASE_1_YAML, RELEASE_2_YAML, RELEASE_BASIC_YAML, SIMULATOR_PROPERTIES } from './examples';
import { simulationFieldsOf, simulationFormOf, simulationRequestOf, simulationText, type SimulationForm } from './form';
import type { SimulationConfig, SimulationRequest } from './model';
import { fetchSimulationConfig, saveSimulationConfig, startSimulation } from './queries';
import { RefusalDialog } from './RefusalDialog';
import { SimulationResultView } from './SimulationResult';
import { useVerifyPage } from './useVerifyPage';
import { VerifyBody } from './VerifyBody';
import './verify.css';

const DOCS = [
  { name: 'basic', file: 'mock-version-release-basic.yaml', example: RELEASE_BASIC_YAML },
  { name: 'release1', file: 'mock-version-release-1.yaml', example: RELEASE_1_YAML },
  { name: 'release2', file: 'mock-version-release-2.yaml', example: RELEASE_2_YAML },
] as const;

export function SimulationPage() {
  const { t } = useI18n();
  const [form] = Form.useForm<SimulationForm>();
  const p = useVerifyPage<SimulationConfig, SimulationRequest>({
    kind: 'simulation',
    fetchConfig: fetchSimulationConfig,
    save: saveSimulationConfig,
    start: startSimulation,
  });
  const submit = (action: 'save' | 'start') => {
    const body = simulationRequestOf(form.getFieldsValue(true), p.revision);
    void form
      .validateFields(['basic', 'release1', 'release2'])
      .then(() => (action === 'save' ? p.save : p.start).mutate({ form, body }))
      .catch(() => undefined);
  };
  const runLink = (id: string) => `/simulation?${new URLSearchParams({ group: p.group ?? '', app: p.app ?? '', run: id })}`;
  return (
    <>
      <PageHeader path={[t('app.name'), t('nav.simulation')]} title={t('verify.simulation.title')} subtitle={t('verify.simulation.subtitle')} />
      <ReadOnlyBanner readOnly={p.readOnly} group={p.group} />
      <RunningBanner run={p.runningHere} shown={p.shownId} onOpen={p.openRun} />
      <VerifyBody
        kind="simulation"
        p={p}
        onSubmit={submit}
        result={(run) => run.simulation && <SimulationResultView key={run.id} run={run} sim={run.simulation} />}
        form={() => (
          <Form<SimulationForm>
            key={p.task}
            form={form}
            layout="vertical"
            initialValues={simulationFormOf(p.config.data, p.group!, p.app!)}
            disabled={!!p.readOnly}
            data-testid="simulation-form"
          >
            <Row gutter={[16, 16]}>
              <Col xs={24} xl={10}>
                <Card size="small" title={t('verify.strategies.title')} className="release-card" data-testid="verify-strategies">
                  <div className="verify-hint">{t('verify.strategies.hint')}</div>
                  <Tabs
                    size="small"
                    items={DOCS.map((d) => ({
                      key: d.name,
                      forceRender: true,
                      label: <Hint label={t(`verify.doc.${d.name}`)} hint={t(`verify.doc.${d.name}.hint`)} />,
                      children: (
                        <CodeField name={d.name} label={d.file} example={d.example} file={d.file} rows={12} required disabled={!!p.readOnly} testId={`verify-doc-${d.name}`} />
                      ),
                    }))}
                    data-testid="verify-docs"
                  />
                </Card>
              </Col>
              <Col xs={24} xl={14}>
                <ConditionsCard
                  title={t('verify.conditions.simulation')}
                  fields={<SimulationFields />}
                  toText={() => simulationText(form.getFieldsValue(true), p.group!, p.app!)}
                  fromText={(text) => {
                    const { fields, problems } = simulationFieldsOf(text);
                    if (fields) form.setFieldsValue(fields);
                    return problems;
                  }}
                  example={SIMULATOR_PROPERTIES}
                  disabled={!!p.readOnly}
                  testId="verify-conditions"
                />
              </Col>
            </Row>
          </Form>
        )}
      />
      <RefusalDialog refusal={p.refusal} task={p.task} runLink={runLink} onClose={p.closeRefusal} />
    </>
  );
}
