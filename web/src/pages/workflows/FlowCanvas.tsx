// The chart: @xyflow/react over the editor's graph, with the problems on
// the nodes and edges at fault, 是/否 and loop labels, drop from the palette.
import { useCallback, useMemo, type DragEvent } from 'react';
import {
  Background,
  Controls,
  MarkerType,
  MiniMap,
  ReactFlow,
  useReactFlow,
  type Connection,
  type IsValidConnection,
  type NodeTypes,
} from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { useI18n } from '../../i18n/I18nProvider';
import { connectionEdge, hasEdge, type StepEdge, type StepNode as StepNodeType } from './graph';
import type { StepType } from './model';
import { DRAG_TYPE } from './Palette';
import { StepNode } from './StepNode';
import type { GraphEditor } from './useGraphEditor';
import { stepColor } from './stepLook';

const nodeTypes: NodeTypes = { step: StepNode };

export interface Selection {
  node?: string;
  edge?: string;
}

export function FlowCanvas({
  editor,
  readOnly,
  selection,
  onSelect,
  nodeProblems,
  edgeProblems,
  onDropStep,
}: {
  editor: GraphEditor;
  readOnly: boolean;
  selection: Selection;
  onSelect: (s: Selection) => void;
  nodeProblems: Map<string, string[]>;
  edgeProblems: Map<string, string[]>;
  onDropStep: (type: StepType, at: { x: number; y: number }) => void;
}) {
  const { t } = useI18n();
  const flow = useReactFlow<StepNodeType, StepEdge>();
  const { graph } = editor;

  const nodes = useMemo(
    () =>
      graph.nodes.map((n) => ({
        ...n,
        selected: n.id === selection.node,
        data: { ...n.data, problems: nodeProblems.get(n.id), readOnly },
      })),
    [graph.nodes, selection.node, nodeProblems, readOnly],
  );

  const edges = useMemo(
    () =>
      graph.edges.map((e) => {
        const problems = edgeProblems.get(`${e.source}>${e.target}`);
        const d = e.data;
        let label: string | undefined;
        if (d?.when === 'yes') label = t('workflows.branch.yes');
        else if (d?.when === 'no') label = t('workflows.branch.no');
        if (d?.loop) label = [label, (d.maxTraversals ? t('workflows.loopTimes', { n: d.maxTraversals }) : t('workflows.loopOff'))].filter(Boolean).join(' · ');
        if (problems) label = `⚠ ${label ?? ''}`.trim();
        const color = problems ? '#ff4d4f' : d?.loop ? '#fa8c16' : d?.when === 'yes' ? '#ff4d4f' : '#8c8c8c';
        return {
          ...e,
          label,
          selected: e.id === selection.edge,
          className: [e.className, problems ? 'wf-edge-invalid' : ''].filter(Boolean).join(' ') || undefined,
          markerEnd: { type: MarkerType.ArrowClosed, color, width: 16, height: 16 },
          labelStyle: { fill: problems ? '#ff4d4f' : 'rgba(0,0,0,0.75)', fontSize: 12, fontWeight: 600 },
          labelBgStyle: { fill: '#fff' },
          pathOptions: d?.loop ? { offset: 36, borderRadius: 8 } : { borderRadius: 8 },
          domAttributes: { 'data-testid': `wf-edge-${e.source}-${e.target}`, 'data-invalid': problems ? 'true' : undefined } as StepEdge['domAttributes'],
          ariaLabel: problems?.join(' '),
        };
      }),
    [graph.edges, selection.edge, edgeProblems, t],
  );

  const isValid: IsValidConnection<StepEdge> = useCallback(
    (c) => {
      if (!c.source || !c.target || c.source === c.target) return false;
      const target = graph.nodes.find((n) => n.id === c.target)?.data.step;
      if (!target || target.type === 'START') return false;
      return !hasEdge(graph.edges, c.source, c.target);
    },
    [graph],
  );

  const onConnect = useCallback(
    (c: Connection) => {
      const e = connectionEdge(graph.nodes, graph.edges, c.source, c.target, c.sourceHandle);
      if (e && !hasEdge(graph.edges, e.from, e.to)) editor.connect(e);
    },
    [graph, editor],
  );

  const onDrop = useCallback(
    (ev: DragEvent) => {
      const type = ev.dataTransfer.getData(DRAG_TYPE) as StepType;
      if (!type || readOnly) return;
      ev.preventDefault();
      onDropStep(type, flow.screenToFlowPosition({ x: ev.clientX, y: ev.clientY }));
    },
    [flow, onDropStep, readOnly],
  );

  return (
    <ReactFlow<StepNodeType, StepEdge>
      className={readOnly ? 'readonly' : undefined}
      nodes={nodes}
      edges={edges}
      nodeTypes={nodeTypes}
      onNodesChange={editor.onNodesChange}
      onNodeDragStart={editor.dragStarted}
      onNodeDragStop={editor.dragStopped}
      onConnect={onConnect}
      isValidConnection={isValid}
      onNodeClick={(_, n) => onSelect({ node: n.id })}
      onEdgeClick={(_, e) => onSelect({ edge: e.id })}
      onPaneClick={() => onSelect({})}
      onDragOver={(ev) => {
        ev.preventDefault();
        ev.dataTransfer.dropEffect = 'move';
      }}
      onDrop={onDrop}
      nodesDraggable={!readOnly}
      nodesConnectable={!readOnly}
      elementsSelectable
      deleteKeyCode={null}
      fitView
      fitViewOptions={{ padding: 0.15, maxZoom: 1 }}
      minZoom={0.2}
      maxZoom={1.5}
      proOptions={{ hideAttribution: true }}
      defaultEdgeOptions={{ type: 'smoothstep' }}
    >
      <Background gap={16} color="#f0f0f0" />
      <Controls showInteractive={false} />
      <MiniMap pannable zoomable nodeColor={(n) => stepColor((n as StepNodeType).data.step.type)} style={{ width: 140, height: 100 }} />
    </ReactFlow>
  );
}
