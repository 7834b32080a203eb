// in-toto Statement decoding and predicate dispatch, through verifyDocument with validly signed payloads,
// so each code is the statement's own fault and not a signature failure.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { verifyDocument } from '../../../src/verify/index.ts';
import type { RejectionCode } from '../../../src/verify/index.ts';
import { OMS_KEY, SIMPLE, envelope, json, keyBundle, omsStatement, policy } from './helpers/sign.ts';

const key = OMS_KEY.private();
const trusted = policy({ keys: [{ id: 'oms', pem: OMS_KEY.publicPem() }] });
const signed = (statement: unknown) => json(keyBundle(envelope(statement, key), {}));
const SLSA = 'https://slsa.dev/provenance/v1';
const subject = [{ name: 'model.bin', digest: { sha256: 'AB'.repeat(32) } }];

async function expectCode(statement: unknown, code: RejectionCode): Promise<void> {
  const r = await verifyDocument(signed(statement), trusted);
  assert.equal(r.status, 'rejected');
  if (r.status === 'rejected') {
    assert.equal(r.code, code, r.message);
    assert.equal(r.method, 'key', 'the signature was checked first');
  }
}

describe('statements that verify', () => {
  test('SLSA provenance with a v0.1 statement type', async () => {
    const r = await verifyDocument(
      signed({ _type: 'https://in-toto.io/Statement/v0.1', subject, predicateType: SLSA, predicate: { buildDefinition: {} } }),
      trusted,
    );
    assert.equal(r.status, 'verified');
    if (r.status !== 'verified') return;
    assert.equal(r.statement.type, 'https://in-toto.io/Statement/v0.1');
    assert.equal(r.oms, undefined);
    assert.deepEqual(r.statement.subjects[0]?.digest, { sha256: 'ab'.repeat(32) }, 'hex digests are lower-cased');
  });

  test('a subject without a name gets the empty name', async () => {
    const r = await verifyDocument(
      signed({
        _type: 'https://in-toto.io/Statement/v1',
        subject: [{ digest: { sha256: 'ab' } }],
        predicateType: SLSA,
        predicate: {},
      }),
      trusted,
    );
    assert.equal(r.status === 'verified' ? r.statement.subjects[0]?.name : undefined, '');
  });

  test('the OMS statement yields a manifest', async () => {
    const r = await verifyDocument(signed(omsStatement(SIMPLE)), trusted);
    assert.equal(r.status, 'verified');
    if (r.status === 'verified')
      assert.deepEqual(
        r.oms?.resources.map((x) => x.path),
        ['signme-1', 'signme-2'],
      );
  });
});

describe('MALFORMED_STATEMENT', () => {
  test('payload is not JSON', () => expectCode(Buffer.from('not json'), 'MALFORMED_STATEMENT'));
  test('payload is a JSON array', () => expectCode([], 'MALFORMED_STATEMENT'));
  test('no _type', () => expectCode({ subject, predicateType: SLSA, predicate: {} }, 'MALFORMED_STATEMENT'));
  test('no predicateType', () =>
    expectCode({ _type: 'https://in-toto.io/Statement/v1', subject, predicate: {} }, 'MALFORMED_STATEMENT'));
  test('subject without digest', () =>
    expectCode(
      { _type: 'https://in-toto.io/Statement/v1', subject: [{ name: 'x' }], predicateType: SLSA, predicate: {} },
      'MALFORMED_STATEMENT',
    ));
  test('empty DigestSet', () =>
    expectCode(
      { _type: 'https://in-toto.io/Statement/v1', subject: [{ name: 'x', digest: {} }], predicateType: SLSA, predicate: {} },
      'MALFORMED_STATEMENT',
    ));
  test('OMS subject without a sha256 root digest', () => {
    const s = omsStatement(SIMPLE) as { subject: unknown };
    s.subject = [{ name: 'model', digest: { sha512: 'ab' } }];
    return expectCode(s, 'MALFORMED_STATEMENT');
  });
});

describe('UNSUPPORTED_STATEMENT_TYPE', () => {
  test('an unknown _type', () =>
    expectCode({ ...omsStatement(SIMPLE), _type: 'https://example.com/Statement/v9' }, 'UNSUPPORTED_STATEMENT_TYPE'));
  test('the OMS v1.0 predicate in a v0.1 statement (OMS spec §8.3)', () =>
    expectCode(omsStatement(SIMPLE, { type: 'https://in-toto.io/Statement/v0.1' }), 'UNSUPPORTED_STATEMENT_TYPE'));
});

describe('subjects', () => {
  test('NO_SUBJECT', () => expectCode({ ...omsStatement(SIMPLE), subject: [] }, 'NO_SUBJECT'));
  test('MULTIPLE_SUBJECTS for OMS (spec §6.5)', () => {
    const s = omsStatement(SIMPLE) as { subject: unknown[] };
    return expectCode({ ...s, subject: [...s.subject, ...s.subject] }, 'MULTIPLE_SUBJECTS');
  });
});

describe('predicates', () => {
  test('UNSUPPORTED_PREDICATE', () =>
    expectCode({ ...omsStatement(SIMPLE), predicateType: 'https://example.com/wrong-predicate/v1.0' }, 'UNSUPPORTED_PREDICATE'));
  test('MALFORMED_PREDICATE: OMS without predicate', () =>
    expectCode({ ...omsStatement(SIMPLE), predicate: undefined }, 'MALFORMED_PREDICATE'));
  test('MALFORMED_PREDICATE: SLSA predicate not an object', () =>
    expectCode(
      { _type: 'https://in-toto.io/Statement/v1', subject, predicateType: SLSA, predicate: 'x' },
      'MALFORMED_PREDICATE',
    ));
  test('a rejected statement is kept for the record', async () => {
    const r = await verifyDocument(signed({ ...omsStatement(SIMPLE), predicateType: 'https://example.com/p' }), trusted);
    assert.equal(r.status === 'rejected' ? r.statement?.predicateType : undefined, 'https://example.com/p');
  });
});
