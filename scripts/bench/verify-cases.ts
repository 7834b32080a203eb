// The verify benchmark's cases: real signed OMS bundles with the trust policy each needs, plus the raw node:crypto
// ceiling for each key-mode curve. Every operation throws unless its result is verified: timing failures (an early
// rejection is much cheaper than a signature check) would produce meaningless figures.

import { X509Certificate, createPublicKey, verify as cryptoVerify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadTrustPolicy, verifyDocument } from '../../src/verify/index.ts';
import { pae } from '../../src/verify/signers/dsse.ts';
import type { Operation } from './harness.ts';

const REPO = path.resolve(import.meta.dirname, '../..');
const SHARED = path.resolve(REPO, '../shared/conformance');
const OMS_CASES = path.join(SHARED, 'oms-conformance/cases');
const INTEROP = path.join(REPO, 'test/fixtures/interop');

const P384_BUNDLE = path.join(OMS_CASES, 'positive/key-multi-file/bundle.sig');
const P384_KEY = path.join(SHARED, 'oms-conformance/assets/keys/certificate/signing-key-pub.pem');
const P256_BUNDLE = path.join(INTEROP, 'bundles/key-p256.sig');
const P256_KEY = path.join(INTEROP, 'keys/p256-pub.pem');
const CERT_BUNDLE = path.join(INTEROP, 'bundles/certificate-chain.sig');
const CERT_ANCHOR = path.join(INTEROP, 'keys/root-ca.pem'); // cases.json "certificate-chain".certChain
const KEYLESS_CASE = path.join(OMS_CASES, 'historical/historical-v1.1.0-sigstore');
const PUBLIC_GOOD_ROOT = path.join(SHARED, 'sigstore-public-good-trusted_root.json');

export type Mode = 'ceiling' | 'key' | 'certificate' | 'keyless';

export interface BenchCase {
  readonly name: string;
  readonly mode: Mode;
  /** the signing key's curve (P-384, P-256). */
  readonly curve: string;
  /** the bundle, relative to the repo root. */
  readonly fixture: string;
  /** for key mode: the ceiling case on the same curve, which the figure is compared with. */
  readonly ceiling?: string;
  readonly op: Operation;
}

export class BenchAbort extends Error {}

const CURVES: Readonly<Record<string, { name: string; hash: string }>> = {
  prime256v1: { name: 'P-256', hash: 'sha256' },
  secp384r1: { name: 'P-384', hash: 'sha384' },
};

function curveOf(key: KeyObject): { name: string; hash: string } {
  const curve = CURVES[key.asymmetricKeyDetails?.namedCurve ?? ''];
  if (curve === undefined) throw new BenchAbort(`unexpected key type ${key.asymmetricKeyType ?? '?'}`);
  return curve;
}

function readJson(file: string): any {
  return JSON.parse(readFileSync(file, 'utf8'));
}

/** The signed message and signature of a bundle's DSSE envelope, decoded here without src/verify's parser. */
function signedBytes(bundleFile: string): { message: Buffer; sig: Buffer } {
  const envelope = readJson(bundleFile).dsseEnvelope;
  return {
    message: pae(envelope.payloadType, Buffer.from(envelope.payload, 'base64')),
    sig: Buffer.from(envelope.signatures[0].sig, 'base64'),
  };
}

/** The leaf certificate's key of a certificate or keyless bundle, for the table's curve column. */
function leafCurve(bundleFile: string): string {
  const material = readJson(bundleFile).verificationMaterial;
  const raw = material.certificate?.rawBytes ?? material.x509CertificateChain?.certificates?.[0]?.rawBytes;
  return curveOf(new X509Certificate(Buffer.from(raw, 'base64')).publicKey).name;
}

/** The ceiling: one crypto.verify over the bundle's PAE bytes, KeyObject parsed once, nothing else. */
function ceilingCase(name: string, bundleFile: string, keyFile: string): BenchCase {
  const key = createPublicKey(readFileSync(keyFile));
  const { name: curve, hash } = curveOf(key);
  const { message, sig } = signedBytes(bundleFile);
  return {
    name,
    mode: 'ceiling',
    curve,
    fixture: path.relative(REPO, bundleFile),
    op: () => {
      if (!cryptoVerify(hash, message, key, sig)) throw new BenchAbort(`${name}: crypto.verify returned false`);
    },
  };
}

/** verifyDocument under a policy loaded by loadTrustPolicy from a policy file, as the service loads it. */
function documentCase(
  name: string,
  mode: Exclude<Mode, 'ceiling'>,
  curve: string,
  bundleFile: string,
  policyFile: string,
  now: Date,
  ceiling?: string,
): BenchCase {
  const bytes = readFileSync(bundleFile);
  const policy = loadTrustPolicy(policyFile);
  return {
    name,
    mode,
    curve,
    fixture: path.relative(REPO, bundleFile),
    ...(ceiling === undefined ? {} : { ceiling }),
    op: async () => {
      const result = await verifyDocument(bytes, policy, { now });
      if (result.status !== 'verified') throw new BenchAbort(`${name}: ${result.code}: ${result.message}`);
      if (result.method !== mode) throw new BenchAbort(`${name}: verified by ${result.method}, not ${mode}`);
    },
  };
}

function writePolicy(dir: string, name: string, policy: object): string {
  const file = path.join(dir, `${name}.policy.json`);
  writeFileSync(file, JSON.stringify({ version: 1, ...policy }, null, 2));
  return file;
}

/** Builds every case; policy files go to `tmpDir` (the caller removes it). */
export function verifyCases(now: Date, tmpDir: string): BenchCase[] {
  const keyless = readJson(path.join(KEYLESS_CASE, 'config.json')).verify;
  const keyPolicy = (id: string, pemFile: string) => writePolicy(tmpDir, id, { keys: [{ id, pemFile }] });
  return [
    ceilingCase('ceiling-p384', P384_BUNDLE, P384_KEY),
    documentCase('key-p384', 'key', 'P-384', P384_BUNDLE, keyPolicy('oms-p384', P384_KEY), now, 'ceiling-p384'),
    ceilingCase('ceiling-p256', P256_BUNDLE, P256_KEY),
    documentCase('key-p256', 'key', 'P-256', P256_BUNDLE, keyPolicy('interop-p256', P256_KEY), now, 'ceiling-p256'),
    documentCase(
      'certificate',
      'certificate',
      leafCurve(CERT_BUNDLE),
      CERT_BUNDLE,
      writePolicy(tmpDir, 'certificate', { anchors: [{ id: 'interop-root', pemFile: CERT_ANCHOR }] }),
      now,
    ),
    documentCase(
      'keyless',
      'keyless',
      leafCurve(path.join(KEYLESS_CASE, 'bundle.sig')),
      path.join(KEYLESS_CASE, 'bundle.sig'),
      writePolicy(tmpDir, 'keyless', {
        identities: [{ issuer: keyless.identity_provider, subject: keyless.identity }],
        sigstoreTrustedRoot: PUBLIC_GOOD_ROOT,
      }),
      now,
    ),
  ];
}
