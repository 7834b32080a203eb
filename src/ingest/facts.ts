// Verification result → graph facts. Pure: no I/O, so every rule here is unit-testable.
import type { ArtifactFact, AttestationFacts, AttestationRecord, ContainsFact, SignerRef } from '../graph/index.ts';
import type { OmsManifest, Signer, VerificationResult } from '../verify/index.ts';
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
  if (result.oms) return { attestation, ...omsFacts(result.oms) };
  return { attestation, artifacts: [], contains: [], attests: [] };
}

/** OMS v1.0: the subject is the model's root digest; every resource is a file (or shard) it contains. */
function omsFacts(oms: OmsManifest): Pick<AttestationFacts, 'artifacts' | 'contains' | 'attests'> {
  const root = `${oms.rootDigest.algorithm}:${oms.rootDigest.hex}`;
  const files = new Map<string, ArtifactFact>();
  const contains: ContainsFact[] = [];
  for (const resource of oms.resources) {
    const digest = `${fileAlgorithm(resource.algorithm, oms.serialization.hashType)}:${resource.hex}`;
    files.set(digest, { digest, labels: ['File'] });
    contains.push({
      parent: root,
      child: digest,
      path: resource.path,
      ...(resource.shard ? { start: resource.shard.start, end: resource.shard.end } : {}),
    });
  }
  return {
    artifacts: [{ digest: root, labels: ['Model'], name: oms.name }, ...files.values()],
    contains,
    attests: [root],
  };
}

/** Shard digests name their algorithm `sha256-sharded-<size>`; the hash itself is the manifest's hash_type. */
function fileAlgorithm(algorithm: string, hashType: string): string {
  return (algorithm.includes('-sharded-') ? hashType : algorithm).toLowerCase();
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
