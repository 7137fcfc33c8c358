// The rule in effect as a graph (seed 003: "如果用拓扑图来展现，就更直观"):
// the entry on the left; one lane per version chain across the services,
// each node the version that service takes on that lane (old green, new
// blue); the edge into a lane carries what sends requests there — the
// default route, blue-green conditions, gray weights.
import { memo } from 'react';
import { BaseEdge, EdgeLabelRenderer, getSmoothStepPath, Handle, Position, type Edge, type EdgeProps, type Node, type NodeProps } from '@xyflow/react';
import { StaticFlow } from '../../components/StaticFlow';
import { Tag, Tooltip } from 'antd';
import { ApiOutlined, ClusterOutlined } from '@ant-design/icons';
import type { ServiceVersions, Topology } from '../../api/types';
import { useI18n } from '../../i18n/I18nProvider';
import type { Translate } from '../../i18n/messages';
import { chainOf, sideOf, type Chain } from './highlight';
import { lanesOf, type Lane, type LaneLabel } from './topology';

const ENTRY_W = 190;
const SERVICE_W = 190;
const FIRST_X = ENTRY_W + 210; // room for the route labels
const COLUMN = SERVICE_W + 40;
const LANE_H = 110;
const NODE_H = 58;

type Side = 'old' | 'new' | 'both' | 'unknown' | 'any';

type EntryNode = Node<{ title: string; name: string; header?: Record<string, string>; global: boolean }, 'entry'>;
type ServiceNode = Node<{ service: string; version: string; side: Side }, 'service'>;
type RouteEdge = Edge<{ chain: Chain | 'none'; title?: string; labels: { text: string; kind: LaneLabel['kind'] | 'none' }[] }, 'route'>;

const sideColor: Record<Side, string> = { old: 'green', new: 'blue', both: 'default', unknown: 'gold', any: 'default' };
const chainStroke: Record<Chain | 'none', string> = { old: '#52c41a', new: '#1677ff', mixed: '#faad14', none: '#bfbfbf' };

function EntryNodeView({ data }: NodeProps<EntryNode>) {
  const header = Object.entries(data.header ?? {});
  return (
    <div className="topo-node topo-entry" style={{ width: ENTRY_W }}>
      <div className="topo-node-title">
        {data.global ? <ClusterOutlined /> : <ApiOutlined />} {data.title}
      </div>
      <div className="topo-node-name" title={data.name}>
        {data.name}
      </div>
      {header.length > 0 && (
        <div className="topo-header">
          {header.map(([k, v]) => (
            <Tag key={k} style={{ marginInlineEnd: 4, fontSize: 11 }}>
              {k}={v}
            </Tag>
          ))}
        </div>
      )}
      <Handle type="source" position={Position.Right} className="topo-handle" />
    </div>
  );
}

function ServiceNodeView({ data }: NodeProps<ServiceNode>) {
  return (
    <div className={`topo-node topo-service topo-side-${data.side}`} style={{ width: SERVICE_W }}>
      <Handle type="target" position={Position.Left} className="topo-handle" />
      <div className="topo-node-name" title={data.service}>
        {data.service}
      </div>
      <Tag color={sideColor[data.side]} style={{ marginInlineEnd: 0 }}>
        {data.version}
      </Tag>
      <Handle type="source" position={Position.Right} className="topo-handle" />
    </div>
  );
}

function RouteEdgeView({ id, sourceX, sourceY, targetX, targetY, data }: EdgeProps<RouteEdge>) {
  const [path] = getSmoothStepPath({
    sourceX,
    sourceY,
    targetX,
    targetY,
    sourcePosition: Position.Right,
    targetPosition: Position.Left,
    centerX: sourceX + 24,
    borderRadius: 10,
  });
  const chain = data?.chain ?? 'none';
  const labels = data?.labels ?? [];
  return (
    <>
      <BaseEdge id={id} path={path} style={{ stroke: chainStroke[chain], strokeWidth: 2 }} />
      {labels.length > 0 && (
        <EdgeLabelRenderer>
          <div
            className={`topo-label topo-chain-${chain}`}
            style={{ transform: `translate(-50%, -50%) translate(${(sourceX + 24 + targetX) / 2 + 6}px, ${targetY}px)` }}
          >
            {data?.title && <div className="topo-label-title">{data.title}</div>}
            {labels.map((l, i) => (
              <Tooltip key={i} title={l.text}>
                <div className={`topo-label-line topo-label-${l.kind}`}>{l.text}</div>
              </Tooltip>
            ))}
          </div>
        </EdgeLabelRenderer>
      )}
    </>
  );
}

const nodeTypes = { entry: memo(EntryNodeView), service: memo(ServiceNodeView) };
const edgeTypes = { route: memo(RouteEdgeView) };

function labelText(l: LaneLabel, t: Translate): string {
  switch (l.kind) {
    case 'default':
      return t('topology.default');
    case 'gray':
      return `${t('topology.gray', { weight: l.weight })}: ${l.expression || t('topology.basic')}`;
    default:
      return l.expression;
  }
}

const chainTitle: Record<Chain, 'topology.oldChain' | 'topology.newChain' | 'topology.mixedChain'> = {
  old: 'topology.oldChain',
  new: 'topology.newChain',
  mixed: 'topology.mixedChain',
};

/** Nodes and edges of a topology; exported for the unit test. */
export function graphOf(topology: Topology, versions: ServiceVersions[], entryTitle: string, global: boolean, t: Translate) {
  const lanes: Lane[] = lanesOf(topology);
  const noRule = lanes.length === 0;
  const shown: Lane[] = noRule ? [{ key: 'any', versions: {}, labels: [] }] : lanes;
  const height = shown.length * LANE_H;
  const nodes: (EntryNode | ServiceNode)[] = [
    {
      id: 'entry',
      type: 'entry',
      position: { x: 0, y: height / 2 - LANE_H / 2 },
      data: { title: entryTitle, name: topology.entry, header: topology.header, global },
    },
  ];
  const edges: RouteEdge[] = [];
  shown.forEach((lane, row) => {
    const chain: Chain | 'none' = noRule ? 'none' : chainOf(lane.versions, versions);
    topology.services.forEach((service, col) => {
      const version = lane.versions[service];
      const side: Side = version ? sideOf(service, version, versions) : 'any';
      nodes.push({
        id: `${row}:${service}`,
        type: 'service',
        position: { x: FIRST_X + col * COLUMN, y: row * LANE_H },
        data: { service, version: version || t('topology.anyVersion'), side },
      });
      if (col > 0) {
        edges.push({
          id: `${row}:${col}`,
          source: `${row}:${topology.services[col - 1]}`,
          target: `${row}:${service}`,
          type: 'route',
          data: { chain, labels: [] },
        });
      }
    });
    if (topology.services.length > 0) {
      edges.push({
        id: `entry:${row}`,
        source: 'entry',
        target: `${row}:${topology.services[0]}`,
        type: 'route',
        data: noRule
          ? { chain, labels: [{ text: t('topology.noRule'), kind: 'none' }] }
          : { chain, title: t(chainTitle[chain === 'none' ? 'mixed' : chain]), labels: lane.labels.map((l) => ({ text: labelText(l, t), kind: l.kind })) },
      });
    }
  });
  return { nodes, edges, height: Math.max(height, NODE_H) };
}

export function TopologyGraph({ topology, versions, global }: { topology: Topology; versions: ServiceVersions[]; global: boolean }) {
  const { t } = useI18n();
  const { nodes, edges, height } = graphOf(topology, versions, global ? t('topology.entryGlobal') : t('topology.entry'), global, t);
  return (
    <div className="topology" style={{ height: height + 40 }} data-testid="topology">
      <StaticFlow nodes={nodes} edges={edges} nodeTypes={nodeTypes} edgeTypes={edgeTypes} padding={0.06} />
    </div>
  );
}
