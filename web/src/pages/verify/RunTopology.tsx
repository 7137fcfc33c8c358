// The chains a run saw as a graph (seed 003: 如果用拓扑图来展现，就更直观):
// the entry on the left, a node per service@@version with its count (old
// versions green, new blue), an edge per call with its count and share.
import { memo } from 'react';
import { BaseEdge, EdgeLabelRenderer, getBezierPath, Handle, Position, type Edge, type EdgeProps, type Node, type NodeProps } from '@xyflow/react';
import { StaticFlow } from '../../components/StaticFlow';
import { Empty, Tag } from 'antd';
import { ApiOutlined } from '@ant-design/icons';
import { useI18n } from '../../i18n/I18nProvider';
import type { ChainTopology, ServiceSides } from './model';
import { layoutOf, type PlacedNode, type Side } from './topology';

const NODE_W = 230;
const COLUMN = NODE_W + 130;
const ROW = 84;

type VersionNode = Node<PlacedNode & { entryTitle: string; calls: string }, 'version'>;
type CallEdge = Edge<{ count: number; share: number; side: Side }, 'call'>;

const sideColor: Record<Side, string> = { old: 'green', new: 'blue', entry: 'purple', none: 'default' };
const stroke: Record<Side, string> = { old: '#52c41a', new: '#1677ff', entry: '#722ed1', none: '#8c8c8c' };

function VersionNodeView({ data }: NodeProps<VersionNode>) {
  return (
    <div className={`topo-node ${data.entry ? 'topo-entry' : `topo-service topo-side-${data.side}`}`} style={{ width: NODE_W }} data-testid="verify-topo-node" data-id={data.id}>
      {!data.entry && <Handle type="target" position={Position.Left} className="topo-handle" />}
      {data.entry && (
        <div className="topo-node-title">
          <ApiOutlined /> {data.entryTitle}
        </div>
      )}
      <div className="topo-node-name" title={data.service}>
        {data.service}
      </div>
      <div className="verify-topo-line">
        <Tag color={sideColor[data.side]} style={{ marginInlineEnd: 0 }}>
          {data.version}
        </Tag>
        <span className="verify-topo-count">{data.calls}</span>
      </div>
      <Handle type="source" position={Position.Right} className="topo-handle" />
    </div>
  );
}

function CallEdgeView({ id, sourceX, sourceY, targetX, targetY, data }: EdgeProps<CallEdge>) {
  const [path, labelX, labelY] = getBezierPath({ sourceX, sourceY, targetX, targetY, sourcePosition: Position.Right, targetPosition: Position.Left });
  const side = data?.side ?? 'none';
  return (
    <>
      <BaseEdge id={id} path={path} style={{ stroke: stroke[side], strokeWidth: 1.5 + Math.min(3, (data?.share ?? 0) / 33) }} />
      <EdgeLabelRenderer>
        <div className="topo-label verify-edge-label" style={{ transform: `translate(-50%, -50%) translate(${labelX}px, ${labelY}px)` }} data-testid="verify-topo-edge">
          {data?.count} · {data?.share}%
        </div>
      </EdgeLabelRenderer>
    </>
  );
}

const nodeTypes = { version: memo(VersionNodeView) };
const edgeTypes = { call: memo(CallEdgeView) };

export function RunTopology({ topology, sides }: { topology: ChainTopology; sides?: ServiceSides[] }) {
  const { t } = useI18n();
  const layout = layoutOf(topology, sides);
  if (layout.nodes.length === 0) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('verify.topology.empty')} />;
  const sideById = new Map(layout.nodes.map((n) => [n.id, n.side]));
  const top = (layout.rows - 1) * ROW;
  const nodes: VersionNode[] = layout.nodes.map((n) => {
    const inColumn = layout.nodes.filter((m) => m.column === n.column).length;
    const offset = top / 2 - ((inColumn - 1) * ROW) / 2;
    return {
      id: n.id,
      type: 'version',
      position: { x: n.column * COLUMN, y: offset + n.row * ROW },
      data: { ...n, entryTitle: t('verify.topology.entry'), calls: t('verify.topology.calls', { count: n.count }) },
    };
  });
  const edges: CallEdge[] = layout.edges.map((e) => ({
    id: e.id,
    source: e.from,
    target: e.to,
    type: 'call',
    data: { count: e.count, share: e.share, side: sideById.get(e.to) ?? 'none' },
  }));
  const height = Math.max(1, layout.rows) * ROW + 60;
  return (
    <div className="topology" style={{ height }} data-testid="verify-topology">
      <StaticFlow nodes={nodes} edges={edges} nodeTypes={nodeTypes} edgeTypes={edgeTypes} padding={0.08} />
    </div>
  );
}
