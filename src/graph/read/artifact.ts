// Read models for the API: plain objects, no driver types.
import type { GraphConnection } from '../driver.ts';
import { signerOf } from './evidence.ts';
import { readAll, toNumberOrNull } from './query.ts';
import type { AttestationStatus, SignerRef } from '../facts.ts';

export interface AttestationView {
  readonly digest: string;
  readonly predicateType: string | null;
  readonly status: AttestationStatus;
  readonly reasonCode: string | null;
  readonly reason: string | null;
  readonly method: string | null;
  readonly origin: string;
  readonly collector: string;
  readonly receivedAt: string;
  readonly verifiedAt: string;
  readonly signer: SignerRef | null;
  readonly subjects: readonly string[];
}

export interface FileView {
  readonly path: string;
  readonly digest: string;
  readonly start: number | null;
  readonly end: number | null;
}

export interface ArtifactView {
  readonly digest: string;
  readonly name: string | null;
  readonly labels: readonly string[];
  readonly files: readonly FileView[];
  readonly attestations: readonly AttestationView[];
}

const ATTESTATION_PROJECTION = `{
  digest: att.digest, predicateType: att.predicateType, status: att.status, reasonCode: att.reasonCode,
  reason: att.reason, method: att.method, origin: att.origin, collector: att.collector,
  receivedAt: toString(att.receivedAt), verifiedAt: toString(att.verifiedAt), claimedSubjects: att.claimedSubjects,
  signer: head([(att)-[:SIGNED_BY]->(s) | s {.*, labels: labels(s), certifiedKey: head([(s)-[:CERTIFIES]->(k) | k.fingerprint])}])
}`;

export async function findAttestation(graph: GraphConnection, digest: string): Promise<AttestationView | null> {
  const records = await readAll(
    graph,
    `MATCH (att:Attestation {digest: $digest}) RETURN ${ATTESTATION_PROJECTION} AS att`,
    { digest },
    `reading attestation ${digest}`,
  );
  const row = records[0]?.get('att') as Record<string, unknown> | undefined;
  return row ? toAttestationView(row) : null;
}

export async function findArtifact(graph: GraphConnection, digest: string): Promise<ArtifactView | null> {
  const records = await readAll(
    graph,
    `MATCH (n:Artifact {digest: $digest})
     RETURN n.digest AS digest, n.name AS name, labels(n) AS labels,
       [(n)-[r:CONTAINS]->(f) | {path: r.path, digest: f.digest, start: r.start, end: r.end}] AS files,
       [(att:Attestation)-[:ATTESTS]->(n) | ${ATTESTATION_PROJECTION}] AS attestations`,
    { digest },
    `reading artifact ${digest}`,
  );
  const record = records[0];
  if (!record) return null;
  const files = (record.get('files') as Record<string, unknown>[]).map((f) => ({
    path: String(f['path']),
    digest: String(f['digest']),
    start: toNumberOrNull(f['start']),
    end: toNumberOrNull(f['end']),
  }));
  files.sort((x, y) => (x.path < y.path ? -1 : x.path > y.path ? 1 : (x.start ?? 0) - (y.start ?? 0)));
  return {
    digest: String(record.get('digest')),
    name: (record.get('name') as string | null) ?? null,
    labels: (record.get('labels') as string[]).filter((l) => l !== 'Artifact').sort(),
    files,
    attestations: (record.get('attestations') as Record<string, unknown>[]).map(toAttestationView),
  };
}

function toAttestationView(row: Record<string, unknown>): AttestationView {
  const signer = row['signer'] as Record<string, unknown> | null;
  return {
    digest: String(row['digest']),
    predicateType: (row['predicateType'] as string | null) ?? null,
    status: row['status'] as AttestationStatus,
    reasonCode: (row['reasonCode'] as string | null) ?? null,
    reason: (row['reason'] as string | null) ?? null,
    method: (row['method'] as string | null) ?? null,
    origin: String(row['origin']),
    collector: String(row['collector']),
    receivedAt: String(row['receivedAt']),
    verifiedAt: String(row['verifiedAt']),
    signer: signerOf(signer, (signer?.['certifiedKey'] as string | null | undefined) ?? null),
    subjects: (row['claimedSubjects'] as string[] | null) ?? [],
  };
}
