// Maps graph views onto GraphQL object shapes (enum casing, derived fields).
import type { ArtifactView, AttestationView, SignerRef } from '../../graph/index.ts';
import type { SubmissionStatus } from '../../ingest/index.ts';

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

function signerObject(signer: SignerRef | null) {
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
