// The attestations behind edges: status, predicate type and signer, looked up in one query. Rows are grouped by
// signer, predicate type and status, so the thousands of attestations behind a large trace come back as a handful of
// rows of digests instead of one row (and one copy of the signer) each.
import type { GraphConnection } from './driver.ts';
import type { AttestationStatus, SignerRef } from './facts.ts';
import { readAll } from './read-query.ts';

export interface EvidenceView {
  readonly digest: string;
  readonly predicateType: string | null;
  readonly status: AttestationStatus;
  readonly signer: SignerRef | null;
}

/**
 * From rows of distinct attestation digests `d`: one group per signer, predicate type and status, as
 * `[signer, certifiedKey, predicateType, status, digests]` (`evidenceGroups` reads them). Also used inside
 * traversal queries (traverse.ts) so that a lineage answer needs one round trip.
 */
export const EVIDENCE_GROUPS = `MATCH (att:Attestation {digest: d})
OPTIONAL MATCH (att)-[:SIGNED_BY]->(signer)
WITH signer, att.predicateType AS predicateType, att.status AS status, collect(att.digest) AS digests
OPTIONAL MATCH (signer)-[:CERTIFIES]->(k:Key)
WITH [signer {.fingerprint, .issuer, .subject, labels: labels(signer)}, k.fingerprint, predicateType, status, digests] AS group`;

/**
 * The attestations behind edge `e`, inline in a query's row: `[digest, predicateType, status, signer elementId]` each
 * (`evidenceFromEntries` reads them). A large traversal then needs no second query with its thousands of digests.
 */
export const EVIDENCE_ENTRIES = (e: string): string =>
  `COLLECT { UNWIND coalesce(${e}.evidence, []) AS d MATCH (att:Attestation {digest: d})
    RETURN [d, att.predicateType, att.status, head([(att)-[:SIGNED_BY]->(signer) | elementId(signer)])] AS entry }`;

export type EvidenceEntry = [digest: string, predicateType: string | null, status: AttestationStatus, signer: string | null];

/** Views of `EVIDENCE_ENTRIES` entries; the few distinct signers are read in one small query. */
export async function evidenceFromEntries(
  graph: GraphConnection,
  entries: Iterable<EvidenceEntry>,
): Promise<Map<string, EvidenceView>> {
  const list = [...entries];
  const signerIds = [...new Set(list.map((entry) => entry[3]).filter((id): id is string => id !== null))];
  const signers = new Map<string, SignerRef | null>();
  if (signerIds.length > 0) {
    const records = await readAll(
      graph,
      `MATCH (signer) WHERE elementId(signer) IN $ids
       OPTIONAL MATCH (signer)-[:CERTIFIES]->(k:Key)
       RETURN elementId(signer) AS id, signer {.fingerprint, .issuer, .subject, labels: labels(signer)} AS signer, k.fingerprint AS certifiedKey`,
      { ids: signerIds },
      'reading signers',
    );
    for (const record of records)
      signers.set(
        record.get('id') as string,
        signerOf(record.get('signer') as Record<string, unknown>, record.get('certifiedKey') as string | null),
      );
  }
  const views = new Map<string, EvidenceView>();
  for (const [digest, predicateType, status, signer] of list)
    views.set(digest, {
      digest,
      predicateType: predicateType ?? null,
      status,
      signer: signer === null ? null : (signers.get(signer) ?? null),
    });
  return views;
}

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
