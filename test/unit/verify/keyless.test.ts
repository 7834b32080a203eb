// Keyless verification with real OMS bundles signed by the Python/Go references through Sigstore public good
// (oms-conformance cases, method "sigstore"), verified offline against the pinned public-good trusted root.

import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createPublicKey, generateKeyPairSync, sign } from 'node:crypto';
import { bundleFromJSON } from '@sigstore/bundle';
import type { Bundle } from '@sigstore/bundle';
import { dsse, X509Certificate } from '@sigstore/core';
import { toSignedEntity } from '@sigstore/verify';
import type { SignedEntity } from '@sigstore/verify';
import { verifyDocument } from '../../../src/verify/index.ts';
import { verifyKeyless } from '../../../src/verify/keyless/keyless.ts';
import { hashForKey, withKeyBoundHash } from '../../../src/verify/keyless/signature.ts';
import { matchesScope } from '../../../src/verify/policy/scope.ts';
import type { TrustedIdentity, TrustPolicy } from '../../../src/verify/types.ts';

const SHARED = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../shared/conformance');
const OMS_CASES = join(SHARED, 'oms-conformance/cases');
const ROOT_FILE = join(SHARED, 'sigstore-public-good-trusted_root.json');
if (!existsSync(OMS_CASES) || !existsSync(ROOT_FILE)) {
  throw new Error(`conformance data not found under ${SHARED}: the shared/ checkout must sit next to the repo`);
}

const ROOT = JSON.parse(readFileSync(ROOT_FILE, 'utf8')) as Record<string, unknown>;
const NOW = new Date('2026-01-01T00:00:00Z');
const KEYLESS_CASES = ['v0.3.1', 'v1.0.0', 'v1.0.1', 'v1.1.0'].map((v) => `historical/historical-${v}-sigstore`);

interface OmsCase {
  readonly bundle: Record<string, unknown>;
  readonly identity: TrustedIdentity;
}

function omsCase(path: string): OmsCase {
  const dir = join(OMS_CASES, path);
  const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as {
    verify: { identity: string; identity_provider: string };
  };
  return {
    bundle: JSON.parse(readFileSync(join(dir, 'bundle.sig'), 'utf8')) as Record<string, unknown>,
    identity: { issuer: config.verify.identity_provider, subject: config.verify.identity },
  };
}

function policy(identities: TrustedIdentity[], sigstoreTrustedRoot: unknown = ROOT): TrustPolicy {
  return { keys: [], anchors: [], identities, sigstoreTrustedRoot };
}

const codeOf = (r: { ok: boolean; code?: string }) => (r.ok ? 'ok' : r.code);

describe('verifyKeyless with reference OMS bundles', () => {
  for (const path of KEYLESS_CASES) {
    test(`${path} verifies and names its signer`, async () => {
      const { bundle, identity } = omsCase(path);
      const r = await verifyKeyless(bundle, policy([identity]), NOW);
      assert.ok(r.ok, r.ok ? '' : `${r.code}: ${r.message}`);
      assert.deepEqual(r.value, { kind: 'keyless', issuer: identity.issuer, subject: identity.subject });
    });
  }

  const { bundle, identity } = omsCase(KEYLESS_CASES[3] as string);

  test('a bundle whose dsseEnvelope spells payload_type (protobuf field name) verifies the same', async () => {
    const { payloadType, ...rest } = bundle['dsseEnvelope'] as Record<string, unknown>;
    const spelled = { ...bundle, dsseEnvelope: { payload_type: payloadType, ...rest } };
    const r = await verifyDocument(JSON.stringify(spelled), policy([identity]), { now: NOW });
    assert.equal(r.status, 'verified', r.status === 'rejected' ? `${r.code}: ${r.message}` : '');
    assert.equal(r.method, 'keyless');
  });

  test('the wrong identity (oms case sigstore-wrong-identity_fail) is IDENTITY_MISMATCH', async () => {
    const wrong = omsCase('negative/sigstore-wrong-identity_fail');
    const config = JSON.parse(readFileSync(join(OMS_CASES, 'negative/sigstore-wrong-identity_fail/config.json'), 'utf8')) as {
      verify: { identity: string; identity_provider: string };
    };
    const r = await verifyKeyless(
      wrong.bundle,
      policy([{ issuer: config.verify.identity_provider, subject: config.verify.identity }]),
      NOW,
    );
    assert.equal(codeOf(r), 'IDENTITY_MISMATCH');
  });

  test('the right SAN under the wrong issuer is IDENTITY_MISMATCH', async () => {
    const r = await verifyKeyless(bundle, policy([{ ...identity, issuer: 'https://wrong-issuer.example.com' }]), NOW);
    assert.equal(codeOf(r), 'IDENTITY_MISMATCH');
  });

  test('subjectPattern must match the whole SAN', async () => {
    const byPattern = (subjectPattern: string) =>
      verifyKeyless(bundle, policy([{ issuer: identity.issuer, subjectPattern }]), NOW);
    assert.equal(codeOf(await byPattern('[a-z]+@us\\.ibm\\.com')), 'ok');
    assert.equal(codeOf(await byPattern('evil@example\\.com|stefanb@us\\.ibm\\.com')), 'ok');
    assert.equal(codeOf(await byPattern('stefanb')), 'IDENTITY_MISMATCH');
    assert.equal(codeOf(await byPattern('ibm\\.com')), 'IDENTITY_MISMATCH');
    assert.equal(codeOf(await byPattern('stefanb@us\\.ibm\\.com|x')), 'ok');
    assert.equal(codeOf(await byPattern('(')), 'IDENTITY_MISMATCH'); // invalid pattern trusts nobody
  });

  test('a scoped identity applies only to artifacts in its scope', async () => {
    const scoped = policy([{ ...identity, scope: ['models/**'] }]);
    assert.equal(codeOf(await verifyKeyless(bundle, scoped, NOW, { subjectName: 'models/llama/7b' })), 'ok');
    assert.equal(codeOf(await verifyKeyless(bundle, scoped, NOW, { subjectName: 'datasets/x' })), 'IDENTITY_MISMATCH');
    assert.equal(codeOf(await verifyKeyless(bundle, scoped, NOW)), 'IDENTITY_MISMATCH'); // unnamed artifact: fail closed
  });

  test('no trusted root, or one with a key lacking validFor.start, is NO_TRUST_MATERIAL', async () => {
    const noRoot: TrustPolicy = { keys: [], anchors: [], identities: [identity] };
    assert.equal(codeOf(await verifyKeyless(bundle, noRoot, NOW)), 'NO_TRUST_MATERIAL');
    const broken = structuredClone(ROOT) as { tlogs: { publicKey: { validFor: { start?: string } } }[] };
    delete broken.tlogs[0]?.publicKey.validFor.start;
    assert.equal(codeOf(await verifyKeyless(bundle, policy([identity], broken), NOW)), 'NO_TRUST_MATERIAL');
  });

  test('a tampered signature, payload or certificate is rejected', async () => {
    // v0.3.1 has no RFC 3161 timestamp: the log entry is what binds signature and payload
    const old = omsCase(KEYLESS_CASES[0] as string);
    const env = old.bundle['dsseEnvelope'] as { payload: string; signatures: { sig: string }[] };
    const flip = (b64: string, at: number) => {
      const bytes = Buffer.from(b64, 'base64');
      const i = at < 0 ? bytes.length + at : at;
      bytes.writeUInt8(bytes.readUInt8(i) ^ 1, i);
      return bytes.toString('base64');
    };
    const badSig = {
      ...old.bundle,
      dsseEnvelope: { ...env, signatures: [{ ...env.signatures[0], sig: flip(env.signatures[0]?.sig ?? '', -1) }] },
    };
    assert.equal(codeOf(await verifyKeyless(badSig, policy([old.identity]), NOW)), 'TLOG_INVALID');
    const badPayload = { ...old.bundle, dsseEnvelope: { ...env, payload: flip(env.payload, -2) } };
    assert.equal(codeOf(await verifyKeyless(badPayload, policy([old.identity]), NOW)), 'TLOG_INVALID');

    // v1.1.0 also carries a TSA token over the signature bytes, checked first
    const env2 = bundle['dsseEnvelope'] as { signatures: { sig: string }[] };
    const badSig2 = {
      ...bundle,
      dsseEnvelope: { ...env2, signatures: [{ ...env2.signatures[0], sig: flip(env2.signatures[0]?.sig ?? '', -1) }] },
    };
    assert.equal(codeOf(await verifyKeyless(badSig2, policy([identity]), NOW)), 'TIMESTAMP_INVALID');

    const vm = bundle['verificationMaterial'] as Record<string, unknown>;
    const other = old.bundle['verificationMaterial'] as { certificate: unknown };
    const swappedCert = { ...bundle, verificationMaterial: { ...vm, certificate: other.certificate } };
    assert.notEqual(codeOf(await verifyKeyless(swappedCert, policy([identity]), NOW)), 'ok');
  });

  test('a duplicated log entry does not count twice (the Verifier rejects the duplicate timestamp)', async () => {
    const vm = bundle['verificationMaterial'] as { tlogEntries: unknown[] };
    const doubled = { ...bundle, verificationMaterial: { ...vm, tlogEntries: [vm.tlogEntries[0], vm.tlogEntries[0]] } };
    assert.equal(codeOf(await verifyKeyless(doubled, policy([identity]), NOW)), 'TIMESTAMP_INVALID');
  });

  test('a verification time before the signing is TIMESTAMP_INVALID', async () => {
    assert.equal(codeOf(await verifyKeyless(bundle, policy([identity]), new Date('2020-01-01T00:00:00Z'))), 'TIMESTAMP_INVALID');
  });

  test('junk and key-signed bundles are rejected with a code, not an exception', async () => {
    assert.equal(codeOf(await verifyKeyless('nope', policy([identity]), NOW)), 'MALFORMED_BUNDLE');
    assert.equal(codeOf(await verifyKeyless({ mediaType: 'x' }, policy([identity]), NOW)), 'MALFORMED_BUNDLE');
    let deep: unknown = {};
    for (let i = 0; i < 10_000; i++) deep = { a: [deep] };
    assert.equal(codeOf(await verifyKeyless(deep, policy([identity]), NOW)), 'MALFORMED_BUNDLE');
    const keyBundle = JSON.parse(
      readFileSync(join(SHARED, 'sigstore-conformance/bundle-verify/managed-key-happy-path/bundle.sigstore.json'), 'utf8'),
    ) as unknown;
    assert.equal(codeOf(await verifyKeyless(keyBundle, policy([identity]), NOW)), 'UNTRUSTED_KEY');
  });
});

describe('the DSSE signature check', () => {
  test('covers PAE(payloadType, payload): a one-byte payload change fails under the Fulcio key', () => {
    const parsed = bundleFromJSON(omsCase(KEYLESS_CASES[3] as string).bundle);
    assert.equal(parsed.verificationMaterial.content.$case, 'certificate');
    const content = parsed.verificationMaterial.content;
    if (content.$case !== 'certificate') return;
    const spki = X509Certificate.parse(Buffer.from(content.certificate.rawBytes)).publicKey;
    const key = createPublicKey({ key: spki, format: 'der', type: 'spki' });
    const entity = withKeyBoundHash(toSignedEntity(parsed), parsed, undefined);
    assert.equal(entity.signature.verifySignature(key), true);

    if (parsed.content.$case !== 'dsseEnvelope') throw new Error('expected DSSE');
    const payload = Buffer.from(parsed.content.dsseEnvelope.payload);
    payload.writeUInt8(payload.readUInt8(0) ^ 1, 0);
    const tampered: Bundle = {
      ...parsed,
      content: { $case: 'dsseEnvelope', dsseEnvelope: { ...parsed.content.dsseEnvelope, payload } },
    };
    assert.equal(withKeyBoundHash(toSignedEntity(tampered), tampered, undefined).signature.verifySignature(key), false);
  });

  test('hashes by the key: P-384 needs SHA-384, which @sigstore/verify alone would not use', () => {
    const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-384' });
    const payloadType = 'application/vnd.in-toto+json';
    const payload = Buffer.from('{"_type":"https://in-toto.io/Statement/v1"}');
    const pae = dsse.preAuthEncoding(payloadType, payload);
    const bundle = {
      content: { $case: 'dsseEnvelope', dsseEnvelope: { payloadType, payload, signatures: [] } },
    } as unknown as Bundle;
    const entityFor = (sig: Buffer) =>
      ({
        signature: { signature: sig, verifySignature: () => true },
        key: {},
        tlogEntries: [],
        timestamps: [],
      }) as unknown as SignedEntity;
    assert.equal(hashForKey(publicKey), 'sha384');
    assert.equal(
      withKeyBoundHash(entityFor(sign('sha384', pae, privateKey)), bundle, undefined).signature.verifySignature(publicKey),
      true,
    );
    assert.equal(
      withKeyBoundHash(entityFor(sign('sha256', pae, privateKey)), bundle, undefined).signature.verifySignature(publicKey),
      false,
    );
  });
});

describe('matchesScope', () => {
  test('globs over the whole subject name', () => {
    assert.equal(matchesScope('anything', undefined), true);
    assert.equal(matchesScope('org/model', ['org/*']), true);
    assert.equal(matchesScope('org/a/model', ['org/*']), false);
    assert.equal(matchesScope('org/a/model', ['org/**']), true);
    assert.equal(matchesScope('xorg/model', ['org/*']), false);
    assert.equal(matchesScope('org/model.v1', ['org/model?v1']), true);
    assert.equal(matchesScope('org/modelXv1', ['org/model.v1']), false);
    assert.equal(matchesScope('a', []), false);
  });
});
