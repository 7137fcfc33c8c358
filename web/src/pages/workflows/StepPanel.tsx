// 步骤配置: the selected step's settings as document 000 draws them —
// 步骤类型, 切换比例, 切换方式, 失败处理, 超时时间, 前置条件, 后置动作 — then its
// type's own, each checked as it is typed; or the selected edge's branch
// and bound.
import { useMemo } from 'react';
import { Alert, Button, Card, Checkbox, Divider, Empty, Flex, Form, Input, InputNumber, Select, Tag, Typography } from 'antd';
import { DeleteOutlined } from '@ant-design/icons';
import { useI18n } from '../../i18n/I18nProvider';
import type { Lang } from '../../i18n/messages';
import { modelEdge, type StepEdge } from './graph';
import {
  defaultFailure,
  FAILURE_ACTIONS,
  POST_ACTIONS,
  PRECONDITION_HEALTHY,
  PRECONDITION_TESTED,
  type FailureAction,
  type FailurePolicy,
  type FieldProblem,
  type Step,
} from './model';
import { checkStep } from './stepForm';
import { ConfigFields } from './ConfigFields';
import { Field, FieldErrorsContext, type FieldErrors } from './Field';
import { problemText, stepField } from './problems';
import { stepColor } from './stepLook';
import type { GraphEditor } from './useGraphEditor';
import { earlierSteps } from './paths';

export function StepPanel({
  editor,
  nodeId,
  edgeId,
  readOnly,
  services,
  serverProblems,
}: {
  editor: GraphEditor;
  nodeId?: string;
  edgeId?: string;
  readOnly: boolean;
  services: string[];
  serverProblems: { steps: Map<string, FieldProblem[]>; edges: Map<string, FieldProblem[]> };
}) {
  const { t } = useI18n();
  const node = editor.graph.nodes.find((n) => n.id === nodeId);
  const edge = editor.graph.edges.find((e) => e.id === edgeId);
  return (
    <Card size="small" title={t('workflows.panel.title')} className="wf-panel" data-testid="wf-panel">
      {node ? (
        <StepForm key={node.id} editor={editor} step={node.data.step} readOnly={readOnly} services={services} problems={serverProblems.steps.get(node.id) ?? []} />
      ) : edge ? (
        <EdgeForm key={edge.id} editor={editor} edge={edge} readOnly={readOnly} problems={serverProblems.edges.get(`${edge.source}>${edge.target}`) ?? []} />
      ) : (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('workflows.panel.none')} />
      )}
    </Card>
  );
}

function StepForm({ editor, step, readOnly, services, problems }: { editor: GraphEditor; step: Step; readOnly: boolean; services: string[]; problems: FieldProblem[] }) {
  const { t, lang } = useI18n();
  const change = (f: (s: Step) => Step, field: string) => editor.updateStep(step.id, f, field);
  const local = useMemo(() => checkStep(step), [step]);
  const errors = useMemo(() => fieldErrors(lang, local, problems, t), [lang, local, problems, t]);
  const steps = editor.graph.nodes.map((n) => n.data.step);
  const edges = editor.graph.edges.map(modelEdge);
  const earlier = earlierSteps(steps, edges, step.id);
  const analyses = earlier.filter((s) => s.type === 'MONITOR' || s.type === 'TEST');
  const unplaced = problems.filter((p) => !errors.placed.has(p));
  const flow = step.type !== 'START' && step.type !== 'END';

  return (
    <FieldErrorsContext.Provider value={errors}>
      <Typography.Text strong data-testid="wf-panel-selected">
        {t('workflows.panel.selected', { name: step.name })}
      </Typography.Text>
      {unplaced.length > 0 && (
        <Alert
          type="error"
          showIcon
          style={{ margin: '8px 0' }}
          title={t('workflows.panel.serverProblems')}
          description={unplaced.map((p, i) => (
            <div key={i}>{problemText(lang, p)}</div>
          ))}
          data-testid="wf-panel-problems"
        />
      )}
      <Form layout="vertical" size="small" disabled={readOnly} style={{ marginTop: 8 }}>
        <Flex gap={8}>
          <Form.Item label={t('workflows.panel.type')} style={{ flex: 1, marginBottom: 10 }}>
            <Tag color={stepColor(step.type)} data-testid="wf-panel-type">
              {t(`workflows.type.${step.type}`)}
            </Tag>
          </Form.Item>
          <Form.Item label={t('workflows.panel.id')} style={{ marginBottom: 10 }}>
            <Typography.Text code>{step.id}</Typography.Text>
          </Form.Item>
        </Flex>
        <Field field="name" label={t('workflows.panel.name')}>
          <Input value={step.name} onChange={(e) => change((s) => ({ ...s, name: e.target.value }), 'name')} data-testid="wf-step-name" />
        </Field>
        <ConfigFields step={step} change={change} services={services} analyses={analyses} />
        {flow && (
          <>
            <Field field="onFailure.action" label={t('workflows.panel.onFailure')}>
              <Select
                value={step.onFailure?.action ?? defaultFailure(step.type)}
                onChange={(a: FailureAction) => change((s) => withPolicy(s, 'onFailure', a), 'onFailure')}
                options={FAILURE_ACTIONS.map((a) => ({ value: a, label: t(`workflows.failure.${a}`) }))}
                data-testid="wf-step-onFailure"
              />
            </Field>
            {step.onFailure?.action === 'RETRY' && <RetryFields step={step} name="onFailure" change={change} />}
            <Field field="timeout" label={t('workflows.panel.timeout')} hint={t('workflows.panel.timeoutHint')}>
              <InputNumber
                min={0}
                step={1}
                value={step.timeout}
                onChange={(v) => change((s) => ({ ...s, timeout: v ?? 0 }), 'timeout')}
                addonAfter={t('workflows.panel.minutes')}
                style={{ width: '100%' }}
                data-testid="wf-step-timeout"
              />
            </Field>
            {step.timeout > 0 && (
              <Field field="onTimeout.action" label={t('workflows.panel.onTimeout')}>
                <Select
                  value={step.onTimeout?.action ?? ''}
                  onChange={(a: FailureAction | '') => change((s) => withPolicy(s, 'onTimeout', a || undefined), 'onTimeout')}
                  options={[{ value: '', label: t('workflows.panel.onTimeoutSame') }, ...FAILURE_ACTIONS.filter((a) => a !== 'RETRY').map((a) => ({ value: a, label: t(`workflows.failure.${a}`) }))]}
                />
              </Field>
            )}
            <Divider style={{ margin: '8px 0' }} />
            <Field field="preconditions" label={t('workflows.panel.preconditions')}>
              <Checkbox.Group
                value={step.preconditions}
                onChange={(v) => change((s) => ({ ...s, preconditions: v as string[] }), 'preconditions')}
                style={{ display: 'flex', flexDirection: 'column', gap: 2 }}
                data-testid="wf-step-preconditions"
                options={[
                  { value: PRECONDITION_HEALTHY, label: t('workflows.pre.HEALTH_CHECK_PASSED') },
                  { value: PRECONDITION_TESTED, label: t('workflows.pre.TEST_PASSED') },
                  ...earlier
                    .filter((s) => s.type !== 'START')
                    .map((s) => ({ value: `step:${s.id}`, label: t('workflows.panel.stepDone', { name: `${s.name} (${s.id})` }) })),
                  // a precondition naming a step no longer before this one stays visible so it can be unticked
                  ...step.preconditions
                    .filter((p) => p.startsWith('step:') && !earlier.some((s) => `step:${s.id}` === p))
                    .map((p) => ({ value: p, label: p })),
                ]}
              />
            </Field>
            <Field field="postActions" label={t('workflows.panel.postActions')}>
              <Checkbox.Group
                value={step.postActions}
                onChange={(v) => change((s) => ({ ...s, postActions: POST_ACTIONS.filter((a) => (v as string[]).includes(a)) }), 'postActions')}
                options={POST_ACTIONS.map((a) => ({ value: a, label: t(`workflows.post.${a}`) }))}
                data-testid="wf-step-postActions"
              />
            </Field>
          </>
        )}
        {!readOnly && (
          <Button danger block icon={<DeleteOutlined />} onClick={() => editor.remove([step.id], [])} data-testid="wf-step-delete">
            {t('workflows.panel.delete')}
          </Button>
        )}
      </Form>
    </FieldErrorsContext.Provider>
  );
}

function RetryFields({ step, name, change }: { step: Step; name: 'onFailure'; change: (f: (s: Step) => Step, field: string) => void }) {
  const { t } = useI18n();
  const p = step[name] as FailurePolicy;
  const set = (patch: Partial<FailurePolicy>, field: string) => change((s) => ({ ...s, [name]: { ...(s[name] as FailurePolicy), ...patch } }), field);
  return (
    <Flex gap={8}>
      <Field field={`${name}.retries`} label={t('workflows.panel.retries')}>
        <InputNumber min={0} max={10} value={p.retries ?? 0} onChange={(v) => set({ retries: v ?? 0 }, 'retries')} />
      </Field>
      <Field field={`${name}.backoff`} label={t('workflows.panel.backoff')}>
        <Input value={p.backoff ?? ''} placeholder="5s" onChange={(e) => set({ backoff: e.target.value || undefined }, 'backoff')} style={{ width: 80 }} />
      </Field>
      <Field field={`${name}.then`} label={t('workflows.panel.then')}>
        <Select
          value={p.then || 'PAUSE'}
          onChange={(v: FailurePolicy['then']) => set({ then: v }, 'then')}
          options={FAILURE_ACTIONS.filter((a) => a !== 'RETRY').map((a) => ({ value: a, label: t(`workflows.failure.${a}`) }))}
          style={{ width: 110 }}
        />
      </Field>
    </Flex>
  );
}

function withPolicy(s: Step, name: 'onFailure' | 'onTimeout', action: FailureAction | undefined): Step {
  const next = { ...s };
  if (!action) delete next[name];
  else next[name] = action === 'RETRY' ? { action, retries: s[name]?.retries ?? 2 } : { action };
  return next;
}

/** The panel's checks first, then the server's problems, by the field they name. */
function fieldErrors(lang: Lang, local: ReturnType<typeof checkStep>, server: FieldProblem[], t: (k: Parameters<ReturnType<typeof useI18n>['t']>[0], p?: Record<string, string | number>) => string): FieldErrors & { placed: Set<FieldProblem> } {
  const known = new Set<string>();
  const placed = new Set<FieldProblem>();
  return {
    placed,
    at(field: string) {
      known.add(field);
      const mine = local.find((p) => p.field === field || (field === 'config.thresholds' && /^config\.thresholds\.\w+$/.test(p.field)));
      if (mine) return t(mine.key, mine.params);
      const theirs = server.find((p) => {
        const f = stepField(p).replace(/\[\d+\]$/, '');
        return f === field || (field === 'config.thresholds' && /^config\.thresholds\.\w+$/.test(f));
      });
      if (theirs) {
        placed.add(theirs);
        return problemText(lang, theirs);
      }
      return undefined;
    },
  };
}

function EdgeForm({ editor, edge, readOnly, problems }: { editor: GraphEditor; edge: StepEdge; readOnly: boolean; problems: FieldProblem[] }) {
  const { t, lang } = useI18n();
  const from = editor.graph.nodes.find((n) => n.id === edge.source)?.data.step;
  const decision = from?.type === 'DECISION';
  const d = edge.data;
  return (
    <>
      <Typography.Text strong data-testid="wf-panel-edge">
        {t('workflows.panel.edge', { from: edge.source, to: edge.target })}
      </Typography.Text>
      {problems.length > 0 && (
        <Alert type="error" showIcon style={{ margin: '8px 0' }} title={problems.map((p, i) => <div key={i}>{problemText(lang, p)}</div>)} data-testid="wf-panel-problems" />
      )}
      <Form layout="vertical" size="small" disabled={readOnly} style={{ marginTop: 8 }}>
        {decision && (
          <Form.Item label={t('workflows.panel.edgeWhen')} style={{ marginBottom: 10 }}>
            <Select
              value={d?.when || undefined}
              onChange={(w: 'yes' | 'no') => editor.updateEdge(edge.id, (e) => ({ ...e, when: w }), 'when')}
              options={[
                { value: 'yes', label: t('workflows.branch.yes') },
                { value: 'no', label: t('workflows.branch.no') },
              ]}
            />
          </Form.Item>
        )}
        {(d?.loop || (d?.maxTraversals !== undefined && d.maxTraversals !== null)) && (
          <Form.Item label={t('workflows.panel.maxTraversals')} help={d?.loop ? t('workflows.panel.edgeLoop') : t('workflows.panel.maxTraversalsHint')} style={{ marginBottom: 10 }}>
            <InputNumber
              min={0}
              max={10}
              value={d?.maxTraversals ?? null}
              onChange={(v) => editor.updateEdge(edge.id, (e) => ({ ...e, maxTraversals: v ?? undefined }), 'maxTraversals')}
              data-testid="wf-edge-maxTraversals"
            />
          </Form.Item>
        )}
        {!readOnly && (
          <Button danger block icon={<DeleteOutlined />} onClick={() => editor.remove([], [edge.id])} data-testid="wf-edge-delete">
            {t('workflows.panel.deleteEdge')}
          </Button>
        )}
      </Form>
    </>
  );
}
