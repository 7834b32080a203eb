// The attestations behind edges: status, predicate type and signer. Either looked up by digest in one query, its rows
// grouped by signer, predicate type and status (the thousands of attestations behind a large trace come back as a
// handful of rows of digests, not one row and one copy of the signer each), or read by a lineage traversal in the
// same query (EVIDENCE_GROUPS in ../traverse/subgraph.ts).
import type { GraphConnection } from '../driver.ts';
import type { AttestationStatus, SignerRef } from '../facts.ts';
import { readAll } from './query.ts';

export interface EvidenceView {
  readonly digest: string;
  readonly predicateType: string | null;
  readonly status: AttestationStatus;
  readonly signer: SignerRef | null;
}

/**
 * From rows of distinct attestation digests `d`: one group per signer, predicate type and status, as
 * `[signer, certifiedKey, predicateType, status, digests]` (`addEvidenceGroups` reads them). Also used inside
 * traversal queries (../traverse/subgraph.ts) so that a lineage answer needs one round trip.
 */
export const EVIDENCE_GROUPS = `MATCH (att:Attestation {digest: d})
OPTIONAL MATCH (att)-[:SIGNED_BY]->(signer)
WITH signer, att.predicateType AS predicateType, att.status AS status, collect(att.digest) AS digests
OPTIONAL MATCH (signer)-[:CERTIFIES]->(k:Key)
WITH [signer {.fingerprint, .issuer, .subject, labels: labels(signer)}, k.fingerprint, predicateType, status, digests] AS group`;

/** Adds the views of `EVIDENCE_GROUPS` rows to `views`. */
export function addEvidenceGroups(views: Map<string, EvidenceView>, groups: readonly unknown[][]): Map<string, EvidenceView> {
  for (const [node, certifiedKey, predicateType, status, digests] of groups) {
    const signer = signerOf((node as Record<string, unknown> | null) ?? null, (certifiedKey as string | null) ?? null);
    for (const digest of digests as string[])
      views.set(digest, {
        digest,
        predicateType: (predicateType as string | null) ?? null,
        status: status as AttestationStatus,
        signer,
      });
  }
  return views;
}

export async function fetchEvidence(graph: GraphConnection, digests: Iterable<string>): Promise<Map<string, EvidenceView>> {
  const unique = [...new Set(digests)];
  const views = new Map<string, EvidenceView>();
  if (unique.length === 0) return views;
  const records = await readAll(
    graph,
    `UNWIND $digests AS d ${EVIDENCE_GROUPS} RETURN group`,
    { digests: unique },
    'reading evidence',
  );
  return addEvidenceGroups(
    views,
    records.map((record) => record.get('group') as unknown[]),
  );
}

export function signerOf(node: Record<string, unknown> | null, certifiedKey: string | null): SignerRef | null {
  if (!node) return null;
  const labels = node['labels'] as string[];
  if (labels.includes('Key')) return { kind: 'key', fingerprint: String(node['fingerprint']) };
  if (labels.includes('Identity')) return { kind: 'identity', issuer: String(node['issuer']), subject: String(node['subject']) };
  if (labels.includes('Certificate')) {
    return {
      kind: 'certificate',
      fingerprint: String(node['fingerprint']),
      subject: String(node['subject']),
      issuer: String(node['issuer']),
      keyFingerprint: certifiedKey ?? '',
    };
  }
  return null;
}
