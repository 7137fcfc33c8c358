// 发布流程编排: the header with 保存 and 执行, the template picker, the
// palette, the chart and the 步骤配置 panel. The graph is edited locally
// (undo/redo) and saved as a new version; the server's validation problems
// are shown on the steps and edges at fault.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useNavigate } from 'react-router';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { ReactFlowProvider, useReactFlow } from '@xyflow/react';
import { Alert, App as AntApp, Button, Card, Flex, Input, Select, Space, Tag, Tooltip, Typography } from 'antd';
import {
  ApartmentOutlined,
  CheckCircleOutlined,
  DeleteOutlined,
  DownloadOutlined,
  HistoryOutlined,
  PlayCircleOutlined,
  RedoOutlined,
  SaveOutlined,
  UndoOutlined,
  UploadOutlined,
} from '@ant-design/icons';
import { useI18n } from '../../i18n/I18nProvider';
import { PageHeader } from '../../components/PageHeader';
import { toWorkflow } from './graph';
import { deployedVersion, newStepConfig, newStepTimeout, nextStepId, TEMPLATES, type Edge, type FieldProblem, type Step, type StepType, type Template, type TemplateInfo, type Workflow } from './model';
import { FlowCanvas, type Selection } from './FlowCanvas';
import { Palette } from './Palette';
import { StepPanel } from './StepPanel';
import { ExecuteDialog } from './ExecuteDialog';
import { VersionsDrawer } from './VersionsDrawer';
import { NO_PROBLEMS, placeProblems, problemsOfError, problemText, type PlacedProblems } from './problems';
import { createWorkflow, saveWorkflow, startExecution, validateWorkflow, WORKFLOWS_KEY, workflowKey, versionsKey } from './queries';
import { checkStep } from './stepForm';
import { laidOut, useGraphEditor } from './useGraphEditor';
import { exportYaml, importYaml } from './importExport';
import './workflows.css';

export interface EditorProps {
  /** The saved workflow (undefined: a new one, not saved yet). */
  saved?: Workflow;
  releaseId: string;
  /** What a new workflow starts from. */
  initial: { name: string; template: Template; steps: Step[]; edges: Edge[] };
  templates: TemplateInfo[];
  services: string[];
  /** The release's new version, for a DEPLOY dragged in or a template (from the registry). */
  guessedVersion: string;
  /** Why the page is read-only, as a sentence; undefined when the user may edit. */
  readOnly?: string;
  /** A saved version older than the current one (read-only). */
  oldVersion?: number;
}

export function Editor(props: EditorProps) {
  return (
    <ReactFlowProvider>
      <EditorInner {...props} />
    </ReactFlowProvider>
  );
}

function EditorInner({ saved, releaseId, initial, templates, services, guessedVersion, readOnly, oldVersion }: EditorProps) {
  const { t, lang, errorText } = useI18n();
  const { message, modal } = AntApp.useApp();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const flow = useReactFlow();
  const editor = useGraphEditor(useMemo(() => laidOut(initial.steps, initial.edges), [initial]));
  const [name, setName] = useState(initial.name);
  const [template, setTemplate] = useState<Template>(initial.template);
  const [selection, setSelection] = useState<Selection>({});
  const [problems, setProblems] = useState<PlacedProblems>(NO_PROBLEMS);
  const [checked, setChecked] = useState(false);
  const [executing, setExecuting] = useState(false);
  const [versionsOpen, setVersionsOpen] = useState(false);
  const fileInput = useRef<HTMLInputElement>(null);
  const locked = readOnly !== undefined;

  const current = useMemo(() => toWorkflow(editor.graph), [editor.graph]);
  const savedKey = useRef(JSON.stringify({ name: initial.name, template: initial.template, ...toWorkflow(laidOut(initial.steps, initial.edges)) }));
  const dirty = !saved || JSON.stringify({ name, template, ...current }) !== savedKey.current;
  const version = deployedVersion(current.steps) || guessedVersion;

  const body = () => ({ name, template, steps: current.steps, edges: current.edges });

  const showProblems = useCallback(
    (list: FieldProblem[], edges: Edge[]) => {
      setProblems(placeProblems(list, edges));
      setChecked(true);
    },
    [],
  );

  // A saved workflow is checked again a moment after each edit, so the marks follow the fixes.
  useEffect(() => {
    if (!saved || locked || !checked) return;
    const timer = setTimeout(() => {
      const b = { ...body(), version: saved.version };
      validateWorkflow(saved.id, b).then(
        (v) => showProblems(v.issues, b.edges),
        () => undefined,
      );
    }, 600);
    return () => clearTimeout(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [current, name, template]);

  const save = useMutation({
    mutationFn: async () => {
      const b = body();
      return saved ? saveWorkflow(saved.id, { ...b, version: saved.version }) : createWorkflow({ releaseId, ...b });
    },
    onSuccess: (w) => {
      setProblems(NO_PROBLEMS);
      setChecked(false);
      savedKey.current = JSON.stringify({ name: w.name, template: w.template, steps: w.steps, edges: w.edges });
      queryClient.setQueryData(workflowKey(w.id), w);
      void queryClient.invalidateQueries({ queryKey: WORKFLOWS_KEY });
      void queryClient.invalidateQueries({ queryKey: versionsKey(w.id) });
      if (saved) {
        void message.success(t('workflows.saved', { version: w.version }));
      } else {
        void message.success(t('workflows.created', { id: w.id }));
        navigate(`/workflows/${encodeURIComponent(w.id)}`, { replace: true });
      }
    },
    onError: (err) => {
      const list = problemsOfError(err);
      if (list) {
        showProblems(list, current.edges);
        void message.error(t('workflows.invalid', { count: list.length }));
      } else {
        void message.error(errorText(err));
      }
    },
  });

  const check = useMutation({
    mutationFn: () => validateWorkflow(saved!.id, { ...body(), version: saved!.version }),
    onSuccess: (v) => {
      showProblems(v.issues, current.edges);
      if (v.valid) void message.success(t('workflows.valid'));
      else void message.error(t('workflows.invalid', { count: v.issues.length }));
    },
    onError: (err) => void message.error(errorText(err)),
  });

  const execute = useMutation({
    mutationFn: () => startExecution(saved!.id, saved!.version, lang),
    onSuccess: (x) => {
      setExecuting(false);
      void message.success(t('workflows.exec.started', { id: x.id }));
      navigate(`/executions/${encodeURIComponent(x.id)}`);
    },
    onError: (err) => {
      setExecuting(false);
      const list = problemsOfError(err);
      if (list) showProblems(list, current.edges);
      void message.error(errorText(err));
    },
  });

  const withVersion = useCallback(
    (steps: Step[]) => steps.map((s) => (s.type === 'DEPLOY' && !(s.config as { version?: string } | undefined)?.version ? { ...s, config: { ...(s.config as object), version } } : s)),
    [version],
  );

  const applyTemplate = (tpl: Template) => {
    const info = templates.find((x) => x.template === tpl);
    if (!info) return;
    const apply = () => {
      editor.reset(laidOut(withVersion(info.steps), info.edges));
      setTemplate(tpl);
      setSelection({});
      setProblems(NO_PROBLEMS);
      setTimeout(() => void flow.fitView({ padding: 0.15, maxZoom: 1 }), 50);
    };
    const trivial = current.steps.every((s) => s.type === 'START' || s.type === 'END');
    if (trivial) return apply();
    modal.confirm({
      title: t('workflows.replaceTitle', { template: t(`workflows.template.${tpl}`) }),
      content: t('workflows.replaceDesc', { count: current.steps.length }),
      okText: t('workflows.replace'),
      cancelText: t('common.cancel'),
      okButtonProps: { 'data-testid': 'wf-replace-confirm' },
      onOk: apply,
    });
  };

  const addStep = useCallback(
    (type: StepType, at?: { x: number; y: number }) => {
      const steps = editor.graph.nodes.map((n) => n.data.step);
      const id = nextStepId(steps);
      const config = newStepConfig(type, version);
      const weight = type === 'TRAFFIC_SHIFT' ? `${(config?.weight as number) ?? ''}%` : '';
      const step: Step = { id, name: `${t(`workflows.type.${type}`)}${weight}`, type, preconditions: [], postActions: [], timeout: newStepTimeout(type), ...(config ? { config } : {}) };
      const bottom = Math.max(0, ...editor.graph.nodes.map((n) => n.position.y)) + 90;
      editor.addStep(step, at ?? { x: 60, y: bottom });
      setSelection({ node: id });
    },
    [editor, t, version],
  );

  const removeSelected = useCallback(() => {
    if (locked) return;
    editor.remove(selection.node ? [selection.node] : [], selection.edge ? [selection.edge] : []);
    setSelection({});
  }, [editor, selection, locked]);

  // Ctrl+Z / Ctrl+Shift+Z (Ctrl+Y), Delete — not while typing in a field.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const el = e.target as HTMLElement | null;
      if (el && (el.closest('input, textarea, [contenteditable="true"], .ant-select') || el.isContentEditable)) return;
      if (locked) return;
      const mod = e.ctrlKey || e.metaKey;
      if (mod && e.key.toLowerCase() === 'z') {
        e.preventDefault();
        if (e.shiftKey) editor.redo();
        else editor.undo();
      } else if (mod && e.key.toLowerCase() === 'y') {
        e.preventDefault();
        editor.redo();
      } else if (e.key === 'Delete' || e.key === 'Backspace') {
        removeSelected();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [editor, removeSelected, locked]);

  useEffect(() => {
    if (!dirty || locked) return;
    const warn = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [dirty, locked]);

  const doExport = () => {
    const text = exportYaml({ id: saved?.id, releaseId, name, template, ...current });
    const url = URL.createObjectURL(new Blob([text], { type: 'application/yaml' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = `${saved?.id ?? releaseId}${oldVersion ? `-v${oldVersion}` : ''}.yaml`;
    a.click();
    URL.revokeObjectURL(url);
  };

  const doImport = async (file: File) => {
    try {
      const f = importYaml(await file.text(), t('workflows.import.shape'));
      editor.reset(laidOut(f.steps, f.edges));
      if (f.name) setName(f.name);
      if (f.template) setTemplate(f.template);
      setSelection({});
      setProblems(NO_PROBLEMS);
      setTimeout(() => void flow.fitView({ padding: 0.15, maxZoom: 1 }), 50);
      void message.success(t('workflows.imported', { file: file.name, steps: f.steps.length, edges: f.edges.length }));
    } catch (err) {
      void message.error(t('workflows.importFailed', { file: file.name, error: err instanceof Error ? err.message : String(err) }));
    }
  };

  // The marks on the chart: the server's problems and the side panel's own checks.
  const nodeProblems = useMemo(() => {
    const m = new Map<string, string[]>();
    for (const n of editor.graph.nodes) {
      const list = [...(problems.steps.get(n.id) ?? []).map((p) => problemText(lang, p)), ...checkStep(n.data.step).map((p) => `${n.data.step.name}: ${t(p.key, p.params)}`)];
      if (list.length) m.set(n.id, [...new Set(list)]);
    }
    return m;
  }, [editor.graph.nodes, problems, lang, t]);
  const edgeProblems = useMemo(() => new Map([...problems.edges].map(([k, list]) => [k, list.map((p) => problemText(lang, p))])), [problems, lang]);
  const problemCount = problems.workflow.length + [...problems.steps.values()].flat().length + [...problems.edges.values()].flat().length;

  const title = version ? t('workflows.editorTitle', { version }) : t('workflows.editorTitleNoVersion');
  const canExecute = !!saved && !dirty && !locked && !oldVersion;

  return (
    <>
      <PageHeader
        path={[t('app.name'), t('nav.workflows'), saved?.id ?? t('workflows.new')]}
        title={title}
        subtitle={saved ? t('workflows.editorSubtitle', { id: saved.id, release: releaseId, saved: `V${oldVersion ?? saved.version}` }) : t('workflows.editorSubtitleNew', { release: releaseId })}
        extra={
          <>
            {dirty && !locked && <Tag color="orange" data-testid="wf-dirty">{t('workflows.unsaved')}</Tag>}
            {saved && (
              <Button icon={<HistoryOutlined />} onClick={() => setVersionsOpen(true)} data-testid="wf-versions-open">
                {t('workflows.versions')}
              </Button>
            )}
            {!locked && (
              <Button type="primary" icon={<SaveOutlined />} onClick={() => save.mutate()} loading={save.isPending} disabled={saved !== undefined && !dirty} data-testid="wf-save">
                {t('workflows.save')}
              </Button>
            )}
            {!locked && (
              <Tooltip title={saved && dirty ? t('workflows.executeSaveFirst') : !saved ? t('workflows.executeSaveFirst') : undefined}>
                <Button icon={<PlayCircleOutlined />} onClick={() => setExecuting(true)} disabled={!canExecute} data-testid="wf-execute">
                  {t('workflows.execute')}
                </Button>
              </Tooltip>
            )}
          </>
        }
      />
      {readOnly && (
        <Alert
          type="info"
          showIcon
          title={readOnly}
          className="wf-bar"
          data-testid="wf-readonly"
          action={
            oldVersion && saved ? (
              <Button size="small" onClick={() => navigate(`/workflows/${encodeURIComponent(saved.id)}`)}>
                {t('workflows.readOnly.backToCurrent')}
              </Button>
            ) : undefined
          }
        />
      )}
      <Card size="small" className="wf-bar">
        <Flex gap={12} align="center" wrap>
          <Space>
            <Typography.Text>{t('workflows.template')}:</Typography.Text>
            <Select
              value={template}
              onChange={applyTemplate}
              disabled={locked}
              style={{ width: 140 }}
              options={TEMPLATES.map((x) => ({ value: x, label: templates.find((i) => i.template === x) ? t(`workflows.template.${x}`) : t(`workflows.template.${x}`) }))}
              data-testid="wf-template"
            />
          </Space>
          <Space>
            <Typography.Text>{t('workflows.name')}:</Typography.Text>
            <Input value={name} onChange={(e) => setName(e.target.value)} disabled={locked} style={{ width: 260 }} maxLength={100} data-testid="wf-name" />
          </Space>
          <Space style={{ marginInlineStart: 'auto' }}>
            {saved && !locked && (
              <Button icon={<CheckCircleOutlined />} onClick={() => check.mutate()} loading={check.isPending} data-testid="wf-check">
                {t('workflows.validate')}
              </Button>
            )}
            <Button icon={<DownloadOutlined />} onClick={doExport} data-testid="wf-export">
              {t('workflows.exportYaml')}
            </Button>
            {!locked && (
              <Button icon={<UploadOutlined />} onClick={() => fileInput.current?.click()} data-testid="wf-import">
                {t('workflows.importYaml')}
              </Button>
            )}
            <input
              ref={fileInput}
              type="file"
              accept=".yaml,.yml,.json,application/yaml,application/json"
              style={{ display: 'none' }}
              data-testid="wf-import-file"
              onChange={(e) => {
                const f = e.target.files?.[0];
                e.target.value = '';
                if (f) void doImport(f);
              }}
            />
          </Space>
        </Flex>
      </Card>
      <div className="wf-editor">
        {!locked && <Palette onAdd={(type) => addStep(type)} />}
        <div className="wf-canvas" data-testid="wf-canvas" aria-label={t('workflows.chart')}>
          {!locked && (
            <Space.Compact className="wf-toolbar">
              <Tooltip title={t('workflows.undo')}>
                <Button icon={<UndoOutlined />} disabled={!editor.canUndo} onClick={editor.undo} data-testid="wf-undo" />
              </Tooltip>
              <Tooltip title={t('workflows.redo')}>
                <Button icon={<RedoOutlined />} disabled={!editor.canRedo} onClick={editor.redo} data-testid="wf-redo" />
              </Tooltip>
              <Tooltip title={t('workflows.layout')}>
                <Button
                  icon={<ApartmentOutlined />}
                  onClick={() => {
                    editor.relayout();
                    setTimeout(() => void flow.fitView({ padding: 0.15, maxZoom: 1 }), 50);
                  }}
                  data-testid="wf-layout"
                />
              </Tooltip>
              <Tooltip title={t('workflows.deleteSelected')}>
                <Button icon={<DeleteOutlined />} disabled={!selection.node && !selection.edge} onClick={removeSelected} data-testid="wf-delete" />
              </Tooltip>
            </Space.Compact>
          )}
          <FlowCanvas
            editor={editor}
            readOnly={locked}
            selection={selection}
            onSelect={setSelection}
            nodeProblems={nodeProblems}
            edgeProblems={edgeProblems}
            onDropStep={(type, at) => addStep(type, at)}
          />
          {problemCount > 0 && (
            <Alert
              className="wf-problems"
              type="error"
              showIcon
              data-testid="wf-problems"
              title={t('workflows.problemsOn', { count: problemCount })}
              description={
                <>
                  {problems.workflow.map((p, i) => (
                    <div key={`w${i}`}>{problemText(lang, p)}</div>
                  ))}
                  {[...problems.steps.values(), ...problems.edges.values()].flat().map((p, i) => (
                    <div key={i}>{problemText(lang, p)}</div>
                  ))}
                </>
              }
            />
          )}
        </div>
        <StepPanel editor={editor} nodeId={selection.node} edgeId={selection.edge} readOnly={locked} services={services} serverProblems={problems} />
      </div>
      {saved && (
        <ExecuteDialog
          workflow={{ ...saved, ...current, name, template }}
          services={services}
          open={executing}
          pending={execute.isPending}
          onOk={() => execute.mutate()}
          onCancel={() => setExecuting(false)}
        />
      )}
      {saved && <VersionsDrawer id={saved.id} current={saved.version} open={versionsOpen} onClose={() => setVersionsOpen(false)} />}
    </>
  );
}
