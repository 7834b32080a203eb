// Parsing at the edge: every malformed bundle / envelope shape is a Rejected result with its specific code.

import assert from 'node:assert/strict';
import { createPublicKey } from 'node:crypto';
import { describe, test } from 'node:test';
import { verifyDocument } from '../../../src/verify/index.ts';
import type { RejectionCode, VerificationResult } from '../../../src/verify/index.ts';
import { IN_TOTO, OMS_KEY, SIMPLE, envelope, json, keyBundle, omsStatement, policy, sha256 } from './helpers/sign.ts';

const key = OMS_KEY.private();
const trusted = policy({ keys: [{ id: 'oms', pem: OMS_KEY.publicPem() }] });
const env = () => envelope(omsStatement(SIMPLE), key);
const good = () => keyBundle(env(), {});

async function rejectedWith(doc: unknown, code: RejectionCode): Promise<VerificationResult> {
  const bytes = typeof doc === 'string' || doc instanceof Uint8Array ? doc : json(doc);
  const result = await verifyDocument(bytes, trusted);
  assert.equal(result.status, 'rejected', `expected ${code}, got verified`);
  if (result.status === 'rejected') {
    assert.equal(result.code, code, result.message);
    assert.match(result.message, /\.$/);
  }
  return result;
}

async function expectCode(doc: unknown, code: RejectionCode): Promise<void> {
  await rejectedWith(doc, code);
}

describe('documents that verify', () => {
  test('a key bundle without a hint tries every configured key', async () => {
    const r = await verifyDocument(json(good()), trusted);
    assert.equal(r.status, 'verified');
    assert.equal(r.method, 'key');
  });

  test('documentDigest is the SHA-256 of the submitted bytes, for strings and byte arrays', async () => {
    const text = json(good());
    assert.equal((await verifyDocument(text, trusted)).documentDigest, sha256(text));
    const bytes = new Uint8Array(Buffer.from(`  ${text}\n`));
    assert.equal((await verifyDocument(bytes, trusted)).documentDigest, sha256(bytes));
  });

  for (const mediaType of [
    'application/vnd.dev.sigstore.bundle+json;version=0.1',
    'application/vnd.dev.sigstore.bundle+json;version=0.2',
    'application/vnd.dev.sigstore.bundle.v0.3+json',
  ]) {
    test(`media type ${mediaType} is accepted`, async () => {
      assert.equal((await verifyDocument(json({ ...good(), mediaType }), trusted)).status, 'verified');
    });
  }

  for (const keyid of [null, '', undefined, 'anything']) {
    test(`DSSE keyid ${JSON.stringify(keyid)} is accepted (OMS §4.1)`, async () => {
      const e = envelope(omsStatement(SIMPLE), key, { keyid });
      assert.equal((await verifyDocument(json(keyBundle(e, {})), trusted)).status, 'verified');
    });
  }

  test('a bare DSSE envelope is key mode', async () => {
    const r = await verifyDocument(json(env()), trusted);
    assert.equal(r.status, 'verified');
    assert.equal(r.method, 'key');
  });

  for (const payloadType of ['application/vnd.in-toto+json', 'application/vnd.in-toto.provenance+json']) {
    test(`payloadType ${payloadType} is in-toto`, async () => {
      const e = envelope(omsStatement(SIMPLE), key, { payloadType });
      assert.equal((await verifyDocument(json(keyBundle(e, {})), trusted)).status, 'verified');
    });
  }

  // protobuf's JSON mapping accepts the proto field name as well as lowerCamelCase; Atlas CLI writes payload_type.
  const protoSpelled = () => {
    const { payloadType, ...rest } = env();
    return { payload_type: payloadType, ...rest };
  };
  test('a bare envelope spelling payload_type (the proto field name) is accepted', async () => {
    const r = await verifyDocument(json(protoSpelled()), trusted);
    assert.equal(r.status, 'verified');
  });
  test('so is a bundle whose dsseEnvelope spells payload_type', async () => {
    assert.equal((await verifyDocument(json(keyBundle(protoSpelled() as never, {})), trusted)).status, 'verified');
  });
  test('both spellings with the same value are one field', async () => {
    const both = { ...env(), payload_type: IN_TOTO };
    assert.equal((await verifyDocument(json(both), trusted)).status, 'verified');
  });

  test('the pre-1.1 OMS publicKey.rawBytes (base64 PEM text) picks the configured key', async () => {
    const pem = createPublicKey(OMS_KEY.publicPem()).export({ type: 'spki', format: 'pem' }).toString();
    const r = await verifyDocument(json(keyBundle(env(), { rawBytes: Buffer.from(pem).toString('base64') })), trusted);
    assert.equal(r.status, 'verified');
  });
});

describe('MALFORMED_JSON', () => {
  test('empty', () => expectCode('', 'MALFORMED_JSON'));
  test('truncated', () => expectCode(json(good()).slice(0, 100), 'MALFORMED_JSON'));
  test('not UTF-8', () => expectCode(new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]), 'MALFORMED_JSON'));
});

describe('UNSUPPORTED_MEDIA_TYPE', () => {
  for (const mediaType of ['application/json', 'application/vnd.dev.sigstore.bundle.v0.9+json', '']) {
    test(JSON.stringify(mediaType), () => expectCode({ ...good(), mediaType }, 'UNSUPPORTED_MEDIA_TYPE'));
  }
});

describe('MALFORMED_BUNDLE', () => {
  test('not an object', () => expectCode('[1,2]', 'MALFORMED_BUNDLE'));
  test('neither a bundle nor an envelope', () => expectCode({ hello: 'world' }, 'MALFORMED_BUNDLE'));
  // JSON.stringify drops undefined members: `{ ...x, field: undefined }` is x without field
  test('no mediaType', () => expectCode({ ...good(), mediaType: undefined }, 'MALFORMED_BUNDLE'));
  test('mediaType not a string', () => expectCode({ ...good(), mediaType: 3 }, 'MALFORMED_BUNDLE'));
  test('no verificationMaterial', async () => {
    const r = await rejectedWith({ ...good(), verificationMaterial: undefined }, 'MALFORMED_BUNDLE');
    assert.match(r.status === 'rejected' ? r.message : '', /verificationMaterial/);
  });
  test('no dsseEnvelope', () => expectCode({ ...good(), dsseEnvelope: undefined }, 'MALFORMED_BUNDLE'));
  test('a messageSignature bundle', () =>
    expectCode({ ...good(), dsseEnvelope: undefined, messageSignature: { signature: 'AAAA' } }, 'MALFORMED_BUNDLE'));
  test('two kinds of verification material', () =>
    expectCode(
      { ...good(), verificationMaterial: { publicKey: { hint: 'x' }, certificate: { rawBytes: 'AAAA' } } },
      'MALFORMED_BUNDLE',
    ));
  test('no verification material', () =>
    expectCode({ ...good(), verificationMaterial: { tlogEntries: [] } }, 'MALFORMED_BUNDLE'));
  test('certificate in a v0.1 bundle', () =>
    expectCode(
      {
        ...good(),
        mediaType: 'application/vnd.dev.sigstore.bundle+json;version=0.1',
        verificationMaterial: { certificate: { rawBytes: 'AAAA' } },
      },
      'MALFORMED_BUNDLE',
    ));
  test('certificate rawBytes not base64', () =>
    expectCode(
      { ...good(), verificationMaterial: { x509CertificateChain: { certificates: [{ rawBytes: '!!' }] } } },
      'MALFORMED_BUNDLE',
    ));
  test('empty certificate chain', () =>
    expectCode({ ...good(), verificationMaterial: { x509CertificateChain: { certificates: [] } } }, 'MALFORMED_BUNDLE'));
  test('certificate bytes that are not X.509', () =>
    expectCode(
      { ...good(), verificationMaterial: { x509CertificateChain: { certificates: [{ rawBytes: 'AAAA' }] } } },
      'MALFORMED_BUNDLE',
    ));
  test('publicKey.rawBytes that is not a key', () => expectCode(keyBundle(env(), { rawBytes: 'AAAA' }), 'MALFORMED_BUNDLE'));
});

describe('MALFORMED_ENVELOPE', () => {
  test('payload not base64', () =>
    expectCode({ ...good(), dsseEnvelope: { ...env(), payload: 'not base64!' } }, 'MALFORMED_ENVELOPE'));
  test('payloadType missing', () =>
    expectCode({ ...good(), dsseEnvelope: { ...env(), payloadType: undefined } }, 'MALFORMED_ENVELOPE'));
  test('payloadType and payload_type with different values', async () => {
    // The signature covers the camelCase type; a reader of the other spelling would see another type.
    const r = await rejectedWith({ ...env(), payload_type: 'application/vnd.in-toto.other+json' }, 'MALFORMED_ENVELOPE');
    assert.match(r.status === 'rejected' ? r.message : '', /payload_type/);
  });
  test('payload_type not a string', () =>
    expectCode({ ...env(), payloadType: undefined, payload_type: 7 }, 'MALFORMED_ENVELOPE'));
  test('signature without sig', () =>
    expectCode({ ...good(), dsseEnvelope: { ...env(), signatures: [{ keyid: '' }] } }, 'MALFORMED_ENVELOPE'));
  test('empty sig', () => expectCode({ ...good(), dsseEnvelope: { ...env(), signatures: [{ sig: '' }] } }, 'MALFORMED_ENVELOPE'));
  test('dsseEnvelope not an object', () => expectCode({ ...good(), dsseEnvelope: 'x' }, 'MALFORMED_ENVELOPE'));
  test('bare envelope with a bad field', () => expectCode({ ...env(), signatures: 'x' }, 'MALFORMED_ENVELOPE'));
});

describe('signature count', () => {
  test('NO_SIGNATURE', () => expectCode({ ...good(), dsseEnvelope: { ...env(), signatures: [] } }, 'NO_SIGNATURE'));
  test('MULTIPLE_SIGNATURES, even when both are valid', () => {
    const e = env();
    return expectCode(
      { ...good(), dsseEnvelope: { ...e, signatures: [...e.signatures, ...e.signatures] } },
      'MULTIPLE_SIGNATURES',
    );
  });
});

describe('UNSUPPORTED_PAYLOAD_TYPE', () => {
  for (const payloadType of ['application/json', 'text/plain', 'application/vnd.in-toto+jsonx']) {
    test(payloadType, () =>
      expectCode(keyBundle(envelope(omsStatement(SIMPLE), key, { payloadType }), {}), 'UNSUPPORTED_PAYLOAD_TYPE'),
    );
  }
});
