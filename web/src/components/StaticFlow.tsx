// StaticFlow: a React Flow diagram to read, not to edit (the release's
// topology, a verification run's chains): fitted to its box and never
// drawn above 100 %; nothing is dragged, connected, selected, panned or
// zoomed, and the page scrolls over it.
import { ReactFlow, type Edge, type Node, type ReactFlowProps } from '@xyflow/react';
import '@xyflow/react/dist/style.css';

export type StaticFlowProps<N extends Node, E extends Edge> = Pick<ReactFlowProps<N, E>, 'nodes' | 'edges' | 'nodeTypes' | 'edgeTypes'> & {
  /** The margin around the fitted diagram, a share of its size. */
  padding: number;
};

export function StaticFlow<N extends Node, E extends Edge>({ padding, ...shown }: StaticFlowProps<N, E>) {
  return (
    <ReactFlow<N, E>
      {...shown}
      fitView
      fitViewOptions={{ padding, maxZoom: 1 }}
      minZoom={0.3}
      nodesDraggable={false}
      nodesConnectable={false}
      elementsSelectable={false}
      panOnDrag={false}
      zoomOnScroll={false}
      zoomOnPinch={false}
      zoomOnDoubleClick={false}
      preventScrolling={false}
      proOptions={{ hideAttribution: true }}
    />
  );
}
