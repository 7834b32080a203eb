// Keyless verification (docs/TRUST-POLICY.md, "How each method uses the policy"): a Sigstore bundle (v0.1–v0.3) whose signing certificate Fulcio issued to an
// OIDC identity. Answers only "is this bundle's signature valid under the trusted root, and is the signer a trusted
// identity"; the DSSE payload (in-toto Statement, OMS predicate) is checked by the caller.
// Offline: the TrustedRoot comes from the trust policy.

import { fail, ok, type Check } from '../check.ts';
import { runSigstoreVerifier } from './verifier.ts';
import { matchesScope } from '../policy/scope.ts';
import type { Signer, TrustedIdentity, TrustPolicy } from '../types.ts';

export type KeylessSigner = Extract<Signer, { kind: 'keyless' }>;

export type KeylessResult = Check<KeylessSigner>;

export interface KeylessOptions {
  /** the signed bytes of a message-signature bundle (DSSE bundles carry their payload). */
  readonly artifact?: Uint8Array;
  /**
   * the Statement subject name, for identities with a `scope`. Without it only unscoped identities can match:
   * a scoped identity is never applied to an artifact whose name we were not told (fail closed).
   */
  readonly subjectName?: string;
}

/**
 * Verifies a keyless Sigstore bundle against `policy.sigstoreTrustedRoot` and `policy.identities`.
 * Every cryptographic check is @sigstore/verify's Verifier plus the extra checks in verifier.ts; the
 * DSSE signature is checked over PAE(payloadType, payload) with the hash the Fulcio key prescribes.
 */
export async function verifyKeyless(
  bundle: unknown,
  policy: TrustPolicy,
  now: Date,
  options: KeylessOptions = {},
): Promise<KeylessResult> {
  const run = runSigstoreVerifier(bundle, {
    trustedRoot: policy.sigstoreTrustedRoot,
    ...(options.artifact ? { artifact: options.artifact } : {}),
    now,
  });
  if (!run.ok) return run;

  const issuer = run.value.identity?.issuer;
  const subject = run.value.identity?.subjectAlternativeName;
  if (issuer === undefined || subject === undefined) {
    return fail('IDENTITY_MISMATCH', 'the signing certificate carries no Fulcio OIDC issuer or no SAN');
  }
  const signer: KeylessSigner = { kind: 'keyless', issuer, subject };

  // SECURITY: the signer is one the trust policy names — issuer exact, SAN exact or matching an anchored pattern —
  // and, for scoped identities, trusted for this artifact's name.
  const matching = policy.identities.filter((id) => identityMatches(id, issuer, subject));
  if (matching.length === 0) {
    return fail('IDENTITY_MISMATCH', `signer ${subject} (issuer ${issuer}) is not a trusted identity`);
  }
  const inScope = matching.some((id) =>
    options.subjectName === undefined ? id.scope === undefined : matchesScope(options.subjectName, id.scope),
  );
  if (!inScope) {
    const what = options.subjectName === undefined ? 'an unnamed artifact' : `artifact ${options.subjectName}`;
    return fail('IDENTITY_MISMATCH', `signer ${subject} (issuer ${issuer}) is not trusted for ${what}`);
  }
  return ok(signer);
}

/**
 * One trust-policy identity against a certificate's issuer and SAN. The policy allows exactly one of subject /
 * subjectPattern; an entry with both must satisfy both and an entry with neither matches nothing, so a
 * misconfigured entry can only trust less, never more.
 */
export function identityMatches(id: TrustedIdentity, issuer: string, subject: string): boolean {
  if (id.issuer !== issuer) return false;
  if (id.subject === undefined && id.subjectPattern === undefined) return false;
  if (id.subject !== undefined && id.subject !== subject) return false;
  if (id.subjectPattern !== undefined && !fullMatch(id.subjectPattern, subject)) return false;
  return true;
}

const patterns = new Map<string, RegExp | null>();

/** The pattern must match the whole SAN: wrapped in ^(?:…)$ so `a|b` cannot match a mere prefix or suffix. */
function fullMatch(pattern: string, value: string): boolean {
  let re = patterns.get(pattern);
  if (re === undefined) {
    try {
      re = new RegExp(`^(?:${pattern})$`);
    } catch {
      re = null; // an invalid pattern trusts nobody
    }
    patterns.set(pattern, re);
  }
  return re !== null && re.test(value);
}
