// Field paths in rejection reasons: a prefix that ends in a dot is not doubled (`dsseEnvelope.payloadType`, never
// `dsseEnvelope..payloadType`), whatever follows it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatPath } from '../../../src/verify/document/zod-issues.ts';
import { verifyDocument, EMPTY_TRUST_POLICY } from '../../../src/verify/index.ts';

describe('formatPath', () => {
  it('joins keys and indexes after a prefix with or without its dot', () => {
    assert.equal(formatPath('dsseEnvelope.', ['payloadType']), 'dsseEnvelope.payloadType');
    assert.equal(formatPath('dsseEnvelope', ['payloadType']), 'dsseEnvelope.payloadType');
    assert.equal(formatPath('dsseEnvelope.signatures[0].', ['sig']), 'dsseEnvelope.signatures[0].sig');
    assert.equal(formatPath('', ['signatures', 0, 'sig']), 'signatures[0].sig');
    assert.equal(formatPath('predicate.', ['resources', 3, 'digest']), 'predicate.resources[3].digest');
  });

  it('a bundle whose envelope lacks payloadType is rejected naming dsseEnvelope.payloadType', async () => {
    const bundle = {
      mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
      verificationMaterial: { publicKey: { hint: 'x' }, tlogEntries: [] },
      dsseEnvelope: { payload: 'e30=', signatures: [{ sig: 'AA==' }] },
    };
    const result = await verifyDocument(Buffer.from(JSON.stringify(bundle)), EMPTY_TRUST_POLICY, { now: new Date() });
    assert.equal(result.status, 'rejected');
    const message = result.status === 'rejected' ? result.message : '';
    assert.doesNotMatch(message, /\.\./);
    assert.match(message, /dsseEnvelope\.payloadType/);
  });
});
