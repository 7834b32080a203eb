// Traversals of the lineage graph, one Cypher query each (one round trip, every record in one fetch: ../read/query.ts).
//
// - `fetchSubgraph` returns every node reachable within `maxDepth` hops along the given relationship types with all
//   its edges in that direction, for questions that report the whole subgraph (lineage); depths and paths are then
//   computed in `bfs.ts`. Neo4j plans `DISTINCT` over the variable-length pattern as a pruning breadth-first expand,
//   so a wide DAG is not enumerated path by path. It can read the evidence of those edges in the same query.
// - `fetchPathTree` returns every reachable node once with its depth and the edge to its parent on one shortest path
//   (`ANY SHORTEST`: one breadth-first search in the server), for questions that report one path per node (incident
//   traces, models from a dataset): a 10,000-model blast radius is 10,000 rows, not every edge around them. From
//   several starts it searches a fetched subgraph instead (see there).
//
// An edge names its other end by id only, and subgraph rows are lists, not maps: at 10,000 rows, decoding map keys
// and a projection of the far node per edge cost more than the traversal itself.
//
// Over 300 lines: both traversals share the start clause, the relationship-type check and the row decoding, and
// keeping them in one file keeps those in step.
import type { Record as Neo4jRecord } from 'neo4j-driver';
import { addEvidenceGroups, EVIDENCE_GROUPS, type EvidenceView } from '../read/evidence.ts';
import type { GraphConnection } from '../driver.ts';
import { TooManyNodes } from '../errors.ts';
import { readAll, readEach } from '../read/query.ts';
import {
  LINEAGE_TYPES,
  NODE_KEY,
  NODE_KIND,
  type Direction,
  type GraphEdge,
  type GraphNode,
  type LineageType,
  type NodeKind,
} from '../views.ts';

export interface Subgraph {
  readonly starts: readonly string[];
  readonly nodes: ReadonlyMap<string, GraphNode>;
  /** edges leaving each node in the traversal direction, keyed by node id. */
  readonly adjacency: ReadonlyMap<string, readonly GraphEdge[]>;
}

export const MAX_DEPTH = 20;

/**
 * The one descriptive property each edge type carries (docs/LINEAGE.md): DERIVED_FROM {how}, USED {role},
 * EVALUATED_ON {result}, CONTAINS {path}; the others have none.
 */
const EDGE_ATTRIBUTE = (r: string): string =>
  `CASE type(${r}) WHEN 'DERIVED_FROM' THEN ${r}.how WHEN 'USED' THEN ${r}.role WHEN 'EVALUATED_ON' THEN ${r}.result WHEN 'CONTAINS' THEN ${r}.path END`;

/** Where a traversal starts: node ids (elementId), or artifact digests resolved in the same query. */
export type Starts = readonly string[] | { readonly digests: readonly string[] };

function startClause(starts: Starts): { match: string; params: Record<string, unknown>; empty: boolean } {
  if (Array.isArray(starts))
    return { match: 'MATCH (s) WHERE elementId(s) IN $starts', params: { starts: [...starts] }, empty: starts.length === 0 };
  const { digests } = starts as { readonly digests: readonly string[] };
  return {
    match: 'MATCH (s:Artifact) WHERE s.digest IN $digests',
    params: { digests: [...digests] },
    empty: digests.length === 0,
  };
}

/** Relationship types and the depth bound cannot be query parameters: both are checked here against closed sets. */
function checked(types: readonly LineageType[], maxDepth: number): { relTypes: string; depth: number } {
  const relTypes = types.filter((t) => (LINEAGE_TYPES as readonly string[]).includes(t)).join('|');
  const depth = Math.trunc(maxDepth);
  if (relTypes.length === 0 || !(depth >= 1 && depth <= MAX_DEPTH)) throw new RangeError('invalid traversal');
  return { relTypes, depth };
}

function toEdge(type: string, from: string, to: string, attribute: string | null, evidence: readonly string[] | null): GraphEdge {
  return {
    type,
    from,
    to,
    how: type === 'DERIVED_FROM' ? attribute : null,
    role: type === 'USED' ? attribute : null,
    result: type === 'EVALUATED_ON' ? attribute : null,
    path: type === 'CONTAINS' ? attribute : null,
    evidence: evidence ?? [],
  };
}

function toNode(record: Neo4jRecord): GraphNode {
  return {
    id: record.get('id') as string,
    kind: record.get('kind') as NodeKind,
    key: String(record.get('key')),
    name: (record.get('name') as string | null) ?? null,
  };
}

/** Cypher integers are 64-bit; this is "no limit" for a count of nodes. */
const UNLIMITED = Number.MAX_SAFE_INTEGER;

/** A subgraph, with the views of the attestations behind its edges when asked for. */
export interface SubgraphWithEvidence extends Subgraph {
  readonly evidence: ReadonlyMap<string, EvidenceView>;
}

type NodeRow = [
  id: string,
  kind: NodeKind,
  key: unknown,
  name: string | null,
  start: boolean,
  edges: [string, string, string | null, string[] | null][],
];

export interface SubgraphOptions {
  /** also the evidence of every edge, in the same query (one round trip). */
  readonly evidence?: boolean;
  /**
   * Refuse (TooManyNodes) when more nodes than this are within reach: the server counts them before any row is
   * built, so an answer too large to be useful costs one count, not a response of that size.
   */
  readonly maxNodes?: number;
}

/** The subgraph within reach; its `evidence` is filled only when `options.evidence` asks for it. */
export async function fetchSubgraph(
  graph: GraphConnection,
  starts: Starts,
  types: readonly LineageType[],
  direction: Direction,
  maxDepth: number,
  options: SubgraphOptions = {},
): Promise<SubgraphWithEvidence> {
  const { relTypes, depth } = checked(types, maxDepth);
  const start = startClause(starts);
  if (start.empty) return { starts: [], nodes: new Map(), adjacency: new Map(), evidence: new Map() };
  const [left, right] = direction === 'UPSTREAM' ? ['-', '->'] : ['<-', '-'];
  // One record: a row per node (unless over maxNodes), how many were reached, and with evidence its groups.
  const query = `
    ${start.match}
    OPTIONAL MATCH (s)${left}[:${relTypes}*1..${depth}]${right}(n)
    WITH collect(DISTINCT s) AS starts, collect(DISTINCT n) AS others
    WITH starts, others, size(starts) + size(others) AS reached
    CALL (starts, others, reached) {
      UNWIND CASE WHEN reached > $maxNodes THEN [] ELSE starts + others END AS a
      WITH DISTINCT a, starts
      RETURN collect([elementId(a), ${NODE_KIND('a')}, ${NODE_KEY('a')}, a.name, a IN starts,
          [(a)${left}[r:${relTypes}]${right}(b) | [type(r), elementId(b), ${EDGE_ATTRIBUTE('r')}, r.evidence]]]) AS rows
    }
    ${
      options.evidence
        ? `CALL (rows) {
      UNWIND rows AS row UNWIND row[5] AS edge UNWIND coalesce(edge[3], []) AS d
      WITH DISTINCT d
      ${EVIDENCE_GROUPS}
      RETURN collect(group) AS evidence
    }
    RETURN rows, evidence, reached`
        : 'RETURN rows, reached'
    }`;
  const maxNodes = options.maxNodes ?? UNLIMITED;
  const records = await readAll(graph, query, { ...start.params, maxNodes }, 'traversing lineage');
  // One record: the node rows (none when over the limit) and how many nodes were within reach.
  const reached = Number(records[0]?.get('reached') ?? 0);
  if (reached > maxNodes) throw new TooManyNodes(reached, maxNodes);
  const rows = (records[0]?.get('rows') as NodeRow[] | undefined) ?? [];
  const nodes = new Map<string, GraphNode>();
  for (const [id, kind, key, name] of rows) nodes.set(id, { id, kind, key: String(key), name: name ?? null });
  // An edge whose other end was not reached leaves a node at the depth limit: a breadth-first search within that
  // limit never walks it, so it is left out rather than described.
  const adjacency = new Map<string, GraphEdge[]>();
  const startIds: string[] = [];
  for (const [id, , , , start, list] of rows) {
    if (start) startIds.push(id);
    const edges: GraphEdge[] = [];
    for (const [type, other, attribute, evidence] of list) {
      if (!nodes.has(other)) continue;
      edges.push(
        direction === 'UPSTREAM' ? toEdge(type, id, other, attribute, evidence) : toEdge(type, other, id, attribute, evidence),
      );
    }
    adjacency.set(id, edges);
  }
  const groups = options.evidence ? ((records[0]?.get('evidence') as unknown[][] | undefined) ?? []) : [];
  return { starts: startIds, nodes, adjacency, evidence: addEvidenceGroups(new Map(), groups) };
}

export interface TreeEntry {
  readonly depth: number;
  /** the edge to the node's parent on a shortest path from a start; null for a start. */
  readonly edge: GraphEdge | null;
}

export interface PathTree {
  /** the start ids that exist. */
  readonly starts: readonly string[];
  readonly nodes: ReadonlyMap<string, GraphNode>;
  /** every node within reach, starts included (depth 0). */
  readonly reached: ReadonlyMap<string, TreeEntry>;
  /** with `attestedBy`: each node's verified attestations as `[digest, predicateType, receivedAt, signer]` rows. */
  readonly attestedBy?: ReadonlyMap<string, readonly unknown[][]>;
}

export interface PathTreeOptions {
  /** walk only edges with at least one piece of evidence. */
  readonly evidencedOnly?: boolean;
  /**
   * also read each node's verified attestations and their signers in the same query (one start only): a deployment
   * decision needs them for every node of its upstream tree, and a second round trip cost as much as the walk.
   */
  readonly attestedBy?: boolean;
}

/** Per node `n`: its verified attestations, `[digest, predicateType, receivedAt, signer map with certifiedKey]`. */
const ATTESTED_BY = `[(n)<-[:ATTESTS]-(att:Attestation) WHERE att.status = 'verified' | [att.digest, att.predicateType,
  toString(att.receivedAt), head([(att)-[:SIGNED_BY]->(s) | s {.fingerprint, .issuer, .subject, labels: labels(s),
  certifiedKey: head([(s)-[:CERTIFIES]->(k:Key) | k.fingerprint])}])]]`;

/**
 * Every node within `maxDepth` hops of the starts with the edge to its parent on one shortest path. From one start
 * this is `ANY SHORTEST` in the server, one row per node. From several (a package's versions, everything a key
 * signed: tens of thousands) it is a breadth-first search one level per query (`fetchLevels`): a search per start
 * would walk the shared part of the graph once per start, and fetching the whole subgraph first ran out of Neo4j's
 * transaction memory for a key that signed 22,000 attestations.
 */
export async function fetchPathTree(
  graph: GraphConnection,
  starts: Starts,
  types: readonly LineageType[],
  direction: Direction,
  maxDepth: number,
  options: PathTreeOptions = {},
): Promise<PathTree> {
  const { relTypes, depth } = checked(types, maxDepth);
  const start = startClause(starts);
  if (start.empty) return { starts: [], nodes: new Map(), reached: new Map() };
  const several = Array.isArray(starts) ? starts.length > 1 : (starts as { digests: readonly string[] }).digests.length > 1;
  if (several && options.attestedBy) throw new RangeError('attestedBy needs one start');
  if (several) return fetchLevels(graph, start, relTypes, direction, depth, options);
  const [left, right] = direction === 'UPSTREAM' ? ['-', '->'] : ['<-', '-'];
  const where = options.evidencedOnly ? ' WHERE size(coalesce(r.evidence, [])) > 0' : '';
  const query = `
    ${start.match}
    MATCH p = ANY SHORTEST (s)${left}[r:${relTypes}${where}]${right}{0,${depth}}(n)
    WITH n, length(p) AS depth, last(relationships(p)) AS e, nodes(p)[-2] AS parent
    RETURN elementId(n) AS id, ${NODE_KIND('n')} AS kind, ${NODE_KEY('n')} AS key, n.name AS name, depth, type(e) AS type, elementId(parent) AS parent, ${EDGE_ATTRIBUTE('e')} AS attribute,
           e.evidence AS evidence${options.attestedBy ? `, ${ATTESTED_BY} AS attestedBy` : ''}`;
  const nodes = new Map<string, GraphNode>();
  const reached = new Map<string, TreeEntry>();
  const attestedBy = new Map<string, unknown[][]>();
  const startIds: string[] = [];
  // Records are turned into nodes and edges as they arrive: a 10,000-node tree is never held twice.
  await readEach(graph, query, start.params, 'traversing lineage', (record) => {
    const node = toNode(record);
    nodes.set(node.id, node);
    if (options.attestedBy) attestedBy.set(node.id, record.get('attestedBy') as unknown[][]);
    const parent = record.get('parent') as string | null;
    if (parent === null) {
      startIds.push(node.id);
      reached.set(node.id, { depth: 0, edge: null });
      return;
    }
    const type = record.get('type') as string;
    const attribute = record.get('attribute') as string | null;
    const evidence = record.get('evidence') as string[] | null;
    const edge =
      direction === 'UPSTREAM'
        ? toEdge(type, parent, node.id, attribute, evidence)
        : toEdge(type, node.id, parent, attribute, evidence);
    reached.set(node.id, { depth: Number(record.get('depth')), edge });
  });
  return { starts: startIds, nodes, reached, ...(options.attestedBy ? { attestedBy } : {}) };
}

/**
 * Multi-source breadth-first search, one query per level: the frontier's neighbours in the traversal direction,
 * of which those not reached before form the next frontier. Every node is expanded once, whatever the number of
 * starts, and rows stream in (no list of the whole subgraph is built in the server). A node reached at the same
 * level from several parents keeps the first.
 */
async function fetchLevels(
  graph: GraphConnection,
  start: { match: string; params: Record<string, unknown> },
  relTypes: string,
  direction: Direction,
  depth: number,
  options: PathTreeOptions,
): Promise<PathTree> {
  const nodes = new Map<string, GraphNode>();
  const reached = new Map<string, TreeEntry>();
  const startIds: string[] = [];
  await readEach(
    graph,
    `${start.match} RETURN DISTINCT elementId(s) AS id, ${NODE_KIND('s')} AS kind, ${NODE_KEY('s')} AS key, s.name AS name`,
    start.params,
    'traversing lineage',
    (record) => {
      const node = toNode(record);
      nodes.set(node.id, node);
      reached.set(node.id, { depth: 0, edge: null });
      startIds.push(node.id);
    },
  );
  const [left, right] = direction === 'UPSTREAM' ? ['-', '->'] : ['<-', '-'];
  const where = options.evidencedOnly ? ' WHERE size(coalesce(r.evidence, [])) > 0' : '';
  const query = `
    UNWIND $frontier AS parentId
    MATCH (parent) WHERE elementId(parent) = parentId
    MATCH (parent)${left}[r:${relTypes}]${right}(n)${where}
    RETURN parentId AS parent, elementId(n) AS id, ${NODE_KIND('n')} AS kind, ${NODE_KEY('n')} AS key, n.name AS name, type(r) AS type,
           ${EDGE_ATTRIBUTE('r')} AS attribute, r.evidence AS evidence`;
  let frontier = startIds;
  for (let level = 1; level <= depth && frontier.length > 0; level++) {
    const next: string[] = [];
    await readEach(graph, query, { frontier }, 'traversing lineage', (record) => {
      const id = record.get('id') as string;
      if (reached.has(id)) return;
      const node = toNode(record);
      nodes.set(id, node);
      const parent = record.get('parent') as string;
      const type = record.get('type') as string;
      const attribute = record.get('attribute') as string | null;
      const evidence = record.get('evidence') as string[] | null;
      const edge =
        direction === 'UPSTREAM' ? toEdge(type, parent, id, attribute, evidence) : toEdge(type, id, parent, attribute, evidence);
      reached.set(id, { depth: level, edge });
      next.push(id);
    });
    frontier = next;
  }
  return { starts: startIds, nodes, reached };
}
