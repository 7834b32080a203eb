// Verification result → graph facts. Pure: no I/O, so every rule here is unit-testable.
import type { AttestationFacts, AttestationRecord, SignerRef } from '../graph/index.ts';
import type { Signer, VerificationResult } from '../verify/index.ts';
import { extractLineage } from './extract/index.ts';
import type { SubmissionMeta } from './submission.ts';

export function factsFromResult(result: VerificationResult, document: string, meta: SubmissionMeta): AttestationFacts {
  const claimedSubjects = (result.statement?.subjects ?? []).flatMap((subject) =>
    Object.entries(subject.digest).map(([algorithm, hex]) => `${algorithm.toLowerCase()}:${hex.toLowerCase()}`),
  );
  const base = {
    digest: `sha256:${result.documentDigest}`,
    predicateType: result.predicateType ?? result.statement?.predicateType ?? null,
    method: result.method ?? null,
    origin: meta.origin,
    collector: meta.collector,
    receivedAt: meta.receivedAt,
    document,
    claimedSubjects,
  };
  if (result.status === 'rejected') {
    const attestation: AttestationRecord = {
      ...base,
      status: 'rejected',
      reasonCode: result.code,
      reason: result.message,
      signer: null,
    };
    return { attestation, artifacts: [], contains: [], attests: [] };
  }
  const attestation: AttestationRecord = {
    ...base,
    status: 'verified',
    reasonCode: null,
    reason: null,
    signer: signerRef(result.signer),
  };
  const extracted = extractLineage(result.statement, result.oms, attestation.digest, result.atlas);
  if (!extracted.ok) {
    // The signature is good but the predicate cannot be read: nothing it says can be linked.
    return {
      attestation: {
        ...attestation,
        status: 'rejected',
        reasonCode: 'MALFORMED_PREDICATE',
        reason: extracted.message,
        signer: null,
      },
      artifacts: [],
      contains: [],
      attests: [],
    };
  }
  return { attestation, ...extracted.lineage };
}

function signerRef(signer: Signer): SignerRef {
  switch (signer.kind) {
    case 'key':
      return { kind: 'key', fingerprint: signer.fingerprint };
    case 'keyless':
      return { kind: 'identity', issuer: signer.issuer, subject: signer.subject };
    case 'certificate':
      return {
        kind: 'certificate',
        fingerprint: signer.fingerprint,
        subject: signer.subject,
        issuer: signer.issuer,
        keyFingerprint: signer.keyFingerprint,
      };
  }
}
