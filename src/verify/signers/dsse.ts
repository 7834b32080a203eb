// DSSE signature checks (secure-systems-lab/dsse protocol.md v1.0) with node:crypto.

import { verify as cryptoVerify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { fail, ok } from '../check.ts';
import type { Check } from '../check.ts';
import type { Envelope } from '../document/envelope.ts';

/** PAE(type, body) = "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body; lengths in bytes, ASCII decimal. */
export function pae(payloadType: string, payload: Uint8Array): Buffer {
  const type = Buffer.from(payloadType, 'utf8');
  const head = Buffer.from(`DSSEv1 ${type.length} ${payloadType} ${payload.length} `, 'utf8');
  return Buffer.concat([head, payload]);
}

/**
 * The message model_signing v0.2.0 actually signed (reference `sign_sigstore_pb.pae_compat`): a PAE spelled
 * "DSSEV1" with the payload written as Python's repr of a bytes object. Still injective in the payload, so
 * accepting it under a trusted key does not let one signature cover two different statements.
 */
export function legacyPae(payloadType: string, payload: Uint8Array): Buffer {
  const type = Buffer.from(payloadType, 'utf8');
  return Buffer.from(`DSSEV1 ${type.length} ${payloadType} ${payload.length} ${pythonBytesRepr(payload)}`, 'utf8');
}

function pythonBytesRepr(bytes: Uint8Array): string {
  const hasSingle = bytes.includes(0x27);
  const quote = hasSingle && !bytes.includes(0x22) ? '"' : "'";
  let out = `b${quote}`;
  for (const b of bytes) {
    const c = String.fromCharCode(b);
    if (c === '\\' || c === quote) out += `\\${c}`;
    else if (b === 0x09) out += '\\t';
    else if (b === 0x0a) out += '\\n';
    else if (b === 0x0d) out += '\\r';
    else if (b < 0x20 || b >= 0x7f) out += `\\x${b.toString(16).padStart(2, '0')}`;
    else out += c;
  }
  return out + quote;
}

/**
 * Digest for a key: ECDSA hashes by curve (P-256→SHA-256, P-384→SHA-384, P-521→SHA-512, as the OMS reference
 * signs; @sigstore/verify would always use SHA-256 — sigstore-js issue 1507); Ed25519 hashes internally (null).
 */
export function keyHash(key: KeyObject): Check<string | null> {
  if (key.asymmetricKeyType === 'ed25519') return ok(null);
  if (key.asymmetricKeyType === 'ec') {
    const curve = key.asymmetricKeyDetails?.namedCurve;
    if (curve === 'prime256v1') return ok('sha256');
    if (curve === 'secp384r1') return ok('sha384');
    if (curve === 'secp521r1') return ok('sha512');
    return fail('UNSUPPORTED_KEY', `The EC curve ${curve ?? 'unknown'} is not P-256, P-384 or P-521.`);
  }
  return fail(
    'UNSUPPORTED_KEY',
    `A ${key.asymmetricKeyType ?? 'unknown'} key is not supported; use ECDSA P-256/384/521 or Ed25519.`,
  );
}

/**
 * The digest for a key whose trust-policy entry names one (TrustedKey.hash): any of SHA-256/384/512 for ECDSA, as
 * FIPS 186-5 allows a hash of any strength with any curve. Ed25519 takes none (it hashes internally).
 */
export function configuredKeyHash(key: KeyObject, hash: string): Check<string | null> {
  if (key.asymmetricKeyType === 'ec') {
    const curve = keyHash(key);
    return curve.ok ? ok(hash) : curve;
  }
  return fail('UNSUPPORTED_KEY', `A ${key.asymmetricKeyType ?? 'unknown'} key takes no hash option; only ECDSA keys do.`);
}

/**
 * Verifies one signature; never throws (a malformed DER signature is just a failed check).
 * The KeyObject is passed bare, not as `{ key, dsaEncoding: 'der' }`: DER is node's default for a KeyObject
 * (crypto.verify docs), and an options object makes node probe it with two brand checks that throw and catch
 * internally (isKeyObject, isCryptoKey in internal/crypto/keys), ~20 µs per call — a quarter of a P-256 verify
 * (npm run bench -- verify, docs/BENCHMARKS.md).
 */
function verifyOne(hash: string | null, message: Buffer, key: KeyObject, sig: Buffer): boolean {
  try {
    return cryptoVerify(hash, message, key, sig);
  } catch {
    return false;
  }
}

export type DsseOutcome = 'verified' | 'verified-legacy' | 'invalid';

/**
 * SECURITY: the signature must verify over PAE(payloadType, payload) — this binds both the payload and its type,
 * so neither can be swapped. Signatures are ASN.1 DER as every OMS producer writes them (Python `cryptography`,
 * Go); raw r||s is not accepted. The legacy message is tried only when `allowLegacy` (the payload claims the
 * v0.2.0 predicate, which a legacy signature then authenticates) and only for `application/vnd.in-toto+json`, the
 * one type v0.2.0 signed, with the curve hash or the SHA-256 v0.2.0 hard-coded (reference sign_certificate).
 */
export function verifyEnvelope(envelope: Envelope, key: KeyObject, hash: string | null, allowLegacy = false): DsseOutcome {
  const { payloadType, payload, signature } = envelope;
  if (verifyOne(hash, pae(payloadType, payload), key, signature.sig)) return 'verified';
  if (!allowLegacy || hash === null || payloadType !== 'application/vnd.in-toto+json') return 'invalid';
  const legacy = legacyPae(payloadType, payload);
  if (verifyOne(hash, legacy, key, signature.sig)) return 'verified-legacy';
  if (hash !== 'sha256' && verifyOne('sha256', legacy, key, signature.sig)) return 'verified-legacy';
  return 'invalid';
}
