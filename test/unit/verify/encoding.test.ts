// Strict base64 (encoding.ts): the bytes verified are exactly the bytes the document spelled out. Pinned here
// because the check was rewritten for speed (docs/BENCHMARKS.md, verify) and must keep its exact meaning.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { decodeBase64, isBase64 } from '../../../src/verify/encoding.ts';

describe('decodeBase64', () => {
  test('standard and URL-safe alphabets, padded or not', () => {
    assert.deepEqual(decodeBase64('+/8='), Buffer.from([0xfb, 0xff]));
    assert.deepEqual(decodeBase64('-_8'), Buffer.from([0xfb, 0xff]));
    assert.deepEqual(decodeBase64('QQ=='), Buffer.from('A'));
    assert.deepEqual(decodeBase64('QQ'), Buffer.from('A'));
    assert.deepEqual(decodeBase64(''), Buffer.alloc(0));
  });

  for (const [text, why] of [
    ['+/-_', 'mixes the two alphabets'],
    ['QUJD\nREVG', 'contains a newline'],
    ['QU JD', 'contains a space'],
    ['QUJD!', 'contains a foreign character'],
    ['QUJDR', 'leaves a lone final character'],
    ['QQ=', 'is padded to a length that is not a multiple of 4'],
    ['Q===', 'has three padding characters'],
    ['Q=Q=', 'has padding inside'],
  ] as const) {
    test(`rejects text that ${why}`, () => {
      assert.equal(decodeBase64(text), undefined);
      assert.equal(isBase64(text), false);
    });
  }

  test('round-trips any bytes in either alphabet, and isBase64 agrees with decodeBase64', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        const buf = Buffer.from(bytes);
        for (const text of [buf.toString('base64'), buf.toString('base64url')]) {
          assert.deepEqual(decodeBase64(text), buf);
          assert.equal(isBase64(text), true);
        }
      }),
    );
    fc.assert(fc.property(fc.string(), (text) => isBase64(text) === (decodeBase64(text) !== undefined)));
  });
});
