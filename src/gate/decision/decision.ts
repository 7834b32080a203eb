// What a deployment decision answers (docs/DEPLOY-GATE.md, "Decisions"): allow or deny, and every reason — passed
// rules as well as failed ones — each naming its evidence (attestation digests, signer, the path from the model to
// an ancestor) or saying that the evidence is absent.
import type { SignerRef } from '../../graph/index.ts';

export type Rule = 'REFERENCE' | 'SIGNATURE' | 'PROVENANCE' | 'LICENSE' | 'EVALUATION' | 'MAX_AGE' | 'INCIDENT';

/** One hop from the model towards an ancestor: `from` depends on `to`, as `evidence` asserts. */
export interface PathStep {
  readonly type: string;
  readonly from: string;
  readonly to: string;
  readonly evidence: readonly string[];
}

export interface Reason {
  readonly rule: Rule;
  readonly passed: boolean;
  /** one sentence, naming what was found or missing. */
  readonly message: string;
  /** the attestations the reason rests on (empty when it is about their absence). */
  readonly attestations: readonly string[];
  readonly signer: SignerRef | null;
  /** from the model to the node the reason is about; empty when it is about the model itself. */
  readonly path: readonly PathStep[];
  /** the incident, for INCIDENT reasons that found one. */
  readonly incident: string | null;
}

export interface Decision {
  readonly allowed: boolean;
  /** the reference as given. */
  readonly reference: string;
  /** the model's digest, when the reference resolved to one. */
  readonly model: string | null;
  readonly policy: string;
  /** failed reasons first. */
  readonly reasons: readonly Reason[];
  readonly decidedAt: string;
}

export const reason = (
  rule: Rule,
  passed: boolean,
  message: string,
  more: Partial<Pick<Reason, 'attestations' | 'signer' | 'path' | 'incident'>> = {},
): Reason => ({
  rule,
  passed,
  message,
  attestations: more.attestations ?? [],
  signer: more.signer ?? null,
  path: more.path ?? [],
  incident: more.incident ?? null,
});

export function signerText(signer: SignerRef | null): string {
  if (!signer) return 'no signer';
  if (signer.kind === 'key') return `key ${signer.fingerprint}`;
  if (signer.kind === 'identity') return `${signer.subject} (${signer.issuer})`;
  return `certificate ${signer.subject} (key ${signer.keyFingerprint})`;
}
