// Key mode: configured keys only, hash by curve, lookup by hint / rawBytes / keyid, scope.

import assert from 'node:assert/strict';
import { createHash, createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { describe, test } from 'node:test';
import { verifyDocument } from '../../../src/verify/index.ts';
import { pae } from '../../../src/verify/signers/dsse.ts';
import type { RejectionCode, TrustPolicy } from '../../../src/verify/index.ts';
import { legacyPae } from '../../../src/verify/signers/dsse.ts';
import { IN_TOTO, OMS_KEY, SIMPLE, envelope, hintOf, json, keyBundle, omsStatement, policy } from './helpers/sign.ts';

const pemOf = (k: KeyObject) => k.export({ type: 'spki', format: 'pem' }).toString();
const ec = (namedCurve: string) => generateKeyPairSync('ec', { namedCurve });
const omsPub = createPublicKey(OMS_KEY.publicPem());
const omsPriv = OMS_KEY.private();
const trusted = policy({ keys: [{ id: 'oms', pem: OMS_KEY.publicPem() }] });
const hinted = (statement = omsStatement(SIMPLE), key = omsPriv, pub = omsPub) =>
  json(keyBundle(envelope(statement, key), { hint: hintOf(pub) }));

async function expectCode(doc: string, p: TrustPolicy, code: RejectionCode): Promise<void> {
  const r = await verifyDocument(doc, p);
  assert.equal(r.status, 'rejected', `expected ${code}`);
  if (r.status === 'rejected') assert.equal(r.code, code, r.message);
}

describe('key mode', () => {
  test('the OMS hint (SHA-256 of the PEM text) selects the configured key; signer fingerprint is SHA-256 of SPKI DER', async () => {
    const r = await verifyDocument(hinted(), trusted);
    assert.equal(r.status, 'verified');
    if (r.status !== 'verified') return;
    const spki = omsPub.export({ type: 'spki', format: 'der' });
    assert.deepEqual(r.signer, { kind: 'key', fingerprint: createHash('sha256').update(spki).digest('hex'), keyId: 'oms' });
    assert.equal(hintOf(omsPub), 'e8450dec4eb99dae995da9af1bc2cc9f76ed669ee2e744f57abba763df3e3f8e');
  });

  test('a trusted key stored with a compressed EC point has the hint and fingerprint of the uncompressed key', async () => {
    const { publicKey, privateKey } = ec('P-256');
    const jwk = publicKey.export({ format: 'jwk' });
    const x = Buffer.from(jwk.x as string, 'base64url');
    const y = Buffer.from(jwk.y as string, 'base64url');
    const point = Buffer.concat([Buffer.from([(y[y.length - 1] ?? 0) & 1 ? 0x03 : 0x02]), x]);
    // SubjectPublicKeyInfo { id-ecPublicKey, prime256v1 } with the 33-byte compressed point (openssl ec -conv_form compressed)
    const spki = Buffer.concat([Buffer.from('3039301306072a8648ce3d020106082a8648ce3d030107032200', 'hex'), point]);
    const compressedPem = createPublicKey({ key: spki, format: 'der', type: 'spki' })
      .export({ type: 'spki', format: 'pem' })
      .toString();
    assert.ok(compressedPem.length < pemOf(publicKey).length, 'node re-exports the point compressed');
    const p = policy({ keys: [{ id: 'compressed', pem: compressedPem }] });
    // the reference hints the PEM `cryptography` writes: uncompressed
    const r = await verifyDocument(json(keyBundle(envelope(omsStatement(SIMPLE), privateKey), { hint: hintOf(publicKey) })), p);
    assert.equal(r.status, 'verified', r.status === 'rejected' ? r.message : '');
    const uncompressedSpki = publicKey.export({ type: 'spki', format: 'der' });
    if (r.status === 'verified' && r.signer.kind === 'key') {
      assert.equal(r.signer.fingerprint, createHash('sha256').update(uncompressedSpki).digest('hex'));
    }
    // a pre-1.1 bundle carrying the compressed PEM as rawBytes finds the same key
    const raw = json(
      keyBundle(envelope(omsStatement(SIMPLE), privateKey), { rawBytes: Buffer.from(compressedPem).toString('base64') }),
    );
    const uncompressedPolicy = policy({ keys: [{ id: 'plain', pem: pemOf(publicKey) }] });
    assert.equal((await verifyDocument(raw, uncompressedPolicy)).status, 'verified');
  });

  for (const [curve, hash] of [
    ['P-256', 'sha256'],
    ['P-384', 'sha384'],
    ['P-521', 'sha512'],
  ] as const) {
    test(`${curve} signs with ${hash}; another hash is SIGNATURE_INVALID`, async () => {
      const { publicKey, privateKey } = ec(curve);
      const p = policy({ keys: [{ id: curve, pem: pemOf(publicKey) }] });
      const good = json(keyBundle(envelope(omsStatement(SIMPLE), privateKey, { hash }), { hint: hintOf(publicKey) }));
      assert.equal((await verifyDocument(good, p)).status, 'verified');
      const other = hash === 'sha256' ? 'sha384' : 'sha256';
      const bad = json(keyBundle(envelope(omsStatement(SIMPLE), privateKey, { hash: other }), { hint: hintOf(publicKey) }));
      await expectCode(bad, p, 'SIGNATURE_INVALID');
    });
  }

  // Atlas CLI signs with SHA-384 by default whatever the curve: a policy key may name its hash (docs/TRUST-POLICY.md).
  test('a key whose policy entry names SHA-384 verifies a P-256 signature hashed with SHA-384, and only that', async () => {
    const { publicKey, privateKey } = ec('P-256');
    const doc = (hash: string) => json(envelope(omsStatement(SIMPLE), privateKey, { hash }));
    const byCurve = policy({ keys: [{ id: 'atlas', pem: pemOf(publicKey) }] });
    const sha384 = policy({ keys: [{ id: 'atlas', pem: pemOf(publicKey), hash: 'sha384' }] });
    await expectCode(doc('sha384'), byCurve, 'SIGNATURE_INVALID');
    assert.equal((await verifyDocument(doc('sha384'), sha384)).status, 'verified');
    await expectCode(doc('sha256'), sha384, 'SIGNATURE_INVALID');
  });

  test('UNSUPPORTED_KEY: a hash named for an Ed25519 key in a caller-built policy', async () => {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const p = policy({ keys: [{ id: 'ed', pem: pemOf(publicKey), hash: 'sha512' }] });
    await expectCode(json(envelope(omsStatement(SIMPLE), privateKey)), p, 'UNSUPPORTED_KEY');
  });

  test('Ed25519 bare DSSE envelope, found by keyid', async () => {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const other = ec('P-256').publicKey;
    const p = policy({
      keys: [
        { id: 'other', pem: pemOf(other) },
        { id: 'ed', pem: pemOf(publicKey) },
      ],
    });
    const r = await verifyDocument(json(envelope(omsStatement(SIMPLE), privateKey, { keyid: 'ed' })), p);
    assert.equal(r.status === 'verified' && r.signer.kind === 'key' ? r.signer.keyId : r, 'ed');
  });

  test('bare DSSE with an unknown keyid tries every key in scope', async () => {
    const r = await verifyDocument(json(envelope(omsStatement(SIMPLE), omsPriv, { keyid: 'not-a-key-we-know' })), trusted);
    assert.equal(r.status, 'verified');
  });

  test('the signature binds payloadType: changing it breaks the signature', async () => {
    const env = envelope(omsStatement(SIMPLE), omsPriv);
    await expectCode(json({ ...env, payloadType: 'application/vnd.in-toto.x+json' }), trusted, 'SIGNATURE_INVALID');
  });
});

describe('the model_signing v0.2.0 PAE quirk', () => {
  const legacyStatement = {
    _type: 'https://in-toto.io/Statement/v1',
    subject: SIMPLE.map((r) => ({ name: r.name, digest: { sha256: r.digest } })),
    predicateType: 'https://model_signing/Digests/v0.1',
    predicate: { unused: 'Unused, just passed due to API requirements' },
  };
  const legacySigned = (statement: object, hash: string) => {
    const payload = Buffer.from(JSON.stringify(statement));
    const sig = sign(hash, legacyPae(IN_TOTO, payload), omsPriv).toString('base64');
    return json({ payloadType: IN_TOTO, payload: payload.toString('base64'), signatures: [{ sig }] });
  };
  test('is accepted for the v0.2.0 predicate, with the curve hash or the SHA-256 v0.2.0 hard-coded', async () => {
    assert.equal((await verifyDocument(legacySigned(legacyStatement, 'sha384'), trusted)).status, 'verified');
    assert.equal((await verifyDocument(legacySigned(legacyStatement, 'sha256'), trusted)).status, 'verified');
  });
  test('is refused for any other predicate', () =>
    expectCode(legacySigned(omsStatement(SIMPLE), 'sha384'), trusted, 'SIGNATURE_INVALID'));
});

describe('key-mode rejections', () => {
  test('NO_TRUST_MATERIAL: no keys configured', () => expectCode(hinted(), policy(), 'NO_TRUST_MATERIAL'));
  test('UNTRUSTED_KEY: the hint names a key the policy lacks', () =>
    expectCode(hinted(), policy({ keys: [{ id: 'x', pem: pemOf(ec('P-256').publicKey) }] }), 'UNTRUSTED_KEY'));
  test('UNTRUSTED_KEY: pre-1.1 rawBytes carry a key the policy lacks (the bundle key is never trusted)', async () => {
    const { publicKey, privateKey } = ec('P-384');
    const doc = json(
      keyBundle(envelope(omsStatement(SIMPLE), privateKey), { rawBytes: Buffer.from(pemOf(publicKey)).toString('base64') }),
    );
    await expectCode(doc, trusted, 'UNTRUSTED_KEY');
  });
  test('SIGNATURE_INVALID: signed by another key under a valid hint', () =>
    expectCode(hinted(omsStatement(SIMPLE), ec('P-384').privateKey), trusted, 'SIGNATURE_INVALID'));
  test('SIGNATURE_INVALID: payload changed after signing', async () => {
    const env = envelope(omsStatement(SIMPLE), omsPriv);
    const tampered = { ...env, payload: Buffer.from(JSON.stringify(omsStatement(SIMPLE, { name: 'evil' }))).toString('base64') };
    await expectCode(json(keyBundle(tampered, { hint: hintOf(omsPub) })), trusted, 'SIGNATURE_INVALID');
  });
  test('SIGNATURE_INVALID: raw r||s signatures are not accepted', async () => {
    const env = envelope(omsStatement(SIMPLE), omsPriv);
    const message = pae(env.payloadType, Buffer.from(env.payload, 'base64'));
    const raw = sign('sha384', message, { key: omsPriv, dsaEncoding: 'ieee-p1363' });
    assert.ok(verify('sha384', message, { key: omsPub, dsaEncoding: 'ieee-p1363' }, raw), 'the raw signature itself is good');
    await expectCode(json({ ...env, signatures: [{ sig: raw.toString('base64') }] }), trusted, 'SIGNATURE_INVALID');
  });
  test('UNSUPPORTED_KEY: an RSA key in a caller-built policy', async () => {
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    await expectCode(
      json(envelope(omsStatement(SIMPLE), omsPriv)),
      policy({ keys: [{ id: 'rsa', pem: pemOf(publicKey) }] }),
      'UNSUPPORTED_KEY',
    );
  });
});

describe('scope (glob over subject names)', () => {
  const scoped = (scope: string[]) => policy({ keys: [{ id: 'oms', pem: OMS_KEY.publicPem(), scope }] });
  test('in scope', async () => {
    assert.equal(
      (await verifyDocument(hinted(omsStatement(SIMPLE, { name: 'org/llama-7b' })), scoped(['org/*']))).status,
      'verified',
    );
  });
  test('UNTRUSTED_KEY out of scope', () =>
    expectCode(hinted(omsStatement(SIMPLE, { name: 'other/llama' })), scoped(['org/*']), 'UNTRUSTED_KEY'));
  test('`*` does not cross "/", `**` does', async () => {
    await expectCode(hinted(omsStatement(SIMPLE, { name: 'org/a/b' })), scoped(['org/*']), 'UNTRUSTED_KEY');
    assert.equal(
      (await verifyDocument(hinted(omsStatement(SIMPLE, { name: 'org/a/b' })), scoped(['org/**']))).status,
      'verified',
    );
  });
  test('every subject of a multi-subject statement must be in scope', async () => {
    const statement = {
      _type: 'https://in-toto.io/Statement/v1',
      subject: [
        { name: 'org/a', digest: { sha256: 'aa' } },
        { name: 'evil/b', digest: { sha256: 'bb' } },
      ],
      predicateType: 'https://slsa.dev/provenance/v1',
      predicate: {},
    };
    await expectCode(hinted(statement), scoped(['org/*']), 'UNTRUSTED_KEY');
    assert.equal((await verifyDocument(hinted(statement), scoped(['org/*', 'evil/*']))).status, 'verified');
  });
});
