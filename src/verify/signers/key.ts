// Key mode: the bundle names a public key (OMS `publicKey.hint`, pre-1.1 `publicKey.rawBytes`), a bare DSSE
// envelope carries an optional keyid, or a standalone Atlas manifest names no key at all; the signature is checked
// against configured keys only.

import type { KeyObject } from 'node:crypto';
import { fail, ok } from '../check.ts';
import type { Check, Failure } from '../check.ts';
import { appliesTo, parsePublicKey, spkiFingerprint } from '../policy/material.ts';
import type { PreparedKey } from '../policy/material.ts';
import type { Signer } from '../types.ts';

/** How the document names its key. */
export type KeyReference =
  /** OMS v1.1+: lower-case hex SHA-256 of the signer's PEM text. Names the key; authenticates nothing. */
  | { readonly kind: 'hint'; readonly hint: string }
  /** OMS pre-1.1: the signer's PEM (or DER SPKI) in the bundle. Used only to look the key up by fingerprint. */
  | { readonly kind: 'rawBytes'; readonly rawBytes: Buffer }
  /** bare DSSE keyid, or an empty publicKey: an unauthenticated hint, else every configured key is tried. */
  | { readonly kind: 'keyid'; readonly keyid?: string };

function candidates(ref: KeyReference, keys: readonly PreparedKey[]): Check<readonly PreparedKey[]> {
  if (ref.kind === 'hint') {
    const hint = ref.hint.toLowerCase();
    const found = keys.filter((k) => k.pemHash === hint || k.fingerprint === hint || k.id === ref.hint);
    if (found.length > 0) return ok(found);
    return fail('UNTRUSTED_KEY', `The bundle's key hint ${ref.hint.slice(0, 80)} names no key in the trust policy.`);
  }
  if (ref.kind === 'rawBytes') {
    // SECURITY: the bundle's own key is never trusted; it only says which configured key to use.
    const key = parsePublicKey(ref.rawBytes);
    if (key === undefined) return fail('MALFORMED_BUNDLE', 'verificationMaterial.publicKey.rawBytes is not a public key.');
    const fingerprint = spkiFingerprint(key);
    const found = keys.filter((k) => k.fingerprint === fingerprint);
    if (found.length > 0) return ok(found);
    return fail('UNTRUSTED_KEY', `The bundle's public key (SHA-256 ${fingerprint}) is not in the trust policy.`);
  }
  const named = ref.keyid === undefined ? [] : keys.filter((k) => [k.id, k.fingerprint, k.pemHash].includes(ref.keyid ?? ''));
  return ok(named.length > 0 ? named : keys);
}

/** Whether the document's signature verifies under `key` with `hash` (null: the key hashes internally, Ed25519). */
export type SignatureCheck = (key: KeyObject, hash: string | null) => boolean;

/**
 * Verifies the document's signature (`verifies`: over the DSSE PAE, or over an Atlas claim) under the configured key
 * the document names, or each configured key in scope.
 */
export function verifyWithKey(
  ref: KeyReference,
  verifies: SignatureCheck,
  keys: readonly PreparedKey[],
  subjectNames: readonly string[] | undefined,
): Check<Signer> {
  if (keys.length === 0)
    return fail('NO_TRUST_MATERIAL', 'The trust policy configures no keys, so a key-signed document cannot be trusted.');
  const named = candidates(ref, keys);
  if (!named.ok) return named;
  const inScope = named.value.filter((k) => appliesTo(k.scope, subjectNames));
  if (inScope.length === 0) {
    const ids = named.value.map((k) => `"${k.id}"`).join(', ');
    return fail('UNTRUSTED_KEY', `Key ${ids} is not trusted for subject ${describeNames(subjectNames)}.`);
  }
  let unsupported: Failure | undefined;
  for (const k of inScope) {
    const { hash } = k;
    if (!hash.ok) {
      unsupported ??= fail(hash.code, `Trust policy key "${k.id}": ${hash.message}`);
      continue;
    }
    if (verifies(k.key, hash.value)) {
      return ok({ kind: 'key', fingerprint: k.fingerprint, keyId: k.id });
    }
  }
  if (unsupported !== undefined && inScope.length === 1) return unsupported;
  const tried = inScope.map((k) => `"${k.id}"`).join(', ');
  return fail('SIGNATURE_INVALID', `The signature does not verify under trust policy key ${tried}.`);
}

export function describeNames(names: readonly string[] | undefined): string {
  if (names === undefined) return '(statement not decodable)';
  return names.map((n) => `"${n.slice(0, 100)}"`).join(', ');
}
