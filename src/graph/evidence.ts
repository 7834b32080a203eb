// The attestations behind edges: status, predicate type and signer, looked up in one query.
import neo4j from 'neo4j-driver';
import type { GraphConnection } from './driver.ts';
import { toGraphError } from './errors.ts';
import type { AttestationStatus, SignerRef } from './facts.ts';

export interface EvidenceView {
  readonly digest: string;
  readonly predicateType: string | null;
  readonly status: AttestationStatus;
  readonly signer: SignerRef | null;
}

export async function fetchEvidence(graph: GraphConnection, digests: Iterable<string>): Promise<Map<string, EvidenceView>> {
  const unique = [...new Set(digests)];
  const views = new Map<string, EvidenceView>();
  if (unique.length === 0) return views;
  try {
    const { records } = await graph.driver.executeQuery(
      `UNWIND $digests AS d
       MATCH (a:Attestation {digest: d})
       OPTIONAL MATCH (a)-[:SIGNED_BY]->(s)
       OPTIONAL MATCH (s)-[:CERTIFIES]->(k:Key)
       RETURN a.digest AS digest, a.predicateType AS predicateType, a.status AS status,
              s {.*, labels: labels(s)} AS signer, k.fingerprint AS certifiedKey`,
      { digests: unique },
      { database: graph.database, routing: neo4j.routing.READ },
    );
    for (const record of records) {
      const digest = String(record.get('digest'));
      views.set(digest, {
        digest,
        predicateType: (record.get('predicateType') as string | null) ?? null,
        status: record.get('status') as AttestationStatus,
        signer: signerOf(record.get('signer') as Record<string, unknown> | null, record.get('certifiedKey') as string | null),
      });
    }
    return views;
  } catch (error) {
    throw toGraphError(error, 'reading evidence');
  }
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
