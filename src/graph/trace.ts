// Incident-response trace: given something compromised (an artifact, a package version range, a signing
// identity or key), every model and dataset that depends on it, each with its shortest evidence path,
// depth and the signers on that path. One traversal query plus one evidence query, whatever the size.
import neo4j from 'neo4j-driver';
import { breadthFirst } from './bfs.ts';
import type { GraphConnection } from './driver.ts';
import { toGraphError } from './errors.ts';
import { fetchEvidence, type EvidenceView } from './evidence.ts';
import type { SignerRef } from './facts.ts';
import { fetchSubgraph, type GraphEdge, type GraphNode, type LineageType, type NodeKind } from './traverse.ts';
import { inRange } from './version-range.ts';

/** A model depends on what it was derived from, trained on, built with, used, or contains. */
const DEPENDENCY_EDGES: readonly LineageType[] = ['DERIVED_FROM', 'TRAINED_ON', 'BUILT_WITH', 'USED', 'CONTAINS'];
/** "Which models came from this dataset": datasets derived from it, models trained on those, and fine-tunes. */
const TRAINING_EDGES: readonly LineageType[] = ['DERIVED_FROM', 'TRAINED_ON'];

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

export interface Affected {
  readonly node: GraphNode;
  readonly depth: number;
  /** from the affected node back to the compromised one: each hop names the evidence behind it. */
  readonly path: readonly TraceHop[];
  readonly signers: readonly SignerRef[];
  /** every hop on the path is backed by a currently verified attestation. */
  readonly verified: boolean;
}

export interface TraceResult {
  readonly compromised: readonly GraphNode[];
  readonly affected: readonly Affected[];
  readonly byKind: ReadonlyMap<NodeKind, number>;
  readonly byDepth: ReadonlyMap<number, number>;
}

export interface TraceOptions {
  readonly maxDepth: number;
  readonly verifiedOnly: boolean;
  /** which kinds to report (default: models and datasets). */
  readonly kinds?: readonly NodeKind[];
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
  const starts = await resolveStarts(graph, compromised);
  return traceFrom(graph, starts, DEPENDENCY_EDGES, options);
}

/** Models that came from a dataset: directly (TRAINED_ON) or, when transitive, through derived datasets and fine-tunes. */
export async function modelsTrainedOn(
  graph: GraphConnection,
  datasetDigest: string,
  transitive: boolean,
  maxDepth: number,
): Promise<TraceResult> {
  const starts = await resolveStarts(graph, { kind: 'artifact', digest: datasetDigest });
  const result = await traceFrom(graph, starts, TRAINING_EDGES, {
    maxDepth: transitive ? maxDepth : 1,
    verifiedOnly: false,
    kinds: ['MODEL'],
  });
  // Without transitivity only direct training counts, not a model merely derived from the dataset node.
  if (transitive) return result;
  const affected = result.affected.filter((a) => a.path[0]?.type === 'TRAINED_ON');
  return { ...result, affected, ...summarise(affected) };
}

async function traceFrom(
  graph: GraphConnection,
  starts: readonly Start[],
  types: readonly LineageType[],
  options: TraceOptions,
): Promise<TraceResult> {
  const startIds = starts.map((s) => s.id);
  const subgraph = await fetchSubgraph(graph, startIds, types, 'DOWNSTREAM', options.maxDepth);
  const follow = (edge: GraphEdge): boolean => !options.verifiedOnly || edge.evidence.length > 0;
  const reached = breadthFirst(subgraph, options.maxDepth, follow, (edge) => edge.from);
  const kinds = options.kinds ?? ['MODEL', 'DATASET'];
  const byStart = new Map(starts.map((s) => [s.id, s]));
  // A compromised artifact is not "affected" by itself; an artifact signed by a compromised signer is.
  const hits = [...reached.values()].filter((r) => !byStart.has(r.id) || byStart.get(r.id)?.signedBy);
  const selected = hits.filter((r) => kinds.includes(subgraph.nodes.get(r.id)?.kind ?? 'ARTIFACT'));

  const digests = selected.flatMap((r) => [
    ...r.path.flatMap((e) => e.evidence),
    ...(byStart.get(r.path[0]?.to ?? r.id)?.signedBy?.attestations ?? []),
  ]);
  const evidence = await fetchEvidence(graph, digests);
  const view = (list: readonly string[]): EvidenceView[] =>
    list.map((d) => evidence.get(d)).filter((v): v is EvidenceView => !!v);

  const affected: Affected[] = selected.map((r) => {
    const hops: TraceHop[] = r.path
      .map((edge) => {
        const ev = view(edge.evidence);
        return {
          type: edge.type,
          from: subgraph.nodes.get(edge.from) as GraphNode,
          to: subgraph.nodes.get(edge.to) as GraphNode,
          how: edge.how,
          evidence: ev,
          verified: ev.some((v) => v.status === 'verified'),
        };
      })
      .reverse();
    const origin = byStart.get(r.path[0]?.to ?? r.id)?.signedBy;
    if (origin) {
      const ev = view(origin.attestations);
      const last = hops[hops.length - 1]?.to ?? (subgraph.nodes.get(r.id) as GraphNode);
      hops.push({
        type: 'SIGNED',
        from: last,
        to: origin.signer,
        how: null,
        evidence: ev,
        verified: ev.some((v) => v.status === 'verified'),
      });
    }
    const signers = uniqueSigners(hops.flatMap((h) => h.evidence.map((e) => e.signer).filter((s): s is SignerRef => s !== null)));
    return {
      node: subgraph.nodes.get(r.id) as GraphNode,
      depth: hops.length,
      path: hops,
      signers,
      verified: hops.every((h) => h.verified),
    };
  });
  affected.sort((a, b) => a.depth - b.depth || a.node.key.localeCompare(b.node.key));
  const compromised = starts.map((s) => s.signedBy?.signer ?? (subgraph.nodes.get(s.id) as GraphNode));
  return { compromised: dedupeNodes(compromised), affected, ...summarise(affected) };
}

function summarise(affected: readonly Affected[]): { byKind: Map<NodeKind, number>; byDepth: Map<number, number> } {
  const byKind = new Map<NodeKind, number>();
  const byDepth = new Map<number, number>();
  for (const a of affected) {
    byKind.set(a.node.kind, (byKind.get(a.node.kind) ?? 0) + 1);
    byDepth.set(a.depth, (byDepth.get(a.depth) ?? 0) + 1);
  }
  return { byKind, byDepth };
}

function uniqueSigners(signers: readonly SignerRef[]): SignerRef[] {
  const seen = new Map<string, SignerRef>();
  for (const s of signers) seen.set(JSON.stringify(s), s);
  return [...seen.values()];
}

function dedupeNodes(nodes: readonly GraphNode[]): GraphNode[] {
  return [...new Map(nodes.filter(Boolean).map((n) => [`${n.kind}|${n.key}`, n])).values()];
}

async function resolveStarts(graph: GraphConnection, compromised: Compromised): Promise<Start[]> {
  const run = async (query: string, params: Record<string, unknown>) => {
    try {
      return (await graph.driver.executeQuery(query, params, { database: graph.database, routing: neo4j.routing.READ })).records;
    } catch (error) {
      throw toGraphError(error, 'resolving the compromised node');
    }
  };
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
