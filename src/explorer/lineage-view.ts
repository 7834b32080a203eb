// The lineage view: one artifact with what it was built from and what was built from it, to a chosen depth.
// The graph and the lists beside it show the same nodes and edges; either opens the evidence panel.
import { explainError } from './api.ts';
import type { App } from './app.ts';
import { append, byId, clear, h, pagedList } from './dom.ts';
import { createGraphView, type GraphView } from './graph-view.ts';
import {
  edgeWords,
  KIND_LABELS,
  lineagePlan,
  nodeLabel,
  shortKey,
  type DrawPlan,
  type DrawnEdge,
  type DrawnNode,
} from './graph-model.ts';
import { lineage, signatureStatuses } from './queries.ts';
import type { Lineage } from './types.ts';

const ARTIFACT_KINDS = new Set(['MODEL', 'DATASET', 'FILE', 'ARTIFACT']);

export function createLineageView(app: App) {
  const form = byId<HTMLFormElement>('lineage-form');
  const digestInput = byId<HTMLInputElement>('lineage-digest');
  const direction = byId<HTMLSelectElement>('lineage-direction');
  const depth = byId<HTMLInputElement>('lineage-depth');
  const note = byId('lineage-note');
  const nodeList = byId('lineage-nodes');
  const edgeList = byId('lineage-edges');
  const container = byId('lineage-graph');
  let graph: GraphView | null = null;
  let plan: DrawPlan | null = null;
  let names = new Map<string, string>();
  const nameOf = (key: string): string => names.get(key) ?? shortKey(key);

  const view = (): GraphView =>
    (graph ??= createGraphView(container, (selection) => {
      if (!plan) return;
      if (selection.kind === 'node') {
        const node = plan.nodes.find((n) => n.id === selection.id);
        if (node) openNode(node);
      } else {
        const edge = plan.edges.find((e) => e.id === selection.id);
        if (edge) openEdge(edge);
      }
    }));

  function markCurrent(id: string): void {
    for (const button of [...nodeList.querySelectorAll('button'), ...edgeList.querySelectorAll('button')])
      button.setAttribute('aria-current', String(button.dataset['id'] === id));
  }

  function openNode(node: DrawnNode): void {
    view().select(node.id);
    markCurrent(node.id);
    void app.showNode(node, plan?.edges ?? [], nameOf);
  }

  function openEdge(edge: DrawnEdge): void {
    view().select(edge.id);
    markCurrent(edge.id);
    void app.showEdge(edge, nameOf);
  }

  function nodeItem(node: DrawnNode): HTMLElement {
    return h(
      'li',
      { class: node.affected ? 'affected' : '', data: { key: node.key, kind: node.kind } },
      h(
        'button',
        { attrs: { type: 'button' }, data: { id: node.id }, onClick: () => openNode(node) },
        h('span', { class: `badge ${node.kind.toLowerCase()}` }, KIND_LABELS[node.kind]),
        h('span', {}, nodeLabel(node)),
        node.affected ? h('span', { class: 'badge affected' }, 'affected') : null,
        node.id === '' ? h('span', { class: 'hint' }, `depth ${node.depth}, not drawn`) : null,
      ),
    );
  }

  function edgeItem(edge: DrawnEdge): HTMLElement {
    return h(
      'li',
      { data: { from: edge.from, to: edge.to, type: edge.type } },
      h(
        'button',
        { attrs: { type: 'button' }, data: { id: edge.id }, onClick: () => openEdge(edge) },
        h(
          'span',
          {},
          nameOf(edge.from),
          ' ',
          h('span', { class: 'type' }, edgeWords(edge.type)),
          edge.detail ? ` (${edge.detail}) ` : ' ',
          nameOf(edge.to),
        ),
        edge.verified ? null : h('span', { class: 'badge unverified' }, 'unverified'),
      ),
    );
  }

  /**
   * The drawing and lists must answer the form: an earlier answer left beside a refused one (a lineage too large to
   * send, an unknown digest) would read as the answer at the new depth. The note says why nothing is drawn.
   */
  function nothingDrawn(why: string): void {
    plan = null;
    graph?.clear();
    clear(nodeList);
    clear(edgeList);
    note.textContent = `Nothing drawn: ${why}`;
  }

  async function load(digest: string): Promise<void> {
    const maxDepth = Math.min(20, Math.max(1, Math.trunc(Number(depth.value) || 3)));
    depth.value = String(maxDepth);
    app.status(`Reading the lineage of ${shortKey(digest)}…`);
    let answer: Lineage | null;
    try {
      answer = await lineage(app.request, digest, direction.value, maxDepth);
    } catch (error) {
      app.fail(error);
      nothingDrawn(explainError(error));
      return;
    }
    if (!answer) {
      app.status(`The graph has no artifact ${digest}.`, true);
      nothingDrawn(`the graph has no artifact ${digest}.`);
      return;
    }
    try {
      const root = answer.root;
      plan = lineagePlan(answer, app.affectedKeys() ?? new Set());
      names = new Map(answer.nodes.map((n) => [n.key, nodeLabel(n)]));
      view().show(plan);
      note.textContent = [
        `${answer.nodes.length} nodes and ${answer.edges.length} edges within ${maxDepth} hops of ${nodeLabel(root)}.`,
        plan.note ?? '',
      ].join(' ');
      // The side list holds every node of the answer, drawn or not, a page at a time.
      const drawn = new Map(plan.nodes.map((n) => [n.key, n]));
      const all: DrawnNode[] = answer.nodes.map((n) => drawn.get(n.key) ?? { ...n, id: '', affected: false, compromised: false });
      pagedList(nodeList, all, nodeItem);
      pagedList(edgeList, plan.edges, edgeItem);
      app.status(`Lineage of ${nodeLabel(root)}: ${answer.nodes.length} nodes.`);
      const rootNode = plan.nodes.find((n) => n.key === root.key);
      if (rootNode) void app.showNode(rootNode, plan.edges, nameOf);
      await markUnsigned(plan);
    } catch (error) {
      app.fail(error);
    }
  }

  /** Artifacts without a verified signature are drawn dashed: one batched look-up for the drawn artifacts. */
  async function markUnsigned(current: DrawPlan): Promise<void> {
    const digests = current.nodes.filter((n) => ARTIFACT_KINDS.has(n.kind)).map((n) => n.key);
    const statuses = await signatureStatuses(app.request, digests);
    if (plan !== current) return;
    const unsigned = new Set([...statuses].filter(([, status]) => status !== 'VERIFIED').map(([key]) => key));
    view().mark('unsigned', unsigned);
    for (const item of nodeList.querySelectorAll<HTMLElement>('li[data-key]')) {
      const key = item.dataset['key'] ?? '';
      if (unsigned.has(key) && !item.querySelector('.badge.unsigned'))
        append(item.querySelector('button') ?? item, h('span', { class: 'badge unsigned' }, 'unsigned'));
    }
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void load(digestInput.value.trim());
  });

  return {
    async open(digest: string): Promise<void> {
      digestInput.value = digest;
      await load(digest);
    },
    /** The tab was shown: the canvas may have been laid out while hidden. */
    shown(): void {
      graph?.fit();
    },
    highlight(keys: ReadonlySet<string>): void {
      graph?.mark('affected', keys);
    },
  };
}
