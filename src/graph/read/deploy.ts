// What a deployment decision reads (docs/DEPLOY-GATE.md): the model named by a reference, everything upstream of
// it with one shortest path to each (the incident trace's path tree, walked the other way), and the verified
// attestations about each of those nodes with their signers and times, so that a decision can name the
// evidence behind every reason. One query after the reference is known: the path tree with each node's attestations.
import type { GraphConnection } from '../driver.ts';
import type { SignerRef } from '../facts.ts';
import { fetchPathTree, type PathTree } from '../traverse/subgraph.ts';
import { FOLLOWS } from '../views.ts';
import { readAll } from './query.ts';
import { signerOf } from './evidence.ts';

/** A verified attestation whose subject is a node of the upstream tree. */
export interface AttestationAbout {
  readonly digest: string;
  readonly predicateType: string | null;
  readonly signer: SignerRef | null;
  readonly receivedAt: string;
}

export interface UpstreamEvidence {
  /** the model (depth 0) and every node upstream of it along dependency edges, each with its edge towards the model. */
  readonly tree: PathTree;
  /** verified attestations about each node of the tree, by node id. */
  readonly attestations: ReadonlyMap<string, readonly AttestationAbout[]>;
}

/** `null` when the graph has no artifact with this digest. */
export async function readUpstreamEvidence(
  graph: GraphConnection,
  digest: string,
  maxDepth: number,
): Promise<UpstreamEvidence | null> {
  // The walk reads each node's attestations in the same query (one round trip).
  const tree = await fetchPathTree(graph, { digests: [digest] }, FOLLOWS.dependency, 'UPSTREAM', maxDepth, {
    attestedBy: true,
  });
  if (tree.starts.length === 0) return null;
  const attestations = new Map<string, AttestationAbout[]>();
  for (const [id, rows] of tree.attestedBy ?? []) {
    attestations.set(
      id,
      rows.map(([attestation, predicateType, receivedAt, signer]) => {
        const s = (signer as Record<string, unknown> | null) ?? null;
        return {
          digest: String(attestation),
          predicateType: (predicateType as string | null) ?? null,
          signer: signerOf(s, (s?.['certifiedKey'] as string | null | undefined) ?? null),
          receivedAt: String(receivedAt),
        };
      }),
    );
  }
  return { tree, attestations };
}

/** How a reference was tied to a model: the artifact it names and the step from there to the model. */
export interface ResolvedReference {
  readonly model: string;
  /** the artifact the reference names (equal to `model` when it names the model itself). */
  readonly artifact: string;
  /** `digest`, `name`, `package` (a purl whose package lists the artifact's digest), then `contains` or `derived-from` when the artifact is a file of the model or was derived from it. */
  readonly via: readonly string[];
}

/**
 * The models a reference names: an artifact by digest, by the name evidence gave it (a URI such as `s3://…`,
 * `hf://…`), or by a purl whose package records its digest; a file or image rather than a model is followed one
 * hop to the model that contains it or that it was derived from (an OCI modelcar image packaged from a model).
 */
export async function resolveReference(
  graph: GraphConnection,
  reference: { readonly digests: readonly string[]; readonly names: readonly string[] },
): Promise<ResolvedReference[]> {
  const records = await readAll(
    graph,
    `CALL () {
       MATCH (a:Artifact) WHERE a.digest IN $digests RETURN a, 'digest' AS via
       UNION
       MATCH (a:Artifact) WHERE a.name IN $names RETURN a, 'name' AS via
       UNION
       MATCH (p:Package) WHERE p.purl IN $names UNWIND coalesce(p.digests, []) AS d
       MATCH (a:Artifact {digest: d}) RETURN a, 'package' AS via
     }
     CALL (a) {
       WITH a WHERE a:Model RETURN a AS m, null AS step
       UNION
       WITH a WHERE NOT a:Model MATCH (m:Model)-[:CONTAINS]->(a) RETURN m, 'contains' AS step
       UNION
       WITH a WHERE NOT a:Model MATCH (a)-[:DERIVED_FROM]->(m:Model) RETURN m, 'derived-from' AS step
     }
     RETURN DISTINCT m.digest AS model, a.digest AS artifact, via, step`,
    { digests: [...reference.digests], names: [...reference.names] },
    'resolving a model reference',
  );
  return records.map((r) => {
    const step = r.get('step') as string | null;
    return {
      model: r.get('model') as string,
      artifact: r.get('artifact') as string,
      via: step ? [r.get('via') as string, step] : [r.get('via') as string],
    };
  });
}
