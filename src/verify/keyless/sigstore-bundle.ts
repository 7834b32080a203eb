// Generic Sigstore bundle verification (Sigstore client spec, "Verification"), the shape sigstore-conformance's
// `verify-bundle` drives: one bundle, one artifact, one expected identity or one managed key, one trusted root.
// Offline: the trusted root is given, nothing is fetched.

import { createHash, createPublicKey } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import type { Bundle } from '@sigstore/bundle';
import { fail, ok, type Check } from '../check.ts';
import { runSigstoreVerifier } from './verifier.ts';

export interface SigstoreBundleOptions {
  /** TrustedRoot JSON (protobuf-JSON), e.g. the public-good root or a case's trusted_root.json. */
  readonly trustedRoot: unknown;
  /** keyless: the Fulcio certificate must carry exactly this OIDC issuer and SAN. */
  readonly identity?: { readonly issuer: string; readonly subject: string };
  /** key mode: the bundle must be signed by this key (PEM SubjectPublicKeyInfo). */
  readonly publicKeyPem?: string;
  /** verification time for "not in the future" checks; default: the current time. */
  readonly now?: Date;
}

export type SigstoreBundleResult = Check<true>;

/** in-toto Statement v1 / v0.1 DSSE payload type (in-toto attestation spec, envelope.md). */
const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';

/**
 * Verifies `bundle` (parsed JSON) for `artifact`:
 * - message-signature bundles: the signature is checked over the artifact bytes;
 * - DSSE bundles: the envelope signature is checked over its PAE, then the artifact's SHA-256 must be one of the
 *   statement's subject digests (the artifact is what the signed statement is about).
 */
export async function verifySigstoreBundle(
  bundle: unknown,
  artifact: Uint8Array | undefined,
  opts: SigstoreBundleOptions,
): Promise<SigstoreBundleResult> {
  let publicKey: KeyObject | undefined;
  if (opts.publicKeyPem !== undefined) {
    try {
      publicKey = createPublicKey(opts.publicKeyPem);
    } catch (err) {
      return fail('UNSUPPORTED_KEY', `the given public key does not parse: ${String(err)}`);
    }
  } else if (opts.identity === undefined) {
    // SECURITY: a certificate that chains to Fulcio only says *someone* signed; without an expected identity
    // nothing is verified about who.
    return fail('IDENTITY_MISMATCH', 'neither an expected identity nor a key was given');
  }

  const run = runSigstoreVerifier(bundle, {
    trustedRoot: opts.trustedRoot,
    ...(artifact ? { artifact } : {}),
    ...(publicKey ? { publicKey } : {}),
    now: opts.now ?? new Date(),
  });
  if (!run.ok) return run;

  if (publicKey === undefined && opts.identity !== undefined) {
    // SECURITY: the verified certificate names the expected signer — issuer and SAN compared exactly.
    const got = run.value.identity;
    if (got?.issuer !== opts.identity.issuer) {
      return fail('IDENTITY_MISMATCH', `certificate issuer ${String(got?.issuer)} is not ${opts.identity.issuer}`);
    }
    if (got.subjectAlternativeName !== opts.identity.subject) {
      return fail('IDENTITY_MISMATCH', `certificate SAN ${String(got.subjectAlternativeName)} is not ${opts.identity.subject}`);
    }
  }

  if (run.value.bundle.content.$case === 'dsseEnvelope' && artifact !== undefined) {
    return checkStatementSubject(run.value.bundle, artifact);
  }
  return ok(true);
}

/** SECURITY: binds a DSSE bundle to the artifact — its SHA-256 is a subject digest of the signed in-toto Statement. */
function checkStatementSubject(bundle: Bundle, artifact: Uint8Array): SigstoreBundleResult {
  if (bundle.content.$case !== 'dsseEnvelope') return ok(true);
  const env = bundle.content.dsseEnvelope;
  if (env.payloadType !== IN_TOTO_PAYLOAD_TYPE) {
    return fail('UNSUPPORTED_PAYLOAD_TYPE', `DSSE payloadType ${env.payloadType} is not ${IN_TOTO_PAYLOAD_TYPE}`);
  }
  let statement: unknown;
  try {
    statement = JSON.parse(env.payload.toString('utf8'));
  } catch {
    return fail('MALFORMED_STATEMENT', 'the DSSE payload is not JSON');
  }
  const subjects = typeof statement === 'object' && statement !== null && 'subject' in statement ? statement.subject : undefined;
  if (!Array.isArray(subjects) || subjects.length === 0) {
    return fail('NO_SUBJECT', 'the statement has no subject');
  }
  const want = createHash('sha256').update(artifact).digest('hex');
  const found = subjects.some((s: unknown) => {
    const digest = typeof s === 'object' && s !== null && 'digest' in s ? s.digest : undefined;
    const hex = typeof digest === 'object' && digest !== null && 'sha256' in digest ? digest.sha256 : undefined;
    return typeof hex === 'string' && hex.toLowerCase() === want;
  });
  return found ? ok(true) : fail('FILE_DIGEST_MISMATCH', `no statement subject has the artifact's sha256 ${want}`);
}
