// Maps graph views onto the GraphQL object types generated from schema/ (schema-types.ts): enum casing, derived fields.
import type { Affected, ArtifactView, AttestationView, EvidenceView, SignerRef, TraceResult } from '../../graph/index.ts';
import type { SubmissionStatus } from '../../ingest/index.ts';
import { paginate } from './pagination.ts';
import type {
  AffectedConnection,
  AffectedNode,
  Artifact,
  ArtifactKind,
  Attestation,
  AttestationStatus,
  Evidence,
  QueryResolvers,
  Signer,
  Submission,
  SubmissionState,
  TraceSummary,
} from './schema-types.ts';

/** The arguments of Query.<field> as the schema types them: an argument with a default is always present. */
export type QueryArgs<F extends keyof QueryResolvers> = Parameters<
  Extract<NonNullable<QueryResolvers[F]>, (...args: never[]) => unknown>
>[1];

export function artifactObject(view: ArtifactView): Artifact {
  return {
    digest: view.digest,
    name: view.name,
    kinds: view.labels
      .filter((l) => l === 'Model' || l === 'Dataset' || l === 'File')
      .map((l) => l.toUpperCase() as ArtifactKind),
    files: view.files,
    attestations: view.attestations.map(attestationObject),
    // Only verified attestations are linked, so any link at all means verified evidence covers it.
    signatureStatus: view.attestations.some((a) => a.status === 'verified') ? 'VERIFIED' : 'UNSIGNED',
  };
}

export function attestationObject(view: AttestationView): Attestation {
  return { ...view, status: view.status.toUpperCase() as AttestationStatus, signer: signerObject(view.signer) };
}

export function submissionObject(status: SubmissionStatus): Submission {
  return {
    id: status.id,
    state: status.state.toUpperCase() as SubmissionState,
    attestation: status.attestation ? attestationObject(status.attestation) : null,
    error: status.error,
    attempts: status.attempts,
  };
}

export function evidenceObject(view: EvidenceView): Evidence {
  return {
    attestation: view.digest,
    predicateType: view.predicateType,
    status: view.status.toUpperCase() as AttestationStatus,
    signer: signerObject(view.signer),
  };
}

export function affectedObject(affected: Affected): AffectedNode {
  return {
    node: affected.node,
    depth: affected.depth,
    verified: affected.verified,
    signers: affected.signers.map((signer) => signerObject(signer)),
    path: affected.path.map((hop) => ({ ...hop, evidence: hop.evidence.map(evidenceObject) })),
  };
}

/** One page of a trace's affected nodes, with the paths of that page only (the rest are never explained). */
export async function explainPage(
  result: TraceResult,
  first: number,
  after: string | null | undefined,
): Promise<AffectedConnection> {
  const page = paginate(result.affected, first, after);
  const explained = await result.explain(page.edges.map((edge) => edge.node));
  return {
    ...page,
    edges: page.edges.map((edge, i) => ({ cursor: edge.cursor, node: affectedObject(explained[i] as Affected) })),
  };
}

export function summaryObject(result: TraceResult): TraceSummary {
  return {
    total: result.affected.length,
    byKind: [...result.byKind].map(([kind, count]) => ({ kind, count })),
    byDepth: [...result.byDepth].sort((a, b) => a[0] - b[0]).map(([depth, count]) => ({ depth, count })),
  };
}

export function signerObject(signer: SignerRef): Signer;
export function signerObject(signer: SignerRef | null): Signer | null;
export function signerObject(signer: SignerRef | null): Signer | null {
  if (!signer) return null;
  switch (signer.kind) {
    case 'key':
      return { kind: 'KEY', fingerprint: signer.fingerprint, subject: null, issuer: null, keyFingerprint: signer.fingerprint };
    case 'identity':
      return { kind: 'IDENTITY', fingerprint: null, subject: signer.subject, issuer: signer.issuer, keyFingerprint: null };
    case 'certificate':
      return { ...signer, kind: 'CERTIFICATE' };
  }
}
