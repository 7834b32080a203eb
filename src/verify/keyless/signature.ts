// Signature check with the hash the signing key's algorithm prescribes.
//
// @sigstore/verify's DSSE content calls `crypto.verify(undefined, PAE, key, sig)`, which for ECDSA keys means
// SHA-256 whatever the curve (sigstore-js issue 1507), and its message-signature content takes the hash from the
// bundle's `messageDigest.algorithm` — an unauthenticated field. Sigstore's algorithm registry
// (sigstore/architecture-docs algorithm-registry.md) binds the hash to the key: P-256→SHA-256, P-384→SHA-384,
// P-521→SHA-512, Ed25519 → none (pure EdDSA). We swap in a `verifySignature` that follows the key, and keep the
// library's compare* methods (used to match the tlog entry) unchanged.

import { createHash, verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { dsse } from '@sigstore/core';
import { HashAlgorithm } from '@sigstore/protobuf-specs';
import type { Bundle } from '@sigstore/bundle';
import type { SignedEntity } from '@sigstore/verify';

type SignatureContent = SignedEntity['signature'];

/** The digest algorithm for a signature by `key`, `null` for algorithms that hash internally, undefined = unsupported. */
export function hashForKey(key: KeyObject): string | null | undefined {
  switch (key.asymmetricKeyType) {
    case 'ec':
      switch (key.asymmetricKeyDetails?.namedCurve) {
        case 'prime256v1':
          return 'sha256';
        case 'secp384r1':
          return 'sha384';
        case 'secp521r1':
          return 'sha512';
        default:
          return undefined;
      }
    case 'ed25519':
      return null;
    case 'rsa':
      // Sigstore's registry lists RSA PKCS#1 v1.5 with SHA-256 for every modulus size it accepts.
      return 'sha256';
    default:
      return undefined;
  }
}

/** Replaces the entity's signature check with one over `signedBytes` using the key's own hash. */
export function withKeyBoundHash(entity: SignedEntity, bundle: Bundle, artifact: Uint8Array | undefined): SignedEntity {
  const signedBytes = signedBytesOf(bundle, artifact);
  const inner = entity.signature;
  const signature: SignatureContent = {
    signature: inner.signature,
    compareSignature: (sig) => inner.compareSignature(sig),
    compareDigest: (digest) => inner.compareDigest(digest),
    compareSignedDigest: (digest) => inner.compareSignedDigest(digest),
    verifySignature: (key) => {
      const hash = hashForKey(key);
      // SECURITY: an unknown key type or curve is refused rather than verified with a guessed hash.
      if (hash === undefined || signedBytes === undefined) return false;
      try {
        return verify(hash, signedBytes, key, inner.signature);
      } catch {
        return false;
      }
    },
  };
  return { ...entity, signature };
}

/** DSSE v1: the signature covers PAE(payloadType, payload); a message signature covers the artifact bytes. */
function signedBytesOf(bundle: Bundle, artifact: Uint8Array | undefined): Buffer | undefined {
  switch (bundle.content.$case) {
    case 'dsseEnvelope': {
      const env = bundle.content.dsseEnvelope;
      return dsse.preAuthEncoding(env.payloadType, env.payload);
    }
    case 'messageSignature':
      return artifact === undefined ? undefined : Buffer.from(artifact);
  }
}

/** Node's name for each protobuf-specs HashAlgorithm a message digest may declare. */
const HASH_NAMES: ReadonlyMap<HashAlgorithm, string> = new Map([
  [HashAlgorithm.SHA2_256, 'sha256'],
  [HashAlgorithm.SHA2_384, 'sha384'],
  [HashAlgorithm.SHA2_512, 'sha512'],
  [HashAlgorithm.SHA3_256, 'sha3-256'],
  [HashAlgorithm.SHA3_384, 'sha3-384'],
]);

/**
 * Message-signature bundles: the artifact's digest under the bundle's declared algorithm must equal
 * `messageDigest.digest`. The digest is an unauthenticated hint (the signature is checked over the artifact itself),
 * so this is a consistency check — it catches a bundle paired with the wrong artifact early and clearly.
 */
export function messageDigestMatches(bundle: Bundle, artifact: Uint8Array): boolean | undefined {
  if (bundle.content.$case !== 'messageSignature') return undefined;
  const md = bundle.content.messageSignature.messageDigest;
  if (md === undefined) return false;
  const name = HASH_NAMES.get(md.algorithm);
  if (name === undefined) return false;
  return createHash(name).update(artifact).digest().equals(md.digest);
}
