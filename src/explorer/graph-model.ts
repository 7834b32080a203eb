// What to draw, as plain cytoscape element definitions, from a lineage answer or an incident trace. Nodes are drawn
// one by one rank (hops from the root) by rank, nearest first, while each rank is narrow enough to read and the total
// stays under a cap; every rank beyond that is drawn as one aggregate node saying how many nodes of which kinds it
// holds, so a 10,000-node blast radius is a chain of counts, not a smear of dots, and never reaches the layout
// whole. What is not drawn one by one is in the paged lists beside the graph.
// No DOM and no cytoscape here, so the capping is tested in node (test/unit/explorer/).
//
// Over 300 lines: the lineage plan and the trace plan share the rank capping and the element building.
import type { AffectedNode, Lineage, LineageEdge, NodeKind, NodeRef, Status, TraceSummary } from './types.ts';

/** Nodes drawn one by one at most: a layered layout of more takes seconds and stops being readable. */
export const DRAW_CAP = 300;
/** A rank wider than this is a column of unreadable dots: it and everything beyond it are aggregated. */
export const RANK_CAP = 40;
/**
 * A rank drawn one by one but wider than this is drawn as small nodes without labels (a name shows on hover and
 * selection, and the list has them all): forty labelled nodes stacked in one column would shrink the whole drawing,
 * the counts of the aggregated ranks included, to fit its height.
 */
export const LABEL_CAP = 12;

export interface ElementDef {
  readonly group: 'nodes' | 'edges';
  readonly data: { readonly id: string; readonly [field: string]: unknown };
  readonly classes: string;
}

export interface DrawnNode extends NodeRef {
  readonly id: string;
  readonly depth: number;
  readonly affected: boolean;
  readonly compromised: boolean;
}

export interface DrawnEdge {
  readonly id: string;
  readonly type: string;
  readonly from: string;
  readonly to: string;
  readonly detail: string | null;
  readonly verified: boolean;
  /** the attestations behind the edge. */
  readonly evidence: readonly { readonly attestation: string; readonly status: Status }[];
  /** the lineage edge, with its evidence's signers, when the drawing came from a lineage answer. */
  readonly lineage: LineageEdge | null;
}

/** A rank drawn as one node: how many nodes it holds. */
export interface Aggregate {
  readonly id: string;
  readonly side: Side;
  readonly depth: number;
  readonly count: number;
  readonly label: string;
}

export interface DrawPlan {
  readonly elements: readonly ElementDef[];
  readonly nodes: readonly DrawnNode[];
  readonly edges: readonly DrawnEdge[];
  readonly aggregates: readonly Aggregate[];
  /** nodes in the answer, drawn or not. */
  readonly total: number;
  /** what is drawn as counts instead of nodes, or null when everything is drawn. */
  readonly note: string | null;
}

type Side = 'UPSTREAM' | 'DOWNSTREAM';

export const nodeId = (key: string): string => `n:${key}`;
const edgeId = (type: string, from: string, to: string): string => `e:${type}|${from}|${to}`;

/** `sha256:0123456789ab…` for digests; other keys as they are, cut at 48 characters. */
export function shortKey(key: string): string {
  const digest = /^([a-z0-9-]+):([0-9a-f]{16,})$/.exec(key);
  if (digest) return `${digest[1]}:${(digest[2] ?? '').slice(0, 12)}…`;
  return key.length > 48 ? `${key.slice(0, 47)}…` : key;
}

export const nodeLabel = (node: NodeRef): string => node.name ?? shortKey(node.key);

/** `TRAINED_ON` → `trained on`. */
export const edgeWords = (type: string): string => type.toLowerCase().replaceAll('_', ' ');

export const KIND_LABELS: Readonly<Record<NodeKind, string>> = {
  MODEL: 'model',
  DATASET: 'dataset',
  FILE: 'file',
  PACKAGE: 'package',
  RUN: 'pipeline run',
  BUILDER: 'builder',
  ARTIFACT: 'artifact',
};

/** "715 models · 3 datasets" */
export function kindCounts(counts: ReadonlyMap<NodeKind, number>): string {
  return [...counts]
    .sort((a, b) => b[1] - a[1])
    .map(([kind, n]) => `${n.toLocaleString('en')} ${KIND_LABELS[kind]}${n === 1 ? '' : 's'}`)
    .join(' · ');
}

function nodeElement(node: DrawnNode, extra: readonly string[]): ElementDef {
  const classes = [node.kind.toLowerCase(), ...extra];
  if (node.affected) classes.push('affected');
  if (node.compromised) classes.push('compromised');
  return {
    group: 'nodes',
    data: { id: node.id, key: node.key, kind: node.kind, label: nodeLabel(node) },
    classes: classes.join(' '),
  };
}

function edgeElement(edge: DrawnEdge, crowded: ReadonlySet<string>): ElementDef {
  const classes = [edge.type.toLowerCase()];
  if (crowded.has(nodeId(edge.from)) || crowded.has(nodeId(edge.to))) classes.push('crowded');
  if (!edge.verified) classes.push('unverified');
  if (edge.evidence.some((e) => e.status === 'REJECTED')) classes.push('rejected');
  // Colour says the relationship (see the legend); the label stays short so small graphs remain readable.
  const label = edge.type === 'DERIVED_FROM' ? (edge.detail ?? 'derived') : edgeWords(edge.type);
  return {
    group: 'edges',
    data: { id: edge.id, source: nodeId(edge.from), target: nodeId(edge.to), label },
    classes: classes.join(' '),
  };
}

/** Ids of the drawn nodes whose rank (`rankOf`) holds more than LABEL_CAP drawn nodes. */
function crowdedIds<N extends DrawnNode>(nodes: readonly N[], rankOf: (node: N) => string): Set<string> {
  const sizes = new Map<string, number>();
  for (const node of nodes) sizes.set(rankOf(node), (sizes.get(rankOf(node)) ?? 0) + 1);
  return new Set(nodes.filter((node) => (sizes.get(rankOf(node)) ?? 0) > LABEL_CAP).map((node) => node.id));
}

interface Rank {
  readonly side: Side;
  readonly depth: number;
  /** how many nodes the rank holds in the answer. */
  readonly count: number;
  /** the rank's nodes, when all of them are at hand (a trace has only its first page). */
  readonly known: boolean;
  readonly label: string;
  /** the count as the drawing shows it, above the depth (`label` when absent). */
  readonly drawnLabel?: string;
}

/**
 * Which ranks to draw one by one: from the root outwards on each side, while the rank is known, narrow and fits the
 * cap; the first that does not, and every rank beyond it on that side, become aggregates.
 */
function splitRanks(ranks: readonly Rank[], cap: number): { drawn: Set<string>; aggregated: Rank[] } {
  const drawn = new Set<string>();
  const aggregated: Rank[] = [];
  let used = 0;
  for (const side of ['DOWNSTREAM', 'UPSTREAM'] as const) {
    let open = true;
    for (const rank of ranks.filter((r) => r.side === side).sort((a, b) => a.depth - b.depth)) {
      open &&= rank.known && rank.count <= RANK_CAP && used + rank.count <= cap;
      if (open) {
        drawn.add(`${side}:${rank.depth}`);
        used += rank.count;
      } else aggregated.push(rank);
    }
  }
  return { drawn, aggregated };
}

/**
 * Aggregate nodes and the edges that chain them to the drawn part, pointing as lineage edges do (from the dependent
 * side towards the root): a downstream aggregate at depth d points at the rank before it, an upstream one is pointed at.
 */
function aggregateElements(
  aggregated: readonly Rank[],
  drawnAt: (side: Side, depth: number) => readonly string[],
  affected: boolean,
): { elements: ElementDef[]; aggregates: Aggregate[] } {
  const elements: ElementDef[] = [];
  const aggregates: Aggregate[] = [];
  const idOf = (rank: { side: Side; depth: number }): string => `agg:${rank.side}:${rank.depth}`;
  const aggregatedAt = new Set(aggregated.map((r) => `${r.side}:${r.depth}`));
  for (const rank of aggregated) {
    const id = idOf(rank);
    const label = `${rank.label} at depth ${rank.depth}`;
    aggregates.push({ id, side: rank.side, depth: rank.depth, count: rank.count, label });
    elements.push({
      group: 'nodes',
      data: { id, label: `${rank.drawnLabel ?? rank.label}\ndepth ${rank.depth}`, count: rank.count },
      classes: `aggregate${affected ? ' affected' : ''}`,
    });
    const previous = aggregatedAt.has(`${rank.side}:${rank.depth - 1}`)
      ? [idOf({ side: rank.side, depth: rank.depth - 1 })]
      : drawnAt(rank.side, rank.depth - 1).map(nodeId);
    for (const other of previous) {
      const [source, target] = rank.side === 'DOWNSTREAM' ? [id, other] : [other, id];
      elements.push({ group: 'edges', data: { id: `${source}>${target}`, source, target, label: '' }, classes: 'aggregate' });
    }
  }
  return { elements, aggregates };
}

function aggregateNote(aggregates: readonly Aggregate[], total: number): string | null {
  if (aggregates.length === 0) return null;
  const hidden = aggregates.reduce((sum, a) => sum + a.count, 0);
  return `${hidden.toLocaleString('en')} of ${total.toLocaleString('en')} nodes are drawn as counts per depth (a rank over ${RANK_CAP} nodes, or over ${DRAW_CAP} in all, is not drawn one by one); the list has every one.`;
}

/** A lineage answer: ranks by direction and depth, each edge between drawn nodes with its evidence. */
export function lineagePlan(answer: Lineage, highlight: ReadonlySet<string> = new Set(), cap = DRAW_CAP): DrawPlan {
  const byRank = new Map<string, Lineage['nodes'][number][]>();
  for (const node of answer.nodes) {
    if (node.direction === 'ROOT') continue;
    const key = `${node.direction}:${node.depth}`;
    // Appended in place: copying the rank for each node would be quadratic in a rank of thousands.
    const rank = byRank.get(key);
    if (rank) rank.push(node);
    else byRank.set(key, [node]);
  }
  const ranks: Rank[] = [...byRank.values()].map((nodes) => {
    const counts = new Map<NodeKind, number>();
    for (const n of nodes) counts.set(n.kind, (counts.get(n.kind) ?? 0) + 1);
    const first = nodes[0] as Lineage['nodes'][number];
    return { side: first.direction as Side, depth: first.depth, count: nodes.length, known: true, label: kindCounts(counts) };
  });
  const { drawn, aggregated } = splitRanks(ranks, cap);
  const kept = answer.nodes
    .filter((n) => n.direction === 'ROOT' || drawn.has(`${n.direction}:${n.depth}`))
    .map((n) => ({ ...n, id: nodeId(n.key), affected: highlight.has(n.key), compromised: false }));
  const keys = new Set(kept.map((n) => n.key));
  const edges = answer.edges
    .filter((e) => keys.has(e.from.key) && keys.has(e.to.key))
    .map((e): DrawnEdge => ({
      id: edgeId(e.type, e.from.key, e.to.key),
      type: e.type,
      from: e.from.key,
      to: e.to.key,
      detail: e.how ?? e.role ?? e.result,
      verified: e.verified,
      evidence: e.evidence,
      lineage: e,
    }));
  const drawnAt = (side: Side, depth: number): string[] =>
    depth === 0 ? [answer.root.key] : (byRank.get(`${side}:${depth}`) ?? []).map((n) => n.key);
  const { elements, aggregates } = aggregateElements(aggregated, drawnAt, false);
  const crowded = crowdedIds(
    kept.filter((n) => n.key !== answer.root.key),
    (n) => `${n.direction}:${n.depth}`,
  );
  return {
    elements: [
      ...kept.map((n) =>
        nodeElement(n, [...(n.key === answer.root.key ? ['root'] : []), ...(crowded.has(n.id) ? ['crowded'] : [])]),
      ),
      ...edges.map((e) => edgeElement(e, crowded)),
      ...elements,
    ],
    nodes: kept,
    edges,
    aggregates,
    total: answer.nodes.length,
    note: aggregateNote(aggregates, answer.nodes.length),
  };
}

/**
 * An incident trace: the shortest evidence paths of the affected nodes in the ranks drawn one by one (`affected` is the
 * nearest first page, as the API orders it), the other ranks as counts from the trace's summary.
 */
export function tracePlan(
  compromised: readonly NodeRef[],
  affected: readonly AffectedNode[],
  summary: TraceSummary,
  cap = DRAW_CAP,
): DrawPlan {
  const fetched = new Map<number, number>();
  for (const item of affected) fetched.set(item.depth, (fetched.get(item.depth) ?? 0) + 1);
  const ranks: Rank[] = summary.byDepth.map(({ depth, count }) => ({
    side: 'DOWNSTREAM',
    depth,
    count,
    known: fetched.get(depth) === count,
    label: `${count.toLocaleString('en')} affected`,
    // A chain of a dozen counts must fit the drawing's width: the red of an affected count says the rest.
    drawnLabel: count.toLocaleString('en'),
  }));
  const { drawn, aggregated } = splitRanks(ranks, cap);
  const shown = affected.filter((a) => drawn.has(`DOWNSTREAM:${a.depth}`));

  const nodes = new Map<string, DrawnNode>();
  const edges = new Map<string, DrawnEdge>();
  const starts = new Set(compromised.map((n) => n.key));
  const add = (node: NodeRef, depth: number): void => {
    const known = nodes.get(node.key);
    if (known && known.depth <= depth) return;
    nodes.set(node.key, { ...node, id: nodeId(node.key), depth, affected: false, compromised: starts.has(node.key) });
  };
  for (const node of compromised) add(node, 0);
  for (const item of shown) {
    // path[0] starts at the affected node (depth d) and each hop goes one step nearer the compromised one.
    item.path.forEach((hop, i) => {
      add(hop.from, item.depth - i);
      add(hop.to, item.depth - i - 1);
      const id = edgeId(hop.type, hop.from.key, hop.to.key);
      if (!edges.has(id))
        edges.set(id, {
          id,
          type: hop.type,
          from: hop.from.key,
          to: hop.to.key,
          detail: hop.how,
          verified: hop.verified,
          evidence: hop.evidence,
          lineage: null,
        });
    });
    add(item.node, item.depth);
  }
  const affectedKeys = new Set(shown.map((a) => a.node.key));
  const kept = [...nodes.values()]
    .map((n) => ({ ...n, affected: affectedKeys.has(n.key) }))
    .sort((a, b) => a.depth - b.depth || a.key.localeCompare(b.key));
  const drawnAt = (_: Side, depth: number): string[] =>
    depth === 0 ? compromised.map((n) => n.key) : shown.filter((a) => a.depth === depth).map((a) => a.node.key);
  const { elements, aggregates } = aggregateElements(aggregated, drawnAt, true);
  const crowded = crowdedIds(
    kept.filter((n) => !n.compromised),
    (n) => String(n.depth),
  );
  return {
    elements: [
      ...kept.map((n) => nodeElement(n, crowded.has(n.id) ? ['crowded'] : [])),
      ...[...edges.values()].map((e) => edgeElement(e, crowded)),
      ...elements,
    ],
    nodes: kept,
    edges: [...edges.values()],
    aggregates,
    total: summary.total,
    note: aggregateNote(aggregates, summary.total),
  };
}
