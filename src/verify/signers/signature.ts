// Chooses the verification method from the document's material and runs it: key, certificate or keyless.
//
// Routing of certificates (documented in docs/TRUST-POLICY.md):
//   - a leaf carrying the Fulcio OIDC-issuer extension is Sigstore keyless, whatever field holds it;
//   - any other leaf (x509CertificateChain, or a v0.3 single `certificate`) is certificate mode when the policy
//     configures anchors; without anchors it goes to keyless verification, which rejects it unless the policy's
//     Sigstore trusted root vouches for its issuer (a private Sigstore deployment).

import type { KeyObject } from 'node:crypto';
import { fail, ok } from '../check.ts';
import type { Check } from '../check.ts';
import type { Document, SignedDocument } from '../document/bundle.ts';
import { isFulcioCertificate, parseCertificate, verifyChain } from './certificate.ts';
import { keyHash, verifyEnvelope } from './dsse.ts';
import type { Envelope } from '../document/envelope.ts';
import { describeNames, verifyWithKey } from './key.ts';
import type { KeyReference } from './key.ts';
import { verifyKeyless } from '../keyless/lazy.ts';
import { appliesTo, preparePolicy, spkiFingerprint } from '../policy/material.ts';
import { sha256Hex } from '../document/encoding.ts';
import { OMS_PREDICATE_LEGACY } from '../oms/manifest.ts';
import type { Signer, TrustPolicy, VerificationMethod } from '../types.ts';

export interface MethodCheck {
  readonly method: VerificationMethod;
  readonly result: Check<Signer>;
}

/** What the (not yet authenticated) statement claims; the signature check makes it authentic or rejects. */
export interface Claimed {
  readonly subjectNames?: readonly string[];
  readonly predicateType?: string;
}

/**
 * The method the document itself asks for, from its verification material alone: a key (or a bare envelope or an
 * Atlas manifest, which names no key), a certificate chain, or a Sigstore (Fulcio) certificate. Authenticates
 * nothing; callers use it to explain a mismatch with the method they expected.
 */
export function claimedMethod(doc: Document): VerificationMethod {
  if (doc.kind !== 'bundle' || doc.material.kind === 'publicKey') return 'key';
  const leaf = parseCertificate(
    doc.material.kind === 'certificate' ? doc.material.certificate : (doc.material.certificates[0] ?? Buffer.alloc(0)),
  );
  return leaf !== undefined && isFulcioCertificate(leaf) ? 'keyless' : 'certificate';
}

/**
 * `extraIntermediates`: untrusted CA certificates (DER) the caller offers besides the bundle's own, to complete a
 * certificate chain; like the bundle's, they never end one.
 */
export async function checkSignature(
  doc: SignedDocument,
  policy: TrustPolicy,
  now: Date,
  claimed: Claimed,
  extraIntermediates: readonly Buffer[] = [],
): Promise<MethodCheck> {
  const prepared = preparePolicy(policy);
  const { envelope } = doc;
  const { subjectNames } = claimed;
  // model_signing v0.2.0's PAE quirk is honoured only for the v0.2.0 predicate (dsse.ts legacyPae).
  const allowLegacy = claimed.predicateType === OMS_PREDICATE_LEGACY;
  if (doc.kind === 'envelope' || doc.material.kind === 'publicKey') {
    const verifies = (key: KeyObject, hash: string | null) => verifyEnvelope(envelope, key, hash, allowLegacy) !== 'invalid';
    return { method: 'key', result: verifyWithKey(keyReference(doc), verifies, prepared.keys, subjectNames) };
  }
  const chain = doc.material.kind === 'certificate' ? [doc.material.certificate] : doc.material.certificates;
  const leafDer = chain[0] ?? Buffer.alloc(0);
  const leaf = parseCertificate(leafDer);
  if (leaf === undefined) {
    return { method: 'certificate', result: fail('MALFORMED_BUNDLE', 'The leaf certificate in the bundle is not DER X.509.') };
  }
  if (isFulcioCertificate(leaf) || prepared.anchors.length === 0) {
    return { method: 'keyless', result: await keyless(doc.json, policy, now, subjectNames) };
  }
  const anchors = prepared.anchors.filter((a) => appliesTo(a.scope, subjectNames));
  if (anchors.length === 0) {
    return {
      method: 'certificate',
      result: fail('CERTIFICATE_UNTRUSTED', `No configured anchor is trusted for subject ${describeNames(subjectNames)}.`),
    };
  }
  return {
    method: 'certificate',
    result: certificateMode(leafDer, [...chain.slice(1), ...extraIntermediates], anchors, envelope, now, allowLegacy),
  };
}

function keyReference(doc: SignedDocument): KeyReference {
  const keyid = doc.envelope.signature.keyid;
  if (doc.kind === 'bundle' && doc.material.kind === 'publicKey') {
    if (doc.material.hint !== undefined) return { kind: 'hint', hint: doc.material.hint };
    if (doc.material.rawBytes !== undefined) return { kind: 'rawBytes', rawBytes: doc.material.rawBytes };
  }
  return keyid === undefined ? { kind: 'keyid' } : { kind: 'keyid', keyid };
}

function certificateMode(
  leafDer: Buffer,
  intermediates: readonly Buffer[],
  anchors: Parameters<typeof verifyChain>[2],
  envelope: Envelope,
  now: Date,
  allowLegacy: boolean,
): Check<Signer> {
  const chain = verifyChain(leafDer, intermediates, anchors, now);
  if (!chain.ok) return chain;
  const { leaf } = chain.value;
  const hash = keyHash(leaf.publicKey);
  if (!hash.ok) return fail(hash.code, `Leaf certificate "${leaf.subject}": ${hash.message}`);
  // SECURITY: the DSSE signature verifies under the key of the leaf that chained to a trusted anchor.
  if (verifyEnvelope(envelope, leaf.publicKey, hash.value, allowLegacy) === 'invalid') {
    return fail('SIGNATURE_INVALID', `The DSSE signature does not verify under the key of "${leaf.subject}".`);
  }
  return ok({
    kind: 'certificate',
    subject: leaf.subject,
    issuer: leaf.issuer,
    fingerprint: sha256Hex(leaf.raw),
    keyFingerprint: spkiFingerprint(leaf.publicKey),
  });
}

/**
 * Keyless (Sigstore) verification is ../keyless/keyless.ts's. Scope is applied here over every subject — identities not
 * trusted for all of them are dropped, and the rest passed without their scope — so a multi-subject statement is
 * judged the same way for every method.
 */
async function keyless(
  json: unknown,
  policy: TrustPolicy,
  now: Date,
  names: readonly string[] | undefined,
): Promise<Check<Signer>> {
  const identities = policy.identities.filter((id) => appliesTo(id.scope, names)).map(({ scope: _scope, ...id }) => id);
  return verifyKeyless(json, { ...policy, identities }, now);
}
