// Certificate mode: chain to configured anchors only, validity at the verification time, leaf usage, CA checks.
// PKI fixtures: test/fixtures/verify/pki/make.sh; the OMS conformance PKI (CA:TRUE leaf named like its issuer).

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { verifyDocument } from '../../../src/verify/index.ts';
import type { RejectionCode, TrustPolicy } from '../../../src/verify/index.ts';
import { OMS_CONFORMANCE } from '../../support/paths.ts';
import {
  OMS_KEY,
  SIMPLE,
  certBundle,
  chainBundle,
  derOf,
  envelope,
  json,
  omsStatement,
  pki,
  policy,
  privateKey,
} from './helpers/sign.ts';

const anchor = (id: string, pem: string, scope?: string[]) => ({ id, pem, ...(scope ? { scope } : {}) });
const testRoot = policy({ anchors: [anchor('root', pki('root.pem'))] });
const omsRoot = policy({ anchors: [anchor('oms-root', OMS_KEY.rootPem())] });
const signedBy = (keyFile: string, chain: string[], statement = omsStatement(SIMPLE)) =>
  json(
    chainBundle(
      envelope(statement, privateKey(pki(keyFile))),
      chain.map((c) => derOf(pki(c))),
    ),
  );
const omsSigned = (statement = omsStatement(SIMPLE)) =>
  json(chainBundle(envelope(statement, OMS_KEY.private()), OMS_KEY.chain()));

async function expectCode(doc: string, p: TrustPolicy, code: RejectionCode, now?: Date): Promise<void> {
  const r = await verifyDocument(doc, p, now ? { now } : {});
  assert.equal(r.status, 'rejected', `expected ${code}`);
  if (r.status === 'rejected') assert.equal(r.code, code, r.message);
}

describe('certificate chains that verify', () => {
  test('leaf → bundle intermediate → configured root', async () => {
    const r = await verifyDocument(signedBy('leaf.key', ['leaf.pem', 'int.pem']), testRoot);
    assert.equal(r.status, 'verified');
    if (r.status !== 'verified' || r.signer.kind !== 'certificate') return;
    assert.equal(r.method, 'certificate');
    assert.equal(r.signer.subject, 'CN=Test Signer');
    assert.equal(r.signer.issuer, 'CN=Test Intermediate CA');
    assert.match(r.signer.fingerprint, /^[0-9a-f]{64}$/);
    assert.notEqual(r.signer.fingerprint, r.signer.keyFingerprint);
  });

  test('the OMS test PKI: a CA:TRUE leaf whose subject equals its issuer is not taken as self-signed', async () => {
    assert.equal((await verifyDocument(omsSigned(), omsRoot)).status, 'verified');
    // only the leaf, with its issuer's name, and no anchor that signed it: must not verify "as a root"
    const leafOnly = json(chainBundle(envelope(omsStatement(SIMPLE), OMS_KEY.private()), [OMS_KEY.chain()[0] as Buffer]));
    await expectCode(leafOnly, omsRoot, 'CERTIFICATE_UNTRUSTED');
  });

  test('a pinned intermediate is an anchor too; the bundle intermediate may then be absent', async () => {
    assert.equal(
      (await verifyDocument(signedBy('leaf.key', ['leaf.pem']), policy({ anchors: [anchor('int', pki('int.pem'))] }))).status,
      'verified',
    );
  });

  test('validity is checked at options.now, not at the leaf notBefore', async () => {
    const r = await verifyDocument(omsSigned(), omsRoot, { now: new Date('2030-01-01T00:00:00Z') });
    assert.equal(r.status, 'verified');
  });

  test('a v0.3 single non-Fulcio `certificate` is certificate mode when anchors are configured', async () => {
    const doc = json(certBundle(envelope(omsStatement(SIMPLE), privateKey(pki('leaf.key'))), derOf(pki('leaf.pem'))));
    const r = await verifyDocument(doc, policy({ anchors: [anchor('int', pki('int.pem'))] }));
    assert.equal(r.status === 'verified' ? r.method : r, 'certificate');
  });

  test('a Fulcio certificate always goes to keyless verification', async () => {
    const bundle = readFileSync(path.join(OMS_CONFORMANCE, 'cases/historical/historical-v1.1.0-sigstore/bundle.sig'));
    const r = await verifyDocument(bundle, omsRoot);
    assert.equal(r.status, 'rejected');
    if (r.status === 'rejected') {
      assert.equal(r.method, 'keyless');
      assert.equal(r.code, 'NO_TRUST_MATERIAL');
    }
  });
});

describe('certificate rejections', () => {
  test('CERTIFICATE_UNTRUSTED: another root', () =>
    expectCode(signedBy('leaf.key', ['leaf.pem', 'int.pem']), omsRoot, 'CERTIFICATE_UNTRUSTED'));
  test('CERTIFICATE_UNTRUSTED: the intermediate is missing and only the root is configured', () =>
    expectCode(signedBy('leaf.key', ['leaf.pem']), testRoot, 'CERTIFICATE_UNTRUSTED'));
  test('CERTIFICATE_UNTRUSTED: anchor out of scope', () =>
    expectCode(
      signedBy('leaf.key', ['leaf.pem', 'int.pem']),
      policy({ anchors: [anchor('r', pki('root.pem'), ['org/*'])] }),
      'CERTIFICATE_UNTRUSTED',
    ));
  test('CERTIFICATE_CHAIN_INVALID: issuer with the right name and key id but another key', () =>
    expectCode(
      signedBy('leaf.key', ['leaf.pem', 'impostor-int.pem']),
      policy({ anchors: [anchor('imp', pki('impostor-int.pem'))] }),
      'CERTIFICATE_CHAIN_INVALID',
    ));
  test('CERTIFICATE_CHAIN_INVALID: issued by a CA:FALSE certificate', () =>
    expectCode(
      signedBy('leaf-under-not-ca.key', ['leaf-under-not-ca.pem', 'not-ca.pem', 'int.pem']),
      testRoot,
      'CERTIFICATE_CHAIN_INVALID',
    ));
  test('CERTIFICATE_CHAIN_INVALID: more than 10 bundle intermediates (bounded path search)', () =>
    expectCode(signedBy('leaf.key', ['leaf.pem', ...Array<string>(11).fill('int.pem')]), testRoot, 'CERTIFICATE_CHAIN_INVALID'));
  test('CERTIFICATE_EXPIRED', () => expectCode(omsSigned(), omsRoot, 'CERTIFICATE_EXPIRED', new Date('2036-01-01T00:00:00Z')));
  test('CERTIFICATE_NOT_YET_VALID', () =>
    expectCode(omsSigned(), omsRoot, 'CERTIFICATE_NOT_YET_VALID', new Date('2025-01-01T00:00:00Z')));
  test('CERTIFICATE_EXPIRED: the conformance expired leaf', () => {
    const bundle = readFileSync(path.join(OMS_CONFORMANCE, 'cases/negative/certificate-expired_fail/bundle.sig'), 'utf8');
    return expectCode(bundle, omsRoot, 'CERTIFICATE_EXPIRED');
  });
  test('CERTIFICATE_USAGE_INVALID: neither digitalSignature nor codeSigning', () =>
    expectCode(signedBy('leaf-no-usage.key', ['leaf-no-usage.pem', 'int.pem']), testRoot, 'CERTIFICATE_USAGE_INVALID'));
  test('UNSUPPORTED_KEY: an RSA leaf', () =>
    expectCode(signedBy('leaf-rsa.key', ['leaf-rsa.pem', 'int.pem']), testRoot, 'UNSUPPORTED_KEY'));
  test('SIGNATURE_INVALID: signed by a key other than the leaf', () =>
    expectCode(signedBy('int.key', ['leaf.pem', 'int.pem']), testRoot, 'SIGNATURE_INVALID'));
  test('NO_TRUST_MATERIAL: no anchors (and no Sigstore root) configured', () =>
    expectCode(signedBy('leaf.key', ['leaf.pem', 'int.pem']), policy(), 'NO_TRUST_MATERIAL'));
});
