// One Cypher traversal that returns the lineage subgraph around some start nodes: every node reachable
// within `maxDepth` hops along the given relationship types, each with its edges in that direction.
// Shortest paths and depths are then computed from this subgraph in `bfs.ts` (one database round trip,
// not one query per node). Neo4j plans `DISTINCT` over a variable-length pattern as a pruning
// breadth-first expand, so a wide DAG is not enumerated path by path.
import neo4j from 'neo4j-driver';
import type { GraphConnection } from './driver.ts';
import { toGraphError } from './errors.ts';

export type NodeKind = 'MODEL' | 'DATASET' | 'FILE' | 'PACKAGE' | 'RUN' | 'BUILDER' | 'ARTIFACT';

export interface GraphNode {
  readonly id: string;
  readonly kind: NodeKind;
  /** digest for artifacts, purl for packages, id for runs and builders. */
  readonly key: string;
  readonly name: string | null;
}

export interface GraphEdge {
  readonly type: string;
  /** `from` depends on `to` (edges point from the derived thing to its source). */
  readonly from: string;
  readonly to: string;
  readonly how: string | null;
  readonly role: string | null;
  readonly result: string | null;
  readonly path: string | null;
  readonly evidence: readonly string[];
}

export interface Subgraph {
  readonly starts: readonly string[];
  readonly nodes: ReadonlyMap<string, GraphNode>;
  /** edges leaving each node in the traversal direction, keyed by node id. */
  readonly adjacency: ReadonlyMap<string, readonly GraphEdge[]>;
}

export type Direction = 'UPSTREAM' | 'DOWNSTREAM';

/** The relationship types that carry lineage; the caller picks a subset per question. */
export const LINEAGE_TYPES = [
  'DERIVED_FROM',
  'TRAINED_ON',
  'BUILT_WITH',
  'USED',
  'EVALUATED_ON',
  'PRODUCED_BY',
  'CONTAINS',
] as const;
export type LineageType = (typeof LINEAGE_TYPES)[number];

export const MAX_DEPTH = 20;

const PROJECTION = (n: string): string => `{
  id: elementId(${n}),
  kind: CASE WHEN ${n}:Model THEN 'MODEL' WHEN ${n}:Dataset THEN 'DATASET' WHEN ${n}:File THEN 'FILE'
             WHEN ${n}:Package THEN 'PACKAGE' WHEN ${n}:PipelineRun THEN 'RUN' WHEN ${n}:Builder THEN 'BUILDER' ELSE 'ARTIFACT' END,
  key: coalesce(${n}.digest, ${n}.purl, ${n}.id),
  name: ${n}.name
}`;

export async function fetchSubgraph(
  graph: GraphConnection,
  startIds: readonly string[],
  types: readonly LineageType[],
  direction: Direction,
  maxDepth: number,
): Promise<Subgraph> {
  if (startIds.length === 0) return { starts: [], nodes: new Map(), adjacency: new Map() };
  // Relationship types and the depth bound cannot be query parameters in Cypher: both are checked here
  // against closed sets / integer ranges before they reach the query text.
  const relTypes = types.filter((t) => (LINEAGE_TYPES as readonly string[]).includes(t)).join('|');
  const depth = Math.trunc(maxDepth);
  if (relTypes.length === 0 || !(depth >= 1 && depth <= MAX_DEPTH)) throw new RangeError('invalid traversal');
  const [left, right] = direction === 'UPSTREAM' ? ['-', '->'] : ['<-', '-'];
  const query = `
    MATCH (s) WHERE elementId(s) IN $starts
    OPTIONAL MATCH (s)${left}[:${relTypes}*1..${depth}]${right}(n)
    WITH collect(DISTINCT s) + collect(DISTINCT n) AS reached
    UNWIND reached AS a
    WITH DISTINCT a
    OPTIONAL MATCH (a)${left}[r:${relTypes}]${right}(b)
    RETURN ${PROJECTION('a')} AS node,
           collect(CASE WHEN r IS NULL THEN null ELSE {
             type: type(r), other: ${PROJECTION('b')}, how: r.how, role: r.role, result: r.result, path: r.path,
             evidence: coalesce(r.evidence, [])
           } END) AS edges`;
  try {
    const { records } = await graph.driver.executeQuery(
      query,
      { starts: [...startIds] },
      { database: graph.database, routing: neo4j.routing.READ },
    );
    const nodes = new Map<string, GraphNode>();
    const adjacency = new Map<string, GraphEdge[]>();
    for (const record of records) {
      const node = toNode(record.get('node') as Record<string, unknown>);
      nodes.set(node.id, node);
      const edges: GraphEdge[] = [];
      for (const raw of record.get('edges') as Record<string, unknown>[]) {
        const other = toNode(raw['other'] as Record<string, unknown>);
        if (!nodes.has(other.id)) nodes.set(other.id, other);
        const [from, to] = direction === 'UPSTREAM' ? [node.id, other.id] : [other.id, node.id];
        edges.push({
          type: String(raw['type']),
          from,
          to,
          how: (raw['how'] as string | null) ?? null,
          role: (raw['role'] as string | null) ?? null,
          result: (raw['result'] as string | null) ?? null,
          path: (raw['path'] as string | null) ?? null,
          evidence: raw['evidence'] as string[],
        });
      }
      adjacency.set(node.id, edges);
    }
    return { starts: [...startIds], nodes, adjacency };
  } catch (error) {
    throw toGraphError(error, 'traversing lineage');
  }
}

function toNode(raw: Record<string, unknown>): GraphNode {
  return {
    id: String(raw['id']),
    kind: raw['kind'] as NodeKind,
    key: String(raw['key']),
    name: (raw['name'] as string | null) ?? null,
  };
}
