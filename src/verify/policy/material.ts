// Trust material from a TrustPolicy (PEM text) turned into node:crypto objects once per policy object,
// plus the key identifiers bundles use to name a key.

import { X509Certificate, createPublicKey } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import type { Check } from '../check.ts';
import { configuredKeyHash, keyHash } from '../signers/dsse.ts';
import { sha256Hex } from '../document/encoding.ts';
import { VerifyError } from '../error.ts';
import { matchesScope } from './scope.ts';
import type { Scope, TrustPolicy } from '../types.ts';

export interface PreparedKey {
  readonly id: string;
  readonly key: KeyObject;
  /** lower-case hex SHA-256 of the SPKI DER (Signer.fingerprint). */
  readonly fingerprint: string;
  /** lower-case hex SHA-256 of the canonical PEM text: the OMS `publicKey.hint`. */
  readonly pemHash: string;
  /**
   * The hash the key's signatures use (its policy entry's `hash`, else by curve: keyHash), computed once: node builds a fresh asymmetricKeyDetails object on every read, a measurable share
   * of a P-256 key-mode verification (npm run bench -- verify).
   */
  readonly hash: Check<string | null>;
  readonly scope: Scope;
}

export interface PreparedAnchor {
  readonly id: string;
  readonly cert: X509Certificate;
  readonly scope: Scope;
}

export interface PreparedPolicy {
  readonly keys: readonly PreparedKey[];
  readonly anchors: readonly PreparedAnchor[];
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]+?-----END \1-----/g;

/** The PEM blocks with the given label, each re-joined as text (tools such as certtool print prose around them). */
export function pemBlocks(text: string, label: string): string[] {
  return [...text.matchAll(PEM_BLOCK)].filter((m) => m[1] === label).map((m) => `${m[0]}\n`);
}

/**
 * The key in its canonical SubjectPublicKeyInfo form: EC points uncompressed (SEC 1 §2.3.3, `04 || x || y`), as
 * Python `cryptography` writes every key and so as the OMS hint is computed. OpenSSL keeps the point form a file was
 * read in, so a key saved with `openssl ec -conv_form compressed` would otherwise re-export compressed, and its hint
 * and fingerprints would name another key than the same key written by anyone else. A JWK round trip rebuilds the
 * key from its coordinates; a key JWK cannot express (an EC key with explicit curve parameters) stays as it is.
 */
export function canonicalKey(key: KeyObject): KeyObject {
  if (key.asymmetricKeyType !== 'ec') return key;
  try {
    return createPublicKey({ key: key.export({ format: 'jwk' }), format: 'jwk' });
  } catch {
    return key;
  }
}

/** SubjectPublicKeyInfo PEM exactly as Python `cryptography` and node write it (64-column base64, final newline). */
export function canonicalPem(key: KeyObject): string {
  return canonicalKey(key).export({ type: 'spki', format: 'pem' }).toString();
}

/** Lower-case hex SHA-256 of the canonical SubjectPublicKeyInfo DER (canonicalKey): the same key, one fingerprint. */
export function spkiFingerprint(key: KeyObject): string {
  return sha256Hex(canonicalKey(key).export({ type: 'spki', format: 'der' }));
}

/** Parses a public key from PEM text or SPKI DER; undefined when it is neither. */
export function parsePublicKey(data: string | Buffer): KeyObject | undefined {
  try {
    const text = typeof data === 'string' ? data : data.toString('latin1');
    const block = pemBlocks(text, 'PUBLIC KEY')[0];
    if (block !== undefined) return canonicalKey(createPublicKey(block));
    if (typeof data === 'string') return undefined;
    return canonicalKey(createPublicKey({ key: data, format: 'der', type: 'spki' }));
  } catch {
    return undefined;
  }
}

/** What a PEM file given as a public key really holds, so a command line can say what was mixed up. */
export type KeyFileKind = 'public key' | 'certificate' | 'private key' | 'nothing usable';

export function keyFileKind(text: string): KeyFileKind {
  if (pemBlocks(text, 'PUBLIC KEY').length > 0) return parsePublicKey(text) === undefined ? 'nothing usable' : 'public key';
  if (pemBlocks(text, 'CERTIFICATE').length > 0) return 'certificate';
  if (/-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----/.test(text)) return 'private key';
  return 'nothing usable';
}

const cache = new WeakMap<TrustPolicy, PreparedPolicy>();

/**
 * Parses the policy's keys and anchors. A policy from loadTrustPolicy was validated already; a caller-built one
 * with unusable PEM is a configuration fault, so this throws VerifyError rather than rejecting the evidence.
 */
export function preparePolicy(policy: TrustPolicy): PreparedPolicy {
  const cached = cache.get(policy);
  if (cached !== undefined) return cached;
  const keys = policy.keys.map((k): PreparedKey => {
    const key = parsePublicKey(k.pem);
    if (key === undefined) throw new VerifyError('POLICY_MATERIAL_INVALID', `trust policy key "${k.id}" is not a PEM public key`);
    return {
      id: k.id,
      key,
      fingerprint: spkiFingerprint(key),
      pemHash: sha256Hex(canonicalPem(key)),
      hash: k.hash === undefined ? keyHash(key) : configuredKeyHash(key, k.hash),
      scope: k.scope,
    };
  });
  const anchors = policy.anchors.map((a): PreparedAnchor => {
    try {
      return { id: a.id, cert: new X509Certificate(a.pem), scope: a.scope };
    } catch (cause) {
      throw new VerifyError('POLICY_MATERIAL_INVALID', `trust policy anchor "${a.id}" is not a PEM certificate`, { cause });
    }
  });
  const prepared = { keys, anchors };
  cache.set(policy, prepared);
  return prepared;
}

/**
 * SECURITY: a scoped trust entry vouches for a statement only if every subject name is in its scope, so a key
 * trusted for `org/*` cannot sign a statement that also names `other/model`. When the subjects are unknown (the
 * statement did not decode), only unscoped entries apply.
 */
export function appliesTo(scope: Scope, subjectNames: readonly string[] | undefined): boolean {
  if (scope === undefined) return true;
  return subjectNames !== undefined && subjectNames.every((name) => matchesScope(name, scope));
}
