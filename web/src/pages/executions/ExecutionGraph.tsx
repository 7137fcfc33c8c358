// 执行进度's graph tab: the workflow version the execution runs, read-only,
// each node coloured by its step's state (✅ green, 🔵 blue, ⏸ amber, ❌ red,
// ⚪ grey), the decisions' 是 / 否 on their edges, the edges back dashed.
import { useMemo } from 'react';
import { Background, Controls, MarkerType, ReactFlow, type Edge, type Node } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { Alert, Flex, Tag } from 'antd';
import { useI18n } from '../../i18n/I18nProvider';
import type { View } from './live';
import type { Workflow } from './model';
import { backEdges, layoutGraph, NODE_H, NODE_W } from './graphLayout';
import { LookIcon } from './parts';
import { LOOK_COLOR, lookOf, type Look } from './steps';

const LEGEND: Look[] = ['done', 'running', 'held', 'pending', 'failed', 'skipped'];

export function ExecutionGraph({ workflow, view, error }: { workflow?: Workflow; view: View; error: unknown }) {
  const { t } = useI18n();
  const { nodes, edges, height } = useMemo(() => {
    if (!workflow) return { nodes: [] as Node[], edges: [] as Edge[], height: 0 };
    const placed = layoutGraph(workflow.steps, workflow.edges);
    const runs = new Map(view.steps.map((s) => [s.stepId, s]));
    const back = backEdges(workflow.steps, workflow.edges);
    const nodes: Node[] = workflow.steps.map((s) => {
      const run = runs.get(s.id);
      const look: Look = run ? lookOf(run, view.status) : 'pending';
      const c = LOOK_COLOR[look];
      const p = placed.get(s.id)!;
      return {
        id: s.id,
        position: { x: p.x, y: p.y },
        data: { label: <NodeLabel look={look} name={s.name} /> },
        draggable: false,
        connectable: false,
        selectable: false,
        className: `exe-node exe-node-${look}`,
        style: {
          width: NODE_W,
          height: NODE_H,
          background: c.fill,
          border: `${s.id === view.currentStepId ? 2 : 1}px solid ${c.border}`,
          color: c.text,
          borderRadius: s.type === 'DECISION' ? 22 : s.type === 'START' || s.type === 'END' ? 22 : 6,
          fontSize: 13,
          display: 'flex',
          alignItems: 'center',
          justifyContent: 'center',
          padding: '0 8px',
        },
        ariaLabel: `${s.name}: ${t(`exe.graph.legend.${look}`)}`,
      };
    });
    const edges: Edge[] = workflow.edges.map((e, i) => {
      const from = runs.get(e.from);
      const to = runs.get(e.to);
      const taken = !!from && from.status === 'COMPLETED' && !!to && to.status !== 'PENDING';
      const label = e.when === 'yes' ? t('exe.graph.yes') : e.when === 'no' ? t('exe.graph.no') : undefined;
      return {
        id: `e${i}`,
        source: e.from,
        target: e.to,
        label,
        type: back.has(i) ? 'smoothstep' : 'default',
        animated: !!to && to.status === 'RUNNING',
        markerEnd: { type: MarkerType.ArrowClosed, color: taken ? '#52c41a' : '#bfbfbf' },
        style: { stroke: taken ? '#52c41a' : '#bfbfbf', strokeWidth: taken ? 2 : 1, strokeDasharray: back.has(i) ? '6 4' : undefined },
      };
    });
    const bottom = Math.max(0, ...[...placed.values()].map((p) => p.y + NODE_H));
    return { nodes, edges, height: bottom };
  }, [workflow, view.steps, view.status, view.currentStepId, t]);

  if (!workflow) return error ? <Alert type="warning" showIcon title={t('exe.graph.unavailable')} /> : null;
  return (
    <div data-testid="execution-graph">
      <Flex gap={4} wrap style={{ marginBottom: 8 }}>
        {LEGEND.map((l) => (
          <Tag key={l} style={{ background: LOOK_COLOR[l].fill, borderColor: LOOK_COLOR[l].border, color: LOOK_COLOR[l].text }}>
            <LookIcon look={l} /> {t(`exe.graph.legend.${l}`)}
          </Tag>
        ))}
      </Flex>
      {/* Tall enough to read every node without zooming: the graph is a column. */}
      <div className="exe-graph" style={{ height: Math.min(1100, Math.max(360, height * 0.85 + 48)) }}>
        <ReactFlow
          nodes={nodes}
          edges={edges}
          fitView
          fitViewOptions={{ padding: 0.06, maxZoom: 1 }}
          nodesDraggable={false}
          nodesConnectable={false}
          elementsSelectable={false}
          zoomOnScroll={false}
          panOnScroll
          proOptions={{ hideAttribution: true }}
          minZoom={0.3}
        >
          <Background gap={16} size={1} />
          <Controls showInteractive={false} />
        </ReactFlow>
      </div>
    </div>
  );
}

function NodeLabel({ look, name }: { look: Look; name: string }) {
  return (
    <span className="exe-node-label">
      <LookIcon look={look} /> {name}
    </span>
  );
}
