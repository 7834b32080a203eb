// What to draw, as plain cytoscape element definitions: a lineage answer or an incident trace's nearest paths,
// capped so a graph of thousands of nodes never reaches the layout (what is left out is listed and counted instead).
// No DOM and no cytoscape here, so the capping is tested in node (test/unit/explorer/).
import type { AffectedNode, Lineage, LineageEdge, NodeKind, NodeRef, Status, TraceHop } from './types.ts';

/** More than this and a layered layout takes seconds and the picture stops being readable. */
export const DRAW_CAP = 300;

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

export interface DrawPlan {
  readonly elements: readonly ElementDef[];
  readonly nodes: readonly DrawnNode[];
  readonly edges: readonly DrawnEdge[];
  /** nodes in the answer, drawn or not. */
  readonly total: number;
  /** why some nodes are missing from the drawing, or null when all are drawn. */
  readonly note: string | null;
}

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

function edgeElement(edge: DrawnEdge): ElementDef {
  const classes = [edge.type.toLowerCase()];
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

/** The lineage answer's nodes nearest the root first, up to `cap`, with every edge between drawn nodes. */
export function lineagePlan(answer: Lineage, highlight: ReadonlySet<string> = new Set(), cap = DRAW_CAP): DrawPlan {
  const ordered = [...answer.nodes].sort((a, b) => a.depth - b.depth);
  const kept = ordered
    .slice(0, cap)
    .map((n): DrawnNode => ({ ...n, id: nodeId(n.key), affected: highlight.has(n.key), compromised: false }));
  const drawn = new Set(kept.map((n) => n.key));
  const edges = answer.edges
    .filter((e) => drawn.has(e.from.key) && drawn.has(e.to.key))
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
  const elements = [
    ...kept.map((n) => nodeElement(n, n.key === answer.root.key ? ['root'] : [])),
    ...edges.map((e) => edgeElement(e)),
  ];
  const note =
    answer.nodes.length > kept.length
      ? `Drawing the ${kept.length} nodes nearest the root of ${answer.nodes.length}; lower the depth to see the rest drawn, or use the list.`
      : null;
  return { elements, nodes: kept, edges, total: answer.nodes.length, note };
}

/**
 * An incident trace as the union of the shortest evidence paths of the affected nodes given (the nearest first, as
 * the API orders them), up to `cap` affected nodes: every node on those paths is drawn, the affected ones marked.
 */
export function tracePlan(
  compromised: readonly NodeRef[],
  affected: readonly AffectedNode[],
  total: number,
  cap = DRAW_CAP,
): DrawPlan {
  const nodes = new Map<string, DrawnNode>();
  const edges = new Map<string, DrawnEdge>();
  const starts = new Set(compromised.map((n) => n.key));
  const add = (node: NodeRef, depth: number): void => {
    const known = nodes.get(node.key);
    if (known && known.depth <= depth) return;
    nodes.set(node.key, { ...node, id: nodeId(node.key), depth, affected: false, compromised: starts.has(node.key) });
  };
  for (const node of compromised) add(node, 0);
  const shown = affected.slice(0, cap);
  for (const item of shown) {
    item.path.forEach((hop: TraceHop, i: number) => {
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
  const elements = [...kept.map((n) => nodeElement(n, [])), ...[...edges.values()].map((e) => edgeElement(e))];
  const note =
    total > shown.length
      ? `Drawing the ${shown.length} nearest of ${total} affected nodes with their paths; counts by depth and the full list are below.`
      : null;
  return { elements, nodes: kept, edges: [...edges.values()], total, note };
}

export const KIND_LABELS: Readonly<Record<NodeKind, string>> = {
  MODEL: 'model',
  DATASET: 'dataset',
  FILE: 'file',
  PACKAGE: 'package',
  RUN: 'pipeline run',
  BUILDER: 'builder',
  ARTIFACT: 'artifact',
};
