// Maps graph views onto GraphQL object shapes (enum casing, derived fields).
import type { Affected, ArtifactView, AttestationView, EvidenceView, SignerRef, TraceResult } from '../../graph/index.ts';
import type { SubmissionStatus } from '../../ingest/index.ts';
import { paginate } from './pagination.ts';

export function artifactObject(view: ArtifactView) {
  return {
    digest: view.digest,
    name: view.name,
    kinds: view.labels.filter((l) => l === 'Model' || l === 'Dataset' || l === 'File').map((l) => l.toUpperCase()),
    files: view.files,
    attestations: view.attestations.map(attestationObject),
    // Only verified attestations are linked, so any link at all means verified evidence covers it.
    signatureStatus: view.attestations.some((a) => a.status === 'verified') ? 'VERIFIED' : 'UNSIGNED',
  };
}

export function attestationObject(view: AttestationView) {
  return { ...view, status: view.status.toUpperCase(), signer: signerObject(view.signer) };
}

export function submissionObject(status: SubmissionStatus) {
  return {
    id: status.id,
    state: status.state.toUpperCase(),
    attestation: status.attestation ? attestationObject(status.attestation) : null,
    error: status.error,
    attempts: status.attempts,
  };
}

export function evidenceObject(view: EvidenceView) {
  return {
    attestation: view.digest,
    predicateType: view.predicateType,
    status: view.status.toUpperCase(),
    signer: signerObject(view.signer),
  };
}

export function affectedObject(affected: Affected) {
  return {
    node: affected.node,
    depth: affected.depth,
    verified: affected.verified,
    signers: affected.signers.map(signerObject),
    path: affected.path.map((hop) => ({ ...hop, evidence: hop.evidence.map(evidenceObject) })),
  };
}

/** One page of a trace's affected nodes, with the paths of that page only (the rest are never explained). */
export async function explainPage(result: TraceResult, first: number, after: string | null | undefined) {
  const page = paginate(result.affected, first, after);
  const explained = await result.explain(page.edges.map((edge) => edge.node));
  return {
    ...page,
    edges: page.edges.map((edge, i) => ({ cursor: edge.cursor, node: affectedObject(explained[i] as Affected) })),
  };
}

export function summaryObject(result: TraceResult) {
  return {
    total: result.affected.length,
    byKind: [...result.byKind].map(([kind, count]) => ({ kind, count })),
    byDepth: [...result.byDepth].sort((a, b) => a[0] - b[0]).map(([depth, count]) => ({ depth, count })),
  };
}

export function signerObject(signer: SignerRef | null) {
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
