package verify

import (
	"github.com/switchyard-io/switchyard"
)

// maxNodes bounds the nodes (and edges) a topology keeps.
const maxNodes = 200

// topology collects the chains seen into a graph of service@@version nodes.
type topology struct {
	nodes []switchyard.TopologyNode
	edges []switchyard.TopologyEdge
	node  map[string]int
	edge  map[[2]string]int
}

func newTopology() *topology {
	return &topology{node: map[string]int{}, edge: map[[2]string]int{}}
}

// load continues from a saved graph.
func (t *topology) load(g switchyard.ChainTopology) {
	for _, n := range g.Nodes {
		t.node[n.ID] = len(t.nodes)
		t.nodes = append(t.nodes, n)
	}
	for _, e := range g.Edges {
		t.edge[[2]string{e.From, e.To}] = len(t.edges)
		t.edges = append(t.edges, e)
	}
}

// add counts one chain's hops (the first is the entry).
func (t *topology) add(hops []switchyard.ChainHop) {
	prev := ""
	for i, h := range hops {
		id := h.Service + "@@" + h.Version
		j, ok := t.node[id]
		if !ok {
			if len(t.nodes) >= maxNodes {
				return
			}
			j = len(t.nodes)
			t.node[id] = j
			t.nodes = append(t.nodes, switchyard.TopologyNode{ID: id, Service: h.Service, Version: h.Version, Entry: i == 0})
		}
		t.nodes[j].Count++
		if prev != "" {
			k, ok := t.edge[[2]string{prev, id}]
			if !ok && len(t.edges) < maxNodes {
				k, ok = len(t.edges), true
				t.edge[[2]string{prev, id}] = k
				t.edges = append(t.edges, switchyard.TopologyEdge{From: prev, To: id})
			}
			if ok {
				t.edges[k].Count++
			}
		}
		prev = id
	}
}

// graph is a copy of the graph.
func (t *topology) graph() switchyard.ChainTopology {
	return switchyard.ChainTopology{Nodes: append([]switchyard.TopologyNode{}, t.nodes...), Edges: append([]switchyard.TopologyEdge{}, t.edges...)}
}
