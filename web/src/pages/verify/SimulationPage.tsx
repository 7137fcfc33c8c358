// 全链路自动化模拟流程测试: the entry group and app, the three release
// strategies (YAML as mock-version-release-basic.yaml, -1.yaml, -2.yaml),
// the conditions (the simulator's application.properties), 保存 and 执行模拟,
// the seven phases live with their assertions, the restore of the rule
// before, the topology, and the past runs. A second start on the key, or a
// start while a release of it is operated, is refused in a dialog naming
// the other.
import { Card, Col, Empty, Flex, Form, Row, Spin, Tabs } from 'antd';
import { useI18n } from '../../i18n/I18nProvider';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageHeader } from '../../components/PageHeader';
import { Hint } from '../releases/parts';
import { ReadOnlyBanner, RunningBanner } from './Banners';
import { CodeField } from './CodeField';
import { SimulationFields } from './ConditionFields';
import { ConditionsCard } from './ConditionsCard';
import { EntryPicker } from './EntryPicker';
import { RELEASE_1_YAML, RELEASE_2_YAML, RELEASE_BASIC_YAML, SIMULATOR_PROPERTIES } from './examples';
import { ExecuteCard } from './ExecuteCard';
import { simulationFieldsOf, simulationFormOf, simulationRequestOf, simulationText, type SimulationForm } from './form';
import { HistoryCard } from './HistoryCard';
import type { SimulationConfig, SimulationRequest } from './model';
import { fetchSimulationConfig, saveSimulationConfig, startSimulation } from './queries';
import { RefusalDialog } from './RefusalDialog';
import { RunHeader } from './RunHeader';
import { SimulationResultView } from './SimulationResult';
import { useVerifyPage } from './useVerifyPage';
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
  const run = p.live.data;
  const runLink = (id: string) => `/simulation?${new URLSearchParams({ group: p.group ?? '', app: p.app ?? '', run: id })}`;
  return (
    <>
      <PageHeader path={[t('app.name'), t('nav.simulation')]} title={t('verify.simulation.title')} subtitle={t('verify.simulation.subtitle')} />
      <ReadOnlyBanner readOnly={p.readOnly} group={p.group} />
      <RunningBanner run={p.runningHere} shown={p.shownId} onOpen={p.openRun} />
      <Row gutter={[16, 16]}>
        <Col span={24}>
          <EntryPicker title={t('verify.entry.simulation')} group={p.group} app={p.app} onChange={p.setEntry} />
        </Col>
        {!p.picked ? (
          <Col span={24}>
            <Card size="small">
              <Empty description={t('verify.pickEntry')} />
            </Card>
          </Col>
        ) : p.config.isPending ? (
          <Col span={24}>
            <Flex justify="center" style={{ padding: 32 }}>
              <Spin tip={t('verify.loading')} />
            </Flex>
          </Col>
        ) : p.config.isError ? (
          <Col span={24}>
            <ErrorAlert error={p.config.error} onRetry={() => void p.config.refetch()} />
          </Col>
        ) : (
          <>
            <Col span={24}>
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
            </Col>
            <Col span={24}>
              <ExecuteCard
                title={t('verify.execute.simulation')}
                runLabel={t('verify.run.simulation')}
                saved={p.config.data}
                readOnly={!!p.readOnly}
                busy={p.busy}
                saving={p.save.isPending}
                starting={p.start.isPending}
                problem={p.problem}
                onSave={() => submit('save')}
                onStart={() => submit('start')}
              />
            </Col>
            <Col span={24}>
              <Card size="small" title={t('verify.result.simulation')} data-testid="verify-result">
                {!p.shownId ? (
                  <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('verify.result.none')} />
                ) : !run ? (
                  p.live.isError ? <ErrorAlert error={p.live.error} /> : <Spin />
                ) : (
                  <>
                    <RunHeader run={run} mayAbort={!p.readOnly} onAbort={() => p.abort.mutateAsync(run.id).then(() => undefined, () => undefined)} aborting={p.abort.isPending} />
                    {run.simulation && <SimulationResultView key={run.id} run={run} sim={run.simulation} />}
                  </>
                )}
              </Card>
            </Col>
            <Col span={24}>
              <HistoryCard runs={p.runs.data ?? []} error={p.runs.error} shown={p.shownId} onOpen={p.openRun} />
            </Col>
          </>
        )}
      </Row>
      <RefusalDialog refusal={p.refusal} task={p.task} runLink={runLink} onClose={p.closeRefusal} />
    </>
  );
}
