// Lineage of one artifact: what it was built from (UPSTREAM), what was built from it (DOWNSTREAM), or both,
// depth-limited, every edge with the attestations that assert it and their signers. One query per direction:
// the root found by its digest, the traversal and the evidence of its edges (subgraph.ts). With `maxNodes`, a
// lineage reaching more nodes is refused (TooManyNodes) rather than built.
import { breadthFirst } from './bfs.ts';
import type { GraphConnection } from '../driver.ts';
import { TooManyNodes } from '../errors.ts';
import type { EvidenceView } from '../read/evidence.ts';
import { FOLLOWS, type Direction, type GraphEdge, type GraphNode } from '../views.ts';
import { fetchSubgraph } from './subgraph.ts';

export interface LineageNode extends GraphNode {
  /** hops from the root; negative upstream is not used: direction says which side. */
  readonly depth: number;
  readonly direction: Direction | 'ROOT';
}

export interface LineageEdge {
  readonly type: string;
  readonly from: GraphNode;
  readonly to: GraphNode;
  readonly how: string | null;
  readonly role: string | null;
  readonly result: string | null;
  readonly evidence: readonly EvidenceView[];
  /** at least one asserting attestation is verified now. */
  readonly verified: boolean;
}

export interface LineageResult {
  readonly root: GraphNode;
  readonly nodes: readonly LineageNode[];
  readonly edges: readonly LineageEdge[];
}

export async function readLineage(
  graph: GraphConnection,
  digest: string,
  direction: Direction | 'BOTH',
  maxDepth: number,
  options: { readonly maxNodes?: number } = {},
): Promise<LineageResult | null> {
  let rootId: string | undefined;
  const directions: Direction[] = direction === 'BOTH' ? ['UPSTREAM', 'DOWNSTREAM'] : [direction];
  const nodes = new Map<string, LineageNode>();
  const edges = new Map<string, GraphEdge>();
  const known = new Map<string, GraphNode>();
  const evidence = new Map<string, EvidenceView>();
  for (const side of directions) {
    const subgraph = await fetchSubgraph(
      graph,
      rootId === undefined ? { digests: [digest] } : [rootId],
      FOLLOWS.lineage,
      side,
      maxDepth,
      { evidence: true, ...(options.maxNodes === undefined ? {} : { maxNodes: options.maxNodes }) },
    );
    for (const [digest, view] of subgraph.evidence) evidence.set(digest, view);
    rootId ??= subgraph.starts[0];
    if (rootId === undefined) return null;
    const reached = breadthFirst(
      subgraph,
      maxDepth,
      () => true,
      (edge) => (side === 'UPSTREAM' ? edge.to : edge.from),
    );
    for (const [id, node] of subgraph.nodes) known.set(id, node);
    for (const [id, entry] of reached) {
      const node = subgraph.nodes.get(id);
      if (!node) continue;
      if (id === rootId) nodes.set(id, { ...node, depth: 0, direction: 'ROOT' });
      else if (!nodes.has(id)) nodes.set(id, { ...node, depth: entry.depth, direction: side });
      // Every edge between reached nodes, not only the BFS tree: lineage is a DAG.
      if (entry.depth >= maxDepth) continue;
      for (const edge of subgraph.adjacency.get(id) ?? []) {
        const other = side === 'UPSTREAM' ? edge.to : edge.from;
        if (reached.has(other)) edges.set(`${edge.type}|${edge.from}|${edge.to}|${edge.role ?? ''}`, edge);
      }
    }
  }
  const root = rootId === undefined ? undefined : known.get(rootId);
  if (!root) return null;
  // each side was within the limit; both together may not be
  if (options.maxNodes !== undefined && nodes.size > options.maxNodes) throw new TooManyNodes(nodes.size, options.maxNodes);
  return {
    root,
    nodes: [...nodes.values()].sort((a, b) => a.depth - b.depth || a.key.localeCompare(b.key)),
    edges: [...edges.values()].map((edge) => {
      const views = edge.evidence.map((d) => evidence.get(d)).filter((v): v is EvidenceView => v !== undefined);
      return {
        type: edge.type,
        from: known.get(edge.from) as GraphNode,
        to: known.get(edge.to) as GraphNode,
        how: edge.how,
        role: edge.role,
        result: edge.result,
        evidence: views,
        verified: views.some((v) => v.status === 'verified'),
      };
    }),
  };
}
