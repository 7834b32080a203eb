// The trace drawn: the compromised nodes and the nearest affected ones in red with the paths that reach them, ranks
// too wide to draw as counts (graph-model.ts), and the same nodes as a list beside the drawing.
import type { App } from '../app.ts';
import { byId, h, pagedList } from '../dom.ts';
import { createGraphView, type GraphView } from '../graph-view.ts';
import { KIND_LABELS, nodeLabel, shortKey, tracePlan, type Aggregate, type DrawPlan, type DrawnNode } from '../graph-model.ts';
import type { AffectedNode, NodeRef, Trace } from '../types.ts';

export interface IncidentGraph {
  draw(data: Trace, known: readonly AffectedNode[]): void;
  /** opens a node in the evidence panel, with the drawn edges around it. */
  showNode(node: NodeRef): void;
  fit(): void;
}

/** `onAggregate` hears of a click on a rank drawn as a count: the table shows where that depth starts. */
export function createIncidentGraph(app: App, onAggregate: (depth: number) => void): IncidentGraph {
  const container = byId('incident-graph');
  let graph: GraphView | null = null;
  let plan: DrawPlan | null = null;
  let names = new Map<string, string>();
  const nameOf = (key: string): string => names.get(key) ?? shortKey(key);
  const showNode = (node: NodeRef): void => void app.showNode(node, plan?.edges ?? [], nameOf);

  const view = (): GraphView =>
    (graph ??= createGraphView(container, (selection) => {
      if (!plan) return;
      const node = selection.kind === 'node' ? plan.nodes.find((n) => n.id === selection.id) : undefined;
      const edge = selection.kind === 'edge' ? plan.edges.find((e) => e.id === selection.id) : undefined;
      if (node) void app.showNode(node, plan.edges, nameOf);
      if (edge) void app.showEdge(edge, nameOf);
    }));

  function aggregateItem(aggregate: Aggregate): HTMLElement {
    const button = h('button', { attrs: { type: 'button' }, onClick: () => onAggregate(aggregate.depth) }, aggregate.label);
    return h('li', { class: 'aggregate', data: { depth: String(aggregate.depth), count: String(aggregate.count) } }, button);
  }

  function nodeItem(node: DrawnNode): HTMLElement {
    const classes = [node.affected ? 'affected' : '', node.compromised ? 'compromised' : ''].join(' ').trim();
    return h(
      'li',
      { class: classes, data: { key: node.key, kind: node.kind } },
      h(
        'button',
        {
          attrs: { type: 'button' },
          onClick: () => {
            view().select(node.id);
            showNode(node);
          },
        },
        h('span', { class: `badge ${node.kind.toLowerCase()}` }, KIND_LABELS[node.kind]),
        h('span', {}, nodeLabel(node)),
        node.compromised ? h('span', { class: 'badge rejected' }, 'compromised') : null,
        node.affected ? h('span', { class: 'badge affected' }, 'affected') : null,
      ),
    );
  }

  return {
    draw(data: Trace, known: readonly AffectedNode[]): void {
      plan = tracePlan(data.compromised, known, data.summary);
      names = new Map(plan.nodes.map((n) => [n.key, nodeLabel(n)]));
      view().show(plan);
      container.dataset['highlighted'] = view().keysWith('affected').join(' ');
      byId('incident-note').textContent =
        plan.note ?? `All ${data.summary.total} affected nodes are drawn, with the paths that reach them.`;
      pagedList(byId('incident-nodes'), [...plan.nodes, ...plan.aggregates], (item) =>
        'key' in item ? nodeItem(item) : aggregateItem(item),
      );
    },
    showNode,
    fit(): void {
      graph?.fit();
    },
  };
}
