// Incident-response trace: given something compromised (an artifact, a package version range, a signing
// identity or key), every model and dataset that depends on it, each with its shortest evidence path,
// depth and the signers on that path. One traversal query (a shortest-path tree: subgraph.ts) finds every affected
// node with its depth, whatever the size; the paths, their evidence and signers are built only for the nodes a
// caller reads (`explain`): an API page shows a hundred of a 10,000-model trace, and the counts need no evidence.
//
// Over 300 lines: the trace, the path explanation (Trail) and the starts of each kind of compromise are one
// algorithm; split, each part would need the others' internals.
import type { GraphConnection } from '../driver.ts';
import { fetchEvidence, type EvidenceView } from '../read/evidence.ts';
import { readAll } from '../read/query.ts';
import type { SignerRef } from '../facts.ts';
import { FOLLOWS, type GraphNode, type LineageType, type NodeKind } from '../views.ts';
import { fetchPathTree, type PathTree, type Starts } from './subgraph.ts';
import { inRange } from './version-range.ts';

export type Compromised =
  | { readonly kind: 'artifact'; readonly digest: string }
  | { readonly kind: 'package'; readonly purl: string; readonly versionRange?: string }
  | { readonly kind: 'identity'; readonly issuer: string; readonly subject: string }
  | { readonly kind: 'key'; readonly fingerprint: string };

export interface TraceHop {
  /** a lineage relationship type, or SIGNED for the first hop from a compromised signer. */
  readonly type: string;
  readonly from: GraphNode;
  readonly to: GraphNode;
  readonly how: string | null;
  readonly evidence: readonly EvidenceView[];
  readonly verified: boolean;
}

/** An affected node and how far it is from the compromised one. */
export interface AffectedNode {
  readonly node: GraphNode;
  readonly depth: number;
}

/** An affected node with the evidence of why. */
export interface Affected extends AffectedNode {
  /** from the affected node back to the compromised one: each hop names the evidence behind it. */
  readonly path: readonly TraceHop[];
  readonly signers: readonly SignerRef[];
  /** every hop on the path is backed by a currently verified attestation. */
  readonly verified: boolean;
}

export interface TraceResult {
  readonly compromised: readonly GraphNode[];
  /** nearest first, then by key (code-unit order, so pages are stable whatever the locale). */
  readonly affected: readonly AffectedNode[];
  readonly byKind: ReadonlyMap<NodeKind, number>;
  readonly byDepth: ReadonlyMap<number, number>;
  /** the shortest evidence path, its signers and verification, for some of `affected` (one evidence query). */
  explain(nodes: readonly AffectedNode[]): Promise<Affected[]>;
}

export interface TraceOptions {
  readonly maxDepth: number;
  readonly verifiedOnly: boolean;
  /** which kinds to report (default: models and datasets). */
  readonly kinds?: readonly NodeKind[];
  /** report only nodes whose edge to the start is of this type (non-transitive modelsTrainedOn). */
  readonly directVia?: LineageType;
}

interface Start {
  readonly id: string;
  /** for signer traces: the attestations by that signer about this node. */
  readonly signedBy?: { readonly signer: GraphNode; readonly attestations: readonly string[] };
}

export async function traceIncident(
  graph: GraphConnection,
  compromised: Compromised,
  options: TraceOptions,
): Promise<TraceResult> {
  // An artifact is found by its digest in the traversal query itself: no separate look-up round trip.
  if (compromised.kind === 'artifact')
    return traceFrom(graph, { digests: [compromised.digest] }, [], FOLLOWS.dependency, options);
  const starts = await resolveStarts(graph, compromised);
  return traceFrom(
    graph,
    starts.map((s) => s.id),
    starts,
    FOLLOWS.dependency,
    options,
  );
}

/** Models that came from a dataset: directly (TRAINED_ON) or, when transitive, through derived datasets and fine-tunes. */
export async function modelsTrainedOn(
  graph: GraphConnection,
  datasetDigest: string,
  transitive: boolean,
  maxDepth: number,
): Promise<TraceResult> {
  // Without transitivity only direct training counts, not a model merely derived from the dataset node.
  return traceFrom(graph, { digests: [datasetDigest] }, [], FOLLOWS.training, {
    maxDepth: transitive ? maxDepth : 1,
    verifiedOnly: false,
    kinds: ['MODEL'],
    ...(transitive ? {} : { directVia: 'TRAINED_ON' }),
  });
}

/**
 * What the path from a node back to the compromised one adds up to, built once per node from its parent's. The hop
 * list is built when read, and an ancestor's list, once built, ends its descendants' (a page's paths share most hops).
 */
class Trail {
  readonly step: TraceHop;
  readonly parent: Trail | null;
  /** in order of first appearance from the node back to the compromised one; shared with the parent when equal. */
  readonly signers: readonly SignerRef[];
  readonly signerKeys: readonly string[];
  readonly verified: boolean;
  readonly depth: number;
  #hops: readonly TraceHop[] | undefined;

  constructor(
    step: TraceHop,
    parent: Trail | null,
    signers: readonly SignerRef[],
    signerKeys: readonly string[],
    verified: boolean,
  ) {
    this.step = step;
    this.parent = parent;
    this.signers = signers;
    this.signerKeys = signerKeys;
    this.verified = verified;
    this.depth = (parent?.depth ?? 0) + 1;
  }

  get hops(): readonly TraceHop[] {
    if (this.#hops === undefined) {
      const hops: TraceHop[] = [this.step];
      for (let trail = this.parent; trail !== null; trail = trail.parent) {
        // an ancestor's list, once built, ends every descendant's
        if (trail.#hops !== undefined) {
          hops.push(...trail.#hops);
          break;
        }
        hops.push(trail.step);
      }
      this.#hops = hops;
    }
    return this.#hops;
  }
}

/**
 * `starts` as the traversal takes them; `signed` the signer starts (from resolveStarts) with the attestations that
 * make each one compromised.
 */
async function traceFrom(
  graph: GraphConnection,
  starts: Starts,
  signed: readonly Start[],
  types: readonly LineageType[],
  options: TraceOptions,
): Promise<TraceResult> {
  const tree = await fetchPathTree(graph, starts, types, 'DOWNSTREAM', options.maxDepth, {
    evidencedOnly: options.verifiedOnly,
  });
  const kinds = new Set<NodeKind>(options.kinds ?? ['MODEL', 'DATASET']);
  const bySigner = new Map<string, NonNullable<Start['signedBy']>>();
  for (const s of signed) if (s.signedBy) bySigner.set(s.id, s.signedBy);
  // A compromised artifact is not "affected" by itself; an artifact signed by a compromised signer is.
  // From a compromised signer, the first hop is SIGNED (signer → the attested start): one more than the tree's.
  const offset = bySigner.size > 0 ? 1 : 0;
  const affected: AffectedNode[] = [];
  for (const [id, entry] of tree.reached) {
    if (entry.depth === 0 && !bySigner.has(id)) continue;
    if (options.directVia && entry.edge?.type !== options.directVia) continue;
    const node = tree.nodes.get(id) as GraphNode;
    if (!kinds.has(node.kind)) continue;
    affected.push({ node, depth: entry.depth + offset });
  }
  affected.sort((a, b) => a.depth - b.depth || (a.node.key < b.node.key ? -1 : a.node.key > b.node.key ? 1 : 0));
  const compromised = tree.starts.map((id) => bySigner.get(id)?.signer ?? (tree.nodes.get(id) as GraphNode));
  return {
    compromised: dedupeNodes(compromised),
    affected,
    ...summarise(affected),
    explain: (nodes) => explainPaths(graph, tree, bySigner, nodes),
  };
}

/**
 * Paths from `nodes` back to the compromised ones, with the evidence and signers of every hop: one evidence query
 * for all of them, each hop built once however many of the paths share it.
 */
async function explainPaths(
  graph: GraphConnection,
  tree: PathTree,
  bySigner: ReadonlyMap<string, NonNullable<Start['signedBy']>>,
  nodes: readonly AffectedNode[],
): Promise<Affected[]> {
  // Every node on the paths, by depth (each once), and the attestations behind their edges.
  const byDepth: string[][] = [];
  const walked = new Set<string>();
  const digests = new Set<string>();
  for (const { node } of nodes) {
    for (let cursor: string | undefined = node.id; cursor !== undefined && !walked.has(cursor);) {
      walked.add(cursor);
      const entry = tree.reached.get(cursor);
      (byDepth[entry?.depth ?? 0] ??= []).push(cursor);
      const edge = entry?.edge;
      for (const d of edge ? edge.evidence : (bySigner.get(cursor)?.attestations ?? [])) digests.add(d);
      cursor = edge?.to;
    }
  }
  const evidence = await fetchEvidence(graph, digests);

  const signerKeys = new Map<SignerRef, string>();
  const signerKey = (signer: SignerRef): string => {
    let key = signerKeys.get(signer);
    if (key === undefined) signerKeys.set(signer, (key = JSON.stringify(signer)));
    return key;
  };
  const hop = (type: string, from: GraphNode, to: GraphNode, how: string | null, list: readonly string[]): TraceHop => {
    const ev: EvidenceView[] = [];
    for (const d of list) {
      const view = evidence.get(d);
      if (view) ev.push(view);
    }
    return { type, from, to, how, evidence: ev, verified: ev.some((v) => v.status === 'verified') };
  };
  const extend = (base: Trail | null, step: TraceHop): Trail => {
    const keys: string[] = [];
    const signers: SignerRef[] = [];
    for (const e of step.evidence) {
      if (!e.signer) continue;
      const key = signerKey(e.signer);
      if (!keys.includes(key)) {
        keys.push(key);
        signers.push(e.signer);
      }
    }
    const verified = step.verified && (base?.verified ?? true);
    if (!base) return new Trail(step, null, signers, keys, verified);
    // Usually the same signer all the way back: the parent's list already has this order.
    if (keys.every((key, i) => base.signerKeys[i] === key)) return new Trail(step, base, base.signers, base.signerKeys, verified);
    base.signerKeys.forEach((key, i) => {
      if (!keys.includes(key)) {
        keys.push(key);
        signers.push(base.signers[i] as SignerRef);
      }
    });
    return new Trail(step, base, signers, keys, verified);
  };

  // Parents before children: a node's trail extends its parent's.
  const trails = new Map<string, Trail | null>();
  for (const level of byDepth) {
    for (const id of level ?? []) {
      const edge = tree.reached.get(id)?.edge;
      if (!edge) {
        const signedBy = bySigner.get(id);
        const node = tree.nodes.get(id) as GraphNode;
        trails.set(id, signedBy ? extend(null, hop('SIGNED', node, signedBy.signer, null, signedBy.attestations)) : null);
        continue;
      }
      const from = tree.nodes.get(edge.from) as GraphNode;
      const to = tree.nodes.get(edge.to) as GraphNode;
      trails.set(id, extend(trails.get(edge.to) ?? null, hop(edge.type, from, to, edge.how, edge.evidence)));
    }
  }

  return nodes.map(({ node, depth }) => {
    const trail = trails.get(node.id);
    if (!trail) return { node, depth, path: [], signers: [], verified: true };
    return { node, depth, path: trail.hops, signers: trail.signers, verified: trail.verified };
  });
}

function summarise(affected: readonly AffectedNode[]): { byKind: Map<NodeKind, number>; byDepth: Map<number, number> } {
  const byKind = new Map<NodeKind, number>();
  const byDepth = new Map<number, number>();
  for (const a of affected) {
    byKind.set(a.node.kind, (byKind.get(a.node.kind) ?? 0) + 1);
    byDepth.set(a.depth, (byDepth.get(a.depth) ?? 0) + 1);
  }
  return { byKind, byDepth };
}

function dedupeNodes(nodes: readonly GraphNode[]): GraphNode[] {
  return [...new Map(nodes.filter(Boolean).map((n) => [`${n.kind}|${n.key}`, n])).values()];
}

async function resolveStarts(graph: GraphConnection, compromised: Compromised): Promise<Start[]> {
  const run = (query: string, params: Record<string, unknown>) => readAll(graph, query, params, 'resolving the compromised node');
  switch (compromised.kind) {
    case 'artifact': {
      const records = await run('MATCH (n:Artifact {digest: $digest}) RETURN elementId(n) AS id', { digest: compromised.digest });
      return records.map((r) => ({ id: String(r.get('id')) }));
    }
    case 'package': {
      // purl identity without version: every version of the package, filtered by the range here.
      const base = compromised.purl.split('@')[0] ?? compromised.purl;
      const records = await run(
        'MATCH (p:Package) WHERE p.purl = $base OR p.purl STARTS WITH $prefix RETURN elementId(p) AS id, p.purl AS purl, p.version AS version',
        {
          base,
          prefix: `${base}@`,
        },
      );
      const exact = compromised.purl.includes('@') ? compromised.purl : null;
      return records
        .filter((r) =>
          exact ? r.get('purl') === exact : inRange((r.get('version') as string | null) ?? '', compromised.versionRange),
        )
        .map((r) => ({ id: String(r.get('id')) }));
    }
    case 'identity':
    case 'key': {
      const records =
        compromised.kind === 'identity'
          ? await run(
              `MATCH (s:Identity {key: $key})<-[:SIGNED_BY]-(a:Attestation {status: 'verified'})-[:ATTESTS]->(n)
               RETURN elementId(n) AS id, s.key AS signerKey, collect(a.digest) AS attestations`,
              { key: `${compromised.issuer} ${compromised.subject}` },
            )
          : await run(
              `MATCH (k:Key {fingerprint: $fingerprint})
               MATCH (a:Attestation {status: 'verified'})-[:SIGNED_BY]->(s) WHERE s = k OR (s)-[:CERTIFIES]->(k)
               MATCH (a)-[:ATTESTS]->(n)
               RETURN elementId(n) AS id, k.fingerprint AS signerKey, collect(a.digest) AS attestations`,
              { fingerprint: compromised.fingerprint },
            );
      const signer: GraphNode = {
        id: `signer:${compromised.kind}`,
        kind: 'ARTIFACT',
        key: compromised.kind === 'identity' ? `${compromised.issuer} ${compromised.subject}` : compromised.fingerprint,
        name: compromised.kind === 'identity' ? compromised.subject : null,
      };
      return records.map((r) => ({
        id: String(r.get('id')),
        signedBy: { signer, attestations: r.get('attestations') as string[] },
      }));
    }
  }
}
