// One Sigstore bundle through @sigstore/verify, offline: bundle → SignedEntity → Verifier under a TrustedRoot.
// Shared by keyless.ts (trust-policy identities) and sigstore-bundle.ts (sigstore-conformance's generic client).
// Never the top-level `sigstore.verify`: it always fetches the trusted root over TUF, and verification stays offline.

import type { KeyObject } from 'node:crypto';
import { bundleFromJSON } from '@sigstore/bundle';
import type { Bundle } from '@sigstore/bundle';
import { toSignedEntity, toTrustMaterial, Verifier } from '@sigstore/verify';
import type { KeyFinderFunc, SignedEntity, TrustMaterial } from '@sigstore/verify';
import type { TrustedRoot } from '@sigstore/protobuf-specs';
import { checkBundleEncoding } from './bundle-json.ts';
import { checkSigningCertificate } from './certificate.ts';
import { fail, ok, type Check, type Failure } from '../check.ts';
import { failureFromError } from './errors.ts';
import { messageDigestMatches, withKeyBoundHash } from './signature.ts';
import { parseTrustedRoot } from './trust-root.ts';

/** Thresholds (Sigstore client spec, "Verification"): at least one log entry, one SCT, one verified timestamp. */
export const TLOG_THRESHOLD = 1;
export const CTLOG_THRESHOLD = 1;
export const TIMESTAMP_THRESHOLD = 1;
/** Clock skew tolerated between a log or TSA and us before a timestamp counts as "in the future". */
export const MAX_CLOCK_SKEW_MS = 60_000;

export interface RunOptions {
  /** TrustedRoot JSON (protobuf-JSON). */
  readonly trustedRoot: unknown;
  /** the signed bytes of a message-signature bundle. DSSE bundles carry their payload. */
  readonly artifact?: Uint8Array;
  /** key mode: the one key a key-signed bundle must verify under (the bundle's key hint is ignored). */
  readonly publicKey?: KeyObject;
  readonly now: Date;
}

export interface VerifiedBundle {
  readonly bundle: Bundle;
  /** certificate identity, present for keyless (certificate) bundles. */
  readonly identity?: { readonly issuer: string | undefined; readonly subjectAlternativeName: string | undefined };
}

export function runSigstoreVerifier(json: unknown, opts: RunOptions): Check<VerifiedBundle> {
  const root = parseTrustedRoot(opts.trustedRoot);
  if (!root.ok) return root;

  const encoding = checkBundleEncoding(json);
  if (encoding) return encoding;
  let bundle: Bundle;
  try {
    bundle = bundleFromJSON(json);
  } catch (err) {
    return fail('MALFORMED_BUNDLE', `not a valid Sigstore bundle: ${err instanceof Error ? err.message : String(err)}`);
  }
  const shape = checkShape(bundle, opts);
  if (shape) return shape;

  const material = trustMaterialFrom(root.value, keyFinder(opts.publicKey));
  if (!material.ok) return material;

  let entity: SignedEntity;
  try {
    entity = withKeyBoundHash(
      toSignedEntity(bundle, opts.artifact ? Buffer.from(opts.artifact) : undefined),
      bundle,
      opts.artifact,
    );
  } catch (err) {
    // certificate / RFC 3161 token parsing of attacker-supplied bytes
    return failureFromError(err);
  }

  // SECURITY: the signature verifies over the DSSE PAE (or the artifact) under the Fulcio leaf or managed key; the
  // leaf chains to a trusted Fulcio CA at every verified timestamp; SCTs verify under trusted CT logs; every tlog entry
  // matches this signature and is included (SET or checkpoint-signed Merkle proof) in a trusted log; every RFC 3161
  // token verifies under a trusted TSA; thresholds as above.
  let identity: VerifiedBundle['identity'];
  try {
    const verifier = new Verifier(material.value, {
      tlogThreshold: TLOG_THRESHOLD,
      ctlogThreshold: CTLOG_THRESHOLD,
      timestampThreshold: TIMESTAMP_THRESHOLD,
    });
    const signer = verifier.verify(entity);
    if (signer.identity) {
      identity = { issuer: signer.identity.extensions?.issuer, subjectAlternativeName: signer.identity.subjectAlternativeName };
    }
  } catch (err) {
    return failureFromError(err);
  }

  const logs = distinctLogs(bundle);
  if (logs < TLOG_THRESHOLD) {
    return fail('TLOG_INVALID', `expected entries from ${TLOG_THRESHOLD} distinct transparency log(s), got ${logs}`);
  }
  const future = futureTimestamp(entity, opts.now);
  if (future) return future;
  return ok(identity ? { bundle, identity } : { bundle });
}

/** Structural preconditions the library does not enforce itself. */
function checkShape(bundle: Bundle, opts: RunOptions): Failure | undefined {
  const material = bundle.verificationMaterial.content.$case;
  if (material === 'publicKey' && opts.publicKey === undefined) {
    return fail('UNTRUSTED_KEY', 'the bundle is signed with a key, and no key was given to verify it');
  }
  if (material !== 'publicKey' && opts.publicKey !== undefined) {
    return fail('UNTRUSTED_KEY', 'a key was given, but the bundle is signed with a certificate');
  }
  if (material !== 'publicKey') {
    const cert = checkSigningCertificate(bundle);
    if (cert) return cert;
  }
  if (bundle.content.$case === 'messageSignature') {
    if (opts.artifact === undefined) {
      return fail('UNSUPPORTED_PAYLOAD_TYPE', 'a message-signature bundle carries no statement and no artifact was given');
    }
    // Consistency of the (unauthenticated) digest hint with the artifact; the signature itself is checked over the bytes.
    if (messageDigestMatches(bundle, opts.artifact) !== true) {
      return fail('SIGNATURE_INVALID', 'the bundle messageDigest does not match the artifact');
    }
  }
  return undefined;
}

/** Managed-key mode: the caller's key for any hint — the hint is unauthenticated, so it selects nothing. */
function keyFinder(publicKey: KeyObject | undefined): KeyFinderFunc | undefined {
  if (publicKey === undefined) return undefined;
  return () => ({ publicKey, validFor: () => true });
}

/**
 * SECURITY: the log threshold counts distinct logs. @sigstore/verify rejects exact duplicate entries but
 * counts two entries from one log twice; a single log must not satisfy a threshold meant for independent witnesses.
 */
function distinctLogs(bundle: Bundle): number {
  const ids = bundle.verificationMaterial.tlogEntries.flatMap((e) => (e.logId ? [e.logId.keyId.toString('hex')] : []));
  return new Set(ids).size;
}

/**
 * SECURITY: no timestamp lies in the future of our clock (beyond skew). The Verifier checks the certificate at the
 * timestamps, not against now; a log or TSA clock claiming a future time is not evidence of when the signing happened.
 */
function futureTimestamp(entity: SignedEntity, now: Date): Failure | undefined {
  const limit = now.getTime() + MAX_CLOCK_SKEW_MS;
  for (const ts of entity.timestamps) {
    const when =
      ts.$case === 'transparency-log' ? Number(ts.tlogEntry.integratedTime) * 1000 : ts.timestamp.signingTime.getTime();
    if (when > limit) {
      return fail('TIMESTAMP_INVALID', `a ${ts.$case} timestamp (${new Date(when).toISOString()}) is in the future`);
    }
  }
  return undefined;
}

/** Builds @sigstore/verify trust material; `keys` resolves managed keys (key-signed bundles), else none are trusted. */
export function trustMaterialFrom(root: TrustedRoot, keys?: KeyFinderFunc): Check<TrustMaterial> {
  try {
    return ok(toTrustMaterial(root, keys));
  } catch (err) {
    // e.g. a log key whose rawBytes are not a public key
    return fail('NO_TRUST_MATERIAL', `the configured Sigstore trusted root holds an unusable key: ${String(err)}`);
  }
}
