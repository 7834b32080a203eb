// Builds real signed documents for verifier tests: in-toto statements, DSSE envelopes signed with node:crypto,
// Sigstore bundles in the key / certificate layouts OMS producers write.

import { X509Certificate, createHash, createPrivateKey, sign as cryptoSign } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { OMS_CONFORMANCE, REPO_ROOT } from '../../../support/paths.ts';
import { pae } from '../../../../src/verify/signers/dsse.ts';
import { computeOmsRootDigest } from '../../../../src/verify/oms/manifest.ts';
import type { TrustPolicy } from '../../../../src/verify/types.ts';

export const ASSETS = path.join(OMS_CONFORMANCE, 'assets');
export const PKI = path.join(REPO_ROOT, 'test/fixtures/verify/pki');
export const V03 = 'application/vnd.dev.sigstore.bundle.v0.3+json';
export const IN_TOTO = 'application/vnd.in-toto+json';
export const OMS_V1 = 'https://model_signing/signature/v1.0';

export const asset = (rel: string): string => readFileSync(path.join(ASSETS, rel), 'utf8');
export const pki = (name: string): string => readFileSync(path.join(PKI, name), 'utf8');
export const privateKey = (pem: string): KeyObject => createPrivateKey(pem);
export const derOf = (pem: string): Buffer => Buffer.from(new X509Certificate(pem).raw);

/** The OMS test signer: P-384 key, its PEM (with certtool prose around it) and its certificate chain. */
export const OMS_KEY = {
  private: () => privateKey(asset('keys/certificate/signing-key.pem')),
  publicPem: () => asset('keys/certificate/signing-key-pub.pem'),
  chain: () => [derOf(asset('keys/certificate/signing-key-cert.pem')), derOf(asset('keys/certificate/int-ca-cert.pem'))],
  rootPem: () => asset('keys/certificate/ca-cert.pem'),
};

export interface Resource {
  name: string;
  digest: string;
  algorithm?: string;
}

export const sha256 = (s: string | Uint8Array): string => createHash('sha256').update(s).digest('hex');

/** An OMS v1.0 statement whose root digest matches `resources` in the given order (unless `root` overrides). */
export function omsStatement(
  resources: Resource[],
  opts: { name?: string; root?: string; serialization?: Record<string, unknown>; type?: string } = {},
): Record<string, unknown> {
  return {
    _type: opts.type ?? 'https://in-toto.io/Statement/v1',
    subject: [
      { name: opts.name ?? 'model', digest: { sha256: opts.root ?? computeOmsRootDigest(resources.map((r) => r.digest)) } },
    ],
    predicateType: OMS_V1,
    predicate: {
      resources: resources.map((r) => ({ algorithm: 'sha256', ...r })),
      serialization: opts.serialization ?? { method: 'files', hash_type: 'sha256', allow_symlinks: false, ignore_paths: [] },
    },
  };
}

export const SIMPLE: Resource[] = [
  { name: 'signme-1', digest: sha256('one') },
  { name: 'signme-2', digest: sha256('two') },
];

/** Hash for a key the way OMS signers choose it: by curve. */
function hashFor(key: KeyObject): string | null {
  const curve = key.asymmetricKeyDetails?.namedCurve;
  if (key.asymmetricKeyType === 'ed25519') return null;
  return curve === 'secp384r1' ? 'sha384' : curve === 'secp521r1' ? 'sha512' : 'sha256';
}

export interface EnvelopeJson {
  payloadType: string;
  payload: string;
  signatures: { sig: string; keyid?: string | null }[];
}

/** A DSSE envelope over `statement` (object → JSON text, or raw bytes), signed over PAE. */
export function envelope(
  statement: unknown,
  key: KeyObject,
  opts: { payloadType?: string; keyid?: string | null; hash?: string | null } = {},
): EnvelopeJson {
  const payload = statement instanceof Uint8Array ? Buffer.from(statement) : Buffer.from(JSON.stringify(statement));
  const payloadType = opts.payloadType ?? IN_TOTO;
  const hash = opts.hash === undefined ? hashFor(key) : opts.hash;
  const sig = cryptoSign(hash, pae(payloadType, payload), key);
  const signature: { sig: string; keyid?: string | null } = { sig: sig.toString('base64') };
  if (opts.keyid !== undefined) signature.keyid = opts.keyid;
  return { payloadType, payload: payload.toString('base64'), signatures: [signature] };
}

export function keyBundle(env: EnvelopeJson, publicKey: { hint?: string; rawBytes?: string }): Record<string, unknown> {
  return { mediaType: V03, verificationMaterial: { publicKey, tlogEntries: [] }, dsseEnvelope: env };
}

export function chainBundle(env: EnvelopeJson, chain: Buffer[]): Record<string, unknown> {
  return {
    mediaType: V03,
    verificationMaterial: { x509CertificateChain: { certificates: chain.map((c) => ({ rawBytes: c.toString('base64') })) } },
    dsseEnvelope: env,
  };
}

export function certBundle(env: EnvelopeJson, cert: Buffer): Record<string, unknown> {
  return { mediaType: V03, verificationMaterial: { certificate: { rawBytes: cert.toString('base64') } }, dsseEnvelope: env };
}

/** OMS hint: lower-case hex SHA-256 of the canonical SubjectPublicKeyInfo PEM. */
export function hintOf(key: KeyObject): string {
  return sha256(key.export({ type: 'spki', format: 'pem' }).toString());
}

export function policy(parts: Partial<TrustPolicy> = {}): TrustPolicy {
  return { keys: [], anchors: [], identities: [], ...parts };
}

export const json = (doc: unknown): string => JSON.stringify(doc);
